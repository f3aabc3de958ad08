"""A full or read-only data dir: one line from the CLI and the API, no traceback, no half-written
file, and the vector store works again once space returns (ENOSPC injected; a real 3 MB tmpfs
probe is recorded in docs/decisions.md)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import shared.files as files
from frontdoors.cli import build_app
from products import available_products
from shared.config import load_settings
from tests.products.feedback_analyzer.test_api import client as feedback_client

GOOD = "id,text\n1,The app is great and fast.\n2,Sync is slow and it crashed twice.\n"


def full(*args: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def full_outside_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """fsync fails with ENOSPC for every file but the data dir's: the output's disk is full,
    while the CLI's start-up probe of the data dir (issue 20) still passes."""
    data_dir, real_fsync = load_settings().data_dir.resolve(), os.fsync

    def fsync(descriptor: int) -> None:
        target = Path(os.readlink(f"/proc/self/fd/{descriptor}"))
        if data_dir in target.parents:
            return real_fsync(descriptor)
        return full()

    monkeypatch.setattr(files.os, "fsync", fsync)


def aipm(*argv: str):
    return CliRunner().invoke(build_app(available_products()), list(argv))


def test_cli_output_on_a_full_disk_is_one_line_and_no_half_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out" / "o.csv"
    source.write_text(GOOD)
    full_outside_the_data_dir(monkeypatch)
    result = aipm("feedback", "analyze", str(source), "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: folder {out.parent} is full (No space left on "
                                     "device): free space or write the file somewhere else.")
    assert "Traceback" not in result.output
    assert list(out.parent.iterdir()) == []  # neither o.csv nor its temp file


def test_cli_ingest_into_a_full_data_dir_is_the_data_dir_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = load_settings().data_dir
    (tmp_path / "a.md").write_text("# Refunds\n\nRefunds take five business days.\n")
    real_write_text = Path.write_text

    def full_in_data_dir(self: Path, *args: object, **kwargs: object) -> int:
        if data_dir in self.parents:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full_in_data_dir)
    result = aipm("rag", "ingest", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == (f"Error: data dir {data_dir} is full (No space left on "
                                     "device): free space or set AIPM_DATA_DIR to a folder you "
                                     "can write to.")


def test_an_earlier_output_survives_a_failed_rewrite(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(GOOD)
    assert aipm("feedback", "analyze", str(source), "--out", str(out)).exit_code == 0
    before = out.read_bytes()
    full_outside_the_data_dir(monkeypatch)
    result = aipm("feedback", "analyze", str(source), "--out", str(out))
    assert result.exit_code == 1 and f"folder {tmp_path} is full" in result.stderr
    assert out.read_bytes() == before


def test_api_upload_into_a_read_only_data_dir_is_a_507_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def read_only(path: object, flags: int, *args: object) -> int:
        if flags & os.O_CREAT and "feedback_jobs" in str(path):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(files.os, "open", read_only)
    response = feedback_client().post("/v1/feedback/jobs", files={"file": ("f.csv", GOOD)})
    assert response.status_code == 507, response.text
    message = response.json()["error"]["message"]
    assert message.startswith("data dir ") and "is not writable" in message
    assert "AIPM_DATA_DIR" in message


def test_api_turns_a_raw_enospc_anywhere_into_a_507_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import products.feedback_analyzer.core.jobs as jobs

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(jobs, "store_upload", no_space)
    response = feedback_client().post("/v1/feedback/jobs", files={"file": ("f.csv", GOOD)})
    assert response.status_code == 507
    assert "is full (No space left on device)" in response.json()["error"]["message"]


def test_vector_store_full_disk_is_one_line_and_works_once_space_returns(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil
    from collections import namedtuple

    from chromadb.api.models.Collection import Collection
    from chromadb.errors import InternalError

    from shared.errors import AIPMError
    from shared.vectorstore import Chunk, open_vector_store

    settings = load_settings(embedder="hashing")
    store = open_vector_store(settings)
    collection = store.collection("disk-kb")
    collection.add([Chunk(text="Refunds take five days.", metadata={"source": "a.md"})])
    real_add, usage = Collection.add, namedtuple("usage", "total used free")

    def failing_add(self: Collection, *args: object, **kwargs: object) -> None:
        raise InternalError("Error in compaction: Failed to apply logs to the metadata segment")

    monkeypatch.setattr(Collection, "add", failing_add)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 4096, 4096))
    with pytest.raises(AIPMError) as caught:
        collection.add([Chunk(text="Exports run nightly.", metadata={"source": "b.md"})])
    assert caught.value.message.startswith(f"data dir {settings.data_dir} is full")
    monkeypatch.setattr(Collection, "add", real_add)  # space returns
    monkeypatch.undo()
    collection.add([Chunk(text="Exports run nightly.", metadata={"source": "b.md"})])
    assert collection.count() == 2
