"""Each built product forks into a repository that installs from its own pyproject and passes
its own `make test`, with nothing borrowed from the kit.

Each clone gets a fresh `.venv` that `make test` creates, and pip installs the fork's own
pyproject from the package index as a user's would (no `.pth`, no `--no-index`, nothing from
this kit's environment; the kit's folder is not on PYTHONPATH). To keep it quick the union of the
three forks' pinned requirements is downloaded once into a temporary wheel folder that every
install also searches (`PIP_FLAGS=--find-links DIR`), and the three forks install and test in
parallel. Then each fork's own CLI answers `--help` and one real command on its sample data.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import ProductSpec, available_products

pytestmark = pytest.mark.e2e
FORK_TIMEOUT_S = 1500
Forks = dict[str, tuple[Path, subprocess.CompletedProcess[str], float]]  # clone, make test, s

# One real command per product, run by the fork's own console script: (arguments, JSON check).
REAL_COMMANDS = {
    "rag_search": (["search", "refund window annual plans", "--mode", "bm25", "-k", "3",
                    "--json"], lambda out: len(out["results"]) == 3
                   and out["results"][0]["source"] == "billing/refund-policy.md"),
    "feedback_analyzer": (["estimate", "products/feedback_analyzer/data/reviews.csv", "--json"],
                          lambda out: out["rows"] > 0),
    "resume_assistant": (["analyze",
                          "products/resume_assistant/data/resumes/maya_okafor_product_manager.md",
                          "--jd", "products/resume_assistant/data/jobs/"
                          "senior_pm_growth_northwind.md", "--json"],
                         lambda out: 0 <= out["match_score"] <= 100),
}
PREPARE = {"rag_search": [["ingest", "products/rag_search/data", "--json"]]}


def clean_env(**extra: str) -> dict[str, str]:
    """The user's environment, minus this kit's venv on PATH and anything on PYTHONPATH."""
    kit_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p != kit_bin)
    keep = {k: v for k, v in os.environ.items()
            if k in ("HOME", "LANG", "TMPDIR") or k.startswith("PIP_")}
    return keep | {"PATH": path, "HF_HUB_OFFLINE": "1"} | extra


def fork_and_clone(spec: ProductSpec, root: Path) -> Path:
    fork = root / f"{spec.name}-fork"
    result = CliRunner().invoke(build_app(available_products()),
                                ["fork", spec.cli_name, str(fork), "--json"])
    assert result.exit_code == 0, result.output
    clone = root / spec.name
    subprocess.run(["git", "clone", "-q", str(fork), str(clone)], check=True)
    return clone


def download_wheels(clones: list[Path], wheels: Path) -> None:
    """Every pinned requirement of the three forks, fetched once from the index."""
    union = sorted({line for clone in clones for name in ("requirements.txt",
                                                          "requirements-dev.txt")
                    for line in (clone / name).read_text().split() if line})
    wheels.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(wheels),
                    "hatchling", "editables", *union], check=True, env=clean_env())


@pytest.fixture(scope="module")
def forked() -> Iterator[Forks]:
    """Fork, clone and run `make test` in every fork at once; the results by product."""
    root = Path(tempfile.mkdtemp(prefix="aipm-fork-test-"))
    started = time.perf_counter()
    clones = {spec.name: fork_and_clone(spec, root) for spec in available_products()}
    download_wheels(list(clones.values()), root / "wheels")
    # --no-compile: pip skips byte-compiling ~1 GB per venv (imports compile what they use).
    env = clean_env(PIP_FLAGS=f"--find-links {root / 'wheels'} --no-compile",
                    PYTHON=getattr(sys, "_base_executable", sys.executable))
    running = {name: subprocess.Popen(["make", "test", f"PYTHON={env['PYTHON']}"], cwd=clone,
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      text=True) for name, clone in clones.items()}
    results = {}
    for name, process in running.items():
        output, _ = process.communicate(timeout=FORK_TIMEOUT_S)
        results[name] = (clones[name], subprocess.CompletedProcess(
            process.args, process.returncode, output, ""), time.perf_counter() - started)
    print(f"\nfork test: three forks installed and tested in {time.perf_counter() - started:.0f}s")
    yield results
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.timeout(FORK_TIMEOUT_S + 300)
@pytest.mark.parametrize("spec", available_products(), ids=lambda s: s.name)
def test_a_fork_installs_from_its_own_pyproject_and_passes_its_own_make_test(
        spec: ProductSpec, forked: Forks) -> None:
    clone, done, _ = forked[spec.name]
    assert done.returncode == 0, done.stdout[-4000:]
    assert " passed" in done.stdout and " failed" not in done.stdout
    assert not (clone / "frontdoors").exists() and not (clone / "pm").exists()
    others = [s.name for s in available_products() if s.name != spec.name]
    assert not any((clone / "products" / other).exists() for other in others)
    python = clone / ".venv" / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import products, shared, streamlit, sys; "
                            "print(products.__file__, shared.__file__, streamlit.__file__)"],
                           cwd=clone, env=clean_env(), capture_output=True, text=True, check=True)
    for location in where.stdout.split():
        assert location.startswith(str(clone)), location  # nothing from the kit's folders


@pytest.mark.timeout(FORK_TIMEOUT_S + 300)
@pytest.mark.parametrize("spec", available_products(), ids=lambda s: s.name)
def test_a_forks_own_cli_answers_help_and_one_real_command(
        spec: ProductSpec, forked: Forks) -> None:
    clone, done, _ = forked[spec.name]
    assert done.returncode == 0, done.stdout[-4000:]
    cli = clone / ".venv" / "bin" / spec.cli_name
    env = clean_env(AIPM_DATA_DIR=str(clone / ".aipm"))
    helped = subprocess.run([str(cli), "--help"], cwd=clone, env=env, capture_output=True,
                            text=True)
    assert helped.returncode == 0 and "Commands" in helped.stdout, helped.stderr
    for argv in PREPARE.get(spec.name, []):
        subprocess.run([str(cli), *argv], cwd=clone, env=env, capture_output=True, check=True)
    argv, check = REAL_COMMANDS[spec.name]
    ran = subprocess.run([str(cli), *argv], cwd=clone, env=env, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert check(json.loads(ran.stdout)), ran.stdout[:3000]
