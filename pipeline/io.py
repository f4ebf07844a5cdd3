"""All file reads and writes. Writes are atomic: temp file in the same folder, then rename.

CSV cells a spreadsheet would execute (=, +, -, @, tab, CR at the start) are written with a
leading apostrophe and restored on read, so article text can never become a formula.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import PipelineError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------- reading inputs
def read_bytes(path: Path, display: str, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PipelineError("E007", display, f"file is {size:,} bytes, over the limit of {max_bytes:,}")
        return path.read_bytes()
    except PipelineError:
        raise
    except OSError as e:
        raise PipelineError("E002", display, f"cannot read file ({e.strerror or e})")


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and control / len(head) > 0.05


def _mostly_hangul(text: str) -> bool:
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return False
    hangul = sum(1 for c in non_ascii if "\uac00" <= c <= "\ud7a3" or "\u3130" <= c <= "\u318f")
    return hangul / len(non_ascii) >= 0.8


def decode_text(data: bytes, display: str, fallbacks: Iterable[str]) -> tuple[str, str]:
    """Decode bytes: UTF-8 (with or without BOM), else each fallback in order.

    cp949 is accepted only when what it yields is mostly Hangul (it would otherwise turn
    Western 8-bit text into Korean syllables). Returns (text, encoding)."""
    if looks_binary(data):
        raise PipelineError("E004", display, "file looks binary (NUL or control bytes)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in fallbacks:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if enc.lower().replace("-", "") in ("cp949", "euckr") and not _mostly_hangul(text):
            continue
        return text, enc
    raise PipelineError("E005", display, f"text is not UTF-8 nor any of {list(fallbacks)}")


def read_json_file(path: Path) -> object:
    with open(path, encoding="utf-8-sig") as f:
        return json.load(f)


def read_jsonl_gold(path: str | Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, json.JSONDecodeError) as e:
        raise PipelineError("E040", str(path), f"cannot read gold file ({e})")


# ---------------------------------------------------------------- writing tables
def neutralise(value: object) -> str:
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(FORMULA_START) else s


def restore(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def csv_text(columns: list[str], rows: Iterable[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    for row in rows:
        w.writerow([neutralise(row.get(c, "")) for c in columns])
    return buf.getvalue()


def write_text_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_csv_atomic(path: Path, columns: list[str], rows: Iterable[dict]) -> None:
    write_text_atomic(path, csv_text(columns, rows))


def ensure_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".probe", delete=True)
        probe.close()
    except OSError as e:
        raise PipelineError("E030", str(folder), f"cannot write here ({e.strerror or e})")


# ---------------------------------------------------------------- reading tables back
def sniff_decode(data: bytes) -> str:
    """Decode a CSV an analyst saved: UTF-8 (BOM or not), else cp1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a CSV written by us or re-saved by a spreadsheet (BOM, CRLF, cp1252, ';')."""
    try:
        text = sniff_decode(path.read_bytes())
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as e:
        raise PipelineError("E031", str(path), f"cannot read table ({e})")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    for row in reader:
        if None in row:
            raise PipelineError("E031", str(path), f"line {reader.line_num} has more cells than the header")
        rows.append({k: restore(v or "") for k, v in row.items()})
    return rows
