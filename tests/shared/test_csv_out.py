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


def _reference(rows: list[list[str]], delimiter: str, end: str) -> str:
    """The writer's rule cell by cell (neutralise, then quote a cell holding the delimiter, a
    quote, CR or LF, or a neutralised one): the C-writer fast path must give the same bytes."""
    lines = []
    for row in rows:
        if row == [""]:
            lines.append('""' + end)
            continue
        cells = []
        for cell in row:
            safe = neutralise(cell)
            quote = safe != cell or any(s in safe for s in (delimiter, '"', "\r", "\n"))
            cells.append('"' + safe.replace('"', '""') + '"' if quote else safe)
        lines.append(delimiter.join(cells) + end)
    return "".join(lines)


@given(st.lists(st.lists(st.text(alphabet="ab ,;\"\r\n\t=+-@1.'", max_size=6), max_size=5),
                max_size=5), st.sampled_from([",", ";"]), st.sampled_from(["\r\n", "\n"]))
def test_the_fast_path_writes_the_same_bytes_as_the_cell_by_cell_rule(
        rows: list[list[str]], delimiter: str, end: str) -> None:
    buffer = io.StringIO(newline="")
    SafeCsvWriter(buffer, delimiter=delimiter, lineterminator=end).writerows(rows)
    assert buffer.getvalue() == _reference(rows, delimiter, end)


def test_a_lone_cr_is_quoted_whatever_the_line_end() -> None:
    buffer = io.StringIO(newline="")
    SafeCsvWriter(buffer, lineterminator="\n").writerow(["a\rb", "c"])
    assert buffer.getvalue() == '"a\rb",c\n'


@given(st.lists(st.lists(st.text(alphabet="ab ,\"\r\n=+-@1.'", max_size=6), max_size=4),
                max_size=6))
def test_a_chunk_of_text_rows_is_written_as_row_by_row(rows: list[list[str]]) -> None:
    one, many = io.StringIO(newline=""), io.StringIO(newline="")
    SafeCsvWriter(one).writerows(rows)
    SafeCsvWriter(many).write_texts(rows)
    assert many.getvalue() == one.getvalue()
