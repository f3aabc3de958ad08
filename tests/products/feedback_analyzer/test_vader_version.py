"""`core/fast_vader.py` re-runs VADER's scorer on its own tables: only on tested versions."""

from tests.pins import assert_tested_version


def test_vader_is_a_version_the_fast_scorer_was_tested_on() -> None:
    assert_tested_version("vaderSentiment", "3.3", "3.4")
