"""`aipm eval rag --squad` / `--questions`: a public QA set scored as a product feature."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products
from products.rag_search.core.squad import article_split, load_questions, load_squad
from products.rag_search.core.squad_eval import abstain_scores, run_qa_eval, score
from shared.config import load_settings
from shared.errors import BadInput
from tests.products.rag_search.qa_fixtures import FERRY, splits, write_squad


def test_the_split_is_by_article_and_the_same_every_time() -> None:
    assert article_split("Harbour_town") == article_split("Harbour_town")
    titles = [f"Article_{n}" for n in range(40)]
    sides = {article_split(title) for title in titles}
    assert sides == {"tune", "heldout"}  # a hash, not a constant


def test_each_paragraph_becomes_one_markdown_document(tmp_path: Path) -> None:
    qa = load_squad(write_squad(tmp_path), tmp_path / "corpus")
    docs = sorted((tmp_path / "corpus").rglob("*.md"))
    assert len(docs) == 3
    assert FERRY in (tmp_path / "corpus" / "harbour-town" / "p002.md").read_text()
    assert [c.id for c in qa.cases] == ["h1", "h2", "h3", "h4", "o1", "o2"]
    impossible = next(c for c in qa.cases if c.id == "h3")
    assert not impossible.answerable and impossible.answers == []
    assert {c.split for c in qa.cases if c.article == "Hill_orchard"} == \
        {splits()["Hill_orchard"]}


def test_limit_articles_and_split_choose_the_cases(tmp_path: Path) -> None:
    path = write_squad(tmp_path)
    assert len(load_squad(path, tmp_path / "a", limit=2).cases) == 2
    assert {c.article for c in load_squad(path, tmp_path / "b", articles=1).cases} == \
        {"Harbour_town"}
    side = splits()["Hill_orchard"]
    chosen = load_squad(path, tmp_path / "c", split=side)  # type: ignore[arg-type]
    assert chosen.cases and all(c.split == side for c in chosen.cases)


def test_a_second_load_leaves_only_its_own_paragraphs(tmp_path: Path) -> None:
    path = write_squad(tmp_path)
    load_squad(path, tmp_path / "corpus")
    load_squad(path, tmp_path / "corpus", articles=1)
    assert {doc.parent.name for doc in (tmp_path / "corpus").rglob("*.md")} == {"harbour-town"}


def test_a_file_that_is_not_squad_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    with pytest.raises(BadInput, match="SQuAD"):
        load_squad(bad, tmp_path / "corpus")


def test_abstain_scores_and_balanced_accuracy_by_hand() -> None:
    # 2 unanswerable (one caught), 4 answerable (one wrongly abstained)
    abstained = [True, False, True, False, False, False]
    unanswerable = [True, True, False, False, False, False]
    scores = abstain_scores(abstained, unanswerable)
    assert scores["abstain_precision"] == 0.5 and scores["abstain_recall"] == 0.5
    assert scores["false_abstain"] == 0.25
    assert scores["balanced_accuracy"] == pytest.approx((0.5 + 0.75) / 2)
    never = abstain_scores([False] * 6, unanswerable)
    assert never["balanced_accuracy"] == 0.5 and never["abstain_recall"] == 0.0


def test_the_eval_asks_every_question_and_scores_the_answers(tmp_path: Path) -> None:
    qa = load_squad(write_squad(tmp_path), tmp_path / "corpus")
    seen: list[int] = []
    result = run_qa_eval(load_settings(), None, qa, "tiny", progress=lambda d, t: seen.append(d))
    assert seen == list(range(1, 7)) and result.cases == 6
    row = result.scores["all"]
    assert row["questions"] == 6 and row["unanswerable"] == 1
    assert row["recall@5"] == 1.0  # three documents: the right one is always in the top 5
    assert row["always-abstain balanced accuracy (anchor)"] == 0.5
    when = next(r for r in result.results if r.id == "h1")
    if not when.abstained:  # answered: the span is the year, so exact match is 1
        assert when.exact == 1.0 and when.contains == 1.0
    assert score(result.results)["median_answer_chars"] is not None


def test_the_command_writes_a_report_with_numbers_only(tmp_path: Path) -> None:
    report = tmp_path / "report-tiny.md"
    result = CliRunner().invoke(build_app(available_products()), [
        "eval", "rag", "--squad", str(write_squad(tmp_path)), "--json", "--report", str(report),
        "--limit", "4"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["cases"] == 4 and payload["report_path"] == str(report)
    text = report.read_text()
    assert "balanced_accuracy" in text and "Harbour Lighthouse" not in text  # no set text
    assert not list(Path.cwd().glob("rag_search"))  # the corpus went to the data dir


def test_a_bad_split_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_app(available_products()), [
        "eval", "rag", "--squad", str(write_squad(tmp_path)), "--split", "dev", "--json"])
    assert result.exit_code != 0 and "--split must be" in result.output


def test_a_users_own_questions_over_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "ferry.md").write_text(f"# Ferry\n\n{FERRY}\n")
    questions = tmp_path / "questions.jsonl"
    questions.write_text(json.dumps({"question": "How often does the ferry sail in winter?",
                                     "answers": ["twice a day"], "source": "ferry.md"}) + "\n"
                         + json.dumps({"question": "Who painted the ferry?",
                                       "answerable": False}) + "\n")
    qa = load_questions(questions, folder)
    assert [c.answerable for c in qa.cases] == [True, False]
    result = run_qa_eval(load_settings(), None, qa, "mine")
    assert result.scores["all"]["recall@5"] == 1.0
    with pytest.raises(BadInput, match="line 1"):
        bad = tmp_path / "bad.jsonl"
        bad.write_text('{"answers": []}\n')
        load_questions(bad, folder)
