"""A streaming reader of a .docx's body: paragraphs with their style names, and tables.

python-docx resolves each paragraph's style by scanning every style in the document, so a
file of 100k short paragraphs took 132 s; here styles are read once into a dict and the body
is parsed with `iterparse`, one top-level block at a time, each cleared once read. The text
rules are python-docx's (`Paragraph.text`, `_Row.cells`, `_Cell.text`), so the loader's
output is unchanged; `tests/shared/test_docx_fast_path.py` checks that against python-docx.
The XML parser resolves no entities and fetches nothing, and every part is size-capped.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from shared._loaders.limits import MAX_PART_BYTES, meter, read_zip_part

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PACKAGE_RELS = "_rels/.rels"
OFFICE_DOCUMENT = "/officeDocument"
STYLES = "/styles"
CORE_PROPERTIES = "/core-properties"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
RUN_TEXT = {f"{W}t", f"{W}tab", f"{W}ptab", f"{W}cr", f"{W}br", f"{W}noBreakHyphen"}
PARAGRAPH_TAG = re.compile(rb"<w:p[\s/>]")  # <w:p>, <w:p/>, <w:p w:rsid..>; not <w:pPr>
SCAN_CHUNK = 256 * 1024
MAX_GRID_SPAN = 64  # Word's column limit; a forged span of 10^9 must not repeat a cell 10^9 times
UI_STYLE_NAMES = {"caption": "Caption", "footer": "Footer", "header": "Header",
                  **{f"heading {n}": f"Heading {n}" for n in range(1, 10)}}  # python-docx's


@dataclass
class WordParagraph:
    style: str
    text: str


@dataclass
class WordTable:
    rows: list[list[str]] = field(default_factory=list)  # cell texts, one per grid column


@dataclass
class WordBody:
    title: str
    blocks: list[WordParagraph | WordTable]


def safe_parser() -> etree.XMLParser:
    """No entity expansion (billion laughs), no network, no DTD loading, lxml's depth caps."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def read_word_body(name: str, data: bytes) -> WordBody:
    """The body blocks and core title; raises zipfile/lxml/KeyError/ValueError when damaged."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    document_part = _related_part(name, archive, PACKAGE_RELS, OFFICE_DOCUMENT)
    if document_part is None:
        raise KeyError("no main document part")
    styles = _style_names(name, archive, document_part)
    blocks = list(_body_blocks(name, archive, document_part, styles))
    return WordBody(title=_core_title(name, archive), blocks=blocks)


def _related_part(name: str, archive: zipfile.ZipFile, rels_part: str,
                  kind: str) -> str | None:
    """The target of the first relationship of `kind` in a .rels part, as a zip path."""
    if rels_part not in archive.namelist():
        return None
    rels = etree.fromstring(read_zip_part(name, archive, rels_part), safe_parser())
    base = posixpath.dirname(posixpath.dirname(rels_part))
    for rel in rels:
        if str(rel.get("Type", "")).endswith(kind) and rel.get("TargetMode") != "External":
            target = str(rel.get("Target", ""))
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            return posixpath.normpath(path)
    return None


def _rels_of(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def _style_names(name: str, archive: zipfile.ZipFile, document_part: str) -> StyleNames:
    styles_part = _related_part(name, archive, _rels_of(document_part), STYLES)
    if styles_part is None or styles_part not in archive.namelist():
        return StyleNames({}, "")
    root = etree.fromstring(read_zip_part(name, archive, styles_part), safe_parser())
    names: dict[str, str] = {}
    default = ""
    for style in root.iter(f"{W}style"):
        if style.get(f"{W}type", "paragraph") != "paragraph":
            continue
        name_element = style.find(f"{W}name")
        ui_name = _ui_name(name_element.get(f"{W}val", "") if name_element is not None else "")
        names.setdefault(style.get(f"{W}styleId", ""), ui_name)  # the first, as XPath finds
        if style.get(f"{W}default") in ("1", "true", "on"):
            default = ui_name  # the last default in document order, as the spec says
    return StyleNames(names, default)


def _ui_name(internal: str) -> str:
    return UI_STYLE_NAMES.get(internal, internal)


@dataclass
class StyleNames:
    """styleId -> UI name; unknown or missing ids get the default paragraph style, as in Word."""

    by_id: dict[str, str]
    default: str

    def of(self, paragraph: etree._Element) -> str:
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        style_id = style.get(f"{W}val") if style is not None else None
        return self.by_id.get(style_id or "", self.default) if style_id else self.default


def _core_title(name: str, archive: zipfile.ZipFile) -> str:
    core_part = _related_part(name, archive, PACKAGE_RELS, CORE_PROPERTIES)
    if core_part is None or core_part not in archive.namelist():
        return ""
    title = etree.fromstring(read_zip_part(name, archive, core_part), safe_parser()).find(DC_TITLE)
    return (title.text or "") if title is not None else ""


def _body_blocks(name: str, archive: zipfile.ZipFile, document_part: str,
                 styles: StyleNames) -> Iterator[WordParagraph | WordTable]:
    """Top-level paragraphs and tables in order; each is cleared once read (bounded memory)."""
    budget = meter(name)
    xml = io.BytesIO(read_counting_paragraphs(name, archive, document_part))
    for _, element in etree.iterparse(xml, events=("end",), tag=(f"{W}p", f"{W}tbl"),
                                      resolve_entities=False, no_network=True, load_dtd=False,
                                      remove_comments=True, remove_pis=True):
        if element.tag == f"{W}p":
            budget.paragraph()  # every paragraph, in tables too: each costs the same to read
        parent = element.getparent()
        if parent is None or parent.tag != f"{W}body":
            continue
        block = _table(element) if element.tag == f"{W}tbl" else \
            WordParagraph(styles.of(element), paragraph_text(element))
        budget.add_chars(_block_chars(block))
        yield block
        element.clear()
        while element.getprevious() is not None:
            del parent[0]


def read_counting_paragraphs(name: str, archive: zipfile.ZipFile, part: str) -> bytes:
    """The body part, decompressed in chunks while its `<w:p>` tags are counted by a byte
    scan, so a file over the paragraph budget is refused before lxml parses anything.

    The 64 KB file of 8 million empty paragraphs is refused after ~600 KB of its 48 MB (it
    took 0.4-1.1 s, ~5 s on a loaded machine, to decompress and parse up to the limit). Only
    the usual `w:` prefix is counted; a file using another one is still stopped by the count
    in `_body_blocks`.
    """
    read_zip_part(name, archive, part, max_bytes=MAX_PART_BYTES, read=False)  # size check
    budget, count, carry, chunks = meter(name), 0, b"", []
    with archive.open(part) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            count += len(PARAGRAPH_TAG.findall(carry + chunk))
            budget.at_least_paragraphs(count)
            carry = chunk[-4:]  # a tag is 5 bytes: one split across chunks is counted once
            chunks.append(chunk)
    return b"".join(chunks)


def _block_chars(block: WordParagraph | WordTable) -> int:
    if isinstance(block, WordParagraph):
        return len(block.text)
    return sum(len(cell) for row in block.rows for cell in row)


def paragraph_text(paragraph: etree._Element) -> str:
    """python-docx's `Paragraph.text`: direct runs and hyperlinked runs only."""
    parts = []
    for child in paragraph:
        if child.tag == f"{W}r":
            parts.append(_run_text(child))
        elif child.tag == f"{W}hyperlink":
            parts.extend(_run_text(run) for run in child if run.tag == f"{W}r")
    return "".join(parts)


