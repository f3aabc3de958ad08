"""The feedback analyzer's pure pipeline (no streamlit, fastapi or typer): read, analyse,
summarise, evaluate. The front doors import what they need from here."""

from products.feedback_analyzer.core.models import (
    PRODUCT,
    AnalyzedRow,
    BadTable,
    Estimate,
    FeedbackRow,
    RowAnalysis,
    RunSummary,
    TableInfo,
)
from products.feedback_analyzer.core.reader import FeedbackTable, open_table
from products.feedback_analyzer.core.service import (
    AnalysisResult,
    AnalyzeOptions,
    analyze_file,
    default_output,
)

__all__ = [
    "PRODUCT",
    "AnalysisResult",
    "AnalyzeOptions",
    "AnalyzedRow",
    "BadTable",
    "Estimate",
    "FeedbackRow",
    "FeedbackTable",
    "RowAnalysis",
    "RunSummary",
    "TableInfo",
    "analyze_file",
    "default_output",
    "open_table",
]
