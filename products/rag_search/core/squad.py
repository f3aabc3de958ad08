"""Public QA sets as eval input: SQuAD 1.1/2.0 files and a user's own questions.jsonl.

A SQuAD file becomes a corpus of one Markdown document per paragraph (its article title as
the heading) written under the data dir, never in the repository, and one `QACase` per
question with its gold spans. The split is by article: sha256 of the title, even -> tune,
odd -> heldout, so every question of an article lands on the same side and the split is the
same on every machine. A questions.jsonl (one object a line: question, answers, source,
optional answerable and id) scores a user's own folder the same way.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from shared.errors import BadInput

Split = Literal["tune", "heldout", "all"]


class QACase(BaseModel):
    """One question with its gold answers; `source` is the document that holds them."""

    id: str
    question: str
    answers: list[str] = Field(default_factory=list)
    answerable: bool = True
    source: str = ""
    article: str = ""
    split: Literal["tune", "heldout"] = "tune"


class QASet(BaseModel):
    """The cases and where their documents were written (or already are)."""

    cases: list[QACase]
    corpus: Path
    articles: list[str] = Field(default_factory=list)


def article_split(title: str) -> Literal["tune", "heldout"]:
    """sha256 of the article title: even -> tune, odd -> heldout (DECISIONS.md)."""
    return "tune" if int(hashlib.sha256(title.encode("utf-8")).hexdigest(), 16) % 2 == 0 \
        else "heldout"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "article"


def load_squad(path: Path, corpus: Path, *, split: Split = "all", articles: int | None = None,
               limit: int | None = None) -> QASet:
    """Read a SQuAD file, write the chosen articles' paragraphs under `corpus`, return cases.

    `articles` keeps the first N articles of the split, `limit` the first N questions. The
    folder is the eval's own (under the data dir) and is emptied first, so a corpus is
    exactly the chosen articles' paragraphs.
    """
    data = _read_squad(path)
    chosen = [a for a in data if split == "all" or article_split(a["title"]) == split]
    chosen = chosen[:articles] if articles else chosen
    if corpus.is_dir():  # a previous run's paragraphs (another split) must not be ingested
        shutil.rmtree(corpus)
    corpus.mkdir(parents=True)
    cases: list[QACase] = []
    for article in chosen:
        title = str(article["title"])
        for number, paragraph in enumerate(article.get("paragraphs", []), start=1):
            source = f"{_slug(title)}/p{number:03d}.md"
            target = corpus / source
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"# {title.replace('_', ' ')}\n\n{paragraph['context']}\n",
                              encoding="utf-8")
            cases += [_case(qa, source, title) for qa in paragraph.get("qas", [])]
    return QASet(cases=cases[:limit] if limit else cases, corpus=corpus,
                 articles=[str(a["title"]) for a in chosen])


def _read_squad(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8")).get("data")
    except (OSError, ValueError, AttributeError) as err:
        raise BadInput(f"{path} is not a readable SQuAD JSON file ({err}); pass a file like "
                       "train-v2.0.json with a top-level \"data\" list.") from err
    if not isinstance(data, list) or not data:
        raise BadInput(f"{path} has no \"data\" list of articles; pass a SQuAD 1.1/2.0 file.")
    return data


def _case(qa: dict, source: str, title: str) -> QACase:
    impossible = bool(qa.get("is_impossible", False))
    answers = [] if impossible else list(dict.fromkeys(a["text"] for a in qa.get("answers", [])))
    return QACase(id=str(qa.get("id", "")), question=str(qa["question"]).strip(),
                  answers=answers, answerable=not impossible, source=source, article=title,
                  split=article_split(title))


def load_questions(path: Path, corpus: Path, *, limit: int | None = None) -> QASet:
    """A user's questions.jsonl over their own folder: {"question", "answers", "source",
    "answerable"?, "id"?}; a case with no answers and no "answerable" is unanswerable."""
    if not corpus.is_dir():
        raise BadInput(f"--data {corpus} is not a folder; pass the folder the questions' "
                       "sources are relative to.")
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            answers = [str(a) for a in row.get("answers", [])]
            cases.append(QACase(id=str(row.get("id", number)), question=str(row["question"]),
                                answers=answers, source=str(row.get("source", "")),
                                answerable=bool(row.get("answerable", bool(answers))),
                                split=row.get("split", "tune")))
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise BadInput(f"{path.name} line {number}: {err}; each line needs a JSON object "
                           "with at least \"question\".") from err
    return QASet(cases=cases[:limit] if limit else cases, corpus=corpus)


def subset(cases: Sequence[QACase], split: str) -> list[QACase]:
    return [case for case in cases if split in ("all", case.split)]


__all__ = ["QACase", "QASet", "article_split", "load_questions", "load_squad", "subset"]
