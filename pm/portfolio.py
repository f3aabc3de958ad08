"""`aipm portfolio PRODUCT --out DIR`: a one-page case study in Markdown and self-contained HTML.

The story runs problem → PRD → decisions → eval results → stress results → cost and
latency → what's next. Both files are rendered from one list of sections, so they say the
same thing; the HTML page inlines its CSS and its SVG charts and loads nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from pm.facts import product_paths
from pm.metrics import parse_target, pretty_target
from pm.portfolio_data import CaseStudy, gather
from pm.report_tables import as_number
from pm.svg_charts import Bar, bar_chart
from shared.config import Settings
from shared.ops import format_usd

Table = tuple[list[str], list[list[str]]]


@dataclass
class Section:
    """One part of the story: a heading, paragraphs, bullets, an optional table and chart."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: Table | None = None
    chart: str = ""


def write_case_study(product: str, out: Path, settings: Settings) -> tuple[Path, Path]:
    """Write `<product>-case-study.md` and `.html` into `out`."""
    case = gather(product_paths(product), settings)
    sections = build_sections(case)
    out.mkdir(parents=True, exist_ok=True)
    markdown, page = out / f"{case.product}-case-study.md", out / f"{case.product}-case-study.html"
    markdown.write_text(render_markdown(case, sections), encoding="utf-8")
    page.write_text(render_html(case, sections), encoding="utf-8")
    return markdown, page


def build_sections(case: CaseStudy) -> list[Section]:
    return [Section("Problem", [case.problem or case.pitch]), _prd(case), _decisions(case),
            _evals(case), _stress(case), _traces(case), _next(case)]


def _prd(case: CaseStudy) -> Section:
    verdict = {True: "yes", False: "no", None: "—"}
    rows = [[m.spec.name, m.value, pretty_target(m.spec.target), verdict[m.met]]
            for m in case.metrics]
    with_target = [m for m in case.metrics if m.met is not None]
    bars = [Bar(m.spec.name, as_number(m.value) or 0.0, m.value, _target(m.spec.target), m.met)
            for m in case.metrics if (as_number(m.value) or 2) <= 1]
    return Section(
        f"PRD: success metrics (eval report of {case.report.date})",
        [f"{sum(bool(m.met) for m in with_target)} of {len(with_target)} metrics with a target "
         f"meet it, on the {case.report.engine} engine and the eval set "
         f"{case.report.eval_set}. Targets and methods live in the PRD's metrics spec."],
        table=(["Metric", "Latest", "Target", "Met"], rows),
        chart=bar_chart(bars, "Success metrics vs target (black tick)") if bars else "")


def _target(target: str) -> float | None:
    parsed = parse_target(target)
    return parsed[1] if parsed else None


def _decisions(case: CaseStudy) -> Section:
    shown = [f"{day} — {title}" for day, title in case.decisions[:10]]
    more = len(case.decisions) - len(shown)
    note = [f"{more} more in DECISIONS.md."] if more > 0 else []
    return Section(f"Decisions ({len(case.decisions)} in the decision log)", note, shown)


def _evals(case: CaseStudy) -> Section:
    report = case.report
    heading = f"Eval results: baseline vs LLM (report of {report.date})"
    if case.comparison:
        table = case.comparison
        rows = [[label, *(row.get(c, "—") for c in table.columns)] for label, row in
                table.rows.items()]
        return Section(heading, [f"Measured on {report.eval_set}."],
                       table=([table.row_header or "metric", *table.columns], rows))
    return Section(heading, [
        f"The latest eval ran the {report.engine} engine (model: {report.model}) on "
        f"{report.eval_set}; its numbers are the baseline above. The LLM engine is not in this "
        f"report yet: set a provider key and run `aipm eval {case.cli_name}` to add it."])


def _stress(case: CaseStudy) -> Section:
    if not case.stress:
        return Section("Stress test", [f"Not run yet: `aipm stress {case.cli_name}`."])
    stress = case.stress
    modes = stress.table("Failure modes")
    rows = [[mode, row["passed"], row["cases"], row["result"]] for mode, row in modes.rows.items()]
    bars = [Bar(mode, (as_number(row["passed"]) or 0) / (as_number(row["cases"]) or 1),
                f"{row['passed']}/{row['cases']}", ok=row["result"] == "pass")
            for mode, row in modes.rows.items()]
    rate = stress.cell("Summary", "all cases", "pass rate")
    return Section(
        f"Stress test ({stress.date}, {stress.engine} engine)",
        [f"{stress.cell('Summary', 'all cases', 'passed')} of {stress.cases} adversarial cases "
         f"held (pass rate {rate})."],
        table=(["Failure mode", "Passed", "Cases", "Result"], rows),
        chart=bar_chart(bars, "Adversarial cases held, per failure mode"))


