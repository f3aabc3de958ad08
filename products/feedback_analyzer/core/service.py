"""The calls the CLI, the API and the page make: same inputs, same results, whichever door.

`analyze_file` opens the file, builds (or loads) the aspect taxonomy, picks the engine from the
options and settings, streams every row through it into the output CSV, then builds the PM
report (themes, executive summary, backlog) from the counts and a sample of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from products.feedback_analyzer.core.aspects import (
    AspectTagger,
    Taxonomy,
    load_taxonomy,
    propose_taxonomy,
)
from products.feedback_analyzer.core.baseline import BaselineEngine
from products.feedback_analyzer.core.checkpoint import Checkpoint, run_key
from products.feedback_analyzer.core.models import PRODUCT, RunSummary, TableInfo
from products.feedback_analyzer.core.pipeline import (
    Progress,
    RunOutcome,
    run_summary,
    stream_analysis,
)
from products.feedback_analyzer.core.reader import FeedbackTable, open_table
from products.feedback_analyzer.core.summary import Counts, ThemeCandidate
from shared.config import Settings
from shared.embeddings import get_embedder
from shared.progress import WorkControl
from shared.tables import TableLimits

if TYPE_CHECKING:  # the LLM client and the report load only when used (keyless start-up)
    from products.feedback_analyzer.core.llm_engine import LLMEngine
    from products.feedback_analyzer.core.report import FeedbackReport

TAXONOMY_SAMPLE_ROWS = 20_000
EngineChoice = Literal["auto", "baseline", "llm"]


class AnalyzeOptions(BaseModel):
    """Every choice a run takes; the CLI flags, API form fields and page widgets map onto it."""

    model_config = ConfigDict(extra="forbid")

    text_column: str | None = None
    sheet: str | None = None
    engine: EngineChoice = "auto"
    out: Path | None = None
    taxonomy: Path | None = None
    resume: bool = False
    max_cost: float | None = None
    batch_api: bool = False
    rows_per_request: int = 20
    concurrency: int | None = None
    redact: bool = True
    by: str | None = None  # the column to split summary, charts and backlog by
    workers: int = Field(1, ge=1, le=64)  # keyless engine: processes labelling chunks


class AnalysisResult(BaseModel):
    """A finished run: the summary the CLI prints plus what the report and page show."""

    summary: RunSummary
    info: TableInfo
    counts: Counts
    taxonomy: Taxonomy
    candidates: list[ThemeCandidate]
    problem_count: int = 0
    trace_id: str | None = None  # the run's trace row: what a 👍/👎 (POST /v1/ratings) names


def resolve_engine(settings: Settings, choice: EngineChoice) -> Literal["baseline", "llm"]:
    """`auto` is the LLM when a provider is configured, else the baseline."""
    return settings.engine if choice == "auto" else choice


def default_output(path: Path) -> Path:
    """`reviews.csv` -> `reviews.analyzed.csv` beside it."""
    return path.with_name(f"{path.stem}.analyzed.csv")


def taxonomy_for(settings: Settings, table: FeedbackTable, path: Path | None) -> Taxonomy:
    """The user's edited taxonomy, or one proposed from the first rows of this file."""
    if path is not None:
        return load_taxonomy(path)
    texts = table.texts(TAXONOMY_SAMPLE_ROWS)
    return propose_taxonomy(texts, get_embedder(settings, product=PRODUCT))


def analyze_file(settings: Settings, path: str | Path, options: AnalyzeOptions | None = None,
                 progress: Progress | None = None,
                 control: WorkControl | None = None) -> AnalysisResult:
    """Analyse every row of a CSV/TSV/XLSX file and write the output CSV. With `control`
    (the CLI's bar, the hub's job) the rows are counted first so progress has a total and an
    ETA, and a cancel stops the run between two chunks keeping the rows already written."""
    from shared.ops import open_trace_store
    from shared.tracing import trace_operation

    options = options or AnalyzeOptions()
    path = Path(path)
    table = open_table(path, text_column=options.text_column, sheet=options.sheet,
                       limits=TableLimits.from_settings(settings), by=options.by)
    taxonomy = taxonomy_for(settings, table, options.taxonomy)
    out = options.out or default_output(path)
    engine_name = resolve_engine(settings, options.engine)
    stop = None
    if control is not None:
        if control.needs_total and not control.total:
            control.total = sum(1 for _ in table.rows())
        progress = _both(progress, control.advance)
        stop = lambda: control.cancelled  # noqa: E731
    with trace_operation(open_trace_store(settings), product=PRODUCT, operation="analyze",
                         engine=engine_name) as trace:
        if engine_name == "llm":
            result = analyze_with_llm(settings, path, table, taxonomy, options, out, progress,
                                      stop=stop)
        else:
            result = _analyze_with_baseline(table, taxonomy, out, progress, stop,
                                            options.workers)
        trace.items = result.summary.rows
    return result.model_copy(update={"trace_id": trace.trace_id})


