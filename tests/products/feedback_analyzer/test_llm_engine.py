"""The LLM engine against the fake provider: every row exactly once on its own text, whatever
the model does (drop, duplicate, invent ids, garbage), PII redacted before sending, identical
texts sent once, --max-cost and --resume."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from products.feedback_analyzer.core import AnalyzeOptions, analyze_file
from shared.config import load_settings
from shared.testing.fake_provider import FakeProvider
from tests.products.feedback_analyzer import responders

TEXTS = ["Delivery was late again", "Love the colours", "It broke after a week",
         "My name is Dana Smith, email dana@example.com, the refund never came",
         "Love the colours", "", "Great app, fast and simple", "Crashes when I open it"]


def feedback_file(tmp_path: Path, count: int = 1) -> Path:
    path = tmp_path / "fb.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "comment"])
        for n in range(count):
            for i, text in enumerate(TEXTS):
                writer.writerow([f"{n}-{i}", f"{text} ({n})" if text and count > 1 else text])
    return path


def settings_for(fake: FakeProvider, **overrides):
    return load_settings(provider="openai", openai_api_key="test",
                         openai_base_url=fake.openai_base_url, llm_timeout_s=5.0,
                         llm_max_retries=2, **overrides)


def run(fake: FakeProvider, path: Path, data_dir: Path | None = None,
        **options) -> tuple[object, list[dict[str, str]]]:
    out = path.with_name("out.csv")
    settings = settings_for(fake, **({"data_dir": data_dir} if data_dir else {}))
    result = analyze_file(settings, path, AnalyzeOptions(engine="llm", out=out, **options))
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return result, list(csv.DictReader(handle))


def assert_each_row_on_its_own_text(rows: list[dict[str, str]]) -> None:
    for row in rows:
        if row["status"] == "ok":
            assert row["reason"].lower() in row["comment"].lower()


def test_honest_model_labels_every_row_once_and_sends_each_text_once(tmp_path: Path) -> None:
    with FakeProvider(responders.honest) as fake:
        result, rows = run(fake, feedback_file(tmp_path))
        sent = [json.loads(m["content"]) for r in fake.requests
                for m in r["body"]["messages"] if m["role"] == "user"]
    assert [r["id"] for r in rows] == [str(f"0-{i}") for i in range(len(TEXTS))]
    assert [r["status"] for r in rows].count("ok") == 7 and rows[5]["status"] == "skipped"
    assert rows[4]["sentiment"] == rows[1]["sentiment"] and "duplicate of 0-1" in rows[4]["flag"]
    texts = [row["text"] for batch in sent for row in batch]
    assert len(texts) == 6 and "dana@example.com" not in json.dumps(texts)
    assert "Dana Smith" not in json.dumps(texts) and rows[3]["comment"].count("Dana Smith") == 1
    assert result.summary.pii_redacted == {"email": 1, "name": 1}
    assert_each_row_on_its_own_text(rows)


@pytest.mark.parametrize("bad", [responders.drops_last, responders.duplicates_first,
                                 responders.invents_ids, responders.garbage])
def test_a_misbehaving_first_reply_is_retried_for_just_those_rows(tmp_path: Path, bad) -> None:
    with FakeProvider(responders.first_attempt(bad)) as fake:
        result, rows = run(fake, feedback_file(tmp_path, count=5), rows_per_request=7)
    assert len(rows) == 5 * len(TEXTS)
    assert result.summary.failed == 0 and result.summary.ok == 5 * 7
    assert_each_row_on_its_own_text(rows)


@pytest.mark.parametrize("bad", [responders.drops_last, responders.invents_ids,
                                 responders.garbage])
def test_rows_a_model_never_answers_fail_with_a_reason_and_are_kept(tmp_path: Path,
                                                                    bad) -> None:
    with FakeProvider(bad) as fake:
        result, rows = run(fake, feedback_file(tmp_path))
    assert len(rows) == len(TEXTS) and result.summary.failed >= 1
    failed = [r for r in rows if r["status"] == "failed"]
    assert all(r["error"] and not r["sentiment"] for r in failed)
    assert_each_row_on_its_own_text(rows)


def test_max_cost_keeps_finished_rows_and_skips_the_rest(tmp_path: Path) -> None:
    with FakeProvider(responders.honest) as fake:
        result, rows = run(fake, feedback_file(tmp_path, count=5), rows_per_request=5,
                           max_cost=0.0012)
    statuses = {r["status"] for r in rows}
    assert statuses == {"ok", "skipped"} and result.summary.ok > 0
    assert any("--max-cost" in r["error"] for r in rows) and result.summary.cost_usd <= 0.0012


def test_resume_sends_only_unfinished_rows_and_gives_the_same_output(tmp_path: Path) -> None:
    path = feedback_file(tmp_path, count=4)
    with FakeProvider(responders.honest) as fake:
        _, full = run(fake, path, rows_per_request=4)
        first_requests = len(fake.requests)
        _, resumed = run(fake, path, rows_per_request=4, resume=True)
        assert len(fake.requests) == first_requests  # everything came from the checkpoint
    assert resumed == full


def test_llm_report_names_themes_and_flags_claims_its_rows_do_not_support(
        tmp_path: Path, sample_csv: Path) -> None:
    from products.feedback_analyzer.core.service import build_report

    with FakeProvider(responders.honest) as fake:
        settings = settings_for(fake)
        result = analyze_file(settings, sample_csv, AnalyzeOptions(engine="llm",
                                                                   out=tmp_path / "o.csv"))
        report = build_report(settings, result)
    assert report.themes and all(t.name.startswith("About ") for t in report.themes)
    supported = [c for c in report.summary if c.supported]
    assert len(supported) == 3 and not report.summary[-1].supported
    assert result.summary.pii_redacted["email"] >= 5


def test_batch_api_submit_then_collect_matches_a_live_run(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from products.feedback_analyzer.cli import app

    path = feedback_file(tmp_path, count=3)
    with FakeProvider(responders.honest) as fake:
        _, live = run(fake, path)
        env = {"OPENAI_API_KEY": "test", "OPENAI_BASE_URL": fake.openai_base_url,
               "AIPM_PROVIDER": "openai"}
        out = tmp_path / "batch.csv"
        submitted = CliRunner().invoke(app, ["analyze", str(path), "--batch-api", "--out",
                                             str(out), "--json"], env=env)
        job = json.loads(submitted.stdout)["batch_job"]
        first = CliRunner().invoke(app, ["collect", job, "--json"], env=env)
        assert json.loads(first.stdout)["status"] == "in_progress"
        done = CliRunner().invoke(app, ["collect", job, "--json"], env=env)
        batch_paths = {r["path"] for r in fake.requests}
    assert json.loads(done.stdout)["ok"] == len(live) - 3
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.DictReader(handle)) == live
    assert "/v1/batches" in batch_paths


class Crash(Exception):
    """Stands in for a kill: the run stops between two chunks."""


def test_a_run_killed_mid_way_and_resumed_gives_the_uninterrupted_output(tmp_path: Path
                                                                         ) -> None:
    path = feedback_file(tmp_path, count=6)
    small = {"rows_per_request": 2, "concurrency": 2}
    with FakeProvider(responders.honest) as fake:
        _, uninterrupted = run(fake, path, data_dir=tmp_path / "elsewhere", **small)
        sent_once = len(fake.requests)

        def crash_after_first_chunk(done: int) -> None:
            raise Crash(done)

        settings = settings_for(fake)
        with pytest.raises(Crash):
            analyze_file(settings, path, AnalyzeOptions(engine="llm", out=tmp_path / "x.csv",
                                                        **small), crash_after_first_chunk)
        before_resume = len(fake.requests)
        _, resumed = run(fake, path, resume=True, **small)
        resumed_requests = len(fake.requests) - before_resume
    assert resumed == uninterrupted
    assert 0 < resumed_requests < sent_once  # only the unfinished rows were sent again
