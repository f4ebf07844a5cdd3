"""The CSV codec of the tables: formula-safe cells, atomic table writes, and reading analysts'
 spreadsheets back (BOM, CRLF, ';' or tab delimiters, cp1252).

CSV cells a spreadsheet would execute (=, +, -, @, tab, CR at the start) are written with a
leading apostrophe and restored on read, so article text can never become a formula.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from pipeline.errors import PipelineError
from pipeline.write.files import discard_temp, temp_beside, write_text_atomic

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets hold at most 32,767 characters in a cell (Excel, LibreOffice), and Python's csv
# module refuses fields over 131,072 on read: a longer cell is cut, with a visible mark, so a
# re-save can never break the next run.
MAX_CELL = 32_000
CUT_MARK = " [cut: cell longer than 32,000 characters]"


@dataclass(frozen=True)
class Dialect:
    """How an analyst's spreadsheet saved a CSV: written back the same way (always UTF-8; with a
    BOM when the file had one or was saved in a legacy encoding, so Excel reads it as UTF-8)."""

    bom: bool = False
    newline: str = "\n"
    delimiter: str = ","

    @property
    def plain(self) -> bool:
        return self == PLAIN


PLAIN = Dialect()
csv.field_size_limit(1 << 24)      # read back files written before cells were capped


# ---------------------------------------------------------------- writing tables
def _is_formula(s: str) -> bool:
    """A spreadsheet would execute s, or s is our escape of such a cell ('=..., ''=..., ...)."""
    return s.lstrip("'").startswith(FORMULA_START)


_RISKY_FIRST = frozenset("".join(FORMULA_START) + "'")


def cap(s: str) -> str:
    """A cell no longer than MAX_CELL characters, without NUL characters."""
    if "\x00" in s:
        s = s.replace("\x00", "")
    return s if len(s) <= MAX_CELL else s[:MAX_CELL - len(CUT_MARK)] + CUT_MARK


def neutralise(value: object) -> str:
    """Prefix a cell a spreadsheet would execute with an apostrophe (exactly undone by restore)."""
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in _RISKY_FIRST and _is_formula(s) else s


def restore(value: str) -> str:
    return value[1:] if value[:1] == "'" and _is_formula(value) else value


def csv_text(columns: list[str], rows: Iterable[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    for row in rows:
        w.writerow(csv_cells(row, columns))
    return buf.getvalue()


class _HashingWriter:
    """File-like for csv.writer: collects rows, then encodes, hashes and writes them in blocks."""

    BLOCK = 512

    def __init__(self, f) -> None:
        self.f, self.h, self.parts = f, hashlib.sha256(), []

    def write(self, s: str) -> int:
        self.parts.append(s)
        if len(self.parts) >= self.BLOCK:
            self.flush()
        return len(s)

    def flush(self) -> None:
        b = "".join(self.parts).encode("utf-8")
        self.parts.clear()
        self.h.update(b)
        self.f.write(b)


# A row holds a cell a spreadsheet would execute when a cell starts with one of these (the
# cells joined by \x00, which no cell contains: csv_cells checks them one by one only then).
_RISKY_ROW = re.compile("(?:^|\x00)[" + re.escape("".join(sorted(_RISKY_FIRST))) + "]")


def csv_cells(row: dict, columns: list[str]) -> list:
    """The cells of one CSV row: values in column order, neutralised where needed, NULs
    removed and cut at MAX_CELL characters (both checked on the joined row first)."""
    cells = [row.get(c, "") for c in columns]
    joined = "\x00".join(map(str, cells))
    if len(joined) > MAX_CELL or joined.count("\x00") != len(cells) - 1:
        cells = [cap("" if v is None else str(v)) for v in cells]
        joined = "\x00".join(cells)
    if _RISKY_ROW.search(joined):
        return [neutralise(v) for v in cells]
    return cells


def csv_to_temp(path: Path, columns: list[str], rows: Iterable[dict],
                dialect: Dialect | None = None) -> tuple[str, str]:
    """Write the CSV row by row into a temp file beside path (the same bytes csv_text gives, or
    the analyst's dialect); returns (temp path, sha256 of its bytes). Pair with commit_temp or
    discard_temp."""
    d = dialect or PLAIN
    tmp = temp_beside(path)
    try:
        with open(tmp, "wb") as f:
            hw = _HashingWriter(f)
            if d.bom:
                hw.write("\ufeff")
            w = csv.writer(hw, lineterminator=d.newline, delimiter=d.delimiter, quoting=csv.QUOTE_MINIMAL)
            w.writerow(columns)
            for row in rows:
                w.writerow(csv_cells(row, columns))
            hw.flush()
    except BaseException:
        discard_temp(tmp)
        raise
    return tmp, hw.h.hexdigest()


def write_csv_atomic(path: Path, columns: list[str], rows: Iterable[dict]) -> None:
    write_text_atomic(path, csv_text(columns, rows))


# ---------------------------------------------------------------- reading tables back
DELIMITERS = (",", ";", "\t")


def sniff_decode(data: bytes) -> str:
    """Decode a CSV an analyst saved: UTF-16 with a BOM (Excel "Unicode text"), UTF-8 with or
    without a BOM, else cp1252 (Excel's Western default). Raises UnicodeDecodeError."""
    return _decode(data)[0]


def _decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of sniff_decode."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict"), "cp1252"


def _header_line(text: str) -> str:
    """The first record's text (a quoted header cell may hold a line break)."""
    quoted, end = False, len(text)
    for i, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif c in "\r\n" and not quoted:
            end = i
            break
    return text[:end]


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of , ; and tab outside quotes."""
    header = _header_line(text)
    outside, quoted = [], False
    for c in header:
        if c == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(c)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def read_csv_records(path: Path, required: Iterable[str] = (),
                     keep: Callable[[list[str]], Callable[[list[str]], bool]] | None = None
                     ) -> list[tuple[int, dict[str, str]]]:
    """read_csv_table without the header."""
    return read_csv_table(path, required, keep)[1]


def dialect_of(data: bytes, text: str, encoding: str | None = None) -> Dialect:
    """The dialect a CSV was saved in (data: its bytes, text: decoded, encoding: as decoded)."""
    encoding = encoding or _decode(data)[1]
    bom = encoding != "utf-8" or data.startswith(b"\xef\xbb\xbf")
    head = _header_line(text)
    crlf = text[len(head):len(head) + 2] == "\r\n"
    return Dialect(bom=bom, newline="\r\n" if crlf else "\n", delimiter=sniff_delimiter(text))


def _missing_message(missing: list[str], header: list[str]) -> str:
    """Which required columns are gone, and the header cell that looks like each of them."""
    def canon(h: str) -> str:
        return re.sub(r"[^a-z0-9]+", "_", h.strip().lower()).strip("_")
    parts = []
    for c in missing:
        near = [h for h in header if h and canon(h) == c]
        parts.append(f"the header lacks column {c!r} (it has {near[0]!r}: rename that cell back to {c!r})"
                     if near else f"the header lacks column {c!r} (put it back with that exact name in the "
                     "first row; the previous file is in history/)")
    return "; ".join(parts)


def read_csv_table(path: Path, required: Iterable[str] = (),
                   keep: Callable[[list[str]], Callable[[list[str]], bool]] | None = None,
                   info: dict | None = None,
                   ) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (names stripped), and (line number, row) for every data row of a CSV written
    by us or re-saved by a spreadsheet (BOM, CRLF, cp1252, UTF-16, ';' or tab); with keep, only
    the rows whose raw cells pass keep(header) (the whole file is still checked). A missing
    file gives ([], []). Anything that cannot be read with certainty raises E031 (nothing has
    been overwritten at that point). info, when given, receives "dialect" and, under "ids", the
    set of the cells of column info["id_column"] over every row (kept or not)."""
    display = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], []
    except OSError as e:
        raise PipelineError("E031", display, f"cannot read table ({e.strerror or e})")
    if not data.strip():
        raise PipelineError("E031", display, "the file is empty (no header row); restore it from the "
                            "history/ folder, or delete it to start the review afresh; nothing was overwritten")
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError as e:
        raise PipelineError("E031", display, f"text is neither UTF-8 nor cp1252 (byte {e.start})")
    if "\x00" in text:
        raise PipelineError("E031", display, "file holds NUL characters (not a CSV text file)")
    if info is not None:
        info["dialect"] = dialect_of(data, text, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
        named = [h for h in header if h]
        dupes = sorted({h for h in named if named.count(h) > 1})
        if dupes:
            raise PipelineError("E031", display, f"column(s) {dupes} appear twice in the header; "
                                "delete the extra column and save again; nothing was overwritten", 1)
        missing = [c for c in required if c not in header]
        if missing:
            raise PipelineError("E031", display, f"{_missing_message(missing, header)}; "
                                "nothing was overwritten", 1)
        out: list[tuple[int, dict[str, str]]] = []
        wanted = keep(header) if keep is not None else None
        width = len(header)
        id_at = header.index(info["id_column"]) if info is not None and info.get("id_column") in header else None
        ids: set[str] = set()
        if info is not None:
            info["ids"] = ids
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not "".join(cells).strip():         # (joined: one test per row, not per cell)
                continue
            if len(cells) > width and "".join(cells[width:]).strip():
                raise PipelineError("E031", display, f"row has {len(cells)} cells but the header has "
                                    f"{len(header)}; check the delimiter and quotes on that line", line)
            if id_at is not None and id_at < len(cells):
                ids.add(cells[id_at].strip())
            # keep only asks whether cells are empty or pending, which restore() never changes
            if wanted is not None and not wanted(cells):
                continue
            row = {h: restore(c) for h, c in zip(header, cells) if h}
            for h in named[len(cells):]:
                row.setdefault(h, "")
            out.append((line, row))
        return header, out
    except csv.Error as e:
        raise PipelineError("E031", display, f"not a well-formed CSV ({e}) near line {reader.line_num}; "
                            "save it again as CSV; nothing was overwritten")
    except StopIteration:
        return [], []


def read_csv(path: Path, required: Iterable[str] = ()) -> list[dict[str, str]]:
    """Read a CSV written by us or re-saved by a spreadsheet (BOM, CRLF, cp1252, ';')."""
    return [row for _, row in read_csv_records(path, required)]


def read_header(path: Path) -> list[str]:
    """Column names of a CSV on disk ([] when absent or unreadable)."""
    try:
        text = sniff_decode(path.read_bytes())
        return [h.strip() for h in next(csv.reader(io.StringIO(text, newline=""),
                                                   delimiter=sniff_delimiter(text)))]
    except (OSError, UnicodeDecodeError, StopIteration, csv.Error):
        return []
