"""The portfolio: every product's case study in one offline HTML file (and its Markdown twin).

Each product gets the same story as `aipm portfolio PRODUCT` (problem, PRD metrics with a
table and an inline SVG chart, decisions, evals, stress results with a table and a chart,
cost and latency, what's next), so the page carries its numbers itself: no link to follow,
no script, no font or image to fetch. `make reports` writes `docs/case-study/portfolio.html`
from the reports it just regenerated; the header records each product's code hash.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from pm.code_hash import code_hash
from pm.facts import ProductPaths
from pm.portfolio import (
    CSS,
    Section,
    _html_table,
    _inline,
    build_sections,
    section_markdown,
)
from pm.portfolio_data import CaseStudy, gather
from products import PRODUCTS_DIR, get_product
from shared.config import Settings

TRACE_NOTE = "the data dir's traces.sqlite"  # not a machine's temp path: the file must reproduce


def gather_all(roots: dict[str, Path], settings: Settings) -> list[tuple[CaseStudy, str]]:
    """(case study, code hash) per product, read from `roots` (a product's PM files)."""
    cases = []
    for name, root in roots.items():
        case = gather(ProductPaths(spec=get_product(name), root=root), settings)
        case.traces.trace_file = TRACE_NOTE
        cases.append((case, code_hash(PRODUCTS_DIR / name)))
    return cases


def write_portfolio(roots: dict[str, Path], out: Path, settings: Settings) -> tuple[Path, Path]:
    """Write `portfolio.md` and `portfolio.html` into `out`."""
    cases = gather_all(roots, settings)
    out.mkdir(parents=True, exist_ok=True)
    markdown, page = out / "portfolio.md", out / "portfolio.html"
    markdown.write_text(render_markdown(cases), encoding="utf-8")
    page.write_text(render_html(cases), encoding="utf-8")
    return markdown, page


def _intro(cases: list[tuple[CaseStudy, str]]) -> str:
    return (f"Three AI products, each with its PRD metrics, stress results and decisions, "
            f"generated {cases[0][0].generated} by `make reports` from the committed reports "
            "(offline engines, no LLM).") if cases else "No product is built yet."


def render_markdown(cases: list[tuple[CaseStudy, str]]) -> str:
    parts = ["# Portfolio: AI PM Starter Kit", _intro(cases)]
    for case, digest in cases:
        parts += [f"## {case.title}", f"_{case.pitch}_", f"- Code: sha256:{digest} "
                  f"(products/{case.product})"]
        for section in build_sections(case):
            parts += section_markdown(section, "###")
    return "\n\n".join(parts) + "\n"


def _html_section(section: Section) -> str:
    body = [f"<h3>{escape(section.heading)}</h3>"]
    body += [f"<p>{_inline(p)}</p>" for p in section.paragraphs]
    if section.bullets:
        body.append("<ul>" + "".join(f"<li>{_inline(b)}</li>" for b in section.bullets) + "</ul>")
    body.append(section.chart)
    if section.table:
        body.append(_html_table(section.table))
    return "".join(body)


def render_html(cases: list[tuple[CaseStudy, str]]) -> str:
    toc = "".join(f'<li><a href="#{escape(c.product)}">{escape(c.title)}</a></li>'
                  for c, _ in cases)
    body = ["<h1>Portfolio: AI PM Starter Kit</h1>", f"<p>{_inline(_intro(cases))}</p>",
            f"<ul>{toc}</ul>"]
    for case, digest in cases:
        body.append(f'<article id="{escape(case.product)}"><h2>{escape(case.title)}</h2>'
                    f"<p><em>{_inline(case.pitch)}</em></p>"
                    f"<p><code>Code: sha256:{digest} (products/{escape(case.product)})</code></p>")
        body += [f"<section>{_html_section(s)}</section>" for s in build_sections(case)]
        body.append("</article>")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Portfolio: AI PM Starter Kit</title><style>{CSS}"
            "h3{margin-top:1.2em}svg{max-width:100%;height:auto}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")


__all__ = ["gather_all", "render_html", "render_markdown", "write_portfolio"]
