"""Building the Chroma client and turning Chroma's failures into errors a person can act on.

Kept apart from `vectorstore.py` so that module reads as the store's behaviour, and so chromadb
(slow to import) is only imported when a store is actually opened.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared._vector_types import CollectionInfo, Hit
from shared.config import Settings
from shared.errors import AIPMError, BadInput, NotFound, ProviderUnreachable

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

MAX_COLLECTION_CHARS = 128  # Chroma takes 512, but the name is also a folder and a lock file
COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$")  # 3-128


def build_client(settings: Settings) -> ClientAPI:
    """A Chroma server client when CHROMA_HOST is set, else an embedded store in the data dir.

    Telemetry is off in both: the kit never phones home.
    """
    if settings.vector_store_mode == "server":
        check_server_answers(settings)
        return _http_client(settings, _chroma_settings())
    return _embedded_client(str(embedded_path(settings)))


def _chroma_settings() -> Any:
    """Chroma's own settings, telemetry off. A new object for each client: chromadb writes the
    client's path (or host) into the settings it is given, so one object must never be shared."""
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False)


def _embedded_client(path: str) -> ClientAPI:
    """One PersistentClient per store folder per process. Chroma already shares one System (its
    database connection) per folder inside a process, so this shares nothing new; it saves, on
    every open (each API request, each page rerun), building Chroma's settings (they read the
    environment and a `.env` file: 8-17 ms on the shared machine) and the client's constructor
    (~7 ms of tenant and database checks): more than the search that follows."""
    import chromadb

    with _embedded_clients_lock:
        if path not in _embedded_clients:
            _embedded_clients[path] = chromadb.PersistentClient(path=path,
                                                                settings=_chroma_settings())
        return _embedded_clients[path]


_embedded_clients: dict[str, ClientAPI] = {}
_embedded_clients_lock = threading.Lock()


def embedded_path(settings: Settings) -> Path:
    """`<data_dir>/chroma`, created; a data dir that cannot be made is BadInput, not a trace."""
    path = settings.data_path("chroma")  # the data dir itself is created owner-only
    try:
        path.mkdir(exist_ok=True)
    except OSError as exc:
        raise BadInput(f"Cannot create the vector store folder {path}: {exc.strerror}. Set "
                       "AIPM_DATA_DIR to a folder you can write to.") from exc
    return path


def _http_client(settings: Settings, chroma_settings: Any) -> ClientAPI:
    """One chromadb HttpClient per server and deadline, every HTTP call bounded by CHROMA_TIMEOUT.

    chromadb builds its httpx session with `timeout=None` and has no setting for it, so a
    server that stops answering once connected (paused, overloaded, half-dead) hung an ingest
    forever. The deadline is set on the session right after the client is built; the client is
    then reused, so later requests skip the constructor's own unbounded calls (it asks the
    server who you are) and no longer leak one chromadb System per request.
    """
    key = (str(settings.chroma_host), settings.chroma_port, settings.chroma_timeout_s)
    with _http_clients_lock:
        if key not in _http_clients:
            _http_clients[key] = _new_http_client(settings, chroma_settings)
        return _http_clients[key]


_http_clients: dict[tuple[str, int, float], ClientAPI] = {}
_http_clients_lock = threading.Lock()


def _new_http_client(settings: Settings, chroma_settings: Any) -> ClientAPI:
    import chromadb
    import httpx

    with chroma_errors(settings):
        try:
            client = chromadb.HttpClient(host=str(settings.chroma_host),
                                         port=settings.chroma_port, settings=chroma_settings)
        except ValueError as exc:  # what HttpClient raises when its heartbeat fails
            raise unreachable(settings) from exc
    session = getattr(getattr(client, "_server", None), "_session", None)
    if not isinstance(session, httpx.Client):  # chromadb moved it: fail loudly, never hang
        raise RuntimeError("chromadb's HTTP client changed shape: cannot apply CHROMA_TIMEOUT.")
    session.timeout = httpx.Timeout(settings.chroma_timeout_s)
    return client


def check_server_answers(settings: Settings) -> None:
    """One heartbeat with a deadline (CHROMA_TIMEOUT) before chromadb's client is built, so a
    port that accepts connections and never answers fails here with a clear reason."""
    import httpx
    from chromadb.api.base_http_client import BaseHTTPClient

    url = BaseHTTPClient.resolve_url(str(settings.chroma_host), False, "/api/v2",
                                     settings.chroma_port) + "/heartbeat"
    try:
        httpx.get(url, timeout=settings.chroma_timeout_s).raise_for_status()
    except httpx.TimeoutException as exc:
        raise timed_out(settings) from exc
    except httpx.HTTPStatusError as exc:
        raise unreachable(settings, f"answered HTTP {exc.response.status_code} to a Chroma "
                                    "heartbeat, so it is not a Chroma server") from exc
    except httpx.HTTPError as exc:
        raise unreachable(settings) from exc


