"""`aipm rag ...` (and `python -m products.rag_search ...`): ingest, search, ask, collections.

Thin: each command parses its options, calls `core.service`, and prints either one JSON object
(`--json`) or a readable view (`render.py`). Heavy imports (chromadb, the SDKs) happen inside
the commands, because `aipm --help` imports this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from shared.cli_support import emit_json, fail, show_result
from shared.errors import AIPMError, BadInput, NotFound

if TYPE_CHECKING:
    from shared.config import Settings

DEFAULT_COLLECTION = "knowledge_base"  # = core.models.DEFAULT_COLLECTION, kept import-free
app = typer.Typer(no_args_is_help=True, help="RAG knowledge search: ingest, search, ask.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
CollectionOption = Annotated[str, typer.Option("--collection", "-c",
                                               help="Knowledge base (Chroma collection) name.")]
KOption = Annotated[int, typer.Option("-k", min=1, max=50, help="How many chunks to retrieve.")]
FolderOption = Annotated[str | None, typer.Option("--folder", help="Only files in this folder "
                                                  "(and below), e.g. billing.")]
TypeOption = Annotated[list[str] | None, typer.Option("--type", help="Only this file type "
                                                      "(repeatable), e.g. --type md.")]
AfterOption = Annotated[str | None, typer.Option("--modified-after",
                                                 help="Only files modified on or after "
                                                      "YYYY-MM-DD.")]
BeforeOption = Annotated[str | None, typer.Option("--modified-before",
                                                  help="Only files modified on or before "
                                                       "YYYY-MM-DD.")]
INTERRUPTED = 130  # the shell's code for a run stopped by Ctrl-C (what was done is kept)
QUIT_WORDS = {"exit", "quit", "/exit", "/quit", ":q"}


def _settings() -> Settings:
    from shared.config import load_settings

    return load_settings()


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    collection: CollectionOption = DEFAULT_COLLECTION,
    sync: Annotated[bool, typer.Option(help="Also remove files that vanished from the folders.")]
    = False,
    reindex: Annotated[bool, typer.Option(help="Drop the collection and rebuild it from scratch "
                                               "(after changing AIPM_EMBEDDER).")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Index PDF, DOCX, MD, HTML and TXT files; unchanged files are skipped, bad ones reported.

    Ctrl-C stops after the current file and keeps what was indexed (exit code 130); run the
    same command again to finish."""
    from products.rag_search.core import run_ingest
    from products.rag_search.core.ingest import IngestControl
    from products.rag_search.render import ingest_progress, render_ingest

    control = IngestControl()
    try:
        with ingest_progress(enabled=not json_output, control=control) as progress:
            report = run_ingest(_settings(), paths, collection=collection, sync=sync,
                                reindex=reindex, progress=progress, control=control)
    except AIPMError as err:
        fail(err, as_json=json_output)
    show_result(report, json_output, render_ingest)
    if report.cancelled:
        raise typer.Exit(INTERRUPTED)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Keywords or a question.")],
    collection: CollectionOption = DEFAULT_COLLECTION,
    k: KOption = 5,
    mode: Annotated[str, typer.Option(help="hybrid, dense or bm25.")] = "hybrid",
    where: Annotated[list[str] | None, typer.Option(help="Metadata filter key=value "
                                                       "(repeatable), e.g. source=faq.md.")]
    = None,
    folder: FolderOption = None,
    file_type: TypeOption = None,
    modified_after: AfterOption = None,
    modified_before: BeforeOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Retrieve the best chunks, without answering."""
    from products.rag_search.core import parse_where, run_search
    from products.rag_search.core.filters import parse_filters
    from products.rag_search.render import render_search

    try:
        filters = parse_filters(folder, file_type or [], modified_after, modified_before)
        response = run_search(_settings(), query, collection=collection, k=k,
                              mode=_mode(mode), where=parse_where(where or []),
                              filters=filters)
    except AIPMError as err:
        fail(err, as_json=json_output)
    show_result(response, json_output, render_search)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question about your documents.")],
    collection: CollectionOption = DEFAULT_COLLECTION,
    k: KOption = 5,
    folder: FolderOption = None,
    file_type: TypeOption = None,
    modified_after: AfterOption = None,
    modified_before: BeforeOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Answer from the documents with citations, or say "I don't know"."""
    from products.rag_search.core import llm_for, run_ask, run_ask_stream
    from products.rag_search.core.filters import parse_filters
    from products.rag_search.render import stream_to_terminal

    try:
        settings = _settings()
        filters = parse_filters(folder, file_type or [], modified_after, modified_before)
        options: dict[str, Any] = {"collection": collection, "k": k, "filters": filters,
                                   "llm": llm_for(settings)}  # one client for this command
        if json_output:
            emit_json(_answer_json(run_ask(settings, question, **options)))
            return
        stream_to_terminal(run_ask_stream(settings, question, **options))
    except AIPMError as err:
        fail(err, as_json=json_output)


