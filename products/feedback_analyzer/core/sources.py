"""Raw records from a file: (line number, cells) from a CSV/TSV of any common encoding and
delimiter, or from an XLSX sheet. Both stream, so a million-row file never sits in memory.

Encoding: a UTF-16 or UTF-8 byte-order mark wins; otherwise the whole file is checked as UTF-8
(incrementally, ~1 GB/s), then cp1252, and latin-1 takes anything left. Delimiter: the one of
`,` `;` tab `|` that gives the most rows with the same (more than one) field count in a sample.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from products.feedback_analyzer.core.models import BadTable

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
_CHUNK = 1 << 20
csv.field_size_limit(16 * 1024 * 1024)

Record = tuple[int, list[str]]


class RecordSource(Protocol):
    """Where records come from; `encoding`/`delimiter`/`sheet` describe it for the report."""

    encoding: str
    delimiter: str
    sheet: str | None

    def records(self) -> Iterator[Record]: ...


def open_source(path: Path, sheet: str | None = None) -> RecordSource:
    """The right reader for the file's content (XLSX is a zip; anything else is text)."""
    if not path.is_file():
        raise BadTable(f"No file at {path}. Check the path (folders are not read).")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK"):
        return XlsxSource(path, sheet)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadTable(f"{path.name} is an old binary Excel (.xls) file. Save it as .xlsx or "
                       "CSV and try again.", line=1)
    return CsvSource(path)


def detect_encoding(path: Path) -> str:
    """utf-16 / utf-8-sig by BOM, else the first of utf-8, cp1252 that decodes every byte."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "cp1252"):
        if _decodes(path, encoding):
            return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else encoding
    return "latin-1"


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff_delimiter(sample: str) -> str:
    """The delimiter whose parse of the sample has the most rows at its (>1) modal width."""
    best, best_score = ",", 0.0
    lines = sample[: sample.rfind("\n") + 1] or sample
    for delimiter in DELIMITERS:
        widths = [len(row) for row in csv.reader(io.StringIO(lines), delimiter=delimiter) if row]
        if not widths:
            continue
        width, hits = Counter(widths).most_common(1)[0]
        score = hits / len(widths) if width > 1 else 0.0
        if score > best_score:
            best, best_score = delimiter, score
    return best


class CsvSource:
    """Records of a delimited text file, streamed with the csv module (quoted newlines work)."""

    sheet: str | None = None

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as handle:
            raw = handle.read(SAMPLE_BYTES)
        if b"\x00" in raw and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise BadTable(f"{path.name} looks like a binary file, not CSV, TSV or XLSX.", line=1)
        self.encoding = detect_encoding(path)
        with path.open(encoding=self.encoding, newline="") as handle:
            self.delimiter = sniff_delimiter(handle.read(SAMPLE_BYTES))

    def records(self) -> Iterator[Record]:
        """(line where the record starts, cells); malformed quoting stops with its line."""
        with self.path.open(encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter, strict=True)
            start = 1
            try:
                for cells in reader:
                    yield start, cells
                    start = reader.line_num + 1
            except csv.Error as err:
                raise BadTable(f"{self.path.name} is not valid CSV here ({err}). Check the quotes "
                               "on this line: a field that starts with \" must end with \".",
                               line=start) from err


class XlsxSource:
    """Rows of one worksheet (the first unless named), streamed in openpyxl's read-only mode."""

    encoding = "xlsx"
    delimiter = ""

    def __init__(self, path: Path, sheet: str | None) -> None:
        self.path = path
        self.sheet = sheet
        self._book()  # fail early on a broken file or an unknown sheet

    def _book(self):
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as err:
            raise BadTable(f"{self.path.name} is not a readable XLSX workbook ({err}).") from err
        names = book.sheetnames
        self.sheet_names = list(names)
        if self.sheet is not None and self.sheet not in names:
            book.close()
            raise BadTable(f"No sheet named '{self.sheet}' in {self.path.name}. Sheets: "
                           f"{', '.join(names)}.")
        self.sheet = self.sheet or names[0]
        return book

    def records(self) -> Iterator[Record]:
        book = self._book()
        try:
            rows = book[self.sheet].iter_rows(values_only=True)
            for number, values in enumerate(rows, start=1):
                yield number, [cell_text(value) for value in values]
        finally:
            book.close()


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold (4.0 -> "4", dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


__all__ = ["DELIMITERS", "CsvSource", "RecordSource", "XlsxSource", "cell_text",
           "detect_encoding", "open_source", "sniff_delimiter"]
