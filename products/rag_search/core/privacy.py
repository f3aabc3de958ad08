"""Personal contact details are masked in what an answer shows and in what a model is sent.

A help centre can hold a page like "contact Dana Whitfield at dana.whitfield@example.com or
+1 415 555 0134". The stored documents keep it (they are the user's, and search shows them as
they are), but an answer is copied into chats and tickets, and in LLM mode the passages go to a
provider. So, once the relevance gate has chosen what an engine may read, those passages, the
question and the conversation are masked with `shared.privacy.redact_pii`: e-mail addresses,
phone, card-like and key-like strings and street addresses become `[EMAIL]`, `[PHONE]` and so
on. Both engines then answer, quote and verify citations against the same masked text, so a
quote is checked against exactly the passage the reader is shown.

Two kinds of contact detail belong to an organisation, not a person, and are what users ask
for ("how do I reach billing?"): role mailboxes (the local part names a function, as in
RFC 2142: support@, billing@, privacy@, invoices@send…) and toll-free numbers (paid for by the
called organisation). They are kept. Names with a cue ("I'm Dana") are left as written here:
a name alone is not a contact detail, and in documents "this is Business-only" is no name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from products.rag_search.core.models import SearchResult
from shared.privacy import redact_pii

ROLE_MAILBOXES = frozenset({
    "abuse", "accounts", "admin", "billing", "careers", "care", "compliance", "contact",
    "customerservice", "customers", "dpo", "enquiries", "feedback", "finance", "hello", "help",
    "helpdesk", "hostmaster", "hr", "info", "inquiries", "invoices", "jobs", "legal", "media",
    "no-reply", "noreply", "office", "partners", "postmaster", "press", "privacy", "sales",
    "security", "service", "success", "support", "team", "webmaster",
})
_EMAIL = re.compile(r"([\w.+-]+)@[\w-]+(?:\.[\w-]+)+")
_TOLL_FREE = re.compile(r"(?<![\w.])(?:\+?1[ .-]?)?\(?8(?:00|33|44|55|66|77|88)\)?[ .-]?"
                        r"\d{3}[ .-]?\d{4}(?!\w|\.\d)")
_NAME_CUE = re.compile(r"\b(?i:my name is|i'm|i am|this is|name:)\s")
_HELD = re.compile("\ue000(\\d+)\ue001")


def mask_contacts(text: str) -> str:
    """`text` with personal contact details masked; role mailboxes, toll-free numbers and
    name cues kept as written."""
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group())
        return f"\ue000{len(held) - 1}\ue001"

    kept = _NAME_CUE.sub(hold, _TOLL_FREE.sub(hold, _EMAIL.sub(
        lambda m: hold(m) if is_role_address(m.group(1)) else m.group(), text)))
    return _HELD.sub(lambda m: held[int(m.group(1))], redact_pii(kept))


def is_role_address(local_part: str) -> bool:
    """support@, billing.team@, no-reply+eu@: the first word of the local part names a role."""
    first = re.split(r"[.+_]", local_part.lower(), maxsplit=1)[0]
    return first in ROLE_MAILBOXES


def masked_results(results: Sequence[SearchResult]) -> list[SearchResult]:
    """Copies of the chunks with their text masked; the store keeps the originals."""
    return [result.model_copy(update={"text": mask_contacts(result.text)}) for result in results]


__all__ = ["ROLE_MAILBOXES", "is_role_address", "mask_contacts", "masked_results"]
