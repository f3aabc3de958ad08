"""The third eval corpus (evals/handbook/, a fictional company's employee handbook) is kept
untouched: these checks hold its labels to the pages without ever running the engine on it."""

from __future__ import annotations

from collections import Counter

import pytest

from products.rag_search.core.evaluation import GoldenCase, load_golden
from tests.products.rag_search.eval_set_checks import (
    EVALS,
    assert_held_out_set,
    assert_labels_hold,
)

HANDBOOK_SET = EVALS / "handbook.jsonl"
HANDBOOK = EVALS / "handbook"


@pytest.fixture(scope="module")
def cases() -> list[GoldenCase]:
    return load_golden(HANDBOOK_SET)


def test_the_set_loads_big_enough_and_all_heldout(cases: list[GoldenCase]) -> None:
    assert_held_out_set(cases, total=50, unanswerable=16, answerable=34)


def test_the_corpus_mixes_the_formats_the_kit_loads() -> None:
    pages = [path for path in HANDBOOK.rglob("*") if path.is_file()]
    formats = Counter(path.suffix for path in pages)
    assert 12 <= len(pages) <= 16 and set(formats) == {".md", ".html", ".txt"}
    assert formats[".html"] >= 3 and formats[".txt"] >= 2 and formats[".md"] > len(pages) / 2


def test_the_archived_page_says_so() -> None:
    archived = [path for path in HANDBOOK.rglob("*") if path.is_file()
                and "**archived.**" in path.read_text(encoding="utf-8").lower()]
    assert [path.relative_to(HANDBOOK).as_posix() for path in archived] == [
        "archive/remote-work-2023.md"]


def test_the_labels_hold_against_the_pages(cases: list[GoldenCase]) -> None:
    assert_labels_hold(cases, HANDBOOK)


def test_unanswerable_cases_name_no_source_or_fact(cases: list[GoldenCase]) -> None:
    assert all(not case.sources and not case.key_facts for case in cases if not case.answerable)
