"""Numbers as values, for the guard: "two patents", "9,000", "9 000", "1.5k", "$2M", "40%",
"20-30%", "twenty-five" are compared by what they mean, not by how they are written.

A claim is each number in a generated unit with the content words around it (three each
side); it is supported when the résumé states the same value with more than half of those
words (or two of them) around it: "two patents" fails against "1 patent" even though a "2"
appears elsewhere, and "Interviewed 9,000 merchants" fails against "Interviewed 60
merchants … used by 9,000 merchants". Years are compared by value only; a percentage only
with a percentage ("30% more staff" is not "30 staff"). A range is two values, both needed:
"20-40%" against "20-30%" fails on 40.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "one" and "single" are left out: "one of the", "a single source" are not counts.
UNITS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
         "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
         "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12,
         "twice": 2, "triple": 3, "tripled": 3, "doubled": 2}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "k": 1_000, "m": 1_000_000, "mm": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000,
          "lakh": 100_000, "lakhs": 100_000, "crore": 10_000_000, "crores": 10_000_000}
_WORD = "|".join(sorted((re.escape(w) for w in UNITS), key=len, reverse=True))
_SCALE = r"(?:\s*(?:hundred|thousand|million|billion|lakhs?|crores?)|(?:k|mm|m|bn|b)\b)"
DIGITS = r"\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
NUMBER = re.compile(
    rf"(?<![\w.])(?P<num>{DIGITS}|(?:{_WORD})(?:[\s-](?:{_WORD}))?)(?P<scale>{_SCALE})?"
    rf"(?:\s*(?:-|–|to)\s*(?P<upper>{DIGITS})(?P<uscale>{_SCALE})?)?(?P<pct>\s*(?:%|percent\b))?",
    re.IGNORECASE)
WORD = re.compile(r"[a-z]{3,}")
FILLER = frozenset({"the", "and", "for", "with", "over", "more", "than", "about", "around",
                    "nearly", "almost", "roughly", "approximately", "new", "total", "plus",
                    "across", "different", "distinct", "major", "key", "our", "their", "his",
                    "her", "per", "cent", "times", "each", "all"})
YEAR = range(1950, 2100)


WINDOW = 3


@dataclass(frozen=True)
class Quantity:
    """One value, the content-word stems around it (empty for a year), and its text."""

    value: float
    context: frozenset[str]
    text: str
    percent: bool = False


def _value(number: str, scale: str | None) -> float:
    cleaned = re.sub(r"[,\u202f\u00a0 ]", "", number.lower())
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        value = float(cleaned)
    else:
        value = float(sum(UNITS.get(part, 0) for part in re.split(r"[\s-]+", number.lower())))
        if number.lower() in UNITS:
            value = float(UNITS[number.lower()])
    if scale:
        value *= SCALES[scale.strip().lower()]
    return value


def quantities(text: str) -> list[Quantity]:
    """Every number of the text as values (a range gives two), with its counted word."""
    found: list[Quantity] = []
    for match in NUMBER.finditer(text):
        before = re.split(r"[.;!?\n]", text[:match.start()])[-1]
        after = re.split(r"[.;!?\n]", text[match.end():])[0]
        around = _stems(before)[-WINDOW:] + _stems(after)[:WINDOW]
        values = [_value(match.group("num"), match.group("scale"))]
        if match.group("upper"):
            values.append(_value(match.group("upper"), match.group("uscale") or
                                 match.group("scale")))
        found.extend(Quantity(v, frozenset() if v in YEAR else frozenset(around),
                              match.group(0).strip(), bool(match.group("pct")))
                     for v in values)
    return found


def _stems(text: str) -> list[str]:
    """Content words cut to 5-letter stems ("patents" -> "paten")."""
    return [w[:5] for w in WORD.findall(text.lower()) if w not in FILLER]


def unsupported_quantities(unit: str, source: str) -> list[str]:
    """The unit's numbers the source does not state (value, and value with its noun)."""
    have = quantities(source)
    claims = quantities(unit)
    stated_here = {q.value for q in claims}
    missing = [claim.text for claim in claims if not _supported(claim, have, stated_here)]
    return list(dict.fromkeys(missing))


def _supported(claim: Quantity, have: list[Quantity], stated_here: set[float]) -> bool:
    """Same value with most of its words around it; or with some of them, when no other
    résumé number (one this unit does not also state) sits closer to those words."""
    same = [len(claim.context & q.context) for q in have
            if q.value == claim.value and q.percent == claim.percent]
    if not same:
        return False
    if not claim.context:
        return True
    best = max(same)
    if best >= 2 or best > len(claim.context) / 2:
        return True
    rivals = [len(claim.context & q.context) for q in have if q.value not in stated_here]
    return best >= 1 and max(rivals, default=0) <= best


__all__ = ["Quantity", "quantities", "unsupported_quantities"]
