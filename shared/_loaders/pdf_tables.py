"""A PDF page's tables as `a | b | c` rows, like the HTML and DOCX loaders give.

pypdf's plain extraction glues a row's cells with single spaces ("Zendesk Customer support
tickets EU") or, when a cell wraps, prints each cell on lines of its own; either way the cell
boundaries are lost. Its layout mode projects text onto a fixed character grid, where a long
cell runs into the next one ("invoicing8 business hours"). So this reads what layout mode is
built from: each line's text runs (one per BT…ET block, with the x where it starts and ends).

A table is two or more consecutive lines of at least two runs whose left edges line up under
the first line's columns. A line holding only runs under later columns is a cell that wrapped.
It joins the row below when that row has nothing in its column, or goes on there in lower case
(fpdf2 and others centre short cells in a tall row, so the row's label sits below the cell's
first line); otherwise it joins the row above. A tall cell above a row whose own cell in that
column is empty would be put in the wrong row: the positions cannot tell the two apart.

A page with no table keeps pypdf's plain text byte for byte; a page with one is rebuilt line
by line, prose runs joined by spaces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CELL_SEPARATOR = " | "
TOUCHING_EM = 0.1  # runs closer than this (in font heights) are one piece of text
ALIGN_EM = 0.5  # how far two cells' left edges may differ and still be one column


@dataclass
class Run:
    """Text drawn in one go on one line: where it starts and ends, in points."""

    start: float
    end: float
    text: str
    em: float
    spaced: bool = False  # the raw text ended with a space: a run touching it is a new word


@dataclass
class _Table:
    columns: list[float]
    em: float
    rows: list[list[str]] = field(default_factory=list)
    carried: dict[int, str] = field(default_factory=dict)  # wrapped text for the next row

    def columns_of(self, runs: list[Run]) -> list[int] | None:
        found = [next((i for i, col in enumerate(self.columns)
                       if abs(col - run.start) <= ALIGN_EM * self.em), None) for run in runs]
        return None if None in found else [i for i in found if i is not None]

    def add_row(self, runs: list[Run]) -> bool:
        columns = self.columns_of(runs)
        if columns is None or len(runs) < 2:
            return False
        row = [""] * len(self.columns)
        for index, run in zip(columns, runs, strict=True):
            row[index] = run.text
        for index, text in self.carried.items():  # wrapped text above this row's own lines
            row[index] = f"{text} {row[index]}".strip()
        self.carried.clear()
        self.rows.append(row)
        return True

    def add_wrapped(self, runs: list[Run], below: list[Run]) -> bool:
        """Runs under later columns only: text that wrapped inside a row's cells."""
        columns = self.columns_of(runs)
        if not self.rows or columns is None or 0 in columns:
            return False
        below_columns = self.columns_of(below) or []
        below_text = dict(zip(below_columns, [run.text for run in below], strict=False))
        opens_row = 0 in below_columns and len(below) >= 2
        for index, run in zip(columns, runs, strict=True):
            if opens_row and (index not in below_text or below_text[index][:1].islower()):
                self.carried[index] = run.text
            else:
                self.rows[-1][index] = f"{self.rows[-1][index]} {run.text}".strip()
        return True

    def lines(self) -> list[str]:
        for index, text in self.carried.items():  # no row came below it: it was the last one's
            self.rows[-1][index] = f"{self.rows[-1][index]} {text}".strip()
        self.carried.clear()
        return [CELL_SEPARATOR.join(cell for cell in row if cell) for row in self.rows]


def page_lines(page: Any) -> list[list[Run]]:
    """The page's lines, top to bottom, each as its text runs left to right (pypdf's layout
    mode internals: `text_show_operations` and `y_coordinate_groups`)."""
    from pypdf._text_extraction import _layout_mode
    from pypdf.generic import ArrayObject, ContentStream, StreamObject

    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if not isinstance(contents, ArrayObject | StreamObject):
        return []
    operations = iter(ContentStream(contents, page.pdf, "bytes").operations)
    groups = _layout_mode.text_show_operations(operations, page._layout_mode_fonts(), True,
                                               None)
    if not groups:
        return []
    return [_runs(line) for line in _layout_mode.y_coordinate_groups(groups).values()]


def _runs(groups: list[Any]) -> list[Run]:
    runs: list[Run] = []
    for group in groups:
        raw, em = group["text"], max(group["font_height"], 1.0)
        text = " ".join(raw.split())
        if not text:
            continue
        if runs and abs(group["tx"] - runs[-1].end) < TOUCHING_EM * em:  # one text, restyled
            runs[-1].text += (" " if raw[:1].isspace() or runs[-1].spaced else "") + text
            runs[-1].end, runs[-1].spaced = group["displaced_tx"], raw[-1:].isspace()
        else:
            runs.append(Run(group["tx"], group["displaced_tx"], text, em, raw[-1:].isspace()))
    return runs


def tabulated(lines: list[list[Run]]) -> str | None:
    """The page as text with its tables as rows, or None when it has no table."""
    out: list[str] = []
    found = False
    index = 0
    while index < len(lines):
        table, used = _table_at(lines, index)
        if table is not None:
            out += table.lines()
            found, index = True, index + used
            continue
        out.append(_prose(lines[index]))
        index += 1
    return "\n".join(line for line in out if line) if found else None


def _prose(runs: list[Run]) -> str:
    return " ".join(run.text for run in runs)


def _table_at(lines: list[list[Run]], start: int) -> tuple[_Table | None, int]:
    """The table whose header is `lines[start]` and how many lines it spans, or (None, 0)."""
    header = lines[start]
    if len(header) < 2:
        return None, 0
    table = _Table(columns=[run.start for run in header], em=header[0].em)
    table.add_row(header)
    end = start + 1
    while end < len(lines):
        below = lines[end + 1] if end + 1 < len(lines) else []
        if not (table.add_row(lines[end]) or table.add_wrapped(lines[end], below)):
            break
        end += 1
    if len(table.rows) < 2:
        return None, 0
    return table, end - start


__all__ = ["CELL_SEPARATOR", "Run", "page_lines", "tabulated"]
