"""The platform's reaches into other packages' private code run on tested versions only
(tests/pins.py): WordLlama's files and inference steps (`shared/_wordllama.py`), python-docx's
XML (`shared/_loaders/_docx_xml.py`), chromadb's HTTP session (`shared/_chroma.py`)."""

from __future__ import annotations

import pytest

from tests.pins import assert_tested_version, in_range

REACHES = [("wordllama", "0.4", "0.5"), ("python-docx", "1.1", "1.3"),
           ("chromadb", "1.0.13", "1.6")]


@pytest.mark.parametrize(("dist", "low", "high"), REACHES, ids=[r[0] for r in REACHES])
def test_the_installed_version_is_one_the_reach_was_tested_on(dist: str, low: str,
                                                              high: str) -> None:
    assert_tested_version(dist, low, high)


def test_the_range_check_refuses_an_untested_version() -> None:
    assert in_range("0.4.0.post1", "0.4", "0.5") and in_range("1.5.9", "1.0", "1.6")
    assert not in_range("0.5.0", "0.4", "0.5") and not in_range("0.3.9", "0.4", "0.5")
    assert not in_range("1.6.0", "1.0", "1.6")
