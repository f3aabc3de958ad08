"""The shapes an answer can end in: answered, "I don't know", or a fallback with a note.

Shared by the two engines (core.answer runs the extractive one, core.llm_engine the LLM) so
an abstention or a fallback reads the same whichever engine produced it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from products.rag_search.core.answer_span import short_answer
from products.rag_search.core.citations import best_sentence, cite, relabel_in_order
from products.rag_search.core.extractive import extract
from products.rag_search.core.injection import quarantine
from products.rag_search.core.models import Answer, Citation, SearchResult
from products.rag_search.core.relevance import Signals
from products.rag_search.core.text import terms

if TYPE_CHECKING:
    from shared.llm import LLMClient, LLMResult

CLOSEST_SHOWN = 3
DONT_KNOW = ("I don't know: the documents in this knowledge base do not seem to answer that. "
             "The closest sources are listed below in case they help.")
REASONS = {
    "low_relevance": "No retrieved passage covers enough of the question.",
    "no_sentence": "No sentence in the retrieved passages matches the question.",
    "unsupported": "The closest passages are about the question but do not seem to state its "
                   "answer (a name, number, date or condition of the question is missing).",
    "model_not_in_sources": "The model said the sources do not contain the answer.",
    "empty_collection": "The knowledge base is empty: ingest some documents first.",
}


class AnswerDelta(BaseModel):
    """A piece of answer text as it streams."""

    type: Literal["delta"] = "delta"
    text: str


class AnswerDone(BaseModel):
    """The last event of a stream: the full, checked answer."""

    type: Literal["answer"] = "answer"
    answer: Answer


class Asked(BaseModel):
    """What retrieval decided before any engine runs."""

    question: str
    search_query: str  # the question, or its standalone form in a conversation
    results: list[SearchResult]  # the chunks the relevance gate accepted: all an engine reads
    # What the extractive engine may read when it differs (an LLM reads at a lower threshold;
    # a fallback from its reply must not answer from passages the baseline would refuse).
    baseline: list[SearchResult] | None = None
    hybrid: list[SearchResult] = []  # the hybrid top k, shown as closest sources on abstention
    signals: list[Signals] = []
    relevance: float
    weights: dict[str, float]
    started: float
    unmatched_names: list[str] = []  # names in the question no candidate passage mentions


def extractive_outcome(asked: Asked, note: str | None = None,
                       result: LLMResult | None = None) -> Answer:
    """The baseline answer from the quarantined passages (or "I don't know" if none fits).

    With a `note`, this is the fallback for an LLM reply that could not be used: the note says
    why, and the cost of the failed call (if it was paid) stays on the answer. It reads only
    the passages that pass the extractive engine's own threshold; with none, it abstains.
    """
    readable = asked.results if asked.baseline is None else asked.baseline
    if not readable:
        return abstain(asked, "extractive", "low_relevance", None, result, note=note)
    clean, flagged = _quarantined(readable)
    found = extract(asked.search_query, asked.weights, clean)
    warnings = injection_warnings(flagged)
    if not found.text:
        return abstain(asked, "extractive", "no_sentence", None, result, warnings, note)
    built = build_answer(asked, "extractive", None, answer=found.text,
                         citations=found.citations, result=result, warnings=warnings, note=note)
    built.span = short_answer(asked.search_query, found.best)
    return built


def _quarantined(results: list[SearchResult]) -> tuple[list[SearchResult], list[str]]:
    """Results with instruction-like passages removed (not even a placeholder is quotable)."""
    clean, flagged = [], []
    for result in results:
        text, removed = quarantine(result.text, placeholder="")
        clean.append(result.model_copy(update={"text": text}) if removed else result)
        flagged += [result.source] if removed else []
    return clean, flagged


def abstain(asked: Asked, engine: str, reason: str, llm: LLMClient | None,
            result: LLMResult | None = None, warnings: list[str] | None = None,
            note: str | None = None) -> Answer:
    """"I don't know", the reason, and the closest sources as places to look."""
    question_terms = set(terms(asked.search_query))
    closest = [cite(r, best_sentence(r.text, question_terms))
               for r in asked.hybrid[:CLOSEST_SHOWN]]
    answer = REASONS["empty_collection"] if reason == "empty_collection" else DONT_KNOW
    built = build_answer(asked, engine, llm, answer=answer, abstained=True, reason=reason,
                         closest=closest, result=result, warnings=warnings, note=note)
    if reason == "low_relevance" and asked.unmatched_names:
        built.abstain_reason = f"{built.abstain_reason} {names_not_found(asked.unmatched_names)}"
    return built


def names_not_found(names: list[str]) -> str:
    """Why a near miss abstained, in the user's words: the page is about something else."""
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"None of the closest passages mentions {listed}."


def build_answer(asked: Asked, engine: str, llm: LLMClient | None, *, answer: str,
                 citations: list[Citation] | None = None, abstained: bool = False,
                 reason: str | None = None, closest: list[Citation] | None = None,
                 result: LLMResult | None = None, warnings: list[str] | None = None,
                 note: str | None = None) -> Answer:
    """The Answer every door shows; citation labels renumbered in the order they are read."""
    answer, citations = relabel_in_order(answer, citations or [])
    return Answer(
        question=asked.question, answer=answer, citations=citations,
        abstained=abstained, abstain_reason=REASONS.get(reason or "") if reason else None,
        engine=engine, model=f"{llm.provider}:{llm.model}" if llm is not None else None,  # type: ignore[arg-type]
        latency_ms=round((time.perf_counter() - asked.started) * 1000, 1),
        cost_usd=result.cost_usd if result is not None else 0.0, relevance=asked.relevance,
        warnings=warnings or [], closest_sources=closest or [],
        retrieved=asked.results or asked.hybrid,
        note=note,
        standalone_question=asked.search_query if asked.search_query != asked.question
        else None,
    )


def injection_warnings(sources: list[str]) -> list[str]:
    return [f"Instruction-like text in {source} was treated as data and left out of the answer."
            for source in dict.fromkeys(sources)]


__all__ = ["CLOSEST_SHOWN", "DONT_KNOW", "REASONS", "AnswerDelta", "AnswerDone", "Asked",
           "abstain", "build_answer", "extractive_outcome", "injection_warnings"]
