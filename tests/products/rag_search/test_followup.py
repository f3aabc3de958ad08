"""Follow-ups (core.followup): rewritten only when they refer back; a new topic keeps nothing.

A small help centre written for these tests: plans with annual and monthly billing, a mobile
app for iOS and Android, error codes, payment providers listed together.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from products.rag_search.core import ChatTurn, existing_knowledge_base
from products.rag_search.core.followup import (
    follow_up_query,
    listed_items,
    looks_like_follow_up,
    previous_topic,
    standalone_query,
)
from products.rag_search.core.ingest import ingest_paths
from products.rag_search.core.knowledge_base import KnowledgeBase
from shared.config import load_settings
from tests.products.rag_search.answer_helpers import write_corpus

DOCS = {
    "refunds.md": "# Refunds\n\n## Annual plans\nAnnual plans are refunded in full within 30 "
                  "days of purchase.\n\n## Monthly plans\nMonthly plans are not refunded for "
                  "the month in progress.\n",
    "mobile.md": "# Mobile app for iOS and Android\n\n- **iOS:** iOS 16 or later.\n"
                 "- **Android:** Android 10 or later.\n\nThe app works offline for 7 days.\n",
    "errors.md": "# Error codes\n\n- **TF-5120:** the receipt could not be read.\n"
                 "- **TF-5121:** the file is over 15 MB.\n",
    "payments.md": "# Payments\n\nClients pay through Stripe or PayPal. Stripe takes Visa and "
                   "Mastercard.\n",
    "export.md": "# Export\n\nExport every invoice as PDF, CSV or XLSX from Settings.\n",
}


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    settings = load_settings()
    ingest_paths(settings, [write_corpus(tmp_path / "docs", DOCS)])
    return existing_knowledge_base(settings, "knowledge_base")


def chat(*turns: str) -> list[ChatTurn]:
    """user, assistant, user, ... as the page and the API send them."""
    return [ChatTurn(role="user" if index % 2 == 0 else "assistant", content=text)
            for index, text in enumerate(turns)]


@pytest.mark.parametrize("question", [
    "and for monthly plans?", "What about Android?", "is that also true for PayPal?",
    "Does it work offline?", "what about the second one?", "Is that rate locked?",
    "Android?", "Can I do that on the phone too?", "How long is data kept there?",
    "Can the client pay them automatically?"])
def test_questions_that_refer_back_are_follow_ups(question: str) -> None:
    assert looks_like_follow_up(question)


@pytest.mark.parametrize("question", [
    "What is the refund policy?", "How do I export my invoices?",
    "Is it possible to pay with PayPal?", "How long does it take to get a refund?",
    "Can I export an invoice and send it by email?", "Is there a free trial?",
    "What changed in this month's release?", "When do reminders go out and can I change them?",
    "Which Android versions does the mobile app support?"])
def test_questions_that_stand_alone_are_new_topics(question: str) -> None:
    assert not looks_like_follow_up(question)


def test_a_new_topic_carries_no_word_of_the_previous_turn(kb: KnowledgeBase) -> None:
    history = chat("How long is the refund window for annual plans?", "30 days [S1].")
    assert standalone_query(kb, "How do I export my invoices?", history, None) == \
        "How do I export my invoices?"


def test_and_for_monthly_plans_swaps_the_word_it_replaces(kb: KnowledgeBase) -> None:
    history = chat("How long is the refund window for annual plans?", "30 days [S1].")
    query = standalone_query(kb, "and for monthly plans?", history, None)
    assert query == "How long is the refund window for monthly plans?"


def test_a_code_swaps_for_a_code_beside_the_shared_prefix(kb: KnowledgeBase) -> None:
    assert follow_up_query(kb, "and TF-5121?", "What does error TF-5120 mean?") == \
        "What does error TF-5121 mean?"


def test_a_word_listed_with_the_old_one_in_the_documents_takes_its_place(
        kb: KnowledgeBase) -> None:
    assert follow_up_query(kb, "and Android?", "Which iOS version does the app need?") == \
        "Which Android version does the app need?"
    assert follow_up_query(kb, "what about PayPal?", "Which cards work through Stripe?") == \
        "Which cards work through PayPal?"


def test_a_follow_up_with_nothing_to_swap_carries_the_rarest_previous_words(
        kb: KnowledgeBase) -> None:
    query = follow_up_query(kb, "Does it work offline?", "Which iOS version does the mobile "
                                                         "app need?")
    assert query.startswith("Does it work offline? (") and "ios" in query.lower()


def test_a_full_question_after_a_cue_is_not_swapped_into_the_old_one(kb: KnowledgeBase) -> None:
    query = follow_up_query(kb, "And how do I delete the workspace afterwards?",
                            "How do I export all of my workspace data?")
    assert query.startswith("And how do I delete the workspace afterwards? (")


def test_a_swap_is_one_word_for_one_word(kb: KnowledgeBase) -> None:
    query = follow_up_query(kb, "and TF-5121 files?", "Upload fails with TF-5120, why?")
    assert query.startswith("and TF-5121 files? (")  # two new words for one old: carried


def test_the_words_carried_are_the_rarest_in_the_knowledge_base(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    from products.rag_search.core import followup

    monkeypatch.setattr(followup, "CARRIED_TERMS", 1)
    query = follow_up_query(kb, "Does it work offline?", "Are plans refunded on Android?")
    assert query == "Does it work offline? (android)"  # "plans" and "refunded" are commoner


def test_the_second_one_is_the_second_item_the_answer_listed(kb: KnowledgeBase) -> None:
    history = chat("Which formats can invoices be exported in?",
                   "Export every invoice as PDF, CSV or XLSX from Settings [S1].")
    assert standalone_query(kb, "what about the second one?", history, None) == \
        "what about CSV?"
    assert listed_items("- Timer\n- Manual entries\n- Mobile apps") == [
        "Timer", "Manual entries", "Mobile apps"]


def test_a_chain_of_follow_ups_keeps_its_topic(kb: KnowledgeBase) -> None:
    history = chat("What does error TF-5120 mean?", "The receipt could not be read [S1].",
                   "and TF-5121?", "The file is over 15 MB [S1].")
    topic, answer = previous_topic(kb, history)
    assert topic == "What does error TF-5121 mean?" and answer.startswith("The file is over")
    assert standalone_query(kb, "Why does that happen?", history, None).startswith(
        "Why does that happen? (")


def test_the_llm_is_not_asked_to_rewrite_a_new_topic(kb: KnowledgeBase) -> None:
    class NoCalls:
        def complete(self, *args: object, **kwargs: object) -> object:
            raise AssertionError("a new topic must not be rewritten")

    history = chat("How long is the refund window for annual plans?", "30 days.")
    assert standalone_query(kb, "How do I export my invoices?", history,
                            NoCalls()) == "How do I export my invoices?"  # type: ignore[arg-type]
