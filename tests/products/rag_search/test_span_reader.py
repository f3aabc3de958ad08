"""The learned span reader: candidates, features, the shipped coefficients and the fallback.

Every sentence here is written for the kit (no QA-set text)."""

from __future__ import annotations

from pathlib import Path

from products.rag_search.core import answer_span as answer_span_module
from products.rag_search.core.span_reader import (
    SpanReader,
    _head,
    candidates,
    features,
    load_reader,
    tokens,
)
from products.rag_search.tools.train_span import design, sentence_at

SENTENCE = "The Harbour Lighthouse was built in March 1874 by Mara Vint for 300 pounds."
LAMP = "The keepers painted the tower white, and the lamp burned whale oil until 1910."


def _texts(sentence: str, question: str) -> list[str]:
    toks = tokens(sentence)
    return [sentence[toks[a].start:toks[b - 1].end] for a, b in candidates(sentence, question)]


def test_candidates_stop_at_punctuation_and_skip_function_word_edges() -> None:
    found = _texts(LAMP, "What did the lamp burn?")
    assert "white" in found and "whale oil" in found
    assert not any("," in text for text in found)  # no run crosses the comma
    assert not any(text.split()[0].lower() in {"the", "and"} for text in found)
    assert not any(text.split()[-1].lower() in {"the", "and"} for text in found)


def test_a_candidate_needs_a_word_the_question_does_not_have() -> None:
    found = _texts(SENTENCE, "Who built the Harbour Lighthouse?")
    assert "Harbour Lighthouse" not in found and "Lighthouse" not in found
    assert "Mara Vint" in found


def test_a_number_token_does_not_swallow_the_full_stop() -> None:
    assert [t.text for t in tokens("It closed in 1910.")][-2:] == ["1910", "."]
    assert [t.text for t in tokens("It cost 1,250.50 pounds")][2] == "1,250.50"


def test_features_read_the_wh_word_and_the_distance_to_question_words() -> None:
    toks = tokens(SENTENCE)
    spans = {SENTENCE[toks[a].start:toks[b - 1].end]: (a, b)
             for a, b in candidates(SENTENCE, "When was the Harbour Lighthouse built?")}
    date = features("When was the Harbour Lighthouse built?", SENTENCE, spans["March 1874"], toks)
    assert date["kind_when_date"] == 1.0 and date["wh_when_date"] == 1.0
    assert date["kind_who_cap"] == 0.0
    far = features("When was the Harbour Lighthouse built?", SENTENCE, spans["300 pounds"], toks)
    assert far["log_distance"] > date["log_distance"]  # "built" sits right before March


def test_the_shipped_reader_picks_the_phrase_of_the_asked_kind() -> None:
    reader = load_reader()
    assert reader is not None
    assert reader.read("When was the Harbour Lighthouse built?", SENTENCE) == "March 1874"
    assert reader.read("Who built the Harbour Lighthouse?", SENTENCE) == "Mara Vint"
    assert reader.read("How much did the Harbour Lighthouse cost?", SENTENCE) == "300 pounds"
    assert reader.read("What colour did the keepers paint the tower?", LAMP) == "white"


def test_the_reader_answers_what_questions_the_rules_leave_without_a_span() -> None:
    question = "What colour did the keepers paint the tower?"
    assert answer_span_module.answer_span(question, LAMP) is None
    assert answer_span_module.short_answer(question, LAMP) == "white"


def test_without_the_coefficients_file_the_rule_span_is_used(monkeypatch, tmp_path: Path
                                                             ) -> None:
    assert load_reader(tmp_path / "missing.json") is None
    monkeypatch.setattr(answer_span_module, "load_reader", lambda: None)
    assert answer_span_module.short_answer("What colour did the keepers paint the tower?",
                                           LAMP) is None
    assert answer_span_module.short_answer("Who built the Harbour Lighthouse?",
                                           SENTENCE) == "Mara Vint"


def test_weights_decide_the_pick() -> None:
    prefer_numbers = SpanReader({"numeric": 5.0, "len_2": 1.0})
    prefer_capitals = SpanReader({"all_capitals": 5.0, "len_2": 1.0})
    question = "Who built it, and for how much?"
    assert prefer_numbers.read(question, SENTENCE) in {"300 pounds", "March 1874"}
    assert prefer_capitals.read(question, SENTENCE) in {"Harbour Lighthouse", "Mara Vint"}


def test_training_labels_the_gold_candidate_and_finds_its_sentence() -> None:
    context = f"The pier is old. {SENTENCE} Boats leave at noon."
    assert sentence_at(context, context.index("Mara")) == SENTENCE
    assert sentence_at(context, 0) == "The pier is old."
    names, matrix, labels, groups = design([("Who built the Harbour Lighthouse?", SENTENCE,
                                             ["Mara Vint"])])
    assert sum(labels) == 1 and len(labels) == len(matrix) > 1 and set(groups) == {0}
    assert "log_distance" in names
    assert design([("Who built it?", SENTENCE, ["a shipwright"])])[2] == []


def test_the_head_noun_of_the_question_is_what_the_wh_word_asks_about() -> None:
    assert _head("What kind of device can read it?") == "device"
    assert _head("Which country is it in?") == "country"
    assert _head("What did the keepers paint?") == ""  # an auxiliary, not a noun


def test_features_see_the_head_noun_and_question_words_beside_the_span() -> None:
    question = "What colour did the keepers paint the tower?"
    toks = tokens(LAMP)
    spans = {LAMP[toks[a].start:toks[b - 1].end]: (a, b) for a, b in candidates(LAMP, question)}
    white = features(question, LAMP, spans["white"], toks)
    assert white["match_just_before"] == 1.0 or white["match_just_after"] == 1.0
    assert white["matches_within_3"] > 0.0
    assert features("What colour is the tower?", "The colour was white.", (3, 4))[
        "head_nearby"] == 1.0
