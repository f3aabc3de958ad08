"""The RAG knowledge search page of the hub (alone: `streamlit run products/rag_search/ui.py`).

A thin adapter over `products.rag_search.core`: pick a knowledge base, add documents, ask,
search, through the same calls the CLI and the API make. Every kit error is shown with
`st.error(message)`, never a traceback. The last answer, ingest report and search results are
kept in session state, so the reruns any other click causes do not wipe them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from products.hub_support import current_settings, show_engine_badge
from products.rag_search.core import (
    DEFAULT_COLLECTION,
    Answer,
    IngestReport,
    ingest_uploads,
    list_knowledge_bases,
    run_ask,
    run_ask_stream,
    run_ingest,
    run_search,
)
from products.rag_search.ui_parts import (
    engine_caption,
    progress_reporter,
    render_answer,
    render_ingest_report,
    render_search_response,
    stream_live,
)
from shared.config import Settings
from shared.errors import AIPMError, BadInput

SAMPLE_DIR = Path(__file__).resolve().parent / "data"
UPLOAD_TYPES = ["pdf", "docx", "md", "markdown", "html", "htm", "txt"]
SEARCH_MODES = ["hybrid", "dense", "bm25"]
K_DEFAULT, K_MAX_SHOWN = 5, 20
PITCH = ("Ask questions of your documents and get answers that cite their sources, or a plain "
         "\"I don't know\" when the documents don't say.")
EMPTY_HINT = ("This knowledge base is empty. Open **Add documents** and index the bundled sample "
              "folder (already filled in) or your own files, then ask here.")
LAST_ANSWER, LAST_REPORT, LAST_SEARCH = "rag_last_answer", "rag_last_report", "rag_last_search"

Job = Callable[[Callable[[int, int, str], None]], IngestReport]


def remember(key: str, collection: str, value: Any) -> None:
    """Keep a result with the knowledge base it belongs to."""
    st.session_state[key] = (collection, value)


def recall(key: str, collection: str) -> Any:
    """The kept result, only if it belongs to the knowledge base picked now."""
    stored = st.session_state.get(key)
    return stored[1] if stored and stored[0] == collection else None


def pick_knowledge_base(settings: Settings) -> str:
    """Existing collections plus the default one; typing a new name creates it on ingest."""
    names = sorted(info.name for info in list_knowledge_bases(settings))
    options = [DEFAULT_COLLECTION, *(name for name in names if name != DEFAULT_COLLECTION)]
    return st.selectbox("Knowledge base", options, key="rag_collection", accept_new_options=True,
                        help="Pick one, or type a new name: it is created when you add documents.")


def chunk_count(settings: Settings, collection: str) -> int:
    """Read after any ingest on this run, so the count is never one step behind."""
    counts = {info.name: info.count for info in list_knowledge_bases(settings)}
    return counts.get(collection, 0)


def add_documents(settings: Settings, collection: str) -> None:
    """Upload files, or point at a folder (the bundled sample by default); then the report."""
    files = st.file_uploader("Upload documents", type=UPLOAD_TYPES, accept_multiple_files=True,
                             key="rag_uploads")
    if st.button("Index uploaded files", key="rag_index_uploads", disabled=not files):
        uploads = [(file.name, file.getvalue()) for file in files or []]
        ingest(collection, lambda progress: ingest_uploads(
            settings, uploads, collection=collection, progress=progress))
    folder = st.text_input("or a folder on this machine", value=str(SAMPLE_DIR), key="rag_folder")
    if st.button("Index folder", key="rag_index_folder"):
        ingest(collection, lambda progress: run_ingest(
            settings, [checked_folder(folder)], collection=collection, progress=progress))
    report = recall(LAST_REPORT, collection)
    if report is not None:
        render_ingest_report(report)


def checked_folder(folder: str) -> str:
    """An empty box would resolve to the working directory; ask for a path instead."""
    if not folder.strip():
        raise BadInput("Type the path of a folder (or a file) to index.")
    return folder.strip()


def ingest(collection: str, job: Job) -> None:
    """Run one ingest with a progress bar; the report (or the error) replaces the last one."""
    st.session_state.pop(LAST_REPORT, None)
    try:
        report = job(progress_reporter("Reading files…"))
    except AIPMError as err:
        st.error(err.message)
        return
    remember(LAST_REPORT, collection, report)


def ask_section(settings: Settings, collection: str, chunks: int) -> None:
    """The question form; the answer streams in LLM mode and is kept for later reruns."""
    if chunks == 0:
        st.info(EMPTY_HINT)
    with st.form("rag_ask_form"):
        question = st.text_input("Question", key="rag_question",
                                 placeholder="e.g. How do I reset my password?")
        k = st.slider("Passages to read (k)", 1, K_MAX_SHOWN, K_DEFAULT, key="rag_ask_k")
        asked = st.form_submit_button("Ask", type="primary", key="rag_ask")
    if asked:
        st.session_state.pop(LAST_ANSWER, None)
        answer = answer_question(settings, collection, question, k)
        if answer is not None:
            remember(LAST_ANSWER, collection, answer)
    last = recall(LAST_ANSWER, collection)
    if last is not None:
        render_answer(last)


def answer_question(settings: Settings, collection: str, question: str, k: int) -> Answer | None:
    """LLM mode streams the text as it is written; baseline answers in one go."""
    try:
        if settings.engine == "llm":
            return stream_live(run_ask_stream(settings, question, collection=collection, k=k))
        with st.spinner("Finding the answer in your documents…"):
            return run_ask(settings, question, collection=collection, k=k)
    except AIPMError as err:
        st.error(err.message)
        return None


def search_section(settings: Settings, collection: str) -> None:
    """Retrieval alone, to see what each mode finds without an answer on top."""
    with st.form("rag_search_form"):
        query = st.text_input("Search", key="rag_query", placeholder="keywords or a question")
        mode = st.radio("Mode", SEARCH_MODES, horizontal=True, key="rag_mode",
                        help="hybrid fuses dense (embeddings) and bm25 (keywords) by rank.")
        k = st.slider("Results", 1, K_MAX_SHOWN, K_DEFAULT, key="rag_search_k")
        searched = st.form_submit_button("Search", key="rag_search")
    if searched:
        st.session_state.pop(LAST_SEARCH, None)
        try:
            remember(LAST_SEARCH, collection,
                     run_search(settings, query, collection=collection, k=k, mode=mode))
        except AIPMError as err:
            st.error(err.message)
    response = recall(LAST_SEARCH, collection)
    if response is not None:
        render_search_response(response)


def render_page(settings: Settings) -> None:
    """Header, picker, then the tabs; ingest runs before the count and the ask tab read it."""
    st.title("RAG knowledge search")
    st.write(PITCH)
    show_engine_badge(settings)
    st.caption(engine_caption(settings))
    collection = pick_knowledge_base(settings)
    size = st.empty()
    ask_tab, add_tab, search_tab = st.tabs(["Ask", "Add documents", "Search"])
    with add_tab:
        add_documents(settings, collection)
    chunks = chunk_count(settings, collection)
    size.caption(f"**{collection}**: {chunks:,} chunks" if chunks else
                 f"**{collection}**: empty, add documents to start")
    with ask_tab:
        ask_section(settings, collection, chunks)
    with search_tab:
        search_section(settings, collection)


def main() -> None:
    """Errors outside an action (e.g. the vector store cannot be opened) still read as text."""
    try:
        render_page(current_settings())
    except AIPMError as err:
        st.error(err.message)


main()
