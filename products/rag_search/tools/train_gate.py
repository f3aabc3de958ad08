"""Retrain the learned abstain gate (core.answer_gate) on the tune split of a SQuAD 2.0 file.

    .venv/bin/python -m products.rag_search.tools.train_gate \
        /work/shared/realdata/squad2_train/train-subset-v2.0.json [--features FILE.jsonl]

Asks every tune question with the extractive engine (the corpus goes to a temporary data
dir), keeps each question's gate features and whether it is answerable, fits a logistic
regression (scikit-learn, standardised features, L2), and writes the coefficients and the two
thresholds to answer_gate.json. Only the tune split (sha256 of the article title even) is
read: the heldout articles are never seen. `abstain_below` is the threshold with the best
balanced accuracy whose false-abstain rate stays at or under MAX_FALSE_ABSTAIN (counting the
questions the relevance gate already turns down) and that keeps the golden set's tune cases'
abstention precision and accuracy within a small slack of the relevance gate alone (the veto
also needs the evidence to lack a name, name pair or number of the question, or to hold an
opposite of one of its words: VETO_WHEN_MISSING); `low_below` flags the
least confident LOW_SHARE of the answers to answerable tune questions: a flag on most answers
would be noise, and the answered unanswerable ones crowd that band.
`--features` keeps the features as JSON lines (outside the repo) so a refit needs no re-run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from products.rag_search.core.answer_gate import FEATURES, GATE_FILE, GateModel
from products.rag_search.core.squad import load_squad
from products.rag_search.core.squad_eval import abstain_scores, run_qa_eval

MAX_FALSE_ABSTAIN = 0.12  # below the 0.15, so a new set has some room
LOW_SHARE = 0.2  # the least confident fifth of the answers to answerable tune questions
# What a threshold may cost the golden tune cases in abstention precision and in cases of
# accuracy: nothing (a slack of one case cost the untuned kit sets 0.02-0.05, DECISIONS.md).
GOLDEN_PRECISION_SLACK = 0.0
GOLDEN_CASES_SLACK = 0
BA_TIE = 0.005  # tune balanced accuracies this close are a tie (a few questions)
C = 0.5  # L2 strength: few features, one adversarial article in tune; keep it plain


def collect(squad: Path) -> list[dict]:
    """One row per tune question: its features ({} when the relevance gate abstained)."""
    from shared.config import load_settings

    with tempfile.TemporaryDirectory(prefix="aipm-gate-") as folder:
        settings = load_settings(data_dir=Path(folder), provider="none")
        qa = load_squad(squad, Path(folder) / "corpus", split="tune")
        result = run_qa_eval(settings, None, qa, squad.name)
    return [{"answerable": r.answerable, "features": r.features} for r in result.results]


# The veto needs the evidence to lack something the question states: a multi-word name, a
# name pair, a number, the asked type, or to hold an opposite (DECISIONS.md, 2026-12-07).
VETO_WHEN_MISSING = ["name_runs_in_chunk", "numbers_in_window", "antonym_free"]


def collect_golden() -> list[dict]:
    """The golden set's tune cases (kit-written): features, truth, and whether the relevance
    gate or the sentence picker already abstained (a veto of the shipped gate does not count)."""
    from products.rag_search.core.answer import ask
    from products.rag_search.core.evaluation import SAMPLE_DATA, eval_knowledge_base, load_golden
    from products.rag_search.core.outcomes import REASONS
    from shared.config import load_settings

    cases = [case for case in load_golden() if case.split == "tune"]
    with tempfile.TemporaryDirectory(prefix="aipm-gate-") as folder, \
            eval_knowledge_base(load_settings(data_dir=Path(folder), provider="none"),
                                SAMPLE_DATA) as kb:
        answers = [ask(kb, case.question) for case in cases]
    return [{"answerable": case.answerable, "features": answer.gate_features,
             "abstained": answer.abstained and answer.abstain_reason != REASONS["unsupported"]}
            for case, answer in zip(cases, answers, strict=True)]


def fit(rows: list[dict], golden: list[dict] | None = None) -> GateModel:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    usable = [row for row in rows if row["features"]]
    x = np.array([[row["features"].get(name, 0.0) for name in FEATURES] for row in usable])
    y = np.array([int(row["answerable"]) for row in usable])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=C, max_iter=1000).fit(scaler.transform(x), y)
    gate = GateModel(features=list(FEATURES), mean=scaler.mean_.round(6).tolist(),
                     scale=scaler.scale_.round(6).tolist(),
                     coef=model.coef_[0].round(6).tolist(),
                     intercept=round(float(model.intercept_[0]), 6), abstain_below=0.0,
                     low_below=0.0, trained_on="", veto_when_missing=VETO_WHEN_MISSING)
    abstains = [lambda t, row=row: not row["features"] or gate.vetoes(
        row["features"], gate.confidence(row["features"]), t) for row in rows]
    truth = [not row["answerable"] for row in rows]
    allowed = _golden_guard(gate, golden or [])
    gate.abstain_below = abstain_threshold(abstains, truth, allowed)
    confidences = [gate.confidence(row["features"]) if row["features"] else None
                   for row in rows]
    gate.low_below = low_threshold(confidences, truth, gate.abstain_below)
    return gate


def _golden_guard(gate: GateModel, golden: list[dict]) -> Callable[[float], bool]:
    """A threshold is allowed when the golden tune cases' abstention precision and accuracy
    stay at least what the relevance gate alone gives them (no regression on the kit's set)."""
    truth = [not row["answerable"] for row in golden]

    def scores(threshold: float | None) -> tuple[float, float]:
        abstained = [row["abstained"] or (threshold is not None and bool(row["features"]) and
                                          gate.vetoes(row["features"],
                                                      gate.confidence(row["features"]),
                                                      threshold))
                     for row in golden]
        found = abstain_scores(abstained, truth)
        accuracy = sum(a == u for a, u in zip(abstained, truth, strict=True)) / len(truth)
        return found["abstain_precision"] or 0.0, accuracy

    if not golden:
        return lambda threshold: True
    floor = scores(None)
    slack = (GOLDEN_PRECISION_SLACK, GOLDEN_CASES_SLACK / len(golden))
    return lambda threshold: all(a >= b - s - 1e-9 for a, b, s in zip(
        scores(threshold), floor, slack, strict=True))


def abstain_threshold(abstains: list[Callable[[float], bool]], unanswerable: list[bool],
                      allowed: Callable[[float], bool]) -> float:
    """The lowest threshold whose balanced accuracy is within BA_TIE of the best one, among
    those whose false-abstain rate stays at or under MAX_FALSE_ABSTAIN and that `allowed`
    keeps (0: no veto): of two nearly equal thresholds, the one that refuses fewer answers
    costs the kit's own corpora less (DECISIONS.md, 2026-12-07)."""
    found: list[tuple[float, float]] = [(0.0, -1.0)]
    for step in range(0, 1000, 2):
        t = step / 1000
        scores = abstain_scores([abstains_at(t) for abstains_at in abstains], unanswerable)
        if (scores["false_abstain"] or 0.0) > MAX_FALSE_ABSTAIN:
            break  # the veto only grows from here
        if allowed(t):  # else the kit's own tune cases lose here; a higher one may not
            found.append((t, scores["balanced_accuracy"] or 0.0))
    best_score = max(score for _, score in found)
    return round(min(t for t, score in found if score >= best_score - BA_TIE), 3)


def low_threshold(confidences: list[float | None], unanswerable: list[bool],
                  abstain_below: float) -> float:
    """The confidence under which the least confident LOW_SHARE of the answers to answerable
    tune questions fall (never under abstain_below)."""
    answered = sorted(c for c, u in zip(confidences, unanswerable, strict=True)
                      if not u and c is not None)
    low = answered[int(LOW_SHARE * (len(answered) - 1))] if answered else abstain_below
    return round(max(low, abstain_below), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("squad", type=Path)
    parser.add_argument("--features", type=Path, help="JSON lines cache of the tune features")
    parser.add_argument("--out", type=Path, default=GATE_FILE)
    parser.add_argument("--golden", type=Path, help="JSON cache of the golden tune features")
    args = parser.parse_args()
    if args.features and args.features.is_file():
        rows = [json.loads(line) for line in args.features.read_text().splitlines()]
    else:
        rows = collect(args.squad)
        if args.features:
            args.features.write_text("".join(json.dumps(row) + "\n" for row in rows))
    golden = (json.loads(args.golden.read_text()) if args.golden and args.golden.is_file()
              else collect_golden())
    gate = fit(rows, golden)
    unanswerable = sum(not row["answerable"] for row in rows)
    gate.trained_on = (f"{args.squad.name} tune split (sha256(title) even): {len(rows)} "
                       f"questions, {unanswerable} unanswerable; logistic regression C={C}")
    args.out.write_text(json.dumps(gate.model_dump(), indent=2) + "\n")
    sys.stdout.write(f"wrote {args.out}: abstain below {gate.abstain_below}, low confidence "
                     f"below {gate.low_below}\n")


if __name__ == "__main__":
    main()
