"""`aipm prd check` catches a PRD that contradicts itself or its report, and stale reports."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from frontdoors.cli import build_app
from pm.code_hash import code_hash, code_line, recorded_hash, stamp
from pm.facts import ProductPaths, product_paths
from pm.prd_check import check_prd
from products import available_products


def problems(paths: ProductPaths) -> list[str]:
    return [p.problem for p in check_prd(paths.prd, paths)]


def rag_tree(tmp_path: Path) -> ProductPaths:
    """A whole copy of the RAG package, so its code hash matches the committed reports."""
    real = product_paths("rag")
    root = tmp_path / "rag_search"
    shutil.copytree(real.root, root, ignore=shutil.ignore_patterns("__pycache__"))
    return ProductPaths(spec=real.spec, root=root)


def test_the_committed_prds_pass_through_the_cli(repo_root: Path) -> None:
    """What CI runs: `aipm prd check` on all three products' PRDs, exit code 0."""
    prds = [str(repo_root / "products" / s.name / "PRD.md") for s in available_products()]
    result = CliRunner().invoke(build_app(available_products()), ["prd", "check", *prds])
    assert result.exit_code == 0, result.output


def test_a_copy_with_every_file_passes(tmp_path: Path) -> None:
    assert problems(rag_tree(tmp_path)) == []


def test_a_target_met_in_one_section_and_missed_in_another(tmp_path: Path) -> None:
    paths = rag_tree(tmp_path)
    planted = ("\n## Appendix: scorecard\n\n| Metric | Value | Met |\n|---|---|---|\n"
               "| Citation validity | 1.000 | no |\n")
    paths.prd.write_text(paths.prd.read_text() + planted)
    found = problems(paths)
    assert any(p.startswith("contradiction: 'Citation validity' is marked met in") and
               "missed in 'Appendix: scorecard'" in p for p in found), found
    assert any(p.startswith("contradicts the report: 'Citation validity' is marked missed")
               for p in found), found


def test_met_where_the_report_misses_it(tmp_path: Path) -> None:
    """Abstention recall is 0.476 against >= 0.8 in the report: a prose "met" is a lie."""
    paths = rag_tree(tmp_path)
    text = paths.prd.read_text().replace(
        "## 8. Launch plan", "## 8. Launch plan\n\nAbstention recall is comfortably met.\n", 1)
    paths.prd.write_text(text)
    found = problems(paths)
    assert any(p.startswith("contradicts the report: 'Abstention recall' is marked met in "
                            "'8. Launch plan'") for p in found), found


def test_two_numbers_for_one_metric(tmp_path: Path) -> None:
    paths = rag_tree(tmp_path)
    planted = ("\n## Appendix: old numbers\n\n| Metric | Value |\n|---|---|\n"
               "| Key-fact coverage | 0.750 |\n")
    paths.prd.write_text(paths.prd.read_text() + planted)
    found = problems(paths)
    assert any(p.startswith("contradicts the report: 'Key-fact coverage' shows 0.75 in "
                            "'Appendix: old numbers'") for p in found), found
    assert any(p.startswith("contradiction: 'Key-fact coverage' shows different numbers:")
               and "0.75 in 'Appendix: old numbers'" in p for p in found), found


def test_a_row_showing_the_latest_value_among_others_is_consistent(tmp_path: Path) -> None:
    """A tuned / held-out row holds two numbers; the latest one among them is enough."""
    paths = rag_tree(tmp_path)
    latest = re.search(r"^\| Key-fact coverage \| ([0-9.]+) \|", paths.prd.read_text(),
                       re.MULTILINE)  # the generated block: the latest report's value
    assert latest is not None
    planted = ("\n## Appendix\n\n| Metric | tune / all |\n|---|---|\n"
               f"| Key-fact coverage | 0.123 / {latest.group(1)} |\n")
    paths.prd.write_text(paths.prd.read_text() + planted)
    assert problems(paths) == []


def test_a_report_without_a_code_hash_is_stale(tmp_path: Path) -> None:
    paths = rag_tree(tmp_path)
    text = paths.stress_report.read_text()
    paths.stress_report.write_text("\n".join(line for line in text.splitlines()
                                             if not line.startswith("- Code:")) + "\n")
    assert any(p.startswith("evals/stress.md records no code hash") and
               "`aipm stress rag --update-repo`" in p for p in problems(paths))


def test_a_code_change_makes_every_report_stale(tmp_path: Path) -> None:
    paths = rag_tree(tmp_path)
    before = code_hash(paths.root)
    core = paths.root / "core" / "gate.py"
    core = core if core.exists() else next((paths.root / "core").glob("*.py"))
    core.write_text(core.read_text() + "\n# a change\n")
    assert code_hash(paths.root) != before
    stale = [p for p in problems(paths) if "is older than the code" in p]
    assert {p.split()[0] for p in stale} >= {"evals/report.md", "evals/stress.md"}
    assert all(f"measured sha256:{before}" in p for p in stale)


def test_prose_and_pages_do_not_change_the_hash(tmp_path: Path) -> None:
    paths = rag_tree(tmp_path)
    before = code_hash(paths.root)
    for name in ("README.md", "PRD.md", "ui.py", "evals/report.md", "evals/metrics.toml"):
        (paths.root / name).write_text("changed\n")
    (paths.root / "tools" / "new_script.py").write_text("x = 1\n")
    assert code_hash(paths.root) == before
    (paths.root / "prompts" / "answer_system.v1.md").write_text("changed\n")
    assert code_hash(paths.root) != before


def test_stamp_goes_under_the_date_and_replaces_an_old_one(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    root.mkdir()
    (root / "core.py").write_text("x = 1\n")
    text = "# Eval report: demo\n\n- Date: 2026-12-07\n- Engine: baseline\n"
    once = stamp(text, root)
    assert once.splitlines()[3] == code_line(root)
    assert recorded_hash(once) == code_hash(root)
    (root / "core.py").write_text("x = 2\n")
    twice = stamp(once, root)
    assert twice.count("- Code:") == 1 and recorded_hash(twice) == code_hash(root)


def test_aipm_eval_stamps_its_report(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = CliRunner().invoke(build_app(available_products()),
                                ["eval", "feedback", "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert recorded_hash(out.read_text()) == code_hash(product_paths("feedback").root)


def test_a_benchmark_number_is_read_from_its_file(tmp_path: Path) -> None:
    """`measured_in` + `pattern`: the PRD and the case study show the number, not a link."""
    from pm.metrics import MetricSpec, measure, measured_value
    from pm.report_tables import parse_report
    from shared.errors import BadInput

    (tmp_path / "bench.md").write_text("| baseline pipeline | 14,485 rows/s |\n")
    spec = MetricSpec(name="Throughput", measured_in="bench.md", target=">= 5000",
                      pattern=r"\| baseline pipeline \| ([\d,]+) rows/s")
    assert measured_value(spec, tmp_path) == "14485"
    real = MetricSpec(name="p95", measured_in="benchmarks/README.md", target="<= 30",
                      pattern=r"kit hybrid k=5 p50 / p95 \*\*[\d.]+ / ([\d.]+) ms")
    value = measure([real], parse_report("# r\n"))[0]
    assert value.value.replace(".", "").isdigit() and value.met is not None
    moved = spec.model_copy(update={"pattern": r"no such line ([\d]+)"})
    try:
        measured_value(moved, tmp_path)
    except BadInput as err:
        assert "update `pattern`" in err.message
    else:
        raise AssertionError("a pattern that finds nothing must be an error")
