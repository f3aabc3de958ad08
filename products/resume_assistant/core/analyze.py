"""Analyze: requirement checklist, keywords, an explained 0-100 score, bullet ranking.

The score is a weighted share of what the JD asks for (weights in `WEIGHTS`): must-haves
count most, nice-to-haves next, then the JD's skill keywords. A part the JD does not have
(no nice-to-haves) gives its weight to the others, so a short JD is not marked down.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from products.resume_assistant.core.matching import ResumeIndex, match_requirements
from products.resume_assistant.core.models import (
    Analysis,
    JobDescription,
    RankedBullet,
    RequirementResult,
)
from products.resume_assistant.core.scoring import (
    content_words,
    coverage,
    explanation,
    final_score,
    stem_bag,
    text_features,
)
from products.resume_assistant.core.skills import (
    alias_in,
    original_wording,
    padded,
    skill_named,
    skills_in,
)
from products.resume_assistant.core.untrusted import hidden_notice

WEIGHTS = {"must_have": 0.7, "nice_to_have": 0.15, "keywords": 0.15}
TOP_BULLETS = 12


def analyze(index: ResumeIndex, jd: JobDescription, threshold: float,
            engine: str, profile: TextProfile | None = None, *,
            bullets: bool = True) -> Analysis:
    """The whole analysis; deterministic for a given résumé, JD, embedder and threshold.
    `profile` is the résumé's whole-text vector and bag, computed once when ranking many;
    a ranking also skips the bullet ranking (`bullets=False`), which it does not show."""
    results = match_requirements(index, jd.requirements, threshold)
    have = set(skills_in(index.resume.text))
    matched = [k for k in jd.keywords if k in have]
    missing = [k for k in jd.keywords if k not in have]
    score, breakdown = scored(index, jd, results, (len(matched), len(jd.keywords)),
                              profile or TextProfile.of(index, index.resume.text))
    return Analysis(match_score=score, score_breakdown=breakdown, matched_keywords=matched,
                    missing_keywords=missing, requirements=results,
                    bullet_ranking=rank_bullets(index, jd) if bullets else [], engine=engine,
                    suggestions=suggestions(index, jd, results, matched))


@dataclass(frozen=True)
class TextProfile:
    """A text's whole-text vector (boilerplate removed) and stem bag, for the score."""

    vector: np.ndarray
    bag: Counter[str]

    @classmethod
    def of(cls, index: ResumeIndex, text: str) -> TextProfile:
        focus = " ".join(content_words(text)) or text
        return cls(np.array(index.embedder.embed_documents([focus])[0]), stem_bag(text))


def scored(index: ResumeIndex, jd: JobDescription, results: list[RequirementResult],
           keywords: tuple[int, int], profile: TextProfile) -> tuple[int, dict[str, object]]:
    """(score, breakdown): the learned combination of coverage and text similarity, with
    the requirement tallies and the one-line explanation."""
    posting = TextProfile.of(index, jd.text)
    features = {"coverage": coverage(results),
                **text_features(profile.vector, posting.vector, profile.bag, posting.bag)}
    _, breakdown = match_score(results, *keywords)
    breakdown.pop("formula")
    breakdown["features"] = {name: round(value, 4) for name, value in features.items()}
    breakdown["explanation"] = explanation(results)
    breakdown["notices"] = hidden_notice(jd.removed)
    breakdown["formula"] = ("100 × (½ coverage + ½ logistic(coverage, semantic, lexical "
                            "similarity) fitted on the tune split, data/score_model.json); "
                            "100 only when every requirement is met")
    return final_score(features, results), breakdown


