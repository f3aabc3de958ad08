"""Raw records from a file: the kit's one table reader (`shared.tables`), named here for the
product's modules and tests that import it from its old home."""

from __future__ import annotations

from shared.tables import (
    DELIMITERS,
    CsvSource,
    Record,
    RecordSource,
    XlsxSource,
    cell_text,
    detect_encoding,
    open_source,
    sniff_delimiter,
)

__all__ = ["DELIMITERS", "CsvSource", "Record", "RecordSource", "XlsxSource", "cell_text",
           "detect_encoding", "open_source", "sniff_delimiter"]
