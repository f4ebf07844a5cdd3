"""The register's history of an agreement: the lifecycle order of statuses, the status events of a
register row's member rows, the status and date they add up to, the conflicts between them, and the
register row itself (name, parties, status) made from its members. Pure functions over plain rows;
register.py builds the register with them (and re-exports them: register.current_status, ...)."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from urllib.parse import quote

from pipeline.write.register_keys import split_list
from pipeline.write.tables import join_list

PAGE_DIR = "report/register"     # a register row's page, its source_link

# lifecycle order: the most advanced status of undated claims; which claims contradict which
RANK = {"unspecified": 0, "proposed": 1, "under_negotiation": 2, "signed": 3, "ratified": 4, "in_force": 5,
        "existing": 5, "suspended": 6, "terminated": 7}
BEFORE_SIGNING = ("proposed", "under_negotiation")
SIGNED_OR_LATER = ("signed", "ratified", "in_force", "existing")
ENDED = ("terminated", "suspended")
REVIVED = ("in_force", "existing", "ratified")

FULL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


# ---------------------------------------------------------------- small pieces
def date_key(value: str | None) -> str:
    """The known leading part of a date ('2021-03-02', '2021-03', '2021'); '' when the year is
    unknown ('XXXX-09-15') or there is none. '2021-XX-05' -> '2021'."""
    m = FULL_DATE.match((value or "").strip())
    return m.group(0) if m else ""


def same_or_later(a: str, b: str) -> bool:
    """a >= b on the precision both share ('2021-03' vs '2021-03-02' count as the same)."""
    n = min(len(a), len(b))
    return a[:n] >= b[:n]


def strictly_later(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    return a[:n] > b[:n]


def sentence_of(row: dict) -> str:
    """The evidence sentence of an agreements row: from its source_link (#s<n>), else its first
    sentence."""
    link = row.get("source_link") or ""
    n = link.rsplit("#s", 1)[-1] if "#s" in link else ""
    if n.isdigit():
        return f"{row.get('article_id', '')}:{n}"
    ids = split_list(row.get("sentence_ids"))
    return ids[0] if ids else ""




# ---------------------------------------------------------------- 4. history and status
def events_for(rid: str, members: list[dict], published: dict[str, str]) -> list[dict]:
    """The status claims of one register row, in date order (the event date, else the
    publication date; claims with neither first)."""
    evs = [{"register_id": rid, "status": r.get("status") or "unspecified", "event_date": r.get("status_date", ""),
            "published": published.get(r.get("article_id", ""), ""), "article_id": r.get("article_id", ""),
            "agreement_id": r["agreement_id"], "sentence_id": sentence_of(r), "evidence": r.get("evidence", "")}
           for r in members]
    return sorted(evs, key=_order)


def when(ev: dict) -> str:
    """When a claim holds: its event date, else the date the article was published."""
    return date_key(ev.get("event_date")) or date_key(ev.get("published"))


def _order(ev: dict) -> tuple:
    w = when(ev)
    return (w != "", w, date_key(ev.get("published")), ev["article_id"], ev["agreement_id"])


def current_status(events: list[dict]) -> tuple[str, str]:
    """(status, status_date): the latest dated claim (ties: the later publication, then the more
    advanced status); with no dated claim, the most advanced one, undated."""
    claims = [e for e in events if e["status"] != "unspecified"]
    dated = [e for e in claims if when(e)]
    if dated:
        last = max(dated, key=lambda e: (when(e), date_key(e["published"]), RANK.get(e["status"], 0)))
        return last["status"], when(last)
    if claims:
        return max(claims, key=lambda e: (RANK.get(e["status"], 0), e["article_id"]))["status"], ""
    return "unspecified", ""


def conflicts(events: list[dict]) -> list[str]:
    """Claims that cannot both hold, each as a short reason naming both sources:
    - signed or later on a date, then (published on the same or a later date, about no earlier
      date) not yet signed, with no termination or suspension between;
    - terminated, then in force (or ratified, existing) with no dated event between."""
    out: list[str] = []
    for a in events:
        wa = when(a)
        if not wa:
            continue
        if a["status"] in SIGNED_OR_LATER:
            for b in events:
                pb, eb = date_key(b["published"]), date_key(b["event_date"])
                if b["status"] not in BEFORE_SIGNING or b["article_id"] == a["article_id"] or not pb:
                    continue
                if not same_or_later(pb, wa) or (eb and not same_or_later(eb, wa)):
                    continue
                wb = when(b)
                if any(e["status"] in ENDED and when(e) and same_or_later(when(e), wa) and same_or_later(wb, when(e))
                       for e in events):
                    continue
                out.append(f"{b['status']} in {b['article_id']} ({pb}) after {a['status']} "
                           f"in {a['article_id']} ({wa})")
        if a["status"] == "terminated":
            for b in events:
                wb = when(b)
                if b["status"] not in REVIVED or not wb or not strictly_later(wb, wa) or date_key(b["event_date"]):
                    continue
                if any(date_key(e["event_date"]) and strictly_later(when(e), wa) and strictly_later(wb, when(e))
                       for e in events):
                    continue
                out.append(f"{b['status']} in {b['article_id']} ({wb}) after terminated "
                           f"in {a['article_id']} ({wa}) with no dated event between")
    return sorted(set(out))


def _most_common(values: list[str]) -> str:
    c = Counter(v for v in values if v)
    return min(c, key=lambda v: (-c[v], -len(v), v)) if c else ""


def register_row(rid: str, members: list[dict], events: list[dict], published: dict[str, str]) -> dict:
    status, status_date = current_status(events)
    dates = sorted(d for d in (date_key(published.get(r.get("article_id", ""), "")) for r in members) if d)
    return {
        "register_id": rid, "name": _most_common([r.get("name", "") for r in members]),
        "acronym": _most_common([r.get("acronym", "") for r in members]),
        "kind": _most_common([r.get("kind", "") for r in members]),
        "parties": join_list(p for r in members for p in split_list(r.get("parties"))),
        "status": status, "status_date": status_date,
        "first_reported": dates[0] if dates else "", "last_reported": dates[-1] if dates else "",
        "n_articles": len({r.get("article_id", "") for r in members}),
        "agreement_ids": join_list(r["agreement_id"] for r in members),
        "conflict": "; ".join(conflicts(events)),
        "review_status": "pending", "reviewer": "", "review_note": "", "merge_into": "", "split": "",
        "source_link": f"{PAGE_DIR}/{quote(rid)}.html",
    }


def party_articles(members: list[dict]) -> dict[str, list[str]]:
    """Each party with the articles that name it (a treaty named with different subsets)."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in members:
        for p in split_list(r.get("parties")):
            out[p].add(r.get("article_id", ""))
    return {p: sorted(a) for p, a in sorted(out.items())}
