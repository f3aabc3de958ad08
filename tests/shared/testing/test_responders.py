"""The default responder's schema-valid objects, and the two shipped example responders."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from shared.testing._schema_sample import sample_for_schema
from shared.testing.responders import default_responder, echo_context, last_user_text, lying


class Seniority(StrEnum):
    junior = "junior"
    senior = "senior"


class Job(BaseModel):
    title: str = Field(min_length=3)
    start: date
    end: date | None


class Candidate(BaseModel):
    name: str
    email: str = Field(json_schema_extra={"format": "email"})
    seniority: Seniority
    years: int = Field(ge=2, le=40)
    rating: float = Field(gt=0)
    remote: bool
    kind: Literal["candidate"]
    jobs: list[Job] = Field(min_length=1)
    referee: Candidate | None
    updated: datetime
    notes: str = "none yet"


class Theme(BaseModel):
    label: str
    share: float


class FeedbackRow(BaseModel):
    sentiment: Literal["positive", "negative", "neutral"]
    themes: list[Theme]
    scores: dict[str, int]


@pytest.mark.parametrize("model", [Candidate, FeedbackRow, Job, Theme])
def test_minimal_sample_validates_against_the_pydantic_model(model: type[BaseModel]) -> None:
    sample = sample_for_schema(model.model_json_schema())
    model.model_validate(sample)  # raises ValidationError if the sample is not schema-valid


def test_minimal_sample_follows_refs_enums_and_bounds() -> None:
    sample = sample_for_schema(Candidate.model_json_schema())
    assert sample["seniority"] == "junior" and sample["kind"] == "candidate"
    assert sample["years"] == 2 and sample["rating"] > 0
    assert sample["jobs"][0]["title"] == "xxx" and sample["jobs"][0]["end"] == "2026-01-01"
    assert sample["referee"] is None  # the recursive Optional[Candidate] stops at null
    assert "notes" not in sample  # optional properties are left out


def test_only_required_properties_are_filled() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
              "required": ["b"]}
    assert sample_for_schema(schema) == {"b": 0}


def _request(text: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"provider": "openai", "model": "m", "system": None, "json_schema": schema,
            "messages": [{"role": "user", "content": "earlier"},
                         {"role": "assistant", "content": "ok"},
                         {"role": "user", "content": text}]}


def test_default_responder_text_is_deterministic_and_names_the_prompt() -> None:
    reply = default_responder(_request("Where is my parcel?"))
    assert reply == default_responder(_request("Where is my parcel?"))
    assert reply != default_responder(_request("Where is my invoice?"))
    assert isinstance(reply, str) and reply.endswith("Where is my parcel?")


def test_echo_context_answers_from_the_context_section() -> None:
    text = "Question: how long? Context: Refunds take five days. Shipping is free."
    assert echo_context(_request(text)) == "Refunds take five days."
    assert echo_context(_request("No marker here. Second.")) == "No marker here."


def test_echo_context_fills_structured_strings_with_the_grounding_sentence() -> None:
    reply = echo_context(_request("Context: Jane led SQL migrations.", Theme.model_json_schema()))
    assert reply == {"label": "Jane led SQL migrations.", "share": 0.0}


def test_lying_never_returns_json() -> None:
    assert not lying(_request("x", Theme.model_json_schema())).lstrip().startswith("{")


def test_last_user_text_skips_assistant_turns() -> None:
    assert last_user_text(_request("final")) == "final"
    assert last_user_text({"messages": []}) == ""
