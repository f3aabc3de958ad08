"""Numbers in a PRD that cannot both be true, and reports older than the code they measure.

`aipm prd check` already compares the generated metrics block with the latest report. A PRD
is also written by hand, in many sections, so it can say the same thing twice and disagree:
a target marked met in one table and missed in another, a value typed in one section and a
different one in another, or "met" where the latest report misses the target. Each of those
is a problem, named with both places. A metric is recognised by its name (or an alias) in
`evals/metrics.toml`, as the first cell of a table row or in a prose sentence.

The reports themselves are claims about one version of the code: every `evals/*.md` report
must record the hash of the product's code it measured (`pm/code_hash.py`), and a
report without it, or with another hash, is stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pm.code_hash import code_hash, recorded_hash
from pm.facts import ProductPaths
from pm.metrics import BLOCK_PATTERN, MetricValue, pretty_target
from pm.prd_sections import Section
from pm.report_tables import ParsedReport, as_number, pipe_blocks, split_row
from shared.text import split_sentences

MET = {"yes", "met", "✅", "✓", "pass", "passed", "achieved"}
MISSED = {"no", "not met", "missed", "❌", "✗", "fail", "failed", "not achieved"}
VERDICT_HEADERS = ("met", "status", "result", "verdict")
PROSE_VERDICT = re.compile(r"\b(not met|missed|met)\b", re.IGNORECASE)
REPORTS_SECTION = "Reports"


@dataclass(frozen=True)
class Claim:
    """What one place in the PRD says about one metric: a value, a verdict, or both."""

    metric: str
    where: str
    value: float | None
    met: bool | None


def verdict(cell: str) -> bool | None:
    """"yes" / "**no**" / "✅" / "not met" → True / False; anything else says nothing."""
    text = cell.replace("*", "").replace("`", "").strip().lower()
    if text in MET:
        return True
    if text in MISSED:
        return False
    return None


def _metric_names(values: list[MetricValue]) -> dict[str, str]:
    """Every lower-cased name or alias → the metric's own name."""
    return {name: value.spec.name for value in values for name in value.spec.names()}


def _clean(cell: str) -> str:
    return cell.replace("*", "").replace("`", "").strip().lower()


def table_claims(section: Section, names: dict[str, str],
                 latest: dict[str, float | None] | None = None) -> list[Claim]:
    """Rows of the section's own tables whose first cell names a metric.

    A row may hold several numbers (tuned / held-out, accuracy / F1): its value is the
    metric's latest value when the row shows it anywhere, else the row's first number.
    """
    latest = latest or {}
    claims = [Claim(c.metric, c.where, None, c.met) for block in BLOCK_PATTERN.findall(
        section.body) for c in _row_claims(block, section.title, names, {})]
    # the generated block's numbers are checked against the report apart; its verdicts count
    return claims + _row_claims(BLOCK_PATTERN.sub("", section.body), section.title, names,
                                latest)


def _row_claims(body: str, where: str, names: dict[str, str],
                latest: dict[str, float | None]) -> list[Claim]:
    claims = []
    for header, rows in _tables(body):
        column = next((i for i, h in enumerate(header) if _clean(h) in VERDICT_HEADERS), None)
        for row in rows:
            metric = names.get(_clean(row[0]))
            if metric is None:
                continue
            met = verdict(row[column]) if column is not None and column < len(row) else None
            numbers = row_numbers(row[1:])
            wanted = latest.get(metric)
            value = wanted if shows(numbers, wanted) else (numbers[0][0] if numbers else None)
            claims.append(Claim(metric, where, value, met))
    return claims


def prose_claims(section: Section, names: dict[str, str]) -> list[Claim]:
    """A sentence outside tables that names a metric and says it is met, missed or not met."""
    text = "\n".join(line for line in BLOCK_PATTERN.sub("", section.body).splitlines()
                     if not line.lstrip().startswith("|"))
    claims = []
    for sentence in split_sentences(text, ends=".;!?"):
        lowered = sentence.lower()
        for name, metric in names.items():
            if name in lowered and (word := PROSE_VERDICT.search(lowered.split(name, 1)[1])):
                claims.append(Claim(metric, section.title, None,
                                    word.group(1).lower() == "met"))
    return claims


def _tables(body: str) -> list[tuple[list[str], list[list[str]]]]:
    return [(split_row(b[0]), [split_row(line) for line in b[2:]])
            for b in pipe_blocks(body) if len(b) > 2]


