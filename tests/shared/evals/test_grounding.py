"""The unsupported-claim check: phrase match, word overlap, numbers, and its stated limits."""

from __future__ import annotations

import pytest

from shared.evals.grounding import check_claim, check_claims, unsupported_claims

RESUME = (
    "Senior product manager at Acme (2019–2023). Led a team of 12 engineers and shipped "
    "the self-serve billing portal, cutting support tickets by 35%. Skills: SQL, Python, "
    "A/B testing."
)


def test_exact_phrase_is_supported() -> None:
    check = check_claim("led a team of 12 engineers", RESUME)
    assert check.supported
    assert check.token_overlap == 1.0
    assert check.missing_words == []


def test_word_overlap_above_threshold_is_supported() -> None:
    # content words: shipped, billing, portal, python, sql -> all 5 present in some order
    check = check_claim("Shipped billing portal; Python and SQL", RESUME)
    assert check.supported
    assert check.token_overlap == 1.0


def test_invented_number_is_flagged_even_with_high_overlap() -> None:
    # content words: led, team, 15, engineers -> 3 of 4 = 0.75 present; "15" missing
    check = check_claim("Led a team of 15 engineers", RESUME, min_overlap=0.7)
    assert not check.supported
    assert check.token_overlap == 0.75
    assert check.missing_numbers == ["15"]


def test_low_overlap_is_flagged_with_missing_words() -> None:
    # content words: kubernetes, terraform, expert -> 0 of 3
    check = check_claim("Kubernetes and Terraform expert", RESUME)
    assert not check.supported
    assert check.token_overlap == 0.0
    assert check.missing_words == ["kubernetes", "terraform", "expert"]


def test_threshold_decides_partial_overlap() -> None:
    # content words: shipped, billing, portal, mobile -> 3 of 4 = 0.75
    claim = "Shipped the mobile billing portal"
    assert check_claim(claim, RESUME, min_overlap=0.75).supported
    assert not check_claim(claim, RESUME, min_overlap=0.8).supported


def test_unsupported_claims_returns_claims_as_written() -> None:
    claims = ["Cutting support tickets by 35%", "Cutting support tickets by 50%",
              "PhD in physics"]
    assert unsupported_claims(claims, RESUME) == ["Cutting support tickets by 50%",
                                                  "PhD in physics"]
    assert [c.supported for c in check_claims(claims, RESUME)] == [True, False, False]


def test_claim_without_content_words_has_nothing_to_check() -> None:
    check = check_claim("It was the", RESUME)
    assert check.supported
    assert check.token_overlap == 1.0


def test_no_stemming_limit_is_real() -> None:
    # documented limit: "cut" is not "cutting" -> cut, support, tickets, 35: 3 of 4 = 0.75
    check = check_claim("Cut support tickets by 35%", RESUME)
    assert (check.supported, check.token_overlap, check.missing_words) == (False, 0.75, ["cut"])


def test_bag_of_words_limit_is_real() -> None:
    # documented limit: word order is invisible, so a swapped claim passes
    assert check_claim("engineers led 12 team", RESUME).supported


def test_min_overlap_must_be_a_fraction() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        check_claim("anything", RESUME, min_overlap=80)
