"""Which column is the text, the id, the date and the star rating, guessed from a sample.

The text column is the longest free-text column (most letters and spaces on average); names
only break ties. A column given by the user wins, and a name that does not exist is an error
that lists the columns there are. Dates are normalised to ISO (YYYY-MM-DD) so trends can group
by month whatever the export's format; star ratings on a 0-10 (NPS) scale map onto 1-5.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache

from products.feedback_analyzer.core.models import BadTable

SAMPLE_ROWS = 2000
_ID_NAME = re.compile(r"(^|[\s_-])(id|key|uuid)$|^(id|ref|number|no\.?)$", re.IGNORECASE)
_DATE_NAME = re.compile(r"date|time|created|submitted|posted|day", re.IGNORECASE)
_STARS_NAME = re.compile(r"star|rating|score|nps|rate", re.IGNORECASE)
_TEXT_NAME = re.compile(r"review|comment|text|feedback|body|message|content|verbatim",
                        re.IGNORECASE)
_DATE_SHAPE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2} [A-Za-z]{3} \d{4}|"
                         r"[A-Za-z]{3} \d{1,2}, \d{4}")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%d %b %Y", "%b %d, %Y")


@lru_cache(maxsize=8192)
def parse_date(value: str) -> str | None:
    """ISO date for the common export formats (first 19 characters), else None. Cached and
    with an ISO fast path: exports repeat the same few hundred dates over millions of rows."""
    value = value.strip()
    if not value or not value[0].isalnum() or not _DATE_SHAPE.match(value):
        return None
    with contextlib.suppress(ValueError):  # not ISO: the other export formats below
        return date.fromisoformat(value[:10]).isoformat()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value[:19] if "T" in value else value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def parse_number(value: str) -> float | None:
    """A number from a cell ("4", "4.0", "4,5"), else None."""
    try:
        return float(value.strip().replace(",", "."))
    except ValueError:
        return None


def resolve_column(columns: Sequence[str], wanted: str) -> str:
    """The column named `wanted` (case and spaces ignored), or an error listing the columns."""
    for column in columns:
        if column.strip().lower() == wanted.strip().lower():
            return column
    raise BadTable(f"There is no column named '{wanted}'. Columns: {', '.join(columns)}. "
                   "Pass one of them with --text-column.")


def text_score(values: Sequence[str]) -> float:
    """Mean length of cells that look like prose (letters and spaces); numbers score 0."""
    cells = [v for v in values if v.strip()]
    if not cells:
        return 0.0
    prose = [v for v in cells if any(c.isalpha() for c in v) and parse_number(v) is None]
    if len(prose) < len(cells) / 2:
        return 0.0
    words = sum(v.count(" ") + 1 for v in prose)
    return words / len(cells)


def detect_text_column(columns: Sequence[str], sample: Sequence[Sequence[str]]) -> str:
    """The column whose cells hold the most words on average; a prose-like name breaks ties."""
    scores = {c: text_score([row[i] for row in sample]) + (0.5 if _TEXT_NAME.search(c) else 0)
              for i, c in enumerate(columns)}
    best = max(scores, key=lambda c: scores[c])
    named = [c for c in columns if _TEXT_NAME.search(c)]
    if scores[best] < 1.5 and named:
        return named[0]  # mostly empty or short cells, but the name says where the text is
    if scores[best] < 1.5:
        raise BadTable(f"No column holds free text (columns: {', '.join(columns)}). Pass the "
                       "one with the feedback with --text-column.")
    return best


def detect_id_column(columns: Sequence[str], sample: Sequence[Sequence[str]]) -> str | None:
    """A column named like an id whose sampled values are unique and non-empty."""
    for i, column in enumerate(columns):
        values = [row[i].strip() for row in sample]
        if _ID_NAME.search(column.strip()) and all(values) and len(set(values)) == len(values):
            return column
    return None


def detect_date_column(columns: Sequence[str], sample: Sequence[Sequence[str]]) -> str | None:
    """A column where at least 80% of non-empty cells parse as dates (date-like names first)."""
    ordered = sorted(range(len(columns)), key=lambda i: not _DATE_NAME.search(columns[i]))
    for i in ordered:
        cells = [row[i] for row in sample if row[i].strip()]
        if cells and sum(parse_date(c) is not None for c in cells) >= 0.8 * len(cells):
            return columns[i]
    return None


def detect_stars_column(columns: Sequence[str], sample: Sequence[Sequence[str]]
                        ) -> tuple[str | None, float]:
    """A rating-named column of numbers in 0..10, and its scale (5 stars or 10-point NPS)."""
    for i, column in enumerate(columns):
        if not _STARS_NAME.search(column):
            continue
        numbers = [parse_number(row[i]) for row in sample if row[i].strip()]
        if numbers and all(n is not None and 0 <= n <= 10 for n in numbers):
            return column, 10.0 if max(n for n in numbers if n is not None) > 5 else 5.0
    return None, 5.0


_GROUP_NAME = re.compile(r"product|plan|channel|version|platform|tier|segment|app|store|region",
                         re.IGNORECASE)
_EFFORT_NAME = re.compile(r"^(?:effort|estimate|size|story[ _-]?points?)\b", re.IGNORECASE)
MAX_GROUPS = 30


def detect_group_column(columns: Sequence[str], sample: Sequence[Sequence[str]]) -> str | None:
    """A product/plan/channel/version-like column to split results by: its name says so and it
    holds 2 to `MAX_GROUPS` distinct values (a column of unique values is no grouping)."""
    for i, column in enumerate(columns):
        if not _GROUP_NAME.search(column):
            continue
        values = {row[i].strip() for row in sample if row[i].strip()}
        if 2 <= len(values) <= MAX_GROUPS and len(values) < len(sample):
            return column
    return None


def detect_effort_column(columns: Sequence[str], sample: Sequence[Sequence[str]]) -> str | None:
    """An `effort` (estimate, size, story points) column of non-negative numbers, if any: the
    team's own sizing, which the backlog then uses instead of asking for it."""
    for i, column in enumerate(columns):
        if not _EFFORT_NAME.search(column.strip()):
            continue
        numbers = [parse_number(row[i]) for row in sample if row[i].strip()]
        if numbers and all(n is not None and n > 0 for n in numbers):
            return column
    return None


def stars_from(value: str, scale: float) -> float | None:
    """A 1-5 star value from a cell; a 0-10 score maps linearly (0 -> 1, 10 -> 5)."""
    number = parse_number(value) if value else None
    if number is None or not 0 <= number <= scale:
        return None
    return round(1 + 4 * number / 10, 2) if scale == 10.0 else number


__all__ = [
    "SAMPLE_ROWS",
    "detect_date_column",
    "detect_effort_column",
    "detect_group_column",
    "detect_id_column",
    "detect_stars_column",
    "detect_text_column",
    "parse_date",
    "parse_number",
    "resolve_column",
    "stars_from",
    "text_score",
]
