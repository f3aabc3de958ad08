"""`aipm prd new`: a PRD from the template, prefilled with what a built product already knows.

Known placeholders (`{{title}}`, `{{metrics_table}}`, …) are replaced; every other `{{…}}` is
left for the PM, and `aipm prd check` lists them. Facts come from the same files the PM layer
reads everywhere (eval report, metrics spec, stress pack), never typed in.
"""

from __future__ import annotations

import re
from pathlib import Path

from pm.facts import ProductPaths, metrics_block, product_paths
from pm.report_tables import read_report
from shared.errors import AIPMError, BadInput

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "prd_templates"
KNOWN = re.compile(r"\{\{([a-z_]+)\}\}")
BLANK_METRICS = (
    "| Metric | Target | How measured | Source |\n|---|---|---|---|\n"
    "| {{metric name}} | {{e.g. ≥ 0.85}} | {{how it is computed, on which set}} | "
    "{{eval or trace metric}} |"
)

BLANK_FACTS = {
    "metrics_table": BLANK_METRICS,
    "pitch": "{{One-line pitch: what it does, for whom.}}",
    "code": "{{where the code lives}}",
    "model_and_data": "{{Which model, embedder, prompts and data, and why these.}}",
    "baseline_vs_llm": "{{The baseline, its score, and the score the LLM must reach.}}",
    "eval_plan": "{{Eval set, metrics, and when the eval runs.}}",
    "stress_link": "{{Link to your stress-test results.}}",
}


def new_prd(name: str, out_dir: Path, product: str | None = None,
            templates_dir: Path = TEMPLATES_DIR) -> Path:
    """Write `out_dir/PRD.md`; an existing file is never overwritten."""
    target = out_dir / "PRD.md"
    if target.exists():
        raise BadInput(f"{target} already exists. Pick another --out folder or move it aside.")
    template = (templates_dir / "PRD.md").read_text(encoding="utf-8")
    values = {**BLANK_FACTS, "title": name}
    if product:
        values |= product_facts(product_paths(product))
    out_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(fill(template, values), encoding="utf-8")
    return target


def fill(template: str, values: dict[str, str]) -> str:
    """Replace the known `{{key}}` placeholders; leave the rest for a person."""
    return KNOWN.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def product_facts(paths: ProductPaths) -> dict[str, str]:
    """What a built product can say about itself, section by section."""
    facts = {"pitch": paths.spec.pitch, "code": f"`products/{paths.spec.name}/` (fork it with "
             f"`aipm fork {paths.spec.name} DEST`)"}
    try:
        facts |= _report_facts(paths)
    except AIPMError as err:
        facts["eval_plan"] = f"{{{{No eval report yet: {err.message}}}}}"
    if paths.stress_pack.is_file():
        facts["stress_link"] = (f"Stress results: [evals/stress.md](evals/stress.md), written by "
                                f"`aipm stress {paths.spec.cli_name}`.")
    return facts


def _report_facts(paths: ProductPaths) -> dict[str, str]:
    report = read_report(paths.report)
    cli = paths.spec.cli_name
    facts = {
        "eval_plan": (f"`aipm eval {cli}` runs `{report.eval_set}` ({report.cases} cases) and "
                      f"writes `evals/report.md`. It measures {report.measures or 'see report'}. "
                      f"Latest run: {report.date}, engine `{report.engine}`."),
        "baseline_vs_llm": (f"The latest report ({report.date}) ran the `{report.engine}` engine "
                            f"with model `{report.model}`. Run `aipm eval {cli}` with and "
                            "without an LLM key to fill in the comparison."),
        "model_and_data": (f"Data: `products/{paths.spec.name}/data/`. Eval set: "
                           f"`evals/{report.eval_set.split(' ')[0]}`. Model: {{{{which LLM and "
                           "why}}}}."),
    }
    if paths.metrics_spec.is_file():
        facts["metrics_table"] = metrics_block(paths)
    return facts


__all__ = ["TEMPLATES_DIR", "fill", "new_prd", "product_facts"]
