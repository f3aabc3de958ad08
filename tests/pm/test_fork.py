"""`aipm fork`: what the standalone repository holds (the full clone-and-test run is e2e)."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from pm.fork import KIT_ROOT, fork_product, product_closure
from pm.fork_imports import imported_modules
from shared.errors import BadInput


@pytest.fixture(scope="module")
def rag_fork(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("fork") / "my-rag"
    fork_product("rag", dest)
    return dest


def test_the_fork_holds_the_product_and_only_the_platform_it_imports(rag_fork: Path) -> None:
    home = rag_fork / "products" / "rag_search"
    for name in ("PRD.md", "DECISIONS.md", "README.md", "evals/golden.jsonl", "evals/report.md",
                 "prompts/answer_system.v1.md", "core/service.py", "api.py", "ui.py"):
        assert (home / name).is_file(), name
    assert (rag_fork / "shared/llm/pricing.json").is_file()
    assert (rag_fork / "tests/products/rag_search/test_ingest.py").is_file()
    # The kit's front doors and PM layer stay behind, and so do the tests that drive them.
    assert not (rag_fork / "frontdoors").exists() and not (rag_fork / "pm").exists()
    assert not (rag_fork / "tests/products/rag_search/test_api.py").exists()
    assert not (rag_fork / "shared/ops.py").exists()  # nothing in rag_search imports it
    assert list((rag_fork / "products/rag_search/data").rglob("*.md"))
    assert not (rag_fork / "benchmarks").exists()
    assert not (rag_fork / "tests/products/test_server.py").exists()


def test_every_copied_import_of_the_kit_resolves_inside_the_fork(rag_fork: Path) -> None:
    missing = []
    for path in [*(rag_fork / "products").rglob("*.py"), *(rag_fork / "tests").rglob("*.py")]:
        names = {n for n in imported_modules(path, rag_fork)
                 if n.split(".")[0] in ("shared", "products", "tests")}
        missing += [f"{path.name}: {n}" for n in names if not module_exists(rag_fork, n)]
    assert missing == []


def module_exists(root: Path, name: str) -> bool:
    base = root.joinpath(*name.split("."))
    parent = root.joinpath(*name.split(".")[:-1])
    return (base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()
            or parent.with_suffix(".py").is_file() or (parent / "__init__.py").is_file())


def test_pyproject_lists_only_what_the_code_imports(rag_fork: Path) -> None:
    project = tomllib.loads((rag_fork / "pyproject.toml").read_text())["project"]
    names = " ".join(project["dependencies"])
    assert "chromadb" in names and "bm25s" in names and "fastapi" in names
    assert "vaderSentiment" not in names  # the feedback analyzer's, not RAG's
    assert "wordllama" in names  # found with importlib.util.find_spec, not imported
    assert project["scripts"] == {"rag": "products.rag_search.cli:app"}
    assert "playwright" not in " ".join(project["optional-dependencies"]["dev"])


def test_readme_has_two_commands_and_git_has_one_commit(rag_fork: Path) -> None:
    readme = (rag_fork / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    log = subprocess.run(["git", "log", "--oneline"], cwd=rag_fork, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert len(log) == 1 and "forked from the AI PM Starter Kit" in log[0]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=rag_fork, capture_output=True,
                            text=True, check=True).stdout
    assert status == ""
    assert (rag_fork / ".ci/run").stat().st_mode & 0o111
    registry = (rag_fork / "products/__init__.py").read_text()
    assert "spec.name == 'rag_search'" in registry


def test_fork_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(BadInput, match="not empty"):
        fork_product("rag", tmp_path)


def test_the_fork_carries_what_a_free_streamlit_host_runs(rag_fork: Path) -> None:
    entry = (rag_fork / "streamlit_app.py").read_text()
    assert '"rag_search" / "ui.py"' in entry
    pins = (rag_fork / "requirements.txt").read_text().split()
    assert all("==" in pin for pin in pins)
    assert any(pin.startswith("chromadb==") for pin in pins)
    assert not any(pin.startswith(("vadersentiment==", "pytest==")) for pin in pins)
    assert "gatherUsageStats = false" in (rag_fork / ".streamlit/config.toml").read_text()
    readme = (rag_fork / "README.md").read_text()
    assert "streamlit_app.py" in readme and "3. " in readme
    assert "AppTest" in (rag_fork / "tests/test_fork_entries.py").read_text()


def test_an_upward_import_in_a_product_is_refused(tmp_path: Path) -> None:
    kit = tmp_path / "kit"
    shutil.copytree(KIT_ROOT / "products", kit / "products",
                    ignore=shutil.ignore_patterns("__pycache__", "data", "evals"))
    (kit / "frontdoors").mkdir()
    (kit / "frontdoors" / "__init__.py").write_text("")
    (kit / "products/rag_search/reach.py").write_text("import frontdoors\n")
    with pytest.raises(BadInput, match="may import only shared"):
        product_closure(kit, "rag_search")


def test_a_package_looked_up_by_name_counts_as_an_import() -> None:
    names = imported_modules(KIT_ROOT / "shared" / "_wordllama.py", KIT_ROOT)
    assert "wordllama" in names  # importlib.util.find_spec("wordllama"): never imported
