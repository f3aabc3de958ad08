"""`core/bm25_reader.py` reads bm25s' saved index files itself: only on tested versions."""

from tests.pins import assert_tested_version


def test_bm25s_is_a_version_the_reader_was_tested_on() -> None:
    assert_tested_version("bm25s", "0.3.14", "0.4")
