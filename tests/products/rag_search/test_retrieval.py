"""Retrieval: reciprocal rank fusion by hand, each search mode on a small corpus, filters, input."""

from __future__ import annotations

import pytest

from products.rag_search.core import KnowledgeBase, parse_where, search
from products.rag_search.core.ingest import ingest_paths
from products.rag_search.core.retrieval import MAX_K, RRF_K, by_coverage, fuse_rrf
from products.rag_search.core.soft_coverage import SoftMatcher
from products.rag_search.core.text import terms
from shared.config import load_settings
from shared.errors import BadInput
from shared.vectorstore import StoredChunk
from tests.products.rag_search.corpus_files import write_good_corpus

MODES = ("hybrid", "dense", "bm25")


def stored(chunk_id: str) -> StoredChunk:
    return StoredChunk(id=chunk_id, text=f"text of {chunk_id}", metadata={"source": "x.md"})


def ranked(*chunk_ids: str) -> list[tuple[StoredChunk, float]]:
    return [(stored(chunk_id), 1.0) for chunk_id in chunk_ids]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """One knowledge base for the read-only tests below (built once: ingest takes ~1 s).

    Module-scoped fixtures run before the per-test environment guard, so every setting that
    matters is pinned here rather than read from the developer's environment.
    """
    root = tmp_path_factory.mktemp("retrieval")
    settings = load_settings(data_dir=root / "data", embedder="hashing", chroma_host=None,
                             provider="none")
    ingest_paths(settings, [write_good_corpus(root / "help")], collection="help_center")
    return KnowledgeBase(settings, "help_center")


# --- fuse_rrf ----------------------------------------------------------------------------------

def test_rrf_scores_are_the_sum_of_reciprocal_ranks() -> None:
    fused = fuse_rrf([ranked("a", "b", "c"), ranked("c", "a", "d")], rrf_k=60)
    scores = {chunk.id: score for chunk, score in fused}
    assert scores == pytest.approx({"a": 1 / 61 + 1 / 62, "b": 1 / 62, "c": 1 / 63 + 1 / 61,
                                    "d": 1 / 63})
    assert [chunk.id for chunk, _ in fused] == ["a", "c", "b", "d"]


def test_rrf_ties_keep_the_order_chunks_were_first_seen() -> None:
    fused = fuse_rrf([ranked("x", "y"), ranked("y", "x")])
    assert [chunk.id for chunk, _ in fused] == ["x", "y"]
    assert fused[0][1] == fused[1][1] == pytest.approx(1 / (RRF_K + 1) + 1 / (RRF_K + 2))
    one_each = fuse_rrf([ranked("p"), ranked("q")])
    assert [chunk.id for chunk, _ in one_each] == ["p", "q"]


def test_rrf_ignores_the_input_scores_and_handles_empty_lists() -> None:
    bm25_like = [(stored("a"), 42.0), (stored("b"), 0.1)]
    assert [c.id for c, _ in fuse_rrf([bm25_like])] == ["a", "b"]
    assert fuse_rrf([bm25_like])[0][1] == pytest.approx(1 / (RRF_K + 1))
    assert fuse_rrf([[], []]) == []
    assert [c.id for c, _ in fuse_rrf([[], ranked("z")])] == ["z"]


def test_rrf_constant_changes_how_much_rank_matters() -> None:
    lists = [ranked("a", "b"), ranked("b")]
    assert [c.id for c, _ in fuse_rrf(lists, rrf_k=60)] == ["b", "a"]
    assert fuse_rrf(lists, rrf_k=1)[0][1] == pytest.approx(1 / 3 + 1 / 2)



def test_the_default_constant_lets_one_lists_confident_hit_beat_a_weak_consensus() -> None:
    """An exact error code only BM25 ranks 2nd must outrank a chunk both lists put 10th; the
    paper's k=60 buried it (DECISIONS.md, 2026-12-02 fusion entry)."""
    dense = ranked(*(f"d{i}" for i in range(9)), "both")
    lexical = ranked("l0", "code", *(f"l{i}" for i in range(1, 8)), "both")
    default = [chunk.id for chunk, _ in fuse_rrf([dense, lexical])]
    paper = [chunk.id for chunk, _ in fuse_rrf([dense, lexical], rrf_k=60)]
    assert default.index("code") < default.index("both")
    assert paper.index("code") > paper.index("both")

# --- search, each mode -------------------------------------------------------------------------

def sources(kb: KnowledgeBase, query: str, mode: str, k: int = 5, **kwargs: object) -> list[str]:
    return [result.source for result in search(kb, query, mode=mode, k=k, **kwargs).results]


def test_bm25_finds_an_exact_error_code(kb: KnowledgeBase) -> None:
    response = search(kb, "ERR-4012", mode="bm25", k=5)
    assert response.mode == "bm25" and response.query == "ERR-4012"
    assert response.results[0].source == "errors.txt"
    assert "ERR-4012" in response.results[0].text


def test_dense_finds_the_chunk_about_the_question(kb: KnowledgeBase) -> None:
    results = search(kb, "How are data exports generated and emailed?", mode="dense", k=3).results
    assert results[0].source == "manual.docx"
    assert results[0].heading == "Exporting data"
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


