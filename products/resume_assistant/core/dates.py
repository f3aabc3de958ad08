"""Date ranges in résumé headers: "Mar 2021 – Present", "2018-2020", "06/2019 to 11/2022".

Only the years are interpreted (for "N+ years" requirements); the range itself is always
kept as written, because the guard and the output quote it, never a re-formatted version.
"""

from __future__ import annotations

import re

CURRENT_WORDS = r"(?:present|current|now|today|actualidad|presente|heute|aujourd'hui)"
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_POINT = rf"(?:(?:{_MONTH}\s+|\d{{1,2}}/)?(?:19|20)\d\d)"
DATE_RANGE = re.compile(
    rf"({_POINT})\s*(?:-|–|—|to|until)\s*({_POINT}|{CURRENT_WORDS})", re.IGNORECASE)
SINGLE_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def find_date_range(line: str) -> tuple[str, int | None, int | None]:
    """(the range as written, start year, end year) or ("", None, None) when there is none.

    An open range ("– Present") ends in `current_year`'s stand-in 0, resolved by callers.
    """
    match = DATE_RANGE.search(line)
    if not match:
        return "", None, None
    start = _year(match.group(1))
    end = 0 if re.fullmatch(CURRENT_WORDS, match.group(2), re.IGNORECASE) else _year(
        match.group(2))
    return match.group(0), start, end


def _year(text: str) -> int | None:
    found = SINGLE_YEAR.search(text)
    return int(found.group(0)) if found else None


def years_of_experience(spans: list[tuple[int | None, int | None]], current_year: int) -> float:
    """Years covered by the roles' spans, overlaps merged (two jobs at once count once)."""
    ranges = sorted((start, current_year if end == 0 else end) for start, end in spans
                    if start is not None and end is not None)
    total, last_end = 0, None
    for start, end in ranges:
        start = max(start, last_end) if last_end is not None else start
        if end > start:
            total += end - start
            last_end = end
    return float(total)


__all__ = ["DATE_RANGE", "find_date_range", "years_of_experience"]
