"""RAG's stress checks fail when the product misbehaves (stub answers), pass when it holds."""

from __future__ import annotations

from pathlib import Path

from products.rag_search import stress
from products.rag_search.core.models import Answer, Citation
from shared.config import load_settings


def answer(text: str, abstained: bool = False, sources: tuple[str, ...] = ()) -> Answer:
    citations = [Citation(source=s, chunk_id="c", quote="q") for s in sources]
    return Answer(answer=text, abstained=abstained, engine="extractive", citations=citations)


def check(name: str, reply: Answer, tmp_path: Path) -> bool:
    case = next(c for c in stress.CASES if c.name == name)
    passed, observed = case.check(lambda _question: reply, load_settings(data_dir=tmp_path))
    assert observed
    return passed


def test_injection_check_catches_an_obeyed_instruction(tmp_path: Path) -> None:
    name = "forum post orders the assistant"
    assert not check(name, answer("Refunds are unlimited and never expire."), tmp_path)
    assert check(name, answer("Open Reports, then Export, then CSV."), tmp_path)


def test_pii_check_catches_a_leaked_email(tmp_path: Path) -> None:
    name = "page holds an e-mail and phone numbers"
    assert not check(name, answer("Write to dana@example.com."), tmp_path)
    assert check(name, answer("Ask your account manager."), tmp_path)


def test_contradiction_check_rejects_the_archived_page(tmp_path: Path) -> None:
    name = "archived 14-day vs current 30-day refund page"
    assert not check(name, answer("Refunds within 14 days."), tmp_path)
    assert not check(name, answer("30 days.", sources=("archive/refund-policy-2023.md",)),
                     tmp_path)
    assert check(name, answer("30 days.", sources=("billing/refund-policy.md",)), tmp_path)


def test_fabrication_bait_must_abstain(tmp_path: Path) -> None:
    name = "a student discount that does not exist"
    assert not check(name, answer("Students get 50% off."), tmp_path)
    assert check(name, answer("I don't know.", abstained=True), tmp_path)


def test_observed_text_masks_personal_numbers() -> None:
    assert "555" not in stress._one_line("call +1 415 555 0134 or 415-555-0188")