def row_numbers(cells: list[str]) -> list[tuple[float, int]]:
    """Every number printed in the cells with its decimals ("0.876 / 0.788" gives two)."""
    text = " ".join(cells).replace("*", "").replace("/", " ").replace("(", " ")
    found = []
    for word in text.split():
        word = word.strip(",;:)[]×x%")
        if (number := as_number(word)) is not None:
            found.append((number, len(word.split(".")[1]) if "." in word else 0))
    return found


def shows(numbers: list[tuple[float, int]], value: float | None) -> bool:
    """Does the row print `value`, at its own precision ("182 ms" shows 182.4)?"""
    return value is not None and any(abs(n - value) <= 0.5 * 10 ** -d + 1e-9
                                     for n, d in numbers)


def own_sections(sections: list[Section]) -> list[Section]:
    """Each section with only its own text (up to its first subsection), so nothing counts twice."""
    return [Section(s.title, s.level, ("\n" + s.body).split("\n#", 1)[0]) for s in sections]


def consistency_gaps(sections: list[Section], values: list[MetricValue],
                     report: ParsedReport) -> list[tuple[str, str]]:
    """Claims that contradict each other or the latest report."""
    names = _metric_names(values)
    numbers = {v.spec.name: as_number(v.value) for v in values}
    claims = [c for s in own_sections(sections)
              for c in table_claims(s, names, numbers) + prose_claims(s, names)]
    latest = {v.spec.name: v for v in values}
    gaps = _contradictions(claims)
    gaps += [gap for claim in claims if (gap := _against_report(claim, latest[claim.metric],
                                                                report))]
    return list(dict.fromkeys(gaps))


def _contradictions(claims: list[Claim]) -> list[tuple[str, str]]:
    gaps = []
    for metric in dict.fromkeys(c.metric for c in claims):
        mine = [c for c in claims if c.metric == metric]
        met = next((c for c in mine if c.met is True), None)
        missed = next((c for c in mine if c.met is False), None)
        if met and missed:
            gaps.append(("Success metrics", f"contradiction: '{metric}' is marked met in "
                         f"'{met.where}' and missed in '{missed.where}'"))
        shown = {c.value: c for c in mine if c.value is not None}
        if len(shown) > 1:
            places = "; ".join(f"{value:g} in '{c.where}'" for value, c in shown.items())
            gaps.append(("Success metrics", f"contradiction: '{metric}' shows different "
                         f"numbers: {places}"))
    return gaps


def _against_report(claim: Claim, latest: MetricValue,
                    report: ParsedReport) -> tuple[str, str] | None:
    measured = as_number(latest.value)
    source = f"the latest report ({report.date}) gives {latest.value} against " \
             f"{pretty_target(latest.spec.target)}"
    if claim.met is not None and latest.met is not None and claim.met != latest.met:
        said = "met" if claim.met else "missed"
        return ("Success metrics", f"contradicts the report: '{claim.metric}' is marked {said} "
                f"in '{claim.where}' but {source}")
    if claim.value is not None and measured is not None and claim.value != measured:
        return ("Success metrics", f"contradicts the report: '{claim.metric}' shows "
                f"{claim.value:g} in '{claim.where}' but {source}")
    return None


def report_files(product: ProductPaths) -> list[Path]:
    """Every report the product commits: `evals/report*.md` and `evals/stress.md`."""
    evals = product.root / "evals"
    found = sorted(evals.glob("report*.md")) if evals.is_dir() else []
    return found + ([product.stress_report] if product.stress_report.is_file() else [])


def stale_reports(product: ProductPaths) -> list[tuple[str, str]]:
    """A report whose header records no code hash, or the hash of other code, is stale."""
    current = code_hash(product.root)
    gaps = []
    for path in report_files(product):
        name = path.relative_to(product.root).as_posix()
        recorded = recorded_hash(path.read_text(encoding="utf-8"))
        fix = f"regenerate it with `make reports` ({_command(product, path)})"
        if recorded is None:
            gaps.append((REPORTS_SECTION, f"{name} records no code hash, so nothing says which "
                         f"code it measured; {fix}"))
        elif recorded != current:
            gaps.append((REPORTS_SECTION, f"{name} is older than the code: it measured "
                         f"sha256:{recorded}, the code is now sha256:{current}; {fix}"))
    return gaps


def _command(product: ProductPaths, path: Path) -> str:
    cli = product.spec.cli_name
    if path == product.stress_report:
        return f"or `aipm stress {cli} --update-repo`"
    if path == product.report:
        return f"or `aipm eval {cli}`"
    return "it lists the command of every report"


__all__ = ["Claim", "consistency_gaps", "report_files", "row_numbers", "shows", "stale_reports",
           "verdict"]