@app.command()
def chat(
    collection: CollectionOption = DEFAULT_COLLECTION,
    k: KOption = 5,
    folder: FolderOption = None,
    file_type: TypeOption = None,
    modified_after: AfterOption = None,
    modified_before: BeforeOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object per answer "
                                                            "on stdout (JSON lines).")] = False,
) -> None:
    """A conversation: type questions (follow-ups allowed), one per line; `exit` or Ctrl-D ends.

    Reads standard input, so `printf 'q1\\nq2\\n' | aipm rag chat` works too. With `--json`
    each answer is one line of JSON (the keys of `ask --json`) and stdout holds nothing else.
    """
    import sys

    from products.rag_search.core import ChatTurn, llm_for
    from products.rag_search.core.filters import parse_filters

    try:
        settings = _settings()
        filters = parse_filters(folder, file_type or [], modified_after, modified_before)
        llm = llm_for(settings)  # one client for the whole conversation
    except AIPMError as err:
        fail(err, as_json=json_output)
    history: list[ChatTurn] = []
    interactive = sys.stdin.isatty()
    typer.echo("Ask a question about your documents (`exit` or Ctrl-D to stop).", err=True)
    for line in _questions(sys.stdin, interactive):
        try:
            answer = _chat_turn(settings, line, json_output, collection=collection, k=k,
                                llm=llm, history=history, filters=filters)
        except AIPMError as err:
            typer.echo(f"Error: {err.message}", err=True)
            if isinstance(err, NotFound):
                raise typer.Exit(1) from err
            continue
        history += [ChatTurn(role="user", content=line),
                    ChatTurn(role="assistant", content=answer.answer if answer else "")]


def _chat_turn(settings: Settings, question: str, json_output: bool, **options: Any) -> Any:
    """One answer of the conversation: a JSON line, or streamed to the terminal."""
    from products.rag_search.core import run_ask, run_ask_stream
    from products.rag_search.render import stream_to_terminal

    if json_output:
        answer = run_ask(settings, question, **options)
        emit_json(_answer_json(answer))
        return answer
    return stream_to_terminal(run_ask_stream(settings, question, **options))


def _questions(stream: Any, interactive: bool) -> Any:
    """Non-empty lines until EOF or a quit word; a prompt only when a person is typing."""
    while True:
        if interactive:
            typer.echo("\n> ", nl=False, err=True)
        line = stream.readline()
        if not line or line.strip().lower() in QUIT_WORDS:
            return
        if line.strip():
            yield line.strip()


@app.command()
def collections(json_output: JsonFlag = False) -> None:
    """List knowledge bases with their chunk counts and embedders."""
    from products.rag_search.core import list_knowledge_bases
    from products.rag_search.render import render_collections

    try:
        infos = list_knowledge_bases(_settings())
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json({"collections": [info.model_dump() for info in infos]})
    else:
        render_collections(infos)


@app.command()
def drop(
    collection: Annotated[str, typer.Argument(help="The knowledge base to delete.")],
    json_output: JsonFlag = False,
) -> None:
    """Delete a knowledge base (its chunks and its BM25 index); the files are not touched."""
    from products.rag_search.core import delete_collection

    try:
        delete_collection(_settings(), collection)
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json({"deleted": collection})
    else:
        typer.echo(f"Deleted knowledge base '{collection}'.")


