"""The calls the CLI, the API and the page make: same inputs, same results, whichever door.

Adapters pass `Settings` and plain values; this module opens the knowledge base, picks the
engine from the settings (LLM when a provider is configured, extractive otherwise) and turns
"no such collection" into an error that says how to create one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from products.rag_search.core.answer import (
    MAX_QUESTION_CHARS,
    AnswerDelta,
    AnswerDone,
    ask,
    stream_answer,
)
from products.rag_search.core.filters import Facets, SearchFilters, facets, filter_where
from products.rag_search.core.followup import ChatTurn
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
from shared.config import Settings
from shared.errors import BadInput, NotFound
from shared.files import atomic_write
from shared.tracing import TRACE_FILE, TraceStore, trace_operation
from shared.vectorstore import CollectionInfo, open_vector_store

if TYPE_CHECKING:  # loaders, the ingest pipeline and the LLM client load only when used
    from products.rag_search.core.ingest import IngestControl, Progress
    from shared.llm import LLMClient

FROM_SETTINGS: Literal["from_settings"] = "from_settings"
LLMChoice: TypeAlias = "LLMClient | Literal['from_settings'] | None"
MAX_NAME_BYTES = 255  # the longest file name Linux, macOS and Windows file systems store


def llm_for(settings: Settings) -> LLMClient | None:
    """A new LLM client for the configured engine, or None in baseline mode.

    Not cached here: each door owns its client's lifetime (a FastAPI dependency, the page's
    `st.cache_resource`, one per CLI command), so no module-level table ever holds clients
    keyed by API keys.
    """
    if settings.engine != "llm":
        return None
    from shared.llm import get_llm  # the client and its SDKs only when an LLM answers

    return get_llm(settings, product=PRODUCT)


def _chosen(settings: Settings, llm: LLMChoice) -> LLMClient | None:
    return llm_for(settings) if llm == FROM_SETTINGS else llm  # type: ignore[return-value]


def _traced(settings: Settings, operation: str, engine: str, items: int = 0) -> Any:
    """One keyless trace row (product, operation, engine, latency, items; never any text)."""
    store = TraceStore(settings.data_path(TRACE_FILE))  # = shared.ops.open_trace_store
    return trace_operation(store, product=PRODUCT, operation=operation,
                           engine=engine, items=items)


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
               progress: Progress | None = None,
               control: IngestControl | None = None) -> IngestReport:
    from products.rag_search.core.ingest import ingest_paths  # loaders: not on the ask path

    with _traced(settings, "ingest", settings.embedder) as row:
        report = ingest_paths(settings, paths, collection=collection, sync=sync,
                              reindex=reindex, progress=progress, control=control)
        row.items = report.files_indexed
    return report


def run_search(settings: Settings, query: str, *, collection: str = DEFAULT_COLLECTION,
               k: int = 5, mode: SearchMode = "hybrid",
               where: Mapping[str, Any] | None = None,
               filters: SearchFilters | None = None) -> SearchResponse:
    _check_length(query, "query")
    with _traced(settings, "search", mode) as row:
        kb = existing_knowledge_base(settings, collection)
        response = search(kb, query, mode=mode, k=k, where=filter_where(kb, filters, where))
        row.items = len(response.results)
    return response


def run_ask(settings: Settings, question: str, *, collection: str = DEFAULT_COLLECTION,
            k: int = 5, llm: LLMChoice = FROM_SETTINGS,
            history: Sequence[ChatTurn] | None = None,
            filters: SearchFilters | None = None) -> Answer:
    """One answer; `llm` is the door's client (by default, one built from the settings)."""
    _check_question(question)
    chosen = _chosen(settings, llm)
    with _traced(settings, "ask", _engine(chosen)) as row:
        kb = existing_knowledge_base(settings, collection)
        answer = ask(kb, question, k=k, llm=chosen, history=history,
                     where=filter_where(kb, filters), mask_pii=settings.mask_pii)
        row.model, row.items = answer.engine, len(answer.citations)
        answer.trace_id = row.trace_id
    return answer


