"""`aipm eval rag`: the golden-set eval, its report, and the abstention-threshold calibration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products
from products.rag_search.core import list_knowledge_bases
from products.rag_search.core.calibration import (
    SweepRow,
    best_gate,
    best_threshold,
    sweep,
    two_fold,
    write_calibration,
)
from products.rag_search.core.eval_report import write_report
from products.rag_search.core.evaluation import run_eval
from products.rag_search.core.relevance import Signals, load_calibration
from shared.config import load_settings
from shared.llm import get_llm
from shared.testing.fake_provider import FakeProvider
from tests.products.rag_search.answer_helpers import HELP_CENTRE, llm_settings, write_corpus
from tests.products.rag_search.responders import answer_from_s1

HEADER = {"eval_set": "tiny", "measures": "a tiny golden set for tests", "version": 1}


def tiny_golden(path: Path, corpus: dict[str, str]) -> Path:
    """Two answerable questions built from the corpus's own sentences, one off-topic."""
    source, text = next(iter(corpus.items()))
    fact = "30 days" if "30 days" in text else text.split()[0]
    cases = [
        {"id": "a1", "question": "Are refunds available within 30 days of purchase?",
         "answerable": True, "sources": [source], "key_facts": [fact]},
        {"id": "u1", "question": "What is the boiling point of mercury?", "answerable": False},
    ]
    path.write_text("\n".join(json.dumps(line) for line in [HEADER, *cases]) + "\n")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "kb", HELP_CENTRE)


def test_baseline_eval_scores_retrieval_abstention_and_answers(corpus: Path,
                                                               tmp_path: Path) -> None:
    golden = tiny_golden(tmp_path / "golden.jsonl", HELP_CENTRE)
    result = run_eval(load_settings(), None, eval_set=golden, data=corpus)
    assert result.engine == "extractive" and result.model is None
    assert set(result.retrieval) == {"dense", "bm25", "hybrid"}
    assert result.retrieval["hybrid"]["recall@5"] == 1.0
    assert result.abstention["recall"] == 1.0  # the off-topic question abstained
    assert [case.abstained for case in result.results] == [False, True]
    assert result.answers["citation_validity"] == 1.0
    report = write_report(result, tmp_path / "report.md").read_text()
    assert f"Date: {result.date.isoformat()}" in report
    assert "| all / hybrid | 1.000" in report and "threshold sweep" in report


def test_llm_eval_runs_through_the_fake_provider(corpus: Path, tmp_path: Path) -> None:
    golden = tiny_golden(tmp_path / "golden.jsonl", HELP_CENTRE)
    with FakeProvider(responder=answer_from_s1) as fake:
        settings = llm_settings(fake)
        result = run_eval(settings, get_llm(settings, product="rag_search"), eval_set=golden,
                          data=corpus)
    assert result.engine == "llm" and result.model is not None
    assert result.answers["citation_validity"] == 1.0
    assert result.results[1].abstained  # the gate stops the off-topic question before the model


def test_eval_command_on_the_bundled_golden_set(tmp_path: Path) -> None:
    """A regression guard on the real corpus: a retrieval or abstention break fails here."""
    report = tmp_path / "report.md"
    result = CliRunner().invoke(build_app(available_products()),
                                ["eval", "rag", "--json", "--report", str(report)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["cases"] >= 120 and payload["report_path"] == str(report)
    assert payload["retrieval"]["hybrid"]["recall@5"] >= 0.9
    # the gate answers three in four answerable questions and still turns down near misses
    assert payload["answers"]["answered_answerable"] >= 0.7
    assert payload["abstention"]["recall"] >= 0.4 and payload["abstention"]["f1"] >= 0.45
    assert payload["answers"]["key_fact_coverage"] >= 0.5  # answer + one supporting sentence
    assert set(payload["by_split"]) == {"tune", "heldout"}
    assert list_knowledge_bases(load_settings()) == []  # the eval left no collection behind
    assert payload["answers"]["citation_validity"] == 1.0
    assert "Per question" in report.read_text()


def test_sweep_finds_the_threshold_that_separates_the_classes() -> None:
    relevances = [0.9, 0.1, 0.05, 0.8, 0.7, 0.1, 0.08, 0.75]
    unanswerable = [False, True, True, False, False, True, True, False]
    rows = sweep(relevances, unanswerable)
    assert rows[0].threshold == 0.0 and rows[-1].threshold == 1.0
    assert best_threshold(rows) == 0.4  # the middle of the 0.15-0.70 plateau that separates
    found = [[Signals(coverage=r, similarity=r)] for r in relevances]  # any weight gives r
    assert all(fold["held_out_f1"] == 1.0 for fold in two_fold(found, unanswerable))


def test_best_gate_finds_the_weight_that_separates() -> None:
    """Coverage alone cannot tell these apart; cosine can, so the sweep picks weight 0."""
    found = [[Signals(coverage=0.5, similarity=s)] for s in (0.9, 0.2, 0.8, 0.1)]
    weight, threshold = best_gate(found, [False, True, False, True])
    assert weight == 0.0 and 0.2 < threshold <= 0.8


def test_two_tied_thresholds_give_the_lower_one() -> None:
    same = {"precision": 1.0, "recall": 1.0, "f1": 1.0, "accuracy": 1.0}
    assert best_threshold([SweepRow(threshold=0.4, **same), SweepRow(threshold=0.3, **same)]) \
        == 0.3


def test_write_calibration_is_what_load_calibration_reads(tmp_path: Path) -> None:
    path = write_calibration(0.42, method="test", path=tmp_path / "calibration.json")
    calibration = load_calibration(path)
    assert calibration.threshold == 0.42 and calibration.method == "test"
    load_calibration.cache_clear()


def test_the_gate_must_answer_the_share_of_answerable_questions_it_is_told() -> None:
    """Unconstrained, F1 on "abstain" buys near-miss abstentions with wrong abstentions; the
    sweep only considers thresholds that still answer `min_answered` of the answerable."""
    relevances = [0.9, 0.8, 0.45, 0.42, 0.6, 0.5, 0.3, 0.2]
    unanswerable = [False, False, False, False, True, True, True, True]
    rows = sweep(relevances, unanswerable)
    assert next(r for r in rows if r.threshold == 0.45).answered == 0.75
    assert best_threshold(rows, min_answered=0.0) == 0.7  # abstains on every near miss
    assert best_threshold(rows, min_answered=1.0) == 0.35  # answers every answerable one
    found = [[Signals(coverage=r, similarity=r)] for r in relevances]
    assert best_gate(found, unanswerable, min_answered=1.0)[1] == 0.35


def test_a_share_no_threshold_reaches_falls_back_to_the_best_f1() -> None:
    rows = sweep([0.9, 0.1], [False, True])
    assert best_threshold(rows, min_answered=1.5) == best_threshold(rows, min_answered=0.0)
