"""The skill vocabulary: canonical skills and their aliases, read from `synonyms.txt`.

A skill is found in a text when one of its aliases appears as a whole phrase of the
normalised text ("k8s" finds Kubernetes, "postgres" finds PostgreSQL). The file is plain
text so a user can add the tools of their field without touching code.

Behind the kit's list stands a maintained vocabulary (issue 24 item 3): a subset of O*NET's
Technology Skills (`onet_technology.txt`, CC BY 4.0, rebuilt by `tools/build_onet_subset.py`),
so a posting for a surveyor asking for "Trimble Business Center" or an accountant asking for
"Oracle Hyperion" names a skill even though the kit never listed it. The kit's entries win:
an O*NET name that is already a kit alias, or a generic posting word, is left out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from shared.errors import BadInput
from shared.evals.text import normalize_text

SYNONYM_FILE = Path(__file__).resolve().parent.parent / "data" / "synonyms.txt"
ONET_FILE = Path(__file__).resolve().parent.parent / "data" / "onet_technology.txt"
GENERIC_FILE = Path(__file__).resolve().parent.parent / "data" / "generic_words.txt"


@dataclass(frozen=True)
class Skill:
    """One canonical skill and the normalised phrases that mean it."""

    name: str
    aliases: tuple[str, ...]
    related: frozenset[str] = frozenset()

    def synonyms(self) -> tuple[str, ...]:
        """The aliases that mean the skill itself (not the related terms marked "~")."""
        return tuple(a for a in self.aliases if a not in self.related)


@functools.cache
def load_vocabulary(path: Path = SYNONYM_FILE, extra: Path | None = ONET_FILE
                    ) -> tuple[Skill, ...]:
    """The kit's skills, then the `extra` (O*NET) names they do not already cover."""
    own = _read_skills(path)
    return own + (_extra_skills(extra, own) if extra else ())


def _extra_skills(path: Path, own: tuple[Skill, ...]) -> tuple[Skill, ...]:
    """The maintained vocabulary's entries, minus aliases the kit already has (the kit's
    entry, with its related terms, is the better one) and single generic words."""
    taken = {alias for skill in own for alias in skill.aliases} | _generic_words()
    kept = []
    for skill in _read_skills(path):
        aliases = tuple(a for a in skill.aliases if a not in taken)
        if aliases and len(aliases) == len(skill.aliases):
            kept.append(Skill(skill.name, aliases))
            taken.update(aliases)
    return tuple(kept)


@functools.cache
def _generic_words() -> frozenset[str]:
    lines = GENERIC_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


def _read_skills(path: Path) -> tuple[Skill, ...]:
    """Parse a vocabulary file; a malformed line names itself rather than being skipped."""
    skills = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        name, colon, aliases = line.partition(":")
        if not colon or not name.strip():
            raise BadInput(f"{path}:{number} should read 'Skill: alias, alias'; got '{line}'.")
        parts = [a.strip() for a in aliases.split(",")]
        related = frozenset(normalize_text(a[1:]) for a in parts if a.startswith("~"))
        phrases = {normalize_text(name), *(normalize_text(a.lstrip("~")) for a in parts)}
        skills.append(Skill(name.strip(), tuple(sorted(p for p in phrases if p)),
                            related - {normalize_text(name)}))
    return tuple(skills)


def padded(text: str) -> str:
    """Normalised text with spaces at both ends, for whole-phrase `in` tests."""
    return f" {normalize_text(text)} "


def alias_in(skill: Skill, padded_text: str) -> str:
    """The first alias of `skill` found in the padded normalised text, or ''."""
    return next((alias for alias in skill.aliases if f" {alias} " in padded_text), "")


def original_wording(alias: str, text: str) -> str:
    """The alias as `text` writes it ("a b testing" -> "A/B testing"), or the alias itself."""
    pattern = r"[\W_]+".join(re.escape(word) for word in alias.split())
    match = re.search(rf"(?<!\w){pattern}(?!\w)", text, flags=re.IGNORECASE)
    return match.group(0) if match else alias


def skills_in(text: str) -> list[str]:
    """Canonical names of the vocabulary skills that `text` mentions, in vocabulary order.
    Only skills with an alias starting on a word of the text are tested: with the O*NET list
    the vocabulary holds ~1,500 entries, and testing each one made ranking 100 postings
    ~1.6x slower than one analysis."""
    haystack = padded(text)
    vocabulary, starts = _first_word_index()
    candidates = sorted({i for word in set(haystack.split()) for i in starts.get(word, ())})
    return [vocabulary[i].name for i in candidates if alias_in(vocabulary[i], haystack)]


@functools.cache
def _first_word_index() -> tuple[tuple[Skill, ...], dict[str, tuple[int, ...]]]:
    """The vocabulary and, for each first word of an alias, the positions of its skills."""
    vocabulary = load_vocabulary()
    starts: dict[str, set[int]] = {}
    for position, skill in enumerate(vocabulary):
        for alias in skill.aliases:
            starts.setdefault(alias.split(" ", 1)[0], set()).add(position)
    return vocabulary, {word: tuple(sorted(found)) for word, found in starts.items()}


def skill_named(name: str) -> Skill:
    """The vocabulary entry for a canonical name (KeyError if unknown: a programming error)."""
    return next(skill for skill in load_vocabulary() if skill.name == name)


__all__ = ["ONET_FILE", "SYNONYM_FILE", "Skill", "alias_in", "load_vocabulary",
           "original_wording", "padded", "skill_named", "skills_in"]
