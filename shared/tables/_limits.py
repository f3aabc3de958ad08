"""How big a table the kit agrees to read, and the two errors a table can end in.

The limits are checked before the work they guard: the column count on the header (a 2.4 MB
CSV of 10,000 columns cost 145 s of column detection before this check), the sheet's declared
size for XLSX, and the cell size and row count as each record streams by, so a file is refused
in the time it takes to read its first line, not after an hour of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shared.errors import BadInput, TooLarge


class BadTable(BadInput):
    """A file that cannot be read as a table; the message names the problem and the line."""

    http_status = 422

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"Line {line}: {message}")
        self.line = line


class TableTooLarge(TooLarge):
    """A table over one of the limits below; the message names the limit and its setting."""

    code = "table_too_large"


class _TableSettings(Protocol):
    table_max_columns: int
    table_max_rows: int
    table_max_cell_chars: int


@dataclass(frozen=True, slots=True)
class TableLimits:
    """Columns, rows and characters per cell one table may have (defaults: the settings')."""

    max_columns: int = 1_000
    max_rows: int = 2_000_000
    max_cell_chars: int = 1_000_000

    @classmethod
    def from_settings(cls, settings: _TableSettings) -> TableLimits:
        return cls(max_columns=settings.table_max_columns, max_rows=settings.table_max_rows,
                   max_cell_chars=settings.table_max_cell_chars)

    def check_columns(self, name: str, columns: int, line: int) -> None:
        if columns > self.max_columns:
            raise TableTooLarge(
                f"Line {line}: {name} has {columns:,} columns, over the "
                f"{self.max_columns:,}-column limit. Remove the columns you do not need, or "
                "raise AIPM_TABLE_MAX_COLUMNS.")

    def check_rows(self, name: str, rows: int) -> None:
        if rows > self.max_rows:
            raise TableTooLarge(
                f"{name} has more than {self.max_rows:,} rows, over the row limit. Split it into "
                "smaller files, or raise AIPM_TABLE_MAX_ROWS.")

    def check_cells(self, name: str, cells: list[str], line: int) -> None:
        """Columns and the longest cell of one record."""
        self.check_columns(name, len(cells), line)
        longest = max(map(len, cells), default=0)
        if longest > self.max_cell_chars:
            raise TableTooLarge(
                f"Line {line}: {name} has a cell of {longest:,} characters, over the "
                f"{self.max_cell_chars:,}-character limit. Shorten it, or raise "
                "AIPM_TABLE_MAX_CELL_CHARS.")


__all__ = ["BadTable", "TableLimits", "TableTooLarge"]