def _run_text(run: etree._Element) -> str:
    return "".join(_inner_text(element) for element in run if element.tag in RUN_TEXT)


def _inner_text(element: etree._Element) -> str:
    tag = element.tag
    if tag == f"{W}t":
        return element.text or ""
    if tag in (f"{W}tab", f"{W}ptab"):
        return "\t"
    if tag == f"{W}cr":
        return "\n"
    if tag == f"{W}br":
        return "\n" if element.get(f"{W}type", "textWrapping") == "textWrapping" else ""
    return "-"  # noBreakHyphen


def _table(table: etree._Element) -> WordTable:
    """Rows of cell texts as python-docx's `_Row.cells` gives them: a cell spanning columns
    repeats, and a vertically merged cell repeats the text of the cell it continues."""
    result = WordTable()
    above: dict[int, str] = {}  # grid offset -> text of the cell that a "continue" repeats
    for row in table.iterchildren(f"{W}tr"):
        cells, offset = [], _grid_before(row)
        current: dict[int, str] = {}
        for cell in row.iterchildren(f"{W}tc"):
            span = max(1, _int_val(cell.find(f"{W}tcPr/{W}gridSpan"), 1))
            text = above.get(offset, "") if _continues(cell) else _cell_text(cell)
            current[offset] = text
            cells.extend([text] * span)
            offset += span
        result.rows.append(cells)
        above = current
    return result


def _grid_before(row: etree._Element) -> int:
    return _int_val(row.find(f"{W}trPr/{W}gridBefore"), 0)


def _continues(cell: etree._Element) -> bool:
    merge = cell.find(f"{W}tcPr/{W}vMerge")
    return merge is not None and merge.get(f"{W}val", "continue") == "continue"


def _int_val(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    value = str(element.get(f"{W}val", ""))
    return min(int(value), MAX_GRID_SPAN) if value.isdigit() else default


def _cell_text(cell: etree._Element) -> str:
    return "\n".join(paragraph_text(p) for p in cell.iterchildren(f"{W}p"))


__all__ = ["WordBody", "WordParagraph", "WordTable", "read_word_body", "safe_parser"]
