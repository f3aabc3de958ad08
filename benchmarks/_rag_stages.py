"""Where a hybrid query's time goes: each stage timed alone, in wall and process CPU time.

The stages are the calls `retrieval.retrieve_hybrid` makes, then those `gate.decide` makes
inside `ask`'s `one_question`, then `ask` in three parts (the relevance gate, the learned gate
reading the question against the evidence, the extractive answer), made
here one by one so each can be timed (the library carries no timing code). The table
prints the sum of the hybrid stages beside the end-to-end hybrid query measured in the same run,
so if the two ever drift apart (the library changed and this file did not) it shows.

Wall time is what a user waits; process CPU time (all threads, Chroma's included) is the work
done. On a loaded machine wall time grows while CPU time stays put, so a wide gap between the
two means the process was waiting for a core, not that the code got slower.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np

from products.rag_search.core.answer import _retrieve, judge
from products.rag_search.core.knowledge_base import KnowledgeBase
from products.rag_search.core.outcomes import abstain, extractive_outcome
from products.rag_search.core.relevance import signals, term_weights
from products.rag_search.core.retrieval import (
    LEXICAL_CANDIDATES,
    MIN_CANDIDATES,
    RERANK_DEPTH,
    _results,
    by_coverage,
    fuse_ids,
    search,
)
from products.rag_search.core.soft_coverage import SoftMatcher

HYBRID_STAGES = [
    "embed query",
    f"Chroma nearest ids, n={MIN_CANDIDATES}",
    "BM25 index check (revision read)",
    f"BM25 score + top {LEXICAL_CANDIDATES}",
    "RRF fusion of the two id lists",
    f"read the top {RERANK_DEPTH} fused chunks (one get)",
    "question's term weights + word vectors",
    f"re-rank the {RERANK_DEPTH} by soft coverage",
    "results as SearchResult models",
]
GATE_STAGES = [
    "gate: one index check (enter one_question)",
    "gate: hybrid search (k chunks + vectors)",
    "gate: BM25 top k (reads chunks not yet read)",
    "gate: term weights (no index check)",
    "gate: candidates' vectors (already read)",
    "gate: coverage + cosine signals",
]
LEARNED_GATE_STAGE = "ask: learned gate (features + confidence)"
ASK_STAGES = [
    "ask: the whole gate (answer._retrieve)",
    LEARNED_GATE_STAGE,
    "ask: extractive answer (or abstention)",
]


class StageClock:
    """Wall and process CPU milliseconds per named stage, one sample per call."""

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def __call__(self, name: str, call: Callable[..., Any], *args: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = call(*args)
        self.wall.setdefault(name, []).append((time.perf_counter() - wall) * 1000)
        self.cpu.setdefault(name, []).append((time.process_time() - cpu) * 1000)
        return result


def hybrid_stages(clock: StageClock, kb: KnowledgeBase, query: str, k: int) -> list[Any]:
    """`retrieve_hybrid(kb, query, k)` and `search`'s result models, stage by stage."""
    vector = clock(HYBRID_STAGES[0], kb.store.embedder.embed_query, query)
    dense = clock(HYBRID_STAGES[1], kb.vectors.nearest, vector, max(k, MIN_CANDIDATES))
    index = clock(HYBRID_STAGES[2], kb.lexical)
    hits = clock(HYBRID_STAGES[3], index.search, query, max(k, LEXICAL_CANDIDATES))
    lexical = [(hit.chunk_id, hit.score) for hit in hits]
    fused = clock(HYBRID_STAGES[4], lambda: fuse_ids([dense, lexical])[:max(k, RERANK_DEPTH)])
    chunks = clock(HYBRID_STAGES[5], kb.chunks, [chunk_id for chunk_id, _ in fused])
    by_id = {chunk.id: chunk for chunk in chunks}
    ranked = [(by_id[chunk_id], score) for chunk_id, score in fused]
    matcher = clock(HYBRID_STAGES[6], lambda: SoftMatcher(term_weights(query, index), query))
    reranked = clock(HYBRID_STAGES[7], by_coverage, ranked, matcher)[:k]
    return clock(HYBRID_STAGES[8], _results, reranked)


