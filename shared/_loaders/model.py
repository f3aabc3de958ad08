"""The document model and the loading errors every format shares."""

from __future__ import annotations

from pathlib import PurePath

from pydantic import BaseModel, Field

from shared.errors import BadInput


class Section(BaseModel):
    """A run of text under one heading path (["Setup", "Install"]) or on one PDF page."""

    heading_path: list[str] = Field(default_factory=list)
    page: int | None = None
    text: str


class Document(BaseModel):
    """A loaded file: where it came from, its title, its format, and its text in sections."""

    source: str
    title: str
    format: str
    sections: list[Section]

    @property
    def text(self) -> str:
        """All the text, each section led by its innermost heading so nothing read is lost."""
        return "\n\n".join(_with_heading(section) for section in self.sections)


def _with_heading(section: Section) -> str:
    return f"{section.heading_path[-1]}\n{section.text}" if section.heading_path else section.text


def stem(name: str) -> str:
    """A readable fallback title: the file name without folders or extension."""
    return PurePath(name).stem or name


class HeadingTracker:
    """The current heading path, and the body lines gathered under it."""

    def __init__(self) -> None:
        self.path: list[str] = []
        self.lines: list[str] = []
        self.sections: list[Section] = []

    def heading(self, level: int, title: str) -> None:
        self.flush()
        # A "###" right after "#" still nests under it: keep at most level-1 ancestors.
        self.path = [*self.path[: level - 1], title]

    def flush(self) -> None:
        text = "\n".join(self.lines).strip()
        if text:
            self.sections.append(Section(heading_path=list(self.path), text=text))
        self.lines = []



def first_heading(sections: list[Section]) -> str | None:
    """The top-level heading of the first section that has one: a fallback title."""
    paths = [section.heading_path for section in sections if section.heading_path]
    return paths[0][0] if paths else None


class CorruptFile(BadInput):
    code = "corrupt_file"


class EncryptedFile(BadInput):
    code = "encrypted_file"


class EmptyFile(BadInput):
    code = "empty_file"


class NoTextLayer(BadInput):
    code = "no_text_layer"


class NotText(BadInput):
    code = "not_text"


class UnsupportedFormat(BadInput):
    code = "unsupported_format"


def document_or_empty(name: str, fmt: str, title: str, sections: list[Section]) -> Document:
    """Keep the sections that hold text; a file with none is an error, never empty text."""
    kept = [s for s in sections if s.text.strip()]
    if not kept:
        raise EmptyFile(f"{name} contains no text. Check that it is the file you meant, "
                        "or add some text and try again.")
    return Document(source=name, title=title, format=fmt, sections=kept)
