"""Retrain the learned abstain gate (core.answer_gate) on the tune split of a SQuAD 2.0 file.

    .venv/bin/python -m products.rag_search.tools.train_gate \
        /work/shared/realdata/squad2_train/train-subset-v2.0.json [--features FILE.jsonl]

Asks every tune question with the extractive engine (the corpus goes to a temporary data
dir), keeps each question's gate features and whether it is answerable, fits a logistic
regression (scikit-learn, standardised features, L2), and writes the coefficients and the two
thresholds to answer_gate.json. Only the tune split (sha256 of the article title even) is
read: the heldout articles are never seen. `abstain_below` is the threshold with the best
balanced accuracy whose false-abstain rate stays at or under MAX_FALSE_ABSTAIN (counting the
questions the relevance gate already turns down); `low_below` flags the answers whose
confidence is under the one at which LOW_RECALL of the unanswerable questions are caught.
`--features` keeps the features as JSON lines (outside the repo) so a refit needs no re-run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from products.rag_search.core.answer_gate import FEATURES, GATE_FILE, GateModel
from products.rag_search.core.squad import load_squad
from products.rag_search.core.squad_eval import abstain_scores, run_qa_eval

MAX_FALSE_ABSTAIN = 0.12  # below the 0.15, so a new set has some room
LOW_RECALL = 0.9
C = 0.5  # L2 strength: few features, one adversarial article in tune; keep it plain


def collect(squad: Path) -> list[dict]:
    """One row per tune question: its features ({} when the relevance gate abstained)."""
    from shared.config import load_settings

    with tempfile.TemporaryDirectory(prefix="aipm-gate-") as folder:
        settings = load_settings(data_dir=Path(folder), provider="none")
        qa = load_squad(squad, Path(folder) / "corpus", split="tune")
        result = run_qa_eval(settings, None, qa, squad.name)
    return [{"answerable": r.answerable, "features": r.features} for r in result.results]


def fit(rows: list[dict]) -> GateModel:
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
                     low_below=0.0, trained_on="")
    confidences = [gate.confidence(row["features"]) if row["features"] else None
                   for row in rows]
    truth = [not row["answerable"] for row in rows]
    gate.abstain_below, gate.low_below = thresholds(confidences, truth)
    return gate


def thresholds(confidences: list[float | None], unanswerable: list[bool]) -> tuple[float, float]:
    """(abstain_below, low_below): see the module docstring. None = the relevance gate
    already abstained, whatever the threshold."""
    best, best_score = 0.0, -1.0
    for step in range(0, 1000):
        t = step / 1000
        abstained = [c is None or c < t for c in confidences]
        scores = abstain_scores(abstained, unanswerable)
        if (scores["false_abstain"] or 0.0) > MAX_FALSE_ABSTAIN:
            break
        if (scores["balanced_accuracy"] or 0.0) > best_score:
            best, best_score = t, scores["balanced_accuracy"] or 0.0
    caught = sorted(c for c, u in zip(confidences, unanswerable, strict=True)
                    if u and c is not None)
    low = caught[int(LOW_RECALL * (len(caught) - 1))] if caught else best
    return round(best, 3), round(max(low, best), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("squad", type=Path)
    parser.add_argument("--features", type=Path, help="JSON lines cache of the tune features")
    parser.add_argument("--out", type=Path, default=GATE_FILE)
    args = parser.parse_args()
    if args.features and args.features.is_file():
        rows = [json.loads(line) for line in args.features.read_text().splitlines()]
    else:
        rows = collect(args.squad)
        if args.features:
            args.features.write_text("".join(json.dumps(row) + "\n" for row in rows))
    gate = fit(rows)
    unanswerable = sum(not row["answerable"] for row in rows)
    gate.trained_on = (f"{args.squad.name} tune split (sha256(title) even): {len(rows)} "
                       f"questions, {unanswerable} unanswerable; logistic regression C={C}")
    args.out.write_text(json.dumps(gate.model_dump(), indent=2) + "\n")
    sys.stdout.write(f"wrote {args.out}: abstain below {gate.abstain_below}, low confidence "
                     f"below {gate.low_below}\n")


if __name__ == "__main__":
    main()
