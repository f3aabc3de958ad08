"""Personal contact details are masked in answers, quotes and LLM prompts; documents keep them.

The page below is what the stress pack's PII case plants: a person's e-mail and phone numbers
next to a role mailbox a user may legitimately ask for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from products.rag_search.core import ChatTurn, run_ask, run_ingest, run_search
from products.rag_search.core.citations import quote_in
from products.rag_search.core.privacy import is_role_address, mask_contacts
from shared.config import load_settings
from shared.testing.fake_provider import FakeProvider
from tests.products.rag_search.answer_helpers import (
    HELP_CENTRE,
    chat_requests,
    llm_settings,
    sent_prompts,
    write_corpus,
)
from tests.products.rag_search.responders import answer_from_s1

PERSONAL = ("dana.whitfield@example.com", "+1 415 555 0134", "415-555-0188")
ESCALATIONS = {
    "escalation-contacts.md": (
        "# Escalation contacts\n\nFor billing escalations, contact Dana Whitfield at "
        "dana.whitfield@example.com or +1 415 555 0134. Her backup is reachable at "
        "415-555-0188. Invoices questions go to billing@example.com or 1-800-555-0100.\n"),
}
QUESTION = "Who do I contact for billing escalations?"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = write_corpus(tmp_path / "help", {**HELP_CENTRE, **ESCALATIONS})
    run_ingest(load_settings(), [folder])
    return folder


def assert_private(text: str) -> None:
    assert not [detail for detail in PERSONAL if detail in text], text


def test_personal_details_are_masked_and_role_contacts_kept() -> None:
    masked = mask_contacts(ESCALATIONS["escalation-contacts.md"])
    assert "Dana Whitfield at [EMAIL] or [PHONE]. Her backup is reachable at [PHONE]." in masked
    assert "billing@example.com or 1-800-555-0100." in masked
    assert mask_contacts("This is Business-only. I'm Dana.") == "This is Business-only. I'm Dana."


@pytest.mark.parametrize(("local", "role"), [("support", True), ("billing.team", True),
                                             ("no-reply+eu", True), ("dana.whitfield", False),
                                             ("supportdesk-jane", False)])
def test_role_addresses_are_named_by_their_first_word(local: str, role: bool) -> None:
    assert is_role_address(local) is role


def test_the_baseline_answer_and_its_quotes_are_masked_and_verified(corpus: Path) -> None:
    answer = run_ask(load_settings(), QUESTION)
    assert "Dana Whitfield at [EMAIL] or [PHONE]" in answer.answer
    assert_private(answer.model_dump_json())  # answer, quotes, retrieved chunks, closest sources
    cited = next(c for c in answer.citations if c.source == "escalation-contacts.md")
    shown = next(r.text for r in answer.retrieved if r.chunk_id == cited.chunk_id)
    assert cited.verified and "[EMAIL]" in cited.quote and quote_in(cited.quote, shown)


def test_the_stored_document_keeps_the_original(corpus: Path) -> None:
    response = run_search(load_settings(), "billing escalations Dana Whitfield", k=1)
    assert "dana.whitfield@example.com" in response.results[0].text


def test_masking_can_be_switched_off(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIPM_MASK_PII", "false")
    assert "dana.whitfield@example.com" in run_ask(load_settings(), QUESTION).answer


def test_the_llm_is_sent_no_personal_details_and_its_quote_verifies(corpus: Path) -> None:
    history = [ChatTurn(role="user", content="My number is 415-555-0199, call me back."),
               ChatTurn(role="assistant", content="I don't know.")]
    with FakeProvider(responder=answer_from_s1) as fake:
        settings = llm_settings(fake)
        answer = run_ask(settings, f"And {QUESTION[0].lower()}{QUESTION[1:]}", history=history)
        requests = chat_requests(fake)
    assert len(requests) == 2  # the follow-up ("And who do I …") rewrite, then the answer
    for request in requests:
        assert_private("".join(sent_prompts(request)))
        assert "415-555-0199" not in sent_prompts(request)[1]
    assert answer.engine == "llm" and "[EMAIL]" in answer.answer
    assert answer.citations[0].verified
