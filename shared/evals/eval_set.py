"""Eval sets: JSONL files that say what they measure, loaded into typed cases.

File convention (one JSON object per line, UTF-8, blank lines ignored):

    {"eval_set": "rag_help_centre", "measures": "retrieval and grounded answers", "version": 1}
    {"id": "q1", "question": "How do I get a refund?", "relevant_ids": ["c12"]}
    {"id": "q2", ...}

The first non-blank line is the header: `eval_set` (name), `measures` (one sentence on
what the set measures, shown in every report) and `version` (an integer, bumped whenever
cases change so reports from different versions are not compared by mistake); `notes`
is optional; any other key is an error (it is probably a typo). Every later line is one
case, validated by the product's own pydantic model. If that model has an `id` field,
ids must be unique.

A bad file raises `BadInput` naming the file and every bad line (not only the first), so
whoever edits the set can fix it in one pass.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.errors import BadInput

CaseT = TypeVar("CaseT", bound=BaseModel)
MAX_PROBLEMS_SHOWN = 20
HEADER_EXAMPLE = '{"eval_set": "my_set", "measures": "what this set measures", "version": 1}'


class EvalSetHeader(BaseModel):
    """The first line of every eval set file."""

    model_config = ConfigDict(extra="forbid")

    eval_set: str = Field(min_length=1)
    measures: str = Field(min_length=1)
    version: int = Field(ge=1)
    notes: str = ""


class EvalSet(BaseModel, Generic[CaseT]):
    """A loaded eval set: its header fields, where it came from, and its typed cases."""

    name: str
    measures: str
    version: int
    notes: str = ""
    source: str
    cases: list[CaseT]


def load_eval_set(path: str | Path, case_model: type[CaseT]) -> EvalSet[CaseT]:
    """Read a JSONL eval set, validating the header and every case (see module docstring)."""
    path = Path(path)
    lines = _numbered_lines(path)
    if not lines:
        raise BadInput(f"Eval set {path} is empty. It must start with a header line like "
                       f"{HEADER_EXAMPLE}, then one JSON case per line.")
    problems: list[str] = []
    header = _parse_header(*lines[0], problems)
    cases = _parse_cases(lines[1:], case_model, problems)
    if header is not None and not lines[1:]:
        problems.append("no cases after the header line; add one JSON case per line")
    if problems or header is None:
        raise BadInput(_problem_message(path, problems))
    return EvalSet[case_model](name=header.eval_set, measures=header.measures,
                               version=header.version, notes=header.notes,
                               source=str(path), cases=cases)


def write_eval_set(path: str | Path, header: EvalSetHeader, cases: list[BaseModel]) -> Path:
    """Write the header and cases in the format `load_eval_set` reads (for generators)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [header.model_dump_json()]
    rows += [case.model_dump_json() for case in cases]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _numbered_lines(path: Path) -> list[tuple[int, str]]:
    """(1-based line number, text) for every non-blank line; a BOM is tolerated."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"Eval set {path} does not exist. Check the path.") from None
    except UnicodeDecodeError as exc:
        raise BadInput(f"Eval set {path} is not UTF-8 text ({exc.reason} at byte "
                       f"{exc.start}). Save it as UTF-8 and try again.") from None
    return [(number, line) for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()]


def _parse_json(number: int, line: str, problems: list[str]) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        problems.append(f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})")
        return None


def _parse_header(number: int, line: str, problems: list[str]) -> EvalSetHeader | None:
    raw = _parse_json(number, line, problems)
    if raw is None:
        problems[-1] += f"; the first line must be a header like {HEADER_EXAMPLE}"
        return None
    if not isinstance(raw, dict) or "eval_set" not in raw:
        problems.append(f"line {number}: missing header; the first line must be a header "
                        f"like {HEADER_EXAMPLE}")
        return None
    return _validate(number, raw, EvalSetHeader, problems)


def _parse_cases(lines: list[tuple[int, str]], case_model: type[CaseT], problems: list[str]
                 ) -> list[CaseT]:
    """Validate every case line in order, so problems come out sorted by line."""
    cases: list[CaseT] = []
    first_line_of_id: dict[Any, int] = {}
    has_id = "id" in case_model.model_fields
    for number, line in lines:
        raw = _parse_json(number, line, problems)
        case = None if raw is None else _validate(number, raw, case_model, problems)
        if case is not None and has_id:
            _check_unique_id(number, case, first_line_of_id, problems)
        if case is not None:
            cases.append(case)
    return cases


def _validate(number: int, raw: Any, model: type[CaseT], problems: list[str]) -> CaseT | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        details = "; ".join(_describe(error) for error in exc.errors())
        problems.append(f"line {number}: {details}")
        return None


def _describe(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


def _check_unique_id(number: int, case: BaseModel, first_line_of_id: dict[Any, int],
                     problems: list[str]) -> None:
    case_id = getattr(case, "id")  # noqa: B009 - the field is only known at run time
    if case_id in first_line_of_id:
        problems.append(f"line {number}: duplicate id {case_id!r} "
                        f"(first used on line {first_line_of_id[case_id]})")
    first_line_of_id.setdefault(case_id, number)


def _problem_message(path: Path, problems: list[str]) -> str:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    lines = [f"Eval set {path} has {len(problems)} problem(s):", *(f"  {p}" for p in shown)]
    if more:
        lines.append(f"  ... and {more} more")
    lines.append("Fix these lines (one JSON object per line) and run again.")
    return "\n".join(lines)
