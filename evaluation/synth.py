"""Synthetic news articles for the scale benchmark (not for quality measurement).

Articles are assembled from the sentence templates in resources/synth_templates.jsonl and
the vocabulary in resources/synth_vocab.jsonl (states, people, offices, agreements, motives,
organisations): a headline, a byline, a dateline or a metadata sidecar, a lead and 10-16
body paragraphs of one to three sentences, with varied agreements, parties, dates (absolute
and relative) and stated motives. Article i depends only on (seed, i), so a corpus of 500 is
the first 500 articles of a corpus of 5,000.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
from functools import lru_cache
from pathlib import Path

from pipeline.resources import load_jsonl

HERE = Path(__file__).resolve().parent / "resources"   # evaluation data, not product resources
VOCAB = "synth_vocab.jsonl"
TEMPLATES = "synth_templates.jsonl"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SLOT = re.compile(r"\{([A-Za-z_0-9]+)\}")
A_BEFORE_VOWEL = re.compile(r"\b([Aa]) (?=[AEIOUaeiou])")


@lru_cache(maxsize=1)
def _pools() -> dict[str, list[dict]]:
    pools: dict[str, list[dict]] = {}
    for row in load_jsonl(VOCAB, HERE):
        pools.setdefault("v:" + row["type"], []).append(row)
    for row in load_jsonl(TEMPLATES, HERE):
        pools.setdefault("t:" + row["kind"], []).append(row)
    return pools


def _values(kind: str) -> list[str]:
    return [r.get("value") or r.get("text") for r in _pools()[kind]]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _date_text(d: dt.date, rng: random.Random) -> str:
    style = rng.randrange(3)
    if style == 0:
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == 1:
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{MONTHS[d.month - 1]} {d.day}"


class _Article:
    """The slot values of one article, drawn once so that names stay consistent."""

    def __init__(self, rng: random.Random, published: dt.date):
        p = _pools()
        self.rng = rng
        self.published = published
        a, b, c, d = rng.sample(p["v:state"], 4)
        first, last = _values("v:first_name"), _values("v:last_name")

        def person() -> str:
            return f"{rng.choice(first)} {rng.choice(last)}"
        ag, ag2 = rng.sample(p["v:agreement"], 2)
        self.fixed = {
            "A": a["name"], "B": b["name"], "C": c["name"], "D": d["name"],
            "a": a["demonym"], "b": b["demonym"],
            "CITY": a["capital"], "CITY_A": a["capital"], "CITY_B": b["capital"],
            "LEADER_A": f"{a['demonym']} {a['leader_title']} {person()}",
            "LEADER_B": f"{b['demonym']} {b['leader_title']} {person()}",
            "PERSON_A": person(), "PERSON_B": person(),
            "OFFICE_A": rng.choice(_values("v:office")),
            "SOURCE": rng.choice(_values("v:byline_role")),
            "AGR": self._agreement(ag, a, b), "AGR2": ag2["name"],
            "AGR_SHORT": f"a {ag['kind']} pact" if rng.random() < 0.5 else f"a new {ag['name'].lower()}",
            "ACR_OR_DEAL": ag["acronym"] or "agreement",
        }

    def _agreement(self, ag: dict, a: dict, b: dict) -> str:
        r = self.rng.random()
        if ag["acronym"] and r < 0.4:
            return f"the {ag['name']} ({ag['acronym']})"
        if r < 0.7:
            return f"the {a['demonym']}-{b['demonym']} {ag['name']}"
        return f"a {ag['name']}"

    def slot(self, name: str) -> str:
        if name in self.fixed:
            return self.fixed[name]
        rng, pub = self.rng, self.published
        past = pub - dt.timedelta(days=rng.randrange(20, 2500))
        future = pub + dt.timedelta(days=rng.randrange(20, 900))
        simple = {
            "WEEKDAY": lambda: rng.choice(WEEKDAYS),
            "DATE_FULL": lambda: _date_text(future if rng.random() < 0.3 else past, rng),
            "WHEN_PAST": lambda: rng.choice(["last week", "earlier this month", "last year",
                                             f"in {MONTHS[past.month - 1]}", f"on {_date_text(past, rng)}"]),
            "WHEN_FUTURE": lambda: rng.choice(["next year", "next month", f"by the end of {MONTHS[future.month - 1]}",
                                               f"within {rng.choice([30, 60, 90])} days", f"in {future.year}",
                                               f"on {_date_text(future, rng)}"]),
            "YEAR_PAST": lambda: str(past.year),
            "MONTH": lambda: MONTHS[future.month - 1],
            "MONTH_PAST": lambda: MONTHS[past.month - 1],
            "N": lambda: str(rng.choice([2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 40])),
            "PERIOD": lambda: rng.choice(["six months", "year", "three months", "two years"]),
            "OFFICE": lambda: rng.choice(_values("v:office")),
            "MOTIVE": lambda: rng.choice(_values("v:motive")),
            "ORG": lambda: rng.choice(_values("v:organization")),
            "CLAUSE": lambda: self.fill(rng.choice(_values("t:clause")), cap=False),
            "CLAUSE_SHORT": lambda: rng.choice(_values("t:clause_short")[:4]),
            "CLAUSE_SHORT2": lambda: rng.choice(_values("t:clause_short")[::-1][:3]),
            "TOPIC": lambda: rng.choice(_values("t:topic")),
            "MOTIVE_LONG": lambda: rng.choice(_values("t:motive_long")),
        }
        if name not in simple:
            raise KeyError(f"{TEMPLATES}: unknown slot {{{name}}}")
        return simple[name]()

    def fill(self, template: str, cap: bool = True) -> str:
        text = A_BEFORE_VOWEL.sub(r"\1n ", SLOT.sub(lambda m: self.slot(m.group(1)), template))
        return _cap(text) if cap else text


def article(i: int, seed: int = 0) -> tuple[str, str, dict]:
    """(article_id, text, sidecar metadata or {}) of synthetic article i."""
    rng = random.Random(f"synth:{seed}:{i}")
    published = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(0, 3650))
    art = _Article(rng, published)
    p = _pools()
    title = art.fill(rng.choice(p["t:headline"])["text"])
    first, last = _values("v:first_name"), _values("v:last_name")
    lines = [title, f"By {rng.choice(first)} {rng.choice(last)}, {art.fixed['SOURCE']}"]
    meta: dict = {}
    if rng.random() < 0.5:
        site = rng.choice(_values("v:site"))
        meta = {"title": title, "published": published.isoformat(), "site": site,
                "url": f"https://{site}/{published:%Y/%m/%d}/article-{seed}-{i}"}
    else:
        lines.append(f"{MONTHS[published.month - 1]} {published.day}, {published.year}")
    lines.append(art.fill(rng.choice(p["t:lead"])["text"]))
    body = [r["text"] for r in p["t:body"]]
    rng.shuffle(body)
    n_par = rng.randint(10, 16)
    pos = 0
    for _ in range(n_par):
        k = rng.randint(1, 3)
        sents = [art.fill(t) for t in body[pos:pos + k]]
        pos += k
        if not sents:
            break
        lines.append(" ".join(sents))
    return f"synth_{seed}_{i:06d}", "\n\n".join(lines) + "\n", meta


def write_corpus(folder: Path, n: int, seed: int = 0, start: int = 0) -> int:
    """Write articles start..start+n-1 as .txt files (with .meta.json sidecars for about half)
    into folder; returns the number of words written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for i in range(start, start + n):
        aid, text, meta = article(i, seed)
        (folder / f"{aid}.txt").write_text(text, encoding="utf-8")
        if meta:
            (folder / f"{aid}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        words += len(text.split())
    return words
