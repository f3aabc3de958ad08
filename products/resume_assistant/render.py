"""Readable terminal views of the résumé assistant's results (the CLI without `--json`)."""

from __future__ import annotations

from pathlib import Path

import typer

from products.resume_assistant.core.models import Analysis, WrittenOutput
from products.resume_assistant.core.ranking import Ranking


def render_analysis(result: Analysis) -> None:
    typer.echo(f"Match score: {result.match_score}/100  ({result.engine})")
    if result.score_breakdown.get("explanation"):
        typer.echo(f"  {result.score_breakdown['explanation']}")
    for notice in result.score_breakdown.get("notices") or []:  # type: ignore[attr-defined]
        typer.echo(f"  ! {notice}")
    for req in result.requirements:
        mark = "✔" if req.met else "✘"
        typer.echo(f"  {mark} [{req.kind}] {req.text}")
        if req.evidence:
            part = "" if req.met else f" ({req.how})"
            typer.echo(f"      evidence: \"{req.evidence}\"{part}")
    typer.echo(f"Matched keywords: {', '.join(result.matched_keywords) or '-'}")
    typer.echo(f"Missing keywords: {', '.join(result.missing_keywords) or '-'}")
    for tip in result.suggestions:
        typer.echo(f"  • {tip}")


def render_written(result: WrittenOutput, out: Path | None) -> None:
    typer.echo(result.output)
    typer.echo(f"Status: {result.status}  ({result.engine})")
    for claim in result.unsupported_claims:
        typer.echo(f"  blocked {claim.kind}: {claim.claim}")
    if result.gaps_to_address:
        typer.echo(f"Gaps to address (not claimed): {', '.join(result.gaps_to_address)}")
    if out is not None:
        typer.echo(f"Wrote {out}")


def render_ranking(result: Ranking) -> None:
    """One block per posting, best first: score, explanation, top met and missing."""
    if result.cancelled:
        typer.echo(f"Cancelled: {len(result.postings)} of {result.given} posting(s) ranked for "
                   f"{result.resume} (the ranking below covers those only; run again for "
                   "all).\n")
    else:
        typer.echo(f"{len(result.postings)} posting(s) ranked for {result.resume}\n")
    for place, row in enumerate(result.postings, start=1):
        if row.error:
            typer.echo(f"{place:>3}. {row.posting}: {row.error}")
            continue
        typer.echo(f"{place:>3}. {row.score:>3}  {row.title or row.posting}  ({row.posting})")
        typer.echo(f"       {row.explanation}")
        for text in row.met:
            typer.echo(f"       + {text}")
        for text in row.missing:
            typer.echo(f"       - {text}")
