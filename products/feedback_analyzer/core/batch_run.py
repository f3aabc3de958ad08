"""`--batch-api`: send an LLM run through the provider's batch endpoint (half price, results
within 24 h) and collect it later with `aipm feedback collect JOB`.

Submit builds exactly the requests a live run would send (same redaction, ~20 rows each, the
same schema) and saves what is needed to finish the run: the job, the file, the options, the
taxonomy and which text each local row id stands for. Collect accepts batch replies with the
live engine's checks, records them in the run's checkpoint, then finishes the run as a resumed
live run: rows the batch left out or got wrong are sent again live (retried as usual) and the
output CSV is written in input order, like any other run.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from products.feedback_analyzer.core.llm_engine import RowLabels, request_text
from products.feedback_analyzer.core.models import PRODUCT
from products.feedback_analyzer.core.pipeline import Progress
from products.feedback_analyzer.core.reader import open_table
from products.feedback_analyzer.core.service import (
    AnalysisResult,
    AnalyzeOptions,
    analyze_with_llm,
    default_output,
    llm_engine_for,
    taxonomy_for,
)
from shared.config import Settings
from shared.errors import BadInput, BadModelOutput, NotFound
from shared.llm import BatchJob, BatchRequest, Message, get_llm
from shared.tables import TableLimits

FOLDER = "feedback_batches"


class BatchRun(BaseModel):
    """What `collect` needs, saved as JSON under the data dir."""

    job: BatchJob
    input_path: str
    options: AnalyzeOptions
    taxonomy: dict[str, list[str]]
    batches: dict[str, list[tuple[str, str, str]]]


def state_path(settings: Settings, job_id: str) -> Path:
    return settings.data_path(FOLDER, f"{job_id.replace('/', '_')}.json")


def submit_batch_run(settings: Settings, path: str | Path,
                     options: AnalyzeOptions) -> BatchRun:
    """Send every distinct text as batch requests; nothing is written to the output yet."""
    path = Path(path)
    table = open_table(path, text_column=options.text_column, sheet=options.sheet,
                       limits=TableLimits.from_settings(settings))
    taxonomy = taxonomy_for(settings, table, options.taxonomy)
    engine, _ = llm_engine_for(settings, path, taxonomy, options)
    batches = engine.batches(engine.pending_texts(table.rows()))
    if not batches:
        raise BadInput(f"{path.name} has no text left to send: every row is empty or done.")
    requests = [batch_request(f"b{i}", batch, engine.system, engine.max_tokens())
                for i, batch in enumerate(batches)]
    job = engine.llm.submit_batch(requests)
    run = BatchRun(job=job, input_path=str(path.resolve()), options=options, taxonomy=taxonomy,
                   batches={f"b{i}": batch for i, batch in enumerate(batches)})
    state_path(settings, job.id).write_text(run.model_dump_json(), encoding="utf-8")
    return run


def batch_request(custom_id: str, batch: list[tuple[str, str, str]], system: str,
                  max_tokens: int) -> BatchRequest:
    """The same request a live run sends for these rows, as one batch item."""
    text = request_text([(local, sent) for local, sent, _ in batch])
    return BatchRequest(custom_id=custom_id, system=system, max_tokens=max_tokens,
                        messages=[Message(role="user", content=text)],
                        json_schema=RowLabels.model_json_schema(), schema_name="RowLabels")


def load_run(settings: Settings, job_id: str) -> BatchRun:
    path = state_path(settings, job_id)
    if not path.exists():
        raise NotFound(f"No batch job '{job_id}' in {path.parent}. Start one with "
                       "`aipm feedback analyze FILE --batch-api`.")
    return BatchRun.model_validate_json(path.read_text(encoding="utf-8"))


def collect_batch_run(settings: Settings, job_id: str, progress: Progress | None = None
                      ) -> tuple[BatchJob, AnalysisResult | None]:
    """(job, None) while the provider is still working; (job, result) once written."""
    run = load_run(settings, job_id)
    llm = get_llm(settings, product=PRODUCT)
    job = llm.poll_batch(run.job)
    if job.status == "in_progress":
        return job, None
    if job.status != "completed":
        raise BadInput(f"Batch {job_id} ended as {job.status}; rerun the file without "
                       "--batch-api (finished rows are kept with --resume).")
    path = Path(run.input_path)
    options = run.options.model_copy(update={"resume": True})
    engine, checkpoint = llm_engine_for(settings, path, run.taxonomy, options)
    items = llm.collect_batch(job, schema=RowLabels)
    for item in items:
        batch = run.batches.get(item.custom_id)
        if batch is None:
            continue  # an id the kit never sent
        pending = {key: text for _, text, key in batch}
        reply = item.result if item.result is not None else BadModelOutput(item.error or "")
        finished = engine.accept(batch, reply, pending, {})
        engine.results.update(finished)
        checkpoint.append(finished)
    table = open_table(path, text_column=options.text_column, sheet=options.sheet,
                       limits=TableLimits.from_settings(settings), by=options.by)
    result = analyze_with_llm(settings, path, table, run.taxonomy, options,
                              options.out or default_output(path), progress, engine)
    return job, result


__all__ = ["BatchRun", "collect_batch_run", "load_run", "submit_batch_run"]
