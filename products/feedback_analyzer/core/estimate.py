"""`aipm feedback estimate`: rows, tokens, cost and time for the configured model, before
anything is sent. Tokens are counted the way the request will be built (about four characters
a token, the system prompt once per request, ~45 output tokens per row); time assumes
SECONDS_PER_REQUEST per request at the configured concurrency."""

from __future__ import annotations

import math
from pathlib import Path

from products.feedback_analyzer.core.llm_engine import (
    OUTPUT_TOKENS_PER_ROW,
    request_text,
    system_prompt,
)
from products.feedback_analyzer.core.models import Estimate
from products.feedback_analyzer.core.pipeline import text_key
from products.feedback_analyzer.core.reader import open_table
from products.feedback_analyzer.core.service import AnalyzeOptions
from shared.config import Settings
from shared.llm import parse_model_id
from shared.llm.pricing import cost_usd, pricing_table
from shared.tables import TableLimits

SECONDS_PER_REQUEST = 6.0
ASPECT_NAMES = ["price", "delivery", "support", "bugs", "performance", "usability", "features",
                "billing", "quality", "account"]


def estimate_file(settings: Settings, path: str | Path, options: AnalyzeOptions) -> Estimate:
    """What `analyze --engine llm` would send for this file, and what it would cost."""
    table = open_table(path, text_column=options.text_column, sheet=options.sheet,
                       limits=TableLimits.from_settings(settings))
    rows, unique_chars, seen = 0, 0, set()
    for row in table.rows():
        rows += 1
        key = text_key(row.text)
        if row.flag not in ("empty", "non_text") and key not in seen:
            seen.add(key)
            unique_chars += len(request_text([("r00", row.text)]))
    requests = math.ceil(len(seen) / options.rows_per_request)
    tokens_in = (requests * len(system_prompt(ASPECT_NAMES)) + unique_chars) // 4
    tokens_out = OUTPUT_TOKENS_PER_ROW * len(seen)
    model = settings.model_id
    price = cost_usd(*_provider_model(model), tokens_in, tokens_out) if model else 0.0
    concurrency = options.concurrency or settings.llm_concurrency
    table_info = pricing_table()
    return Estimate(rows=rows, unique_texts=len(seen), requests=requests,
                    rows_per_request=options.rows_per_request, input_tokens=tokens_in,
                    output_tokens=tokens_out, cost_usd=round(price, 4),
                    batch_cost_usd=round(price * (1 - table_info.batch_discount), 4),
                    seconds=round(math.ceil(requests / concurrency) * SECONDS_PER_REQUEST, 1),
                    model=model, engine=settings.engine,
                    price_note=f"prices as of {table_info.as_of}")


def _provider_model(model_id: str) -> tuple[str, str]:
    parsed = parse_model_id(model_id)
    return parsed.provider, parsed.model


__all__ = ["SECONDS_PER_REQUEST", "estimate_file"]
