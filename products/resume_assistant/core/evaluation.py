"""The golden set run: requirement and keyword precision/recall, score order, fabrication.

Each row pairs a résumé with a JD and carries hand labels: which requirements are met, which
JD keywords the résumé truly shows, a 0-3 fit, and traps (JD skills the résumé lacks, hidden
JD text). Rows are split into `tune` (the similarity threshold is chosen here) and `heldout`
(never tuned on). Fabrication is checked independently of the guard: a generated text may
name no vocabulary skill, number or trap that the résumé does not contain.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from products.resume_assistant.core.analyze import analyze
from products.resume_assistant.core.eval_metrics import (
    Counts,
    fabrications,
    pairwise_order,
    spearman,
)
from products.resume_assistant.core.matching import (
    CALIBRATION_FILE,
    similarity_threshold,
)
from products.resume_assistant.core.models import Analysis
from products.resume_assistant.core.service import llm_for, load_inputs
from products.resume_assistant.core.writing import letter_inputs, tailor_inputs
from shared.config import Settings
from shared.errors import BadInput

T = TypeVar("T")

PRODUCT_DIR = Path(__file__).resolve().parent.parent
GOLDEN_PATH = PRODUCT_DIR / "evals" / "golden.jsonl"
REPORT_PATH = PRODUCT_DIR / "evals" / "report.md"
SPLITS = ("tune", "heldout")
SWEEP = [round(0.40 + 0.025 * step, 3) for step in range(17)]


class SplitScores(BaseModel):
    """Every metric for one split of the golden set."""

    rows: int
    requirement_precision: float
    requirement_recall: float
    requirement_f1: float
    keyword_precision: float
    keyword_recall: float
    score_spearman: float
    score_pairwise_order: float
    outputs_checked: int
    fabrication_rate: float
    fabrications: list[str]


class EvalResult(BaseModel):
    engine: str
    embedder: str
    threshold: float
    sweep: dict[str, float]
    splits: dict[str, SplitScores]
    rows: list[dict[str, object]]


def load_golden(path: Path = GOLDEN_PATH) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    if not rows:
        raise BadInput(f"{path} has no rows.")
    return rows


def _upload(relative: object) -> tuple[str, bytes]:
    path = PRODUCT_DIR / str(relative)
    return path.name, path.read_bytes()


def eval_steps(path: Path = GOLDEN_PATH) -> int:
    """How many steps `evaluate` reports: two per golden row and one per swept threshold."""
    return 2 * len(load_golden(path)) + len(SWEEP)


def _stepper(progress: Callable[[int], None] | None) -> Callable[[T], T]:
    """A pass-through that counts one step per value it is given."""
    done = [0]

    def step(value: T) -> T:
        done[0] += 1
        if progress is not None:
            progress(done[0])
        return value

    return step


def evaluate(settings: Settings, *, use_llm: bool = True, calibrate: bool = False,
             path: Path = GOLDEN_PATH,
             progress: Callable[[int], None] | None = None) -> EvalResult:
    """Run every row; with `calibrate`, pick the tune split's best threshold and save it.
    `progress(done)` counts steps of `eval_steps(rows)`: each row read, each threshold of
    the sweep, each row's tailoring (the sweep is over half of the ~7 s)."""
    rows = load_golden(path)
    step = _stepper(progress)
    inputs = [step(load_inputs(settings, _upload(r["resume"]), _upload(r["jd"]))) for r in rows]
    embedder = inputs[0].index.embedder.name
    sweep = {str(t): step(_requirement_counts(rows, inputs, t, "tune").f1) for t in SWEEP}
    threshold = similarity_threshold(embedder)
    if calibrate:
        threshold = float(max(sweep, key=lambda t: (sweep[t], -abs(float(t) - 0.6))))
        save_threshold(embedder, threshold)
    analyses = [analyze(i.index, i.jd, threshold, "eval") for i in inputs]
    engine_settings = settings if use_llm else settings.model_copy(update={"provider": "none"})
    llm = llm_for(engine_settings)
    outputs = [step((tailor_inputs(engine_settings, i), letter_inputs(engine_settings, i)))
               for i in inputs]
    splits = {name: _split_scores(rows, inputs, analyses, outputs, name) for name in SPLITS}
    return EvalResult(engine=f"llm ({llm.provider}:{llm.model})" if llm else "baseline",
                      embedder=embedder, threshold=threshold, sweep=sweep, splits=splits,
                      rows=[_row_view(r, a) for r, a in zip(rows, analyses, strict=True)])


def _requirement_counts(rows, inputs, threshold: float, split: str) -> Counts:
    counts = Counts()
    for row, item in zip(rows, inputs, strict=True):
        if row["split"] == split:
            analysis = analyze(item.index, item.jd, threshold, "sweep")
            _count_requirements(counts, row, analysis)
    return counts


def _count_requirements(counts: Counts, row: dict, analysis: Analysis) -> None:
    for key, expected in row["requirements"].items():
        found = [r for r in analysis.requirements if key.lower() in r.text.lower()]
        counts.add(bool(found and found[0].met), bool(expected))


def _split_scores(rows, inputs, analyses, outputs, split: str) -> SplitScores:
    chosen = [i for i, row in enumerate(rows) if row["split"] == split]
    req, kw, fabricated = Counts(), Counts(), []
    for i in chosen:
        _count_requirements(req, rows[i], analyses[i])
        kw.add_sets(set(analyses[i].matched_keywords), set(rows[i]["keywords_present"]))
        for output in outputs[i]:
            found = fabrications(output.output, inputs[i].resume.text, inputs[i].jd,
                                 rows[i]["traps"])
            fabricated += [f"{rows[i]['id']}: {f}" for f in found]
    scores = [analyses[i].match_score for i in chosen]
    fits = [rows[i]["fit"] for i in chosen]
    groups = [rows[i]["jd"] for i in chosen]
    checked = 2 * len(chosen)
    bad_outputs = len({f.split(":")[0] for f in fabricated})
    return SplitScores(
        rows=len(chosen), requirement_precision=req.precision, requirement_recall=req.recall,
        requirement_f1=req.f1, keyword_precision=kw.precision, keyword_recall=kw.recall,
        score_spearman=spearman(scores, fits),
        score_pairwise_order=pairwise_order(scores, fits, groups),
        outputs_checked=checked, fabrication_rate=round(bad_outputs / checked, 4)
        if checked else 0.0, fabrications=fabricated)


def _row_view(row: dict, analysis: Analysis) -> dict[str, object]:
    return {"id": row["id"], "split": row["split"], "fit": row["fit"],
            "match_score": analysis.match_score}


def save_threshold(embedder: str, threshold: float) -> None:
    data = json.loads(CALIBRATION_FILE.read_text()) if CALIBRATION_FILE.is_file() else {}
    data.setdefault("similarity_threshold", {})[embedder] = threshold
    data["method"] = "best requirement F1 on the golden set's tune split (aipm eval resume " \
                     "--calibrate)"
    CALIBRATION_FILE.write_text(json.dumps(data, indent=2) + "\n")


__all__ = ["GOLDEN_PATH", "REPORT_PATH", "EvalResult", "SplitScores", "evaluate",
           "load_golden"]
