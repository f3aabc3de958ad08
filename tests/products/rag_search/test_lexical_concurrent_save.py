"""Two writers saving one BM25 index at once (the page's ingest thread and a question asked
meanwhile both rebuild it): neither fails, and what is left loads."""

from __future__ import annotations

import threading
from pathlib import Path

from products.rag_search.core.lexical import LexicalIndex


def test_concurrent_saves_never_fail_and_leave_a_loadable_index(tmp_path: Path) -> None:
    folder = tmp_path / "bm25"
    indexes = [LexicalIndex.build([(f"c{n}", f"refunds take {n} days")], revision=str(n))
               for n in range(8)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(indexes))

    def save(index: LexicalIndex) -> None:
        start.wait()
        try:
            for _ in range(5):
                index.save(folder)
        except BaseException as error:  # the test reports any failure
            errors.append(error)

    threads = [threading.Thread(target=save, args=(index,)) for index in indexes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    loaded = LexicalIndex.load(folder)
    assert loaded is not None and loaded.revision in {str(n) for n in range(8)}
    assert [path.name for path in tmp_path.iterdir()] == ["bm25"]  # no staging left behind
