"""Answering a question: retrieve, decide whether to abstain, then run one engine.

The order is the product's promise. Retrieval first (hybrid, top k). If the best chunk covers
too little of the question (below the calibrated threshold), the answer is "I don't know"
with the closest sources, whichever engine is configured: the model is never asked to answer
from chunks that do not hold the answer. Otherwise the extractive engine (no key) or the LLM
engine answers, and the LLM may still abstain by saying the sources do not contain it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel

from products.rag_search.core.citations import best_sentence, cite
from products.rag_search.core.extractive import extractive_answer
from products.rag_search.core.gate import decide
from products.rag_search.core.injection import neutralise
from products.rag_search.core.knowledge_base import KnowledgeBase
from products.rag_search.core.llm_reply import parse_reply, visible_prefix
from products.rag_search.core.models import Answer, SearchResult
from products.rag_search.core.prompts import system_prompt, user_prompt
from products.rag_search.core.relevance import Signals, load_calibration
from products.rag_search.core.text import terms
from shared.llm import LLMClient, LLMResult

CLOSEST_SHOWN = 3
MAX_ANSWER_TOKENS = 700
DONT_KNOW = ("I don't know: the documents in this knowledge base do not seem to answer that. "
             "The closest sources are listed below in case they help.")
REASONS = {
    "low_relevance": "No retrieved passage covers enough of the question.",
    "no_sentence": "No sentence in the retrieved passages matches the question.",
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
    results: list[SearchResult]  # the chunks the relevance gate accepted: all an engine reads
    hybrid: list[SearchResult] = []  # the hybrid top k, shown as closest sources on abstention
    signals: list[Signals] = []
    relevance: float
    weights: dict[str, float]
    started: float


def ask(kb: KnowledgeBase, question: str, *, k: int = 5, llm: LLMClient | None = None) -> Answer:
    """Answer a question from the knowledge base; see the module docstring for the order."""
    final: Answer | None = None
    for event in stream_answer(kb, question, k=k, llm=llm):
        if isinstance(event, AnswerDone):
            final = event.answer
    assert final is not None  # stream_answer always ends with AnswerDone
    return final


def stream_answer(kb: KnowledgeBase, question: str, *, k: int = 5,
                  llm: LLMClient | None = None) -> Iterator[AnswerDelta | AnswerDone]:
    """Text deltas (LLM engine only), then one AnswerDone with the checked answer."""
    asked = _retrieve(kb, question, k)
    engine = "llm" if llm is not None else "extractive"
    if not asked.results:
        reason = "empty_collection" if kb.count() == 0 else "low_relevance"
        yield AnswerDone(answer=abstain(asked, engine, reason, llm))
    elif llm is None:
        yield AnswerDone(answer=_extractive(asked))
    else:
        yield from _llm_stream(asked, llm)


def _retrieve(kb: KnowledgeBase, question: str, k: int) -> Asked:
    started = time.perf_counter()
    gate = decide(kb, question, k, load_calibration())
    return Asked(question=question.strip(), results=gate.accepted, hybrid=gate.hybrid,
                 signals=gate.signals, relevance=gate.relevance, weights=gate.weights,
                 started=started)


def _extractive(asked: Asked) -> Answer:
    text, citations = extractive_answer(asked.question, asked.weights, asked.results)
    if not text:
        return abstain(asked, "extractive", "no_sentence", None)
    flagged = [r.source for r in asked.results if neutralise(r.text)[1]]
    return _answer(asked, "extractive", None, answer=text, citations=citations,
                   warnings=_injection_warnings(flagged))


def _llm_stream(asked: Asked, llm: LLMClient) -> Iterator[AnswerDelta | AnswerDone]:
    prompt, cleaned = user_prompt(asked.question, asked.results)
    stream = llm.stream(prompt, system=system_prompt(), max_tokens=MAX_ANSWER_TOKENS,
                        operation="rag_answer")
    reply, shown = "", ""
    for delta in stream:
        reply += delta
        visible = visible_prefix(reply)
        if len(visible) > len(shown):
            yield AnswerDelta(text=visible[len(shown):])
            shown = visible
    yield AnswerDone(answer=_from_reply(asked, llm, stream.result, cleaned))


def _from_reply(asked: Asked, llm: LLMClient, result: LLMResult, cleaned: list[str]) -> Answer:
    parsed = parse_reply(result.text, asked.question, asked.results)
    warnings = [*_injection_warnings(cleaned), *parsed.warnings]
    if result.truncated:
        warnings.append("The answer was cut short at the token limit.")
    if parsed.abstained:
        return abstain(asked, "llm", "model_not_in_sources", llm, result, warnings)
    return _answer(asked, "llm", llm, answer=parsed.answer, citations=parsed.citations,
                   result=result, warnings=warnings)


def abstain(asked: Asked, engine: str, reason: str, llm: LLMClient | None,
            result: LLMResult | None = None, warnings: list[str] | None = None) -> Answer:
    """"I don't know", the reason, and the closest sources as places to look."""
    question_terms = set(terms(asked.question))
    closest = [cite(r, best_sentence(r.text, question_terms))
               for r in asked.hybrid[:CLOSEST_SHOWN]]
    answer = REASONS["empty_collection"] if reason == "empty_collection" else DONT_KNOW
    return _answer(asked, engine, llm, answer=answer, abstained=True, reason=reason,
                   closest=closest, result=result, warnings=warnings)


def _answer(asked: Asked, engine: str, llm: LLMClient | None, *, answer: str,
            citations: list | None = None, abstained: bool = False, reason: str | None = None,
            closest: list | None = None, result: LLMResult | None = None,
            warnings: list[str] | None = None) -> Answer:
    return Answer(
        question=asked.question, answer=answer, citations=citations or [],
        abstained=abstained, abstain_reason=REASONS.get(reason or "") if reason else None,
        engine=engine, model=f"{llm.provider}:{llm.model}" if llm is not None else None,  # type: ignore[arg-type]
        latency_ms=round((time.perf_counter() - asked.started) * 1000, 1),
        cost_usd=result.cost_usd if result is not None else 0.0, relevance=asked.relevance,
        warnings=warnings or [], closest_sources=closest or [],
        retrieved=asked.results or asked.hybrid,
    )


def _injection_warnings(sources: list[str]) -> list[str]:
    return [f"Instruction-like text in {source} was treated as data and ignored."
            for source in dict.fromkeys(sources)]


__all__ = ["AnswerDelta", "AnswerDone", "abstain", "ask", "stream_answer"]
