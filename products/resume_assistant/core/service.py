"""What the front doors call: load the inputs, pick the engine, trace the run, return models.

A résumé and a JD arrive as (file name, bytes) pairs (a pasted JD as "pasted.txt"), so the
CLI, the API and the page go through exactly the same path. Keyless runs leave one trace row
per operation (engine and latency, no text).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from products.resume_assistant.core.analyze import analyze
from products.resume_assistant.core.jd_parser import parse_jd
from products.resume_assistant.core.loading import jd_text, resume_text
from products.resume_assistant.core.matching import ResumeIndex, similarity_threshold
from products.resume_assistant.core.models import Analysis, JobDescription, Resume
from products.resume_assistant.core.resume_parser import parse_resume
from shared.config import Settings
from shared.documents import load_budget, upload_limit_bytes
from shared.embeddings import Embedder, get_embedder
from shared.llm import LLMClient, get_llm
from shared.ops import open_trace_store
from shared.progress import WorkControl
from shared.tracing import trace_operation

if TYPE_CHECKING:
    from products.resume_assistant.core.ranking import Ranking

PRODUCT = "resume_assistant"
Upload = tuple[str, bytes]
_embedders: dict[str, Embedder] = {}
_lock = threading.Lock()


@dataclass
class Inputs:
    """A parsed résumé and JD with the résumé's evidence index."""

    resume: Resume
    jd: JobDescription
    index: ResumeIndex


def llm_for(settings: Settings) -> LLMClient | None:
    """A new client for one operation, or None in baseline mode.

    Not cached: a module-level table of clients would be keyed by API keys (issue 8), and one
    client per analyze/tailor/letter costs microseconds beside the model call it makes.
    """
    return get_llm(settings, product=PRODUCT) if settings.engine == "llm" else None


def embedder_for(settings: Settings) -> Embedder:
    """One embedder per name per process: WordLlama loads its weights once."""
    with _lock:
        if settings.embedder not in _embedders:
            _embedders[settings.embedder] = get_embedder(settings)
        return _embedders[settings.embedder]


def load_inputs(settings: Settings, resume: Upload, jd: Upload) -> Inputs:
    """Parse both inputs; errors name the file and what to do."""
    limit, budget = upload_limit_bytes(settings), load_budget(settings)
    parsed_resume = parse_resume(resume_text(*resume, max_bytes=limit, budget=budget))
    text, hidden = jd_text(*jd, max_bytes=limit, budget=budget)
    parsed_jd = parse_jd(text)
    parsed_jd.removed = [*hidden, *parsed_jd.removed]
    return Inputs(parsed_resume, parsed_jd,
                  ResumeIndex.build(parsed_resume, embedder_for(settings)))


def baseline_engine_name(settings: Settings) -> str:
    return f"baseline (rules + {embedder_for(settings).name})"


def run_analyze(settings: Settings, resume: Upload, jd: Upload) -> Analysis:
    """The analysis: deterministic in both modes (see DECISIONS.md: the score must repeat)."""
    engine = baseline_engine_name(settings)
    with trace_operation(open_trace_store(settings), product=PRODUCT, operation="analyze",
                         engine=engine) as row:
        inputs = load_inputs(settings, resume, jd)
        threshold = similarity_threshold(inputs.index.embedder.name)
        result = analyze(inputs.index, inputs.jd, threshold, engine)
        row.items = len(result.requirements)
    result.trace_id = row.trace_id
    return result


def run_rank(settings: Settings, resume: Upload, postings: list[Upload],
             control: WorkControl | None = None) -> Ranking:
    """Rank postings for one résumé: parsed and embedded once, one trace row for the batch.
    With `control` (the CLI's bar, the hub's job) progress counts postings of the total and
    a cancel stops before the next posting, keeping the ones already ranked."""
    from products.resume_assistant.core.ranking import Ranking, index_resume, rank

    engine = baseline_engine_name(settings)
    limit = upload_limit_bytes(settings)
    progress, stop = None, None
    if control is not None:
        control.total = len(postings)
        progress, stop = control.advance, lambda: control.cancelled
    with trace_operation(open_trace_store(settings), product=PRODUCT, operation="rank",
                         engine=engine) as row:
        index = index_resume(resume, embedder_for(settings), limit)
        ranked = rank(index, postings, engine, max_bytes=limit, progress=progress, stop=stop)
        row.items = len(ranked)
    return Ranking(resume=resume[0], engine=engine, postings=ranked,
                   cancelled=len(ranked) < len(postings), given=len(postings))


__all__ = [
    "PRODUCT",
    "Inputs",
    "Upload",
    "embedder_for",
    "llm_for",
    "load_inputs",
    "run_analyze",
    "run_rank",
]