def _mode(mode: str) -> Any:
    from shared.errors import BadInput

    if mode not in ("hybrid", "dense", "bm25"):
        raise BadInput(f"--mode must be hybrid, dense or bm25; got '{mode}'.")
    return mode


def _answer_json(answer: Any) -> dict[str, Any]:
    """The answer as `--json` prints it: everything except the retrieved chunks' full text."""
    return answer.model_dump(mode="json", exclude={"retrieved"})



def run_eval(
    json_output: JsonFlag = False,
    report: Annotated[Path | None, typer.Option(help="Where to write the Markdown report "
                                                     "(default: products/rag_search/evals/"
                                                     "report.md).")] = None,
    baseline: Annotated[bool, typer.Option("--baseline", help="Use the extractive engine even "
                                                              "when an LLM is configured.")]
    = False,
    calibrate: Annotated[bool, typer.Option(help="Choose the relevance gate's weight and "
                                                 "threshold on the tune cases and save them to "
                                                 "calibration.json first.")] = False,
    eval_set: Annotated[Path | None, typer.Option("--eval-set", help="Another eval set in the "
                                                  "golden format (default: the golden set); "
                                                  "never calibrated on.")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="The folder its sources are in "
                                              "(default: the bundled sample data).")] = None,
    which: Annotated[str, typer.Option("--set", help="golden (questions one by one) or "
                                                     "conversation (chats with follow-ups, "
                                                     "evals/conversation.jsonl).")] = "golden",

    squad: Annotated[Path | None, typer.Option("--squad", help="Score a SQuAD 1.1/2.0 JSON "
                                               "file instead: one document per paragraph, "
                                               "every question asked.")] = None,
    questions: Annotated[Path | None, typer.Option("--questions", help="Score your own "
                                                   "questions.jsonl (question, answers, "
                                                   "source) over --data FOLDER.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N "
                                              "questions (--squad / --questions).")] = None,
    articles: Annotated[int | None, typer.Option("--articles", min=1, help="Only the first N "
                                                 "articles of the split (--squad).")] = None,
    split: Annotated[str, typer.Option("--split", help="tune, heldout or all (--squad; split "
                                       "by article title hash).")] = "all",
) -> None:
    """Run the golden set: retrieval per mode, abstention, key facts, citations; write a report.

    Mounted by the platform CLI as `aipm eval rag`. `--eval-set` and `--data` score another
    corpus (e.g. evals/techdocs.jsonl); the gate is only ever tuned on the golden set.
    """
    if which == "conversation":
        run_conversation_eval(json_output, report, eval_set, data, baseline)
        return
    if which != "golden":
        fail(BadInput(f"--set must be golden or conversation; got '{which}'."),
             as_json=json_output)
    from products.rag_search.core import llm_for
    from products.rag_search.core.eval_report import write_report
    from products.rag_search.core.evaluation import REPORT_PATH
    from products.rag_search.core.evaluation import run_eval as evaluate
    from products.rag_search.eval_run import eval_cases
    from products.rag_search.render import render_eval

    if squad is not None or questions is not None:
        _run_qa_eval(squad, questions, data, report, baseline, json_output,
                     limit=limit, articles=articles, split=split)
        return
    try:
        sources = _eval_sources(eval_set, data, calibrate)
        settings = _settings()
        with eval_cases(report or REPORT_PATH, json_output=json_output) as progress:
            result = evaluate(settings, None if baseline else llm_for(settings),
                              calibrate=calibrate, progress=progress, **sources)
            path = write_report(result, report or REPORT_PATH)
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        from products.rag_search.core.injection_eval import run_injection_eval

        injection = {split: s.model_dump() for split, s in run_injection_eval().items()}
        emit_json({**result.model_dump(mode="json"), "injection": injection,
                   "report_path": str(path)})
    else:
        render_eval(result, path)


