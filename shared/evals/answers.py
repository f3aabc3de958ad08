"""Answer-level metrics for RAG: key-fact coverage, citation validity, abstention.

Key facts are short strings a good answer must contain ("30 days", "Settings > Billing");
they are matched after `normalize_text`, so case, punctuation, curly quotes, dashes and
"1,000" vs "1000" do not count as misses. Matching is literal otherwise (see
`shared.evals.text` for what it cannot see).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from pydantic import BaseModel

from shared.evals._common import (
    f1_score,
    require_same_length,
    safe_ratio,
    unique_in_order,
)
from shared.evals.text import contains_phrase, normalize_text


def _distinct_facts(key_facts: Sequence[str]) -> list[str]:
    """One spelling per normalised fact: "30 days" and "30 Days" are one fact."""
    distinct: dict[str, str] = {}
    for fact in key_facts:
        distinct.setdefault(normalize_text(fact), fact)
    return list(distinct.values())


def missing_key_facts(answer: str, key_facts: Sequence[str]) -> list[str]:
    """The distinct key facts (as first written) that the answer does not contain."""
    return [fact for fact in _distinct_facts(key_facts) if not contains_phrase(answer, fact)]


def key_fact_coverage(answer: str, key_facts: Sequence[str]) -> float:
    """|key facts found in the answer| / |key facts| (distinct facts); 0.0 when there are none.

    A case with no key facts (e.g. an unanswerable question) has nothing to cover; leave
    it out of the average rather than scoring it.
    """
    facts = _distinct_facts(key_facts)
    return safe_ratio(len(facts) - len(missing_key_facts(answer, facts)), len(facts))


def citation_validity(cited_ids: Sequence[str], allowed_ids: Collection[str]) -> float:
    """|distinct cited ids that are in `allowed_ids`| / |distinct cited ids|.

    Pass the retrieved ids to ask "did it cite only what it was shown?", or the expected
    source ids to ask "did it cite the right sources?". 0.0 when nothing was cited: an
    uncited answer earns no citation credit.
    """
    cited = unique_in_order(cited_ids)
    return safe_ratio(sum(1 for cid in cited if cid in allowed_ids), len(cited))


class AbstentionScores(BaseModel):
    """How well "I don't know" lines up with the questions that have no answer.

    precision = abstained on unanswerable / abstained; recall = abstained on unanswerable /
    unanswerable; accuracy = cases where abstaining matched answerability / cases.
    """

    precision: float
    recall: float
    f1: float
    accuracy: float
    abstained: int
    unanswerable: int
    cases: int


def score_abstention(abstained: Sequence[bool], unanswerable: Sequence[bool]) -> AbstentionScores:
    """Score abstention decisions against which questions are truly unanswerable."""
    require_same_length("abstained", abstained, "unanswerable", unanswerable)
    pairs = list(zip(abstained, unanswerable, strict=True))
    hits = sum(1 for did, should in pairs if did and should)
    precision = safe_ratio(hits, sum(abstained))
    recall = safe_ratio(hits, sum(unanswerable))
    return AbstentionScores(
        precision=precision,
        recall=recall,
        f1=f1_score(precision, recall),
        accuracy=safe_ratio(sum(1 for did, should in pairs if did == should), len(pairs)),
        abstained=sum(abstained),
        unanswerable=sum(unanswerable),
        cases=len(pairs),
    )
