"""Owner-only files and folders for what the kit keeps about its user.

Traces, the response cache (it holds replies, which can repeat a prompt's e-mail or key) and
uploaded documents are written 0600, and the data folder is created 0700, so other accounts
on a shared machine cannot read them. On Windows, where POSIX modes do not apply, this is a
no-op beyond what the file system already does.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) owner-only; an existing folder is left as it is."""
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        path.chmod(PRIVATE_DIR)  # mkdir's mode is filtered by the umask; make it exact
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty if missing, and make it 0600, before anything writes to it.

    SQLite gives its -wal and -shm files the database file's mode, so creating the database
    0600 first keeps those owner-only as well.
    """
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    path.chmod(PRIVATE_FILE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` as an owner-only file."""
    private_file(path).write_bytes(data)


__all__ = ["PRIVATE_DIR", "PRIVATE_FILE", "private_dir", "private_file", "write_private"]
