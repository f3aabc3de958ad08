"""The LLM engine's prompts, read from versioned files in `prompts/` (never inline strings)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from products.rag_search.core.citations import label_for
from products.rag_search.core.injection import escape_fences, neutralise
from products.rag_search.core.models import SearchResult

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
PROMPT_VERSION = "v1"


@cache
def prompt_file(name: str) -> str:
    return (PROMPTS_DIR / f"{name}.{PROMPT_VERSION}.md").read_text(encoding="utf-8")


def system_prompt() -> str:
    return prompt_file("answer_system").strip()


def user_prompt(question: str, results: Sequence[SearchResult]) -> tuple[str, list[str]]:
    """The user turn, and the sources whose instruction-like sentences were removed."""
    blocks, cleaned = [], []
    for result in results:
        text, removed = neutralise(result.text)
        if removed:
            cleaned.append(result.source)
        blocks.append(_source_block(result, text))
    prompt = prompt_file("answer_user").format(sources="\n".join(blocks), question=question)
    return prompt, cleaned


def _source_block(result: SearchResult, text: str) -> str:
    page = f' page="{result.page}"' if result.page is not None else ""
    return prompt_file("source_block").format(
        label=label_for(result), source=_attribute(result.source),
        heading=_attribute(result.heading), page=page, text=escape_fences(text),
    ).strip()


def _attribute(value: str) -> str:
    return value.replace('"', "'").replace("<", "&lt;")


__all__ = ["PROMPT_VERSION", "prompt_file", "system_prompt", "user_prompt"]