def test_hybrid_contains_the_best_of_both_single_modes(kb: KnowledgeBase) -> None:
    for query in ("ERR-4012 calendar token", "single sign-on SAML", "refund annual plan"):
        hybrid_ids = [r.chunk_id for r in search(kb, query, mode="hybrid", k=5).results]
        for mode in ("dense", "bm25"):
            best = search(kb, query, mode=mode, k=1).results[0].chunk_id
            assert best in hybrid_ids, (query, mode)


def test_results_are_ranked_from_one_with_full_metadata(kb: KnowledgeBase) -> None:
    results = search(kb, "single sign-on SAML enterprise", mode="hybrid", k=4).results
    assert [r.rank for r in results] == [1, 2, 3, 4]
    top = results[0]
    assert (top.source, top.title, top.page) == ("handbook.pdf", "Security handbook", 2)
    assert "SAML" in top.text and len(top.chunk_id) == 64


@pytest.mark.parametrize("mode", MODES)
def test_where_restricts_every_mode_to_one_source(kb: KnowledgeBase, mode: str) -> None:
    found = sources(kb, "plan refund error token export", mode, k=10,
                    where={"source": "billing/refunds.md"})
    assert found and set(found) == {"billing/refunds.md"}
    assert sources(kb, "refund", mode, where={"source": "nowhere.md"}) == []


@pytest.mark.parametrize("mode", MODES)
def test_where_on_page_numbers_filters_pdf_chunks(kb: KnowledgeBase, mode: str) -> None:
    results = search(kb, "encrypted security SAML sign-on", mode=mode, k=5,
                     where=parse_where(["source=handbook.pdf", "page=2"])).results
    assert [(r.source, r.page) for r in results] == [("handbook.pdf", 2)]


@pytest.mark.parametrize("mode", MODES)
def test_k_caps_the_number_of_results(kb: KnowledgeBase, mode: str) -> None:
    assert len(search(kb, "plan workspace settings", mode=mode, k=2).results) <= 2
    assert len(search(kb, "plan", mode=mode, k=1).results) == 1


@pytest.mark.parametrize("k", [0, -1, MAX_K + 1])
def test_k_out_of_bounds_is_bad_input(kb: KnowledgeBase, k: int) -> None:
    with pytest.raises(BadInput, match=f"k must be between 1 and {MAX_K}"):
        search(kb, "refund", k=k)


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_an_empty_query_is_bad_input(kb: KnowledgeBase, query: str) -> None:
    with pytest.raises(BadInput, match="query is empty"):
        search(kb, query)


def test_a_query_of_only_stop_words_or_symbols_finds_nothing_in_bm25(kb: KnowledgeBase) -> None:
    assert search(kb, "the and of", mode="bm25").results == []
    assert search(kb, "?!", mode="dense").results == []


def test_an_empty_collection_returns_no_results() -> None:
    empty = KnowledgeBase(load_settings(), "empty_kb")
    for mode in MODES:
        assert search(empty, "refund", mode=mode).results == []


# --- parse_where -------------------------------------------------------------------------------

def test_parse_where_turns_digits_into_ints_and_keeps_strings() -> None:
    assert parse_where(["source=billing/refunds.md", "page=2", "chunk_index=-1"]) == {
        "source": "billing/refunds.md", "page": 2, "chunk_index": -1}
    assert parse_where([" heading = Refunds > Annual plans "]) == {
        "heading": "Refunds > Annual plans"}
    assert parse_where(["version=2.5", "code=ERR-4012"]) == {"version": "2.5",
                                                             "code": "ERR-4012"}
    assert parse_where(["query=a=b"]) == {"query": "a=b"}
    assert parse_where([]) == {}


@pytest.mark.parametrize("pair", ["source", "=x.md", "  =2", ""])
def test_parse_where_rejects_a_pair_without_key_and_equals(pair: str) -> None:
    with pytest.raises(BadInput, match="--where needs key=value"):
        parse_where([pair])


def test_the_fused_list_is_reordered_by_coverage_of_the_question() -> None:
    """RRF knows ranks only: a chunk lower in both lists that holds every rare term of the
    question goes above one that holds a common word; equal coverage keeps the fused order."""
    question = "Which port exports saltfish to Norway?"
    weights = {terms(w)[0]: idf for w, idf in (("port", 1.0), ("exports", 2.0),
                                              ("saltfish", 4.0), ("norway", 3.0))}
    on_topic = StoredChunk(id="a", text="The port has a lighthouse and a ferry.")
    answers = StoredChunk(id="b", text="Port Saltmere exports saltfish to Norway each spring.")
    also_on_topic = StoredChunk(id="c", text="The old port closed its ferry in winter.")
    ranked = [(on_topic, 1 / 6), (also_on_topic, 1 / 7), (answers, 1 / 8)]
    order = [chunk.id for chunk, _ in by_coverage(ranked, SoftMatcher(weights, question))]
    assert order == ["b", "a", "c"]
