"""The one CSV writer for every CSV the kit emits, safe to open in Excel, Sheets or LibreOffice.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
spreadsheet apps (CSV injection: `=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). OWASP's rule is to
prefix such a cell with a single quote and quote it; the apps then show it as text. A plain
number (`-0.4210`, `+44`) is left alone: it is data a person wants to sort and sum, and no app
runs it.

Everything else is what `csv.writer` writes (QUOTE_MINIMAL, `\\r\\n` line ends), so files that
held no formula cells are byte-identical to the csv module's output.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from itertools import chain
from operator import methodcaller
from typing import TextIO

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_MAY_BE_FORMULA = methodcaller("startswith", FORMULA_PREFIXES)


def neutralise(cell: str) -> str:
    """`cell` with a leading `'` when a spreadsheet would run it as a formula."""
    if cell.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def is_formula(cell: str) -> bool:
    """True when a spreadsheet app would treat `cell` as a formula (a test's read-back check)."""
    return neutralise(cell) != cell


class SafeCsvWriter:
    """`csv.writer`'s interface (`writerow`, `writerows`) with formula cells neutralised."""

    def __init__(self, handle: TextIO, delimiter: str = ",", lineterminator: str = "\r\n") -> None:
        self._handle = handle
        self._delimiter = delimiter
        self._end = lineterminator
        self._specials = (delimiter, '"', "\r", "\n")
        # The C writer quotes exactly the cells `_field` quotes (delimiter, quote, CR, LF) when
        # the line end is CR LF; a row with no formula cell (a signed number is none) goes
        # through it in one call.
        self._plain = (csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator)
                       if lineterminator == "\r\n" else None)

    def writerow(self, cells: Iterable[object]) -> None:
        """One record; None is written as an empty cell, like csv.writer does."""
        texts = ["" if cell is None else str(cell) for cell in cells]
        if self._plain is not None and all(map(_PLAIN_NUMBER.fullmatch,
                                               filter(_MAY_BE_FORMULA, texts))):
            self._plain.writerow(texts)
            return
        if texts == [""]:
            self._handle.write('""' + self._end)  # a lone empty cell, as csv.writer keeps it
            return
        self._handle.write(self._delimiter.join(self._field(t) for t in texts) + self._end)

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)

    def write_texts(self, rows: Sequence[Sequence[str]]) -> None:
        """Rows whose cells are all `str` (a chunk of output lines): one C-writer call for the
        chunk when no cell is a formula, else row by row (the same bytes as `writerow`)."""
        cells = chain.from_iterable(rows)
        if self._plain is not None and all(map(_PLAIN_NUMBER.fullmatch,
                                               filter(_MAY_BE_FORMULA, cells))):
            self._plain.writerows(rows)
            return
        for row in rows:
            self.writerow(row)

    def _field(self, text: str) -> str:
        safe = neutralise(text)
        if safe != text or any(special in safe for special in self._specials):
            return '"' + safe.replace('"', '""') + '"'
        return safe


__all__ = ["FORMULA_PREFIXES", "SafeCsvWriter", "is_formula", "neutralise"]
