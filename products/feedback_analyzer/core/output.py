"""The output file: every input column, then the per-row fields, one line per input row."""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from products.feedback_analyzer.core.models import ANALYSIS_FIELDS, AnalyzedRow, leaning_of

if TYPE_CHECKING:
    from products.feedback_analyzer.core.pipeline import Labelled


def output_header(columns: list[str]) -> list[str]:
    """Input columns plus the analysis fields; a field that clashes with an input column is
    written as `analysis_<field>` so no input value is overwritten."""
    taken = set(columns)
    return [*columns, *(f"analysis_{f}" if f in taken else f for f in ANALYSIS_FIELDS)]


def output_cells(item: AnalyzedRow | Labelled) -> list[str]:
    """One output line: the row's own cells, then its analysis."""
    analysis = item.analysis
    score = "" if analysis.sentiment_score is None else f"{analysis.sentiment_score:.4f}"
    return [*item.row.values, analysis.sentiment or "", score, ";".join(analysis.aspects),
            analysis.reason, analysis.status, analysis.error, item.row.flag,
            leaning_of(analysis) or ""]


class OutputWriter:
    """Streams analysed rows to a UTF-8 CSV (with a BOM so Excel shows accents right)."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(output_header(columns))

    def write(self, item: AnalyzedRow | Labelled) -> None:
        self._writer.writerow(output_cells(item))

    def __enter__(self) -> OutputWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._handle.close()


__all__ = ["OutputWriter", "output_cells", "output_header"]
