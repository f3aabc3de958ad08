"""PDF tables come out as `a | b | c` rows, like HTML and DOCX tables; prose is untouched.

The PDFs are built here with fpdf2's table, which draws each cell as its own text block and
centres a short cell vertically in a tall row, the shapes the loader must read back.
"""

from __future__ import annotations

import io

from fpdf import FPDF
from pypdf import PdfReader

from shared._loaders.pdf_tables import Run, tabulated
from shared.documents import load_bytes

ROWS = [
    ("Plan", "Support", "Uptime"),
    ("Team", "Email support on business days, answered within one working day", "99.5%"),
    ("Business", "Phone and email", "99.9%"),
    ("Enterprise", "A named manager", "99.95%"),
]
BEFORE = "Support levels differ by plan, as the table below shows."
AFTER = "Credits are paid as a discount on the next invoice."


def table_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 6, BEFORE)
    with pdf.table(col_widths=(30, 60, 30)) as table:
        for values in ROWS:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.multi_cell(0, 6, AFTER)
    return bytes(pdf.output())


def prose_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "Refunds are paid within 30 days.   Annual plans are refunded pro "
                         "rata when seats are removed in the first month of the term. " * 3)
    return bytes(pdf.output())


def test_a_pdf_table_keeps_its_cell_boundaries_and_the_prose_around_it() -> None:
    text = load_bytes("plans.pdf", table_pdf()).sections[0].text
    assert text.splitlines() == [
        BEFORE,
        "Plan | Support | Uptime",
        "Team | Email support on business days, answered within one working day | 99.5%",
        "Business | Phone and email | 99.9%",
        "Enterprise | A named manager | 99.95%",
        AFTER,
    ]


def test_a_page_without_a_table_keeps_pypdf_plain_text() -> None:
    data = prose_pdf()
    plain = PdfReader(io.BytesIO(data)).pages[0].extract_text().strip()
    assert load_bytes("prose.pdf", data).sections[0].text == plain


def run(start: float, text: str) -> Run:
    return Run(start=start, end=start + 5.0 * len(text), text=text, em=10.0)


def test_a_cell_wrapped_above_its_centred_label_joins_the_row_below() -> None:
    lines = [[run(0, "Item"), run(100, "Description")],
             [run(0, "Duration"), run(100, "The term of the subscription")],
             [run(101, "Names, email and postal addresses,")],
             [run(0, "Personal data"), run(100, "receipts and time entries")],
             [run(100, "and trip locations")]]
    assert tabulated(lines) == (
        "Item | Description\nDuration | The term of the subscription\n"
        "Personal data | Names, email and postal addresses, receipts and time entries and trip "
        "locations")


def test_lines_that_do_not_line_up_are_prose() -> None:
    lines = [[run(0, "Refunds are paid"), run(120, "within 30 days.")],
             [run(0, "Annual plans are"), run(150, "refunded pro rata.")]]
    assert tabulated(lines) is None
