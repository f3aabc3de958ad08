"""Issue 21 item 3 for `make reports` (`python -m pm.reports`): one progress line per job
(job i of n, time since the start), and a Ctrl-C that leaves every committed report as it
was (the runs write to a staging dir that is dropped; the moves hold Ctrl-C off).

The Ctrl-C is sent by a kit-written runner from inside its second job, as a terminal's
Ctrl-C reaches both `pm.reports` and the `aipm` child it waits for; no timing involved."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from pm import reports
from pm.reports import Cancelled, Job, progress_line, regenerate

JOBS = [Job(name, Path(f"out/{name}.md")) for name in ("a", "b", "c")]


def committed(repo: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((repo / "out").iterdir())}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "out").mkdir()
    for job in JOBS:
        (tmp_path / job.output).write_text(f"old {job.name}\n")
    return tmp_path


def unless_interrupted(call, *args, **kwargs):
    """`call(...)`, with a Ctrl-C that escapes it failing the test (not ending pytest)."""
    try:
        return call(*args, **kwargs)
    except KeyboardInterrupt:
        pytest.fail("a Ctrl-C escaped: it should have been handled")


def runner(interrupt_at: str = "", staged: list[Path] | None = None) -> reports.Runner:
    def run(job: Job, stage: Path) -> None:
        (stage / job.output).parent.mkdir(parents=True, exist_ok=True)
        (stage / job.output).write_text(f"new {job.name}\n")
        if staged is not None:
            staged.append(stage)
        if job.name == interrupt_at:
            os.kill(os.getpid(), signal.SIGINT)
    return run


def test_each_job_logs_one_line_with_its_place_and_the_time_so_far(repo: Path) -> None:
    lines: list[str] = []
    regenerate(JOBS, repo, runner=runner(), log=lines.append)
    assert [line.split(" (")[0] for line in lines] == [
        "[1/3] a: out/a.md", "[2/3] b: out/b.md", "[3/3] c: out/c.md"]
    assert all(line.endswith(" in)") for line in lines)
    assert progress_line(4, 17, JOBS[0], 65.4) == "[4/17] a: out/a.md (1:05 in)"


def test_ctrl_c_during_a_job_moves_nothing_and_drops_the_stage(repo: Path) -> None:
    before, staged = committed(repo), []
    with pytest.raises(Cancelled, match=r"Cancelled during job 2 of 3 \(b\): no report was "
                                        r"moved"):
        unless_interrupted(regenerate, JOBS, repo, runner=runner("b", staged),
                           log=lambda _: None)
    assert committed(repo) == before
    assert staged and not staged[0].exists()


def test_the_command_says_so_and_exits_130(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(reports, "all_jobs", lambda: JOBS)
    monkeypatch.setattr(reports, "_default_runner", runner("a"))
    monkeypatch.setattr(reports.regenerate, "__defaults__", (repo, ))
    synced = []
    monkeypatch.setattr(reports, "sync_prds", lambda: synced.append(1) or [])
    assert unless_interrupted(reports.main, []) == reports.INTERRUPTED
    assert "Cancelled during job 1 of 3 (a)" in capsys.readouterr().err
    assert committed(repo) == {"a.md": "old a\n", "b.md": "old b\n", "c.md": "old c\n"}
    assert not synced


def test_a_ctrl_c_during_the_moves_waits_until_every_file_is_in_place(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    moved, original = [], shutil.move

    def move(source: Path, target: Path) -> None:
        if not moved:
            os.kill(os.getpid(), signal.SIGINT)
        moved.append(target)
        original(source, target)

    monkeypatch.setattr(reports.shutil, "move", move)
    unless_interrupted(regenerate, JOBS, repo, runner=runner(), log=lambda _: None)
    assert committed(repo) == {"a.md": "new a\n", "b.md": "new b\n", "c.md": "new c\n"}
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
