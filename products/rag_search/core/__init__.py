"""The RAG product's logic as plain functions and models: no streamlit, no fastapi.

    from products.rag_search.core import run_ingest, run_search, run_ask
    run_ingest(settings, ["products/rag_search/data"])
    run_ask(settings, "How long is the refund window?").answer

Front doors (cli.py, api.py, ui.py) call only what is exported here.
"""

from products.rag_search.core.answer import (
    MAX_QUESTION_CHARS,
    AnswerDelta,
    AnswerDone,
    ask,
    stream_answer,
)
from products.rag_search.core.followup import ChatTurn
from products.rag_search.core.knowledge_base import KnowledgeBase
from products.rag_search.core.models import (
    DEFAULT_COLLECTION,
    Answer,
    Citation,
    IngestReport,
    SearchMode,
    SearchResponse,
    SearchResult,
    SkippedFile,
)
from products.rag_search.core.retrieval import MAX_K, parse_where, search
from products.rag_search.core.service import (
    delete_collection,
    existing_knowledge_base,
    ingest_uploads,
    list_knowledge_bases,
    llm_for,
    run_ask,
    run_ask_stream,
    run_ingest,
    run_search,
    safe_upload_name,
    save_upload,
    uploads_folder,
)

__all__ = [
    "DEFAULT_COLLECTION",
    "MAX_K",
    "MAX_QUESTION_CHARS",
    "Answer",
    "AnswerDelta",
    "AnswerDone",
    "ChatTurn",
    "Citation",
    "IngestReport",
    "KnowledgeBase",
    "SearchMode",
    "SearchResponse",
    "SearchResult",
    "SkippedFile",
    "ask",
    "delete_collection",
    "existing_knowledge_base",
    "ingest_uploads",
    "list_knowledge_bases",
    "llm_for",
    "parse_where",
    "run_ask",
    "run_ask_stream",
    "run_ingest",
    "run_search",
    "safe_upload_name",
    "save_upload",
    "search",
    "stream_answer",
    "uploads_folder",
]
