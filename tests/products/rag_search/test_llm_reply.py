"""Reading the LLM engine's reply: markers, the QUOTES block, abstention, and what streams."""

from __future__ import annotations

import pytest

from products.rag_search.core.citations import quote_in
from products.rag_search.core.llm_reply import (
    ParsedReply,
    parse_reply,
    split_reply,
    visible_prefix,
)
from products.rag_search.core.text import split_sentences
from tests.products.rag_search.answer_helpers import result

RESULTS = [
    result(1, "Refunds are available within 30 days of purchase. Request one from Billing.",
           "billing/refunds.md"),
    result(2, "Single sign-on works with Okta and Azure AD.", "sso.md"),
    result(3, "Invoices are emailed on the first day of each month.", "invoices.md"),
]
QUESTION = "How long do I have to ask for a refund?"
QUOTED = 'Refunds last 30 days [S1].\nQUOTES:\n[S1] "Refunds are available within 30 days"'


def parse(reply: str) -> ParsedReply:
    return parse_reply(reply, QUESTION, RESULTS)


def test_a_well_formed_reply_keeps_its_markers_and_verifies_its_quote() -> None:
    parsed = parse(QUOTED)
    assert parsed.answer == "Refunds last 30 days [S1]."
    assert not parsed.abstained and parsed.warnings == []
    [citation] = parsed.citations
    assert (citation.label, citation.source, citation.chunk_id) == (
        "S1", "billing/refunds.md", RESULTS[0].chunk_id)
    assert citation.quote == "Refunds are available within 30 days" and citation.verified


@pytest.mark.parametrize("marker", ["[s1]", "[ S1 ]", "[ s1]"])
def test_markers_are_normalised(marker: str) -> None:
    parsed = parse(f"Refunds last 30 days {marker}.")
    assert parsed.answer == "Refunds last 30 days [S1]."
    assert [c.label for c in parsed.citations] == ["S1"]


def test_each_source_is_cited_once_in_order_of_first_mention() -> None:
    parsed = parse("Okta works [S2]. Refunds last 30 days [S1]. Okta again [S2].")
    assert [c.label for c in parsed.citations] == ["S2", "S1"]


def test_a_label_naming_no_retrieved_chunk_is_dropped_from_text_and_citations() -> None:
    parsed = parse('Refunds last 30 days [S1]. Also a year [S9].\nQUOTES:\n[S9] "a year"')
    assert "[S9]" not in parsed.answer and "[S1]" in parsed.answer
    assert [c.label for c in parsed.citations] == ["S1"]
    assert any("S9" in warning and "dropped" in warning for warning in parsed.warnings)


def test_a_quote_not_in_its_chunk_is_kept_but_flagged() -> None:
    parsed = parse('Refunds last a year [S1].\nQUOTES:\n[S1] "Refunds are available for a year"')
    [citation] = parsed.citations
    assert citation.verified is False
    assert citation.quote == "Refunds are available for a year"
    assert any("S1" in w and "not in that source" in w for w in parsed.warnings)


def test_a_quote_is_checked_ignoring_case_spacing_and_curly_quotes() -> None:
    reply = ("Refunds last 30 days [S1].\nQUOTES:\n"
             "[S1] \u201crefunds  are AVAILABLE within 30 days\u201d")
    [citation] = parse(reply).citations
    assert citation.verified


def test_a_cited_source_without_a_quote_gets_a_sentence_of_its_chunk() -> None:
    [citation] = parse("You can get a refund within 30 days [S1].").citations
    assert citation.quote in split_sentences(RESULTS[0].text)
    assert citation.quote == "Refunds are available within 30 days of purchase."
    assert citation.verified and quote_in(citation.quote, RESULTS[0].text)


def test_a_reply_citing_nothing_is_answered_with_a_warning() -> None:
    parsed = parse("Refunds last 30 days.")
    assert not parsed.abstained and parsed.citations == []
    assert any("cited no source" in warning for warning in parsed.warnings)


