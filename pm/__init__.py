"""The PM layer: PRDs that cannot go stale, stress packs, forks and case studies.

Pure logic (no streamlit, no typer): `frontdoors/pm_cli.py` adds the `aipm prd|stress|fork|
portfolio` commands and `frontdoors/hub_pages/pm.py` is the hub's PM page. Every command
works over the product registry, so a product merged later is covered without a change
here; it brings `evals/report.md`, `evals/metrics.toml` (`aipm prd sync NAME --init` starts
one) and `stress.py`.
"""

from __future__ import annotations

import importlib
from typing import Any

# Names load on first use: `aipm eval` imports pm.eval_stamp at start-up, and a one-shot
# `aipm rag ask` must not pay for the portfolio, fork and trace-report modules.
_HOMES = {
    "ProductPaths": "pm.facts", "product_paths": "pm.facts",
    "ForkResult": "pm.fork", "fork_product": "pm.fork",
    "write_case_study": "pm.portfolio",
    "CheckResult": "pm.prd_check", "Problem": "pm.prd_check", "check_prd": "pm.prd_check",
    "check_prds": "pm.prd_check",
    "new_prd": "pm.prd_new",
    "sync_prd": "pm.prd_sync",
    "StressRun": "pm.stress_report", "run_stress_pack": "pm.stress_report",
}


def __getattr__(name: str) -> Any:
    """The public name from its module, imported the first time someone asks for it."""
    if name not in _HOMES:
        raise AttributeError(f"module 'pm' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)


__all__ = [
    "CheckResult",
    "ForkResult",
    "Problem",
    "ProductPaths",
    "StressRun",
    "check_prd",
    "check_prds",
    "fork_product",
    "new_prd",
    "product_paths",
    "run_stress_pack",
    "sync_prd",
    "write_case_study",
]
