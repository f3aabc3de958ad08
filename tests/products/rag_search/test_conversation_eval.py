"""The conversation eval (`aipm eval rag --set conversation`): the set, the scores, the doors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import app
from products.rag_search.core.conversation_eval import (
    CONVERSATION_SET,
    TARGET_FOLLOW_UP_HIT,
    ConversationEval,
    load_conversations,
    run_conversation_eval,
    write_conversation_report,
)
from products.rag_search.core.evaluation import SAMPLE_DATA
from shared.config import load_settings

runner = CliRunner()


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ConversationEval:
    settings = load_settings().model_copy(update={"data_dir": tmp_path_factory.mktemp("conv")})
    return run_conversation_eval(settings)


def test_the_set_has_30_follow_ups_and_names_real_files() -> None:
    conversations = load_conversations()
    turns = [turn for conversation in conversations for turn in conversation.turns]
    assert len(turns) >= 30 and sum(turn.kind == "follow_up" for turn in turns) >= 30
    assert all(conversation.turns[0].kind == "first" for conversation in conversations)
    assert {conversation.split for conversation in conversations} == {"tune", "held_out"}
    for turn in turns:
        assert all((SAMPLE_DATA / source).is_file() for source in turn.sources), turn.question


def test_follow_ups_find_their_file_and_new_topics_carry_nothing(
        result: ConversationEval) -> None:
    kit = result.scores["kit"]["all"]
    assert kit.follow_up_hit_at_5 >= TARGET_FOLLOW_UP_HIT
    assert kit.carried_words == 0 and kit.new_topics_with_carried_words == 0
    assert result.scores["previous_rule"]["all"].carried_words > 0  # the bug this fixes
    assert kit.follow_up_hit_at_1 > result.scores["question_alone"]["all"].follow_up_hit_at_1


def test_the_readme_follow_up_is_searched_for_monthly_plans(result: ConversationEval) -> None:
    turn = next(r for r in result.results if r.question == "and for monthly plans?")
    assert turn.query == "How long is the refund window for monthly plans?"
    assert turn.found[0] == "billing/refund-policy.md" and not turn.stale


def test_the_report_shows_the_kit_beside_its_anchors(result: ConversationEval,
                                                     tmp_path: Path) -> None:
    text = write_conversation_report(result, tmp_path / "report.md").read_text()
    assert "| all / kit |" in text and "| held_out / previous_rule |" in text
    assert "0 carried words on new topics: met" in text


def test_cli_set_conversation_prints_json_and_a_bad_set_is_one_line(tmp_path: Path) -> None:
    small = tmp_path / "chat.jsonl"
    lines = CONVERSATION_SET.read_text().splitlines()
    small.write_text("\n".join(lines[:2]) + "\n")  # the header and the README's chat
    report = tmp_path / "r.md"
    ran = runner.invoke(app, ["eval", "rag", "--set", "conversation", "--eval-set", str(small),
                              "--report", str(report), "--json"])
    assert ran.exit_code == 0, ran.output
    body = json.loads(ran.stdout)
    assert body["conversations"] == 1 and body["report_path"] == str(report)
    bad = runner.invoke(app, ["eval", "rag", "--set", "chats"])
    assert bad.exit_code == 1 and "--set must be golden or conversation" in bad.stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"eval_set": "x"}\n{"id": 1}\n')
    failed = runner.invoke(app, ["eval", "rag", "--set", "conversation", "--eval-set",
                                 str(broken)])
    assert failed.exit_code == 1 and "not a readable conversation set" in failed.stderr


def test_with_an_llm_the_kit_rewrites_through_the_model(tmp_path: Path) -> None:
    from shared.llm import get_llm
    from shared.testing.fake_provider import FakeProvider
    from tests.products.rag_search.answer_helpers import llm_settings
    from tests.products.rag_search.responders import answer_from_s1

    def responder(request: dict[str, object]) -> str:
        if "standalone question" in str(request.get("system") or ""):
            return "Are monthly plans refunded for the month in progress?"
        return answer_from_s1(request)  # type: ignore[arg-type]

    small = tmp_path / "chat.jsonl"
    small.write_text("\n".join(CONVERSATION_SET.read_text().splitlines()[:2]) + "\n")
    with FakeProvider(responder=responder) as fake:
        llm = get_llm(llm_settings(fake), product="rag_search")
        result = run_conversation_eval(load_settings(), eval_set=small, llm=llm)
    assert (result.engine, result.model) == ("llm", "openai:gpt-4.1-mini")
    assert result.results[1].query == "Are monthly plans refunded for the month in progress?"
    assert result.scores["kit"]["all"].carried_words == 0
