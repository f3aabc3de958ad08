"""Provider-neutral batch bookkeeping: custom ids tie every answer back to the caller's row.

Both batch modules use these, so an id is checked, ordered and accounted for the same way
whichever provider ran it (and an Anthropic batch never imports the OpenAI SDK).
"""

from __future__ import annotations

import re

from shared.errors import AIPMError, BadInput
from shared.llm.types import BatchRequest, RawReply

Outcome = RawReply | AIPMError


def require_usable_ids(requests: list[BatchRequest], pattern: str | None = None) -> None:
    """Ids tie answers back to rows, so an empty batch, a duplicate or a bad id fails up front."""
    if not requests:
        raise BadInput("A batch needs at least one request.")
    seen: set[str] = set()
    for position, request in enumerate(requests, start=1):
        if request.custom_id in seen:
            raise BadInput(f"Batch request {position} repeats custom_id '{request.custom_id}'; "
                           "give every row its own id.")
        if pattern and not re.fullmatch(pattern, request.custom_id):
            raise BadInput(f"Batch request {position} has custom_id '{request.custom_id}'; use "
                           f"ids matching {pattern} (letters, digits, _ and -).")
        seen.add(request.custom_id)


def missing_item(custom_id: str) -> AIPMError:
    """The error for an id the provider never answered: resubmitting it is safe."""
    return AIPMError(f"Item '{custom_id}' is missing from batch output; submit it again.")


def account_for_every_id(expected: list[str],
                         outcomes: dict[str, Outcome]) -> list[tuple[str, Outcome]]:
    """Every submitted id in submission order; unexpected extra ids are kept at the end."""
    ordered = [(cid, outcomes.pop(cid) if cid in outcomes else missing_item(cid))
               for cid in expected]
    return ordered + list(outcomes.items())


__all__ = ["Outcome", "account_for_every_id", "missing_item", "require_usable_ids"]
