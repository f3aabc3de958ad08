"""Checks every extra RAG eval corpus (techdocs, handbook) must pass without running the engine:
held out, big enough, and labels that hold against the pages they name."""

from __future__ import annotations

from pathlib import Path

from products.rag_search.core.evaluation import GoldenCase

EVALS = Path(__file__).resolve().parents[3] / "products" / "rag_search" / "evals"


def assert_held_out_set(cases: list[GoldenCase], *, total: int, unanswerable: int,
                        answerable: int) -> None:
    """At least these many cases of each kind, unique ids, and nothing ever tuned on."""
    found = [case for case in cases if case.answerable]
    assert len(cases) >= total and len(cases) - len(found) >= unanswerable
    assert len(found) >= answerable
    assert {case.split for case in cases} == {"heldout"}
    assert len({case.id for case in cases}) == len(cases)


def assert_labels_hold(cases: list[GoldenCase], corpus: Path) -> None:
    """Every expected source exists, every answerable case names sources and facts, and each
    key fact is verbatim (ignoring case) in one of its sources."""
    missing = [(case.id, source) for case in cases for source in case.sources
               if not (corpus / source).is_file()]
    assert missing == []
    assert all(case.sources and case.key_facts for case in cases if case.answerable)
    texts = {source: (corpus / source).read_text(encoding="utf-8").lower()
             for case in cases for source in case.sources}
    absent = [(case.id, fact) for case in cases if case.answerable for fact in case.key_facts
              if not any(fact.lower() in texts[source] for source in case.sources)]
    assert absent == []
