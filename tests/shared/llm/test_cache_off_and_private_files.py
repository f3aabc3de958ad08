"""What the kit keeps on disk: owner-only files, and a response cache that can be switched off.

Probes pinned here: the response cache (reply text, which can repeat a prompt's e-mail or
key) and the trace store were written with the umask's mode (0644: readable by every account
on the machine), and nothing switched the cache off.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from shared.config import load_settings
from shared.errors import BadInput
from shared.llm import get_llm
from shared.testing.fake_provider import FakeProvider
from tests.shared.llm.helpers import chat_requests, fake_settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_cache_and_trace_files_are_owner_only(fake_provider: FakeProvider,
                                             tmp_path: Path) -> None:
    settings = fake_settings(fake_provider, data_dir=tmp_path / "fresh-data")
    get_llm(settings, product="tests").complete("My email is jane@example.com", cache=True)
    assert mode(settings.data_dir) == 0o700
    for name in ("traces.sqlite", "cache/llm.sqlite"):
        assert mode(settings.data_dir / name) == 0o600, name
    for journal in settings.data_dir.rglob("*.sqlite-wal"):
        assert mode(journal) == 0o600, journal


def test_aipm_cache_off_neither_reads_nor_writes_the_cache(
    fake_provider: FakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIPM_CACHE", "off")
    settings = fake_settings(fake_provider)
    assert settings.cache == "off"
    llm = get_llm(settings, product="tests")
    first = llm.complete("Summarise the refund policy", cache=True)
    second = llm.complete("Summarise the refund policy", cache=True)
    assert len(chat_requests(fake_provider)) == 2 and not second.cached
    assert first.text == second.text
    assert not (settings.data_dir / "cache" / "llm.sqlite").exists()


def test_the_cache_still_works_when_on(fake_provider: FakeProvider) -> None:
    llm = get_llm(fake_settings(fake_provider), product="tests")
    llm.complete("Summarise the refund policy", cache=True)
    assert llm.complete("Summarise the refund policy", cache=True).cached
    assert len(chat_requests(fake_provider)) == 1


def test_an_unknown_cache_setting_is_a_clear_error() -> None:
    with pytest.raises(BadInput, match="cache"):
        load_settings(cache="sometimes")
