"""RAG search at 100k chunks: the kit's ingest and queries against raw Chroma and raw bm25s.

One process, one seeded synthetic help-centre corpus (`benchmarks/_rag_corpus.py`), the kit's
default embedder (its throughput is reported on its own, in chunks/s). Vectors are computed
once before anything is timed, so the ingest ratio
compares the same vectors: the kit's `vectors.add` (content-hash ids, an id lookup per batch,
the revision bump) plus `rebuild_lexical` (read every chunk back, BM25 index, save), against
raw `collection.add` in batches of Chroma's max batch size. Raw bm25s indexing time is shown
for context. Queries run after a warm-up, each query through every retriever in rotating
order, so load from other processes hits all of them alike. The raw sides also pay for their
query's embedding or tokenising, as the kit does. The hybrid path as it was before it read
ids first, and `run_search` (the API's path), run in the same rotation. Every row shows process
CPU time beside wall time, the load average is printed at start and end, and a per-stage table
(`_rag_stages.py`) says where a hybrid query, the gate and `ask` spend it.
Goals: hybrid query p95 <= 15 ms (issue 22; 30 ms in issues 4 and 12); ingest <= 1.3x raw
Chroma `add` (issue 12); the learned answer gate adds <= 5 ms p95 per question (issue 22).

    .venv/bin/python benchmarks/rag_search.py [--chunks 100000] [--queries 200] [--ask 100]
        [--stages 200] [--store DIR] [--profile FILE]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._rag_corpus import build_corpus
from benchmarks._rag_ingest import print_ingest, stores
from benchmarks._rag_stages import (
    LEARNED_GATE_STAGE,
    print_stages,
    profile_hybrid,
    time_stages,
)
from products.rag_search.core.answer import ask
from products.rag_search.core.knowledge_base import KnowledgeBase, index_text
from products.rag_search.core.retrieval import (
    LEXICAL_CANDIDATES,
    fuse_rrf,
    retrieve_bm25,
    retrieve_dense,
    search,
)
from products.rag_search.core.service import run_search
from products.rag_search.core.text import terms

GOAL_HYBRID_P95_MS = 15.0
GOAL_GATE_P95_MS = 5.0
GOAL_INGEST_RATIO = 1.3
DEPTH = 20  # the dense list's depth (retrieval.MIN_CANDIDATES); the anchors match it
WARM_UP = 20

Timings = dict[str, list[float]]


def bm25s_tokenizer(vocabulary: Sequence[str]) -> Callable[..., Any]:
    """bm25s's own tokenizer with the kit's stop words and stemmer, so both index the same terms.

    bm25s's default English list has 33 words, the kit's 131 ("how", "do", "you", "can" are
    kit stop words); with different lists the indexes differ, and a raw query for "how do I
    ..." walks posting lists as long as the corpus. The kit's stop words are found through its
    public `terms`: a word of the corpus that yields no term is one.
    """
    import bm25s
    import Stemmer

    stopwords = sorted({word for word in vocabulary if not terms(word)})
    return partial(bm25s.tokenize, stopwords=stopwords, stemmer=Stemmer.Stemmer("english"),
                   show_progress=False)


def raw_bm25s_index(texts: Sequence[str], tokenize: Callable[..., Any]) -> tuple[Any, float]:
    """A bm25s index of the texts the kit indexes (not saved), and the seconds it took."""
    import bm25s

    started = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(tokenize(list(texts)), show_progress=False)
    return retriever, time.perf_counter() - started


def query_runners(kb: KnowledgeBase, collection: Any, retriever: Any,
                  tokenize: Callable[..., Any]) -> dict[str, Callable[[str], object]]:
    """One callable per measured path; raw sides embed or tokenise their query, like the kit.

    Each kit path gets its own KnowledgeBase over the same store, as separate requests would:
    a knowledge base remembers its last questions' vectors, and the hybrid runner must not
    reuse the vector the dense runner just computed for the same question. `run_search` is
    what the API and the page call: it opens the store and the collection and writes a trace
    row around the same search.
    """
    embedder = kb.store.embedder

    def raw_chroma(query: str) -> object:
        return collection.query(query_embeddings=[embedder.embed_query(query)],
                                n_results=DEPTH,
                                include=["documents", "metadatas", "distances"])

    def raw_bm25s(query: str) -> object:
        return retriever.retrieve(tokenize(query, return_ids=False), k=DEPTH,
                                  show_progress=False)

    dense, bm25, hybrid, full = (KnowledgeBase(kb.settings, kb.name, store=kb.store)
                                 for _ in "abcd")
    return {
        "raw_chroma": raw_chroma,
        "raw_bm25s": raw_bm25s,
        "kit_dense": lambda query: search(dense, query, mode="dense", k=DEPTH),
        "kit_bm25": lambda query: search(bm25, query, mode="bm25", k=DEPTH),
        "kit_hybrid": lambda query: search(hybrid, query, mode="hybrid", k=5),
        "kit_hybrid_full": lambda query: full_read_hybrid(full, query, k=5),
        "kit_service": lambda query: run_search(kb.settings, query, collection=kb.name, k=5),
    }


def full_read_hybrid(kb: KnowledgeBase, query: str, k: int) -> list[Any]:
    """Hybrid as it ran before 2026-12-02, for comparison in the same run: the dense query
    reads all 20 hits' text, a get reads all the BM25 hits' (30 deep), then fusion keeps k.
    Built from the library's dense and BM25 retrievers, which still read everything."""
    ranked = fuse_rrf([retrieve_dense(kb, query, max(k, DEPTH)),
                       retrieve_bm25(kb, query, max(k, LEXICAL_CANDIDATES))])[:k]
    return [(chunk.id, score) for chunk, score in ranked]