def gate_stages(clock: StageClock, kb: KnowledgeBase, query: str, k: int) -> None:
    """What `gate.decide` does inside `ask`'s `one_question`, stage by stage."""
    with ExitStack() as question:
        clock(GATE_STAGES[0], question.enter_context, kb.one_question())
        hybrid = clock(GATE_STAGES[1], lambda: search(kb, query, mode="hybrid", k=k).results)
        lexical = clock(GATE_STAGES[2], lambda: search(kb, query, mode="bm25", k=k).results)
        seen = {result.chunk_id for result in hybrid}
        candidates = [*hybrid, *(result for result in lexical if result.chunk_id not in seen)]
        weights = clock(GATE_STAGES[3], lambda: term_weights(query, kb.lexical()))
        vectors = clock(GATE_STAGES[4], kb.stored_vectors, [c.chunk_id for c in candidates])
        clock(GATE_STAGES[5], signals, weights, kb.query_vector(query), candidates, vectors)


def ask_stages(clock: StageClock, kb: KnowledgeBase, query: str, k: int) -> None:
    """`ask` with the extractive engine in its two parts: the gate, then the answer."""
    asked = clock(ASK_STAGES[0], _retrieve, kb, query, k, None, query, time.perf_counter())
    clock(ASK_STAGES[1], judge, asked)  # the learned gate's added cost (issue 22: <= 5 ms p95)
    if asked.results:
        clock(ASK_STAGES[2], extractive_outcome, asked)
    else:
        clock(ASK_STAGES[2], abstain, asked, "extractive", "low_relevance", None)


def time_stages(kb: KnowledgeBase, queries: Sequence[str], warm_up: int, k: int = 5) -> StageClock:
    """Every query's stages, after `warm_up` untimed queries. A fresh KnowledgeBase over the
    same store per question, as a request gets, so no question's vector is already cached."""
    clock = StageClock()
    for number, query in enumerate(queries):
        timed = clock if number >= warm_up else StageClock()
        for stages in (hybrid_stages, gate_stages, ask_stages):
            stages(timed, KnowledgeBase(kb.settings, kb.name, store=kb.store), query, k)
    return clock


def _pct(samples: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples), q))


def print_stages(clock: StageClock, end_to_end: Sequence[float] | None) -> None:
    """The per-stage table; the hybrid sum sits beside the end-to-end hybrid query."""
    print(f"\n{'stage, ms':<46}{'wall p50':>9}{'p95':>8}{'CPU p50':>9}{'p95':>8}{'share':>7}")
    hybrid_sum = sum(_pct(clock.wall[name], 50) for name in HYBRID_STAGES)
    for name in [*HYBRID_STAGES, *GATE_STAGES, *ASK_STAGES]:
        wall, cpu = clock.wall[name], clock.cpu[name]
        share = f"{_pct(wall, 50) / hybrid_sum:>6.0%}" if name in HYBRID_STAGES else ""
        print(f"{name:<46}{_pct(wall, 50):>9.3f}{_pct(wall, 95):>8.3f}"
              f"{_pct(cpu, 50):>9.3f}{_pct(cpu, 95):>8.3f}{share:>7}")
        if name == HYBRID_STAGES[-1]:
            print(f"{'  sum of the hybrid stages (p50s)':<46}{hybrid_sum:>9.3f}")
            if end_to_end:
                print(f"{'  kit search hybrid end to end (p50, p95)':<46}"
                      f"{_pct(end_to_end, 50):>9.3f}{_pct(end_to_end, 95):>8.3f}")


def profile_hybrid(kb: KnowledgeBase, queries: Sequence[str], path: Path, top: int = 20) -> str:
    """cProfile of `search(mode="hybrid", k=5)` over the queries: stats saved to `path`, and
    the `top` functions by own time returned as text. A fresh KnowledgeBase over the same
    store, so no question's vector is already cached from the runs before."""
    kb = KnowledgeBase(kb.settings, kb.name, store=kb.store)
    profiler = cProfile.Profile()
    profiler.enable()
    for query in queries:
        search(kb, query, mode="hybrid", k=5)
    profiler.disable()
    profiler.dump_stats(str(path))
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


__all__ = ["LEARNED_GATE_STAGE", "StageClock", "print_stages", "profile_hybrid", "time_stages"]
