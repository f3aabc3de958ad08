"""Where a product's PM artefacts live, and what they say: one lookup every PM command shares.

A product is found through the registry (`products/__init__.py`), so the PM layer covers
every product whose package exists, including ones merged after this module was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pm.metrics import (
    MetricValue,
    default_specs,
    load_metric_specs,
    measure,
    render_block,
)
from pm.report_tables import ParsedReport, read_report
from products import PRODUCTS_DIR, ProductSpec, available_products, get_product
from shared.errors import NotFound

DECISION_DAY = re.compile(r"^## (\d{4}-\d{2}-\d{2})")
DECISION_TITLE = re.compile(r"^### (.+)$")


@dataclass(frozen=True)
class ProductPaths:
    """The files the PM layer reads and writes for one product."""

    spec: ProductSpec
    root: Path

    @property
    def prd(self) -> Path:
        return self.root / "PRD.md"

    @property
    def decisions(self) -> Path:
        return self.root / "DECISIONS.md"

    @property
    def report(self) -> Path:
        return self.root / "evals" / "report.md"

    @property
    def metrics_spec(self) -> Path:
        return self.root / "evals" / "metrics.toml"

    @property
    def stress_report(self) -> Path:
        return self.root / "evals" / "stress.md"

    @property
    def stress_pack(self) -> Path:
        return self.root / "stress.py"

    @property
    def sync_command(self) -> str:
        return f"aipm prd sync {self.spec.cli_name}"


def product_paths(name: str, products_dir: Path = PRODUCTS_DIR) -> ProductPaths:
    """A built product by name or CLI name; an unbuilt one is a clear error."""
    try:
        spec = get_product(name)
    except KeyError as err:
        raise NotFound(str(err.args[0])) from err
    if spec not in available_products():
        raise NotFound(f"{spec.title} is not built in this checkout yet; `aipm doctor` lists "
                       "what is available.")
    return ProductPaths(spec=spec, root=products_dir / spec.name)


def product_for_prd(path: Path) -> ProductPaths | None:
    """The built product whose folder holds this PRD, or None for a stand-alone PRD."""
    resolved = path.resolve()
    for spec in available_products():
        if resolved == (PRODUCTS_DIR / spec.name / "PRD.md").resolve():
            return ProductPaths(spec=spec, root=PRODUCTS_DIR / spec.name)
    return None


def latest_metrics(paths: ProductPaths, *, allow_default: bool = False
                   ) -> tuple[ParsedReport, list[MetricValue]]:
    """The latest report and every success metric's value in it.

    Without `evals/metrics.toml`, `allow_default` shows every summary number of the report
    (case study, hub); the PRD commands keep requiring the spec, since only it has targets.
    """
    report = read_report(paths.report)
    if allow_default and not paths.metrics_spec.is_file():
        return report, measure(default_specs(report), report)
    return report, measure(load_metric_specs(paths.metrics_spec), report)


def metrics_block(paths: ProductPaths) -> str:
    """The generated PRD block for this product, from its latest report."""
    report, values = latest_metrics(paths)
    return render_block(values, report, paths.sync_command)


def decision_titles(path: Path) -> list[tuple[str, str]]:
    """(date, title) of every `### decision` in a decision log, in file order."""
    if not path.is_file():
        return []
    day, found = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := DECISION_DAY.match(line):
            day = match.group(1)
        elif match := DECISION_TITLE.match(line):
            found.append((day, match.group(1).strip()))
    return found


__all__ = [
    "ProductPaths",
    "decision_titles",
    "latest_metrics",
    "metrics_block",
    "product_for_prd",
    "product_paths",
]
