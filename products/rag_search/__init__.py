"""RAG knowledge search: ingest a folder of documents, search it, and get cited answers that
say "I don't know" when the documents don't say.

Logic lives in `core/` (no UI imports); `cli.py`, `api.py` and `ui.py` are thin front doors.
"""

__all__: list[str] = []
