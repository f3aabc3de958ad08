"""The baseline's faster regexes match exactly what the plain ones matched.

The oracles below are the patterns as first written (re.IGNORECASE, no lookahead). The fast
ones spell the case of "but/however/although/though" out, or put a first-letter lookahead in
front; both are only the same if no other character of Unicode matches those letters under
IGNORECASE (unlike "i", "s" and "k", which match "İ", "ı", "ſ" and the Kelvin sign).
"""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from products.feedback_analyzer.core.sentiment import CLAUSE_SPLIT, CONTRAST, NEGATED_PROBLEM

_PROBLEM = (r"(?:problems?|issues?|complaints?|bugs?|crash(?:es)?|hiccups?|glitch(?:es)?|"
            r"errors?|trouble|hassle|regrets?|complain)")
PLAIN_NEGATED_PROBLEM = re.compile(
    rf"\b(?:no|never\s+(?:had|have|got|seen)(?:\s+(?:a|an|any|one))?|not\s+(?:a|one|any)"
    rf"(?:\s+single)?|without\s+(?:any|a|an)?|zero|can'?t|cannot|couldn'?t)\s+(?:\w+\s+)?"
    rf"{_PROBLEM}\b", re.IGNORECASE)
PLAIN_CONTRAST = re.compile(r"\b(?:but|however|although|though|except|yet|otherwise|whereas)\b",
                            re.IGNORECASE)
PLAIN_CLAUSE_SPLIT = re.compile(r"[.!?;:\n]+|,\s+|\s+-\s+|\b(?:but|however|although|though)\b",
                                re.IGNORECASE)


def test_no_character_outside_ascii_matches_the_spelled_out_letters_ignoring_case() -> None:
    every_character = "".join(map(chr, range(sys.maxunicode + 1)))
    for letters in ("buthowevralg", "nwzc", "bhateyow"):
        found = set(re.findall(f"[{letters}]", every_character, re.IGNORECASE))
        assert found == set(letters + letters.upper()), letters
    assert "ſ" in re.findall("[s]", every_character, re.IGNORECASE)  # the check can fail


PIECES = ["but", "BUT", "But", "bUt", "however", "HoWeVeR", "although", "though", "yet",
          "except", "otherwise", "whereas", "no", "No", "never had any", "not a single",
          "without", "zero", "can't", "cant", "cannot", "couldn't", "problems", "issue",
          "ISSUES", "crashes", "glitch", "complain", "regrets", "trouble", "butter", "nothing",
          "İ", "ı", "ſ", "K", "é", "'", "'but", "but'", ",", ", ", ".", "!!", "?", ";", ":",
          " - ", "-", "\n", "  ", "\t", "good", "bad", "app", "42", "😍"]
feedback = st.lists(st.sampled_from(PIECES), max_size=30).map(" ".join) | st.lists(
    st.sampled_from(PIECES), max_size=30).map("".join)


@given(feedback)
@settings(max_examples=600, deadline=None)
def test_the_fast_patterns_split_substitute_and_search_as_the_plain_ones(text: str) -> None:
    assert CLAUSE_SPLIT.split(text) == PLAIN_CLAUSE_SPLIT.split(text)
    assert NEGATED_PROBLEM.sub("good", text) == PLAIN_NEGATED_PROBLEM.sub("good", text)
    assert (CONTRAST.search(text) is None) == (PLAIN_CONTRAST.search(text) is None)


def test_the_patterns_still_do_their_job() -> None:
    assert CLAUSE_SPLIT.split("Fast BUT loud, sadly") == ["Fast ", " loud", "sadly"]
    assert NEGATED_PROBLEM.sub("good", "Never had ANY issues.") == "good."
    assert CONTRAST.search("cheap; HOWEVER it broke") is not None
