"""The calls the CLI, the API and the page make: same inputs, same results, whichever door.

Adapters pass `Settings` and plain values; this module opens the knowledge base, picks the
engine from the settings (LLM when a provider is configured, extractive otherwise) and turns
"no such collection" into an error that says how to create one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from products.rag_search.core.answer import AnswerDelta, AnswerDone, ask, stream_answer
from products.rag_search.core.ingest import Progress, ingest_paths
from products.rag_search.core.knowledge_base import (
    PRODUCT,
    KnowledgeBase,
    delete_knowledge_base,
)
from products.rag_search.core.models import (
    DEFAULT_COLLECTION,
    Answer,
    IngestReport,
    SearchMode,
    SearchResponse,
)
from products.rag_search.core.retrieval import search
from shared._private import write_private
from shared.config import Settings
from shared.documents import check_size, upload_limit_bytes
from shared.errors import BadInput, NotFound
from shared.llm import LLMClient, get_llm
from shared.vectorstore import CollectionInfo, open_vector_store

MAX_CLIENTS = 4
MAX_NAME_BYTES = 255  # the longest file name Linux, macOS and Windows file systems store
_clients: dict[tuple[object, ...], LLMClient] = {}
_clients_lock = threading.Lock()


def llm_for(settings: Settings) -> LLMClient | None:
    """The LLM engine's client, or None in baseline mode.

    Clients (and their connection pools) are reused across calls with the same provider
    settings: the hub reloads `Settings` on every rerun, so the cache is keyed by what the
    client depends on, not by the object, and holds a few at most.
    """
    if settings.engine != "llm":
        return None
    key = _client_key(settings)
    with _clients_lock:
        if key not in _clients:
            if len(_clients) >= MAX_CLIENTS:
                _clients.pop(next(iter(_clients)))
            _clients[key] = get_llm(settings, product=PRODUCT)
        return _clients[key]


def _client_key(settings: Settings) -> tuple[object, ...]:
    secrets = (settings.openai_api_key, settings.anthropic_api_key)
    return (settings.resolved_provider, settings.model_id, settings.openai_base_url,
            settings.anthropic_base_url, settings.ollama_host, settings.data_dir,
            settings.llm_timeout_s, settings.llm_max_retries,
            *(secret.get_secret_value() if secret else None for secret in secrets))


def existing_knowledge_base(settings: Settings, collection: str) -> KnowledgeBase:
    """Open a collection that must already exist (search and ask never create one)."""
    store = open_vector_store(settings)
    if not store.has_collection(collection):
        names = [info.name for info in store.list_collections()]
        hint = f" Existing: {', '.join(sorted(names))}." if names else ""
        raise NotFound(f"No knowledge base named '{collection}'. Create it with `aipm rag ingest "
                       f"PATH --collection {collection}`.{hint}")
    return KnowledgeBase(settings, collection, store)


def run_ingest(settings: Settings, paths: Sequence[str | Path], *,
               collection: str = DEFAULT_COLLECTION, sync: bool = False, reindex: bool = False,
               progress: Progress | None = None) -> IngestReport:
    return ingest_paths(settings, paths, collection=collection, sync=sync, reindex=reindex,
                        progress=progress)


def run_search(settings: Settings, query: str, *, collection: str = DEFAULT_COLLECTION,
               k: int = 5, mode: SearchMode = "hybrid",
               where: Mapping[str, Any] | None = None) -> SearchResponse:
    return search(existing_knowledge_base(settings, collection), query, mode=mode, k=k,
                  where=where)


def run_ask(settings: Settings, question: str, *, collection: str = DEFAULT_COLLECTION,
            k: int = 5) -> Answer:
    _check_question(question)
    return ask(existing_knowledge_base(settings, collection), question, k=k,
               llm=llm_for(settings))


def run_ask_stream(settings: Settings, question: str, *, collection: str = DEFAULT_COLLECTION,
                   k: int = 5) -> Iterator[AnswerDelta | AnswerDone]:
    """Checks run before the first event, so a bad request fails before a stream starts."""
    _check_question(question)
    kb = existing_knowledge_base(settings, collection)
    return stream_answer(kb, question, k=k, llm=llm_for(settings))


def _check_question(question: str) -> None:
    if not question.strip():
        raise BadInput("The question is empty. Type a question about your documents.")


def list_knowledge_bases(settings: Settings) -> list[CollectionInfo]:
    return open_vector_store(settings).list_collections()


def delete_collection(settings: Settings, collection: str) -> None:
    if not delete_knowledge_base(settings, collection):
        raise NotFound(f"No knowledge base named '{collection}' to delete.")


def uploads_folder(settings: Settings, collection: str) -> Path:
    """Where uploaded files are kept, one folder per collection, inside the data dir (created
    here: `data_path` makes only the parents, and the folder is written to straight away)."""
    folder = settings.data_path(PRODUCT, "uploads", collection)
    folder.mkdir(exist_ok=True)
    return folder


def safe_upload_name(name: str) -> str:
    """The plain file name of an upload; anything with a path in it loses the path.

    "../../etc/passwd" and "C:\\\\x\\\\..\\\\y.md" become "passwd" and "y.md"; names that are
    empty, hidden or only dots are refused, so nothing can land outside the uploads folder.
    """
    plain = PurePosixPath(name.replace("\\", "/")).name.strip()
    if not plain or plain.startswith(".") or "\x00" in plain:
        raise BadInput(f"'{name[:80]}' is not a usable file name. Rename the file (e.g. "
                       "guide.md) and upload it again.")
    if len(plain.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise BadInput(f"The file name '{plain[:40]}…' is too long ({len(plain)} characters; "
                       f"file systems store at most {MAX_NAME_BYTES} bytes). Rename the file "
                       "and upload it again.")
    return plain


def save_upload(settings: Settings, collection: str, name: str, data: bytes) -> Path:
    """Write one upload into the collection's uploads folder (size-checked first)."""
    check_size(name, len(data), upload_limit_bytes(settings))
    folder = uploads_folder(settings, collection).resolve()
    target = (folder / safe_upload_name(name)).resolve()
    if target.parent != folder:  # belt and braces: safe_upload_name already strips paths
        raise BadInput(f"'{name}' would be saved outside the uploads folder; refused.")
    write_private(target, data)
    return target


