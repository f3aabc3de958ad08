"""Answers of the right size: a short span for typed questions, code blocks intact."""

from __future__ import annotations

from pathlib import Path

from products.rag_search.core.answer import ask
from products.rag_search.core.answer_span import answer_span
from products.rag_search.core.extractive import extractive_answer, wants_explanation
from products.rag_search.core.text import terms
from tests.products.rag_search.answer_helpers import help_centre, result

SENTENCE = "The Harbour Lighthouse was built in March 1874 by Mara Vint for 300 pounds."


def test_a_typed_question_gets_the_phrase_of_its_type() -> None:
    assert answer_span("When was the Harbour Lighthouse built?", SENTENCE) == "March 1874"
    assert answer_span("How much did the Harbour Lighthouse cost?", SENTENCE) == "300 pounds"
    assert answer_span("Who built the Harbour Lighthouse?", SENTENCE) == "Mara Vint"


def test_a_span_is_new_to_the_question_and_none_for_other_questions() -> None:
    assert answer_span("Who built the Harbour Lighthouse?",
                       "The Harbour Lighthouse stands on the pier.") is None
    assert answer_span("What is the Harbour Lighthouse?", SENTENCE) is None
    assert answer_span("When was it built?", "It is made of stone.") is None


def test_why_and_how_questions_and_symptoms_want_the_next_unit() -> None:
    assert wants_explanation("Why does the sync fail?")
    assert wants_explanation("How do I reset my password?")
    assert wants_explanation("My upload raises TypeError")
    assert not wants_explanation("How many seats are there?")
    assert not wants_explanation("When was it built?")


def test_a_code_block_comes_back_whole_with_its_fence_closed() -> None:
    code = "```bash\npip install harbour\nharbour init --force\n```"
    chunk = result(1, f"How do I install harbour? Install it with pip.\n\n{code}\n\n"
                      "Other tools are unrelated.", "install.md")
    text, _ = extractive_answer("How do I install harbour with pip?",
                                {t: 1.0 for t in terms("install harbour pip")}, [chunk])
    assert code in text  # every line, the fences included
    closing = text.split(code, 1)[1]
    assert closing.startswith("\n[S1]")  # the label never sits on the fence line


def test_an_ingested_code_block_is_never_split_and_answers_intact(tmp_path: Path) -> None:
    code = "```python\n" + "\n".join(f"harbour.step({n})  # configure part {n}"
                                     for n in range(10)) + "\n```"
    kb = help_centre(tmp_path, {"harbour.md": "# Harbour setup\n\nHow do I configure harbour "
                                              f"steps? Run these steps in order.\n\n{code}\n"})
    answered = ask(kb, "How do I configure harbour steps?")
    assert not answered.abstained
    assert code in answered.answer  # chunked, stored, retrieved and quoted in one piece


def test_the_answer_is_short_with_its_span(tmp_path: Path) -> None:
    kb = help_centre(tmp_path)
    answered = ask(kb, "How much storage does the Free plan include?")
    assert not answered.abstained
    assert answered.span == "2 GB"
    assert len(answered.answer) <= 250
