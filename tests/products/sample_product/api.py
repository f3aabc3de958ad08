"""The sample product's router: one echo route, one upload route, one that raises a kit error."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shared.errors import IndexMismatch

router = APIRouter()


class EchoRequest(BaseModel):
    """A body with one required field, for the validation-error test."""

    text: str


@router.post("/echo")
def echo(request: EchoRequest) -> dict[str, str]:
    """Return the text, proving the router is mounted under /v1/sample/ (its CLI name)."""
    return {"echo": request.text}


@router.post("/upload")
async def upload(request: Request) -> dict[str, int]:
    """Read the raw body, so the size guard is exercised on a streamed read."""
    return {"bytes": len(await request.body())}


@router.get("/broken-index")
def broken_index() -> dict[str, str]:
    """Raise a kit error, so the API's error conversion can be checked."""
    raise IndexMismatch("The collection was built with another embedder. Re-index it.")
