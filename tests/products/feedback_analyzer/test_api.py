"""`/v1/feedback/...` through TestClient on the platform app: submit, poll, results, report,
and a 422 naming the reason and the line for a file that is not a table."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from frontdoors.server import create_app
from products import get_product
from shared.config import load_settings
from tests.kit_client import kit_client


def client() -> TestClient:
    return kit_client(create_app(load_settings(), products=[get_product("feedback")]),
                      raise_server_exceptions=False)


def wait_done(api: TestClient, job_id: str) -> dict:
    for _ in range(600):
        state = api.get(f"/v1/feedback/jobs/{job_id}").json()
        if state["status"] != "running":
            return state
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def test_submit_poll_and_fetch_results_and_report(sample_csv: Path) -> None:
    api = client()
    submitted = api.post("/v1/feedback/jobs", files={"file": ("reviews.csv",
                                                              sample_csv.read_bytes())})
    assert submitted.status_code == 202, submitted.text
    state = wait_done(api, submitted.json()["job_id"])
    assert state["status"] == "done" and state["summary"]["rows"] == 520
    job = state["job_id"]
    csv_text = api.get(f"/v1/feedback/jobs/{job}/results.csv").text
    assert csv_text.count("\nR0") == 520 and "sentiment_score" in csv_text.splitlines()[0]
    assert api.get(f"/v1/feedback/jobs/{job}/results").json()["summary"]["engine"] == "baseline"
    report = api.get(f"/v1/feedback/jobs/{job}/report").text
    assert "## Opportunity backlog" in report and "@example.com" not in report


def test_a_bad_csv_is_a_422_with_reason_and_line() -> None:
    api = client()
    bad = b"id,text\n1,fine words here\n2,\"never closed\n"
    response = api.post("/v1/feedback/jobs", files={"file": ("bad.csv", bad)})
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("Line 3: bad.csv is not valid CSV")


def test_unknown_job_is_404() -> None:
    assert client().get("/v1/feedback/jobs/nope").status_code == 404


def test_by_column_splits_the_report_and_a_wrong_one_is_a_422(sample_csv: Path) -> None:
    api = client()
    submitted = api.post("/v1/feedback/jobs", data={"by": "product", "engine": "baseline"},
                         files={"file": ("reviews.csv", sample_csv.read_bytes())})
    assert submitted.status_code == 202, submitted.text
    job = wait_done(api, submitted.json()["job_id"])["job_id"]
    report = api.get(f"/v1/feedback/jobs/{job}/report").text
    assert "## By product" in report and "| Parcelo |" in report
    wrong = api.post("/v1/feedback/jobs", data={"by": "colour"},
                     files={"file": ("reviews.csv", sample_csv.read_bytes())})
    assert wrong.status_code == 422 and "colour" in wrong.text