def ingest_uploads(settings: Settings, files: Sequence[tuple[str, bytes]], *,
                   collection: str = DEFAULT_COLLECTION,
                   progress: Progress | None = None) -> IngestReport:
    """Save uploads, then ingest just those files (their `source` is the file name)."""
    if not files:
        raise BadInput("No files were uploaded. Choose at least one PDF, DOCX, MD, HTML or TXT.")
    KnowledgeBase(settings, collection)  # checks the name before anything is written
    for name, data in files:  # every name and size first: a bad one saves nothing at all
        safe_upload_name(name)
        check_size(name, len(data), upload_limit_bytes(settings))
    previous = _previous_versions(settings, collection, files)
    saved = [save_upload(settings, collection, name, data) for name, data in files]
    report = ingest_paths(settings, saved, collection=collection, progress=progress)
    _undo_skipped_saves(saved, report, previous)
    return report


def _previous_versions(settings: Settings, collection: str,
                       files: Sequence[tuple[str, bytes]]) -> dict[str, bytes]:
    """The bytes of uploads about to be overwritten, to put back if the new version is bad."""
    folder = uploads_folder(settings, collection)
    targets = [folder / safe_upload_name(name) for name, _ in files]
    return {target.name: target.read_bytes() for target in targets if target.is_file()}


def _undo_skipped_saves(saved: Sequence[Path], report: IngestReport,
                        previous: Mapping[str, bytes]) -> None:
    """A skipped upload is not kept: the file it replaced comes back, or it is removed."""
    skipped = {entry.path for entry in report.files_skipped}
    for path in saved:
        if path.name not in skipped:
            continue
        if path.name in previous:
            write_private(path, previous[path.name])
        else:
            path.unlink(missing_ok=True)


__all__ = [
    "delete_collection",
    "existing_knowledge_base",
    "ingest_uploads",
    "list_knowledge_bases",
    "llm_for",
    "run_ask",
    "run_ask_stream",
    "run_ingest",
    "run_search",
    "safe_upload_name",
    "save_upload",
    "uploads_folder",
]
