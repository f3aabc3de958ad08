"""Rank many postings for one résumé in one process: parse and embed the résumé once.

`aipm resume rank`, `POST /v1/resume/rank`, the hub's rank control and the real-data eval
all come here. Postings come as files, a folder of files, or a CSV whose rows are postings
(a `description` column, with `title`/`company` when present). A posting that fails to load
is reported in its row (one clear line) and the rest are still ranked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from products.resume_assistant.core.analyze import TextProfile, analyze
from products.resume_assistant.core.asks import posting_asks
from products.resume_assistant.core.jd_parser import parse_jd
from products.resume_assistant.core.loading import JD_SUFFIXES, jd_text, resume_text
from products.resume_assistant.core.matching import ResumeIndex, similarity_threshold
from products.resume_assistant.core.resume_parser import parse_resume
from shared.errors import AIPMError, BadInput

Upload = tuple[str, bytes]
TOP_REQUIREMENTS = 3
NO_REQUIREMENTS = ("no requirements found in this posting: the score rests on text "
                   "similarity only; paste the full posting if it has a requirements part")


class RankedPosting(BaseModel):
    """One posting's place in the ranking (or the error that kept it out)."""

    posting: str
    title: str = ""
    score: int | None = None
    explanation: str = ""
    met: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    requirements: int = 0
    asks: dict[str, object] = Field(default_factory=dict)
    features: dict[str, float] = Field(default_factory=dict)
    error: str = ""


class Ranking(BaseModel):
    resume: str
    engine: str
    postings: list[RankedPosting]
    # Out of the dump (the CLI/API shape is the issue's): the CLI adds `cancelled` when true.
    cancelled: bool = Field(False, exclude=True,
                            description="stopped by the user; `postings` are the ones done")
    given: int = Field(0, exclude=True, description="how many postings were asked for")


def postings_from_paths(paths: Iterable[Path]) -> list[Upload]:
    """Files as they are, a folder's posting files (sorted), a CSV's rows."""
    uploads: list[Upload] = []
    for path in paths:
        if path.is_dir():
            uploads.extend((p.name, p.read_bytes()) for p in sorted(path.iterdir())
                           if p.is_file() and p.suffix.lower() in JD_SUFFIXES)
        elif path.suffix.lower() == ".csv" and path.is_file():
            uploads.extend(postings_from_csv(path.name, path.read_bytes()))
        elif path.is_file():
            uploads.append((path.name, path.read_bytes()))
        else:
            raise BadInput(f"{path} does not exist. Give posting files, a folder or a CSV.")
    if not uploads:
        raise BadInput("No postings found: give .txt/.md/.html/.pdf files, a folder of them, "
                       "or a CSV with a 'description' column.")
    return uploads


def postings_from_csv(name: str, data: bytes) -> list[Upload]:
    """One upload per CSV row: 'title' line, then the description (like a pasted JD)."""
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig", errors="replace"))))
    if not rows or "description" not in {k.strip().lower() for k in rows[0]}:
        raise BadInput(f"{name}: a postings CSV needs a 'description' column (and optionally "
                       "'title', 'company').")
    uploads = []
    for number, row in enumerate(rows, start=1):
        lowered = {k.strip().lower(): (v or "") for k, v in row.items() if k}
        head = " - ".join(p for p in (lowered.get("title", ""), lowered.get("company", "")) if p)
        text = f"{head or f'Posting {number}'}\n\n{lowered['description']}"
        uploads.append((f"{name}#row{number}.txt", text.encode("utf-8")))
    return uploads


def rank(index: ResumeIndex, postings: list[Upload], engine: str, *,
         max_bytes: int | None = None,
         progress: Callable[[int], None] | None = None,
         stop: Callable[[], bool] | None = None) -> list[RankedPosting]:
    """Every posting scored against one indexed résumé, best first (errors last). `stop` is
    asked before each posting: when it says yes the ranking ends there and holds the
    postings scored so far (a cancel loses none of them)."""
    threshold = similarity_threshold(index.embedder.name)
    profile = TextProfile.of(index, index.resume.text)
    ranked = []
    for number, (name, data) in enumerate(postings, start=1):
        if stop is not None and stop():
            break
        ranked.append(_one(index, name, data, threshold, engine, profile, max_bytes))
        if progress:
            progress(number)
    return sorted(ranked, key=lambda r: (r.score is None, -(r.score or 0)))


def _one(index: ResumeIndex, name: str, data: bytes, threshold: float, engine: str,
         profile: TextProfile, max_bytes: int | None) -> RankedPosting:
    try:
        text, _ = jd_text(name, data, max_bytes=max_bytes)
        jd = parse_jd(text)
    except AIPMError as err:
        return RankedPosting(posting=name, error=str(err))
    result = analyze(index, jd, threshold, engine, profile, bullets=False)
    breakdown = result.score_breakdown
    return RankedPosting(
        posting=name, title=jd.title, score=result.match_score,
        explanation=str(breakdown["explanation"]) if jd.requirements else NO_REQUIREMENTS,
        met=[r.text for r in result.requirements if r.met][:TOP_REQUIREMENTS],
        missing=[r.text for r in result.requirements if not r.met and r.kind == "must"]
        [:TOP_REQUIREMENTS],
        requirements=len(jd.requirements), asks=posting_asks(jd.requirements),
        features=dict(breakdown["features"]))  # type: ignore[call-overload]


def index_resume(upload: Upload, embedder: object, max_bytes: int | None = None) -> ResumeIndex:
    """Parse and embed the résumé once for the whole ranking."""
    return ResumeIndex.build(parse_resume(resume_text(*upload, max_bytes=max_bytes)),
                             embedder)  # type: ignore[arg-type]


__all__ = ["NO_REQUIREMENTS", "RankedPosting", "Ranking", "index_resume", "postings_from_csv",
           "postings_from_paths", "rank"]
