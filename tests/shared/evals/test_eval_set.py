"""Loading JSONL eval sets: the header convention, typed cases, and errors that name lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from shared.errors import BadInput
from shared.evals.eval_set import EvalSetHeader, load_eval_set, write_eval_set

HEADER = {"eval_set": "help_centre", "measures": "retrieval recall", "version": 2}


class QuestionCase(BaseModel):
    id: str
    question: str
    relevant_ids: list[str] = []


class NoIdCase(BaseModel):
    text: str


def _write(tmp_path: Path, *lines: str | dict, name: str = "set.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
                    encoding="utf-8")
    return path


def test_loads_header_and_typed_cases_ignoring_blank_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER, "", {"id": "q1", "question": "Refund?", "relevant_ids": ["c1"]},
                  "   ", {"id": "q2", "question": "Invoice?"})
    loaded = load_eval_set(path, QuestionCase)
    assert (loaded.name, loaded.measures, loaded.version, loaded.notes) == (
        "help_centre", "retrieval recall", 2, "")
    assert loaded.source == str(path)
    assert [case.id for case in loaded.cases] == ["q1", "q2"]
    assert isinstance(loaded.cases[0], QuestionCase)
    assert loaded.cases[0].relevant_ids == ["c1"]


def test_write_then_load_round_trips(tmp_path: Path) -> None:
    header = EvalSetHeader(eval_set="skills", measures="skill extraction", version=1, notes="n")
    cases = [NoIdCase(text="Python, SQL"), NoIdCase(text="Figma")]
    path = write_eval_set(tmp_path / "sub" / "skills.jsonl", header, cases)
    loaded = load_eval_set(path, NoIdCase)
    assert (loaded.name, loaded.notes, loaded.cases) == ("skills", "n", cases)


def test_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(HEADER).encode() + b'\n{"text": "x"}\n')
    assert load_eval_set(path, NoIdCase).cases == [NoIdCase(text="x")]


def _error(path: Path, model: type[BaseModel] = QuestionCase) -> str:
    with pytest.raises(BadInput) as caught:
        load_eval_set(path, model)
    return caught.value.message


def test_all_bad_lines_are_reported_with_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER,
                  {"id": "q1", "question": "ok"},
                  '{"id": "q2", "question": ',              # line 3: truncated JSON
                  {"id": "q3"},                              # line 4: missing field
                  {"id": "q4", "question": "x", "relevant_ids": "c1"},  # line 5: wrong type
                  {"id": "q1", "question": "again"},         # line 6: duplicate id
                  "[1, 2]")                                  # line 7: not an object
    message = _error(path)
    assert message.startswith(f"Eval set {path} has 5 problem(s):")
    assert "line 3: invalid JSON (Expecting value at column 26)" in message
    assert "line 4: question: Field required" in message
    assert "line 5: relevant_ids: Input should be a valid list" in message
    assert "line 6: duplicate id 'q1' (first used on line 2)" in message
    assert "line 7: Input should be a valid dictionary" in message
    assert message.index("line 6:") < message.index("line 7:")  # sorted by line
    assert message.endswith("Fix these lines (one JSON object per line) and run again.")


def test_missing_header_is_named_and_cases_still_checked(tmp_path: Path) -> None:
    path = _write(tmp_path, {"id": "q1", "question": "no header"}, {"id": "q2"})
    message = _error(path)
    assert "line 1: missing header; the first line must be a header like" in message
    assert '"eval_set"' in message
    assert "line 2: question: Field required" in message


def test_bad_header_fields_are_reported(tmp_path: Path) -> None:
    header = {"eval_set": "x", "measure": "typo", "version": 0}
    message = _error(_write(tmp_path, header, {"id": "q1", "question": "a"}))
    assert "line 1: measures: Field required" in message
    assert "version: Input should be greater than or equal to 1" in message
    assert "measure: Extra inputs are not permitted" in message


def test_header_that_is_not_json(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, "eval_set: x", {"id": "q1", "question": "a"}))
    assert "line 1: invalid JSON" in message
    assert "the first line must be a header like" in message


def test_empty_and_whitespace_only_files(tmp_path: Path) -> None:
    for name, content in (("empty.jsonl", ""), ("blank.jsonl", "\n   \n\n")):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        message = _error(path)
        assert message.startswith(f"Eval set {path} is empty. It must start with a header line")


def test_header_without_cases(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, HEADER))
    assert "has 1 problem(s)" in message
    assert "no cases after the header line" in message


def test_missing_file_and_non_utf8(tmp_path: Path) -> None:
    assert "does not exist" in _error(tmp_path / "nope.jsonl")
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(HEADER).encode() + b'\n{"text": "caf\xe9"}\n')
    message = _error(path, NoIdCase)
    assert str(path) in message
    assert "is not UTF-8 text" in message


def test_long_error_lists_are_capped(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER, *(["{not json"] * 25))
    message = _error(path)
    assert "has 25 problem(s)" in message
    assert "line 21: invalid JSON" in message
    assert "line 22:" not in message
    assert "... and 5 more" in message
