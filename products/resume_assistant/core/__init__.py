"""The résumé assistant's logic as plain functions and models: no streamlit, no fastapi.

    from products.resume_assistant.core import Upload, run_analyze
    run_analyze(settings, Upload("cv.md", cv_bytes), "Senior PM …").match_score

Front doors (cli.py, api.py, ui.py) call what is exported here. The names load on first use
(PEP 562), because `aipm --help` imports the product's `cli.py`, which imports `core.models`
through this package, and must not pay for the parsers and the embedder.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "Analysis": "models",
    "WrittenOutput": "models",
    "Upload": "service",
    "run_analyze": "service",
    "run_tailor": "writing",
    "run_cover_letter": "writing",
    "parse_resume": "resume_parser",
    "resume_text": "loading",
    "forget": "privacy",
    "save_upload": "privacy",
    "save_output": "privacy",
    "evaluate": "evaluation",
    "write_report": "eval_report",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)


__all__ = sorted(_HOMES)
