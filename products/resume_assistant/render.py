"""Readable terminal views of the résumé assistant's results (the CLI without `--json`)."""

from __future__ import annotations

from pathlib import Path

import typer

from products.resume_assistant.core.models import Analysis, WrittenOutput


def render_analysis(result: Analysis) -> None:
    typer.echo(f"Match score: {result.match_score}/100  ({result.engine})")
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
