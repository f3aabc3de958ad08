"""JSON schemas for structured output: from a pydantic model, and shaped for OpenAI's strict mode.

OpenAI's strict mode guarantees the reply matches the schema, but only accepts schemas where
every object closes `additionalProperties` and lists every property as required. Pydantic
schemas with optional fields do not qualify; for those we still send the schema (the model
follows it) with `strict: false`, and the client's validation plus one repair covers the rest.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import BaseModel

_NAME_UNSAFE = re.compile(r"[^a-zA-Z0-9_-]")


def schema_of(model: type[BaseModel]) -> tuple[dict[str, Any], str]:
    """The JSON schema of a pydantic model and a wire-safe name for it."""
    return model.model_json_schema(), _NAME_UNSAFE.sub("_", model.__name__)[:64] or "result"


def openai_response_format(json_schema: dict[str, Any], schema_name: str) -> dict[str, Any]:
    """`response_format` for chat completions: strict where the schema allows it."""
    closed = close_objects(json_schema)
    return {"type": "json_schema", "json_schema": {
        "name": _NAME_UNSAFE.sub("_", schema_name)[:64] or "result",
        "schema": closed,
        "strict": allows_strict(closed),
    }}


def close_objects(json_schema: dict[str, Any]) -> dict[str, Any]:
    """A copy where every object schema says `additionalProperties: false`."""
    closed = copy.deepcopy(json_schema)
    for node in _nodes(closed):
        if node.get("type") == "object" and "additionalProperties" not in node:
            node["additionalProperties"] = False
    return closed


def allows_strict(json_schema: dict[str, Any]) -> bool:
    """True when the root is an object and every object requires all of its properties."""
    if json_schema.get("type") != "object":
        return False
    for node in _nodes(json_schema):
        if node.get("type") != "object":
            continue
        if node.get("additionalProperties") is not False:
            return False
        if set(node.get("required", [])) != set(node.get("properties", {})):
            return False
    return True


def _nodes(value: Any) -> list[dict[str, Any]]:
    """Every dict inside a schema, the root included (properties, items, $defs, anyOf...)."""
    found: list[dict[str, Any]] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


__all__ = ["allows_strict", "close_objects", "openai_response_format", "schema_of"]
