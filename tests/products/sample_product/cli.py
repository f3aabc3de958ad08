"""The sample product's typer group: one command that works, one that raises a kit error."""

from __future__ import annotations

import typer

from shared.errors import BadInput

app = typer.Typer(no_args_is_help=True)


@app.command()
def hello(name: str = "PM") -> None:
    """Greet, proving the group is mounted under its CLI name."""
    typer.echo(f"hello {name}")


@app.command()
def broken() -> None:
    """Raise a kit error the way a product command would on bad input."""
    raise BadInput("reviews.csv row 3 has no text column. Add a 'text' header and retry.")
