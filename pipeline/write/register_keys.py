"""The register's keys: what makes two per-article agreement rows one real agreement (step 1 and 2
of pipeline.write.register): the canonical key of a row (catalogue entry, or kind + party set +
the descriptive words of its name), the clustering of keys, and the stable register_id of a
cluster (a hash of its key, never of an article)."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from pipeline.write.tables import join_list, stable_id

STOP = {"the", "of", "and", "on", "for", "a", "an", "between", "in", "to", "with", "new", "bilateral",
        "trilateral", "joint", "eu", "uk", "us", "usa", "u", "s", "k"}
HEADS = {"agreement", "agreements", "treaty", "pact", "deal", "accord", "accords", "arrangement", "convention",
         "protocol", "protocols", "memorandum", "understanding", "mou"}
WORD = re.compile(r"[a-z0-9]+")


def split_list(cell: str | None) -> list[str]:
    return [x.strip() for x in (cell or "").split(";") if x.strip()]


# ---------------------------------------------------------------- 1. keys
@dataclass(frozen=True)
class Catalogue:
    by_name: dict
    by_acronym: dict

    @staticmethod
    def load() -> "Catalogue":
        from pipeline.resources import load_jsonl
        by_name: dict[str, dict] = {}
        acr: dict[str, list[dict]] = defaultdict(list)
        for entry in load_jsonl("agreements.jsonl"):
            if entry.get("generic"):
                continue            # a type of instrument: keyed as generic, by its name and parties
            by_name[_norm(entry["name"])] = entry
            if entry.get("acronym"):
                acr[entry["acronym"]].append(entry)
        return Catalogue(by_name, {a: e[0] for a, e in acr.items() if len(e) == 1})

    def entry(self, row: dict) -> dict | None:
        return self.by_name.get(_norm(row.get("name"))) or self.by_acronym.get((row.get("acronym") or "").strip())


def _norm(s: str | None) -> str:
    return " ".join(WORD.findall((s or "").lower()))


def descriptive_words(name: str, parties) -> frozenset[str]:
    """The words of a name that describe the instrument: not party names, not stop words, not
    instrument heads (unless nothing else is left)."""
    party_words = {w for p in parties for w in WORD.findall(p.lower())}
    words = [w for w in WORD.findall((name or "").lower()) if w not in STOP and w not in party_words]
    desc = frozenset(w for w in words if w not in HEADS)
    return desc or frozenset(words)


def canonical(row: dict, catalogue: Catalogue) -> tuple:
    """The merge key of one agreements row (see the module docstring)."""
    parties = frozenset(split_list(row.get("parties")))
    entry = catalogue.entry(row)
    if entry is not None:
        if entry.get("bilateral"):
            return ("cat", entry["id"], parties)
        return ("cat", entry["id"])
    return ("gen", (row.get("kind") or "").strip(), parties, descriptive_words(row.get("name", ""), parties))


# ---------------------------------------------------------------- 2. clusters
class _Union:
    def __init__(self, n: int):
        self.up = list(range(n))

    def find(self, i: int) -> int:
        while self.up[i] != i:
            self.up[i] = self.up[self.up[i]]
            i = self.up[i]
        return i

    def join(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.up[max(a, b)] = min(a, b)


def _similar(a: frozenset, b: frozenset) -> bool:
    if not a or not b:
        return False
    return a <= b or b <= a or len(a & b) / len(a | b) >= 0.5


def cluster(keys: list[tuple], articles: list[str] | None = None) -> list[list[int]]:
    """Groups of row indexes that are one agreement (steps 2 of the module docstring), in the
    order of their first row. articles: the article of each row; two generic names of one article
    are never joined for their similar words (an article that names two instruments of one kind
    and party set differently, side by side, tells them apart: "Annex on Power Sharing" and
    "Annex on Wealth Sharing"), nor are the groups holding them."""
    u = _Union(len(keys))
    first: dict[tuple, int] = {}
    seen_in: dict[int, set[str]] = defaultdict(set)     # root -> the articles of its rows
    for i, k in enumerate(keys):
        if k in first:
            u.join(first[k], i)
        else:
            first[k] = i
    if articles is not None:
        for i, a in enumerate(articles):
            seen_in[u.find(i)].add(a)
    # generic names of one kind and party set that describe the same instrument
    by_kind_parties: dict[tuple, list[tuple]] = defaultdict(list)
    for k, i in first.items():
        if k[0] == "gen":
            by_kind_parties[(k[1], k[2])].append(k)
    for group in by_kind_parties.values():
        for x in range(len(group)):
            for y in range(x + 1, len(group)):
                if _similar(group[x][3], group[y][3]):
                    a, b = u.find(first[group[x]]), u.find(first[group[y]])
                    if a == b or seen_in[a] & seen_in[b]:
                        continue        # one group already, or one article names both apart
                    u.join(a, b)
                    seen_in[u.find(a)] = seen_in.pop(a) | seen_in.pop(b)
    # a party set naming only some parties of exactly one larger set of the same base key
    by_base: dict[tuple, list[frozenset]] = defaultdict(list)
    for k in first:
        if len(k) > 2:
            by_base[_base(k)].append(_parties(k))
    for base, sets in by_base.items():
        for s in sets:
            wider = [t for t in sets if s < t]
            tops = {t for t in wider if not any(t < o for o in wider)}
            if len(tops) == 1:
                (t,) = tops
                u.join(first[_with_parties(base, s)], first[_with_parties(base, t)])
    groups: dict[int, list[int]] = {}
    for i in range(len(keys)):
        groups.setdefault(u.find(i), []).append(i)
    return list(groups.values())


def _base(k: tuple) -> tuple:
    return (k[0], k[1]) if k[0] == "cat" else (k[0], k[1], k[3])


def _parties(k: tuple) -> frozenset:
    return k[2]


def _with_parties(base: tuple, parties: frozenset) -> tuple:
    return (base[0], base[1], parties) if base[0] == "cat" else (base[0], base[1], parties, base[2])


def register_id(keys: list[tuple]) -> str:
    """Stable ID of a cluster from its keys (content, never an article): the catalogue entry (and
    the widest party set of a pairwise instrument), or kind + widest party set + the most common
    descriptive words."""
    cat = sorted({k for k in keys if k[0] == "cat"}, key=lambda k: (len(k), str(k[1])))
    if cat:
        k = cat[0]
        if len(k) == 2:
            return stable_id("reg", "cat", k[1])
        widest = max((kk[2] for kk in keys if kk[0] == "cat" and kk[1] == k[1]), key=lambda p: (len(p), sorted(p)))
        return stable_id("reg", "cat", k[1], join_list(widest))
    widest = max((k[2] for k in keys), key=lambda p: (len(p), sorted(p)))
    kinds = Counter(k[1] for k in keys)
    kind = min(kinds, key=lambda x: (-kinds[x], x))
    words = Counter(keys_words for keys_words in (" ".join(sorted(k[3])) for k in keys))
    desc = min(words, key=lambda w: (-words[w], -len(w), w))
    return stable_id("reg", "gen", kind, join_list(widest), desc)
