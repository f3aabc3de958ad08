"""One ingest per collection at a time, across threads and processes: a file lock in the data dir.

Two ingests into one collection raced on Chroma and on the lexical index files: one process died
with a traceback. Each ingest (of a folder or of uploads) now holds
`<data dir>/rag_search/locks/<collection>.lock` (flock, so a killed process frees it). A second
one waits up to `wait_s`, then stops with "another ingest is running on COLLECTION". The same
thread may take the lock again (uploads save files, then ingest them) without waiting on itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from shared.config import Settings
from shared.errors import AIPMError

WAIT_S = 30.0
_held = threading.local()


class IngestBusy(AIPMError):
    """Another ingest holds the collection's lock; try again when it has finished."""

    code = "ingest_busy"
    http_status = 409


@contextmanager
def collection_lock(settings: Settings, collection: str, wait_s: float = WAIT_S) -> Iterator[None]:
    """Hold the collection's ingest lock for the block (re-entrant within a thread)."""
    held: set[str] = getattr(_held, "names", None) or set()
    _held.names = held
    if collection in held:
        yield
        return
    lock = FileLock(str(settings.data_path("rag_search", "locks", f"{collection}.lock")),
                    timeout=wait_s, thread_local=False)
    try:
        lock.acquire()
    except Timeout as err:
        raise IngestBusy(f"another ingest is running on {collection}; wait for it to finish "
                         "and try again.") from err
    held.add(collection)
    try:
        yield
    finally:
        held.discard(collection)
        lock.release()


__all__ = ["WAIT_S", "IngestBusy", "collection_lock"]