def unreachable(settings: Settings, why: str = "") -> ProviderUnreachable:
    """The error for a Chroma server that is down, stuck or not Chroma, saying how to start it."""
    where = f"{settings.chroma_host}:{settings.chroma_port}"
    because = f" (it {why})" if why else ""
    return ProviderUnreachable(
        f"Cannot reach the Chroma server at {where}{because}. Start it with "
        f"`chroma run --path {settings.data_dir / 'chroma'} --port {settings.chroma_port}` "
        "or unset CHROMA_HOST to use the embedded store."
    )


def timed_out(settings: Settings) -> ProviderUnreachable:
    return unreachable(settings, f"did not answer within {settings.chroma_timeout_s:g} s; "
                                 "raise CHROMA_TIMEOUT if it is just slow")


@contextmanager
def chroma_errors(settings: Settings) -> Iterator[None]:
    """Connection failures become ProviderUnreachable; Chroma's argument checks become BadInput."""
    import httpx
    from chromadb.errors import ChromaError, InvalidArgumentError, NotFoundError

    try:
        yield
    except httpx.TimeoutException as exc:
        raise timed_out(settings) from exc
    except (httpx.TransportError, ConnectionError) as exc:
        raise unreachable(settings) from exc
    except (InvalidArgumentError, ValueError) as exc:  # Chroma validates filters with ValueError
        raise BadInput(f"Chroma rejected the request: {exc}") from exc
    except NotFoundError as exc:  # deleted by another request while this one used it
        raise NotFound(f"The knowledge base was deleted while this request was using it "
                       f"({str(exc)[:120]}). Ingest into it again, or pick another one.") from exc
    except OSError as exc:
        from shared.files import data_dir_error, is_data_dir_problem

        if is_data_dir_problem(exc):
            raise data_dir_error(settings.data_dir, exc) from exc
        raise
    except ChromaError as exc:
        full = disk_full_error(settings)
        if full is None:
            raise
        raise full from exc


LOW_SPACE_BYTES = 64 * 1024 * 1024


def disk_full_error(settings: Settings) -> AIPMError | None:
    """The data-dir-full line when the embedded store failed with the disk (nearly) full.

    The embedded store reports a full disk as an opaque InternalError ("Failed to apply logs
    to the metadata segment"); free space under the store is what tells the two apart.
    """
    import errno
    import shutil

    from shared.files import data_dir_error

    if settings.vector_store_mode != "embedded":
        return None
    try:
        free = shutil.disk_usage(settings.data_dir).free
    except OSError:
        return None
    if free >= LOW_SPACE_BYTES:
        return None
    return data_dir_error(settings.data_dir, OSError(errno.ENOSPC, "No space left on device"))


def where_clause(where: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """`{"a": 1, "b": "x"}` -> Chroma's `$and` form; operator dicts pass through unchanged."""
    if not where:
        return None
    if len(where) == 1 or any(key.startswith("$") for key in where):
        return dict(where)
    return {"$and": [{key: value} for key, value in where.items()]}


def check_collection_name(name: str) -> None:
    if not COLLECTION_NAME.match(name) or ".." in name:
        shown = name if len(name) <= 60 else f"{name[:60]}… ({len(name)} characters)"
        raise BadInput(f"Collection name '{shown}' is not valid: use 3-{MAX_COLLECTION_CHARS} "
                       "letters, digits, dots, dashes or underscores, starting and ending with "
                       "a letter or digit.")


def hits_from_result(result: Mapping[str, Any]) -> list[Hit]:
    """Chroma's query result for one query as hits; score is cosine similarity."""
    rows = zip(result["ids"][0], result["documents"][0], result["metadatas"][0],
               result["distances"][0], strict=True)
    return [
        Hit(id=id_, text=text or "", metadata=dict(meta or {}), score=1.0 - distance,
            distance=distance)
        for id_, text, meta, distance in rows
    ]


def collection_info(collection: Collection) -> CollectionInfo:
    """What `list_collections` reports; embedder is None for a collection the kit did not build."""
    metadata = collection.metadata or {}
    dimension = metadata.get("dimension")
    return CollectionInfo(
        name=collection.name, count=collection.count(),
        embedder=str(metadata["embedder"]) if "embedder" in metadata else None,
        dimension=int(dimension) if isinstance(dimension, int) else None,
    )


__all__ = [
    "build_client",
    "check_collection_name",
    "check_server_answers",
    "chroma_errors",
    "collection_info",
    "embedded_path",
    "hits_from_result",
    "unreachable",
    "where_clause",
]