def _traces(case: CaseStudy) -> Section:
    t = case.traces
    operations = ", ".join(f"{k}: {v}" for k, v in t.by_operation.items()) or "none"
    if not t.calls:
        return Section("Cost and latency (trace store)", [
            f"No traced requests for this product yet in {t.trace_file} (traced runs: "
            f"{operations}). Use the product with an LLM key, then rebuild this page."])
    rows = [["Requests traced", f"{t.calls} ({t.errors} errors)"],
            ["Latency p50 / p95", f"{t.p50_ms:.0f} ms / {t.p95_ms:.0f} ms"],
            ["Total cost", format_usd(t.cost_usd)],
            ["Cost per 1,000 requests", format_usd(t.cost_per_1000)],
            ["Traced rows by operation", operations]]
    return Section(f"Cost and latency (traces {t.first} to {t.last})",
                   [f"From {t.trace_file}."], table=(["", "Value"], rows))


def _next(case: CaseStudy) -> Section:
    steps = [f"Raise {m.spec.name} from {m.value} to {pretty_target(m.spec.target)}."
             for m in case.metrics if m.met is False]
    if case.stress:
        steps += [f"Fix the {mode} failures ({row['passed']} of {row['cases']} held)."
                  for mode, row in case.stress.table("Failure modes").rows.items()
                  if row["result"] != "pass"]
    steps += [f"Open question: {q}" for q in case.open_questions[:3]]
    return Section("What's next", bullets=steps)


def render_markdown(case: CaseStudy, sections: list[Section]) -> str:
    parts = [f"# Case study: {case.title}", f"_{case.pitch}_ — generated {case.generated} by "
             f"`aipm portfolio {case.cli_name}` from the eval report, stress report and traces."]
    for section in sections:
        parts += section_markdown(section, "##")
    return "\n\n".join(parts) + "\n"


def section_markdown(section: Section, heading: str) -> list[str]:
    """One section as Markdown blocks under a `heading` ("##" in a case study, "###" in the
    portfolio that holds several)."""
    parts = [f"{heading} {section.heading}", *section.paragraphs]
    if section.bullets:
        parts.append("\n".join(f"- {b}" for b in section.bullets))
    if section.table:
        parts.append(_markdown_table(section.table))
    return parts


def _markdown_table(table: Table) -> str:
    header, rows = table
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


CSS = """body{font-family:system-ui,sans-serif;max-width:880px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}h1{margin-bottom:.2em}
h2{border-bottom:1px solid #ddd;margin-top:1.6em}
table{border-collapse:collapse;margin:.8em 0}td,th{border:1px solid #ddd;padding:.3em .6em;
text-align:left}th{background:#f5f5f5}code{background:#f3f3f3;padding:0 .2em}
.chart{margin:.6em 0}"""


def render_html(case: CaseStudy, sections: list[Section]) -> str:
    body = [f"<h1>Case study: {escape(case.title)}</h1>",
            f"<p><em>{_inline(case.pitch)}</em> — generated {case.generated} by "
            f"<code>aipm portfolio {escape(case.cli_name)}</code> from the eval report, stress "
            "report and traces.</p>"]
    for section in sections:
        body.append(f"<section><h2>{escape(section.heading)}</h2>")
        body += [f"<p>{_inline(p)}</p>" for p in section.paragraphs]
        if section.bullets:
            body.append("<ul>" + "".join(f"<li>{_inline(b)}</li>" for b in section.bullets)
                        + "</ul>")
        body.append(section.chart)
        if section.table:
            body.append(_html_table(section.table))
        body.append("</section>")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>Case study: {escape(case.title)}</title><style>{CSS}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")


def _inline(text: str) -> str:
    """Escape, then turn `code` spans into <code>; nothing else of Markdown is needed."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def _html_table(table: Table) -> str:
    header, rows = table
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    cells = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>"
                    for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>"


__all__ = ["Section", "build_sections", "render_html", "render_markdown", "section_markdown",
           "write_case_study"]
