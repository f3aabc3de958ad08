"""Contact details never reach a model; résumés and outputs live only under the data dir.

Before any LLM call the résumé text has its name, e-mail, phone, location and links replaced
by placeholders (plus the platform's pattern redaction for anything else that looks like an
e-mail or phone); generated text gets them back. `forget` deletes everything the product
stored: uploads and outputs.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from products.resume_assistant.core.models import Contact
from shared.config import Settings
from shared.files import store_upload
from shared.privacy import redact_pii

STORE_DIR = "resume_assistant"


def _pairs(contact: Contact) -> list[tuple[str, str]]:
    values = [("[NAME]", contact.name), ("[EMAIL]", contact.email), ("[PHONE]", contact.phone),
              ("[LOCATION]", contact.location)]
    values += [(f"[LINK{i}]", link) for i, link in enumerate(contact.links, start=1)]
    return [(tag, value) for tag, value in values if value.strip()]


def redact_contact(text: str, contact: Contact) -> str:
    """`text` with the contact's values as placeholders, then pattern-based PII masking."""
    for tag, value in sorted(_pairs(contact), key=lambda pair: -len(pair[1])):
        text = re.sub(re.escape(value), tag, text, flags=re.IGNORECASE)
    return redact_pii(text)


def restore_contact(text: str, contact: Contact) -> str:
    """Placeholders back to the contact's values (a tag with no value is removed)."""
    for tag, value in _pairs(contact):
        text = text.replace(tag, value)
    return re.sub(r"\[(?:NAME|EMAIL|PHONE|LOCATION|LINK\d+)\]", "", text)


def store_dir(settings: Settings, *parts: str) -> Path:
    """A folder under `<data dir>/resume_assistant/`, created 0700 on first use."""
    return settings.data_path(STORE_DIR, *parts, "x").parent


def save_upload(settings: Settings, name: str, data: bytes) -> Path:
    """Keep an upload in the data dir, 0600, under a safe plain name (`shared.files`)."""
    return store_upload(settings.data_dir, store_dir(settings, "uploads"), name, data)


def save_output(settings: Settings, name: str, data: bytes) -> Path:
    return store_upload(settings.data_dir, store_dir(settings, "outputs"), name, data)


def forget(settings: Settings) -> int:
    """Delete every upload and output the product stored; returns how many files went."""
    root = settings.data_dir / STORE_DIR
    if not root.exists():
        return 0
    count = sum(1 for path in root.rglob("*") if path.is_file())
    shutil.rmtree(root)
    return count


__all__ = ["forget", "redact_contact", "restore_contact", "save_output", "save_upload",
           "store_dir"]
