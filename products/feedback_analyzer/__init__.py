"""Feedback analyzer: every row of a messy CSV/XLSX export of reviews, NPS comments or tickets
labelled (sentiment, aspects, a quoted reason), themed and summarised for a PM.

Logic lives in `core/` (no UI imports); `cli.py`, `api.py` and `ui.py` are thin front doors.
"""

__all__: list[str] = []
