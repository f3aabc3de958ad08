"""Filters a person understands (folder, file type, modified date) as a vector-store `where`.

Ingest stores each chunk's `folder` (the source's parent path, "" at the top), `file_type`
(the extension, lower-case, no dot) and `modified` (the file's modification time, whole
seconds since the epoch; Chroma compares numbers, not dates). A folder matches itself and
its subfolders, so the filter lists the matching folders the collection actually holds.
Collections ingested before these fields existed have none of them: filtering one is an
error that says to re-index, never a silently empty result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from products.rag_search.core.knowledge_base import KnowledgeBase
from shared.errors import BadInput


class SearchFilters(BaseModel):
    """Which chunks a search or an answer may use; every field is optional."""

    folder: str | None = Field(None, description="Only files in this folder (and below), "
                                                  "e.g. \"billing\".")
    file_types: list[str] = Field(default_factory=list,
                                  description="Only these file types, e.g. [\"md\", \"pdf\"].")
    modified_after: dt.date | None = Field(None, description="Only files modified on or after "
                                                             "this date (YYYY-MM-DD).")
    modified_before: dt.date | None = Field(None, description="Only files modified on or "
                                                              "before this date (YYYY-MM-DD).")

    def is_empty(self) -> bool:
        return not (self.folder or self.file_types or self.modified_after
                    or self.modified_before)


def filter_where(kb: KnowledgeBase, filters: SearchFilters | None,
                 where: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """`filters` (and any raw `where`) as one Chroma filter; None when there is nothing."""
    clauses = [dict(where)] if where else []
    if filters is not None and not filters.is_empty():
        files = kb.files()
        _check_indexed_with_fields(files)
        clauses += _filter_clauses(filters, files)
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _filter_clauses(filters: SearchFilters, files: Mapping[str, Mapping[str, Any]]
                    ) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    if filters.folder is not None and filters.folder.strip("/ "):
        clauses.append({"folder": {"$in": matching_folders(filters.folder, files)}})
    if filters.file_types:
        types = sorted({kind.lower().lstrip(".") for kind in filters.file_types})
        clauses.append({"file_type": {"$in": types}})
    if filters.modified_after:
        clauses.append({"modified": {"$gte": _epoch(filters.modified_after)}})
    if filters.modified_before:
        end = filters.modified_before + dt.timedelta(days=1)
        clauses.append({"modified": {"$lt": _epoch(end)}})
    return clauses


def matching_folders(folder: str, files: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The collection's folders equal to `folder` or under it; none is a clear error."""
    wanted = folder.strip("/ ")
    known = sorted({str(meta.get("folder", "")) for meta in files.values()})
    found = [name for name in known if name == wanted or name.startswith(wanted + "/")]
    if not found:
        shown = ", ".join(name for name in known if name) or "(only top-level files)"
        raise BadInput(f"No indexed files in folder '{wanted}'. Folders: {shown}.")
    return found


def _check_indexed_with_fields(files: Mapping[str, Mapping[str, Any]]) -> None:
    if files and any("file_type" not in meta for meta in files.values()):
        raise BadInput("This knowledge base was indexed before folder, file type and date "
                       "filters existed. Re-index it (`aipm rag ingest PATH --reindex`) to use "
                       "filters.")


def _epoch(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp())


def parse_filters(folder: str | None = None, file_types: Sequence[str] = (),
                  modified_after: str | None = None,
                  modified_before: str | None = None) -> SearchFilters:
    """Filters from command-line strings; a date that is not YYYY-MM-DD is a clear error."""
    return SearchFilters(folder=folder, file_types=[t for kind in file_types
                                                    for t in kind.split(",") if t.strip()],
                         modified_after=_date(modified_after, "--modified-after"),
                         modified_before=_date(modified_before, "--modified-before"))


def _date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as err:
        raise BadInput(f"{option} must be a date like 2026-12-02; got '{value}'.") from err




class Facets(BaseModel):
    """What a collection can be filtered by: its folders and file types."""

    folders: list[str] = Field(default_factory=list)
    file_types: list[str] = Field(default_factory=list)


def facets(kb: KnowledgeBase) -> Facets:
    files = kb.files().values()
    return Facets(folders=sorted({str(m.get("folder", "")) for m in files} - {""}),
                  file_types=sorted({str(m["file_type"]) for m in files if "file_type" in m}))


__all__ = ["Facets", "SearchFilters", "facets", "filter_where", "matching_folders",
           "parse_filters"]
