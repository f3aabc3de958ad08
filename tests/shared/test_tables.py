"""The kit's one table reader on a corpus of messy files written for the kit, and its limits.

Each corpus entry is the bytes of a file as some tool or person really leaves it, and the
records a reader must get from it. Every entry must read without an exception other than the
kit's own one-line `BadTable` / `TableTooLarge`.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.tables import BadTable, TableLimits, TableTooLarge, open_source

ROWS = [["id", "text"], ["1", "great app"], ["2", "slow sync"]]


def utf16_le(text: str) -> bytes:
    return text.encode("utf-16-le")


CORPUS: dict[str, tuple[bytes, list[list[str]]]] = {
    "lf": (b"id,text\n1,great app\n2,slow sync\n", ROWS),
    "crlf": (b"id,text\r\n1,great app\r\n2,slow sync\r\n", ROWS),
    "cr_only": (b"id,text\r1,great app\r2,slow sync\r", ROWS),
    "cr_only_no_final_end": (b"id,text\r1,great app\r2,slow sync", ROWS),
    "cr_in_quoted_cell": (b'id,text\n1,"great\rapp"\n2,slow sync\n',
                          [ROWS[0], ["1", "great\rapp"], ROWS[2]]),
    "cr_in_quoted_cell_cr_only": (b'id,text\r1,"great\rapp"\r2,slow sync\r',
                                  [ROWS[0], ["1", "great\rapp"], ROWS[2]]),
    "crlf_in_quoted_cell": (b'id,text\r\n1,"great\r\napp"\r\n2,slow sync\r\n',
                            [ROWS[0], ["1", "great\r\napp"], ROWS[2]]),
    "blank_first_lines": (b"\n\n\nid,text\n1,great app\n2,slow sync\n", ROWS),
    "blank_first_lines_cr": (b"\r\r\nid,text\r1,great app\r2,slow sync\r", ROWS),
    "delimiter_only_first_line": (b",\nid,text\n1,great app\n2,slow sync\n", ROWS),
    "utf8_bom": (codecs.BOM_UTF8 + b"id,text\n1,great app\n2,slow sync\n", ROWS),
    "utf8_bom_then_blank": (codecs.BOM_UTF8 + b"\nid,text\n1,great app\n2,slow sync\n", ROWS),
    "utf16_bom": ("id,text\n1,great app\n2,slow sync\n".encode("utf-16"), ROWS),
    "utf16_le_no_bom": (utf16_le("id,text\n1,great app\n2,slow sync\n"), ROWS),
    "cp1252": ("id;text\n1;café crème\n2;très déçu\n".encode("cp1252"),
               [ROWS[0], ["1", "café crème"], ["2", "très déçu"]]),
    "latin1_undefined_cp1252_byte": (b"id,text\n1,caf\x81\n",
                                     [ROWS[0], ["1", "caf\x81"]]),
    "semicolon": (b"id;text\n1;great app\n2;slow sync\n", ROWS),
    "semicolon_cr_only": (b"id;text\r1;great app\r2;slow sync\r", ROWS),
    "tab_cr_only_quoted_cr": (b'id\ttext\r1\t"great\rapp"\r2\tslow sync\r',
                              [ROWS[0], ["1", "great\rapp"], ROWS[2]]),
    "tab": (b"id\ttext\n1\tgreat app\n2\tslow sync\n", ROWS),
    "pipe": (b"id|text\n1|great app\n2|slow sync\n", ROWS),
    "ragged_short_and_long": (b"id,text\n1\n2,slow,sync,extra\n",
                              [ROWS[0], ["1"], ["2", "slow", "sync", "extra"]]),
    "quoted_commas": (b'id,text\n1,"great, fast app"\n2,"say ""hi"""\n',
                      [ROWS[0], ["1", "great, fast app"], ["2", 'say "hi"']]),
    "single_column": (b"text\ngreat app\nslow sync\n", [["text"], ["great app"], ["slow sync"]]),
    "trailing_blank_lines": (b"id,text\n1,great app\n2,slow sync\n\n\n\n", [*ROWS, [], [], []]),
    "header_only": (b"id,text\n", [ROWS[0]]),
    "whitespace_lines_between": (b"id,text\n1,great app\n\n2,slow sync\n",
                                 [ROWS[0], ROWS[1], [], ROWS[2]]),
    "long_quoted_first_cell_cut_by_sample": (
        b'id,text\n1,"' + b"x\n" * 40_000 + b'"\n2,slow sync\n',
        [ROWS[0], ["1", "x\n" * 40_000], ROWS[2]]),
}

REFUSED: dict[str, bytes] = {
    "unclosed_quote": b'id,text\n1,fine\n2,"never closed\n',
    "binary": b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50,
    "empty": b"",
    "bom_only": codecs.BOM_UTF8,
    "old_xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
    "broken_zip": b"PK\x03\x04not really a workbook",
}


