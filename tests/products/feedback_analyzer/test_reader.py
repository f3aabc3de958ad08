"""The reader: encodings, delimiters, quoted newlines, ragged rows, XLSX, column roles, and
one clear error (with the line) for a file it cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest

from products.feedback_analyzer.core import BadTable, open_table

ROWS = [["id", "date", "stars", "review"],
        ["a1", "2026-03-01", "5", "Café au lait mode is lovely, no problems at all"],
        ["a2", "2026-03-02", "1", "The courier lost my parcel – two weeks and nothing"],
        ["a3", "2026-04-11", "3", "Good machine but the frother is loud"]]


def write_rows(path: Path, rows: list[list[str]], delimiter: str = ",",
               encoding: str = "utf-8") -> Path:
    import csv

    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_any_common_encoding_and_delimiter_reads_the_same_rows(
        tmp_path: Path, encoding: str, delimiter: str) -> None:
    rows = [[cell.replace("–", "-") for cell in row] for row in ROWS] if encoding == "latin-1" \
        else ROWS
    table = open_table(write_rows(tmp_path / "f.csv", rows, delimiter, encoding))
    read = list(table.rows())
    assert [r.text for r in read] == [row[3] for row in rows[1:]]
    assert table.info.delimiter == delimiter
    assert (table.info.text_column, table.info.id_column) == ("review", "id")
    assert (table.info.date_column, table.info.stars_column) == ("date", "stars")
    assert [r.row_id for r in read] == ["a1", "a2", "a3"] and read[0].stars == 5.0


def test_quoted_newlines_and_ragged_rows_keep_every_row_with_line_numbers(tmp_path: Path
                                                                          ) -> None:
    path = tmp_path / "r.csv"
    path.write_text('n,comment\n1,"first line\nsecond line"\n2\n3,too,many,cells\n4,fine text\n')
    table = open_table(path, text_column="comment")
    rows = list(table.rows())
    assert [r.line for r in rows] == [2, 4, 5, 6]
    assert rows[0].text == "first line\nsecond line"
    assert rows[1].flag == "empty" and rows[2].flag == "ragged"
    assert rows[2].text == "too,many,cells"
    assert any(p.startswith("line 4:") for p in table.info.problems)
    assert any(p.startswith("line 5:") for p in table.info.problems)
    assert [r.row_id for r in rows] == ["1", "2", "3", "4"]  # no id column: row numbers


def test_xlsx_first_sheet_or_named_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Summary"
    book.active.append(["note"])
    book.active.append([1])
    sheet = book.create_sheet("Reviews")
    for row in ROWS:
        sheet.append(row)
    book.save(tmp_path / "f.xlsx")
    table = open_table(tmp_path / "f.xlsx", sheet="Reviews")
    assert [r.text for r in table.rows()][1].startswith("The courier")
    with pytest.raises(BadTable, match=r"No sheet named 'Nope'.*Summary, Reviews"):
        open_table(tmp_path / "f.xlsx", sheet="Nope")
    book.active.delete_rows(2)  # the first sheet now has only its header
    book.save(tmp_path / "f.xlsx")
    with pytest.raises(BadTable, match=r"Sheet 'Summary' has no rows.*--sheet.*Reviews"):
        open_table(tmp_path / "f.xlsx")


@pytest.mark.parametrize(("content", "message", "line"), [
    (b"", "is empty", 1),
    (b"a,b\n", "no rows of feedback", 2),
    (b"id,text\n1,fine\n2,\"never closed\n3,x\n", "not valid CSV", 3),
    (b"\x00\x01\x02binary\x00", "binary file", 1),
])
def test_unreadable_files_are_one_error_naming_the_problem_and_line(
        tmp_path: Path, content: bytes, message: str, line: int) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(BadTable, match=message) as caught:
        list(open_table(path, text_column="text" if b"text" in content else None).rows())
    assert caught.value.line == line and f"Line {line}" in caught.value.message


def test_an_unknown_text_column_lists_the_columns(tmp_path: Path) -> None:
    with pytest.raises(BadTable, match=r"no column named 'body'.*id, date, stars, review"):
        open_table(write_rows(tmp_path / "f.csv", ROWS), text_column="body")


def test_nps_scores_map_onto_stars(tmp_path: Path) -> None:
    rows = [["nps_score", "comment"], ["10", "love it so much"], ["0", "awful thing really"],
            ["6", "it is fine I suppose"]]
    table = open_table(write_rows(tmp_path / "n.csv", rows))
    assert table.info.stars_scale == 10.0
    assert [r.stars for r in table.rows()] == [5.0, 1.0, 3.4]


def test_each_row_carries_its_date_and_stars_and_none_without_those_columns(
        tmp_path: Path) -> None:
    read = list(open_table(write_rows(tmp_path / "f.csv", ROWS)).rows())
    assert [r.date for r in read] == ["2026-03-01", "2026-03-02", "2026-04-11"]
    assert [r.stars for r in read] == [5.0, 1.0, 3.0]
    bare = list(open_table(write_rows(tmp_path / "g.csv", [[row[0], row[3]] for row in ROWS]))
                .rows())
    assert [(r.date, r.stars) for r in bare] == [(None, None)] * 3
