"""The kit's one CSV writer: formula cells come back as text, everything else as csv writes it."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from shared.csv_out import FORMULA_PREFIXES, SafeCsvWriter, is_formula, neutralise

HOSTILE = ["=HYPERLINK(\"http://x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
           "\tstarts with tab", "\rstarts with CR", "=1,2", '="quoted"']


def write(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO(newline="")
    SafeCsvWriter(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue()


def read(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_formula_cells_read_back_as_quoted_text() -> None:
    text = write([["id", "text"], *[[str(i), cell] for i, cell in enumerate(HOSTILE)]])
    cells = [cell for row in read(text) for cell in row]
    assert not [cell for cell in cells if is_formula(cell)]
    assert [row[1] for row in read(text)[1:]] == ["'" + cell for cell in HOSTILE]
    assert all('"\'' + cell.replace('"', '""') + '"' in text for cell in HOSTILE)


def test_plain_numbers_and_ordinary_cells_are_left_alone() -> None:
    for cell in ("-0.4210", "+44", "-3", "1e-5", "hello", "a-b", ""):
        assert neutralise(cell) == cell


def test_output_is_byte_identical_to_csv_writer_when_nothing_is_a_formula() -> None:
    rows = [["a", "b,c", 'say "hi"', "two\nlines", ""], [""], ["x", "-0.5"]]
    expected = io.StringIO(newline="")
    csv.writer(expected).writerows(rows)
    assert write(rows) == expected.getvalue()
    expected = io.StringIO(newline="")
    csv.writer(expected, delimiter=";").writerows(rows)
    assert write(rows, ";") == expected.getvalue()


@given(st.lists(st.lists(st.text(), min_size=1, max_size=5), min_size=1, max_size=5))
def test_any_cell_round_trips_and_none_reads_back_as_a_formula(rows: list[list[str]]) -> None:
    back = read(write(rows))
    assert len(back) == len(rows)
    for original, written in zip(rows, back, strict=True):
        assert [neutralise(cell) for cell in original] == written
        assert not any(cell.startswith(FORMULA_PREFIXES) and is_formula(cell)
                       for cell in written)
