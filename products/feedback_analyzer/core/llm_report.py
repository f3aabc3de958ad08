"""LLM mode of the PM report: the model names each theme and writes the executive summary.

Both calls are structured and small (one request each). Theme names are accepted only for ids
that were sent; summary claims keep their cited row ids and go through the same grounding check
as the template's, so a claim the cited rows do not support is shown as such. If either call
fails, the report falls back to the baseline's names and templated summary and says so.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from products.feedback_analyzer.core.report import Claim
from products.feedback_analyzer.core.summary import Counts
from products.feedback_analyzer.core.themes import Theme
from shared.errors import AIPMError
from shared.llm import LLMClient

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


class ThemeName(BaseModel):
    theme_id: str
    name: str


class ThemeNames(BaseModel):
    themes: list[ThemeName]


class ClaimOut(BaseModel):
    text: str
    row_ids: list[str]


class ExecSummary(BaseModel):
    claims: list[ClaimOut]


def _prompt(name: str) -> str:
    return (PROMPTS / name).read_text(encoding="utf-8")


def name_themes(llm: LLMClient, themes: list[Theme]) -> list[Theme]:
    """Themes renamed by the model where it answered a sent id with a non-empty name."""
    if not themes:
        return themes
    payload = [{"theme_id": f"t{i}", "kind": t.kind, "keywords": t.keywords,
                "quotes": [q.text for q in t.quotes]} for i, t in enumerate(themes)]
    reply = llm.structured(json.dumps(payload, ensure_ascii=False), ThemeNames,
                           system=_prompt("name_themes.v1.md"), operation="feedback.themes",
                           cache=True, max_tokens=800)
    names = {n.theme_id: n.name.strip()[:80] for n in reply.parsed.themes if n.name.strip()}
    return [t.model_copy(update={"name": names.get(f"t{i}", t.name)})
            for i, t in enumerate(themes)]


def write_summary(llm: LLMClient, counts: Counts, themes: list[Theme]) -> list[Claim]:
    """The model's claims with their cited row ids (grounding is checked by the caller)."""
    payload = {"rows": counts.analyzed, "sentiment": counts.sentiment,
               "aspects": counts.aspects, "stars_vs_words": counts.disagreement.model_dump(),
               "themes": [{"name": t.name, "kind": t.kind, "size": t.size, "trend": t.trend,
                           "quotes": [q.model_dump() for q in t.quotes]} for t in themes[:8]]}
    reply = llm.structured(json.dumps(payload, ensure_ascii=False), ExecSummary,
                           system=_prompt("exec_summary.v1.md"), operation="feedback.summary",
                           cache=True, max_tokens=1200)
    return [Claim(text=c.text, row_ids=c.row_ids) for c in reply.parsed.claims[:6]]


def llm_summary_and_names(llm: LLMClient, counts: Counts, themes: list[Theme]
                          ) -> tuple[list[Theme], list[Claim] | None, str]:
    """(themes, claims or None, note); None claims means "use the template"."""
    try:
        named = name_themes(llm, themes)
        return named, write_summary(llm, counts, named), ""
    except AIPMError as err:
        return themes, None, f"LLM summary unavailable ({err.code}); templated summary shown."


__all__ = ["llm_summary_and_names", "name_themes", "write_summary"]
