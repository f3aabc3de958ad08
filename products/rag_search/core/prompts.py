"""The LLM engine's prompts, read from versioned files in `prompts/` (never inline strings).

Everything that is not ours is fenced and escaped as data: each source in a `<source>` tag
(a document cannot open or close one), the question in a `<question>` tag (a question cannot
close it and pose as the rules), the chat history in `<history>`. Sources are quarantined
(core.injection) and fitted to the model's context window (core.context_budget) first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from products.rag_search.core.citations import label_for
from products.rag_search.core.context_budget import (
    fitting_count,
    shorten,
    source_budget,
)
from products.rag_search.core.injection import escape_fences, quarantine
from products.rag_search.core.models import SearchResult

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
PROMPT_VERSIONS = {"answer_system": "v2", "answer_user": "v2", "source_block": "v1",
                   "rewrite_followup": "v1", "rewrite_followup_user": "v1"}
PROMPT_VERSION = PROMPT_VERSIONS["answer_system"]  # the answer prompt's version, for reports
_DATA_TAGS = re.compile(r"<(/?)(question|history|sources?)\b", re.IGNORECASE)


@dataclass
class BuiltPrompt:
    """The user turn, what each source showed the model, and what was held back."""

    text: str
    shown: dict[str, str] = field(default_factory=dict)  # {label: text the model saw}
    quarantined: list[str] = field(default_factory=list)  # sources with a passage removed
    left_out: int = 0  # sources that did not fit the context window


@cache
def prompt_file(name: str) -> str:
    return (PROMPTS_DIR / f"{name}.{PROMPT_VERSIONS[name]}.md").read_text(encoding="utf-8")


def system_prompt() -> str:
    return prompt_file("answer_system").strip()


def escape_data(text: str) -> str:
    """User text cannot open or close one of the prompt's data tags."""
    return escape_fences(_DATA_TAGS.sub(lambda m: f"&lt;{m.group(1)}{m.group(2)}", text))


def user_prompt(question: str, results: Sequence[SearchResult], *, window: int,
                answer_tokens: int) -> BuiltPrompt:
    """The user turn for `question`, with as many sources (best first) as the window holds."""
    built = BuiltPrompt(text="")
    texts = []
    for result in results:
        text, removed = quarantine(result.text)
        if removed:
            built.quarantined.append(result.source)
        texts.append(text)
    fixed = system_prompt() + prompt_file("answer_user").format(sources="", question=question)
    budget = source_budget(window, fixed, answer_tokens)
    blocks = [_source_block(result, text) for result, text in zip(results, texts, strict=True)]
    count = fitting_count([len(block) for block in blocks], budget)
    if count == 0 and results:  # one passage longer than the window: send its start
        texts[0] = shorten(texts[0], max(0, budget - (len(blocks[0]) - len(texts[0]))))
        blocks[0], count = _source_block(results[0], texts[0]), 1
    built.shown = {label_for(r): t for r, t in zip(results[:count], texts[:count], strict=True)}
    built.left_out = len(results) - count
    built.text = prompt_file("answer_user").format(sources="\n".join(blocks[:count]),
                                                  question=escape_data(question))
    return built


def _source_block(result: SearchResult, text: str) -> str:
    page = f' page="{result.page}"' if result.page is not None else ""
    return prompt_file("source_block").format(
        label=label_for(result), source=_attribute(result.source),
        heading=_attribute(result.heading), page=page, text=escape_fences(text),
    ).strip()


def _attribute(value: str) -> str:
    return value.replace('"', "'").replace("<", "&lt;")


__all__ = ["PROMPT_VERSION", "PROMPT_VERSIONS", "BuiltPrompt", "escape_data", "prompt_file",
           "system_prompt", "user_prompt"]
