"""Ingest files and folders into a knowledge base: idempotent, change-aware, never all-or-nothing.

Each file's chunks carry the SHA-256 of the file's bytes. Re-ingesting an unchanged file is a
hash comparison and nothing more; a changed file has its old chunks removed and its new ones
added; `sync` also removes the chunks of files that vanished from an ingested folder. A file
that cannot be read is skipped with the reason, and the rest carry on.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from products.rag_search.core.chunking import chunk_document
from products.rag_search.core.ingest_lock import collection_lock
from products.rag_search.core.knowledge_base import KnowledgeBase, delete_knowledge_base
from products.rag_search.core.models import DEFAULT_COLLECTION, IngestReport, SkippedFile
from shared.config import Settings
from shared.documents import (
    Document,
    check_size,
    load_budget,
    load_bytes,
    upload_limit_bytes,
)
from shared.errors import BadInput
from shared.progress import WorkControl
from shared.vectorstore import Chunk, MetadataValue, check_collection_name

Progress = Callable[[int, int, str], None]  # (files done, files in total, current source)


class IngestControl(WorkControl):
    """One ingest's live counters (files done of total, chunks added, the current file), read
    from another thread (the hub page, the CLI's bar), and the flag that stops it between two
    files. A stopped ingest keeps every file it finished and rebuilds the BM25 index for them,
    so nothing done is lost; running the same ingest again skips those files (unchanged) and
    does the rest."""

    def __init__(self) -> None:
        super().__init__(unit="files")
        self.chunks_added = 0
        self.current = ""

    def _advance(self, file: str, report: IngestReport) -> None:
        self.current = file
        self.chunks_added = report.chunks_added
        self.advance(self.done + 1)


@dataclass(frozen=True)
class SourceFile:
    """A file to ingest: where it is, and the folder its `source` path is relative to."""

    path: Path
    root: Path

    @property
    def source(self) -> str:
        return self.path.relative_to(self.root).as_posix()


def ingest_paths(settings: Settings, paths: Sequence[str | Path], *,
                 collection: str = DEFAULT_COLLECTION, sync: bool = False, reindex: bool = False,
                 progress: Progress | None = None,
                 control: IngestControl | None = None) -> IngestReport:
    """Index every supported file under `paths` (files or folders, recursively), holding the
    collection's ingest lock so a second ingest waits or is told one is running; `control`
    shows the counters to another thread and can stop the run between files."""
    check_collection_name(collection)  # before it names a lock file; nothing else is touched
    with collection_lock(settings, collection):
        return _ingest_paths(settings, paths, collection=collection, sync=sync,
                             reindex=reindex, progress=progress, control=control)


def _ingest_paths(settings: Settings, paths: Sequence[str | Path], *, collection: str,
                  sync: bool, reindex: bool, progress: Progress | None,
                  control: IngestControl | None) -> IngestReport:
    started = time.perf_counter()
    files = find_files(paths)
    if control is not None:
        control.total = len(files)
    if reindex:
        delete_knowledge_base(settings, collection)
    kb = KnowledgeBase(settings, collection)
    report = IngestReport(collection=collection, files_seen=len(files))
    known = kb.files()
    for done, file in enumerate(files, start=1):
        if control is not None and control.cancelled:
            report.cancelled = True
            break
        _ingest_file(kb, file, known, report, upload_limit_bytes(settings))
        if control is not None:
            control._advance(file.source, report)
        if progress is not None:
            progress(done, len(files), file.source)
    if sync and not report.cancelled:  # files not reached yet have not vanished
        report.chunks_removed += _remove_vanished(kb, files, known, paths)
    if not known and kb.count() == 0:  # nothing indexed into a new collection: leave none
        delete_knowledge_base(settings, collection, kb.store)
    else:
        _refresh_lexical(kb, report)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def find_files(paths: Sequence[str | Path]) -> list[SourceFile]:
    """Every non-hidden file under each path, sorted; a path that does not exist is an error."""
    if not paths:
        raise BadInput("Give at least one file or folder to ingest.")
    files: list[SourceFile] = []
    for given in paths:
        path = Path(given).expanduser().resolve()
        if path.is_file():
            files.append(SourceFile(path, path.parent))
        elif path.is_dir():
            found_here = [SourceFile(found, path) for found in _files_in(path)]
            if not found_here:
                raise BadInput(f"{given} is an empty folder (no files to ingest, hidden ones "
                               "aside). Give a folder with PDF, DOCX, MD, HTML or TXT files, "
                               "e.g. products/rag_search/data.")
            files.extend(found_here)
        else:
            raise BadInput(f"{given} does not exist. Check the path and try again.")
    return files


def _files_in(folder: Path) -> list[Path]:
    return sorted(
        found for found in folder.rglob("*")
        if found.is_file() and not any(part.startswith(".")
                                       for part in found.relative_to(folder).parts)
    )


def _ingest_file(kb: KnowledgeBase, file: SourceFile, known: dict[str, dict[str, MetadataValue]],
                 report: IngestReport, max_bytes: int) -> None:
    try:
        data = _read(file.path, max_bytes, file.source)
        file_sha = hashlib.sha256(data).hexdigest()
        if known.get(file.source, {}).get("file_sha") == file_sha:
            report.files_unchanged += 1
            return
        document = load_bytes(file.source, data, max_bytes=max_bytes,
                              budget=load_budget(kb.settings))
    except BadInput as error:
        report.files_skipped.append(SkippedFile(path=file.source, error=error.message))
        return
    if file.source in known:
        report.chunks_removed += kb.remove_source(file.source)
    report.chunks_added += kb.add(build_chunks(document, file, file_sha))
    report.files_indexed += 1


def _read(path: Path, max_bytes: int, source: str) -> bytes:
    """The file's bytes; the size limit is checked first so a huge file is never read."""
    try:
        check_size(source, path.stat().st_size, max_bytes)
        return path.read_bytes()
    except OSError as error:
        raise BadInput(f"{source} could not be read ({error.strerror}). Check its permissions.") \
            from error


def build_chunks(document: Document, file: SourceFile, file_sha: str) -> list[Chunk]:
    """The document's chunks with the metadata search results and citations show."""
    return [
        Chunk(text=draft.text, metadata=_metadata(document, file, file_sha, draft.index,
                                                  " > ".join(draft.heading_path), draft.page))
        for draft in chunk_document(document)
    ]


def _metadata(document: Document, file: SourceFile, file_sha: str, index: int, heading: str,
              page: int | None) -> dict[str, MetadataValue]:
    metadata: dict[str, MetadataValue] = {
        "source": file.source, "root": str(file.root), "title": document.title,
        "heading": heading, "chunk_index": index, "file_sha": file_sha,
        "format": document.format, **_file_facts(file),
    }
    if page is not None:
        metadata["page"] = page
    return metadata


def _file_facts(file: SourceFile) -> dict[str, MetadataValue]:
    """What the folder, file-type and date filters match on (core.filters)."""
    parent = PurePosixPath(file.source).parent.as_posix()
    return {"folder": "" if parent == "." else parent,
            "file_type": file.path.suffix.lower().lstrip("."),
            "modified": int(file.path.stat().st_mtime)}


def _remove_vanished(kb: KnowledgeBase, files: Iterable[SourceFile],
                     known: dict[str, dict[str, MetadataValue]],
                     paths: Sequence[str | Path]) -> int:
    """Chunks of files that were ingested from one of these folders and are no longer there."""
    folders = [Path(path).expanduser().resolve() for path in paths]
    roots = {str(folder) for folder in folders if folder.is_dir()}
    seen = {file.source for file in files}
    vanished = [source for source, meta in known.items()
                if meta.get("root") in roots and source not in seen]
    return sum(kb.remove_source(source) for source in vanished)


def _refresh_lexical(kb: KnowledgeBase, report: IngestReport) -> None:
    """Rebuild BM25 once after all changes (not per file); otherwise just make sure it exists."""
    if report.chunks_added or report.chunks_removed:
        kb.rebuild_lexical()
    else:
        kb.lexical()


__all__ = ["IngestControl", "Progress", "SourceFile", "build_chunks", "find_files", "ingest_paths"]