def time_queries(runners: dict[str, Callable[[str], object]], queries: Sequence[str]) -> Timings:
    """Wall and process CPU ms per query per runner (CPU under "<name>_cpu"); the runners'
    order rotates from query to query, so load from other processes hits all of them alike."""
    for query in queries[:WARM_UP]:
        for run in runners.values():
            run(query)
    names = list(runners)
    timings: Timings = {key: [] for name in names for key in (name, f"{name}_cpu")}
    for position, query in enumerate(queries[WARM_UP:]):
        shift = position % len(names)
        for name in names[shift:] + names[:shift]:
            wall, cpu = time.perf_counter(), time.process_time()
            runners[name](query)
            timings[name].append((time.perf_counter() - wall) * 1000)
            timings[f"{name}_cpu"].append((time.process_time() - cpu) * 1000)
    for suffix in ("", "_cpu"):
        timings[f"raw_sum{suffix}"] = [a + b for a, b in zip(
            timings[f"raw_chroma{suffix}"], timings[f"raw_bm25s{suffix}"], strict=True)]
    return timings


def time_ask(kb: KnowledgeBase, queries: Sequence[str], timings: Timings) -> int:
    """End-to-end `ask` with the extractive engine, into `timings`; returns how many abstained."""
    for query in queries[:WARM_UP]:
        ask(kb, query, k=5)
    timings["kit_ask"], timings["kit_ask_cpu"], abstained = [], [], 0
    for query in queries[WARM_UP:]:
        wall, cpu = time.perf_counter(), time.process_time()
        abstained += ask(kb, query, k=5).abstained
        timings["kit_ask"].append((time.perf_counter() - wall) * 1000)
        timings["kit_ask_cpu"].append((time.process_time() - cpu) * 1000)
    return abstained


def pct(samples: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples), q))


QUERY_ROWS = [  # (timings key, label, anchor key or None)
    ("raw_chroma", f"raw Chroma embed + query n={DEPTH}", None),
    ("raw_bm25s", f"raw bm25s tokenize + retrieve k={DEPTH}", None),
    ("raw_sum", "raw Chroma + raw bm25s (per query)", None),
    ("kit_dense", f"kit search dense k={DEPTH}", "raw_chroma"),
    ("kit_bm25", f"kit search bm25 k={DEPTH}", "raw_bm25s"),
    ("kit_hybrid", "kit search hybrid k=5", "raw_sum"),
    ("kit_hybrid_full", "kit hybrid k=5 reading all 40 (before)", "kit_hybrid"),
    ("kit_service", "kit run_search hybrid k=5 (API's path)", "kit_hybrid"),
    ("kit_ask", "kit ask() extractive k=5", "raw_sum"),
]


