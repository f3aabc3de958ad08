"""A tiny SQuAD-format set written for the kit (two invented articles), for the QA-eval tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from products.rag_search.core.squad import article_split

LIGHTHOUSE = ("The Harbour Lighthouse was built in 1874 by the engineer Mara Vint. Its lamp "
              "can be seen from 22 kilometres away. The keeper's cottage became a museum in "
              "1961.")
FERRY = ("The island ferry leaves the harbour every 40 minutes in summer. In winter it sails "
         "only twice a day. Tickets are sold on board by the crew.")
ORCHARD = ("The orchard on the hill grows 14 kinds of apple. Pickers arrive in September and "
           "the cider press opens in October. The orchard was planted by Tomas Reyl.")


def _qa(qid: str, question: str, answer: str | None, context: str,
        plausible: str | None = None) -> dict[str, Any]:
    if answer is None:
        start = context.index(plausible) if plausible else 0
        return {"id": qid, "question": question, "is_impossible": True, "answers": [],
                "plausible_answers": [{"text": plausible or "", "answer_start": start}]}
    return {"id": qid, "question": question, "is_impossible": False,
            "answers": [{"text": answer, "answer_start": context.index(answer)}]}


def squad_set() -> dict[str, Any]:
    return {"version": "v2.0", "data": [
        {"title": "Harbour_town", "paragraphs": [
            {"context": LIGHTHOUSE, "qas": [
                _qa("h1", "When was the Harbour Lighthouse built?", "1874", LIGHTHOUSE),
                _qa("h2", "Who built the Harbour Lighthouse?", "Mara Vint", LIGHTHOUSE),
                _qa("h3", "When did the Harbour Bakery become a museum?", None, LIGHTHOUSE,
                    "1961")]},
            {"context": FERRY, "qas": [
                _qa("h4", "How often does the island ferry leave in summer?",
                    "every 40 minutes", FERRY)]}]},
        {"title": "Hill_orchard", "paragraphs": [
            {"context": ORCHARD, "qas": [
                _qa("o1", "How many kinds of apple does the orchard grow?", "14", ORCHARD),
                _qa("o2", "Who planted the orchard?", "Tomas Reyl", ORCHARD)]}]},
    ]}


def write_squad(folder: Path) -> Path:
    path = folder / "tiny-squad.json"
    path.write_text(json.dumps(squad_set()), encoding="utf-8")
    return path


def splits() -> dict[str, str]:
    return {title: article_split(title) for title in ("Harbour_town", "Hill_orchard")}
