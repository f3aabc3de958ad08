"""`make reports`: all-or-nothing moves, date-only changes kept out of git, real reproduction."""

from __future__ import annotations

from pathlib import Path

import pytest

from pm import reports
from pm.reports import Job, all_jobs, regenerate, run_cli_job, same_but_dates
from products import PRODUCTS_DIR

A = Job("a", Path("out/a.md"))
B = Job("b", Path("out/b.md"))


def writer(texts: dict[str, str], failing: str = "") -> reports.Runner:
    def run(job: Job, stage: Path) -> None:
        if job.name == failing:
            raise RuntimeError("boom")
        (stage / job.output).parent.mkdir(parents=True, exist_ok=True)
        (stage / job.output).write_text(texts[job.name])
    return run


def test_one_failed_run_moves_nothing(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out/a.md").write_text("old a\n")
    with pytest.raises(RuntimeError, match="No report was moved; failed: b: boom"):
        regenerate([A, B], tmp_path, runner=writer({"a": "new a\n"}, failing="b"),
                   log=lambda _: None)
    assert (tmp_path / "out/a.md").read_text() == "old a\n"
    assert not (tmp_path / "out/b.md").exists()


def test_changed_files_move_and_date_only_changes_do_not(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out/a.md").write_text("- Date: 2026-12-02\n| x | 0.5 |\n")
    texts = {"a": "- Date: 2026-12-07\n| x | 0.5 |\n", "b": "brand new\n"}
    changed = regenerate([A, B], tmp_path, runner=writer(texts), log=lambda _: None)
    assert changed == [Path("out/b.md")]
    assert (tmp_path / "out/a.md").read_text().startswith("- Date: 2026-12-02")
    texts["a"] = "- Date: 2026-12-07\n| x | 0.6 |\n"
    assert regenerate([A], tmp_path, runner=writer(texts), log=lambda _: None) == [A.output]
    assert (tmp_path / "out/a.md").read_text() == texts["a"]


def test_check_mode_lists_differences_and_moves_nothing(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out/a.md").write_text("old\n")
    assert regenerate([A], tmp_path, check=True, runner=writer({"a": "new\n"}),
                      log=lambda _: None) == [A.output]
    assert (tmp_path / "out/a.md").read_text() == "old\n"


def test_same_but_dates() -> None:
    assert same_but_dates("on 2026-12-07: 0.5", "on 2026-12-02: 0.5")
    assert not same_but_dates("on 2026-12-07: 0.5", "on 2026-12-07: 0.6")


def test_every_committed_report_has_a_job(repo_root: Path) -> None:
    """A report committed without a job would go stale with nothing to regenerate it."""
    produced = {path for job in all_jobs() for path in reports.outputs(job)}
    committed = {path.relative_to(repo_root) for path in PRODUCTS_DIR.glob("*/evals/*.md")}
    assert committed <= produced, committed - produced
    assert Path("docs/case-study/portfolio.html") in produced


def test_the_feedback_eval_reproduces_its_committed_report(tmp_path: Path,
                                                         repo_root: Path) -> None:
    """The mechanism for real on the smallest report: a fresh process, a fresh data dir."""
    job = next(j for j in all_jobs() if j.name == "eval-feedback")
    run_cli_job(job, tmp_path)
    fresh, committed = (tmp_path / job.output).read_text(), (repo_root / job.output).read_text()
    assert "- Code: sha256:" in fresh
    assert same_but_dates(fresh, committed)


def test_the_portfolio_carries_a_table_and_a_chart_per_product(repo_root: Path) -> None:
    page = (repo_root / "docs/case-study/portfolio.html").read_text()
    assert "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    for name in ("rag_search", "feedback_analyzer", "resume_assistant"):
        article = page.split(f'<article id="{name}">', 1)[1].split("</article>", 1)[0]
        assert "<table>" in article and "<svg" in article
        assert "see benchmarks/README.md" not in article


def test_the_committed_portfolio_measured_the_current_code(repo_root: Path) -> None:
    """Like a report, the portfolio goes stale when a product's code changes: `make reports`."""
    import re

    from pm.code_hash import code_hash
    from products import available_products

    text = (repo_root / "docs/case-study/portfolio.md").read_text()
    recorded = {name: digest for digest, name in
                re.findall(r"- Code: sha256:([0-9a-f]{16}) \(products/(\w+)\)", text)}
    assert recorded == {spec.name: code_hash(PRODUCTS_DIR / spec.name)
                        for spec in available_products()}, "run `make reports`"


def test_speeds_in_a_rate_table_do_not_make_a_report_differ() -> None:
    table = "| set | rows | kit rows/s |\n|---|---|---|\n| a | 1000 | {speed} |\n"
    assert same_but_dates(table.format(speed="1,066"), table.format(speed="2,760"))
    other = "| set | rows | accuracy |\n|---|---|---|\n| a | 1000 | {value} |\n"
    assert not same_but_dates(other.format(value="0.876"), other.format(value="0.875"))
