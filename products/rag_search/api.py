"""`/v1/rag/...`: the RAG product over HTTP, as thin adapters over `products.rag_search.core`.

Each route turns the HTTP request into the same core call the CLI makes and returns the core
model as JSON, so `aipm rag ... --json` and the API agree field for field. Kit errors raised
here become `{"error": {"code", "message"}}` with their status in `frontdoors.server_errors`.
Routes are plain `def` on purpose: ingest, retrieval and the LLM call block, and FastAPI runs
plain functions (and a sync stream's iterator) in its thread pool, off the event loop.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import StreamingResponse
from fastapi.sse import format_sse_event
from pydantic import BaseModel, Field

from products.rag_search.core import (
    DEFAULT_COLLECTION,
    MAX_K,
    Answer,
    AnswerDelta,
    AnswerDone,
    ChatTurn,
    IngestReport,
    SearchMode,
    SearchResponse,
    delete_collection,
    ingest_uploads,
    list_knowledge_bases,
    run_ask,
    run_ask_stream,
    run_search,
)
from products.rag_search.core.filters import SearchFilters
from products.rag_search.core.service import llm_for
from shared.api_support import SettingsDep
from shared.closing_stream import ClosingStreamingResponse
from shared.errors import AIPMError
from shared.llm import LLMClient
from shared.vectorstore import CollectionInfo

router = APIRouter()
MAX_HISTORY_TURNS = 50


def rag_llm(settings: SettingsDep) -> Iterator[LLMClient | None]:
    """The answer engine's client for one request (None in baseline mode).

    A dependency rather than a module-level cache: tests override it
    (`app.dependency_overrides[rag_llm]`), and no table of clients keyed by API keys outlives
    the request.
    """
    yield llm_for(settings)


LLMDep = Annotated[LLMClient | None, Depends(rag_llm)]

WhereValue = str | int | float | bool


class SearchRequest(BaseModel):
    """The body of `POST /search`; the same options as `aipm rag search`."""

    query: str = Field(description="Keywords or a question.")
    collection: str = Field(DEFAULT_COLLECTION, description="Knowledge base to search.")
    k: int = Field(5, ge=1, le=MAX_K, description="How many chunks to return.")
    mode: SearchMode = Field("hybrid", description="hybrid (dense + BM25), dense or bm25.")
    where: dict[str, WhereValue] | None = Field(
        None, description="Metadata filter, e.g. {\"source\": \"faq.md\"}.")
    filters: SearchFilters | None = Field(None, description="Folder, file type and modified "
                                                            "date filters.")


class AskRequest(BaseModel):
    """The body of `POST /ask` and `POST /ask/stream`.

    `question` has no length constraint here on purpose: an empty or over-long one is the
    core's BadInput (400, with a message saying what to do), the same answer the CLI gives.
    """

    question: str = Field(description="A question about the documents.")
    collection: str = Field(DEFAULT_COLLECTION, description="Knowledge base to ask.")
    k: int = Field(5, ge=1, le=MAX_K, description="How many chunks to retrieve.")
    history: list[ChatTurn] = Field(
        default_factory=list, max_length=MAX_HISTORY_TURNS,
        description="Earlier turns of the conversation, oldest first; a follow-up question "
                    "is answered as a standalone one.")
    filters: SearchFilters | None = Field(None, description="Folder, file type and modified "
                                                            "date filters.")


class CollectionList(BaseModel):
    collections: list[CollectionInfo]


@router.post("/ingest")
def ingest(
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File(description="PDF, DOCX, MD, HTML or TXT files.")],
    collection: Annotated[str, Form()] = DEFAULT_COLLECTION,
) -> IngestReport:
    """Save the uploads under the data dir and index them; bad files land in `files_skipped`.

    Upload names are reduced to plain file names by the core (`safe_upload_name`), so a name
    like "../../x.md" is stored as "x.md" inside the collection's uploads folder.
    """
    uploads = [(upload.filename or "", upload.file.read()) for upload in files]
    return ingest_uploads(settings, uploads, collection=collection)


@router.post("/search")
def search(settings: SettingsDep, request: SearchRequest) -> SearchResponse:
    """Retrieve the best chunks without answering (404 for an unknown collection)."""
    return run_search(settings, request.query, collection=request.collection, k=request.k,
                      mode=request.mode, where=request.where, filters=request.filters)


@router.post("/ask")
def ask(settings: SettingsDep, llm: LLMDep, request: AskRequest) -> Answer:
    """Answer with checked citations, or abstain; includes the retrieved chunks."""
    return run_ask(settings, request.question, collection=request.collection, k=request.k,
                   llm=llm, history=request.history, filters=request.filters)


@router.post("/ask/stream", response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "`delta` events, then one `answer` event."}})
def ask_stream(settings: SettingsDep, llm: LLMDep, request: AskRequest) -> StreamingResponse:
    """Server-sent events: `delta` per piece of answer text, then `answer` (or `error`).

    `run_ask_stream` checks the question and the collection before returning, so those
    mistakes are ordinary JSON 4xx responses rather than a 200 stream that fails at once.
    """
    events = run_ask_stream(settings, request.question, collection=request.collection,
                            k=request.k, llm=llm, history=request.history,
                            filters=request.filters)
    return ClosingStreamingResponse(  # a client that drops mid-way still ends the LLM call
        sse_events(events), media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def sse_events(events: Iterator[AnswerDelta | AnswerDone]) -> Generator[bytes, None, None]:
    """Core stream events as SSE frames; a kit error mid-stream becomes a final `error` event,
    because the 200 status line has already been sent and cannot become a 4xx/5xx."""
    try:
        for event in events:
            if isinstance(event, AnswerDelta):
                yield sse_frame("delta", {"text": event.text})
            else:
                yield sse_frame("answer", event.answer.model_dump(mode="json"))
    except AIPMError as err:
        yield sse_frame("error", {"code": err.code, "message": err.message})


def sse_frame(event: str, data: dict[str, Any]) -> bytes:
    """One SSE frame, framed by FastAPI's own encoder (`fastapi.sse`); `json.dumps` never
    emits a raw newline, so `data` stays one line."""
    return format_sse_event(event=event, data_str=json.dumps(data, ensure_ascii=False))


@router.get("/collections")
def collections(settings: SettingsDep) -> CollectionList:
    """Every knowledge base with its chunk count and the embedder that built it."""
    return CollectionList(collections=list_knowledge_bases(settings))


@router.delete("/collections/{name}")
def drop(settings: SettingsDep, name: str) -> dict[str, str]:
    """Delete a knowledge base's chunks and BM25 index (404 if there is none); uploaded
    files stay on disk, as with `aipm rag drop`."""
    delete_collection(settings, name)
    return {"deleted": name}


__all__ = ["AskRequest", "SearchRequest", "rag_llm", "router", "sse_events", "sse_frame"]