def run_ask_stream(settings: Settings, question: str, *, collection: str = DEFAULT_COLLECTION,
                   k: int = 5, llm: LLMChoice = FROM_SETTINGS,
                   history: Sequence[ChatTurn] | None = None,
                   filters: SearchFilters | None = None) -> Iterator[AnswerDelta | AnswerDone]:
    """Checks run before the first event, so a bad request fails before a stream starts."""
    _check_question(question)
    chosen = _chosen(settings, llm)
    kb = existing_knowledge_base(settings, collection)
    where = filter_where(kb, filters)
    return _traced_stream(settings, stream_answer(kb, question, k=k, llm=chosen,
                                                  history=history, where=where,
                                                  mask_pii=settings.mask_pii), chosen)


def _traced_stream(settings: Settings, events: Iterator[AnswerDelta | AnswerDone],
                   llm: LLMClient | None) -> Iterator[AnswerDelta | AnswerDone]:
    with _traced(settings, "ask", _engine(llm)) as row:
        for event in events:
            if isinstance(event, AnswerDone):
                row.model, row.items = event.answer.engine, len(event.answer.citations)
                event.answer.trace_id = row.trace_id
            yield event


def _engine(llm: LLMClient | None) -> str:
    return "llm" if llm is not None else "extractive"


def _check_question(question: str) -> None:
    if not question.strip():
        raise BadInput("The question is empty. Type a question about your documents.")
    _check_length(question, "question")


def _check_length(text: str, what: str) -> None:
    if len(text) > MAX_QUESTION_CHARS:
        raise BadInput(f"The {what} is {len(text):,} characters; the limit is "
                       f"{MAX_QUESTION_CHARS:,}. Shorten it to the question itself.")


def collection_facets(settings: Settings, collection: str) -> Facets:
    """The folders and file types a collection can be filtered by (none if it does not exist)."""
    store = open_vector_store(settings)
    if not store.has_collection(collection):
        return Facets()
    return facets(KnowledgeBase(settings, collection, store))


def list_knowledge_bases(settings: Settings) -> list[CollectionInfo]:
    return open_vector_store(settings).list_collections()


def delete_collection(settings: Settings, collection: str) -> None:
    if not delete_knowledge_base(settings, collection):
        raise NotFound(f"No knowledge base named '{collection}' to delete.")


def uploads_folder(settings: Settings, collection: str) -> Path:
    """Where uploaded files are kept, one folder per collection, inside the data dir (created
    here: `data_path` makes only the parents, and the folder is written to straight away)."""
    return settings.data_path(PRODUCT, "uploads", collection, "x").parent  # made 0700


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
    from shared.documents import check_size, upload_limit_bytes

    check_size(name, len(data), upload_limit_bytes(settings))
    folder = uploads_folder(settings, collection).resolve()
    target = (folder / safe_upload_name(name)).resolve()
    if target.parent != folder:  # belt and braces: safe_upload_name already strips paths
        raise BadInput(f"'{name}' would be saved outside the uploads folder; refused.")
    return atomic_write(target, data, settings.data_dir)  # 0600, whole or not at all


def ingest_uploads(settings: Settings, files: Sequence[tuple[str, bytes]], *,
                   collection: str = DEFAULT_COLLECTION,
                   progress: Progress | None = None,
                   control: IngestControl | None = None) -> IngestReport:
    """Save uploads, then ingest just those files (their `source` is the file name)."""
    from products.rag_search.core.ingest import ingest_paths
    from products.rag_search.core.ingest_lock import collection_lock
    from shared.documents import check_size, upload_limit_bytes

    if not files:
        raise BadInput("No files were uploaded. Choose at least one PDF, DOCX, MD, HTML or TXT.")
    KnowledgeBase(settings, collection)  # checks the name before anything is written
    for name, data in files:  # every name and size first: a bad one saves nothing at all
        safe_upload_name(name)
        check_size(name, len(data), upload_limit_bytes(settings))
    with collection_lock(settings, collection):  # saving and ingesting are one step
        previous = _previous_versions(settings, collection, files)
        saved = [save_upload(settings, collection, name, data) for name, data in files]
        report = ingest_paths(settings, saved, collection=collection, progress=progress,
                              control=control)
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
            atomic_write(path, previous[path.name])
        else:
            path.unlink(missing_ok=True)


__all__ = [
    "FROM_SETTINGS",
    "collection_facets",
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
