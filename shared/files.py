"""Writing into the data dir safely: owner-only, never half-written, and one clear line when
the disk is full or read-only.

Every upload the kit keeps goes through `store_upload`: the name the client sent is reduced to
a plain, length-capped basename (`safe_basename`), the bytes go to a temp file beside the
target that is fsynced and renamed over it (`atomic_write`), so a crash, a full disk or two
uploads of the same file at once leave either the old file or the new one, never a mix or a
stub. Folders are created 0700 and files 0600 whether or not the data dir existed before.

An `OSError` that means "the disk is full" or "you may not write here" becomes `DataDirError`,
whose message names the folder and says what to do (`data_dir_error`).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TextIO

from shared._private import PRIVATE_DIR, PRIVATE_FILE
from shared.errors import AIPMError, BadInput

MAX_NAME_CHARS = 120  # well under the 255 bytes file systems allow, even in UTF-8
MIN_FREE_BYTES = 16 * 1024 * 1024  # below this an ingest or a job fails part-way: say so at start
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
DENIED_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
_UNSAFE = re.compile(r"[^\w.\- ()+,@]")  # keep letters (any script), digits and plain marks


class DataDirError(AIPMError):
    """The data dir cannot be written: the disk is full, or the folder is read-only."""

    code = "data_dir_unwritable"
    http_status = 507  # Insufficient Storage: the server, not the request, is at fault


def is_data_dir_problem(err: OSError) -> bool:
    """True for the errors a person fixes by freeing space or pointing AIPM_DATA_DIR elsewhere."""
    return err.errno in FULL_ERRNOS or err.errno in DENIED_ERRNOS


def data_dir_error(data_dir: Path, err: OSError) -> DataDirError:
    """The one line for a full or read-only data dir."""
    what = "is full" if err.errno in FULL_ERRNOS else "is not writable"
    return DataDirError(f"data dir {data_dir} {what} ({err.strerror or err}): free space or set "
                        "AIPM_DATA_DIR to a folder you can write to.")


def write_error(err: OSError, data_dir: Path | None, path: Path | None = None) -> DataDirError:
    """The one line for a full or read-only disk, naming the data dir when the failed path is
    in it, else the folder that failed (a CLI `--out` elsewhere)."""
    target = Path(err.filename) if isinstance(err.filename, str) else path
    inside = data_dir is not None and (target is None or target == data_dir
                                       or data_dir in target.parents)
    if inside or target is None:
        return data_dir_error(data_dir or Path("."), err)
    what = "is full" if err.errno in FULL_ERRNOS else "is not writable"
    return DataDirError(f"folder {target.parent} {what} ({err.strerror or err}): free space or "
                        "write the file somewhere else.")


@contextmanager
def atomic_text_writer(path: Path, encoding: str = "utf-8",
                       data_dir: Path | None = None) -> Iterator[TextIO]:
    """A text handle whose file appears at `path` only when the block ends without an error
    (temp file, fsync, rename); on any error the temp file is removed and `path` is untouched."""
    temp = path.with_name(f".{path.name[:60]}.{uuid.uuid4().hex[:12]}.part")
    try:
        handle = temp.open("w", encoding=encoding, newline="")
        try:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            handle.close()
        os.replace(temp, path)
    except OSError as err:
        if is_data_dir_problem(err):
            raise write_error(err, data_dir, path) from err
        raise
    finally:
        temp.unlink(missing_ok=True)


def check_data_dir(data_dir: Path) -> Path:
    """Refuse to start on a data dir that cannot take a write, with the same one line a write
    would give later: creates the folder (0700), writes, fsyncs and removes a tiny probe file,
    and calls a disk with under `MIN_FREE_BYTES` left full.

    A probe write, not `os.access`: as root `access` says yes to a read-only folder, and only
    a write sees a read-only mount or a full disk.
    """
    from shared._private import private_dir

    probe = data_dir / f".write-check-{uuid.uuid4().hex[:12]}"
    try:
        private_dir(data_dir)
        descriptor = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
        try:
            os.write(descriptor, b"ok")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
            probe.unlink()
        free = shutil.disk_usage(data_dir).free
    except OSError as err:
        if is_data_dir_problem(err):
            raise data_dir_error(data_dir, err) from err
        raise BadInput(f"data dir {data_dir} cannot be used ({err.strerror or err}): set "
                       "AIPM_DATA_DIR to a folder you can write to.") from err
    if free < MIN_FREE_BYTES:
        raise data_dir_error(data_dir, OSError(errno.ENOSPC, f"only {free / 1e6:.1f} MB free"))
    return data_dir


def safe_basename(name: str, default: str = "upload", max_chars: int = MAX_NAME_CHARS) -> str:
    """A plain file name from whatever a client sent: no folders, no `..`, no control or
    shell-special characters, no leading dot, at most `max_chars` (the extension is kept)."""
    plain = PurePosixPath(name.replace("\\", "/").replace("\x00", "")).name
    plain = unicodedata.normalize("NFC", plain)
    plain = "".join(ch for ch in plain if unicodedata.category(ch)[0] != "C")
    plain = _UNSAFE.sub("_", plain)
    plain = re.sub(r"\.{2,}", ".", plain).strip(" .")
    if not plain:
        return default
    stem, dot, suffix = plain.rpartition(".")
    if not dot or len(suffix) > 16:
        stem, suffix = plain, ""
    suffix = f".{suffix}" if suffix else ""
    return stem[: max(1, max_chars - len(suffix))] + suffix


def private_dirs(root: Path, folder: Path) -> Path:
    """Create `folder` (under `root`) and every missing folder between them, each 0700."""
    missing = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        if current == root:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue  # made by a concurrent request between the check and here
        path.chmod(PRIVATE_DIR)  # mkdir's mode is filtered by the umask; make it exact
    return folder


def atomic_write(path: Path, data: bytes, data_dir: Path | None = None) -> Path:
    """Write `data` to `path` 0600 via a temp file, fsync and rename: readers see the old or
    the new file, never part of one. A full or read-only disk is a `DataDirError`."""
    temp = path.with_name(f".{path.name[:60]}.{uuid.uuid4().hex[:12]}.part")
    try:
        descriptor = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, PRIVATE_FILE)
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
    except OSError as err:
        if is_data_dir_problem(err):
            raise write_error(err, data_dir, path) from err
        raise
    return path


def store_upload(data_dir: Path, folder: Path, name: str, data: bytes) -> Path:
    """Keep an upload as `folder/<safe basename>`, owner-only and written whole."""
    try:
        private_dirs(data_dir, folder)
    except OSError as err:
        if is_data_dir_problem(err):
            raise data_dir_error(data_dir, err) from err
        raise
    return atomic_write(folder / safe_basename(name), data, data_dir)


__all__ = ["MAX_NAME_CHARS", "MIN_FREE_BYTES", "DataDirError", "atomic_text_writer",
           "atomic_write", "check_data_dir",
           "data_dir_error", "is_data_dir_problem", "private_dirs", "safe_basename",
           "store_upload", "write_error"]
