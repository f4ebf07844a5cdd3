"""Files the run writes: atomic (temp file in the same folder, then rename), or only when changed."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline.errors import PipelineError


def write_text_atomic(path: Path, text: str, durable: bool = True) -> None:
    """Temp file in the same folder, then rename; durable=False skips the fsync (derived files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_text_if_changed(path: Path, text: str, durable: bool = True) -> bool:
    """Write atomically unless the file already holds exactly text; True when written."""
    try:
        if path.read_bytes() == text.encode("utf-8"):
            return False
    except OSError:
        pass
    write_text_atomic(path, text, durable)
    return True


def file_sha256(path: Path) -> str | None:
    """sha256 of a file's bytes, read in chunks (None when it cannot be read)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def commit_temp(tmp: str, path: Path, durable: bool = True) -> None:
    """fsync (durable) and rename a temp file from csv_to_temp onto path."""
    if durable:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    os.replace(tmp, path)


def discard_temp(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


@contextmanager
def atomic_path(path: Path, durable: bool = True) -> Iterator[Path]:
    """For writers that want a file name (SQLite, Parquet): an empty temp file beside path,
    renamed onto path when the block ends, removed when it raises."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        commit_temp(tmp, path, durable)
    except BaseException:
        discard_temp(tmp)
        raise


def copy_file(src: Path, dest: Path) -> None:
    """Byte-for-byte copy (metadata kept), for the history snapshots."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dest)


def ensure_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".probe", delete=True)
        probe.close()
    except OSError as e:
        raise PipelineError("E030", str(folder), f"cannot write here ({e.strerror or e})")


def file_stamp(path: Path) -> tuple[int, int] | None:
    """(mtime_ns, size) of a file, None when absent: to notice a save made during a run."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size
