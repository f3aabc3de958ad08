"""Reading the LLM engine's reply: markers, the QUOTES block, abstention, and what streams."""

from __future__ import annotations

import pytest

from products.rag_search.core.llm_reply import (
    ParsedReply,
    parse_reply,
    split_reply,
    visible_prefix,
)
from tests.products.rag_search.answer_helpers import result

RESULTS = [
    result(1, "Refunds are available within 30 days of purchase. Request one from Billing.",
           "billing/refunds.md"),
    result(2, "Single sign-on works with Okta and Azure AD.", "sso.md"),
    result(3, "Invoices are emailed on the first day of each month.", "invoices.md"),
]
QUOTED = 'Refunds last 30 days [S1].\nQUOTES:\n[S1] "Refunds are available within 30 days"'


def parse(reply: str) -> ParsedReply:
    return parse_reply(reply, RESULTS)


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


def test_a_cited_source_without_a_quote_is_never_verified() -> None:
    [citation] = parse("You can get a refund within 30 days [S1].").citations
    assert citation.quote == "" and citation.verified is False
    assert any("gave no quote" in warning for warning in parse("Refunds [S1].").warnings)


def test_a_quote_is_checked_against_what_the_model_was_shown() -> None:
    """A quote of a quarantined sentence is in the raw chunk, but was not shown: unverified."""
    shown = {"S1": "Request one from Billing.", "S2": RESULTS[1].text, "S3": RESULTS[2].text}
    parsed = parse_reply('Refunds last 30 days [S1].\nQUOTES:\n[S1] "within 30 days"',
                         RESULTS, shown)
    assert parsed.citations[0].verified is False


def test_a_reply_citing_nothing_is_unusable() -> None:
    parsed = parse("Refunds last 30 days.")
    assert parsed.unusable == "no_citation" and parsed.answer == "" and not parsed.abstained


def test_a_reply_citing_only_unknown_ids_is_unusable() -> None:
    parsed = parse("Refunds last a year [S9].")
    assert parsed.unusable == "no_citation"
    assert any("S9" in warning for warning in parsed.warnings)


@pytest.mark.parametrize(("reply", "why"), [
    ("[S1]", "bare_marker"), (" [S1] [S2]. ", "bare_marker"), ("", "empty"), ("   ", "empty"),
    ('{"answer": "30 days [S1]", "cit', "json"), ('```json\n{"answer": "x"}', "json"),
    ("Refunds <|im_end|> [S1].", "garbage"), ("Refunds\x00 last 30 days [S1].", "garbage"),
])
def test_broken_replies_are_unusable(reply: str, why: str) -> None:
    parsed = parse(reply)
    assert parsed.unusable == why and parsed.answer == "" and parsed.citations == []


def test_only_cited_sentences_survive_and_lead_ins_stay() -> None:
    parsed = parse("To get a refund:\n1. Ask within 30 days [S1].\n2. Wait for gold.\n"
                   "Okta works. [S2] Nobody knows why.")
    assert parsed.answer == "To get a refund:\n1. Ask within 30 days [S1].\nOkta works. [S2]"
    assert any("2 sentence(s)" in warning for warning in parsed.warnings)


def test_a_code_block_is_kept_only_when_it_is_in_a_source() -> None:
    results = [result(1, "Close the client:\n\n```python\nclient.close()\n```\n", "api.md")]
    quoted = parse_reply("Call close [S1].\n```python\nclient.close()\n```", results)
    invented = parse_reply("Call close [S1].\n```python\nclient.destroy(force=True)\n```",
                           results)
    assert "client.close()" in quoted.answer and quoted.answer.endswith("```")
    assert "destroy" not in invented.answer
    assert any("code block" in warning for warning in invented.warnings)


def test_streaming_stops_before_garbage_and_holds_back_a_half_token() -> None:
    assert visible_prefix("Refunds last 30 days <|im_end|> more") == "Refunds last 30 days"
    assert visible_prefix("Refunds last 30 days <|im_") == "Refunds last 30 days"
    assert visible_prefix("Refunds\x07 last") == "Refunds"


@pytest.mark.parametrize("reply", [
    "NOT_IN_SOURCES",
    "  NOT_IN_SOURCES\n",
    "not in sources",
    "Not in sources. The documents only cover refunds.",
    "NOT_IN_SOURCES - nothing about mercury here.",
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
