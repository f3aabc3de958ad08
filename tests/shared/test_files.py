"""Writing into the data dir: safe names, owner-only modes, whole files, one line when full."""

from __future__ import annotations

import errno
import stat
import threading
from pathlib import Path

import pytest

import shared.files as files
from shared.config import Settings
from shared.files import DataDirError, atomic_write, safe_basename, store_upload


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("sent", "kept"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\..\\evil.csv", "evil.csv"),
    ("..", "upload"),
    ("", "upload"),
    (".hidden.csv", "hidden.csv"),
    ("a..b....csv", "a.b.csv"),
    ("rep\x00ort\n.pdf", "report.pdf"),
    ("na;me|$(rm -rf).docx", "na_me__(rm -rf).docx"),
    ("résumé.pdf", "résumé.pdf"),
])
def test_upload_names_become_safe_basenames(sent: str, kept: str) -> None:
    assert safe_basename(sent) == kept


def test_long_names_are_capped_and_keep_their_extension() -> None:
    name = safe_basename("x" * 5000 + ".xlsx")
    assert len(name) == files.MAX_NAME_CHARS and name.endswith(".xlsx")
    assert len(safe_basename("é" * 400).encode()) <= 255


def test_store_upload_is_0600_in_0700_folders_when_the_data_dir_existed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)  # made by the user, not the kit: its mode is theirs
    path = store_upload(data_dir, data_dir / "a" / "b", "../x.csv", b"id,text\n")
    assert path == data_dir / "a" / "b" / "x.csv" and path.read_bytes() == b"id,text\n"
    assert mode(path) == 0o600
    assert mode(data_dir / "a") == 0o700 and mode(data_dir / "a" / "b") == 0o700


def test_settings_data_path_makes_every_new_folder_0700(tmp_path: Path) -> None:
    settings = Settings(AIPM_DATA_DIR=str(tmp_path))
    path = settings.data_path("one", "two", "f.json")
    assert mode(tmp_path / "one") == 0o700 and mode(path.parent) == 0o700


def test_a_full_disk_is_one_line_and_leaves_no_file(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "keep.csv"
    target.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(DataDirError) as caught:
        atomic_write(target, b"new and longer", tmp_path)
    message = caught.value.message
    assert message.startswith(f"data dir {tmp_path} is full") and "AIPM_DATA_DIR" in message
    assert "\n" not in message and caught.value.http_status == 507
    assert target.read_bytes() == b"old" and sorted(tmp_path.iterdir()) == [target]


def test_a_read_only_data_dir_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def read_only(*args: object, **kwargs: object) -> int:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(files.os, "open", read_only)
    with pytest.raises(DataDirError, match=r"is not writable .*set AIPM_DATA_DIR"):
        store_upload(tmp_path, tmp_path / "up", "f.csv", b"x")


def test_a_data_dir_that_cannot_be_created_is_one_line(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*args: object, **kwargs: object) -> None:  # what a user account meets (root
        raise PermissionError(errno.EACCES, "Permission denied")  # ignores folder modes)

    monkeypatch.setattr(Path, "mkdir", denied)
    with pytest.raises(DataDirError, match=r"^data dir .* is not writable .*AIPM_DATA_DIR"):
        Settings(AIPM_DATA_DIR=str(tmp_path / "data")).data_path("x.json")


def test_concurrent_writes_of_one_name_leave_one_whole_file(tmp_path: Path) -> None:
    bodies = [bytes([65 + i]) * 200_000 for i in range(8)]
    errors: list[BaseException] = []

    def upload(body: bytes) -> None:
        try:
            store_upload(tmp_path, tmp_path / "up", "same.pdf", body)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=upload, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (tmp_path / "up" / "same.pdf").read_bytes() in bodies
    assert [p.name for p in (tmp_path / "up").iterdir()] == ["same.pdf"]