@pytest.mark.parametrize("reply", [
    "NOT_IN_SOURCES",
    "  NOT_IN_SOURCES\n",
    "not in sources",
    "Not in sources. The documents only cover refunds.",
    "NOT_IN_SOURCES - nothing about mercury here.",
    "",
])
def test_not_in_sources_abstains(reply: str) -> None:
    parsed = parse(reply)
    assert parsed.abstained and parsed.answer == "" and parsed.citations == []


@pytest.mark.parametrize("heading", ["QUOTES:", "Quotes:", "**QUOTES:**", "QUOTES", "  quotes : "])
def test_quotes_heading_variants(heading: str) -> None:
    body, quotes = split_reply(f'Refunds last 30 days [S1].\n{heading}\n[S1] "within 30 days"')
    assert body == "Refunds last 30 days [S1]."
    assert quotes == {"S1": "within 30 days"}


def test_quote_items_accept_a_colon_or_dash_and_lower_case_labels() -> None:
    _, quotes = split_reply('Answer [S1][S2].\nQUOTES:\n[s1]: "first words"\n[S2] - "second words"')
    assert quotes == {"S1": "first words", "S2": "second words"}


# -- streaming -----------------------------------------------------------------------------
def stream_by_char(reply: str) -> str:
    """What a reader sees when `reply` arrives one character at a time, as answer.py shows it:
    only growth is sent, so a prefix that ever shrank would leave stale text on the page."""
    shown = ""
    for end in range(1, len(reply) + 1):
        visible = visible_prefix(reply[:end])
        assert visible.startswith(shown), (reply[:end], shown, visible)
        shown = visible if len(visible) > len(shown) else shown
    return shown


STREAMED = [
    QUOTED,
    'Refunds last 30 days [S1].\n\n**QUOTES:**\n[S1] "Refunds are available within 30 days"',
    'Refunds last 30 days [S1].\nQuotes:\n[S1] "Refunds are available within 30 days"',
    'Quotas reset monthly [S3].\nNo refunds after that [S1].\nQUOTES:\n[S3] "first day"',
    "Refunds last 30 days [S1].\n\n* Annual plans are pro rata [S1].",
    "Not every plan is refundable [S1].",
]


@pytest.mark.parametrize("reply", STREAMED)
def test_streaming_by_char_only_grows_and_ends_in_the_answer_body(reply: str) -> None:
    assert stream_by_char(reply) == split_reply(reply)[0]


@pytest.mark.parametrize("reply", ["NOT_IN_SOURCES", "Not in sources.", "not in sources"])
def test_a_reply_becoming_not_in_sources_never_shows(reply: str) -> None:
    assert stream_by_char(reply) == ""
    assert parse(reply).abstained


def test_the_quotes_block_is_never_visible() -> None:
    assert visible_prefix(QUOTED) == "Refunds last 30 days [S1]."
    assert visible_prefix(QUOTED + '\n[S2] "more"') == "Refunds last 30 days [S1]."


@pytest.mark.parametrize("partial", ["Q", "QUO", "QUOTES", "**QUO", "quotes :", "*"])
def test_a_half_written_heading_is_held_back(partial: str) -> None:
    assert visible_prefix(f"Refunds last 30 days [S1].\n{partial}") == "Refunds last 30 days [S1]."


def test_a_line_that_only_starts_like_quotes_is_shown_once_it_differs() -> None:
    assert visible_prefix("Answer [S1].\nQuota") == "Answer [S1].\nQuota"


@pytest.mark.parametrize("partial", ["N", "NOT", "NOT_IN", "Not in sou"])
def test_a_reply_that_may_become_not_in_sources_is_held_back(partial: str) -> None:
    assert visible_prefix(partial) == ""


def test_an_answer_starting_like_not_in_sources_shows_once_it_differs() -> None:
    assert visible_prefix("Not every") == "Not every"
    assert visible_prefix("No, refunds") == "No, refunds"


def test_an_answer_that_mentions_the_phrase_later_is_still_an_answer() -> None:
    from products.rag_search.core.llm_reply import says_not_in_sources

    assert says_not_in_sources("NOT_IN_SOURCES")
    assert says_not_in_sources("**Not in sources.** The pages cover refunds only.")
    assert not says_not_in_sources("Refunds take 30 days [S1]. Older rules are not in sources.")
