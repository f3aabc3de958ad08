"""One-shot `aipm rag ask` against a bare script that imports chromadb and queries the same store.

Both run as fresh subprocesses of the same interpreter on the sample corpus, ingested once into
a temporary data dir with the default embedder. The bare script is the floor any Chroma-backed
CLI pays: import chromadb, open the PersistentClient, get the collection, one nearest-neighbour
query with a precomputed query vector (it cannot embed text without loading a model, which would
be the kit's work). One warm-up each, then N alternating runs; the table shows medians.
Goal (issue 12): `aipm rag ask` <= 1.5x the bare script. Exit code 1 when the goal is missed.

    .venv/bin/python benchmarks/rag_cli.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._subprocess_timing import measure

GOAL_RATIO = 1.5
QUESTION = "How long do I have to ask for a refund on an annual plan?"
SAMPLE = Path(__file__).resolve().parents[1] / "products" / "rag_search" / "data"
BARE_SCRIPT = '''
import json, sys
import chromadb
from chromadb.config import Settings

client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
collection = client.get_collection("knowledge_base")
vector = json.loads(open(sys.argv[2]).read())
hits = collection.query(query_embeddings=[vector], n_results=5)
print(hits["ids"][0][0])
'''




def prepare(tmp: Path) -> tuple[dict[str, str], Path, Path]:
    """Ingest the sample corpus; return the env, the Chroma folder and a query-vector file."""
    from products.rag_search.core.service import run_ingest
    from shared._chroma import embedded_path
    from shared.config import load_settings
    from shared.embeddings import get_embedder

    env = {**os.environ, "AIPM_DATA_DIR": str(tmp / "data"), "AIPM_PROVIDER": "none"}
    env.pop("CHROMA_HOST", None)
    settings = load_settings(data_dir=tmp / "data", provider="none", chroma_host=None)
    run_ingest(settings, [SAMPLE])
    vector_file = tmp / "query.json"
    vector_file.write_text(json.dumps(get_embedder(settings).embed_query(QUESTION)))
    return env, embedded_path(settings), vector_file


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    aipm = str(Path(sys.executable).parent / "aipm")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        env, store, vector_file = prepare(tmp)
        bare = tmp / "bare_query.py"
        bare.write_text(BARE_SCRIPT)
        medians = measure({"aipm rag ask": [aipm, "rag", "ask", QUESTION],
                           "bare chromadb query": [sys.executable, str(bare), str(store),
                                                   str(vector_file)]}, args.runs, env)
    kit, floor = medians["aipm rag ask"], medians["bare chromadb query"]
    print(f"{'command':<22} {'median s':>9}")
    for name, seconds in medians.items():
        print(f"{name:<22} {seconds:>9.3f}")
    ratio = kit / floor
    print(f"ratio aipm rag ask / bare chromadb query: {ratio:.2f}x   goal <= {GOAL_RATIO}x  "
          f"-> {'met' if ratio <= GOAL_RATIO else 'MISSED'}")
    return 0 if ratio <= GOAL_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
