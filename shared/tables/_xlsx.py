"""Rows of one XLSX worksheet (the first unless named), streamed in openpyxl's read-only mode.

The sheet's declared size (its `<dimension>` element) is checked against the limits before a
row is read. A cell openpyxl cannot convert (a forged date, an unknown type) stops the read
with a `BadTable` naming the row, never an exception a background job would die of.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

from shared.tables._limits import BadTable, TableLimits
from shared.tables._text import Record

# What openpyxl raises on a damaged or forged workbook while it reads rows (including its
# error for workbook features it does not support: caught here, never raised).
DAMAGED_XLSX_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, AttributeError, OSError,
    EOFError, OverflowError, NotImplementedError, SyntaxError,  # lxml/ElementTree parse errors
)


class XlsxSource:
    """Rows of one worksheet; `sheet_names` lists them all for a helpful error."""

    encoding = "xlsx"
    delimiter = ""

    def __init__(self, path: Path, sheet: str | None, limits: TableLimits | None = None) -> None:
        self.path = path
        self.sheet = sheet
        self.limits = limits or TableLimits()
        book = self._book()  # fail early on a broken file, an unknown sheet or a huge sheet
        try:
            self._check_dimensions(book[self.sheet])
        finally:
            book.close()

    def _book(self):
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except (InvalidFileException, *DAMAGED_XLSX_ERRORS) as err:
            raise BadTable(f"{self.path.name} is not a readable XLSX workbook "
                           f"({type(err).__name__}: {str(err)[:120]}).") from err
        names = book.sheetnames
        self.sheet_names = list(names)
        if self.sheet is not None and self.sheet not in names:
            book.close()
            raise BadTable(f"No sheet named '{self.sheet}' in {self.path.name}. Sheets: "
                           f"{', '.join(names)}.")
        self.sheet = self.sheet or names[0]
        return book

    def _check_dimensions(self, sheet) -> None:
        try:
            columns, rows = sheet.max_column, sheet.max_row
        except DAMAGED_XLSX_ERRORS:
            return  # no usable <dimension>: the per-row checks still apply
        if columns:
            self.limits.check_columns(self.path.name, columns, line=1)
        if rows:
            self.limits.check_rows(self.path.name, rows - 1)

    def records(self) -> Iterator[Record]:
        book = self._book()
        number = 0
        try:
            rows = book[self.sheet].iter_rows(values_only=True)
            for number, values in enumerate(rows, start=1):
                cells = [cell_text(value) for value in values]
                self.limits.check_cells(self.path.name, cells, number)
                self.limits.check_rows(self.path.name, number - 1)
                yield number, cells
        except DAMAGED_XLSX_ERRORS as err:
            raise BadTable(f"{self.path.name}, sheet '{self.sheet}': a cell could not be read "
                           f"({type(err).__name__}: {str(err)[:120]}). Re-save the workbook in "
                           "Excel, or export the sheet as CSV.", line=number + 1) from err
        finally:
            book.close()


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold (4.0 -> "4", dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, time | timedelta):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


__all__ = ["XlsxSource", "cell_text"]
