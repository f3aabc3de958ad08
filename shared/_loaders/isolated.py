"""Read one file in a child process that is killed when the file's seconds budget runs out.

The loaders' meter checks the clock between pages and paragraphs, which cannot stop a parser
stuck inside one call: a 9 KB PDF whose single page decompresses to 4.5 MB of drawing
operators kept pypdf in one `extract_text` for 27 s under a 2 s budget. Only another process
can be stopped mid-call, so PDF and DOCX files (containers whose work is not bounded by their
size) and any file over `ISOLATE_ABOVE_BYTES` are read in a forked child, and the parent waits
at most the budget (plus a little, so the child's own clearer message usually wins).

`fork`, not `spawn` or `forkserver`: the child starts in ~10 ms with every module already
imported (spawn re-imports the kit: ~1 s a file), and sees the parent's state, test patches
included. The child only parses bytes and writes one pickle to a pipe, and whatever a fork of
a threaded parent could deadlock on is ended by the same kill as a slow parser.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from shared._loaders.limits import LoadBudget, metered, over_time
from shared._loaders.model import CorruptFile, Document
from shared.errors import BadInput

ISOLATE_SUFFIXES = (".pdf", ".docx")
ISOLATE_ABOVE_BYTES = 1024 * 1024  # a text, Markdown or HTML file this big also gets a child
GRACE_SECONDS = 0.5  # the child checks its own clock first and says where it stopped

Loader = Callable[[str, bytes], Document]
Outcome = tuple[bool, Any]  # (True, Document) or (False, BadInput)


def needs_isolation(name: str, size: int) -> bool:
    """Whether reading this file could outlast its seconds budget inside one parser call."""
    return name.lower().endswith(ISOLATE_SUFFIXES) or size > ISOLATE_ABOVE_BYTES


def can_isolate() -> bool:
    """Forking is the cheap way; without it (Windows) the in-process meter is all there is."""
    return "fork" in multiprocessing.get_all_start_methods()


def load_isolated(loader: Loader, name: str, data: bytes, budget: LoadBudget,
                  read: Callable[[Loader, str, bytes], Document]) -> Document:
    """`read(loader, name, data)` under `budget` in a forked child, killed at the budget: its
    Document, or the BadInput it raised, or TooMuchContent when time ran out."""
    fork = multiprocessing.get_context("fork")
    receiver, sender = fork.Pipe(duplex=False)
    child = fork.Process(
        target=_child, args=(sender, read, loader, name, data, budget), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(budget.max_seconds + GRACE_SECONDS):
            raise over_time(name, budget)
        ok, payload = receiver.recv()
    except EOFError:
        raise _crashed(name, child) from None
    finally:
        _end(child, receiver)
    if ok:
        return payload
    raise payload


def _child(sender: Connection, read: Callable[..., Document], loader: Loader, name: str,
           data: bytes, budget: LoadBudget) -> None:
    outcome: Outcome
    try:
        with metered(name, budget):
            outcome = (True, read(loader, name, data))
    except BadInput as err:
        outcome = (False, err)
    sender.send(outcome)
    sender.close()
    os._exit(0)  # no atexit handlers, no flushing of the parent's inherited buffers


def _crashed(name: str, child: multiprocessing.process.BaseProcess) -> CorruptFile:
    child.join(timeout=1)
    return CorruptFile(f"{name} made the reader crash (exit code {child.exitcode}). It looks "
                       "damaged; re-export or re-download it and try again.")


def _end(child: multiprocessing.process.BaseProcess, receiver: Connection) -> None:
    receiver.close()
    if child.is_alive():
        child.kill()
    child.join()


__all__ = ["ISOLATE_ABOVE_BYTES", "ISOLATE_SUFFIXES", "can_isolate", "load_isolated",
           "needs_isolation"]
