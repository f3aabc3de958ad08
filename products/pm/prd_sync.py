"""`aipm prd sync`: rewrite a product's generated PRD block from its latest eval report."""

from __future__ import annotations

from products.pm.facts import ProductPaths, metrics_block, product_paths
from products.pm.metrics import find_block, replace_block
from products.pm.prd_sections import REQUIRED_SECTIONS, find_sections, split_sections


def sync_prd(product: str) -> tuple[str, bool]:
    """Regenerate the block in `products/<name>/PRD.md`; returns (path, changed)."""
    return sync_paths(product_paths(product))


def sync_paths(paths: ProductPaths) -> tuple[str, bool]:
    """The same for any product folder (a fork, a copy under test)."""
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
