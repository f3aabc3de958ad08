"""The readable (non `--json`) terminal views of `aipm rag`: rich tables, progress, streaming."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from products.rag_search.core import (
    Answer,
    AnswerDelta,
    AnswerDone,
    Citation,
    IngestReport,
    SearchResponse,
)
from shared.progress import stop_on_interrupt
from shared.vectorstore import CollectionInfo

if TYPE_CHECKING:  # the eval (ingest, loaders, LLM client) is not on the ask path
    from products.rag_search.core.conversation_eval import ConversationEval
    from products.rag_search.core.evaluation import RagEval
    from products.rag_search.core.ingest import IngestControl

_err = Console(stderr=True)
_out = Console()
ENGINE_LABELS = {"extractive": "extractive baseline (no LLM)", "llm": "LLM"}


@contextmanager
def ingest_progress(enabled: bool, control: IngestControl | None = None
                    ) -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar on stderr while files are read: files, chunks so far, time left (none
    for --json or when piped). With `control`, Ctrl-C stops the ingest after the current
    file instead of killing it, and what was indexed is kept; a second Ctrl-C aborts."""
    with _stop_on_interrupt(control):
        if not enabled or not _err.is_terminal:
            yield None
            return
        columns = (TextColumn("Ingesting"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("files · {task.fields[chunks]} chunks"), TimeRemainingColumn(),
                   TextColumn("{task.description}"))
        with Progress(*columns, console=_err, transient=True) as bar:
            task = bar.add_task("", total=None, chunks=0)

            def advance(done: int, total: int, source: str) -> None:
                chunks = control.chunks_added if control is not None else "?"
                bar.update(task, completed=done, total=total, description=source,
                           chunks=chunks)

            yield advance


def _stop_on_interrupt(control: IngestControl | None) -> AbstractContextManager[None]:
    """The first SIGINT asks the ingest to stop between files; the handler is put back after."""
    if control is None:
        return nullcontext()
    return stop_on_interrupt(control, "Stopping after the current file (Ctrl-C again to "
                                      "abort)…")


def render_qa_eval(result: Any, report_path: Path) -> None:
    """Each split's headline numbers as one table, then where the report was written."""
    table = Table(title=f"{result.eval_set}: {result.cases} questions ({result.engine})")
    splits = list(result.scores)
    table.add_column("metric")
    for split in splits:
        table.add_column(split, justify="right")
    for metric in result.scores[splits[0]]:
        table.add_row(metric, *(_cell(result.scores[s].get(metric)) for s in splits))
    _out.print(table)
    _out.print(f"Report written to {report_path}")


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def render_ingest(report: IngestReport) -> None:
    typer.echo(f"Collection '{report.collection}': {report.files_seen} files seen, "
               f"{report.files_indexed} indexed, {report.files_unchanged} unchanged, "
               f"{len(report.files_skipped)} skipped.")
    typer.echo(f"Chunks: +{report.chunks_added} / -{report.chunks_removed} "
               f"in {report.seconds:.1f} s.")
    if report.cancelled:
        done = report.files_indexed + report.files_unchanged + len(report.files_skipped)
        typer.echo(f"Cancelled after {done} of {report.files_seen} files: what was indexed is "
                   "kept and searchable. Run the same command again to finish (files already "
                   "indexed are skipped as unchanged).", err=True)
    for skipped in report.files_skipped:
        typer.echo(f"  skipped {skipped.path}: {skipped.error}", err=True)


def render_search(response: SearchResponse) -> None:
    if not response.results:
        typer.echo(f"No results for '{response.query}'.")
        return
    table = Table("#", "score", "source", "heading", "text", title=f"{response.mode} search")
    for result in response.results:
        where = result.source + (f" p.{result.page}" if result.page is not None else "")
        table.add_row(str(result.rank), f"{result.score:.4f}", where, result.heading,
                      snippet(result.text, response.query, 160))
    _out.print(table)


def stream_to_terminal(events: Iterable[AnswerDelta | AnswerDone]) -> Answer | None:
    """Print answer text as it streams (Markdown markers stripped), then the checked answer's
    sources and footer.

    When the checked answer differs from the draft that streamed (sentences without a source
    removed, or a fallback to the extractive engine), it is printed in full under a rule.
    """
    streamed, held = "", ""
    for event in events:
        if isinstance(event, AnswerDelta):
            streamed += event.text
            ready, held = _ready(held + event.text)
            typer.echo(plain(ready), nl=False)
        else:
            if held:
                typer.echo(plain(held), nl=False)
            if streamed:
                typer.echo()
            same = bool(streamed) and streamed.strip() == event.answer.answer.strip()
            if streamed and not same:
                typer.echo("--- checked answer ---")
            render_answer(event.answer, text_shown=same)
            return event.answer
    return None


def _ready(text: str) -> tuple[str, str]:
    """Split streamed text at its last whitespace: words before it are complete (so a "**"
    cut in two by the stream is stripped whole), the rest waits for the next delta."""
    cut = max(text.rfind(" "), text.rfind("\n")) + 1
    return text[:cut], text[cut:]


_MARKERS = re.compile(r"\*\*|__|(?<!`)`(?!`)|^#{1,6}\s+", re.MULTILINE)


def plain(text: str) -> str:
    """Markdown emphasis, inline-code ticks and heading marks removed for the terminal; lines
    (list items, table rows, code) are kept as they are."""
    return _MARKERS.sub("", text)


def render_answer(answer: Answer, *, text_shown: bool = False) -> None:
    """The answer (unless it was streamed already), sources, warnings and the engine footer."""
    if answer.note:
        typer.echo(f"Note: {answer.note}", err=True)
    if answer.standalone_question:
        typer.echo(f"(searched for: {answer.standalone_question})", err=True)
    label = answer_label(answer)
    if label:
        typer.echo(label)
    if answer.answer and not text_shown:
        typer.echo(plain(answer.answer))
    if answer.span and not answer.abstained:
        typer.echo(f"Short answer: {answer.span}")
    if answer.abstained and answer.abstain_reason:
        typer.echo(f"({answer.abstain_reason})")
    _citations("Sources", answer.citations)
    _citations("Closest sources", answer.closest_sources)
    for warning in answer.warnings:
        typer.echo(f"Warning: {warning}", err=True)
    model = f" {answer.model}" if answer.model else ""
    typer.echo(f"\n[{ENGINE_LABELS[answer.engine]}{model} · {answer.latency_ms:.0f} ms · "
               f"${answer.cost_usd:.4f}]")


def answer_label(answer: Answer) -> str:
    """ "Low confidence (0.31): ..." over an answer the gate was unsure of; the fields are
    read defensively (answers before the confidence field have none)."""
    if answer.abstained or not getattr(answer, "low_confidence", False):
        return ""
    confidence = getattr(answer, "confidence", None)
    shown = f" ({confidence:.2f})" if isinstance(confidence, int | float) else ""
    return f"Low confidence{shown}: the passages may not state this; check the source."


def _citations(title: str, citations: list[Citation]) -> None:
    if not citations:
        return
    typer.echo(f"\n{title}:")
    for citation in citations:
        page = f", page {citation.page}" if citation.page is not None else ""
        flag = "" if citation.verified else "  (quote NOT found in the source)"
        typer.echo(f"  [{citation.label}] {citation.source}{page} — {citation.heading}{flag}")
        if citation.quote:
            typer.echo(f'      "{_clip(plain(citation.quote), 200)}"')


def render_collections(infos: list[CollectionInfo]) -> None:
    if not infos:
        typer.echo("No knowledge bases yet. Create one with `aipm rag ingest PATH`.")
        return
    for info in infos:
        typer.echo(f"{info.name}: {info.count} chunks ({info.embedder or 'unknown embedder'})")


def snippet(text: str, query: str, limit: int) -> str:
    """Up to `limit` characters of the text around the first query word it contains."""
    flat = " ".join(text.split())
    lowered = flat.lower()
    hits = [lowered.find(word.lower()) for word in query.split() if len(word) > 2]
    first = min((hit for hit in hits if hit >= 0), default=0)
    start = max(0, min(first - limit // 3, len(flat) - limit))
    clipped = _clip(flat[start:], limit)
    return f"…{clipped}" if start else clipped


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


__all__ = [
    "answer_label",
    "ingest_progress",
    "render_answer",
    "render_collections",
    "render_conversation_eval",
    "render_eval",
    "render_ingest",
    "render_search",
    "stream_to_terminal",
]


def render_eval(result: RagEval, report_path: Path) -> None:
    """The headline numbers; the full tables are in the written report."""
    table = Table("mode", "recall@5", "MRR", "nDCG@5", title="Retrieval (by source file)")
    for mode, row in result.retrieval.items():
        table.add_row(mode, f"{row['recall@5']:.3f}", f"{row['mrr']:.3f}", f"{row['ndcg@5']:.3f}")
    _out.print(table)
    abstention, answers = result.abstention, result.answers
    suggested = ("no tune cases, nothing chosen on this set"
                 if result.suggested_weight is None or result.suggested_threshold is None else
                 f"best on the tune cases {result.suggested_weight:.2f} / "
                 f"{result.suggested_threshold:.2f}")
    typer.echo(f"Abstention: precision {abstention['precision']:.3f}, recall "
               f"{abstention['recall']:.3f} (gate: lexical weight {result.lexical_weight:.2f}, "
               f"threshold {result.threshold:.2f}; {suggested})")
    typer.echo(f"Answers ({result.engine}): key-fact coverage "
               f"{answers['key_fact_coverage']:.3f}, citation validity "
               f"{answers['citation_validity']:.3f}")
    for split, scores in result.by_split.items():
        typer.echo(f"  {split}: abstention F1 {scores['abstention']['f1']:.3f}, key facts "
                   f"{scores['answers']['key_fact_coverage']:.3f}, hybrid recall@5 "
                   f"{scores['retrieval']['hybrid']['recall@5']:.3f}")
    from products.rag_search.core.injection_eval import run_injection_eval

    for split, scores in run_injection_eval().items():
        typer.echo(f"Injection ({split}): catch rate {scores.catch_rate:.3f} of "
                   f"{scores.injections}, false-positive rate {scores.false_positive_rate:.3f} "
                   f"of {scores.benign}")
    typer.echo(f"Report written to {report_path}")


def render_conversation_eval(result: ConversationEval, report_path: Path) -> None:
    """The kit against its two anchors, per split; every turn is in the written report."""
    table = Table("split / system", "follow-up hit@1", "follow-up hit@5",
                  "new topics carrying words", "carried words", "stale words",
                  title=f"Conversation eval ({result.conversations} chats, {result.turns} turns)")
    for split in ("all", "tune", "held_out"):
        for system, by_split in result.scores.items():
            row = by_split[split]
            table.add_row(f"{split} / {system}", f"{row.follow_up_hit_at_1:.3f}",
                          f"{row.follow_up_hit_at_5:.3f}",
                          f"{row.new_topics_with_carried_words} of {row.new_topics}",
                          str(row.carried_words), str(row.stale_words))
    _out.print(table)
    typer.echo(f"Report written to {report_path}")
