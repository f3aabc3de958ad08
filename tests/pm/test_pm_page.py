"""The hub's PM page through AppTest: PRD with its check, decision log, reports, buttons."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import products
from pm import overview as overview_module
from pm import stress_report
from pm.facts import product_paths
from pm.overview import run_eval_command
from shared.errors import BadInput
from tests.hub_jobs import progress_text, stop_held_job

HUB = str(Path(products.__file__).resolve().parents[1] / "frontdoors" / "hub.py")


def run_pm_page() -> AppTest:
    app = AppTest.from_file(HUB, default_timeout=120).run()
    app.switch_page("hub_pages/pm.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def button(app: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in app.button if b.label == label)


def test_the_page_shows_prd_decisions_reports_and_downloads() -> None:
    app = run_pm_page()
    assert [t.value for t in app.title] == ["PM"]
    assert [t.label for t in app.tabs] == ["PRD", "Decision log", "Eval report", "Stress test",
                                          "Case study"]
    assert "no gaps" in app.success[0].value
    text = "\n".join(m.value for m in app.markdown)
    assert "# PRD: RAG knowledge search" in text and "decision log" in text
    assert "# Eval report: RAG knowledge search" in text
    assert "<!--" not in text
    downloads = app.get("download_button")
    assert len(downloads) == 2
    assert len(app.get("vega_lite_chart")) >= 2  # metrics vs target, stress per mode


def test_the_stress_button_runs_the_pack(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    written: list[Path] = []
    real_write = stress_report.write_stress_report

    def write_to_tmp(run, path, code_root=None):  # type: ignore[no-untyped-def]
        written.append(real_write(run, tmp_path / "stress.md", code_root))
        return written[-1]

    monkeypatch.setattr(stress_report, "write_stress_report", write_to_tmp)
    app = run_pm_page()
    button(app, "Run the stress pack").click().run()
    app.session_state["stress_job_rag_search"].wait(120)  # a thread; rerun as the poll would
    app.run()
    assert not app.exception
    assert any("adversarial cases held" in s.value for s in app.success)
    assert written and "Failure modes" in written[0].read_text()
    assert any(str(written[0]) in c.value for c in app.caption)  # where this run's report is


def settle_job(app: AppTest, key: str) -> None:
    """Wait for the page's background job (if it has not already ended and been shown) and
    rerun, as the page's poll would."""
    try:
        job = app.session_state[key]
    except KeyError:  # it ended within the click's own run
        return
    job.wait(60)
    app.run()


def test_the_eval_button_reports_success_and_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(overview_module, "run_eval_command",
                        lambda cli, control=None: f"eval {cli} done")
    app = run_pm_page()
    button(app, "Run the eval").click().run()
    settle_job(app, "eval_job_rag_search")
    assert any(s.value == "eval rag done" for s in app.success)

    def broken(cli: str, control=None) -> str:  # type: ignore[no-untyped-def]
        raise BadInput(f"`aipm eval {cli}` failed: boom")

    monkeypatch.setattr(overview_module, "run_eval_command", broken)
    button(app, "Run the eval").click().run()
    settle_job(app, "eval_job_rag_search")
    assert any("failed: boom" in e.value for e in app.error)


def test_the_eval_shows_steps_of_total_and_a_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    halfway = threading.Event()

    def eval_until_stopped(cli: str, control) -> str:  # type: ignore[no-untyped-def]
        control.total = 10
        control.advance(4)
        halfway.set()
        for _ in range(600):
            if control.cancelled:
                return f"Stopped: `aipm eval {cli}` wrote no report"
            threading.Event().wait(0.1)
        return "not stopped"

    monkeypatch.setattr(overview_module, "run_eval_command", eval_until_stopped)
    app = run_pm_page()
    button(app, "Run the eval").click().run()
    assert halfway.wait(60)
    app.run()
    (bar,) = app.get("progress")
    assert "Running the eval… 4/10 steps" in bar.proto.text
    button(app, "Stop the eval").click().run()
    job = app.session_state["eval_job_rag_search"]
    job.wait(60)
    app.run()
    assert any(s.value == "Stopped: `aipm eval rag` wrote no report" for s in app.success)


def test_a_failing_eval_command_is_one_clear_error() -> None:
    with pytest.raises(BadInput, match=r"aipm eval nosuch` failed"):
        run_eval_command("nosuch")


def test_the_page_shows_prd_gaps(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = product_paths("rag")
    prd = tmp_path / "PRD.md"
    prd.write_text("# PRD: x\n\n## Problem\nSomething.\n")
    monkeypatch.setattr(type(real), "prd", property(lambda self: prd))
    app = run_pm_page()
    assert "gap(s)" in app.warning[0].value and "missing section" in app.warning[0].value


def test_the_stress_pack_shows_cases_of_total_and_stops_keeping_the_finished_ones(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The pack's second case is held (no timing): the bar says 1 of N, the stop keeps 2."""
    import threading

    from products.rag_search import stress as rag_pack

    held, release, original, calls = threading.Event(), threading.Event(), rag_pack._run_case, []

    def run_case(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            held.set()
            release.wait(60)
        return original(*args, **kwargs)

    monkeypatch.setattr(rag_pack, "_run_case", run_case)
    app = run_pm_page()
    button(app, "Run the stress pack").click().run()
    assert held.wait(120), "the pack never reached its second case"
    app.run()
    text = progress_text(app)
    assert f"1/{len(rag_pack.CASES)} cases" in text and "s left" in text
    job = stop_held_job(app, "Stop the pack", "stress_job_rag_search", release, timeout_s=120)
    assert any("/2 adversarial cases held" in s.value for s in app.success)
    assert any(f"Stopped after 2 of {len(rag_pack.CASES)} cases" in w.value for w in app.warning)
    assert "PARTIAL" in Path(job.result.report_path).read_text(encoding="utf-8")
