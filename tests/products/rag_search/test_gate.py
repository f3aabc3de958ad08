"""The relevance gate: candidates from hybrid and BM25, two signals each, accepted chunks only."""

from __future__ import annotations

from pathlib import Path

import pytest

from products.rag_search.core import KnowledgeBase, ask
from products.rag_search.core import answer as answer_module
from products.rag_search.core.gate import decide
from products.rag_search.core.relevance import Calibration
from products.rag_search.core.retrieval import search
from tests.products.rag_search.answer_helpers import EXACT_QUESTION, help_centre


def gate(threshold: float, lexical_weight: float = 1.0) -> Calibration:
    return Calibration(threshold=threshold, lexical_weight=lexical_weight, calibrated_on="test")


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return help_centre(tmp_path)


def test_candidates_are_the_hybrid_top_k_then_bm25_hits_it_missed(kb: KnowledgeBase) -> None:
    decision = decide(kb, "Okta single sign-on", 2, gate(0.0))
    hybrid = [r.chunk_id for r in search(kb, "Okta single sign-on", k=2).results]
    bm25 = [r.chunk_id for r in search(kb, "Okta single sign-on", mode="bm25", k=2).results]
    ids = [c.chunk_id for c in decision.candidates]
    assert ids[:len(hybrid)] == hybrid
    assert set(ids) == set(hybrid) | set(bm25) and len(ids) == len(set(ids))
    assert len(decision.signals) == len(decision.candidates)
    assert all(0.0 <= s.coverage <= 1.0 and 0.0 <= s.similarity <= 1.0
               for s in decision.signals)


def test_only_chunks_at_or_above_the_threshold_are_accepted_best_first(
        kb: KnowledgeBase) -> None:
    everything = decide(kb, EXACT_QUESTION, 5, gate(0.0))
    scores = sorted((s.coverage for s in everything.signals), reverse=True)
    strict = decide(kb, EXACT_QUESTION, 5, gate(scores[0]))
    assert strict.accepted and all(
        s.coverage >= scores[0] for s, c in zip(strict.signals, strict.candidates, strict=True)
        if c.chunk_id in {a.chunk_id for a in strict.accepted})
    assert [r.rank for r in strict.accepted] == list(range(1, len(strict.accepted) + 1))
    assert decide(kb, EXACT_QUESTION, 5, gate(1.01)).accepted == []


def test_the_semantic_side_counts_when_the_weight_leans_on_it(kb: KnowledgeBase) -> None:
    lexical = decide(kb, "How do I get my money back?", 5, gate(0.0, lexical_weight=1.0))
    semantic = decide(kb, "How do I get my money back?", 5, gate(0.0, lexical_weight=0.0))
    assert semantic.relevance == max(s.similarity for s in semantic.signals) > 0
    assert lexical.relevance == max(s.coverage for s in lexical.signals)


def test_the_answer_reads_only_the_accepted_chunks(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    decision = decide(kb, EXACT_QUESTION, 5, gate(0.0))
    top = max(s.coverage for s in decision.signals)
    monkeypatch.setattr(answer_module, "load_calibration", lambda: gate(top))
    answer = ask(kb, EXACT_QUESTION)
    accepted = decide(kb, EXACT_QUESTION, 5, gate(top)).accepted
    assert [r.chunk_id for r in answer.retrieved] == [r.chunk_id for r in accepted]
    assert {c.chunk_id for c in answer.citations} <= {r.chunk_id for r in accepted}
    assert len(accepted) < len(decision.candidates)  # the gate really filtered
