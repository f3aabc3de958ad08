"""Horizontal bar charts as inline SVG: no JavaScript, no fonts to fetch, open anywhere offline.

Used by the case-study HTML page. Each bar can carry a target tick, so "0.683 against a bar of
0.85" is visible at a glance. Text is escaped; sizes are fixed so the page lays out the same
in every browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

LABEL_WIDTH = 260
BAR_WIDTH = 320
ROW_HEIGHT = 26
GOOD, BAD, NEUTRAL = "#2e7d32", "#c62828", "#1565c0"


@dataclass(frozen=True)
class Bar:
    """One row: a label, a value on [0, scale], its text, an optional target and its verdict."""

    label: str
    value: float
    text: str
    target: float | None = None
    ok: bool | None = None


def bar_chart(bars: list[Bar], title: str, scale: float = 1.0) -> str:
    """An accessible SVG (`role="img"` with a title) with one bar per row."""
    height = ROW_HEIGHT * len(bars) + 34
    width = LABEL_WIDTH + BAR_WIDTH + 90
    rows = "".join(_row(bar, index, scale) for index, bar in enumerate(bars))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" class="chart">'
            f"<title>{escape(title)}</title>"
            f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>'
            f"{rows}</svg>")


def _row(bar: Bar, index: int, scale: float) -> str:
    y = 28 + index * ROW_HEIGHT
    share = max(0.0, min(bar.value / scale, 1.0)) if scale else 0.0
    colour = {True: GOOD, False: BAD, None: NEUTRAL}[bar.ok]
    parts = [
        f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" font-size="12" text-anchor="end">'
        f"{escape(_short(bar.label))}</text>",
        f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{BAR_WIDTH}" height="16" fill="#eeeeee"/>',
        f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{share * BAR_WIDTH:.1f}" height="16" '
        f'fill="{colour}"/>',
        f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 15}" font-size="12">'
        f"{escape(bar.text)}</text>",
    ]
    if bar.target is not None and scale:
        x = LABEL_WIDTH + min(bar.target / scale, 1.0) * BAR_WIDTH
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + 22}" stroke="#000" '
                     'stroke-width="2"><title>target</title></line>')
    return "".join(parts)


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


__all__ = ["Bar", "bar_chart"]
