"""`aipm rag chat --json` and its date filters, with questions piped on standard input.

A script reading the chat needs stdout to hold JSON lines only: one object per answer, with the
keys `aipm rag ask --json` prints, so the same parser reads both.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from frontdoors.cli import app
from tests.products.rag_search.test_chat_and_filters import MOBILE, corpus

runner = CliRunner()
STORAGE = "How much storage does the Free plan include?"
__all__ = ["corpus"]  # the fixture: the help centre, with billing/refunds.md from January 2020


def chat_lines(*options: str, questions: list[str]) -> list[dict]:
    result = runner.invoke(app, ["rag", "chat", "--json", *options],
                           input="".join(f"{q}\n" for q in questions))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_chat_json_prints_one_ask_shaped_object_per_answer(corpus: Path) -> None:
    answers = chat_lines(questions=[MOBILE, "Does it work offline?"])
    asked = runner.invoke(app, ["rag", "ask", MOBILE, "--json"])
    assert len(answers) == 2
    assert set(answers[0]) == set(json.loads(asked.stdout))
    assert "Android 12" in answers[0]["answer"]
    assert "mobile" in answers[1]["standalone_question"] and "offline" in answers[1]["answer"]


def test_chat_json_keeps_errors_off_stdout(corpus: Path) -> None:
    result = runner.invoke(app, ["rag", "chat", "--json"], input=f"{'x' * 3000}\n{MOBILE}\n")
    assert result.exit_code == 0
    assert "Error: The question is" in result.stderr
    assert [json.loads(line)["citations"][0]["source"]
            for line in result.stdout.splitlines()] == ["mobile.md"]


def test_chat_date_filters_narrow_every_turn(corpus: Path) -> None:
    old_only = chat_lines("--modified-before", "2020-01-31", questions=[STORAGE])
    assert "2 GB" not in old_only[0]["answer"]
    assert {c["source"] for c in old_only[0]["citations"]} <= {"billing/refunds.md"}
    recent = chat_lines("--modified-after", "2021-01-01", questions=[STORAGE])
    assert "2 GB" in recent[0]["answer"]


def test_chat_with_a_bad_date_is_a_one_line_error(corpus: Path) -> None:
    result = runner.invoke(app, ["rag", "chat", "--modified-after", "last week"], input=MOBILE)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "--modified-after must be a date like 2026-12-02" in result.stderr
