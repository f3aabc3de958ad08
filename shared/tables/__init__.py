"""The one table reader: CSV, TSV and XLSX files as streams of (line, cells) records.

Every product that reads a table opens it with `open_source`, so encoding and delimiter
detection, odd line ends, BOMs, blank leading lines and the size limits (`TableLimits`,
settings `AIPM_TABLE_MAX_*`) behave the same everywhere. What a product does with the records
(header roles, ragged rows) stays in the product.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from shared.tables._limits import BadTable, TableLimits, TableTooLarge
from shared.tables._text import DELIMITERS, CsvSource, Record, detect_encoding, sniff_delimiter
from shared.tables._xlsx import XlsxSource, cell_text


class RecordSource(Protocol):
    """Where records come from; `encoding`/`delimiter`/`sheet` describe it for a report."""

    encoding: str
    delimiter: str
    sheet: str | None

    def records(self) -> Iterator[Record]: ...


def open_source(path: Path, sheet: str | None = None,
                limits: TableLimits | None = None) -> RecordSource:
    """The right reader for the file's content (XLSX is a zip; anything else is text)."""
    if not path.is_file():
        raise BadTable(f"No file at {path}. Check the path (folders are not read).")
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise BadTable(f"{path.name} is empty (0 bytes): it needs a header row and at least "
                       "one row of data.", line=1)
    if head.startswith(b"PK"):
        return XlsxSource(path, sheet, limits)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadTable(f"{path.name} is an old binary Excel (.xls) file. Save it as .xlsx or "
                       "CSV and try again.", line=1)
    if head.startswith(codecs.BOM_UTF8) and len(head) == len(codecs.BOM_UTF8):
        raise BadTable(f"{path.name} holds only a byte-order mark: it needs a header row and "
                       "at least one row of data.", line=1)
    return CsvSource(path, limits)


__all__ = ["DELIMITERS", "BadTable", "CsvSource", "Record", "RecordSource", "TableLimits",
           "TableTooLarge", "XlsxSource", "cell_text", "detect_encoding", "open_source",
           "sniff_delimiter"]