def records(path: Path, limits: TableLimits | None = None) -> list[list[str]]:
    return [cells for _, cells in open_source(path, limits=limits).records()]


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_messy_file_reads_as_its_records(tmp_path: Path, name: str) -> None:
    content, expected = CORPUS[name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(content)
    assert records(path) == expected


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unreadable_file_is_one_bad_table_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(REFUSED[name])
    with pytest.raises(BadTable) as caught:
        records(path)
    assert "\n" not in str(caught.value) and path.name in str(caught.value)


def test_the_corpus_has_at_least_twenty_messy_files() -> None:
    assert len(CORPUS) + len(REFUSED) >= 20


def test_xlsx_reads_and_an_unreadable_cell_is_a_bad_table(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", "text"])
    book.active.append([1, "great app"])
    book.save(tmp_path / "f.xlsx")
    assert records(tmp_path / "f.xlsx") == [["id", "text"], ["1", "great app"]]
    import shared.tables._xlsx as xlsx

    def broken(value: object) -> str:
        raise ValueError("forged date")

    monkeypatch.setattr(xlsx, "cell_text", broken)
    with pytest.raises(BadTable, match="a cell could not be read"):
        records(tmp_path / "f.xlsx")


def test_ten_thousand_columns_are_refused_on_the_header(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ",".join(["same"] * 10_000)
    path.write_text(header + "\n" + "\n".join([",".join(["x"] * 10_000)] * 120) + "\n")
    with pytest.raises(TableTooLarge) as caught:
        open_source(path)  # opening alone refuses it: no record has been streamed
    assert "10,000 columns" in caught.value.message
    assert "AIPM_TABLE_MAX_COLUMNS" in caught.value.message
    assert caught.value.http_status == 413


def test_wide_xlsx_is_refused_from_its_declared_size(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append([f"c{i}" for i in range(30)])
    book.active.append(["x"] * 30)
    book.save(tmp_path / "wide.xlsx")
    with pytest.raises(TableTooLarge, match="AIPM_TABLE_MAX_COLUMNS"):
        open_source(tmp_path / "wide.xlsx", limits=TableLimits(max_columns=20))


def test_rows_and_cell_size_limits_name_their_setting(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("id,text\n" + "".join(f"{i},row {i}\n" for i in range(10)))
    assert len(records(path, TableLimits(max_rows=10))) == 11
    with pytest.raises(TableTooLarge, match="AIPM_TABLE_MAX_ROWS"):
        records(path, TableLimits(max_rows=9))
    path.write_text("id,text\n1," + "y" * 500 + "\n")
    with pytest.raises(TableTooLarge, match="AIPM_TABLE_MAX_CELL_CHARS") as caught:
        records(path, TableLimits(max_cell_chars=499))
    assert caught.value.message.startswith("Line 2:")


def test_limits_come_from_settings() -> None:
    from shared.config import Settings

    limits = TableLimits.from_settings(Settings(AIPM_TABLE_MAX_COLUMNS=7, AIPM_TABLE_MAX_ROWS=8,
                                                AIPM_TABLE_MAX_CELL_CHARS=9))
    assert limits == TableLimits(max_columns=7, max_rows=8, max_cell_chars=9)
    assert TableLimits.from_settings(Settings()).max_columns == 1000


CELL = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
TABLE = st.lists(st.lists(CELL, min_size=2, max_size=4), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=TABLE, delimiter=st.sampled_from([",", ";", "\t", "|"]),
       end=st.sampled_from(["\n", "\r\n", "\r"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       blank_lines=st.integers(0, 3))
def test_any_written_table_reads_back_or_is_one_bad_table_line(
        tmp_path: Path, table: list[list[str]], delimiter: str, end: str, encoding: str,
        blank_lines: int) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=end,
               quoting=csv.QUOTE_ALL).writerows(table)
    text = end * blank_lines + buffer.getvalue()
    path = tmp_path / "p.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        return  # cp1252 cannot hold the text: not a file anyone can have
    try:
        got = records(path)
    except BadTable as err:
        assert "\n" not in err.message
        return
    wanted = [row for row in table if any(row)] if not any(table[0]) else table
    assert [row for row in got if any(row)] == [row for row in wanted if any(row)]


def test_a_too_long_csv_is_refused_when_opened_before_any_record_is_read(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("id,text\n" + "".join(f"{i},row {i}\n" for i in range(10)))
    with pytest.raises(TableTooLarge, match="AIPM_TABLE_MAX_ROWS"):
        open_source(path, limits=TableLimits(max_rows=9))  # no records() call: at open
    path.write_bytes(b"id,text\r" + b"".join(b"%d,row\r" % i for i in range(10)))  # CR-only
    with pytest.raises(TableTooLarge, match="AIPM_TABLE_MAX_ROWS"):
        open_source(path, limits=TableLimits(max_rows=9))


def test_line_breaks_inside_quoted_cells_do_not_count_as_rows_at_open(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text('id,text\n1,"one\ntwo\nthree\nfour"\n2,"five\nsix"\n')
    source = open_source(path, limits=TableLimits(max_rows=2))  # 7 line breaks, 2 records
    assert [cells for _, cells in source.records()][1:] == [["1", "one\ntwo\nthree\nfour"],
                                                              ["2", "five\nsix"]]
