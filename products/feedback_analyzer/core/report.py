"""The PM report: themes, an executive summary whose every claim cites row ids (checked by the
platform's grounding check against those rows), and a RICE-ranked opportunity backlog.

Baseline summary claims are templated from the numbers and quote the cited rows, so they are
grounded by construction; the check still runs, on every engine, and an unsupported claim is
shown as such, never silently kept.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from products.feedback_analyzer.core.summary import Counts, ThemeCandidate
from products.feedback_analyzer.core.themes import Quote, Theme
from shared.evals import check_claim

GROUNDING_MIN_OVERLAP = 0.6


class Claim(BaseModel):
    """One sentence of the executive summary and the rows it rests on."""

    text: str
    row_ids: list[str]
    supported: bool = True


class Opportunity(BaseModel):
    """A backlog line: a problem, its RICE-style score and the evidence."""

    problem: str
    reach: int = Field(description="rows in the theme")
    impact: float = Field(description="0..3 from how negative the rows and stars are")
    confidence: float = Field(description="0..1 from theme size and quote agreement")
    effort: float = Field(1.0, description="unknown to the kit: 1 until the team sizes it")
    score: float
    aspects: list[str]
    quotes: list[Quote]


class FeedbackReport(BaseModel):
    counts: Counts
    themes: list[Theme]
    summary: list[Claim]
    backlog: list[Opportunity]
    engine: str
    note: str = ""


def rice(theme: Theme) -> Opportunity:
    """Reach = rows; impact = negativity (0..2) + 1 if most stars are low; confidence grows
    with size (a 3-row theme is a hunch, 30 rows a pattern)."""
    impact = round(min(3.0, -2 * min(theme.mean_score, 0.0) + (theme.low_star_share or 0)
                       + 0.5), 2)
    confidence = round(min(1.0, 0.4 + theme.size / 50), 2)
    return Opportunity(problem=theme.name, reach=theme.size, impact=impact,
                       confidence=confidence, score=round(theme.size * impact * confidence, 1),
                       aspects=theme.aspects, quotes=theme.quotes)


def backlog(themes: list[Theme], top: int = 8) -> list[Opportunity]:
    """Complaint themes ranked by RICE score, highest first."""
    ranked = sorted((rice(t) for t in themes if t.kind == "complaint"), key=lambda o: -o.score)
    return ranked[:top]


def templated_summary(counts: Counts, themes: list[Theme]) -> list[Claim]:
    """Claims written from the numbers; each cites the rows whose words it quotes."""
    claims = []
    total = counts.analyzed or 1
    share = {k: round(100 * v / total) for k, v in counts.sentiment.items()}
    complaints = [t for t in themes if t.kind == "complaint"]
    praise = [t for t in themes if t.kind == "praise"]
    if complaints:
        top = complaints[0]
        claims.append(Claim(text=f"{share['negative']}% of {counts.analyzed} rows are negative; "
                            f"the largest complaint ({top.size} rows) reads like: "
                            f"\"{top.quotes[0].text}\"", row_ids=[top.quotes[0].row_id]))
    claims += [Claim(text=f"Complaint: \"{t.quotes[0].text}\" ({t.size} rows, {t.trend})",
                     row_ids=[t.quotes[0].row_id]) for t in complaints[1:3]]
    if praise:
        top = praise[0]
        claims.append(Claim(text=f"{share['positive']}% are positive; most praised: "
                            f"\"{top.quotes[0].text}\"", row_ids=[top.quotes[0].row_id]))
    return claims


def ground_claims(claims: list[Claim], texts_by_id: dict[str, str]) -> list[Claim]:
    """Mark each claim supported only if its cited rows exist and back its quoted words."""
    for claim in claims:
        source = " ".join(texts_by_id.get(i, "") for i in claim.row_ids)
        quoted = claim.text.split('"')[1::2] or [claim.text]
        claim.supported = bool(source.strip()) and all(
            check_claim(q, source, min_overlap=GROUNDING_MIN_OVERLAP).supported for q in quoted)
    return claims


def texts_by_id(candidates: list[ThemeCandidate]) -> dict[str, str]:
    return {c.row_id: c.text for c in candidates}


def render_markdown(report: FeedbackReport, title: str = "Feedback report") -> str:
    """What a PM pastes into a planning doc."""
    counts = report.counts
    lines = [f"# {title}", "", f"Engine: {report.engine}. Rows analysed: {counts.analyzed}.", "",
             "## Executive summary", "", *([report.note, ""] if report.note else [])]
    lines += [f"- {c.text} [rows: {', '.join(c.row_ids)}]"
              + ("" if c.supported else " (not supported by the cited rows)")
              for c in report.summary]
    lines += ["", "## Sentiment", "", "| sentiment | rows | share |", "|---|---|---|"]
    lines += [f"| {k} | {v} | {counts.sentiment_share.get(k, 0):.0%} |"
              for k, v in counts.sentiment.items()]
    lines += ["", "## Aspects", "", "| aspect | rows |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in counts.aspects.items()]
    d = counts.disagreement
    lines += ["", f"Stars vs words: {d.high_stars_negative} rows with 4-5 stars read negative, "
              f"{d.low_stars_positive} with 1-2 stars read positive (e.g. rows "
              f"{', '.join(d.example_ids) or '-'}).", "", "## Opportunity backlog (RICE)", "",
              "| # | problem | reach | impact | confidence | effort | score |",
              "|---|---|---|---|---|---|---|"]
    lines += [f"| {i} | {o.problem} | {o.reach} | {o.impact} | {o.confidence} | {o.effort} | "
              f"{o.score} |" for i, o in enumerate(report.backlog, start=1)]
    lines += ["", "## Themes", ""]
    for theme in report.themes:
        lines += [f"### {theme.name} ({theme.kind}, {theme.size} rows, {theme.trend})", ""]
        lines += [f"> {q.text} — row {q.row_id}" for q in theme.quotes]
        lines.append("")
    return "\n".join(lines)


__all__ = ["Claim", "FeedbackReport", "Opportunity", "backlog", "ground_claims", "render_markdown",
           "rice", "templated_summary", "texts_by_id"]