def _both(first: Progress | None, second: Progress) -> Progress:
    """One progress callback feeding two listeners (a caller's and the control's)."""
    if first is None:
        return second

    def both(done: int) -> None:
        first(done)
        second(done)

    return both


def _analyze_with_baseline(table: FeedbackTable, taxonomy: Taxonomy, out: Path,
                           progress: Progress | None,
                           stop: Callable[[], bool] | None = None,
                           workers: int = 1) -> AnalysisResult:
    outcome = stream_analysis(table, BaselineEngine(AspectTagger(taxonomy)), out, progress,
                              stop=stop, workers=workers)
    summary = run_summary(outcome, engine="baseline", model=None, pii={}, cost_usd=0.0,
                          output=out)
    return _result(summary, outcome, taxonomy, table)


def _result(summary: RunSummary, outcome: RunOutcome, taxonomy: Taxonomy,
            table: FeedbackTable) -> AnalysisResult:
    return AnalysisResult(summary=summary, info=outcome.info, counts=outcome.counts,
                          taxonomy=taxonomy, candidates=outcome.candidates,
                          problem_count=table.problem_count)




def llm_engine_for(settings: Settings, path: Path, taxonomy: Taxonomy,
                   options: AnalyzeOptions) -> tuple[LLMEngine, Checkpoint]:
    """The LLM engine with its checkpoint loaded (`--resume`) or cleared (a fresh run)."""
    from products.feedback_analyzer.core.llm_engine import PROMPT_PATH, LLMEngine
    from shared.llm import get_llm

    llm = get_llm(settings, product=PRODUCT)
    aspects = list(taxonomy)
    key = run_key(path, f"{llm.provider}:{llm.model}", aspects, PROMPT_PATH.name)
    checkpoint = Checkpoint(settings, key)
    if not options.resume:
        checkpoint.clear()
    engine = LLMEngine(llm, aspects, rows_per_request=options.rows_per_request,
                       concurrency=options.concurrency, max_cost=options.max_cost,
                       redact=options.redact, on_results=checkpoint.append)
    engine.results.update(checkpoint.load())
    return engine, checkpoint


def analyze_with_llm(settings: Settings, path: Path, table: FeedbackTable, taxonomy: Taxonomy,
                     options: AnalyzeOptions, out: Path, progress: Progress | None,
                     engine: LLMEngine | None = None,
                     stop: Callable[[], bool] | None = None) -> AnalysisResult:
    """Stream the file through the LLM engine (a fresh one, or one pre-filled by a batch)."""
    engine = engine or llm_engine_for(settings, path, taxonomy, options)[0]
    in_flight = options.rows_per_request * (options.concurrency or settings.llm_concurrency)
    try:
        outcome = stream_analysis(table, engine, out, progress, chunk_rows=4 * in_flight,
                                  stop=stop)
    finally:
        engine.close()
    summary = run_summary(outcome, engine="llm", model=f"{engine.llm.provider}:{engine.llm.model}",
                          pii=dict(engine.pii), cost_usd=engine.cost_usd, output=out)
    return _result(summary, outcome, taxonomy, table)


def build_report(settings: Settings, result: AnalysisResult) -> FeedbackReport:
    """Themes, grounded summary and backlog from a finished run. An LLM run has the model name
    the themes and write the summary; the grounding check runs on either."""
    from products.feedback_analyzer.core.llm_report import llm_summary_and_names
    from products.feedback_analyzer.core.report import (
        FeedbackReport,
        backlog,
        ground_claims,
        templated_summary,
        texts_by_id,
    )
    from products.feedback_analyzer.core.themes import find_themes
    from shared.llm import get_llm

    themes = find_themes(result.candidates, get_embedder(settings, product=PRODUCT))
    claims, note = None, ""
    if result.summary.engine == "llm":
        themes, claims, note = llm_summary_and_names(get_llm(settings, product=PRODUCT),
                                                     result.counts, themes)
    claims = ground_claims(claims or templated_summary(result.counts, themes),
                           texts_by_id(result.candidates))
    return FeedbackReport(counts=result.counts, themes=themes, summary=claims,
                          backlog=backlog(themes), engine=result.summary.engine, note=note)


__all__ = [
    "AnalysisResult",
    "AnalyzeOptions",
    "EngineChoice",
    "analyze_file",
    "analyze_with_llm",
    "build_report",
    "default_output",
    "llm_engine_for",
    "resolve_engine",
    "taxonomy_for",
]
