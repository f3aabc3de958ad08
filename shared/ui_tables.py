"""`st.dataframe` that cuts no text: every text column is as wide as its longest cell.

The grid (glide-data-grid) draws on a canvas and cuts a cell's text at the column's edge, out
of reach of the Chromium tour's scrollWidth/clientWidth check. So each text column gets a
width in pixels fitted to its longest cell and header (the grid scrolls sideways instead of
cutting); a column whose longest cell would pass `MAX_PX` keeps that width and says in its
header tooltip that its longest cells continue past the edge (read one whole by
double-clicking it, or in the download). `tests/products/test_dataframe_widths.py` checks every
dataframe the pages draw against this rule (issue 21, "tables never truncate their labels").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

PX_PER_CHAR = 8  # the grid's 14 px sans font averages under 7.5 px a character
PADDING_PX = 32  # cell padding and the header's sort/menu icon
MAX_PX = 1200
CUT_HELP = ("Some cells are longer than this column: double-click a cell to read it whole "
            "(or use the download).")


def needed_px(text: str) -> int:
    """The pixels a one-line cell needs to show `text` whole."""
    return len(text) * PX_PER_CHAR + PADDING_PX


def text_columns(frame: pd.DataFrame) -> list[str]:
    """Columns the grid draws as text (strings, lists, mixed objects)."""
    return [str(c) for c in frame.columns if frame[c].dtype == object
            or pd.api.types.is_string_dtype(frame[c])]


def fitted_config(frame: pd.DataFrame) -> dict[str, Any]:
    """A TextColumn per text column, wide enough for its longest cell and its header."""
    config: dict[str, Any] = {}
    for name in text_columns(frame):
        longest = max([needed_px(name), *(needed_px(str(v)) for v in frame[name])])
        cut = longest > MAX_PX
        config[name] = st.column_config.TextColumn(width=min(longest, MAX_PX),
                                                   help=CUT_HELP if cut else None)
    return config


def fitted_dataframe(data: Any, column_config: Mapping[str, Any] | None = None,
                     **kwargs: Any) -> Any:
    """`st.dataframe(data)` with every text column fitted (`fitted_config`); a caller's own
    `column_config` entries win."""
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    for name in text_columns(frame):  # dicts and lists as the JSON text the grid shows
        frame[name] = frame[name].map(
            lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v)
    config = fitted_config(frame) | dict(column_config or {})
    return st.dataframe(frame, column_config=config, **kwargs)


__all__ = ["CUT_HELP", "MAX_PX", "fitted_config", "fitted_dataframe", "needed_px",
           "text_columns"]
