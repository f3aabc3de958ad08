"""Real postings and résumés to one item per line: flat paragraphs, glued list items, inline
labels and mojibake bullets.

Scraped postings lose their list markup: "…deliverables.Analyze user stories…" (items glued
at a full stop), "schoolLicensed to practice" (glued with no stop), "Skills and
Qualifications:Bachelor degree…" (a label inline), and bullets decoded twice ("â€¢", "â\u0080¢",
"Â·"). Each of those becomes a line break here, so the heading-based JD parser and the
evidence index see one requirement or one fact per line. Every piece stays a substring of
the source line (nothing is rewritten), so evidence quotes remain verbatim.
"""

from __future__ import annotations

import re

from shared.text import split_sentences

# A bullet decoded as Latin-1 (â€¢, â\x80¢, â¢, Â·), a real bullet, middle dot or a box glyph.
MOJIBAKE_BULLET = re.compile(r"â(?:€|\x80)?[¢¦§]|Â·|[•·▪◦●‣■□➢✓✔]|&bull;|&middot;|\uf0b7|\ufffd")
# "items.Next item", "items;Next", "Required)Experience": a stop glued to a capital.
GLUED_STOP = re.compile(r"(?<=[a-z0-9)\]])[.;!?)](?=[A-Z][a-z])|(?<=[a-z]{2}\))(?=[A-Z][a-z])|"
                        r"(?<=[a-z]{3})[.;](?=\d)")
# "schoolLicensed", "$80,000Position": a lowercase word, a long capitalised word or a number
# glued to a capitalised word (PowerPoint, JavaScript and TensorFlow stay whole).
GLUED_WORDS = re.compile(r"\b([a-z]{4,}|[A-Z][a-z]{6,}|\d[\d,.]*)(?=[A-Z][a-z]{2,})")
# "New York10-15 years": a count of years glued to the word before it.
GLUED_YEARS = re.compile(r"(?<=[a-z]{3})(?=\d{1,2}\s*(?:-|–|\+|to)?\s*\d{0,2}\+?\s*(?:years|yrs))",
                         re.IGNORECASE)
# "Requirements:", "What you'll bring:", "Minimum Education:" as a label inside a line.
INLINE_LABEL = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[.;:)]))((?:[A-Z][\w'’/&-]*\s?){1,5}):(?=\s*\S)")
LABEL_WORDS = re.compile(r"requirement|qualification|experience|education|skill|responsib|"
                         r"bring|need|looking|preferred|nice|bonus|duties|about|benefit|"
                         r"licen|certif|language|you|must|what|who|essential|desired",
                         re.IGNORECASE)
LONG_LINE = 300


def split_glued(line: str) -> list[str]:
    """One source line as its items: bullets, glued stops, glued words, inline labels."""
    text = MOJIBAKE_BULLET.sub("\n", line.replace("&nbsp;", " ").replace("\xa0", " "))
    text = GLUED_STOP.sub(lambda m: m.group(0) + "\n" if m.group(0) else "\n", text)
    text = GLUED_WORDS.sub(lambda m: m.group(1) + "\n", text)
    text = GLUED_YEARS.sub("\n", text)
    text = INLINE_LABEL.sub(_label_break, text)
    pieces: list[str] = []
    for part in text.split("\n"):
        part = part.strip(" \t-–—*")
        if not part:
            continue
        pieces.extend(requirement_sentences(part) if len(part) > LONG_LINE else [part])
    return pieces


def _label_break(match: re.Match[str]) -> str:
    """A requirement-like label becomes its own heading line; other "X:" stay inline."""
    label = match.group(1).strip()
    if not LABEL_WORDS.search(label):
        return match.group(0)
    return f"\n{label}:\n"


def requirement_sentences(text: str) -> list[str]:
    """A paragraph as sentences (a flat posting has one requirement a sentence)."""
    return split_sentences(text, lines=False, ends=".!?;")


def segment_lines(text: str) -> list[str]:
    """Every non-empty item of the text, in order."""
    items: list[str] = []
    for line in text.splitlines():
        if line.strip():
            items.extend(split_glued(line))
    return items


__all__ = ["LONG_LINE", "MOJIBAKE_BULLET", "requirement_sentences", "segment_lines", "split_glued"]
