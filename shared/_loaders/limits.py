"""Bounds on the work one file may cause, so a small upload cannot expand into a huge job.

The upload limit counts the bytes sent; these count what a file turns into. A DOCX is a zip
whose XML can expand a thousandfold (a 713 KB file held 200 MB of XML), and any format can
hold more text than an ingest should chunk and embed in one go. Both limits end in a
`TooMuchContent` skip whose message names the file and the limit, and the batch goes on.
"""

from __future__ import annotations

import zipfile

from shared.errors import BadInput

MAX_PART_BYTES = 48 * 1024 * 1024  # one XML part of a DOCX, uncompressed (~10x a 500-page book)
MAX_TEXT_CHARS = 3_000_000  # text one file may yield: ~1,500 pages, ~3,500 chunks


class TooMuchContent(BadInput):
    """A file expands to more XML or text than one ingest handles (a bomb, or just huge)."""

    code = "too_much_content"


def read_zip_part(name: str, archive: zipfile.ZipFile, part: str,
                  max_bytes: int = MAX_PART_BYTES) -> bytes:
    """One member of a zip, refused before reading when its declared size is over `max_bytes`.

    zipfile stops reading at the declared size (and checks the CRC), so a member that lies
    about its size cannot expand further than the check allowed.
    """
    info = archive.getinfo(part)
    if info.file_size > max_bytes:
        raise TooMuchContent(
            f"{name} expands to {info.file_size / 1e6:.0f} MB of XML ({part}), over the "
            f"{max_bytes / 1e6:.0f} MB one file may hold. It may be a zip bomb; if it is a real "
            "document, split it into smaller files.")
    return archive.read(part)


def check_text_size(name: str, chars: int, max_chars: int = MAX_TEXT_CHARS) -> None:
    """TooMuchContent when a file's text is over `max_chars`: call it as text accumulates."""
    if chars > max_chars:
        raise TooMuchContent(
            f"{name} holds over {max_chars:,} characters of text, more than one file may hold "
            "here. Split it into smaller files and ingest those.")


__all__ = ["MAX_PART_BYTES", "MAX_TEXT_CHARS", "TooMuchContent", "check_text_size",
           "read_zip_part"]
