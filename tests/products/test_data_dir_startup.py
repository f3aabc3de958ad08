"""Every front door checks the data dir when it starts: a read-only or full one is one line
("data dir X is not writable / is full: free space or set AIPM_DATA_DIR"), no traceback, and
nothing starts. Tests may run as root, where chmod does not stop a write, so read-only and
full are injected (EROFS on opening a file in the data dir, ENOSPC on fsync), as in
test_disk_errors.py."""

from __future__ import annotations

import errno
import os
from collections import namedtuple
from pathlib import Path

import pytest
import uvicorn
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

import frontdoors.cli as cli
import shared.files as files
from frontdoors.cli import build_app
from products import available_products
from shared.config import load_settings
from shared.files import DataDirError, check_data_dir
from tests.products.test_hub import HUB

REAL_OPEN = os.open


def read_only_under(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    def open_(path: object, *args: object, **kwargs: object) -> int:
        if data_dir in Path(str(path)).parents:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return REAL_OPEN(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(files.os, "open", open_)


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", fsync)


def aipm(*argv: str):
    return CliRunner().invoke(build_app(available_products()), list(argv))


def test_a_writable_data_dir_passes_and_keeps_no_probe(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert check_data_dir(data_dir) == data_dir
    assert list(data_dir.iterdir()) == [] and data_dir.stat().st_mode & 0o777 == 0o700


def test_a_read_only_data_dir_is_the_one_line(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    read_only_under(monkeypatch, tmp_path)
    with pytest.raises(DataDirError) as caught:
        check_data_dir(tmp_path)
    assert caught.value.message == (f"data dir {tmp_path} is not writable (Read-only file "
                                    "system): free space or set AIPM_DATA_DIR to a folder you "
                                    "can write to.")


def test_a_full_data_dir_is_the_one_line_and_leaves_no_probe(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full_disk(monkeypatch)
    with pytest.raises(DataDirError, match=r"^data dir .* is full \(No space left on device\)"):
        check_data_dir(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_nearly_full_disk_is_full_at_start(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(files.shutil, "disk_usage", lambda path: usage(10**9, 10**9, 10**6))
    with pytest.raises(DataDirError, match=r"is full \(only 1.0 MB free\): free space"):
        check_data_dir(tmp_path)


def test_cli_commands_that_write_stop_at_start_with_the_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = load_settings().data_dir
    (tmp_path / "a.md").write_text("# Refunds\n\nRefunds take five business days.\n")
    read_only_under(monkeypatch, data_dir)
    # Were the check gone, the server and the hub would start: record them instead of
    # running them, so the test fails at once rather than hanging.
    started: list[str] = []
    monkeypatch.setattr(cli, "run_child", lambda command: started.append("hub") or 0)
    monkeypatch.setattr(cli, "require_free_port", lambda host, port: None)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.append("serve"))
    for argv in (["rag", "ingest", str(tmp_path)], ["serve", "--port", "8999"], ["hub"]):
        result = aipm(*argv)
        assert result.exit_code == 1, (argv, result.output)
        assert result.stderr.strip() == (f"Error: data dir {data_dir} is not writable "
                                         "(Read-only file system): free space or set "
                                         "AIPM_DATA_DIR to a folder you can write to.")
        assert "Traceback" not in result.output
    assert started == []


def test_cli_commands_that_need_no_data_dir_still_run(monkeypatch: pytest.MonkeyPatch) -> None:
    read_only_under(monkeypatch, load_settings().data_dir)
    assert aipm("version").exit_code == 0
    assert aipm("rag", "--help").exit_code == 0


def test_uvicorn_on_a_full_data_dir_prints_one_line_and_exits_1(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from frontdoors.server import startup_settings

    full_disk(monkeypatch)
    with pytest.raises(SystemExit) as caught:
        startup_settings()
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: data dir ") and "is full" in err and err.count("\n") == 1


def test_the_hub_shows_one_error_line_instead_of_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("a file where the data dir should be")
    monkeypatch.setenv("AIPM_DATA_DIR", str(not_a_folder))
    app = AppTest.from_file(HUB, default_timeout=30).run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        f"data dir {not_a_folder} cannot be used (Not a directory): set AIPM_DATA_DIR to a "
        "folder you can write to."]
