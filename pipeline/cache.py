"""Per-article result cache: a run over an unchanged corpus does no NLP.

An entry holds one article's Extraction and its table rows (tables.pack; stored with the version
of the code that made them, and made again from the Extraction when that code changes, so a
change to the tables never costs a parse). Its key is the SHA-256 of
  - the cleaned Article (text hash and every metadata field: id, source path, title,
    published...; the metadata is part of the result, so it is part of the key),
  - the environment: pipeline version + a hash of the code that turns an Article into an
    Extraction, config.settings_hash, a hash of the resource files (catalogues, cue lexicons)
    and the spaCy + model versions.
Cleaning costs a few milliseconds per article, which over thousands of cached articles is
most of a re-run; so a second, small index maps the raw input (file content, sidecar
metadata, path) plus the code of the read/clean stage to the article key, and a re-run over
unchanged files neither cleans nor parses. That index only points at entries: a stale or
missing pointer just means the article is cleaned again.

Layout: <cache_dir>/<env hash>/x/<2 hex>/<article key>.pkl and .../r/<2 hex>/<raw key>.key.
A change of code, setting, resource or model starts a fresh <env hash> folder (the newest
KEEP_ENVS folders are kept, older ones removed).

Safe to delete (a missing entry is recomputed). Safe against an interrupted run: entries are
written to a temporary file and renamed; each carries a SHA-256 of its payload and the key it
was stored under, so a truncated, corrupt or misplaced file reads as a miss, never as a result.
The payload is a pickle: the cache folder must be as trusted as the code (it lives in the
output folder by default). Nothing here loads the spaCy model.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import time
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from pathlib import Path

from pipeline import __version__
from pipeline.config import PACKAGE_DIR, RESOURCES_DIR, files_digest, settings_hash
from pipeline.records import Article, Extraction, RawArticle
from pipeline.errors import PipelineError
from pipeline.write import files
from pipeline.write.tables import pack, rows_for, rows_version

MAGIC = b"PLC2"
FORMAT = 2
KEEP_ENVS = 3               # environment folders kept (the current one and the newest others)
STALE_TMP_SECONDS = 3600    # leftover temp files of an interrupted run older than this are removed

# The code behind a result is found by area, never by a list of module names: a new module or
# folder is in the key from the start. Everything in the package but write/ (which turns an
# Extraction into rows and files, under tables.rows_version) can change an Extraction; the read
# stage (everything but extract/ and write/) decides the cleaned Article from the raw input.
# Erring on the side of a re-parse is the point: a stale result must never be served.
AREAS_AFTER_EXTRACTION = ("write",)
AREAS_AFTER_CLEANING = ("extract", "write")


def _sources(package_dir: Path, leave_out: tuple[str, ...]) -> list[Path]:
    """Every Python file and resource file under package_dir but the top folders leave_out."""
    out = []
    for p in package_dir.rglob("*"):
        rel = p.relative_to(package_dir).parts
        if (p.is_file() and rel[0] not in leave_out and "__pycache__" not in rel
                and not any(part.startswith(".") for part in rel) and p.suffix in (".py", ".toml", ".jsonl", ".json")):
            out.append(p)
    return out


def code_hash(package_dir: Path = PACKAGE_DIR) -> str:
    """Hash of the source (and data files) of everything that can change an Extraction:
    resources/ included, so a catalogue edit re-processes what it affects."""
    return files_digest(_sources(package_dir, AREAS_AFTER_EXTRACTION), package_dir)


def clean_code_hash(package_dir: Path = PACKAGE_DIR) -> str:
    """Hash of the read/clean stage's source (and of trafilatura's version, used for HTML)."""
    from importlib import metadata
    try:
        traf = metadata.version("trafilatura")
    except metadata.PackageNotFoundError:
        traf = ""
    return files_digest(_sources(package_dir, AREAS_AFTER_CLEANING), package_dir) + f";trafilatura={traf}"


def resources_hash(resources_dir: Path = RESOURCES_DIR) -> str:
    """Hash of every resource file (names and contents) that extraction may read."""
    files = [p for p in resources_dir.rglob("*") if p.is_file() and not p.name.startswith(".")]
    return files_digest(files, resources_dir)


@lru_cache(maxsize=8)
def model_version(name: str) -> str:
    """spaCy version + the model package's version, read without importing either."""
    from importlib import metadata

    try:
        spacy_version = metadata.version("spacy")
    except metadata.PackageNotFoundError:
        spacy_version = ""
    version = ""
    try:
        version = metadata.version(name)
    except (metadata.PackageNotFoundError, ValueError):
        meta = Path(name) / "meta.json"
        if meta.is_file():
            try:
                version = str(json.loads(meta.read_text(encoding="utf-8")).get("version", ""))
            except (OSError, ValueError):
                version = ""
    return f"spacy={spacy_version};{name}={version}"


