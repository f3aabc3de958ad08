"""`shared.progress`: the counters both front doors read, and the job a hub page runs."""

from __future__ import annotations

from shared.errors import BadInput
from shared.progress import BackgroundJob, WorkControl


def test_describe_counts_of_the_total_and_says_time_left_once_work_is_done() -> None:
    control = WorkControl(unit="rows", total=400)
    assert control.describe() == "0/400 rows" and control.eta_seconds() is None
    control.started -= 10  # ten seconds for the first 100 rows: thirty more for the rest
    control.advance(100)
    assert control.share() == 0.25
    assert control.describe() == "100/400 rows · about 30 s left"


def test_without_a_total_there_is_a_count_and_no_guess() -> None:
    control = WorkControl(unit="files")
    control.advance(7)
    assert control.describe() == "7 files" and control.share() == 0.0


def test_listeners_see_every_advance_and_cancel_is_a_flag_the_work_reads() -> None:
    control, seen = WorkControl(), []
    control.listeners.append(lambda c: seen.append(c.done))
    control.advance(1)
    control.advance(2)
    control.cancel()
    assert seen == [1, 2] and control.cancelled


def test_a_job_keeps_its_result_or_its_one_line_error() -> None:
    ok = BackgroundJob(lambda control: control.unit, WorkControl(unit="chunks")).start()
    ok.wait(10)
    assert (ok.result, ok.error, ok.running) == ("chunks", None, False)

    def bad(control: WorkControl) -> None:
        raise BadInput("The file has no text column; pick one.")

    failed = BackgroundJob(bad, WorkControl()).start()
    failed.wait(10)
    assert failed.result is None and failed.error == "The file has no text column; pick one."
