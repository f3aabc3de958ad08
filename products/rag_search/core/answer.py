"""Answering a question: retrieve, decide whether to abstain, then run one engine.

The order is the product's promise. Retrieval first (hybrid, top k, within the filters). If
the best chunk covers too little of the question (below the calibrated threshold), the answer
is "I don't know" with the closest sources, whichever engine is configured: no engine answers
from off-topic chunks. Otherwise the extractive engine (no key) or the LLM engine
(core.llm_engine) answers. The LLM reads at a lower threshold than the extractive engine
(core.gate): it can say NOT_IN_SOURCES itself, so a paraphrased question reaches it instead of
stopping at the gate; when its reply cannot be used, the fallback answers only from passages
that pass the extractive threshold.

In a conversation the question may lean on the one before ("and for annual plans?");
core.followup turns it into a standalone query first, and that query is what is retrieved
and answered.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from products.rag_search.core.answer_gate import gate_features, load_gate
from products.rag_search.core.followup import ChatTurn, standalone_query
from products.rag_search.core.gate import decide
from products.rag_search.core.knowledge_base import KnowledgeBase
from products.rag_search.core.llm_engine import MAX_ANSWER_TOKENS, llm_stream
from products.rag_search.core.models import Answer
from products.rag_search.core.outcomes import (
    AnswerDelta,
    AnswerDone,
    Asked,
    abstain,
    extractive_outcome,
)
from products.rag_search.core.privacy import mask_contacts, masked_results
from products.rag_search.core.relevance import load_calibration

if TYPE_CHECKING:
    from shared.llm import LLMClient

MAX_QUESTION_CHARS = 2_000


def ask(kb: KnowledgeBase, question: str, *, k: int = 5, llm: LLMClient | None = None,
        where: Mapping[str, Any] | None = None,
        history: Sequence[ChatTurn] | None = None, mask_pii: bool = True) -> Answer:
    """Answer a question from the knowledge base; see the module docstring for the order."""
    final: Answer | None = None
    for event in stream_answer(kb, question, k=k, llm=llm, where=where, history=history,
                               mask_pii=mask_pii):
        if isinstance(event, AnswerDone):
            final = event.answer
    assert final is not None  # stream_answer always ends with AnswerDone
    return final


def stream_answer(kb: KnowledgeBase, question: str, *, k: int = 5,
                  llm: LLMClient | None = None, where: Mapping[str, Any] | None = None,
                  history: Sequence[ChatTurn] | None = None, mask_pii: bool = True,
                  ) -> Iterator[AnswerDelta | AnswerDone]:
    """Text deltas (LLM engine only), then one AnswerDone with the checked answer.

    With `mask_pii` (the default) the engines read the accepted passages, the question and
    the conversation with personal contact details masked (core.privacy): retrieval ran on the
    originals, but nothing an answer shows or a model is sent holds them.
    """
    started = time.perf_counter()
    query = standalone_query(kb, question, history, llm, mask_pii=mask_pii)
    asked = _retrieve(kb, question, k, where, query, started, reader="llm" if llm else "extractive")
    if mask_pii:
        asked = masked_asked(asked)
    engine = "llm" if llm is not None else "extractive"
    features, confidence = judge(asked)
    if not asked.results:
        reason = "empty_collection" if kb.count() == 0 else "low_relevance"
        yield AnswerDone(answer=abstain(asked, engine, reason, llm))
    elif llm is None:
        answer = extractive_outcome(asked)
        gate = load_gate()
        if (not answer.abstained and gate is not None and confidence is not None
                and gate.vetoes(features, confidence)):  # a sentence, but it does not answer
            answer = abstain(asked, engine, "unsupported", None, warnings=answer.warnings)
        yield AnswerDone(answer=with_confidence(answer, features, confidence))
    else:  # the model judges answerability itself; the confidence is shown, not enforced
        for event in llm_stream(asked, llm):
            yield (AnswerDone(answer=with_confidence(event.answer, features, confidence))
                   if isinstance(event, AnswerDone) else event)


def judge(asked: Asked) -> tuple[dict[str, float], float | None]:
    """The learned gate's features and confidence for the accepted passages ({} and None
    when none was accepted, or no gate model is shipped: confidence is then unknown)."""
    if not asked.results:
        return {}, None
    features = gate_features(asked.search_query, asked.weights, asked.results, asked.signals,
                             asked.relevance)
    gate = load_gate()
    return features, (round(gate.confidence(features), 4) if gate is not None else None)


def with_confidence(answer: Answer, features: dict[str, float],
                    confidence: float | None) -> Answer:
    """The answer with its confidence, and flagged low confidence below the tune threshold."""
    gate = load_gate()
    low = (not answer.abstained and gate is not None and confidence is not None
           and confidence < gate.low_below)
    return answer.model_copy(update={"gate_features": features, "confidence": confidence,
                                     "low_confidence": low})


def _retrieve(kb: KnowledgeBase, question: str, k: int, where: Mapping[str, Any] | None,
              query: str, started: float, *, reader: str = "extractive") -> Asked:
    """The relevance gate's decision for the (standalone) query: what an engine may read.
    One question's reads share one revision check and one read per chunk (`one_question`)."""
    with kb.one_question():
        gate = decide(kb, query, k, load_calibration(), where=where, reader=reader)
    baseline = None if gate.baseline == gate.accepted else gate.baseline
    return Asked(question=question.strip(), search_query=query.strip(), results=gate.accepted,
                 baseline=baseline,
                 hybrid=gate.hybrid, signals=gate.signals, relevance=gate.relevance,
                 weights=gate.weights, started=started, unmatched_names=gate.unmatched_names)


def masked_asked(asked: Asked) -> Asked:
    """What the engines may read, with personal contact details masked."""
    return asked.model_copy(update={
        "question": mask_contacts(asked.question),
        "search_query": mask_contacts(asked.search_query),
        "results": masked_results(asked.results), "hybrid": masked_results(asked.hybrid),
        "baseline": None if asked.baseline is None else masked_results(asked.baseline)})


__all__ = ["MAX_ANSWER_TOKENS", "MAX_QUESTION_CHARS", "AnswerDelta", "AnswerDone", "abstain",
           "ask", "stream_answer"]
