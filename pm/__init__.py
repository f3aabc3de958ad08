"""The PM layer: PRDs that cannot go stale, stress packs, forks and case studies.

Pure logic (no streamlit, no typer): `frontdoors/pm_cli.py` adds the `aipm prd|stress|fork|
portfolio` commands and `frontdoors/hub_pages/pm.py` is the hub's PM page. Every command
works over the product registry, so a product merged later is covered without a change
here; it brings `evals/report.md`, `evals/metrics.toml` (`aipm prd sync NAME --init` starts
one) and `stress.py`.
"""

from __future__ import annotations

from pm.facts import ProductPaths, product_paths
from pm.fork import ForkResult, fork_product
from pm.portfolio import write_case_study
from pm.prd_check import CheckResult, Problem, check_prd, check_prds
from pm.prd_new import new_prd
from pm.prd_sync import sync_prd
from pm.stress_report import StressRun, run_stress_pack

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
