"""The benchmark's stage-by-stage hybrid query is the library's hybrid query.

`benchmarks/_rag_stages.hybrid_stages` re-makes `retrieval.retrieve_hybrid` call by call so
each call can be timed. When the library gains a stage the copy lacks (as the soft-coverage
re-rank once did), the stage table times a query the kit no longer runs and its sum drifts
from the end-to-end number. This pins the copy to the library: same chunks, same scores, same
order, for every golden question of the sample corpus.
"""

from __future__ import annotations

import pytest

from benchmarks._rag_stages import StageClock, hybrid_stages
from products.rag_search.core import KnowledgeBase, search
from tests.products.rag_search.test_hybrid_fast_path import golden_questions, sample_kb


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return sample_kb(tmp_path_factory.mktemp("rag_stages"))


@pytest.mark.parametrize("k", [1, 5])
def test_the_timed_stages_return_what_the_hybrid_search_returns(kb: KnowledgeBase,
                                                                 k: int) -> None:
    for question in golden_questions():
        staged = hybrid_stages(StageClock(), kb, question, k)
        library = search(kb, question, mode="hybrid", k=k).results
        assert [(r.chunk_id, r.score) for r in staged] == \
               [(r.chunk_id, r.score) for r in library], question