@lru_cache(maxsize=1)
def _installed_hashes() -> tuple[str, str, str]:
    """(code, clean code, resources) hashes of this installation, taken once per process: the
    modules and resources are loaded once per process too, so the hash describes the code
    that actually runs even if a file is edited while a run is going."""
    return code_hash(), clean_code_hash(), resources_hash()


def environment_hash(settings: dict, extra: str = "") -> str:
    """Everything besides the article that decides its Extraction, as one short hash."""
    code, _clean, resources = _installed_hashes()
    parts = [f"format={FORMAT}", f"pipeline={__version__}", f"code={code}",
             f"settings={settings_hash(settings)}", f"resources={resources}",
             f"model={model_version(settings['model']['name'])}", f"extra={extra}"]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def raw_environment_hash(env: str) -> str:
    """What besides the raw input decides the cleaned Article (settings are already in env)."""
    return hashlib.sha256(f"{env}\n{_installed_hashes()[1]}".encode()).hexdigest()[:16]


def _fields(record) -> dict:
    """A record's fields by name (dataclasses.asdict without its deep copy: the key only
    serialises them, and json.dumps gives the same text either way)."""
    return {f.name: getattr(record, f.name) for f in dataclass_fields(record)}


def raw_key(raw: RawArticle, raw_env: str) -> str:
    """Key of one raw input: content, sidecar/JSONL metadata, id, path and format."""
    fields = _fields(raw)
    content = fields.pop("content")
    fields["content_sha256"] = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()
    blob = json.dumps({"env": raw_env, "raw": fields}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def article_key(article: Article, env: str) -> str:
    """Key of one cleaned article: its text hash and all its metadata, under an environment."""
    fields = _fields(article)
    text = fields.pop("text")
    fields["text_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    blob = json.dumps({"env": env, "article": fields}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class Entry:
    """One article's cached result: its table rows, packed (tables.pack), and its Extraction,
    unpickled only when asked for. A re-run over an unchanged article needs only the rows (and
    the extraction only when its report page must be rendered again)."""

    __slots__ = ("key", "_rows", "_blob", "_ex", "page")

    def __init__(self, key: str, rows: dict[str, list[tuple]] | None, blob: bytes):
        self.key, self._rows, self._blob = key, rows, blob
        self._ex: Extraction | None = None
        self.page: str | None = None    # the report page, when the parsing process rendered it

    @property
    def extraction(self) -> Extraction:
        if self._ex is None:
            # the bytes were pickled by this code (the payload digest and the environment say
            # so), so this cannot fail where unpickling the whole entry did not
            self._ex, self._blob = pickle.loads(self._blob), None
        return self._ex

    @property
    def rows(self) -> dict[str, list[tuple]]:
        """Rows made under this code's rows_version (made again from the extraction if not)."""
        if self._rows is None:
            self._rows = pack(rows_for(self.extraction))
        return self._rows

    @property
    def rows_current(self) -> bool:
        return self._rows is not None


def dumps(key: str, ex: Extraction, rows: dict[str, list[dict]] | None = None) -> bytes:
    """The bytes of one entry: magic, key, payload digest, payload (the rows' version, the packed
    rows, and the pickled Extraction as bytes of its own, so that reading the rows leaves it be).
    rows: rows_for(ex), when the caller has made them."""
    blob = pickle.dumps(ex, protocol=pickle.HIGHEST_PROTOCOL)
    rows = rows_for(ex) if rows is None else rows
    payload = pickle.dumps((rows_version(), pack(rows), blob), protocol=pickle.HIGHEST_PROTOCOL)
    return MAGIC + bytes.fromhex(key) + hashlib.sha256(payload).digest() + payload


def loads(key: str, data: bytes) -> Entry | None:
    """The Entry in an entry's bytes, or None when the entry is damaged or not for key."""
    head = len(MAGIC) + 32 + 32
    if len(data) < head or not data.startswith(MAGIC) or data[4:36] != bytes.fromhex(key):
        return None
    payload = data[head:]
    if hashlib.sha256(payload).digest() != data[36:head]:
        return None
    try:
        version, rows, blob = pickle.loads(payload)
    except Exception:  # a payload from other code: treat as a miss
        return None
    if not (isinstance(version, str) and isinstance(rows, dict) and isinstance(blob, bytes)):
        return None
    return Entry(key, rows if version == rows_version() else None, blob)


def write_bytes_atomic(path: Path, data: bytes, fsync: bool = False) -> None:
    """An entry written atomically (files.write_bytes_atomic); a folder or file that cannot be
    written is an OSError here, which turns the cache off for the run instead of stopping it."""
    try:
        files.write_bytes_atomic(path, data, durable=fsync)
    except PipelineError as e:
        raise OSError(str(e)) from None


class Cache:
    """The entries of one environment under root. With enabled=False every lookup misses and
    nothing is written (used when the cache folder cannot be written)."""

    def __init__(self, root: Path, env: str, enabled: bool = True):
        self.root = Path(root)
        self.env = env
        self.raw_env = raw_environment_hash(env)
        self.dir = self.root / env
        self._x, self._r = os.path.join(self.dir, "x"), os.path.join(self.dir, "r")    # see _file
        self.enabled = enabled
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    def path(self, key: str) -> Path:
        return self.dir / "x" / key[:2] / f"{key}.pkl"

    def raw_path(self, rkey: str) -> Path:
        return self.dir / "r" / rkey[:2] / f"{rkey}.key"

    @staticmethod
    def _file(folder: str, key: str, suffix: str) -> bytes:
        """The bytes of folder/<2 hex>/<key><suffix> (path() and raw_path() as a plain string: a
        re-run reads two files an article, and making their pathlib paths cost as much as the
        reads)."""
        with open(os.path.join(folder, key[:2], key + suffix), "rb") as f:
            return f.read()

    def get_raw(self, rkey: str, article_id: str | None = None) -> tuple[str, Entry] | None:
        """(article key, Entry) for a raw input seen before, if its entry is still here. The
        pointer must name its own raw key (a pointer file moved or swapped is a miss) and, with
        article_id, the entry's article row must be that article's."""
        if not self.enabled:
            return None
        try:
            parts = self._file(self._r, rkey, ".key").decode("ascii").split()
        except (OSError, UnicodeDecodeError):
            return None
        key = parts[0] if parts else ""
        if len(parts) != 2 or parts[1] != rkey or len(key) != 64 or key.strip("0123456789abcdef"):
            return None
        entry = self._load(key)
        if entry is None:  # the article is cleaned and looked up again by its own key
            return None
        if article_id is not None:
            try:
                proof = entry.rows["articles"][0][0]
            except (KeyError, IndexError, TypeError):
                return None
            if proof != article_id:
                return None
        self.hits += 1
        self.used.update((rkey, key))
        return key, entry

    def put_raw(self, rkey: str, key: str) -> None:
        """Point a raw input at its article key (written only when it changes)."""
        self.used.add(rkey)
        if not self.enabled:
            return
        path = self.raw_path(rkey)
        text = f"{key}\n{rkey}\n"
        try:
            if path.read_text(encoding="ascii") == text:
                return
        except (OSError, UnicodeDecodeError):
            pass
        try:
            write_bytes_atomic(path, text.encode("ascii"))
        except OSError:
            self.enabled = False

    def _load(self, key: str) -> Entry | None:
        if not self.enabled:
            return None
        try:
            entry = loads(key, self._file(self._x, key, ".pkl"))
        except OSError:
            return None
        if entry is not None and not entry.rows_current:  # rows code changed: store them anew
            data = dumps(key, entry.extraction)
            self.put_bytes(key, data)
            entry = loads(key, data)
        return entry

    def get(self, key: str) -> Entry | None:
        self.used.add(key)
        entry = self._load(key)
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store an entry made by dumps(); a full disk or a read-only folder only costs speed."""
        self.used.add(key)
        if not self.enabled:
            return
        try:
            write_bytes_atomic(self.path(key), data)
        except OSError:
            self.enabled = False

    def put(self, key: str, ex: Extraction) -> None:
        self.put_bytes(key, dumps(key, ex))

    def prune(self, drop_unused: bool) -> int:
        """Remove stale temp files, environment folders beyond the newest KEEP_ENVS and, with
        drop_unused, entries of this environment not used by this run. Returns files removed."""
        if not self.enabled or not self.dir.is_dir():
            return 0
        removed = 0
        now = time.time()
        os.utime(self.dir)
        for f in self.dir.glob("[xr]/*/*"):
            try:
                # the default cache belongs to one output folder, which the run holds locked
                stale_tmp = f.suffix == ".tmp" and (drop_unused or now - f.stat().st_mtime > STALE_TMP_SECONDS)
            except OSError:
                continue
            unused = drop_unused and f.suffix in (".pkl", ".key") and f.stem not in self.used
            if stale_tmp or unused:
                f.unlink(missing_ok=True)
                removed += 1
        envs = sorted((d for d in self.root.iterdir() if d.is_dir() and d != self.dir),
                      key=lambda d: d.stat().st_mtime, reverse=True)
        for old in envs[KEEP_ENVS - 1:]:
            if len(old.name) == 16 and all(c in "0123456789abcdef" for c in old.name):
                shutil.rmtree(old, ignore_errors=True)
                removed += 1
        return removed


def cache_root(out_dir: Path, settings: dict) -> Path:
    """[run] cache_dir when set, else <output>/.cache."""
    configured = str(settings["run"].get("cache_dir") or "").strip()
    return Path(configured) if configured else Path(out_dir) / ".cache"
