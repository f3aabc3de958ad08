"""`aipm eval resume --pairs pairs.jsonl`: the match score on labelled (résumé, posting) pairs.

Each line: {"resume": path, "job": path, "fit": 0/1 or a 1-5 grade} (paths relative to the
file), optionally "resume_category"/"job_category". Every résumé is parsed and embedded once
and ranked against its postings through `ranking.rank`, so 840 pairs take seconds. The
TF-IDF cosine of the two raw texts (scikit-learn, fitted on the pair) is measured in the same
run as the anchor. Splits are by category (sha256 of the name, sorted, first half tune), so
no category is in both; `--split` picks one. The report holds numbers only, never the text.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import roc_auc_score

from products.resume_assistant.core.eval_metrics import spearman
from products.resume_assistant.core.loading import jd_text
from products.resume_assistant.core.ranking import index_resume, rank
from shared.embeddings import Embedder
from shared.errors import AIPMError, BadInput

SPLITS = ("tune", "heldout", "all")
GOOD_GRADE = 3  # on a 1-5 grade, 3 and up counts as a fit for AUC and top-1


class Pair(BaseModel):
    resume: Path
    job: Path
    fit: float
    resume_category: str
    job_category: str

    @property
    def positive(self) -> bool:
        return self.fit >= GOOD_GRADE if self.fit > 1 else self.fit >= 1


class PairScore(BaseModel):
    """Numbers only: ids are the file stems, no text."""

    resume: str
    job: str
    fit: float
    score: int | None
    tfidf: float
    requirements: int
    features: dict[str, float]


class SplitMetrics(BaseModel):
    pairs: int
    positives: int
    resumes: int
    postings: int
    auc: float
    tfidf_auc: float
    spearman: float
    tfidf_spearman: float
    top1: float
    tfidf_top1: float
    zero_scores: int
    hundred_scores: int
    not_fit_at_100: int
    postings_without_requirements: int
    errors: int


class PairsEval(BaseModel):
    pairs_file: str
    split: str
    embedder: str
    categories: dict[str, list[str]]
    metrics: SplitMetrics
    rows: list[PairScore]


def load_pairs(path: Path) -> list[Pair]:
    if not path.is_file():
        raise BadInput(f"{path} does not exist. Give a JSONL file of résumé/job/fit pairs.")
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            pairs.append(Pair(resume=path.parent / row["resume"], job=path.parent / row["job"],
                              fit=float(row["fit"]),
                              resume_category=str(row.get("resume_category") or row["resume"]),
                              job_category=str(row.get("job_category") or row["job"])))
        except (KeyError, ValueError, TypeError) as err:
            raise BadInput(f"{path}:{number}: each line needs 'resume', 'job' and 'fit' "
                           f"({err}).") from err
    if not pairs:
        raise BadInput(f"{path} has no pairs.")
    return pairs


def split_categories(pairs: list[Pair]) -> dict[str, list[str]]:
    """Tune = first half of the résumé categories ordered by sha256 of the name."""
    names = sorted({p.resume_category for p in pairs},
                   key=lambda c: hashlib.sha256(c.encode("utf-8")).hexdigest())
    half = (len(names) + 1) // 2
    return {"tune": sorted(names[:half]), "heldout": sorted(names[half:])}


def in_split(pairs: list[Pair], split: str, categories: dict[str, list[str]]) -> list[Pair]:
    """A pair is in a split when its résumé's and its posting's categories both are (a
    posting whose category no résumé has follows its own hash)."""
    if split == "all":
        return pairs
    if split not in SPLITS:
        raise BadInput(f"--split must be one of {', '.join(SPLITS)}; got '{split}'.")
    wanted = set(categories[split])
    known = {c for names in categories.values() for c in names}
    return [p for p in pairs if p.resume_category in wanted and
            (p.job_category in wanted or (p.job_category not in known and
                                          _hash_half(p.job_category) == split))]


def _hash_half(name: str) -> str:
    return "tune" if int(hashlib.sha256(name.encode()).hexdigest(), 16) % 2 == 0 else "heldout"


def tfidf_cosine(a: str, b: str) -> float:
    """The anchor: scikit-learn TF-IDF fitted on the two texts, cosine of the two rows."""
    try:
        matrix = TfidfVectorizer().fit_transform([a, b])
    except ValueError:
        return 0.0
    return float((matrix[0] @ matrix[1].T).toarray()[0, 0])


def evaluate_pairs(path: Path, embedder: Embedder, *, split: str = "all",
                   max_bytes: int | None = None,
                   progress: Callable[[int], None] | None = None) -> PairsEval:
    """Score every pair of the split (one ranking per résumé) and the anchor beside it."""
    everything = load_pairs(path)
    categories = split_categories(everything)
    pairs = in_split(everything, split, categories)
    if not pairs:
        raise BadInput(f"The '{split}' split of {path} is empty.")
    by_resume: dict[Path, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_resume[pair.resume].append(pair)
    rows: list[PairScore] = []
    done = 0
    for resume_path, group in by_resume.items():
        rows.extend(_score_resume(resume_path, group, embedder, max_bytes))
        done += len(group)
        if progress:
            progress(done)
    return PairsEval(pairs_file=str(path), split=split, embedder=embedder.name,
                     categories=categories, metrics=metrics(rows), rows=rows)


def _score_resume(resume_path: Path, group: list[Pair], embedder: Embedder,
                  max_bytes: int | None) -> list[PairScore]:
    index = index_resume((resume_path.name, resume_path.read_bytes()), embedder, max_bytes)
    text = index.resume.text
    ranked = {r.posting: r for r in rank(index, [(p.job.name, p.job.read_bytes())
                                                 for p in group], "baseline",
                                         max_bytes=max_bytes)}
    return [PairScore(resume=resume_path.stem, job=p.job.stem, fit=p.fit,
                      score=ranked[p.job.name].score,
                      tfidf=round(tfidf_cosine(text, _posting_text(p.job)), 4),
                      requirements=ranked[p.job.name].requirements,
                      features=ranked[p.job.name].features) for p in group]


def _posting_text(path: Path) -> str:
    """The posting as the loaders read it (a PDF or HTML posting is not its raw bytes)."""
    try:
        return jd_text(path.name, path.read_bytes())[0]
    except AIPMError:
        return ""


def metrics(rows: list[PairScore]) -> SplitMetrics:
    scored = [r for r in rows if r.score is not None]
    labels = [1 if (r.fit >= GOOD_GRADE if r.fit > 1 else r.fit >= 1) else 0 for r in scored]
    scores = [float(r.score or 0) for r in scored]
    anchor = [r.tfidf for r in scored]
    return SplitMetrics(
        pairs=len(rows), positives=sum(labels), resumes=len({r.resume for r in rows}),
        postings=len({r.job for r in rows}), auc=_auc(labels, scores),
        tfidf_auc=_auc(labels, anchor), spearman=spearman(scores, [r.fit for r in scored]),
        tfidf_spearman=spearman(anchor, [r.fit for r in scored]),
        top1=top1(scored, scores), tfidf_top1=top1(scored, anchor),
        zero_scores=sum(s == 0 for s in scores), hundred_scores=sum(s == 100 for s in scores),
        not_fit_at_100=sum(s == 100 and not y for s, y in zip(scores, labels, strict=True)),
        postings_without_requirements=len({r.job for r in rows if r.requirements == 0}),
        errors=len(rows) - len(scored))


def _auc(labels: list[int], scores: list[float]) -> float:
    return round(float(roc_auc_score(labels, scores)), 4) if 0 < sum(labels) < len(labels) \
        else 0.0


def top1(rows: list[PairScore], scores: list[float]) -> float:
    """Share of résumés (with at least one fit posting) whose best-scored posting is a fit;
    a tie at the top counts as the share of fits among the tied."""
    best: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for row, score in zip(rows, scores, strict=True):
        best[row.resume].append((score, row.fit >= GOOD_GRADE if row.fit > 1 else row.fit >= 1))
    hits, counted = 0.0, 0
    for entries in best.values():
        if not any(fit for _, fit in entries):
            continue
        counted += 1
        high = max(score for score, _ in entries)
        tied = [fit for score, fit in entries if score == high]
        hits += sum(tied) / len(tied)
    return round(hits / counted, 4) if counted else 0.0


def report_markdown(result: PairsEval) -> str:
    """The report: numbers only (ids and counts), never a line of the data."""
    m = result.metrics
    lines = [f"# Résumé assistant — match score on labelled pairs ({result.split})", "",
             f"Pairs file: `{Path(result.pairs_file).name}`; embedder `{result.embedder}`; "
             f"{m.pairs} pairs ({m.positives} fit), {m.resumes} résumés, {m.postings} postings.",
             f"Categories — tune: {len(result.categories['tune'])}, held-out: "
             f"{len(result.categories['heldout'])} (split by sha256 of the category name).", "",
             "| metric | match score | TF-IDF cosine (anchor, same run) |", "|---|---:|---:|",
             f"| AUC | {m.auc:.3f} | {m.tfidf_auc:.3f} |",
             f"| Spearman (score vs fit) | {m.spearman:.3f} | {m.tfidf_spearman:.3f} |",
             f"| top-1 (fit posting ranked first) | {m.top1:.3f} | {m.tfidf_top1:.3f} |", "",
             "| count | value |", "|---|---:|",
             f"| pairs scoring 0 | {m.zero_scores} |",
             f"| pairs scoring 100 | {m.hundred_scores} |",
             f"| not-fit pairs scoring 100 | {m.not_fit_at_100} |",
             f"| postings with no requirement found | {m.postings_without_requirements} |",
             f"| postings that failed to load | {m.errors} |", ""]
    return "\n".join(lines)


__all__ = ["SPLITS", "PairsEval", "evaluate_pairs", "load_pairs", "metrics", "report_markdown",
           "split_categories", "tfidf_cosine", "top1"]
