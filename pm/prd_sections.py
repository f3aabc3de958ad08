"""The sections an AI PRD needs, and how to find them in a PRD a person wrote.

A hiring manager reading an AI PRD looks for these ten things. Headings are matched by
keywords, not exact titles, so "## 7. Risks and mitigations" counts as the failure-modes
section and a PM keeps their own numbering and wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class RequiredSection:
    """One section a PRD must have: its name, heading keywords, and words its text must hold."""

    name: str
    keywords: tuple[str, ...]
    must_mention: tuple[tuple[str, tuple[str, ...]], ...] = ()


REQUIRED_SECTIONS: tuple[RequiredSection, ...] = (
    RequiredSection("Problem and users", ("problem",)),
    RequiredSection("User stories", ("user stories",)),
    RequiredSection("Success metrics", ("success metrics",)),
    RequiredSection("Model and data choices", ("model and data",)),
    RequiredSection("Baseline vs LLM", ("baseline",)),
    RequiredSection("Evaluation plan", ("evaluation plan", "eval plan")),
    RequiredSection("Failure modes and mitigations", ("failure modes", "risks"), (
        ("hallucination", ("hallucinat", "invented", "fabricat")),
        ("prompt injection", ("injection",)),
        ("bias", ("bias",)),
        ("privacy", ("privacy", "pii", "personal data")),
    )),
    RequiredSection("Latency and cost budget", ("latency", "cost budget"), (
        ("unit economics (cost per 1,000 requests)", ("per 1,000", "per 1000", "per 1k")),
    )),
    RequiredSection("Launch and monitoring plan", ("launch", "monitoring"), (
        ("the feedback signal", ("feedback",)),
    )),
    RequiredSection("Open questions", ("open questions",)),
)


@dataclass(frozen=True)
class Section:
    """A heading and the text under it, up to the next heading of the same or higher level."""

    title: str
    level: int
    body: str


def split_sections(text: str) -> list[Section]:
    """Every `#`, `##` and `###` section of a Markdown file, with its body text."""
    lines = text.splitlines()
    heads = [(i, HEADING.match(line)) for i, line in enumerate(lines)]
    heads = [(i, m) for i, m in heads if m and not _inside_code(lines, i)]
    sections = []
    for n, (index, match) in enumerate(heads):
        level = len(match.group(1))
        end = next((j for j, m in heads[n + 1:] if len(m.group(1)) <= level), len(lines))
        sections.append(Section(match.group(2), level, "\n".join(lines[index + 1:end])))
    return sections


def _inside_code(lines: list[str], index: int) -> bool:
    return sum(line.startswith("```") for line in lines[:index]) % 2 == 1


def find_sections(sections: list[Section], required: RequiredSection) -> list[Section]:
    """The sections whose heading carries one of the required section's keywords."""
    return [s for s in sections if any(k in s.title.lower() for k in required.keywords)]


__all__ = ["REQUIRED_SECTIONS", "RequiredSection", "Section", "find_sections", "split_sections"]
