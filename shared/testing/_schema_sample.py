"""Build the smallest object that a JSON schema accepts.

The default responder answers every structured call with one, so code under test gets a
schema-valid reply without anyone writing fixtures per schema (the idea behind
pydantic-ai's `TestModel`, done over the JSON schema the wire actually carries).
"""

from __future__ import annotations

from typing import Any

_FORMAT_SAMPLES = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "time": "00:00:00",
    "email": "user@example.com",
    "uri": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


def sample_for_schema(schema: dict[str, Any]) -> Any:
    """Return a minimal value valid under `schema`, resolving `$ref` against its `$defs`."""
    return _sample(schema, schema, frozenset())


def _sample(node: dict[str, Any], root: dict[str, Any], refs: frozenset[str]) -> Any:
    """`refs` holds the `$ref`s on the path here, so recursive models stop at `null`."""
    if node.get("$ref") in refs:
        return None  # only reached when the schema offers no null branch to take instead
    if "$ref" in node:
        refs = refs | {node["$ref"]}
    node = _resolve(node, root)
    if "const" in node:
        return node["const"]
    if node.get("enum"):
        return node["enum"][0]
    if "default" in node:
        return node["default"]
    for key in ("anyOf", "oneOf"):
        if node.get(key):
            return _sample(_pick_option(node[key], refs), root, refs)
    if node.get("allOf"):
        return _sample(_merge(node["allOf"], root), root, refs)
    return _sample_by_type(node, root, refs)


def _sample_by_type(node: dict[str, Any], root: dict[str, Any], refs: frozenset[str]) -> Any:
    kind = node.get("type", "object" if "properties" in node else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        return _sample_object(node, root, refs)
    if kind == "array":
        item = node.get("items") or {}
        return [_sample(item, root, refs) for _ in range(int(node.get("minItems", 0)))]
    if kind in ("integer", "number"):
        return _sample_number(node, integer=kind == "integer")
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return _sample_string(node)


def _sample_object(node: dict[str, Any], root: dict[str, Any],
                   refs: frozenset[str]) -> dict[str, Any]:
    properties = node.get("properties") or {}
    return {name: _sample(properties.get(name, {}), root, refs)
            for name in node.get("required", [])}


def _sample_number(node: dict[str, Any], *, integer: bool) -> int | float:
    value: float = 0
    if "minimum" in node:
        value = max(value, node["minimum"]) if node["minimum"] > 0 else node["minimum"]
    if "exclusiveMinimum" in node and value <= node["exclusiveMinimum"]:
        value = node["exclusiveMinimum"] + 1
    if "maximum" in node and value > node["maximum"]:
        value = node["maximum"]
    return int(value) if integer else float(value)


def _sample_string(node: dict[str, Any]) -> str:
    if node.get("format") in _FORMAT_SAMPLES:
        return _FORMAT_SAMPLES[node["format"]]
    return "x" * int(node.get("minLength", 0))


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """Follow local `$ref`s (`#/$defs/Name`, `#/definitions/Name`, `#`)."""
    seen = 0
    while "$ref" in node and seen < 32:
        target: Any = root
        for part in node["$ref"].lstrip("#").strip("/").split("/"):
            if part:
                target = target[part.replace("~1", "/").replace("~0", "~")]
        node, seen = {**target, **{k: v for k, v in node.items() if k != "$ref"}}, seen + 1
    return node


def _pick_option(options: list[dict[str, Any]], refs: frozenset[str]) -> dict[str, Any]:
    """The first real option; `null` only to break a cycle (Optional[Self])."""
    def usable(option: dict[str, Any]) -> bool:
        return option.get("type") != "null" and option.get("$ref") not in refs
    nulls = [o for o in options if o.get("type") == "null"]
    return next((o for o in options if usable(o)), nulls[0] if nulls else options[0])


def _merge(parts: list[dict[str, Any]], root: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {"properties": {}, "required": []}
    for part in parts:
        part = _resolve(part, root)
        merged["properties"].update(part.get("properties", {}))
        merged["required"] += part.get("required", [])
        merged.update({k: v for k, v in part.items() if k not in ("properties", "required")})
    return merged
