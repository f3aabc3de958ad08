"""CSV injection: reviews that start with a formula character come out as text, by every door."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from shared.csv_out import is_formula
from tests.products.feedback_analyzer.test_api import client, wait_done
from tests.products.feedback_analyzer.test_cli import aipm

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+cmd|' /C calc'!A0",
           "-2+3 the app crashed", "@SUM(A1:A9) refund please", "\tTab first, so bad",
           "\rCR first, really bad"]


def hostile_csv() -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["id", "=stars", "review"])
    writer.writerows([f"=R{i}", "-1" if i % 2 else "+5", text] for i, text in enumerate(HOSTILE))
    writer.writerow(["ok", "4", "A perfectly ordinary review of the product."])
    return buffer.getvalue().encode()


def formula_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row
            if is_formula(cell)]


def test_cli_out_has_no_formula_cell(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(hostile_csv())
    result = aipm("feedback", "analyze", str(source), "--out", str(tmp_path / "o.csv"), "--json")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "o.csv").read_text(encoding="utf-8-sig")
    assert formula_cells(text) == []
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'=R0" in text


def test_api_results_csv_has_no_formula_cell() -> None:
    api = client()
    submitted = api.post("/v1/feedback/jobs", files={"file": ("in.csv", hostile_csv())})
    assert submitted.status_code == 202, submitted.text
    assert wait_done(api, submitted.json()["job_id"])["status"] == "done"
    text = api.get(f"/v1/feedback/jobs/{submitted.json()['job_id']}/results.csv").text
    assert formula_cells(text) == [] and "'+1+cmd" in text
