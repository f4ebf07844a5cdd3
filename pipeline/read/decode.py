"""Reading input files: bytes with a size limit, binary detection, decoding with fallbacks."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

from pipeline.errors import PipelineError


# ---------------------------------------------------------------- reading inputs
def read_bytes(path: Path, display: str, max_bytes: int) -> bytes:
    try:
        with open(path, "rb") as f:         # one open: its size from the open file
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise PipelineError("E007", display, f"file is {size:,} bytes, over the limit of {max_bytes:,}")
            return f.read()
    except PipelineError:
        raise
    except OSError as e:
        raise PipelineError("E002", display, f"cannot read file ({e.strerror or e})")


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
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
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):       # UTF-16 with a BOM ("Unicode text")
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
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
