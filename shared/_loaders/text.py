"""Plain text, and the decoding every text-based format (Markdown, HTML) shares."""

from __future__ import annotations

import codecs

from shared._loaders.limits import check_text_size, meter
from shared._loaders.model import (
    Document,
    EmptyFile,
    NotText,
    Section,
    document_or_empty,
    stem,
)

# utf-8-sig reads plain UTF-8 and strips a BOM; cp1252 is what Windows editors save by default.
FALLBACK_ENCODINGS = ("utf-8-sig", "cp1252")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MAX_CONTROL_SHARE = 0.05  # more control characters than this is a binary file, not text


def decode_text(name: str, data: bytes) -> str:
    """Bytes to text: UTF-16 with a BOM, else UTF-8, else cp1252; binary files are refused."""
    if not data.strip():
        raise EmptyFile(f"{name} is empty. Add some text to it, or pick another file.")
    # A bound on the bytes (UTF-8 spends at most 4 per character, UTF-16 2) refuses a huge
    # file before it is decoded or parsed; `shared.documents` checks the exact text length.
    limit = meter(name).budget.max_chars
    check_text_size(name, len(data) // (2 if data.startswith(UTF16_BOMS) else 4), limit)
    if data.startswith(UTF16_BOMS):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise _not_text(name)
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        check_text_size(name, len(text), limit)
        return _refuse_control_heavy(name, text)
    raise _not_text(name)


def _refuse_control_heavy(name: str, text: str) -> str:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > MAX_CONTROL_SHARE * len(text):
        raise _not_text(name)
    return text


def _not_text(name: str) -> NotText:
    return NotText(f"{name} is not a text file (it holds binary data). Export it as .txt, .md, "
                   ".pdf or .docx, or check that the extension is right.")


def load_text(name: str, data: bytes) -> Document:
    text = decode_text(name, data).replace("\r\n", "\n").strip()
    return document_or_empty(name, "txt", stem(name), [Section(text=text)])


__all__ = ["decode_text", "load_text"]
