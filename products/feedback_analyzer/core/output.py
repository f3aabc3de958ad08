"""The output file: every input column, then the per-row fields, one line per input row."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from products.feedback_analyzer.core.models import ANALYSIS_FIELDS, AnalyzedRow, leaning_of
from shared.csv_out import SafeCsvWriter
from shared.files import atomic_text_writer

if TYPE_CHECKING:
    from products.feedback_analyzer.core.models import Labelled


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
    """Streams analysed rows to a UTF-8 CSV (with a BOM so Excel shows accents right); a cell
    a spreadsheet would run as a formula is written as text (`shared.csv_out`), and the file
    is written to a temp file and renamed into place when complete (`shared.files`)."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path = path
        self._columns = columns
        self._file = atomic_text_writer(path, encoding="utf-8-sig")

    def write(self, item: AnalyzedRow | Labelled) -> None:
        self._writer.writerow(output_cells(item))

    def write_many(self, items: list[AnalyzedRow] | list[Labelled]) -> None:
        """A chunk of rows in order, in one writer call when none holds a formula cell."""
        self._writer.write_texts([output_cells(item) for item in items])

    def __enter__(self) -> OutputWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = SafeCsvWriter(self._file.__enter__())
        self._writer.writerow(output_header(self._columns))
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """The file appears whole at `path` after a clean run; after an error (a full disk,
        Ctrl-C) the temp file is removed and an earlier output at `path` stays as it was."""
        self._file.__exit__(exc_type, exc, tb)


__all__ = ["OutputWriter", "output_cells", "output_header"]
