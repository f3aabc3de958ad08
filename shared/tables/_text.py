"""Delimited text (CSV, TSV, `;` or `|`) of any common encoding, streamed record by record.

Encoding: a UTF-16 or UTF-8 byte-order mark wins; BOM-less UTF-16 is told by its zero bytes;
otherwise the whole file is checked as UTF-8 (incrementally, ~1 GB/s), then cp1252, and latin-1
takes anything left. Delimiter: the one of `,` `;` tab `|` that gives the most rows with the
same (more than one) field count in a sample.

Line ends may be `\\n`, `\\r\\n` or old-Mac `\\r`, also inside quoted cells: the file and the
sample are both read with `newline=""`, which hands the csv module every kind of line end
untranslated. Blank lines before the header are skipped.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from shared.tables._limits import BadTable, TableLimits

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
_CHUNK = 1 << 20
csv.field_size_limit(64 * 1024 * 1024)  # cells are bounded by TableLimits, not by csv

Record = tuple[int, list[str]]


def detect_encoding(path: Path) -> str:
    """utf-16 / utf-8-sig by BOM or zero bytes, else the first of utf-8, cp1252 that decodes."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bomless = _bomless_utf16(head)
    if bomless:
        return bomless
    for encoding in ("utf-8", "cp1252"):
        if _decodes(path, encoding):
            return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else encoding
    return "latin-1"


def _bomless_utf16(head: bytes) -> str | None:
    """utf-16-le / -be when nearly every other byte is zero (mostly-ASCII text in UTF-16)."""
    half = len(head) // 2
    if half < 2:
        return None
    if head[1::2].count(0) > 0.9 * half and head[0::2].count(0) < 0.1 * half:
        return "utf-16-le"
    if head[0::2].count(0) > 0.9 * half and head[1::2].count(0) < 0.1 * half:
        return "utf-16-be"
    return None


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
    """The delimiter whose parse of the sample has the most rows at its (>1) modal width.

    The sample is cut at its last line end of any kind (`\\n` or `\\r`); a delimiter whose
    parse of it fails (a quote the cut left open) simply scores nothing.
    """
    best, best_score = ",", 0.0
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    lines = sample[: cut + 1] if cut > 0 else sample
    for delimiter in DELIMITERS:
        score = _score(lines, delimiter)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _score(lines: str, delimiter: str) -> float:
    try:
        widths = [len(row) for row in csv.reader(io.StringIO(lines, newline=""),
                                                 delimiter=delimiter) if any(row)]
    except csv.Error:
        return 0.0
    if not widths:
        return 0.0
    width, hits = Counter(widths).most_common(1)[0]
    return hits / len(widths) if width > 1 else 0.0


def _line_breaks(path: Path, block: int = 1 << 20) -> int:
    """Line breaks in the file (LF, or CR for old-Mac files), read in 1 MB blocks."""
    newlines = returns = 0
    with path.open("rb") as handle:
        while data := handle.read(block):
            newlines += data.count(b"\n")
            returns += data.count(b"\r")
    return newlines or returns


class CsvSource:
    """Records of a delimited text file, streamed with the csv module (quoted newlines work)."""

    sheet: str | None = None

    def __init__(self, path: Path, limits: TableLimits | None = None) -> None:
        self.path = path
        self.limits = limits or TableLimits()
        with path.open("rb") as handle:
            raw = handle.read(SAMPLE_BYTES)
        self.encoding = detect_encoding(path)
        if b"\x00" in raw and not self.encoding.startswith("utf-16"):
            raise BadTable(f"{path.name} looks like a binary file, not CSV, TSV or XLSX.", line=1)
        try:
            with path.open(encoding=self.encoding, newline="") as handle:
                sample = handle.read(SAMPLE_BYTES)
        except UnicodeError as err:  # a UTF-16 file cut in the middle of a character
            raise BadTable(f"{path.name} is not readable as {self.encoding} text ({err}).") from err
        self.delimiter = sniff_delimiter(sample)
        self._check_header(sample)
        self._check_row_count()

    def _check_row_count(self) -> None:
        """Refuse a too-long file before any job starts: a byte scan counts line breaks (an
        upper bound on records); only a file over the limit by that count is counted exactly
        with the csv module, since quoted cells may hold line breaks."""
        if _line_breaks(self.path) <= self.limits.max_rows:
            return
        with self.path.open(encoding=self.encoding, newline="") as handle:
            try:
                records = sum(1 for cells in csv.reader(handle, delimiter=self.delimiter)
                              if cells)
            except (csv.Error, UnicodeError):
                return  # records() reports the damage with its line
        self.limits.check_rows(self.path.name, records - 1)

    def _check_header(self, sample: str) -> None:
        """Refuse a too-wide file on its first line, before any other work."""
        rows = csv.reader(io.StringIO(sample, newline=""), delimiter=self.delimiter)
        try:
            first = next((row for row in rows if any(row)), [])
        except csv.Error:
            return  # records() reports bad quoting with its line
        self.limits.check_columns(self.path.name, len(first), line=rows.line_num)

    def records(self) -> Iterator[Record]:
        """(line where the record starts, cells), blank lines before the header left out;
        malformed quoting and over-limit records stop with their line."""
        name, limits = self.path.name, self.limits
        with self.path.open(encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter, strict=True)
            start, count = 1, 0
            try:
                for cells in reader:
                    if count or any(cells):
                        count += 1
                        limits.check_cells(name, cells, start)
                        limits.check_rows(name, count - 1)
                        yield start, cells
                    start = reader.line_num + 1
            except csv.Error as err:
                raise BadTable(f"{name} is not valid CSV here ({err}). Check the quotes on this "
                               "line: a field that starts with \" must end with \".",
                               line=start) from err
            except UnicodeError as err:
                raise BadTable(f"{name} is not readable as {self.encoding} text here ({err}).",
                               line=start) from err


__all__ = ["DELIMITERS", "SAMPLE_BYTES", "CsvSource", "Record", "detect_encoding",
           "sniff_delimiter"]
