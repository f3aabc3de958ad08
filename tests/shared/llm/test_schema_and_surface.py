"""Strict JSON schemas for OpenAI, and the package's public surface."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel

import shared.llm
from shared.llm._schema import allows_strict, close_objects, openai_response_format, schema_of


class Theme(BaseModel):
    name: str
    mentions: int


class Report(BaseModel):
    themes: list[Theme]
    summary: str


class Loose(BaseModel):
    summary: str
    owner: str = "unassigned"


def test_nested_models_are_closed_and_strict() -> None:
    schema, name = schema_of(Report)
    closed = close_objects(schema)
    assert name == "Report"
    assert closed["additionalProperties"] is False
    assert closed["$defs"]["Theme"]["additionalProperties"] is False
    assert allows_strict(closed)
    assert "additionalProperties" not in schema  # the caller's schema is not modified


def test_a_field_with_a_default_rules_out_strict_mode() -> None:
    schema, _ = schema_of(Loose)
    assert not allows_strict(close_objects(schema))
    assert openai_response_format(schema, "Loose")["json_schema"]["strict"] is False


def test_schema_names_are_made_wire_safe() -> None:
    fmt = openai_response_format({"type": "object", "properties": {}}, "my schema!")
    assert fmt["json_schema"]["name"] == "my_schema_"


def test_every_public_name_is_exported() -> None:
    for name in shared.llm.__all__:
        assert hasattr(shared.llm, name), name
    assert {"get_llm", "LLMClient", "LLMResult", "Message", "parse_model_id"} <= set(
        shared.llm.__all__)


def test_importing_the_package_does_not_import_the_sdks(repo_root: Path) -> None:
    code = ("import sys, shared.llm; "
            "print(sorted(m for m in ('openai', 'anthropic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=repo_root, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
