"""Files the run writes: atomic (temp file in the same folder, then rename), or only when changed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.errors import PipelineError


_TRACE = os.environ.get("PIPELINE_TRACE") == "1"


def trace(event: str) -> None:
    """With PIPELINE_TRACE=1, one line per file step on stderr (the kill test stops a run at
    these moments; nothing else reads them)."""
    if _TRACE:
        os.write(2, f"trace: {event}\n".encode("utf-8", "replace"))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def temp_beside(path: Path) -> str:
    """A new temp file beside path (hidden, .tmp); replace() gives it the mode the file has
    now, or the umask's for a new file (mkstemp alone would leave every table 0600).
    A folder that cannot be written gives E030 (exit 2) and leaves nothing behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise PipelineError("E030", str(path.parent), f"cannot write {path.name} here "
                            f"({e.strerror or e}); make the folder writable or choose another --output")
    os.close(fd)
    trace(f"temp {tmp}")
    return tmp


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def check_replaceable(path: Path) -> None:
    """E032 when path exists but is read-only (its write bits cleared): a run replaces no file
    the analyst or another program protected. Called for every file before the first write."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if not mode & 0o222 or not os.access(path.parent, os.W_OK):
        raise PipelineError("E032", str(path), "the file (or its folder) is read-only; make it writable, "
                            "or close the program that locks it, and run again; nothing was overwritten")


def replace(tmp: str, path: Path) -> None:
    """os.replace with a coded error (the temp file removed) when the target cannot be replaced.
    The new file keeps the old one's mode (or the umask's for a new file)."""
    trace(f"replace {path}")
    try:
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except OSError as e:
        discard_temp(tmp)
        raise PipelineError("E032", str(path), f"cannot replace the file ({e.strerror or e}); it may be "
                            "read-only or open in another program: close it or make it writable and run "
                            "again; the earlier files are unchanged where not yet replaced") from None


def write_bytes_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Temp file in the same folder, then rename; durable=False skips the fsync (derived files)."""
    tmp = temp_beside(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
    except BaseException:
        discard_temp(tmp)
        raise
    replace(tmp, path)


def write_text_atomic(path: Path, text: str, durable: bool = True) -> None:
    """write_bytes_atomic of text as UTF-8."""
    write_bytes_atomic(path, text.encode("utf-8"), durable)


def write_text_if_changed(path: Path, text: str, durable: bool = True) -> bool:
    """Write atomically unless the file already holds exactly text; True when written."""
    try:
        if path.read_bytes() == text.encode("utf-8"):
            return False
    except OSError:
        pass
    write_text_atomic(path, text, durable)
    return True


def write_parts_if_changed(path: Path, parts: Iterable[str], durable: bool = True) -> bool:
    """write_text_if_changed(path, "".join(parts), durable) without the text held whole: the
    parts go to a temp file beside path as they come, and it replaces path unless path already
    holds the same bytes (compared by hash; the temp file is then removed). True when written."""
    tmp = temp_beside(path)
    h = hashlib.sha256()
    try:
        with open(tmp, "wb") as f:
            for part in parts:
                data = part.encode("utf-8")
                h.update(data)
                f.write(data)
    except BaseException:
        discard_temp(tmp)
        raise
    if file_sha256(path) == h.hexdigest():
        discard_temp(tmp)
        return False
    commit_temp(tmp, path, durable)
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
    replace(tmp, path)


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
    """Byte-for-byte copy (metadata kept), for the history snapshots: through a temp file beside
    dest, so a kill never leaves a half copy under dest's name."""
    trace(f"copy {dest}")
    tmp = temp_beside(dest)
    try:
        shutil.copy2(src, tmp)
    except BaseException:
        discard_temp(tmp)
        raise
    os.replace(tmp, dest)


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


LOCK = ".run.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def acquire_lock(folder: Path) -> tuple[Path, str | None]:
    """Hold the output folder for this run: a file with our PID, created whole (linked from a
    temp file) so no one ever reads it half written. A lock whose PID is alive gives E034 naming
    it; a stale one (dead PID) is taken over. Returns (lock path, message about a takeover)."""
    lock = Path(folder) / LOCK
    note = None
    for _ in range(3):
        tmp = temp_beside(lock)
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(f"{os.getpid()}\n")
            os.link(tmp, lock)
            return lock, note
        except FileExistsError:
            pass
        except OSError as e:
            raise PipelineError("E030", str(folder), f"cannot lock the folder ({e.strerror or e})") from None
        finally:
            discard_temp(tmp)
        try:
            holder = int(lock.read_text(encoding="utf-8").split()[0])
        except (OSError, ValueError, IndexError):
            holder = -1
        if holder > 0 and _alive(holder):
            raise PipelineError("E034", str(lock), f"another run (PID {holder}) is writing to this output "
                                f"folder; wait for it to end or stop it (kill {holder}), then run again")
        note = (f"[E034] {lock}: took over a stale lock of PID {holder if holder > 0 else '?'} "
                "(that run is no longer alive).")
        discard_temp(str(lock))
    raise PipelineError("E034", str(lock), "cannot take the output folder's lock; remove the file if no "
                        "run is going")


def release_lock(lock: Path) -> None:
    """Remove the lock if it is still ours."""
    try:
        if lock.read_text(encoding="utf-8").split()[0] == str(os.getpid()):
            lock.unlink()
    except (OSError, IndexError):
        pass


# ---------------------------------------------------------------- memos: shortcuts kept under .cache/
def read_memo(path: Path) -> dict:
    """A memo a writer kept of its last write (a JSON object): {} when it is absent or damaged, since
    a memo is only a shortcut and the write it would skip is made again."""
    try:
        memo = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def write_memo(path: Path, memo: dict) -> None:
    """Keep a memo for the next run (atomic, not fsynced); a memo that cannot be written is no error:
    without it the next run does the work in full."""
    try:
        write_text_atomic(path, json.dumps(memo, sort_keys=True), durable=False)
    except (OSError, PipelineError):
        pass
