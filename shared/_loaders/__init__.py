"""Private: one small module per file format; `shared.documents` is the public surface.

Each loader takes the file's bytes and a display name (for error messages) and returns a
`Document`, so uploads and files on disk go through exactly the same code.
"""

from shared._loaders.docx import load_docx
from shared._loaders.html import load_html
from shared._loaders.markdown import load_markdown
from shared._loaders.pdf import load_pdf
from shared._loaders.text import load_text

__all__ = ["load_docx", "load_html", "load_markdown", "load_pdf", "load_text"]