def match_score(results: list[RequirementResult], matched: int,
                keywords: int) -> tuple[int, dict[str, object]]:
    """(coverage score, breakdown): each part's met/total, its weight, and the points it gave
    (the transparent part of the score; `scored` adds the similarity and the explanation)."""
    parts = {
        "must_have": _tally([r for r in results if r.kind == "must"]),
        "nice_to_have": _tally([r for r in results if r.kind == "nice"]),
        "keywords": (matched, keywords),
    }
    used = {name: WEIGHTS[name] for name, (_, total) in parts.items() if total}
    scale = sum(used.values()) or 1.0
    breakdown: dict[str, object] = {}
    score = 0.0
    for name, (met, total) in parts.items():
        weight = used.get(name, 0.0) / scale
        points = 100 * weight * met / total if total else 0.0
        score += points
        breakdown[name] = {"met": met, "total": total, "weight": round(weight, 3),
                           "points": round(points, 1)}
    breakdown["formula"] = ("100 × Σ weight × met/total over must-haves, nice-to-haves and "
                            "JD keywords; parts the JD lacks pass their weight on")
    return round(score), breakdown


def _tally(results: list[RequirementResult]) -> tuple[int, int]:
    return sum(r.met for r in results), len(results)


def rank_bullets(index: ResumeIndex, jd: JobDescription) -> list[RankedBullet]:
    """Bullets by relevance: closest requirement's similarity plus 0.1 per JD skill named."""
    bullets = [(b, f"{role.title}, {role.employer}".strip(", "))
               for role in index.resume.experience for b in role.bullets]
    if not bullets or not jd.requirements:
        return []
    sims = bullet_relevance(index, jd, [b for b, _ in bullets])
    ranked = [RankedBullet(bullet=b, role=role, relevance=round(float(s), 3))
              for (b, role), s in zip(bullets, sims, strict=True)]
    return sorted(ranked, key=lambda r: -r.relevance)[:TOP_BULLETS]


def bullet_relevance(index: ResumeIndex, jd: JobDescription, bullets: list[str]) -> list[float]:
    """Relevance of each bullet to the JD (used to rank and to reorder when tailoring)."""
    if not bullets or not jd.requirements:
        return [0.0] * len(bullets)
    vectors = index.embedder.embed_documents(bullets)
    reqs = index.embedder.embed_documents([r.text for r in jd.requirements])
    sims = (np.array(vectors) @ np.array(reqs).T).max(axis=1)
    wanted = set(jd.keywords)
    return [float(s) + 0.1 * len(wanted & set(skills_in(b))) for s, b in
            zip(sims, bullets, strict=True)]


def suggestions(index: ResumeIndex, jd: JobDescription, results: list[RequirementResult],
                matched: list[str]) -> list[str]:
    """Honest wording fixes first (the JD's word for a skill you have), then true gaps."""
    tips = []
    jd_text, resume_text = padded(jd.text), padded(index.resume.text)
    for name in matched:
        skill = skill_named(name)
        theirs, yours = alias_in(skill, jd_text), alias_in(skill, resume_text)
        if theirs and yours and f" {theirs} " not in resume_text:
            theirs = original_wording(theirs, jd.text)
            yours = original_wording(yours, index.resume.text)
            tips.append(f"The JD says '{theirs}'; your résumé says '{yours}'. Use the JD's "
                        "word where it describes the same work.")
    resume_skills = set(skills_in(index.resume.text))
    tips.extend(_gap_tip(result, resume_skills) for result in results
                if not result.met and result.kind == "must")
    return tips


def _gap_tip(result: RequirementResult, resume_skills: set[str]) -> str:
    """A gap; for a partly met one, the part missing, so the tip does not ask for what the
    résumé already shows ("SQL and Python": only Python)."""
    missing = [name for name in skills_in(result.text) if name not in resume_skills]
    gap = (f"Partly met: '{result.text.rstrip('.')}'; missing: {', '.join(missing)}"
           if result.evidence and missing else f"Gap: '{result.text.rstrip('.')}'")
    return (f"{gap}. Address it in the cover letter only if it is true; never add it to the "
            "résumé unproven.")


__all__ = ["WEIGHTS", "TextProfile", "analyze", "bullet_relevance", "match_score",
           "rank_bullets", "scored"]
