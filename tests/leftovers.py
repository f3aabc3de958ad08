"""Which processes this test session started and left running.

Every process a test starts inherits `SESSION_ENV` with this pytest process's own token (xdist
workers each set their own), so a server that outlived its test is found even after it was
re-parented to init, e.g. a Streamlit child whose `aipm hub` parent was killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import uuid
from pathlib import Path

SESSION_ENV = "AIPM_TEST_SESSION"
PROC = Path("/proc")


def mark_this_session() -> str:
    """Give this process (and every child it starts from now on) a fresh session token."""
    token = uuid.uuid4().hex
    os.environ[SESSION_ENV] = token
    return token


def _environ_has(pid_dir: Path, needle: bytes) -> bool:
    try:
        return needle in (pid_dir / "environ").read_bytes().split(b"\0")
    except OSError:  # gone already, or not ours to read
        return False


def _command(pid_dir: Path) -> str:
    try:
        return (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "?"


def leftover_processes(token: str) -> dict[int, str]:
    """pid -> command line of every live process carrying this session's token."""
    if not PROC.is_dir():
        return {}
    needle = f"{SESSION_ENV}={token}".encode()
    own = os.getpid()
    return {int(entry.name): _command(entry) for entry in PROC.iterdir()
            if entry.name.isdigit() and int(entry.name) != own and _environ_has(entry, needle)}


def kill_all(pids: dict[int, str]) -> None:
    """Stop what was left behind, so one failed run does not poison the next."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


__all__ = ["SESSION_ENV", "kill_all", "leftover_processes", "mark_this_session"]
