"""Small metrics for the golden set: P/R counts, rank agreement, an independent fabrication
check (deliberately not the guard, so the eval can catch the guard missing something)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from products.resume_assistant.core.models import JobDescription
from products.resume_assistant.core.skills import skills_in
from shared.evals.text import normalize_text


@dataclass
class Counts:
    """True/false positives and false negatives of the positive class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, expected: bool) -> None:
        self.tp += predicted and expected
        self.fp += predicted and not expected
        self.fn += expected and not predicted

    def add_sets(self, predicted: set[str], expected: set[str]) -> None:
        self.tp += len(predicted & expected)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)

    @property
    def precision(self) -> float:
        return round(self.tp / (self.tp + self.fp), 4) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return round(self.tp / (self.tp + self.fn), 4) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return round(2 * p * r / (p + r), 4) if p + r else 0.0


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def spearman(scores: list[float], labels: list[float]) -> float:
    """Spearman's rank correlation (ties get average ranks); 0.0 when either side is flat."""
    a, b = _ranks(scores), _ranks(labels)
    n = len(a)
    mean_a, mean_b = sum(a) / n, sum(b) / n
    cov = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b, strict=True))
    var_a = sum((x - mean_a) ** 2 for x in a)
    var_b = sum((y - mean_b) ** 2 for y in b)
    return round(cov / (var_a * var_b) ** 0.5, 4) if var_a and var_b else 0.0


def pairwise_order(scores: list[float], labels: list[float], groups: list[str]) -> float:
    """Share of same-JD candidate pairs with different labels that the score orders the same
    way (a tie counts half): "would the ranking of applicants for this job be right?"."""
    agree, total = 0.0, 0
    for i, j in combinations(range(len(scores)), 2):
        if groups[i] != groups[j] or labels[i] == labels[j]:
            continue
        total += 1
        direction = (scores[i] - scores[j]) * (labels[i] - labels[j])
        agree += 1.0 if direction > 0 else 0.5 if scores[i] == scores[j] else 0.0
    return round(agree / total, 4) if total else 1.0


def fabrications(output: str, resume_text: str, jd: JobDescription,
                 traps: list[str]) -> list[str]:
    """Skills, numbers and trap phrases in `output` that the résumé does not contain.

    The JD's own title and company are removed first: a letter names the job it applies for.
    """
    for name in (jd.title, jd.company):
        output = output.replace(name, " ") if name else output
    source = f" {normalize_text(resume_text)} "
    found = [f"skill {s}" for s in skills_in(output) if s not in set(skills_in(resume_text))]
    found += [f"number {w}" for w in normalize_text(output).split()
              if any(c.isdigit() for c in w) and f" {w} " not in source]
    found += [f"trap {t}" for t in traps if f" {normalize_text(t)} " in
              f" {normalize_text(output)} " and f" {normalize_text(t)} " not in source]
    return list(dict.fromkeys(found))


__all__ = ["Counts", "fabrications", "pairwise_order", "spearman"]