def print_queries(timings: Timings) -> None:
    print(f"\n{'query latency, ms':<40}{'n':>5}{'p50':>8}{'p95':>8}{'max':>8}"
          f"{'p50 ratio':>11}{'p95 ratio':>11}  vs{'':>9}{'CPU p50':>8}{'p95':>8}")
    for key, label, anchor in QUERY_ROWS:
        if key not in timings:
            continue
        samples, cpu = timings[key], timings[f"{key}_cpu"]
        line = (f"{label:<40}{len(samples):>5}{pct(samples, 50):>8.2f}{pct(samples, 95):>8.2f}"
                f"{max(samples):>8.2f}")
        if anchor is not None:
            base = timings[anchor]
            line += (f"{pct(samples, 50) / pct(base, 50):>10.2f}x"
                     f"{pct(samples, 95) / pct(base, 95):>10.2f}x  {anchor:<11}")
        else:
            line += " " * 35
        print(f"{line}{pct(cpu, 50):>8.2f}{pct(cpu, 95):>8.2f}")


def print_goals(hybrid_p95: float, ingest_ratio: float | None, gate_p95: float | None) -> None:
    met_query = hybrid_p95 <= GOAL_HYBRID_P95_MS
    print(f"\n{'PASS' if met_query else 'MISS'}: hybrid query p95 {hybrid_p95:.2f} ms "
          f"(goal <= {GOAL_HYBRID_P95_MS:.0f} ms)")
    if gate_p95 is not None:
        met_gate = gate_p95 <= GOAL_GATE_P95_MS
        print(f"{'PASS' if met_gate else 'MISS'}: learned gate adds {gate_p95:.2f} ms p95 per "
              f"question (goal <= {GOAL_GATE_P95_MS:.0f} ms)")
    if ingest_ratio is None:
        print("ingest: not measured (collections reused from --store)")
        return
    met_ingest = ingest_ratio <= GOAL_INGEST_RATIO
    print(f"{'PASS' if met_ingest else 'MISS'}: ingest {ingest_ratio:.2f}x raw Chroma add "
          f"(goal <= {GOAL_INGEST_RATIO}x)")


def run(args: argparse.Namespace) -> None:
    print_load("start")
    corpus = build_corpus(args.chunks, args.queries + WARM_UP, args.vocabulary, args.seed)
    texts = [index_text(chunk.text, chunk.metadata) for chunk in corpus.chunks]
    queries, tokenize = corpus.queries, bm25s_tokenizer(corpus.vocabulary)
    with tempfile.TemporaryDirectory(prefix="rag_bench_") as tmp:
        folder = Path(args.store) if args.store else Path(tmp)
        kb, collection, totals = stores(folder, corpus, texts, args)
        retriever, bm25s_s = raw_bm25s_index(texts, tokenize)
        del corpus, texts  # a server holds none of these; their GC cost is not the kit's
        gc.collect()
        ingest_ratio = print_ingest(totals, bm25s_s) if totals else None
        timings = time_queries(query_runners(kb, collection, retriever, tokenize), queries)
        abstained = time_ask(kb, queries[: args.ask + WARM_UP], timings) if args.ask else 0
        print_queries(timings)
        gate_p95 = None
        if args.stages:  # 0 skips the stage table, as --ask 0 skips ask()
            clock = time_stages(kb, queries[: args.stages + WARM_UP], WARM_UP)
            print_stages(clock, timings["kit_hybrid"])
            gate_p95 = pct(clock.wall[LEARNED_GATE_STAGE], 95)
        if args.profile:
            print(profile_hybrid(kb, queries[WARM_UP:], Path(args.profile)))
    if args.ask:
        print(f"(ask: {abstained} of {args.ask} abstained, threshold from calibration.json)")
    print_goals(pct(timings["kit_hybrid"], 95), ingest_ratio, gate_p95)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:,.0f} MB")
    print_load("end")


def print_load(when: str) -> None:
    """The machine's load average, so a reader can tell a quiet run from a loaded one."""
    one, five, fifteen = os.getloadavg()
    print(f"load average at {when}: {one:.2f} {five:.2f} {fifteen:.2f} "
          f"({os.cpu_count()} cores)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ask", type=int, default=100,
                        help="Questions timed through ask() end to end (0 skips it).")
    parser.add_argument("--vocabulary", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stages", type=int, default=200,
                        help="Questions timed stage by stage (wall and CPU per stage).")
    parser.add_argument("--profile", metavar="FILE",
                        help="Also cProfile the hybrid queries: stats to FILE, top 20 printed.")
    parser.add_argument("--store", help="Keep the built collections in this folder and reuse "
                        "them on later runs with the same corpus (skips the ingest timing).")
    run(parser.parse_args())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
