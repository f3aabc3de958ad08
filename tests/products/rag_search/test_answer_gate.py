"""The learned abstain gate: features that read the question against the evidence, the
shipped model's confidence, and what the answer does with it."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from products.rag_search.core import answer as answer_module
from products.rag_search.core.answer import ask
from products.rag_search.core.answer_gate import (
    CONDITIONS,
    FEATURES,
    GATE_FILE,
    GateModel,
    condition_features,
    gate_features,
    holds_type,
    load_gate,
    name_pairs,
    name_runs,
    question_type,
    sentence_margin,
)
from products.rag_search.core.relevance import Signals
from products.rag_search.tools.train_gate import abstain_threshold, low_threshold
from tests.products.rag_search.answer_helpers import help_centre, result

GAME = ("The Legend of Kestrel: Amber Crown is an adventure game by Northwind. It was released "
        "in March 2009 for two consoles. The Glider is a weapon the hero finds in the caves.")
WEIGHTS = {"kestrel": 2.0, "amber": 2.0, "crown": 1.5, "releas": 1.0, "glider": 2.0,
           "consol": 1.0}
SIGNALS = [Signals(coverage=0.8, similarity=0.5)]


def features(question: str, text: str = GAME) -> dict[str, float]:
    return gate_features(question, WEIGHTS, [result(1, text, "game.md")], SIGNALS, 0.6)


def test_a_swapped_name_is_a_run_the_passage_never_has() -> None:
    assert name_runs("When was Amber Crown released?") == [["amber", "crown"]]
    # the question's own first word is capitalised, not part of the name
    assert name_runs("Which Amber Crown level has the Glider?") == [["amber", "crown"]]
    assert features("When was Amber Crown released?")["name_runs_in_chunk"] == 1.0
    # each word is in the passage, the name they make is not
    assert features("When was Glider Crown released?")["name_runs_in_chunk"] == 0.0


def test_a_name_next_to_a_word_it_never_stands_beside_is_caught() -> None:
    assert features("How many consoles did Kestrel ship on?")["name_pairs_in_chunk"] < 1.0
    assert features("Who made the Legend of Kestrel?")["name_pairs_in_chunk"] == 1.0


def test_a_negation_the_evidence_does_not_carry_is_a_mismatch() -> None:
    assert features("Which weapon is not found in the caves?")["negation_mismatch"] == 1.0
    assert features("Which weapon is found in the caves?")["negation_mismatch"] == 0.0


def test_the_answer_type_asked_and_found() -> None:
    assert question_type("When was it released?") == "when"
    assert question_type("How many consoles?") == "quantity"
    assert question_type("Who made it?") == "who"
    assert question_type("What is the Glider?") is None
    assert holds_type("when", "It came out in March 2009.", "When did it come out?")
    assert not holds_type("when", "It came out on two consoles.", "When did it come out?")
    assert holds_type("quantity", "It shipped on two consoles.", "How many consoles?")
    assert holds_type("who", "It was made by Northwind.", "Who made Amber Crown?")
    assert not holds_type("who", "Amber Crown was made.", "Who made Amber Crown?")
    found = features("When was Amber Crown released?")
    assert found["type_asked"] == 1.0 and found["type_found"] == 1.0


def test_every_feature_the_model_reads_is_computed() -> None:
    assert set(features("When was Amber Crown released?")) == {*FEATURES, *CONDITIONS}


def test_confidence_is_the_logistic_of_the_standardised_features() -> None:
    model = GateModel(features=["a", "b"], mean=[1.0, 0.0], scale=[2.0, 1.0], coef=[1.0, -2.0],
                      intercept=0.5, abstain_below=0.3, low_below=0.6)
    z = 0.5 + 1.0 * (3.0 - 1.0) / 2.0 - 2.0 * 0.25
    assert model.confidence({"a": 3.0, "b": 0.25}) == pytest.approx(1 / (1 + math.exp(-z)))


def test_the_shipped_model_reads_the_features_the_code_computes() -> None:
    gate = load_gate(GATE_FILE)
    assert gate is not None
    assert gate.features == list(FEATURES)
    assert 0.0 < gate.abstain_below <= gate.low_below < 1.0
    assert load_gate(Path("/nonexistent/gate.json")) is None


def test_the_abstain_threshold_keeps_false_abstain_under_the_cap_and_stops_at_the_guard(
) -> None:
    confidences = [0.9, 0.8, 0.7, 0.95, 0.9, 0.85, 0.8, 0.75, 0.9, 0.2, 0.1, None]
    unanswerable = [False] * 9 + [True, True, False]  # the None: the relevance gate abstained
    abstains = [lambda t, c=c: c is None or c < t for c in confidences]
    chosen = abstain_threshold(abstains, unanswerable, lambda t: True)
    assert 0.2 < chosen <= 0.7  # catches both unanswerable, answers every answerable
    assert abstain_threshold(abstains, unanswerable, lambda t: t < 0.15) < 0.15
    assert low_threshold(confidences, unanswerable, chosen) >= chosen


def test_the_veto_needs_a_missing_name_when_the_model_says_so() -> None:
    gate = RUNS_ONLY.model_copy(update={"veto_when_missing": ["name_runs_in_chunk"]})
    assert gate.vetoes({"name_runs_in_chunk": 0.0}, 0.1)
    assert not gate.vetoes({"name_runs_in_chunk": 1.0}, 0.1)  # confident enough in the rest
    assert not gate.vetoes({"name_runs_in_chunk": 0.0}, 0.5)  # over abstain_below
    assert gate.vetoes({"name_runs_in_chunk": 0.0}, 0.5, threshold=0.6)
    assert RUNS_ONLY.vetoes({"name_runs_in_chunk": 1.0}, 0.1)  # no condition: confidence only


RUNS_ONLY = GateModel(features=["name_runs_in_chunk"], mean=[0.5], scale=[0.5], coef=[4.0],
                      intercept=0.0, abstain_below=0.2, low_below=0.99)


def test_below_the_threshold_the_extractive_engine_abstains(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setattr(answer_module, "load_gate", lambda: RUNS_ONLY)
    kb = help_centre(tmp_path, {"plans.md": "# Plans\n\nThe Team Plan costs 12 euros per user "
                                            "each month. The Free Plan has 3 projects.\n"})
    answered = ask(kb, "How much does the Team Plan cost per user each month?")
    assert not answered.abstained and answered.confidence is not None
    assert answered.confidence > RUNS_ONLY.abstain_below
    assert answered.low_confidence  # under low_below 0.99, over abstain_below
    assert answered.gate_features["name_runs_in_chunk"] == 1.0
    swapped = ask(kb, "How much does the Free Team cost per user each month?")
    assert swapped.abstained and swapped.abstain_reason is not None
    assert "do not seem to state" in swapped.abstain_reason
    assert swapped.confidence is not None and swapped.confidence < RUNS_ONLY.abstain_below


def test_without_a_model_an_answer_has_no_confidence(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answer_module, "load_gate", lambda: None)
    answered = ask(help_centre(tmp_path), "Are refunds available within 30 days of purchase?")
    assert not answered.abstained and answered.confidence is None
    assert not answered.low_confidence and answered.gate_features  # features still read


def test_the_cli_shows_low_confidence_and_json_carries_the_fields(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from frontdoors.cli import build_app
    from products import available_products

    monkeypatch.setattr(answer_module, "load_gate", lambda: RUNS_ONLY)
    help_centre(tmp_path, collection="knowledge_base")
    app = build_app(available_products())
    question = "Are refunds available within 30 days of purchase?"
    shown = CliRunner().invoke(app, ["rag", "ask", question])
    assert shown.exit_code == 0, shown.output
    assert "Low confidence (" in shown.output  # RUNS_ONLY flags everything under 0.99
    as_json = CliRunner().invoke(app, ["rag", "ask", question, "--json"])
    payload = json.loads(as_json.stdout)
    assert payload["low_confidence"] is True and 0 < payload["confidence"] < 0.99
    assert "name_runs_in_chunk" in payload["gate_features"]


def test_a_number_of_the_question_the_evidence_lacks_is_a_missing_condition() -> None:
    assert condition_features("Which mechanic lets two buttons do this?",
                              "The mechanic lets one button do this.")["numbers_in_window"] == 0.0
    assert condition_features("Which mechanic lets one button do this?",
                              "The mechanic lets one button do this.")["numbers_in_window"] == 1.0


def test_an_opposite_written_where_the_question_word_is_missing_is_caught() -> None:
    assert condition_features("Who was the first king?", "The last king was Bo.")[
        "antonym_free"] == 0.0
    assert condition_features("Who was the first king?", "The first king, not the last, was Bo."
                              )["antonym_free"] == 1.0  # the asked word is there too


def test_the_strict_type_needs_a_duration_a_count_or_a_date() -> None:
    held = {"how long was it delayed?": ("It was delayed by six months.",
                                         "It was delayed in 2005."),
            "how many games were sold?": ("It sold 40,000 games.", "The games came out in 2006."),
            "when was it released?": ("It came out in March.", "It came out after the sequel.")}
    for question, (holds, lacks) in held.items():
        assert condition_features(question, holds)["type_held"] == 1.0, question
        assert condition_features(question, lacks)["type_held"] == 0.0, question
    assert condition_features("What is it?", "Nothing.")["type_held"] == 1.0


def test_name_pairs_leave_out_stopwords() -> None:
    assert name_pairs("How much does the Team plan cost?") == [("team", "plan")]


def test_the_margin_is_how_far_the_best_sentence_leads() -> None:
    one = [result(1, "Kestrel amber crown. Nothing else here.", "a.md")]
    two = [result(1, "Kestrel amber crown. Kestrel amber crown too.", "a.md")]
    assert sentence_margin(WEIGHTS, one) > sentence_margin(WEIGHTS, two)


def test_of_tied_thresholds_the_lowest_is_chosen() -> None:
    # 0.6 catches four more unanswerable questions of 1004: balanced accuracy 1.0 vs 0.998
    confidences = [0.9] * 1000 + [0.1] * 1000 + [0.6] * 4
    unanswerable = [False] * 1000 + [True] * 1004
    abstains = [lambda t, c=c: c < t for c in confidences]
    assert abstain_threshold(abstains, unanswerable, lambda t: True) <= 0.102


def test_the_shipped_veto_reads_the_conditions() -> None:
    gate = load_gate()
    assert gate is not None
    assert {"numbers_in_window", "antonym_free"} <= set(gate.veto_when_missing)
