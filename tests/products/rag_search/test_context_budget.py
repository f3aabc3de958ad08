"""The context budget (k x chunk size vs the model's window) and labels in reading order."""

from __future__ import annotations

from products.rag_search.core.citations import cite, relabel_in_order
from products.rag_search.core.context_budget import (
    DEFAULT_WINDOW,
    OLLAMA_WINDOW,
    context_window,
    fitting_count,
    source_budget,
)
from products.rag_search.core.llm_engine import MAX_ANSWER_TOKENS
from products.rag_search.core.prompts import user_prompt
from tests.products.rag_search.answer_helpers import result


def test_windows_come_from_the_longest_matching_prefix_with_a_safe_default() -> None:
    assert context_window("openai", "gpt-4.1-mini") == 1_047_576
    assert context_window("openai", "gpt-4o-mini") == 128_000
    assert context_window("openai", "gpt-4") == 8_192
    assert context_window("anthropic", "claude-haiku-4-5") == 200_000
    assert context_window("openai-compatible", "some-new-model") == DEFAULT_WINDOW
    assert context_window("ollama", "llama3.2") == OLLAMA_WINDOW  # Ollama's default num_ctx


def test_blocks_are_kept_best_first_while_they_fit() -> None:
    assert fitting_count([100, 100, 100], 250) == 2
    assert fitting_count([300], 250) == 0
    assert fitting_count([10, 10], 1_000) == 2


def test_the_budget_leaves_room_for_the_answer() -> None:
    assert source_budget(4_096, "x" * 3_000, 700) < source_budget(4_096, "", 700)
    assert source_budget(1_000, "x" * 3_000, 700) == 0


def test_a_small_window_sends_fewer_passages_and_says_how_many_were_left_out() -> None:
    results = [result(rank, f"Passage {rank}. " + "word " * 1_500) for rank in range(1, 6)]
    built = user_prompt("What is in the passages?", results, window=OLLAMA_WINDOW,
                        answer_tokens=MAX_ANSWER_TOKENS)
    assert 1 <= len(built.shown) < 5 and built.left_out == 5 - len(built.shown)
    assert list(built.shown) == [f"S{n}" for n in range(1, len(built.shown) + 1)]
    assert len(built.text) // 3 + MAX_ANSWER_TOKENS < OLLAMA_WINDOW


def test_one_passage_longer_than_the_window_is_shortened_not_dropped() -> None:
    results = [result(1, "word " * 20_000)]
    built = user_prompt("What?", results, window=OLLAMA_WINDOW, answer_tokens=MAX_ANSWER_TOKENS)
    assert built.left_out == 0 and "shortened to fit" in built.shown["S1"]
    assert built.text.count("</source>") == 1


def test_labels_are_renumbered_in_the_order_a_reader_meets_them() -> None:
    first, third = result(1, "One."), result(3, "Three.")
    text, citations = relabel_in_order("Three [S3]. One [S1]. Three again [S3].",
                                       [cite(first, "One"), cite(third, "Three")])
    assert text == "Three [S1]. One [S2]. Three again [S1]."
    assert [(c.label, c.chunk_id) for c in citations] == [("S1", third.chunk_id),
                                                          ("S2", first.chunk_id)]