def run_conversation_eval(json_output: bool, report: Path | None, eval_set: Path | None,
                          data: Path | None, baseline: bool) -> None:
    """`aipm eval rag --set conversation`: play the chats, write the report, show the scores
    (with the LLM engine when one is configured, unless --baseline)."""
    from products.rag_search.core import llm_for
    from products.rag_search.core.conversation_eval import (
        CONVERSATION_REPORT,
        CONVERSATION_SET,
        run_conversation_eval,
        write_conversation_report,
    )
    from products.rag_search.core.evaluation import SAMPLE_DATA
    from products.rag_search.eval_run import eval_cases
    from products.rag_search.render import render_conversation_eval

    try:
        settings = _settings()
        llm = None if baseline else llm_for(settings)
        with eval_cases(report or CONVERSATION_REPORT, json_output=json_output,
                        label="Conversations", unit="conversations") as progress:
            result = run_conversation_eval(settings, eval_set=eval_set or CONVERSATION_SET,
                                           data=data or SAMPLE_DATA, llm=llm,
                                           progress=progress)
            path = write_conversation_report(result, report or CONVERSATION_REPORT)
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json({**result.model_dump(mode="json"), "report_path": str(path)})
    else:
        render_conversation_eval(result, path)

def _run_qa_eval(squad: Path | None, questions: Path | None, data: Path | None,
                 report: Path | None, baseline: bool, json_output: bool, **options: Any) -> None:
    """`aipm eval rag --squad FILE` / `--questions FILE --data FOLDER` (core.squad_eval)."""
    from products.rag_search.core import llm_for
    from products.rag_search.core.squad import load_questions, load_squad
    from products.rag_search.core.squad_eval import run_qa_eval, write_qa_report
    from products.rag_search.eval_run import eval_cases
    from products.rag_search.render import render_qa_eval
    from shared.errors import BadInput

    try:
        if options["split"] not in ("tune", "heldout", "all"):
            raise BadInput(f"--split must be tune, heldout or all; got '{options['split']}'.")
        settings = _settings()
        if squad is not None:
            corpus = settings.data_path("rag_search", "qa_corpus", squad.stem)
            qa = load_squad(squad, corpus, split=options["split"],
                            articles=options["articles"], limit=options["limit"])
            name = f"{squad.name} ({options['split']})"
        else:
            assert questions is not None
            if data is None:
                raise BadInput("--questions needs --data FOLDER: the documents they ask about.")
            qa, name = load_questions(questions, data.resolve(), limit=options["limit"]), \
                questions.name
        target = report or _qa_report_path(squad or questions)
        with eval_cases(target, json_output=json_output, unit="questions") as progress:
            result = run_qa_eval(settings, None if baseline else llm_for(settings), qa, name,
                                 progress=progress)
            path = write_qa_report(result, target)
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json({**result.model_dump(mode="json", exclude={"results"}),
                   "report_path": str(path)})
    else:
        render_qa_eval(result, path)


def _qa_report_path(source: Path | None) -> Path:
    from products.rag_search.core.evaluation import PRODUCT_DIR

    stem = source.stem if source is not None else "qa"
    return PRODUCT_DIR / "evals" / f"report-{stem}.md"


def _eval_sources(eval_set: Path | None, data: Path | None, calibrate: bool) -> dict[str, Path]:
    """The eval set and corpus to score; `--calibrate` is refused on anything but the golden
    set and its corpus, so a second corpus stays a measurement nothing is tuned on."""
    from products.rag_search.core.evaluation import EVAL_SET, SAMPLE_DATA
    from shared.errors import BadInput

    chosen = {"eval_set": (eval_set or EVAL_SET).resolve(), "data": (data or SAMPLE_DATA).resolve()}
    if calibrate and chosen != {"eval_set": EVAL_SET.resolve(), "data": SAMPLE_DATA.resolve()}:
        raise BadInput("--calibrate tunes the gate on the golden set only; drop it to score "
                       f"{chosen['eval_set'].name}, which is never tuned on.")
    if not chosen["data"].is_dir():
        raise BadInput(f"--data {data} is not a folder; pass the folder the eval set's sources "
                       "are relative to.")
    return chosen


__all__ = ["app", "run_eval"]
