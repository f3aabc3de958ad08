"""RAG search at 100k chunks: the kit's ingest and queries against raw Chroma and raw bm25s.

One process, one seeded synthetic help-centre corpus (`benchmarks/_rag_corpus.py`), the kit's
default embedder (its throughput is reported on its own, in chunks/s). Vectors are computed
once before anything is timed, so the ingest ratio
compares the same vectors: the kit's `vectors.add` (content-hash ids, an id lookup per batch,
the revision bump) plus `rebuild_lexical` (read every chunk back, BM25 index, save), against
raw `collection.add` in batches of Chroma's max batch size. Raw bm25s indexing time is shown
for context. Queries run after a warm-up, each query through every retriever in rotating
order, so load from other processes hits all of them alike. The raw sides also pay for their
query's embedding or tokenising, as the kit does.
Goals (issue 4): hybrid query p95 <= 30 ms; ingest <= 1.3x raw Chroma `add`.

    .venv/bin/python benchmarks/rag_search.py [--chunks 100000] [--queries 200] [--ask 100]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._rag_corpus import Corpus, build_corpus
from products.rag_search.core.answer import ask
from products.rag_search.core.knowledge_base import KnowledgeBase, index_text
from products.rag_search.core.retrieval import search
from products.rag_search.core.text import terms
from shared.config import load_settings
from shared.embeddings import Embedder, get_embedder

GOAL_HYBRID_P95_MS = 30.0
GOAL_INGEST_RATIO = 1.3
COLLECTION = "bench_help_centre"
DEPTH = 20  # each hybrid list is this deep (retrieval.MIN_CANDIDATES); the anchors match it
WARM_UP = 20
MARKER = "built.json"  # what a --store folder was built for
EMBED_BATCH = 2000

Timings = dict[str, list[float]]


def embed_all(texts: Sequence[str], embedder: Embedder) -> np.ndarray:
    """Every text's vector as float32, in batches, so peak memory stays near the final array."""
    vectors = np.empty((len(texts), embedder.dimension), dtype=np.float32)
    for start in range(0, len(texts), EMBED_BATCH):
        batch = embedder.embed_documents(texts[start : start + EMBED_BATCH])
        vectors[start : start + len(batch)] = np.asarray(batch, dtype=np.float32)
    return vectors


def raw_collection(folder: Path) -> tuple[Any, int]:
    """A bare PersistentClient collection (cosine, like the kit's) and Chroma's max batch size."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(folder),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection(COLLECTION, metadata={"hnsw:space": "cosine"},
                                                 embedding_function=None)
    return collection, client.get_max_batch_size()


def kit_knowledge_base(data_dir: Path) -> KnowledgeBase:
    return KnowledgeBase(bench_settings(data_dir), COLLECTION)


def bench_settings(data_dir: Path) -> Any:
    """Keyless, embedded, and the kit's default embedder (AIPM_EMBEDDER may override it)."""
    return load_settings(data_dir=data_dir, provider="none", chroma_host=None)


