"""The RAG knowledge search page of the hub (alone: `streamlit run products/rag_search/ui.py`).

A thin adapter over `products.rag_search.core`: pick a knowledge base, add documents, chat,
search, through the same calls the CLI and the API make. Every kit error is shown with
`st.error(message)`, never a traceback. The conversation (ui_chat.py) and search results are
kept in session state, so the reruns any other click causes do not wipe them; an ingest runs
in a background thread (ui_ingest.py) that no rerun can stop, and its report is kept with the
job. The LLM client is one `st.cache_resource` per provider configuration.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import streamlit as st

from products.rag_search.core import (
    DEFAULT_COLLECTION,
    ingest_uploads,
    list_knowledge_bases,
    llm_for,
    run_ingest,
    run_search,
)
from products.rag_search.core.filters import SearchFilters
from products.rag_search.core.ingest import find_files
from products.rag_search.core.service import collection_facets
from products.rag_search.ui_chat import CHAT_PLACEHOLDER, IndexState, chat_section
from products.rag_search.ui_ingest import (
    current_job,
    running_job,
    show_ingest_status,
    start_ingest,
)
from products.rag_search.ui_parts import (
    engine_caption,
    render_ingest_report,
    render_search_response,
)
from shared.config import Settings
from shared.errors import AIPMError, BadInput
from shared.llm import LLMClient
from shared.ui_support import current_settings, show_engine_badge

SAMPLE_DIR = Path(__file__).resolve().parent / "data"
UPLOAD_TYPES = ["pdf", "docx", "md", "markdown", "html", "htm", "txt"]
SEARCH_MODES = ["hybrid", "dense", "bm25"]
K_DEFAULT, K_MAX_SHOWN = 5, 20
PITCH = ("Ask questions of your documents and get answers that cite their sources, or a plain "
         "\"I don't know\" when the documents don't say.")
EMPTY_HINT = ("This knowledge base is empty. Open **Add documents** and index the bundled sample "
              "folder (already filled in) or your own files, then ask here.")
LAST_SEARCH = "rag_last_search"
ALL_FOLDERS = "All folders"
TABS = ["Chat", "Add documents", "Search"]


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
    """Upload files, or point at a folder (the bundled sample by default); the ingest runs in
    the background (ui_ingest.py), then its report shows here."""
    busy = running_job(settings, collection) is not None
    files = st.file_uploader("Upload documents", type=UPLOAD_TYPES, accept_multiple_files=True,
                             key="rag_uploads")
    if st.button("Index uploaded files", key="rag_index_uploads", disabled=busy or not files):
        uploads = [(file.name, file.getvalue()) for file in files or []]
        start_ingest(settings, collection, lambda control: ingest_uploads(
            settings, uploads, collection=collection, control=control))
    folder = st.text_input("or a folder on this machine", value=str(SAMPLE_DIR), key="rag_folder")
    if st.button("Index folder", key="rag_index_folder", disabled=busy):
        try:
            paths = [checked_folder(folder)]
            find_files(paths)  # a wrong path is an error now, not when the job ends
        except AIPMError as err:
            st.error(err.message)
            return
        start_ingest(settings, collection, lambda control: run_ingest(
            settings, paths, collection=collection, control=control))
    show_last_ingest(settings, collection)


def show_last_ingest(settings: Settings, collection: str) -> None:
    """The finished job's report (or its one-line error); nothing while it runs."""
    job = current_job(settings, collection)
    if job is None or job.running:
        return
    if job.error:
        st.error(job.error)
    elif job.report is not None:
        render_ingest_report(job.report)


def checked_folder(folder: str) -> str:
    """An empty box would resolve to the working directory; ask for a path instead."""
    if not folder.strip():
        raise BadInput("Type the path of a folder (or a file) to index.")
    return folder.strip()


@st.cache_resource(max_entries=4, show_spinner=False)
def _cached_llm(fingerprint: str, _settings: Settings) -> LLMClient | None:
    """One client (and connection pool) per provider configuration, shared across reruns."""
    return llm_for(_settings)


def page_llm(settings: Settings) -> LLMClient | None:
    """The page's LLM client, keyed by a digest of what it depends on (never the key itself)."""
    secrets = [secret.get_secret_value() if secret else ""
               for secret in (settings.openai_api_key, settings.anthropic_api_key)]
    parts = [settings.engine, settings.model_id, settings.openai_base_url,
             settings.anthropic_base_url, settings.ollama_host, settings.llm_timeout_s,
             settings.llm_max_retries, settings.data_dir, *secrets]
    fingerprint = hashlib.sha256(repr(parts).encode()).hexdigest()
    return _cached_llm(fingerprint, settings)


def filters_box(settings: Settings, collection: str) -> SearchFilters:
    """Folder, file type and modified-date filters, used by the chat and the search tab."""
    with st.expander("Filters"):
        found = collection_facets(settings, collection)
        folder = st.selectbox("Folder", [ALL_FOLDERS, *found.folders], key="rag_filter_folder")
        types = st.multiselect("File types", found.file_types, key="rag_filter_types")
        after, before = st.columns(2)
        modified_after = after.date_input("Modified on or after", value=None,
                                          key="rag_filter_after")
        modified_before = before.date_input("Modified on or before", value=None,
                                            key="rag_filter_before")
    return SearchFilters(folder=None if folder == ALL_FOLDERS else folder, file_types=types,
                         modified_after=modified_after, modified_before=modified_before)


def search_section(settings: Settings, collection: str, filters: SearchFilters) -> None:
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
                     run_search(settings, query, collection=collection, k=k, mode=mode,
                                filters=filters))
        except AIPMError as err:
            st.error(err.message)
    response = recall(LAST_SEARCH, collection)
    if response is not None:
        render_search_response(response)


def render_page(settings: Settings) -> None:
    """Header, picker, ingest status, then the tabs. The chat input is drawn at the page's
    root (so Streamlit pins it to the bottom, under the history) and only while the Chat tab
    is open (the tabs track which one is, `on_change="rerun"`)."""
    st.title("RAG knowledge search")
    st.write(PITCH)
    show_engine_badge(settings)
    st.caption(engine_caption(settings))
    collection = pick_knowledge_base(settings)
    size, status = st.empty(), st.container()
    chat_tab, add_tab, search_tab = st.tabs(TABS, key="rag_tab", on_change="rerun",
                                            default=TABS[0])
    with add_tab:
        add_documents(settings, collection)
    with status:  # above the tabs, drawn once this run's click may have started a job
        show_ingest_status(settings, collection)
    chunks = chunk_count(settings, collection)
    size.caption(f"**{collection}**: {chunks:,} chunks" if chunks else
                 f"**{collection}**: empty, add documents to start")
    question = (st.chat_input(CHAT_PLACEHOLDER, key="rag_question")
                if chat_tab.open is not False else None)
    with chat_tab:
        if chunks == 0 and running_job(settings, collection) is None:
            st.info(EMPTY_HINT)
        filters = filters_box(settings, collection)
        k = st.slider("Passages to read (k)", 1, K_MAX_SHOWN, K_DEFAULT, key="rag_ask_k")
        chat_section(settings, collection, k, filters, page_llm(settings), question,
                     IndexState(job=running_job(settings, collection), chunks=chunks))
    with search_tab:
        search_section(settings, collection, filters)


def main() -> None:
    """Errors outside an action (e.g. the vector store cannot be opened) still read as text."""
    try:
        render_page(current_settings())
    except AIPMError as err:
        st.error(err.message)


main()
