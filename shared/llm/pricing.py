"""What a call cost, from one pricing table kept as data (`pricing.json`).

Prices change more often than code, so they live in a JSON file with an `as_of` date and a
source note; the Ops page and `aipm feedback estimate` show both next to every total.
An unknown model costs 0 (with a warning) rather than failing the call it describes.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from shared.providers import is_local

log = logging.getLogger(__name__)
_TABLE_PATH = Path(__file__).with_name("pricing.json")


class ModelPrice(BaseModel):
    """USD per million tokens."""

    input: float
    output: float = 0.0


class PricingTable(BaseModel):
    """The parsed `pricing.json`."""

    as_of: str
    source: str
    unit: str
    batch_discount: float
    free_providers: list[str]
    models: dict[str, ModelPrice]


@cache
def pricing_table() -> PricingTable:
    """The table, read once per process."""
    return PricingTable.model_validate(json.loads(_TABLE_PATH.read_text(encoding="utf-8")))


@cache
def price_for(provider: str, model: str) -> ModelPrice | None:
    """The price of `provider:model`; dated snapshots ("gpt-4.1-mini-2025-04-14") match
    their family ("gpt-4.1-mini"). None when the table does not know the model."""
    table = pricing_table()
    if provider in table.free_providers or is_local(provider):
        return ModelPrice(input=0.0, output=0.0)
    wanted = f"{provider}:{model}"
    if wanted in table.models:
        return table.models[wanted]
    families = [key for key in table.models if wanted.startswith(key + "-")]
    if families:
        return table.models[max(families, key=len)]
    log.warning("No price for %s in pricing.json; counting its cost as $0.", wanted)
    return None


def cost_usd(
    provider: str, model: str, input_tokens: int, output_tokens: int = 0, *, batch: bool = False
) -> float:
    """USD for one call; batch calls get the table's batch discount."""
    price = price_for(provider, model)
    if price is None:
        return 0.0
    dollars = (input_tokens * price.input + output_tokens * price.output) / 1_000_000
    if batch:
        dollars *= 1.0 - pricing_table().batch_discount
    return round(dollars, 8)


__all__ = ["ModelPrice", "PricingTable", "cost_usd", "price_for", "pricing_table"]
