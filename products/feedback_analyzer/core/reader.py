"""A feedback file as a stream of `FeedbackRow`s, with the columns' roles detected once.

Ragged rows are never fatal: a short row is padded, a long one keeps its extra cells joined
onto the last column, and both are flagged and reported with their line number. Blank lines are
not rows. Empty and non-text rows are flagged here; duplicates are flagged by the pipeline,
which sees the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from products.feedback_analyzer.core.columns import (
    SAMPLE_ROWS,
    detect_date_column,
    detect_effort_column,
    detect_group_column,
    detect_id_column,
    detect_stars_column,
    detect_text_column,
    parse_date,
    resolve_column,
    stars_from,
)
from products.feedback_analyzer.core.models import BadTable, FeedbackRow, TableInfo
from shared.tables import Record, RecordSource, TableLimits, open_source

MAX_PROBLEMS = 20
_LETTER = re.compile(r"[^\W\d_]")  # any letter, in any script


class FeedbackTable:
    """An opened file: `info` says what is where; `rows()` streams it (re-readable)."""

    def __init__(self, source: RecordSource, info: TableInfo) -> None:
        self.source = source
        self.info = info
        self.problem_count = 0
        self._index = {name: i for i, name in enumerate(info.columns)}

    def rows(self) -> Iterator[FeedbackRow]:
        """Every data row in file order; ragged rows are flagged and reported, not dropped."""
        self.problem_count = 0
        self.info.problems.clear()
        records = self.source.records()
        next(records, None)  # the header
        number = 0
        for line, cells in records:
            if not "".join(cells).strip():  # blank lines (no generator per row)
                continue
            number += 1
            yield self._row(number, line, cells)

    def texts(self, limit: int) -> list[str]:
        """The first `limit` texts, read without building rows (for the taxonomy proposal)."""
        index = self._index[self.info.text_column]
        records = islice(self.source.records(), 1, limit + 1)
        return [cells[index] for _, cells in records if index < len(cells)]

    def sample(self, count: int = 5) -> list[FeedbackRow]:
        """The first rows, for a preview."""
        return list(islice(self.rows(), count))

    def _row(self, number: int, line: int, cells: list[str]) -> FeedbackRow:
        cells, ragged = self._fit(line, cells)
        info, index = self.info, self._index
        text = cells[index[info.text_column]]
        row_id = cells[index[info.id_column]].strip() if info.id_column else ""
        # No stars or date column: None without calling the parsers (they give None for "").
        stars, when = info.stars_column, info.date_column
        return FeedbackRow(
            row_id=row_id or str(number), line=line, text=text, values=cells,
            stars=stars_from(cells[index[stars]], info.stars_scale) if stars else None,
            date=parse_date(cells[index[when]]) if when else None,
            flag=text_flag(text) or ("ragged" if ragged else ""))

    def _fit(self, line: int, cells: list[str]) -> tuple[list[str], bool]:
        width = len(self.info.columns)
        if len(cells) == width:
            return cells, False
        self._report(f"line {line}: {len(cells)} fields, expected {width}"
                     + (" (padded)" if len(cells) < width else " (extra fields kept in the "
                        f"last column '{self.info.columns[-1]}')"))
        if len(cells) < width:
            return cells + [""] * (width - len(cells)), True
        joiner = self.info.delimiter or " "
        return [*cells[:width - 1], joiner.join(cells[width - 1:])], True

    def _report(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.info.problems) < MAX_PROBLEMS:
            self.info.problems.append(problem)


def text_flag(text: str) -> str:
    """`empty` for a blank cell, `non_text` for a cell with no letters ("5", "???", "—")."""
    if not text.strip():
        return "empty"
    return "" if _LETTER.search(text) else "non_text"


def column_names(header: list[str]) -> list[str]:
    """Header cells stripped; blanks named column_N and repeats suffixed, so each is unique."""
    names: list[str] = []
    taken: set[str] = set()
    next_suffix: dict[str, int] = {}  # a set and a counter: 1,000 equal names took minutes
    for i, cell in enumerate(header):
        name = cell.strip().lstrip("\ufeff") or f"column_{i + 1}"
        base, k = name, next_suffix.get(name, 2)
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        next_suffix[base] = k
        names.append(name)
        taken.add(name)
    return names


def open_table(path: str | Path, *, text_column: str | None = None, sheet: str | None = None,
               limits: TableLimits | None = None, by: str | None = None) -> FeedbackTable:
    """Open a CSV/TSV/XLSX file and detect its columns; BadTable says what is wrong and where,
    TableTooLarge which limit (`AIPM_TABLE_MAX_*`) the file is over, before any other work."""
    source = open_source(Path(path), sheet, limits)
    records = source.records()
    header = next(records, None)
    if header is None:
        raise BadTable(f"{Path(path).name} is empty: it needs a header row and at least one "
                       "row of feedback.", line=1)
    columns = column_names(header[1])
    try:
        sample = _sample(records, len(columns))
    except BadTable as err:
        names = getattr(source, "sheet_names", None)
        if names and len(names) > 1:
            raise BadTable(f"Sheet '{source.sheet}' has no rows of feedback under its header. "
                           f"Pick the sheet with --sheet (sheets: {', '.join(names)}).",
                           line=2) from err
        raise
    return FeedbackTable(source, _info(columns, sample, source, text_column, by))


def _sample(records: Iterator[Record], width: int) -> list[list[str]]:
    rows = []
    for _, cells in islice(records, SAMPLE_ROWS):
        if any(cell.strip() for cell in cells):
            rows.append((cells + [""] * width)[:width])
    if not rows:
        raise BadTable("The file has a header but no rows of feedback under it.", line=2)
    return rows


def _info(columns: list[str], sample: list[list[str]], source: RecordSource,
          text_column: str | None, by: str | None = None) -> TableInfo:
    """Column roles; `by` (the user's `--by`) names the column to split results by."""
    text = (resolve_column(columns, text_column) if text_column
            else detect_text_column(columns, sample))
    others = [c for c in columns if c != text]
    other_sample = [[row[columns.index(c)] for c in others] for row in sample]
    stars, scale = detect_stars_column(others, other_sample)
    return TableInfo(columns=columns, text_column=text,
                     id_column=detect_id_column(others, other_sample),
                     date_column=detect_date_column(others, other_sample),
                     stars_column=stars, stars_scale=scale,
                     group_column=(resolve_column(columns, by) if by
                                   else detect_group_column(others, other_sample)),
                     effort_column=detect_effort_column(others, other_sample),
                     encoding=source.encoding,
                     delimiter=source.delimiter, sheet=source.sheet)


__all__ = ["FeedbackTable", "column_names", "open_table", "text_flag"]
