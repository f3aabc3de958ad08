"""`lint-imports` (import-linter, `.importlinter`) keeps the layers: `make test` runs it, and
so does this test, which also proves each contract can fail on a tree that breaks it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / ".importlinter"),
                           "--no-cache"], cwd=tree, env=env, capture_output=True, text=True)


def test_the_kit_keeps_every_contract() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "3 kept, 0 broken" in done.stdout


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """A miniature kit: the four layers and three products, with the given module bodies."""
    packages = ["shared", "products", "pm", "frontdoors", "products/rag_search",
                "products/feedback_analyzer", "products/resume_assistant"]
    for package in packages:
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").write_text("")
    for name, body in files.items():
        (root / name).write_text(body)
    return root


@pytest.mark.parametrize(("files", "broken"), [
    ({"shared/a.py": "import products\n"}, "front doors -> PM -> products -> shared"),
    ({"products/rag_search/a.py": "from frontdoors import x\n"},
     "front doors -> PM -> products -> shared"),
    ({"pm/a.py": "import frontdoors\n"}, "front doors -> PM -> products -> shared"),
    ({"products/rag_search/a.py": "import products.resume_assistant\n"},
     "No product imports another"),
    ({"shared/a.py": "def f():\n    import shared.b\n", "shared/b.py": "import shared.a\n"},
     "No import circles"),
], ids=["shared-up", "product-up", "pm-up", "product-to-product", "circle"])
def test_each_contract_fails_on_a_tree_that_breaks_it(tmp_path: Path, files: dict[str, str],
                                                      broken: str) -> None:
    done = lint_imports(write_tree(tmp_path / "kit", files))
    assert done.returncode == 1, done.stdout[-3000:]
    broken_lines = [line for line in done.stdout.splitlines() if line.endswith("BROKEN")]
    assert len(broken_lines) == 1 and broken in broken_lines[0], broken_lines


def test_a_clean_miniature_tree_passes(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "kit", {"products/rag_search/a.py": "import shared\n",
                                         "frontdoors/a.py": "import pm\nimport products\n"})
    assert lint_imports(tree).returncode == 0
