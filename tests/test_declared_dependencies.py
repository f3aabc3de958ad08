"""Every third-party import in the shipped packages is declared in [project.dependencies]."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("shared", "products", "pm", "frontdoors")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_levels() -> dict[str, str]:
    found: dict[str, str] = {}
    for pkg in SHIPPED:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def _declared() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {
        _norm(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0])
        for spec in data["project"]["dependencies"]
    }


def test_every_shipped_import_is_declared():
    dists = packages_distributions()
    declared = _declared()
    missing = {}
    for top, where in _imported_top_levels().items():
        if top in sys.stdlib_module_names or top in SHIPPED or top == "__future__":
            continue
        owners = {_norm(d) for d in dists.get(top, [])}
        assert owners, f"{top} (imported in {where}) is not installed"
        if not owners & declared:
            missing[top] = (sorted(owners), where)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