def timed(call: Callable[[], object], totals: dict[str, float], name: str) -> None:
    """Add the call's wall and process CPU seconds (all threads: Chroma's too) to `totals`."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    totals[name] += time.perf_counter() - wall
    totals[f"{name}_cpu"] += time.process_time() - cpu


def ingest_both(tmp: Path, corpus: Corpus, vectors: np.ndarray) -> tuple[KnowledgeBase, Any,
                                                                          dict[str, float]]:
    """The same batches into raw Chroma and the kit, alternating who goes first per batch.

    The kit side is `kb.vectors.add` (what `KnowledgeBase.add` does after embedding: hash ids,
    look up existing ones, add, bump the revision), then one `rebuild_lexical` at the end, as
    an ingest does. Raw ids are the same content hashes, computed before timing.
    """
    collection, batch = raw_collection(tmp / "raw_chroma")
    kb = kit_knowledge_base(tmp / "kit")
    chunks, ids = corpus.chunks, [chunk.id for chunk in corpus.chunks]
    totals = dict.fromkeys(["raw", "raw_cpu", "add", "add_cpu", "lexical", "lexical_cpu"], 0.0)
    for number, start in enumerate(range(0, len(chunks), batch)):
        part = slice(start, start + batch)
        sides = [("raw", partial(collection.add, ids=ids[part], embeddings=vectors[part],
                                 documents=[chunk.text for chunk in chunks[part]],
                                 metadatas=[chunk.metadata for chunk in chunks[part]])),
                 ("add", partial(kb.vectors.add, chunks[part], vectors[part]))]
        for name, call in sides[::-1] if number % 2 else sides:
            timed(call, totals, name)
        print(f"  ingested {min(start + batch, len(chunks)):,} chunks: raw {totals['raw']:.1f} s,"
              f" kit {totals['add']:.1f} s", file=sys.stderr)
    timed(kb.rebuild_lexical, totals, "lexical")
    assert kb.count() == collection.count() == len(chunks), "a side stored fewer chunks"
    totals["kit"] = totals["add"] + totals["lexical"]
    totals["kit_cpu"] = totals["add_cpu"] + totals["lexical_cpu"]
    return kb, collection, totals


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
    """One callable per measured path; raw sides embed or tokenise their query, like the kit."""
    embedder = kb.store.embedder

    def raw_chroma(query: str) -> object:
        return collection.query(query_embeddings=[embedder.embed_query(query)],
                                n_results=DEPTH,
                                include=["documents", "metadatas", "distances"])

    def raw_bm25s(query: str) -> object:
        return retriever.retrieve(tokenize(query, return_ids=False), k=DEPTH,
                                  show_progress=False)

    return {
        "raw_chroma": raw_chroma,
        "raw_bm25s": raw_bm25s,
        "kit_dense": lambda query: search(kb, query, mode="dense", k=DEPTH),
        "kit_bm25": lambda query: search(kb, query, mode="bm25", k=DEPTH),
        "kit_hybrid": lambda query: search(kb, query, mode="hybrid", k=5),
    }


def time_queries(runners: dict[str, Callable[[str], object]], queries: Sequence[str]) -> Timings:
    """Milliseconds per query per runner; the runners' order rotates from query to query."""
    for query in queries[:WARM_UP]:
        for run in runners.values():
            run(query)
    names = list(runners)
    timings: Timings = {name: [] for name in names}
    for position, query in enumerate(queries[WARM_UP:]):
        shift = position % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            runners[name](query)
            timings[name].append((time.perf_counter() - started) * 1000)
    timings["raw_sum"] = [a + b for a, b in zip(timings["raw_chroma"], timings["raw_bm25s"],
                                                strict=True)]
    return timings


def time_ask(kb: KnowledgeBase, queries: Sequence[str], timings: Timings) -> int:
    """End-to-end `ask` with the extractive engine, into `timings`; returns how many abstained."""
    for query in queries[:WARM_UP]:
        ask(kb, query, k=5)
    samples, abstained = [], 0
    for query in queries[WARM_UP:]:
        started = time.perf_counter()
        abstained += ask(kb, query, k=5).abstained
        samples.append((time.perf_counter() - started) * 1000)
    timings["kit_ask"] = samples
    return abstained


def pct(samples: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples), q))


def print_corpus(corpus: Corpus, embed_seconds: float) -> None:
    print(f"corpus: {len(corpus.chunks):,} chunks, {corpus.words:,} words "
          f"({corpus.words / len(corpus.chunks):.0f} per chunk), vocabulary "
          f"{corpus.vocabulary_size:,} + {corpus.rare_terms:,} rare terms; "
          f"embedding ({get_embedder(bench_settings(Path('.'))).name}, not timed below) "
          f"{embed_seconds:.1f} s = {len(corpus.chunks) / embed_seconds:,.0f} chunks/s")


def print_ingest(totals: dict[str, float], bm25s_s: float) -> float:
    """The ingest table; returns the goal's ratio, kit total / raw Chroma add (wall time)."""
    raw, raw_cpu = totals["raw"], totals["raw_cpu"]
    print(f"\n{'ingest (same vectors, batches alternating)':<46}{'wall s':>8}{'ratio':>8}"
          f"{'CPU s':>8}{'ratio':>8}")
    rows = [("raw Chroma add (anchor)", "raw"), ("kit vectors.add", "add"),
            ("kit rebuild_lexical (read back, BM25, save)", "lexical"), ("kit total", "kit")]
    for label, key in rows:
        wall, cpu = totals[key], totals[f"{key}_cpu"]
        print(f"{label:<46}{wall:>8.2f}{wall / raw:>7.2f}x{cpu:>8.2f}{cpu / raw_cpu:>7.2f}x")
    print(f"{'raw bm25s tokenize + index (context)':<46}{bm25s_s:>8.2f}{bm25s_s / raw:>7.2f}x")
    return totals["kit"] / raw


QUERY_ROWS = [  # (timings key, label, anchor key or None)
    ("raw_chroma", f"raw Chroma embed + query n={DEPTH}", None),
    ("raw_bm25s", f"raw bm25s tokenize + retrieve k={DEPTH}", None),
    ("raw_sum", "raw Chroma + raw bm25s (per query)", None),
    ("kit_dense", f"kit search dense k={DEPTH}", "raw_chroma"),
    ("kit_bm25", f"kit search bm25 k={DEPTH}", "raw_bm25s"),
    ("kit_hybrid", "kit search hybrid k=5", "raw_sum"),
    ("kit_ask", "kit ask() extractive k=5", "raw_sum"),
]


def print_queries(timings: Timings) -> None:
    print(f"\n{'query latency, ms':<40}{'n':>5}{'p50':>8}{'p95':>8}{'max':>8}"
          f"{'p50 ratio':>11}{'p95 ratio':>11}  vs")
    for key, label, anchor in QUERY_ROWS:
        if key not in timings:
            continue
        samples = timings[key]
        line = (f"{label:<40}{len(samples):>5}{pct(samples, 50):>8.2f}{pct(samples, 95):>8.2f}"
                f"{max(samples):>8.2f}")
        if anchor is not None:
            base = timings[anchor]
            line += (f"{pct(samples, 50) / pct(base, 50):>10.2f}x"
                     f"{pct(samples, 95) / pct(base, 95):>10.2f}x  {anchor}")
        print(line)


def print_goals(hybrid_p95: float, ingest_ratio: float | None) -> None:
    met_query = hybrid_p95 <= GOAL_HYBRID_P95_MS
    print(f"\n{'PASS' if met_query else 'MISS'}: hybrid query p95 {hybrid_p95:.2f} ms "
          f"(goal <= {GOAL_HYBRID_P95_MS:.0f} ms)")
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
    if args.ask:
        print(f"(ask: {abstained} of {args.ask} abstained, threshold from calibration.json)")
    print_goals(pct(timings["kit_hybrid"], 95), ingest_ratio)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:,.0f} MB")
    print_load("end")


def stores(folder: Path, corpus: Corpus, texts: Sequence[str],
           args: argparse.Namespace) -> tuple[KnowledgeBase, Any, dict[str, float] | None]:
    """The kit's and the raw collections: reused from `--store` when built there for the same
    corpus and embedder (no ingest timing then), else embedded and ingested side by side."""
    marker = {"chunks": args.chunks, "vocabulary": args.vocabulary, "seed": args.seed,
              "embedder": get_embedder(bench_settings(Path("."))).name}
    if _read_marker(folder) == marker:
        print(f"reusing the collections in {folder} (no ingest timing)", file=sys.stderr)
        return kit_knowledge_base(folder / "kit"), raw_collection(folder / "raw_chroma")[0], None
    for part in ("kit", "raw_chroma", MARKER):
        shutil.rmtree(folder / part, ignore_errors=True)
    started = time.perf_counter()
    vectors = embed_all(texts, get_embedder(bench_settings(Path("."))))
    print_corpus(corpus, time.perf_counter() - started)
    kb, collection, totals = ingest_both(folder, corpus, vectors)
    (folder / MARKER).write_text(json.dumps(marker))
    return kb, collection, totals


def _read_marker(folder: Path) -> object:
    try:
        return json.loads((folder / MARKER).read_text())
    except (OSError, ValueError):
        return None


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
    parser.add_argument("--store", help="Keep the built collections in this folder and reuse "
                        "them on later runs with the same corpus (skips the ingest timing).")
    run(parser.parse_args())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
