"""What the RAG product's calls take and return: one set of models for CLI, API and page.

The field names are the front-door contract (`aipm rag ... --json`, `/v1/rag/...`), so they
change only with a note in DECISIONS.md.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SearchMode = Literal["hybrid", "dense", "bm25"]
Engine = Literal["extractive", "llm"]
DEFAULT_COLLECTION = "knowledge_base"


class SkippedFile(BaseModel):
    """A file that was not indexed, and why (in words a person can act on)."""

    path: str
    error: str


class IngestReport(BaseModel):
    """What one ingest did. Unchanged files are counted, not re-read into the index."""

    collection: str
    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    files_skipped: list[SkippedFile] = Field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0
    seconds: float = 0.0
    cancelled: bool = False  # stopped before the last file; the files done are kept


class SearchResult(BaseModel):
    """One retrieved chunk. `score` is the mode's own: RRF for hybrid, cosine for dense,
    BM25 for bm25; it ranks within one query and is not comparable across modes."""

    rank: int
    source: str
    title: str
    heading: str
    page: int | None
    chunk_id: str
    score: float
    text: str


class SearchResponse(BaseModel):
    query: str
    mode: SearchMode
    results: list[SearchResult]


class Citation(BaseModel):
    """A source the answer relies on. `verified` is False when the quote is not in the chunk
    (the model misquoted or invented it): show it flagged, never as evidence."""

    source: str
    chunk_id: str
    quote: str
    label: str = ""  # the marker in the answer text: [S1] is the first retrieved chunk
    title: str = ""
    heading: str = ""
    page: int | None = None
    verified: bool = True


class Answer(BaseModel):
    """The result of `ask`. When `abstained`, `answer` says so plainly, `citations` is empty
    (nothing is claimed) and `closest_sources` lists where a person might look next."""

    question: str = ""
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    abstained: bool
    abstain_reason: str | None = None
    engine: Engine
    model: str | None = None
    latency_ms: float = 0.0
    cost_usd: float = 0.0
    relevance: float = 0.0
    warnings: list[str] = Field(default_factory=list)
    closest_sources: list[Citation] = Field(default_factory=list)
    retrieved: list[SearchResult] = Field(default_factory=list)
    note: str | None = None  # why this is not the configured engine's answer (a fallback)
    standalone_question: str | None = None  # what was searched, when a follow-up was rewritten
    trace_id: str | None = None  # this answer's trace row: what a 👍/👎 (POST /v1/ratings) names
    # The short phrase that answers (a name, a date, a number) when the sentence holds one.
    span: str | None = None
    # The learned gate's calibrated probability that the passages answer the question
    # (core.answer_gate); None when no gate model is shipped or no passage was accepted.
    confidence: float | None = None
    low_confidence: bool = False  # confidence below the threshold chosen on the tune split
    gate_features: dict[str, float] = Field(default_factory=dict)  # what the gate read


__all__ = [
    "DEFAULT_COLLECTION",
    "Answer",
    "Citation",
    "Engine",
    "IngestReport",
    "SearchMode",
    "SearchResponse",
    "SearchResult",
    "SkippedFile",
]
