"""The feedback API under hostile input: a job that errors ends `failed`, readers never 500,
over-limit tables are refused at submit, uploads are stored 0600 under a safe name."""

from __future__ import annotations

import stat
import time

import pytest

import products.feedback_analyzer.core.jobs as jobs
from shared.config import load_settings
from tests.products.feedback_analyzer.test_api import client

GOOD = b"id,text\n1,The app is great and fast.\n2,Sync is slow and it crashed twice.\n"


def poll_until_not_running(api, job_id: str) -> dict:
    for _ in range(400):
        state = api.get(f"/v1/feedback/jobs/{job_id}").json()
        if state["status"] != "running":
            return state
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} is still running: it was left hanging")


def test_an_unexpected_error_in_the_job_ends_failed_with_one_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(settings, path, options, progress):
        progress(1)
        raise TypeError("unexpected cell type <class 'Decimal'>\nsecond line")

    monkeypatch.setattr(jobs, "analyze_file", crash)
    api = client()
    submitted = api.post("/v1/feedback/jobs", files={"file": ("f.csv", GOOD)})
    assert submitted.status_code == 202, submitted.text
    state = poll_until_not_running(api, submitted.json()["job_id"])
    assert state["status"] == "failed" and state["rows_done"] == 1
    assert "TypeError" in state["error"] and "\n" not in state["error"]
    fetched = api.get(f"/v1/feedback/jobs/{state['job_id']}/results.csv")
    assert fetched.status_code == 404 and "failed" in fetched.json()["error"]["message"]


@pytest.mark.parametrize("body", [
    b'id,text\r1,"great\rapp"\r2,slow sync\r',
    b"id,text\r1,great app\r2,slow sync\r",
    b"\n\nid,text\n1,great app\n2,slow sync\n",
    b'id,text\n1,"has a\rcarriage return"\n2,fine words\n',
    b"\xef\xbb\xbf\r\nid;text\r\n1;great app\r\n",
])
def test_messy_csv_bodies_are_accepted_not_500(body: bytes) -> None:
    api = client()
    submitted = api.post("/v1/feedback/jobs", files={"file": ("m.csv", body)})
    assert submitted.status_code == 202, submitted.text
    assert poll_until_not_running(api, submitted.json()["job_id"])["status"] == "done"


def test_ten_thousand_columns_is_a_413_at_submit_naming_the_setting() -> None:
    header = ",".join(["same"] * 10_000)
    body = (header + "\n" + ",".join(["x"] * 10_000) + "\n").encode()
    response = client().post("/v1/feedback/jobs", files={"file": ("wide.csv", body)})
    assert response.status_code == 413
    assert "AIPM_TABLE_MAX_COLUMNS" in response.json()["error"]["message"]
    assert not any((load_settings().data_dir / jobs.JOBS_FOLDER).glob("*/wide.csv"))


def test_a_refused_upload_leaves_no_file_behind() -> None:
    response = client().post("/v1/feedback/jobs", files={"file": ("bad.csv", b'id,t\n1,"x\n')})
    assert response.status_code == 422
    assert not any((load_settings().data_dir / jobs.JOBS_FOLDER).glob("*/bad.csv"))


@pytest.mark.parametrize("name", ["../../" + "a" * 400 + ".csv", "..", "..\\..\\x.csv",
                                  "r\x00n.csv"])
def test_hostile_upload_names_are_stored_safely_0600(name: str) -> None:
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)  # the data dir existed before
    submitted = client().post("/v1/feedback/jobs", files={"file": (name, GOOD)})
    assert submitted.status_code == 202, submitted.text
    state = submitted.json()
    folder = settings.data_dir / jobs.JOBS_FOLDER / state["job_id"]
    stored = folder / state["file_name"]
    assert stored.is_file() and stored.parent == folder and len(stored.name) <= 120
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700

