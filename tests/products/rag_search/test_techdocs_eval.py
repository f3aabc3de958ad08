"""The second eval corpus (evals/techdocs/, a fictional HTTP client's docs): its labels hold,
and `aipm eval rag --eval-set ... --data ...` scores it without ever tuning on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products
from products.rag_search.core import list_knowledge_bases
from products.rag_search.core.evaluation import GoldenCase, load_golden, run_eval
from products.rag_search.core.relevance import CALIBRATION_FILE
from shared.config import load_settings
from shared.errors import BadInput
from tests.products.rag_search.eval_set_checks import (
    EVALS,
    assert_held_out_set,
    assert_labels_hold,
)

TECHDOCS_SET = EVALS / "techdocs.jsonl"
TECHDOCS = EVALS / "techdocs"


@pytest.fixture(scope="module")
def cases() -> list[GoldenCase]:
    return load_golden(TECHDOCS_SET)


def test_the_set_is_big_enough_and_all_heldout(cases: list[GoldenCase]) -> None:
    assert_held_out_set(cases, total=60, unanswerable=20, answerable=40)


def test_the_corpus_looks_like_a_docs_site() -> None:
    pages = sorted(TECHDOCS.rglob("*.md"))
    assert 18 <= len(pages) <= 25
    assert {page.parent.name for page in pages} >= {"getting-started", "guide", "how-to",
                                                    "reference", "techdocs"}


def test_the_labels_hold_against_the_pages(cases: list[GoldenCase]) -> None:
    assert_labels_hold(cases, TECHDOCS)


def test_unanswerable_cases_name_no_source_or_fact(cases: list[GoldenCase]) -> None:
    assert all(not case.sources and not case.key_facts for case in cases if not case.answerable)


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(available_products()), ["eval", "rag", *args])
    return result.exit_code, result.output


def test_calibrate_on_another_eval_set_is_refused_in_one_line() -> None:
    before = CALIBRATION_FILE.read_text()
    code, output = _invoke("--calibrate", "--eval-set", str(TECHDOCS_SET), "--data",
                           str(TECHDOCS))
    assert code == 1
    assert "--calibrate tunes the gate on the golden set only" in output
    assert len(output.strip().splitlines()) == 1
    assert CALIBRATION_FILE.read_text() == before


def test_calibrate_with_only_another_corpus_is_refused_too() -> None:
    code, output = _invoke("--calibrate", "--data", str(TECHDOCS))
    assert code == 1 and "never tuned on" in output


def test_a_data_path_that_is_not_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    code, output = _invoke("--eval-set", str(TECHDOCS_SET), "--data", str(tmp_path / "nope"))
    assert code == 1 and "is not a folder" in output


def test_run_eval_refuses_to_calibrate_on_a_set_without_tune_cases() -> None:
    with pytest.raises(BadInput, match="no tune cases"):
        run_eval(load_settings(), None, eval_set=TECHDOCS_SET, data=TECHDOCS, calibrate=True)


def _slice(path: Path, ids: set[str]) -> Path:
    """A copy of the techdocs set holding only `ids`, so the CLI test stays small."""
    lines = TECHDOCS_SET.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines[1:] if json.loads(line)["id"] in ids]
    path.write_text("\n".join([lines[0], *kept]) + "\n", encoding="utf-8")
    return path


def test_the_cli_scores_a_slice_and_writes_a_report_without_tune_rows(tmp_path: Path) -> None:
    eval_set = _slice(tmp_path / "slice.jsonl", {"td01", "td14", "tu22"})
    report = tmp_path / "report-techdocs.md"
    before = CALIBRATION_FILE.read_text()
    code, output = _invoke("--json", "--eval-set", str(eval_set), "--data", str(TECHDOCS),
                           "--report", str(report))
    assert code == 0, output
    payload = json.loads(output)
    assert payload["cases"] == 3 and set(payload["by_split"]) == {"heldout"}
    assert payload["sweep"] == [] and payload["suggested_threshold"] is None
    assert payload["abstention"]["unanswerable"] == 1
    text = report.read_text()
    assert "Eval set: slice.jsonl (3 cases)" in text and "| tu22 | heldout |" in text
    assert "threshold sweep" not in text and "| tune |" not in text and "| tune /" not in text
    assert "This set has no tune cases" in text
    assert CALIBRATION_FILE.read_text() == before  # the run read the gate, never wrote it
    assert list_knowledge_bases(load_settings()) == []
