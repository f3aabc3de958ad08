"""Résumé assistant: match a résumé to a job description, tailor it and write a cover letter,
with a run-time guard that removes every fact the résumé does not support.

Logic lives in `core/` (no UI imports); `cli.py`, `api.py` and `ui.py` are thin front doors.
"""

__all__: list[str] = []
