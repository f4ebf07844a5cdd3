"""Tables: Extractions -> rows of the contract tables, with stable content-hash IDs and
source links. Pure functions; the column order is the one in schemas.py.
"""
from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from pipeline.config import modules_digest
from pipeline.records import Extraction
from pipeline.schemas import ACTORS, AGREEMENTS, DATES, MOTIVES, TABLES


def stable_id(prefix: str, *parts: object) -> str:
    """Same inputs -> same ID on every run and machine (no run order, no randomness)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:16]}"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def join_list(values) -> str:
    return "; ".join(sorted({str(v) for v in values if str(v).strip()}))


UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f]|^\.|^$")


def page_name(article_id: str) -> str:
    """File name of an article's report page: the ID itself unless it cannot be one file name
    (a JSONL id may hold '/', a leading dot, control characters) or would be the index's: then a
    slug plus a hash, so no ID can write outside report/ or over report/index.html."""
    if not UNSAFE_NAME.search(article_id) and len(article_id.encode("utf-8")) <= 200 \
            and article_id.lower() != "index":            # report/index.html is the index's
        return f"{article_id}.html"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", article_id).strip("._")[:60] or "article"
    return f"{slug}-{stable_id('p', article_id)[2:12]}.html"


def source_link(article_id: str, n: int) -> str:
    """Relative link to sentence n of the article's report page (percent-encoded)."""
    return f"report/{quote(page_name(article_id))}#s{n}"


def _review(link_base: str, n: int) -> dict:
    """The review columns of a fresh row; link_base is source_link(article_id, n) without the n."""
    return {"review_status": "pending", "reviewer": "", "review_note": "", "source_link": f"{link_base}{n}"}


def _why(finding) -> str:
    """The `why` cell: the finding's ids in the order they were found, `; `-joined (a finding
    pickled before the field existed has none)."""
    return "; ".join(dict.fromkeys(getattr(finding, "why", None) or ()))


def rows_for(ex: Extraction) -> dict[str, list[dict]]:
    """All table rows for one article (errors excluded)."""
    a = ex.article
    aid, sha = a.article_id, text_sha256(a.text)
    sid = lambda n: f"{aid}:{n}"  # noqa: E731
    link = source_link(aid, 0)[:-1]
    out: dict[str, list[dict]] = {name: [] for name in TABLES if name != "errors"}
    out["articles"].append({
        "article_id": aid, "source_path": a.source_path, "title": a.title, "url": a.url,
        "site": a.site, "author": a.author, "published": a.published,
        "published_source": a.published_source, "language": a.language,
        "n_sentences": len(ex.sentences), "text_sha256": sha})
    for s in ex.sentences:
        out["sentences"].append({"sentence_id": s.sentence_id, "article_id": aid, "n": s.n,
                                 "char_start": s.start, "char_end": s.end, "text": s.text})
    ag_ids = [stable_id(AGREEMENTS.id_prefix, aid, sha, ag.name, ag.acronym, join_list(ag.parties)) for ag in ex.agreements]
    for ag, ag_id in zip(ex.agreements, ag_ids):
        out["agreements"].append({
            "agreement_id": ag_id,
            "article_id": aid, "name": ag.name, "acronym": ag.acronym, "kind": ag.kind,
            "parties": join_list(ag.parties), "status": ag.status, "status_date": ag.status_date,
            "sentence_ids": join_list(sid(n) for n in ag.sentence_ns),
            "evidence": ex.sentences[ag.evidence_n].text, "confidence": f"{ag.confidence:.2f}",
            **_review(link, ag.evidence_n), "why": _why(ag), "status_cue": getattr(ag, "status_cue", "")})
    for ac in ex.actors:
        out["actors"].append({
            "actor_id": stable_id(ACTORS.id_prefix, aid, sha, ac.name, ac.type), "article_id": aid,
            "name": ac.name, "type": ac.type, "country": ac.country, "role": ac.role,
            "aliases": join_list(ac.aliases), "n_mentions": len(ac.mentions),
            "sentence_ids": join_list(sid(n) for n in ac.sentence_ns),
            **_review(link, ac.sentence_ns[0] if ac.sentence_ns else 0), "why": _why(ac)})
    for d in ex.dates:
        out["dates"].append({
            "date_id": stable_id(DATES.id_prefix, aid, sha, d.start, d.end), "article_id": aid,
            "sentence_id": sid(d.sentence_n), "char_start": d.start, "char_end": d.end,
            "text": d.text, "value": d.value, "anchor": d.anchor, **_review(link, d.sentence_n), "why": _why(d)})
    for m in ex.motives:
        out["motives"].append({
            "motive_id": stable_id(MOTIVES.id_prefix, aid, sha, m.start, m.end, m.agreement), "article_id": aid,
            "sentence_id": sid(m.sentence_n), "char_start": m.start, "char_end": m.end,
            "text": m.text, "cue": m.cue, "agreement": m.agreement, "actor": m.actor,
            **_review(link, m.sentence_n),
            "agreement_id": ag_ids[m.agreement_n] if 0 <= m.agreement_n < len(ag_ids) else "", "why": _why(m)})
    for name, schema in TABLES.items():
        if name not in OWN_ROWS:
            out[name] = finding_rows(schema, ex.findings(name), aid, sha)
    return out


# The tables rows_for makes itself; any other table of TABLES is an extractor's, made by finding_rows.
OWN_ROWS = frozenset({"articles", "sentences", "agreements", "actors", "dates", "motives", "errors"})


def finding_rows(schema, findings: list, aid: str, sha: str) -> list[dict]:
    """The rows of an extractor's table, one per finding, from its schema: the key is a stable id
    of the article and the finding's schema.id_fields; article_id, sentence_id (of sentence_n),
    char_start/char_end (of start/end), the review columns and why are filled as in the other
    tables; any other column takes the finding's attribute of that name (a list `; `-joined). A
    finding may be a record or, read back from the extract stage's artifact, its dict."""
    link = source_link(aid, 0)[:-1]
    out = []
    for f in findings:
        value = f.get if isinstance(f, dict) else lambda name, default="", f=f: getattr(f, name, default)
        n = value("sentence_n", 0)
        known = {schema.key: stable_id(schema.id_prefix or schema.name[:2], aid, sha,
                                       *(value(a) for a in schema.id_fields)),
                 "article_id": aid, "sentence_id": f"{aid}:{n}", "char_start": value("start", ""),
                 "char_end": value("end", ""), **_review(link, n),
                 "why": "; ".join(dict.fromkeys(value("why", None) or ()))}
        row = {}
        for c in schema.columns:
            cell = known[c] if c in known else value(c, "")
            row[c] = join_list(cell) if isinstance(cell, (list, tuple, set, frozenset)) else cell
        out.append(row)
    return out


def pack(rows: dict[str, list[dict]]) -> dict[str, list[tuple]]:
    """Rows as tuples in their table's column order (what the cache stores with an extraction:
    smaller to keep and quicker to read back than dicts); unpacked by run.add_packed."""
    return {name: [tuple(row[c] for c in TABLES[name].columns) for row in table]
            for name, table in rows.items()}


def rows_version() -> str:
    """Hash of the code that makes packed rows from an Extraction (this module and the column
    order in schemas.py): rows cached under another version are made again from the extraction."""
    return modules_digest("write/tables", "schemas")
