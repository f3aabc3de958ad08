"""Building the RAG benchmark's two stores: the kit's knowledge base and a raw Chroma collection.

The same vectors go into both, batch by batch, alternating who goes first, so the ingest ratio
compares like with like. With `--store DIR` the built pair is kept in DIR with a marker of the
corpus and embedder it holds, and later runs with the same corpus reuse it (a 100k build takes
many minutes on a shared machine), skipping the ingest timing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks._rag_corpus import Corpus
from products.rag_search.core.knowledge_base import KnowledgeBase
from shared.config import load_settings
from shared.embeddings import Embedder, get_embedder

COLLECTION = "bench_help_centre"
MARKER = "built.json"  # what a --store folder was built for
EMBED_BATCH = 2000


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


__all__ = ["bench_settings", "kit_knowledge_base", "print_ingest", "stores"]
