"""The PM report: themes, an executive summary whose every claim cites row ids (checked by the
platform's grounding check against those rows), and a RICE-ranked opportunity backlog.

Baseline summary claims are templated from the numbers and quote the cited rows, so they are
grounded by construction; the check still runs, on every engine, and an unsupported claim is
shown as such, never silently kept.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from products.feedback_analyzer.core.models import SENTIMENTS
from products.feedback_analyzer.core.summary import Counts, ThemeCandidate
from products.feedback_analyzer.core.themes import Quote, Theme
from shared.evals import check_claim

GROUNDING_MIN_OVERLAP = 0.6


class Claim(BaseModel):
    """One sentence of the executive summary and the rows it rests on."""

    text: str
    row_ids: list[str]
    supported: bool = True


ESTIMATE_EFFORT = "estimate effort"


class Opportunity(BaseModel):
    """A backlog line: a problem, its RICE score and the evidence. Effort is the team's call:
    it comes from an `effort` column of the file, else it is left blank (None) with the prompt
    in `effort_note`, and `score` is reach x impact x confidence until it is sized."""

    problem: str
    reach: int = Field(description="rows in the theme")
    impact: float = Field(description="0..3: how negative the rows are x the theme's share")
    confidence: float = Field(description="0..1: the theme's cohesion")
    effort: float | None = Field(None, description="from the effort column; None = not sized")
    effort_note: str = Field("", description="what to do when effort is blank")
    score: float = Field(description="reach x impact x confidence / effort (no / effort: blank)")
    aspects: list[str]
    quotes: list[Quote]
    by_group: dict[str, int] = Field(default_factory=dict, description="reach per --by value")


class FeedbackReport(BaseModel):
    counts: Counts
    themes: list[Theme]
    summary: list[Claim]
    backlog: list[Opportunity]
    engine: str
    note: str = ""


def negativity(theme: Theme) -> float:
    """0..1: how negative the theme's rows are, by their mean score or, when stars exist and
    say more, by the share of 1-2 star rows."""
    return max(min(1.0, max(0.0, -theme.mean_score)), theme.low_star_share or 0.0)


def rice(theme: Theme) -> Opportunity:
    """Reach = the theme's rows; impact = 3 x negativity x (0.5 + share of its kind), so a
    theme of half the complaints weighs 2x a sliver (capped at 3); confidence = cohesion (how
    alike its rows are: a tight theme is one problem, a loose one may be several); effort from
    the file's effort column, else blank with the "estimate effort" prompt."""
    impact = round(min(3.0, 3 * negativity(theme) * (0.5 + theme.share)), 2)
    confidence = round(theme.cohesion, 2)
    value = theme.size * impact * confidence
    effort = theme.effort
    return Opportunity(problem=theme.name, reach=theme.size, impact=impact,
                       confidence=confidence, effort=effort,
                       effort_note="" if effort else (
                           f"{ESTIMATE_EFFORT} (person-weeks): score is reach x impact x "
                           "confidence until you divide it by effort"),
                       score=round(value / effort if effort else value, 1),
                       aspects=theme.aspects, quotes=theme.quotes, by_group=theme.by_group)


def backlog(themes: list[Theme], top: int = 8) -> list[Opportunity]:
    """Complaint themes ranked by RICE score, highest first."""
    ranked = sorted((rice(t) for t in themes if t.kind == "complaint"), key=lambda o: -o.score)
    return ranked[:top]


def group_sections(report: FeedbackReport) -> list[str]:
    """Sentiment and backlog reach split by the --by column (product, plan, channel...)."""
    counts = report.counts
    if not counts.group_column or not counts.by_group:
        return []
    groups = list(counts.by_group)
    lines = ["", f"## By {counts.group_column}", "",
             f"| {counts.group_column} | " + " | ".join(SENTIMENTS) + " | rows |",
             "|---" * (len(SENTIMENTS) + 2) + "|"]
    lines += [f"| {g} | " + " | ".join(str(c[s]) for s in SENTIMENTS) + f" | {sum(c.values())} |"
              for g, c in counts.by_group.items()]
    lines += ["", f"Backlog reach by {counts.group_column}:", "",
              "| problem | " + " | ".join(groups) + " |", "|---" * (len(groups) + 1) + "|"]
    lines += [f"| {o.problem} | " + " | ".join(str(o.by_group.get(g, 0)) for g in groups) + " |"
              for o in report.backlog]
    return lines


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
    lines += [f"| {i} | {o.problem} | {o.reach} | {o.impact} | {o.confidence} | "
              f"{ESTIMATE_EFFORT if o.effort is None else o.effort} | {o.score} |"
              for i, o in enumerate(report.backlog, start=1)]
    if any(o.effort is None for o in report.backlog):
        lines += ["", f"Effort is blank: {ESTIMATE_EFFORT} for each line (or add an `effort` "
                  "column to the file); until then the score is reach x impact x confidence."]
    lines += group_sections(report)
    lines += ["", "## Themes", ""]
    for theme in report.themes:
        lines += [f"### {theme.name} ({theme.kind}, {theme.size} rows, {theme.share:.0%} of "
                  f"{theme.kind}s, {theme.sentiment}, {theme.trend})", ""]
        lines += [f"> {q.text} — row {q.row_id}" for q in theme.quotes]
        lines.append("")
    return "\n".join(lines)


__all__ = [
    "Claim",
    "FeedbackReport",
    "Opportunity",
    "backlog",
    "ground_claims",
    "group_sections",
    "negativity",
    "render_markdown",
    "rice",
    "templated_summary",
    "texts_by_id",
]
