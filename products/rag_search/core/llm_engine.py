"""The LLM engine: one streamed call, then a reply checked before anyone relies on it.

What the model may do is narrow (core.llm_reply, core.grounding): cite every sentence, quote
its evidence, or say NOT_IN_SOURCES. Whatever else happens, the reader still gets the
product's answer instead of an error or a misleading one: a reply that cannot be used
(garbage, JSON, empty, a bare marker, nothing cited) and a provider that fails after the
SDK's own retries (429, 5xx, timeout, a reply cut off in transit) both fall back to the
extractive engine, with a note that says so. Errors a person must fix (a bad key, an
unknown model) still raise: a fallback would hide them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from products.rag_search.core.context_budget import context_window
from products.rag_search.core.llm_reply import UNUSABLE, parse_reply, visible_prefix
from products.rag_search.core.models import Answer
from products.rag_search.core.outcomes import (
    AnswerDelta,
    AnswerDone,
    Asked,
    abstain,
    build_answer,
    extractive_outcome,
    injection_warnings,
)
from products.rag_search.core.prompts import BuiltPrompt, system_prompt, user_prompt
from shared.errors import BadModelOutput, ProviderUnreachable, RateLimited

if TYPE_CHECKING:
    from shared.llm import LLMClient, LLMResult

MAX_ANSWER_TOKENS = 700
TRANSIENT_FAILURES = (RateLimited, ProviderUnreachable, BadModelOutput)
FALLBACK_NOTE = "{why} Showing the extractive answer (sentences copied from the sources) instead."


def llm_stream(asked: Asked, llm: LLMClient) -> Iterator[AnswerDelta | AnswerDone]:
    """Text deltas while the model writes, then one AnswerDone with the checked answer."""
    built = user_prompt(asked.search_query, asked.results, answer_tokens=MAX_ANSWER_TOKENS,
                        window=context_window(llm.provider, llm.model))
    reply, shown = "", ""
    try:
        stream = llm.stream(built.text, system=system_prompt(), max_tokens=MAX_ANSWER_TOKENS,
                            operation="rag_answer")
        for delta in stream:
            reply += delta
            visible = visible_prefix(reply)
            if len(visible) > len(shown) and visible.startswith(shown):
                yield AnswerDelta(text=visible[len(shown):])
                shown = visible
        result = stream.result
    except TRANSIENT_FAILURES as err:
        why = f"The model ({llm.provider}:{llm.model}) could not answer: {err.message}"
        yield AnswerDone(answer=extractive_outcome(asked, FALLBACK_NOTE.format(why=why)))
        return
    yield AnswerDone(answer=from_reply(asked, llm, result, built))


def from_reply(asked: Asked, llm: LLMClient, result: LLMResult, built: BuiltPrompt) -> Answer:
    """The checked answer for a complete reply (or the fallback / abstention it leads to)."""
    parsed = parse_reply(result.text, asked.results[: len(built.shown)], built.shown)
    warnings = [*injection_warnings(built.quarantined), *_budget_warnings(built),
                *parsed.warnings]
    if result.truncated:
        warnings.append("The answer was cut short at the token limit.")
    if parsed.abstained:
        return abstain(asked, "llm", "model_not_in_sources", llm, result, warnings)
    if parsed.unusable:
        note = FALLBACK_NOTE.format(why=UNUSABLE[parsed.unusable])
        fallback = extractive_outcome(asked, note, result)
        fallback.warnings = list(dict.fromkeys([*warnings, *fallback.warnings]))
        return fallback
    return build_answer(asked, "llm", llm, answer=parsed.answer, citations=parsed.citations,
                        result=result, warnings=warnings)


def _budget_warnings(built: BuiltPrompt) -> list[str]:
    if not built.left_out:
        return []
    return [f"Only the top {len(built.shown)} passages fit the model's context window; "
            f"{built.left_out} were left out. Ask with a smaller k or use a model with a larger "
            "window."]


__all__ = ["FALLBACK_NOTE", "MAX_ANSWER_TOKENS", "TRANSIENT_FAILURES", "from_reply",
           "llm_stream"]
