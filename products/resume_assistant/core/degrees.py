"""Degree requirements: "Bachelor's degree in nursing" is met by "BSc (Hons) Adult Nursing".

Embeddings see "BSc" and "Bachelor's" as different words, so degrees are matched by level:
an education line of the asked level or higher, whose field words (if the JD names a field)
appear in it. The same word lists tell the guard which words claim a degree.
"""

from __future__ import annotations

from shared.evals.text import content_tokens, normalize_text

LEVELS: dict[str, tuple[int, tuple[str, ...]]] = {
    "bachelor": (1, ("bachelor", "bachelors", "bsc", "b sc", "ba", "b a", "bs", "b s", "bsn",
                     "beng", "bba", "undergraduate degree", "b e", "btech", "b tech", "bcom",
                     "b com", "bca", "llb", "b pharm", "bachelor of engineering")),
    "postgraduate": (2, ("postgraduate", "pgcert", "pgdip", "graduate certificate")),
    "master": (3, ("master", "masters", "msc", "m sc", "ma", "m a", "ms", "m s", "mba", "mph",
                   "meng", "msn", "mtech", "m tech", "mca", "llm", "m com", "mcom")),
    "doctorate": (4, ("phd", "ph d", "doctorate", "dphil", "doctoral")),
}
FIELD_STOPWORDS = frozenset({"degree", "in", "of", "or", "and", "equivalent", "related",
                             "field", "a", "an", "the", "qualification", "similar"})


def degree_level(text: str) -> int:
    """The highest degree level a text names (0 for none)."""
    padded = f" {normalize_text(text)} "
    return max((level for level, words in LEVELS.values()
                if any(f" {word} " in padded for word in words)), default=0)


def degree_words() -> tuple[str, ...]:
    """Every normalised word or phrase that claims a degree."""
    return tuple(word for _, words in LEVELS.values() for word in words)


def match_degree(requirement: str, education_lines: list[str]) -> tuple[str, str] | None:
    """(evidence, how) when the requirement asks for a degree; None when it does not."""
    wanted = degree_level(requirement)
    if not wanted:
        return None
    all_words = {w for _, words in LEVELS.values() for p in words for w in p.split()}
    field = [w for w in content_tokens(requirement)
             if w not in FIELD_STOPWORDS and w not in all_words]
    for line in education_lines:
        line_words = set(content_tokens(line))
        if degree_level(line) >= wanted and (not field or any(w in line_words for w in field)):
            return line, "degree of the asked level or higher"
    return "", "no education line of the asked level in that field"


__all__ = ["degree_level", "degree_words", "match_degree"]
