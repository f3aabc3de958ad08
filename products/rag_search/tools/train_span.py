"""Retrain the span reader (core.span_reader) on the tune split of a SQuAD file.

    .venv/bin/python -m products.rag_search.tools.train_span \
        /work/shared/realdata/squad2_train/train-subset-v2.0.json

For every answerable tune question, the sentence of its paragraph that holds the first gold
answer gives the candidates (core.span_reader.candidates); a candidate equal to a gold
answer under SQuAD normalisation is a positive, every other one a negative. Questions with
no positive candidate (the gold crosses punctuation or is longer than MAX_TOKENS) are
skipped. A logistic regression (scikit-learn, L2, C) is fitted on the raw features (all are
0..1 or small) and its weights (intercept folded into "bias") go to span_reader.json. Only
the tune split (sha256 of the article title even) is read; heldout is never seen. Prints
the tune top-1 exact-match and token-F1 on the gold sentence, beside the first-candidate
anchor.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from products.rag_search.core.qa_scoring import normalize_answer as normalize
from products.rag_search.core.qa_scoring import token_f1
from products.rag_search.core.span_reader import READER_FILE, candidates, features, tokens
from products.rag_search.core.squad import article_split
from shared.text import sentence_spans

C = 1.0


def sentence_at(context: str, offset: int) -> str:
    """The sentence of `context` that holds character `offset`."""
    spans = sentence_spans(context, lines=False)
    return next((context[start:end] for start, end in spans if end > offset),
                context[spans[-1][0]:] if spans else context)


def examples(squad: Path) -> list[tuple[str, str, list[str]]]:
    """(question, gold sentence, gold answers) of the answerable tune questions."""
    rows = []
    for article in json.loads(squad.read_text(encoding="utf-8"))["data"]:
        if article_split(article["title"]) != "tune":
            continue
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                if qa.get("is_impossible") or not qa["answers"]:
                    continue
                first = qa["answers"][0]
                sentence = sentence_at(paragraph["context"], first["answer_start"])
                rows.append((qa["question"], sentence, [a["text"] for a in qa["answers"]]))
    return rows


def design(rows: list[tuple[str, str, list[str]]]) -> tuple[list[str], list, list, list]:
    names: list[str] = []
    matrix, labels, groups = [], [], []
    for number, (question, sentence, answers) in enumerate(rows):
        toks = tokens(sentence)
        spans = candidates(sentence, question)
        gold = {normalize(a) for a in answers}
        texts = [sentence[toks[a].start:toks[b - 1].end] for a, b in spans]
        if not any(normalize(t) in gold for t in texts):
            continue
        for span, text in zip(spans, texts, strict=True):
            values = features(question, sentence, span, toks)
            names = names or sorted(values)
            matrix.append([values[n] for n in names])
            labels.append(int(normalize(text) in gold))
            groups.append(number)
    return names, matrix, labels, groups


def fit(squad: Path) -> dict:
    from sklearn.linear_model import LogisticRegression

    rows = examples(squad)
    names, matrix, labels, groups = design(rows)
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit(np.array(matrix), np.array(labels))
    weights = dict(zip(names, (float(w) for w in model.coef_[0]), strict=True))
    weights["bias"] = weights.get("bias", 0.0) + float(model.intercept_[0])
    scores = model.decision_function(np.array(matrix))
    best: dict[int, tuple[float, int]] = {}
    for row, (group, value) in enumerate(zip(groups, scores, strict=True)):
        if group not in best or value > best[group][0]:
            best[group] = (value, row)
    exact = sum(labels[row] for _, row in best.values()) / len(best)
    f1s = []
    for question, sentence, answers in rows:
        from products.rag_search.core.span_reader import SpanReader

        span = SpanReader(weights).read(question, sentence) or sentence
        f1s.append(token_f1(span, answers))
    return {"weights": {k: round(v, 5) for k, v in sorted(weights.items())},
            "trained_on": f"{squad.name} tune split (sha256(title) even)",
            "questions": len(rows), "with_gold_candidate": len(best),
            "candidates": len(labels), "C": C,
            "tune_gold_sentence": {"exact_match_top1_where_gold_is_a_candidate": round(exact, 4),
                                   "token_f1_all_answerable": round(float(np.mean(f1s)), 4)}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("squad", type=Path)
    parser.add_argument("--out", type=Path, default=READER_FILE)
    args = parser.parse_args(argv)
    if not args.squad.exists():
        sys.stderr.write(f"error: {args.squad} not found; pass a SQuAD JSON file\n")
        return 1
    model = fit(args.squad)
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    summary = {k: v for k, v in model.items() if k != "weights"}
    sys.stdout.write(json.dumps(summary, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
