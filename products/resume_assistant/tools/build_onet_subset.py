"""Rebuild `data/onet_technology.txt` from O*NET's "Technology Skills.txt" (issue 24 item 3).

Why a subset: the full file is 32k rows (occupation x product, with UNSPSC commodity
titles); the kit needs only the product and language NAMES postings use as requirements.
Kept: every "Hot Technology" example, then the examples named for the most occupations,
up to `LIMIT` names. Left out, because they are descriptions rather than named tools:
category phrases ("Database reporting software": no capital after the first word; a
one-word name the file also writes in lower case, "Compliance software"), names that
equal a commodity title, and single ordinary-English words that O*NET
lists as products ("Zoom", "Slack", "Chef", "Go") - in a posting those are usually just words.

Usage: python -m products.resume_assistant.tools.build_onet_subset "PATH/Technology Skills.txt"
"""

from __future__ import annotations

import collections
import csv
import re
import sys
from pathlib import Path

from shared.evals.text import normalize_text

OUT = Path(__file__).resolve().parent.parent / "data" / "onet_technology.txt"
LIMIT = 1500
# Kit-written: single-word O*NET product names that are ordinary words (or one letter) in
# postings; matching them would turn "zoom in on details" or "a chef" into a tool requirement.
AMBIGUOUS = frozenset({
    "act", "ada", "appletree", "basecamp", "blender", "blink", "bootstrap", "bowtie", "c",
    "canu", "chef", "compilers", "eko", "ethereal", "forth", "go", "google", "hms", "j",
    "litchi", "loom", "modula", "pascal", "puppet", "r", "react", "scheme", "seesaw", "slack",
    "snort", "squeegee", "swift", "tadpoles", "zoom", "blat", "magic"})
SOURCE = "bstunney/onet-analysis, commit b01bdf77910d509252bfde1dd3322a8a1f694b08"
HEADER = f"""\
# O*NET Technology Skills subset: named software, languages and tools that postings ask for.
# Source: O*NET 28.2 Database (U.S. Department of Labor, Employment and Training
# Administration), file "Technology Skills.txt", as published in the GitHub repository
# {SOURCE}
# (its README: "O*NET Database ... March 2024", the release current then; the file itself
# carries no release number, its columns match the 27.1-30.x layout). Version: O*NET 28.2.
# Licence: CC BY 4.0. Attribution (as O*NET asks): "This file includes information from
# the O*NET 28.2 Database by the U.S. Department of Labor, Employment and Training
# Administration (USDOL/ETA). Used under the CC BY 4.0 license. O*NET(R) is a trademark of
# USDOL/ETA." The selection and lowercase normalisation below were made by the kit;
# USDOL/ETA has not approved, endorsed or tested these modifications.
# Subset: every Hot Technology, then the most-named examples (by occupations), {LIMIT} names,
# minus descriptions and ordinary words (see tools/build_onet_subset.py, which rebuilds it).
# Format as synonyms.txt: "name: alias" (an acronym O*NET appends, "... XML", is the name).
"""


def _is_description(name: str) -> bool:
    """A category phrase, not a product: several words and no capital after the first word."""
    words = name.replace("software", "").split()
    return len(words) != 1 and not any(c.isupper() for w in words[1:] for c in w) and \
        not any(c.isupper() for c in words[0][1:]) if words else True


def _is_kind(name: str, hot: bool) -> bool:
    """"Budgeting software", "Firewall software": one plain word before "software" names a
    kind of program; kept only when O*NET marks it hot ("Salesforce software") or the word
    is spelt as a brand is ("HubSpot software", "SAP software")."""
    words = name.split()
    return (len(words) == 2 and words[1].lower() == "software" and not hot and
            not any(c.isupper() or c.isdigit() for c in words[0][1:]))


def _forms(name: str) -> tuple[str, list[str]]:
    """(canonical, aliases): "Amazon Web Services AWS software" -> ("aws", ["amazon web
    services", "amazon web services aws"]); an ending acronym is the short name postings use."""
    words = name.split()
    if len(words) > 1 and words[-1].lower() == "software":
        words = words[:-1]
    canonical = normalize_text(" ".join(words))
    aliases = []
    if len(words) > 2 and words[-1].isupper() and words[-1].isalpha() and len(words[-1]) > 1 \
            and _abbreviates(words[-1], words[:-1]):
        return words[-1].lower(), [normalize_text(" ".join(words[:-1])), canonical]
    return canonical, aliases


def _abbreviates(acronym: str, words: list[str]) -> bool:
    """Whether the acronym's letters appear, in order, in the words before it ("HTML" in
    "Hypertext markup language"), so "The MathWorks MATLAB" keeps MATLAB as part of the name."""
    letters = iter("".join(words).lower())
    return all(char in letters for char in acronym.lower())


def subset(rows: list[dict[str, str]], limit: int = LIMIT) -> list[tuple[str, list[str]]]:
    """The kept names, most-used first, each with its aliases."""
    occupations: dict[str, set[str]] = collections.defaultdict(set)
    hot, titles = set(), {normalize_text(r["Commodity Title"]) for r in rows}
    for row in rows:
        occupations[row["Example"]].add(row["O*NET-SOC Code"])
        if row["Hot Technology"] == "Y":
            hot.add(row["Example"])
    ranked = sorted(occupations, key=lambda n: (n not in hot, -len(occupations[n]), n))
    ordinary = _lowercase_words(rows)
    kept, seen = [], set()
    for name in ranked:
        canonical, aliases = _forms(name)
        if (len(canonical) < 2 or canonical in AMBIGUOUS or canonical in seen or
                {canonical, normalize_text(name)} & titles or canonical in ordinary or
                _is_description(name) or _is_kind(name, name in hot)):
            continue
        seen.add(canonical)
        kept.append((canonical, [a for a in aliases if a not in AMBIGUOUS and len(a) > 1]))
        if len(kept) == limit:
            break
    return kept


def _lowercase_words(rows: list[dict[str, str]]) -> set[str]:
    """Words the file itself writes in lower case ("Fund accounting software"): a one-word
    name among them ("Accounting software" -> "accounting") is a category, not a product."""
    texts = (row[column] for row in rows for column in ("Example", "Commodity Title"))
    return {word for text in texts for word in re.findall(r"[\w+#.-]+", text)
            if word.islower()}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_file():
        sys.stderr.write("usage: build_onet_subset.py 'PATH/Technology Skills.txt' "
                         "(the O*NET text release, tab-separated)\n")
        return 2
    with open(argv[0], encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    lines = [f"{name}: {', '.join(aliases)}" if aliases else f"{name}:"
             for name, aliases in subset(rows)]
    OUT.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {len(lines)} names to {OUT}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
