"""`aipm prd check`: what a PRD still lacks, as a list a PM can work through.

Kinds of gap: a required section is missing or empty; a placeholder is still there;
a success metric has no target or no measurement method; a number no longer matches the
latest eval report (product PRDs only: their generated block and any hand-typed row that
names the same metric); two places in the PRD that contradict each other or the report (a
target met in one section and missed in another, "met" where the report misses it); and a
report older than the code it measures (`pm/prd_consistency.py`). Every gap is
reported, not just the first.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from pm.facts import ProductPaths, latest_metrics, product_for_prd
from pm.metrics import block_values, find_block, render_block
from pm.prd_consistency import consistency_gaps, stale_reports
from pm.prd_metrics_tables import metric_table_gaps, stale_hand_rows
from pm.prd_sections import REQUIRED_SECTIONS, Section, find_sections, split_sections
from shared.errors import AIPMError

PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}|\b(?:TODO|TBD|FIXME)\b")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


class Problem(BaseModel):
    """One gap: which file, which section, and what to do about it."""

    file: str
    section: str
    problem: str


class CheckResult(BaseModel):
    """What `aipm prd check --json` prints."""

    ok: bool
    problems: list[Problem]


def check_prds(paths: list[Path]) -> CheckResult:
    """Check every file; a file that cannot be read is itself a problem, the rest go on."""
    problems: list[Problem] = []
    for path in paths:
        problems += check_prd(path)
    return CheckResult(ok=not problems, problems=problems)


def check_prd(path: Path, product: ProductPaths | None = None) -> list[Problem]:
    """Every gap in one PRD; `product` defaults to the built product whose folder holds it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return [Problem(file=str(path), section="(file)", problem=f"cannot be read: {err}")]
    sections = split_sections(text)
    found = [(str(path), s, g) for s, g in _section_gaps(sections) + _placeholders(text, sections)]
    product = product or product_for_prd(path)
    gaps = _product_gaps(text, sections, product) if product else metric_table_gaps(sections)
    found += [(str(path), s, g) for s, g in gaps]
    return [Problem(file=f, section=s, problem=g) for f, s, g in found]


def _section_gaps(sections: list[Section]) -> list[tuple[str, str]]:
    gaps = []
    for required in REQUIRED_SECTIONS:
        matches = find_sections(sections, required)
        if not matches:
            hint = " or ".join(f"'{k}'" for k in required.keywords)
            gaps.append((required.name, f"missing section: add a heading containing {hint}"))
            continue
        body = "\n".join(s.body for s in matches)
        if not COMMENT.sub("", body).strip():
            gaps.append((required.name, "section is empty"))
        gaps += [(required.name, f"does not cover {topic}")
                 for topic, words in required.must_mention
                 if not any(w in body.lower() for w in words)]
    return gaps


def _placeholders(text: str, sections: list[Section]) -> list[tuple[str, str]]:
    """Every `{{…}}`, TODO, TBD or FIXME, named by the innermost section that holds it."""
    gaps = []
    for section in sections:
        own = ("\n" + section.body).split("\n#", 1)[0]
        gaps += [(section.title, f"unfilled placeholder: {m.group(0)}")
                 for m in PLACEHOLDER.finditer(COMMENT.sub("", own))]
    head = text.split("\n#", 1)[0] if not text.startswith("#") else ""
    gaps += [("(top)", f"unfilled placeholder: {m.group(0)}") for m in PLACEHOLDER.finditer(head)]
    return gaps


def _product_gaps(text: str, sections: list[Section],
                  product: ProductPaths) -> list[tuple[str, str]]:
    try:
        report, values = latest_metrics(product)
    except AIPMError as err:
        return [("Success metrics", err.message)]
    gaps = metric_table_gaps(sections, values)
    gaps += _block_gaps(text, render_block(values, report, product.sync_command), product)
    gaps += stale_hand_rows(sections, values, report, product.sync_command)
    gaps += consistency_gaps(sections, values, report)
    return gaps + _stress_gaps(sections, product) + stale_reports(product)


def _block_gaps(text: str, fresh: str, product: ProductPaths) -> list[tuple[str, str]]:
    block = find_block(text)
    fix = f"run `{product.sync_command}`"
    if block is None:
        return [("Success metrics", f"no generated metrics block: {fix}")]
    if block == fresh:
        return []
    old, new = block_values(block), block_values(fresh)
    stale = [f"'{name}' shows {old.get(name, 'nothing')} but the latest report says {value}"
             for name, value in new.items() if old.get(name) != value]
    detail = "; ".join(stale) or "its date, source or targets differ from the latest report"
    return [("Success metrics", f"stale numbers: {detail}; {fix}")]


def _stress_gaps(sections: list[Section], product: ProductPaths) -> list[tuple[str, str]]:
    if not product.stress_pack.is_file():
        return []
    failure = next(r for r in REQUIRED_SECTIONS if r.name.startswith("Failure modes"))
    body = "\n".join(s.body for s in find_sections(sections, failure))
    gaps = []
    if "evals/stress.md" not in body:
        gaps.append((failure.name, "does not link the stress report (evals/stress.md)"))
    if not product.stress_report.is_file():
        gaps.append((failure.name, f"no stress report yet: run `aipm stress "
                                   f"{product.spec.cli_name}`"))
    return gaps


__all__ = ["CheckResult", "Problem", "check_prd", "check_prds"]
