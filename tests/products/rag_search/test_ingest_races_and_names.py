"""Ingest under contention and odd names: a per-collection lock, collection-name limits, bombs
skipped by name, and a hub ingest that fails in one line instead of a traceback."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from products.rag_search.core import ingest_lock
from products.rag_search.core.ingest_lock import IngestBusy, collection_lock
from products.rag_search.core.service import run_ingest
from shared.config import Settings, load_settings
from tests.products.rag_search.test_api import assert_error, client_for, upload
from tests.products.rag_search.test_ui import PAGE, wait_for_ingest
from tests.shared.loaders.bombs import empty_paragraph_docx, many_page_pdf

GOOD = "# Refunds\n\nRefunds reach the original card within five business days.\n"


def test_a_second_ingest_waits_then_says_another_is_running(tmp_path: Path) -> None:
    settings = load_settings()
    (tmp_path / "a.md").write_text(GOOD)
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with collection_lock(settings, "busy_kb"):
            entered.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert entered.wait(10)
        assert _try_lock(settings, "busy_kb") == "busy"
        with pytest.raises(IngestBusy) as caught:
            _take(settings, "busy_kb")
        assert caught.value.message.startswith("another ingest is running on busy_kb")
        assert caught.value.http_status == 409
    finally:
        release.set()
        holder.join()
    assert run_ingest(settings, [tmp_path], collection="busy_kb").files_indexed == 1


def test_concurrent_ingests_into_one_collection_both_finish(tmp_path: Path) -> None:
    settings = load_settings()
    for i in range(4):
        (tmp_path / f"doc{i}.md").write_text(GOOD.replace("five", f"{i + 2}"))
    reports, errors = [], []

    def ingest() -> None:
        try:
            reports.append(run_ingest(settings, [tmp_path], collection="race_kb"))
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=ingest) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.files_indexed for r in reports) == [0, 0, 4]  # serialised: one did the work


def _take(settings: Settings, collection: str) -> str:
    """Take and release the lock once, as a second ingest would."""
    with collection_lock(settings, collection, wait_s=0.2):
        return "taken"


def _try_lock(settings: Settings, collection: str) -> str:
    """From another thread (the lock is re-entrant only within one): "taken" or "busy"."""
    outcome: list[str] = []

    def attempt() -> None:
        try:
            outcome.append(_take(settings, collection))
        except IngestBusy:
            outcome.append("busy")

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join()
    return outcome[0]


def test_the_lock_is_reentrant_within_a_thread_and_held_until_the_outer_block_ends() -> None:
    settings = load_settings()
    with collection_lock(settings, "kb_one"):
        assert _take(settings, "kb_one") == "taken"  # the same thread enters again at once
        assert _try_lock(settings, "kb_one") == "busy"  # the inner exit did not release it
    assert _try_lock(settings, "kb_one") == "taken"
    assert ingest_lock.WAIT_S > 0


@pytest.mark.parametrize("length", [129, 256, 512, 600])
def test_long_collection_names_are_a_400_that_names_the_limit(length: int) -> None:
    client = client_for(load_settings())
    message = assert_error(upload(client, [("a.md", GOOD)], collection="k" * length), 400,
                           "bad_input")
    assert "3-128 letters" in message and f"({length} characters)" in message


def test_a_128_character_collection_name_works() -> None:
    response = upload(client_for(load_settings()), [("a.md", GOOD)], collection="k" * 128)
    assert response.status_code == 200, response.text


def test_api_bombs_are_skipped_by_name_and_the_good_file_is_indexed() -> None:
    response = upload(client_for(load_settings()), [
        ("empty.docx", empty_paragraph_docx()), ("pages.pdf", many_page_pdf(5_000)),
        ("good.md", GOOD)], collection="bombs_kb")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["files_indexed"] == 1
    reasons = {s["path"]: s["error"] for s in report["files_skipped"]}
    assert "AIPM_LOAD_MAX_PARAGRAPHS" in reasons["empty.docx"]
    assert "AIPM_LOAD_MAX_PAGES" in reasons["pages.pdf"]


def test_an_unexpected_error_in_a_hub_ingest_is_one_line_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import products.rag_search.core as core

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("chroma segment vanished\nsecond line")

    monkeypatch.setattr(core, "run_ingest", broken)
    (tmp_path / "a.md").write_text(GOOD)
    app = AppTest.from_file(PAGE, default_timeout=30).run()
    app.text_input(key="rag_folder").set_value(str(tmp_path))
    app.button(key="rag_index_folder").click().run()
    wait_for_ingest(app)  # the ingest runs in a thread: its error shows on the next run
    [error] = [e.value for e in app.error]
    assert error.startswith("Ingest failed: unexpected RuntimeError: chroma segment vanished")
    assert "\n" not in error


def test_parallel_uploads_of_one_file_into_one_collection_never_500() -> None:
    from concurrent.futures import ThreadPoolExecutor

    client = client_for(load_settings())
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(
            lambda i: upload(client, [("same.md", GOOD)], collection="parallel_kb").status_code,
            range(6)))
    assert codes == [200] * 6
    folder = load_settings().data_dir / "rag_search" / "uploads" / "parallel_kb"
    assert [p.name for p in folder.iterdir()] == ["same.md"]  # no temp file left behind
