"""`aipm prd sync`: rewrite a product's generated PRD block from its latest eval report."""

from __future__ import annotations

from pm.facts import ProductPaths, metrics_block, product_paths
from pm.metrics import default_specs, find_block, replace_block, specs_toml
from pm.prd_sections import REQUIRED_SECTIONS, find_sections, split_sections
from pm.report_tables import read_report


def sync_prd(product: str, init: bool = False) -> tuple[str, bool]:
    """Regenerate the block in `products/<name>/PRD.md`; returns (path, changed).

    `init` first writes a starter `evals/metrics.toml` (every summary number of the report,
    targets empty) when the product has none, so a newly merged product needs one command.
    """
    return sync_paths(product_paths(product), init=init)


def sync_paths(paths: ProductPaths, init: bool = False) -> tuple[str, bool]:
    """The same for any product folder (a fork, a copy under test)."""
    if init and not paths.metrics_spec.is_file():
        specs = default_specs(read_report(paths.report))
        paths.metrics_spec.write_text(specs_toml(specs), encoding="utf-8")
    text = paths.prd.read_text(encoding="utf-8")
    block = metrics_block(paths)
    updated = replace_block(text, block, _metrics_heading(text) if not find_block(text) else None)
    if updated != text:
        paths.prd.write_text(updated, encoding="utf-8")
    return str(paths.prd), updated != text


def _metrics_heading(text: str) -> str | None:
    """The success-metrics heading line a first block goes under."""
    required = next(r for r in REQUIRED_SECTIONS if r.name == "Success metrics")
    sections = find_sections(split_sections(text), required)
    if not sections:
        return None
    return next(line for line in text.splitlines() if line.lstrip("#").strip()
                == sections[0].title and line.startswith("#"))


__all__ = ["sync_paths", "sync_prd"]
