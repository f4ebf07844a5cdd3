"""Where the register build keeps the agreement rows while it groups them, so its memory is bounded
by settings, not by the corpus (`[output] register_cache_mb`): a scratch SQLite file beside the
outputs (an unnamed-looking `.register-*.tmp`, removed when the build ends; a killed run's is
removed by the next run's clean-up), or plain dicts for a small in-memory build (`assemble`,
tests). Both give the same groups in the same order:

- `add_article` / `add_member`: the articles' published date and title (the last row of an
  article_id wins, as a dict would) and each kept agreement row, numbered in input order;
- `set_register_ids`: the register row each agreement row went to (after clustering);
- `groups()`: per register_id in sorted order, its rows sorted by (article_id, agreement_id,
  input order), the published dates and titles of their articles;
- `keep` / `kept()` / `events_of`: per register row, what its pages show (rows, status events,
  titles), in register_id order, for the pages pass after the analysts' reviews are carried over.

Strings are sorted as Python sorts them: SQLite compares BLOBs bytewise and UTF-8 (with
surrogatepass) keeps code point order.
"""
from __future__ import annotations

import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

DEFAULT_CACHE_MB = 4


def _sort_key(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


def _dump(value) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class MemoryStore:
    """The groups held in dicts (a small build, or a test's)."""

    def __init__(self) -> None:
        self.articles: dict[str, tuple[str, str]] = {}
        self.members: list[dict] = []
        self.rid: dict[int, str] = {}
        self._kept: dict[str, tuple[list[dict], list[dict], dict[str, str]]] = {}

    def add_article(self, article_id: str, published: str, title: str) -> None:
        self.articles[article_id] = (published, title)

    def add_member(self, seq: int, row: dict) -> None:
        self.members.append(row)

    def set_register_ids(self, groups: dict[str, list[int]]) -> None:
        self.rid = {i: rid for rid, members in groups.items() for i in members}

    def groups(self) -> Iterator[tuple[str, list[dict], dict[str, str], dict[str, str]]]:
        by_rid: dict[str, list[int]] = {}
        for i in sorted(self.rid):
            by_rid.setdefault(self.rid[i], []).append(i)
        for rid in sorted(by_rid):
            members = sorted((self.members[i] for i in by_rid[rid]),
                             key=lambda r: (r.get("article_id", ""), r["agreement_id"]))
            yield rid, members, *self._about(members)

    def _about(self, members: list[dict]) -> tuple[dict[str, str], dict[str, str]]:
        aids = {r.get("article_id", "") for r in members}
        published = {a: self.articles[a][0] for a in aids if a in self.articles}
        titles = {a: self.articles[a][1] for a in aids if a in self.articles}
        return published, titles

    def keep(self, rid: str, members: list[dict], events: list[dict], titles: dict[str, str]) -> None:
        self._kept[rid] = (members, events, titles)

    def kept(self) -> Iterator[tuple[str, list[dict], list[dict], dict[str, str]]]:
        for rid in sorted(self._kept):
            yield rid, *self._kept[rid]

    def events_of(self, rid: str) -> list[dict]:
        return self._kept[rid][1] if rid in self._kept else []

    def titles(self) -> Iterator[tuple[str, str]]:
        for aid in sorted(self.articles):
            yield aid, self.articles[aid][1]

    def close(self) -> None:
        self.members, self.rid, self._kept = [], {}, {}


class SqliteStore(MemoryStore):
    """The groups in a scratch SQLite file under folder (the system's temp folder when folder is
    None or absent); SQLite's page cache is at most cache_mb, and it sorts on disk beyond that."""

    def __init__(self, folder: Path | str | None = None, cache_mb: int = DEFAULT_CACHE_MB) -> None:
        where = str(folder) if folder is not None and os.path.isdir(folder) else None
        fd, self.path = tempfile.mkstemp(prefix=".register-", suffix=".tmp", dir=where)
        os.close(fd)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE",
                           f"cache_size=-{max(1, int(cache_mb)) * 1024}"):
                self.db.execute(f"PRAGMA {pragma}")
            self.db.executescript("""
                CREATE TABLE articles (aid BLOB PRIMARY KEY, article_id BLOB, about BLOB);
                CREATE TABLE members (seq INTEGER PRIMARY KEY, rid TEXT, aid BLOB, agid BLOB, row BLOB);
                CREATE TABLE kept (rid TEXT PRIMARY KEY, members BLOB, events BLOB, titles BLOB);
                BEGIN;""")
        except BaseException:
            self.close()
            raise
        self._rid_set = False

    def add_article(self, article_id: str, published: str, title: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?)",
                        (_sort_key(article_id), _dump(article_id), _dump((published, title))))

    def add_member(self, seq: int, row: dict) -> None:
        self.db.execute("INSERT INTO members VALUES (?, NULL, ?, ?, ?)",
                        (seq, _sort_key(row.get("article_id", "")), _sort_key(row["agreement_id"]), _dump(row)))

    def set_register_ids(self, groups: dict[str, list[int]]) -> None:
        self.db.executemany("UPDATE members SET rid = ? WHERE seq = ?",
                            ((rid, i) for rid, members in groups.items() for i in members))
        self.db.execute("COMMIT")
        self.db.execute("CREATE INDEX members_order ON members (rid, aid, agid, seq)")
        self.db.execute("BEGIN")

    def groups(self) -> Iterator[tuple[str, list[dict], dict[str, str], dict[str, str]]]:
        rid, members, about = None, [], {}
        cur = self.db.execute(
            "SELECT m.rid, m.row, a.article_id, a.about FROM members m LEFT JOIN articles a ON a.aid = m.aid "
            "WHERE m.rid IS NOT NULL ORDER BY m.rid, m.aid, m.agid, m.seq")
        for r, row, aid, info in cur:
            if r != rid:
                if rid is not None:
                    yield rid, members, *self._split(about)
                rid, members, about = r, [], {}
            members.append(pickle.loads(row))
            if aid is not None:
                about[pickle.loads(aid)] = pickle.loads(info)
        if rid is not None:
            yield rid, members, *self._split(about)

    @staticmethod
    def _split(about: dict[str, tuple[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
        return {a: p for a, (p, _) in about.items()}, {a: t for a, (_, t) in about.items()}

    def keep(self, rid: str, members: list[dict], events: list[dict], titles: dict[str, str]) -> None:
        self.db.execute("INSERT INTO kept VALUES (?, ?, ?, ?)", (rid, _dump(members), _dump(events), _dump(titles)))

    def kept(self) -> Iterator[tuple[str, list[dict], list[dict], dict[str, str]]]:
        for rid, members, events, titles in self.db.execute("SELECT * FROM kept ORDER BY rid"):
            yield rid, pickle.loads(members), pickle.loads(events), pickle.loads(titles)

    def events_of(self, rid: str) -> list[dict]:
        found = self.db.execute("SELECT events FROM kept WHERE rid = ?", (rid,)).fetchone()
        return pickle.loads(found[0]) if found else []

    def titles(self) -> Iterator[tuple[str, str]]:
        for aid, about in self.db.execute("SELECT article_id, about FROM articles ORDER BY aid"):
            yield pickle.loads(aid), pickle.loads(about)[1]

    def close(self) -> None:
        db, self.db = getattr(self, "db", None), None
        if db is not None:
            db.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass
