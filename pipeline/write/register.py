"""The agreement register: one row per real-world agreement across the corpus (register.csv), its
dated history (status_events.csv), and where sources disagree (the `conflict` column).

Built from the tables alone (agreements.csv after the analysts' review, articles.csv): no NLP, no
model. Steps, each a pure function over rows:
1. key every per-article agreement row (`canonical`): a catalogued named treaty by its catalogue
   entry alone (the parties of the rows are united); a catalogued kind of instrument signed pair by
   pair (`bilateral`, e.g. ACSA) by entry + party set; anything else (generic instruments,
   uncatalogued names) by kind + party set + the descriptive words of its name;
2. cluster (`cluster`): rows of one key; generic names of one kind and party set whose descriptive
   words overlap (one contains the other, or Jaccard >= 0.5), unless one article names both (it
   tells them apart); a row naming only some of the parties
   of exactly one other group of its key (e.g. only "United States") joins that group;
3. apply the analysts' merge_into / split decisions (kept in review/register-decisions.csv, so a
   decision outlives the row it was written on);
4. order each row's status claims by date (the event date, else the publication date), take the
   latest dated one as the status and flag claims that cannot both hold (`conflicts`);
5. carry the analysts' review columns over (by register_id; a row whose ID changed because a new
   article re-keyed it is found again by the agreement rows it holds).
`build` reads and writes the files; run.py calls it at the end of a run, `python -m pipeline
register` on its own.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline.errors import PipelineError, format_error
from pipeline.schemas import AGREEMENT_STATUSES, REGISTER, REGISTER_REVIEW_STATUSES, \
    STATUS_EVENTS, TABLES, validate
from pipeline.write import csvio, files, review, spool
from pipeline.write.register_keys import (  # noqa: F401  (re-exported: register.cluster, ...)
    split_list, Catalogue, HEADS, STOP, WORD, _Union, _base, _norm, _parties, _similar, _with_parties, canonical, cluster, descriptive_words, register_id)
from pipeline.write.register_history import (  # noqa: F401  (re-exported: register.current_status, ...)
    PAGE_DIR, RANK, BEFORE_SIGNING, SIGNED_OR_LATER, ENDED, REVIVED, FULL_DATE, date_key, same_or_later, strictly_later, sentence_of, events_for, when, _order, current_status, conflicts, _most_common, register_row, party_articles)
from pipeline.write.register_store import DEFAULT_CACHE_MB, MemoryStore, SqliteStore
from pipeline.write.tables import stable_id

REGISTER_FILE = REGISTER.file
EVENTS_FILE = STATUS_EVENTS.file
DECISIONS = Path("review") / "register-decisions.csv"
ORPHANS = Path("review") / "register-orphans.csv"
DECISION_COLUMNS = ["decided_run", "decision", "register_id", "target", "agreement_ids", "reviewer", "review_note"]
ORPHAN_COLUMNS = ["register_id", "reason", "orphaned_run", "review_status", "reviewer", "review_note",
                  "name", "parties", "agreement_ids", "row_json"]
EDITABLE = ("name", "acronym", "kind", "parties", "status", "status_date")
ANALYST = ("review_status", "reviewer", "review_note")
YES = ("yes", "y", "true", "1", "x", "split")
NO = ("", "no", "n", "false", "0")

# ---------------------------------------------------------------- 3. decisions
def truthy_split(value: str | None) -> bool:
    return (value or "").strip().lower() in YES


def apply_decisions(groups: dict[str, list[int]], rows: list[dict], decisions: list[dict]
                    ) -> tuple[dict[str, list[int]], list[str]]:
    """Apply the ledger in order: split (each recorded agreement row becomes a row of its own),
    merge_into (the source row's agreement rows join the target). Returns the groups and one
    warning per merge whose target does not exist this run."""
    warnings: list[str] = []
    where = {i: rid for rid, members in groups.items() for i in members}
    by_agreement = {r["agreement_id"]: i for i, r in enumerate(rows)}
    groups = {rid: list(m) for rid, m in groups.items()}
    merged_into = {d["register_id"]: d["target"] for d in decisions if d["decision"] == "merge_into"}

    def move(i: int, dest: str) -> None:
        src = where[i]
        groups[src].remove(i)
        if not groups[src]:
            del groups[src]
        groups.setdefault(dest, []).append(i)
        where[i] = dest

    for d in decisions:
        recorded = [by_agreement[a] for a in split_list(d.get("agreement_ids")) if a in by_agreement]
        if d["decision"] == "split":
            for i in recorded:
                move(i, stable_id("reg", "split", rows[i]["agreement_id"]))
        elif d["decision"] == "merge_into":
            target, seen = d["target"], {d["register_id"]}
            while target not in groups and target in merged_into and target not in seen:
                seen.add(target)            # the target was itself merged into another row since
                target = merged_into[target]
            if target not in groups:
                warnings.append(format_error("E071", str(DECISIONS), f"{d['register_id']} is to merge into "
                                             f"{target}, which is not a register row this run"))
                continue
            if d["register_id"] in groups:
                source = set(groups[d["register_id"]])
            else:                           # re-keyed since (a new article): the rows it held
                source = {j for i in recorded for j in groups.get(where[i], [])}
            for i in sorted(source):
                if where[i] != target:
                    move(i, target)
    return groups, warnings


# ---------------------------------------------------------------- 5. review
def check_previous(records: list[tuple[int, dict]], path: str) -> list[str]:
    """Problems in the analysts' register rows (E070), each naming the line."""
    problems = []
    for line, row in records:
        status = review.norm_status(row.get("review_status"))
        where = f"line {line}"
        if status not in REGISTER_REVIEW_STATUSES:
            problems.append(f"{where}: review_status {row.get('review_status')!r} is not one of "
                            f"{', '.join(REGISTER_REVIEW_STATUSES)}")
        target = (row.get("merge_into") or "").strip()
        if target and (not re.fullmatch(r"reg-[0-9a-f]{16}", target) or target == row.get("register_id")):
            problems.append(f"{where}: merge_into {target!r} is not the register_id of another row")
        if (row.get("split") or "").strip().lower() not in YES + NO:
            problems.append(f"{where}: split {row.get('split')!r} is not yes or empty")
        if target and truthy_split(row.get("split")):
            problems.append(f"{where}: merge_into and split on one row; choose one")
        if status == "edited":
            if (row.get("status") or "") not in AGREEMENT_STATUSES:
                problems.append(f"{where}: status {row.get('status')!r} is not one of {', '.join(AGREEMENT_STATUSES)}")
            if not re.fullmatch(r"([\dX]{4}(-[\dX]{2}(-[\dX]{2})?)?)?", (row.get("status_date") or "").strip()):
                problems.append(f"{where}: status_date {row.get('status_date')!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return problems


def new_decisions(records: list[tuple[int, dict]], ledger: list[dict], run_id: str) -> list[dict]:
    """merge_into / split written in register.csv that the ledger does not hold yet."""
    have = {(d["decision"], d["register_id"], d.get("target", "")) for d in ledger}
    out = []
    for _, row in records:
        rid = (row.get("register_id") or "").strip()
        target = (row.get("merge_into") or "").strip()
        if target:
            d = ("merge_into", rid, target)
        elif truthy_split(row.get("split")):
            d = ("split", rid, "")
        else:
            continue
        if d in have:
            continue
        have.add(d)
        out.append({"decided_run": run_id, "decision": d[0], "register_id": rid, "target": d[2],
                    "agreement_ids": row.get("agreement_ids", ""), "reviewer": row.get("reviewer", ""),
                    "review_note": row.get("review_note", "")})
    return out


def carry_reviews(rows: list[dict], previous: list[dict], decided: set[str], orphans_before: list[dict],
                  run_id: str) -> tuple[list[dict], list[dict]]:
    """Analyst columns from the previous register onto this run's rows (by ID, else by the agreement
    rows the old row held); edited rows keep the analyst's values. Returns (rows, orphans)."""
    by_id = {r["register_id"]: r for r in rows}
    holder: dict[str, str] = {}         # agreement_id -> register_id, made when first needed
    old = [p for p in previous if review.is_reviewed(p) and p["register_id"] not in decided]
    back = {o["register_id"]: o for o in orphans_before}
    old_ids = {p.get("register_id") for p in old}          # sets: linear in the rows, not quadratic
    for rid, o in back.items():
        if rid in by_id and rid not in old_ids:
            try:
                old.append(json.loads(o.get("row_json") or "{}"))
            except ValueError:
                continue
            old_ids.add(old[-1].get("register_id"))
    taken: set[str] = set()
    lost: list[dict] = []
    for p in sorted(old, key=lambda p: p.get("register_id") not in by_id):
        rid = p.get("register_id", "")
        if rid not in by_id:
            if not holder:
                holder = {a: r["register_id"] for r in rows for a in split_list(r["agreement_ids"])}
            votes = Counter(holder[a] for a in split_list(p.get("agreement_ids")) if a in holder)
            rid = next((r for r, _ in votes.most_common() if r not in taken and r not in old_ids), "")
        if not rid or rid in taken:
            lost.append(p)
            continue
        taken.add(rid)
        row = by_id[rid]
        for c in ANALYST:
            row[c] = p.get(c, "")
        row["review_status"] = review.norm_status(p.get("review_status"))
        for c, v in p.items():
            if c not in REGISTER.columns and not c.startswith("_"):
                row[c] = v              # a column the analyst added
        if row["review_status"] == "edited":
            for c in EDITABLE:
                if c in p:
                    row[c] = p[c]
    orphans = [o for rid, o in back.items() if rid not in by_id]
    orphans += [{"register_id": p.get("register_id", ""), "reason": "no longer in the register",
                 "orphaned_run": run_id, "review_status": p.get("review_status", ""),
                 "reviewer": p.get("reviewer", ""), "review_note": p.get("review_note", ""),
                 "name": p.get("name", ""), "parties": p.get("parties", ""),
                 "agreement_ids": p.get("agreement_ids", ""),
                 "row_json": json.dumps({k: v for k, v in p.items() if not k.startswith("_")},
                                        ensure_ascii=False, sort_keys=True)} for p in lost]
    return rows, orphans


# ---------------------------------------------------------------- the whole build (pure)
@dataclass
class Register:
    rows: list[dict]
    events: list[dict]                        # the status events, in register_id order (a list or a spool)
    store: MemoryStore                        # the agreement rows of each register row (write/register_store)
    decisions: list[dict]
    orphans: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    n_members: int = 0                        # agreement rows in the register
    n_events: int = 0

    @property
    def members(self) -> dict[str, list[dict]]:
        """register_id -> its agreements rows (all of them at once: for small registers and tests)."""
        return {rid: members for rid, members, _, _ in self.store.kept()}


def assemble(agreements: Iterable[dict], articles: Iterable[dict], previous: list[tuple[int, dict]] | None = None,
             decisions: list[dict] | None = None, orphans_before: list[dict] | None = None,
             run_id: str = "", catalogue: Catalogue | None = None, store: MemoryStore | None = None,
             events: list | None = None) -> Register:
    """The register from the agreements rows (rejected rows left out) and the articles rows.
    store: where the rows are grouped (register_store.SqliteStore keeps them on disk; default:
    dicts); events: what the status events are appended to (default: a list; a spool keeps them on
    disk). Each of agreements and articles is read once; what stays in memory is a key and an
    article reference per agreement row, and the register rows."""
    previous = previous or []
    catalogue = catalogue or Catalogue.load()
    store = store if store is not None else MemoryStore()
    events = events if events is not None else []
    for a in articles:
        store.add_article(a.get("article_id", ""), a.get("published", ""), a.get("title", ""))
    ledger = list(decisions or []) + new_decisions(previous, list(decisions or []), run_id)
    keys: list[tuple] = []
    row_articles: list[str] = []
    agreement_ids: list[str] = []           # only for the analysts' decisions, when there are any
    same_key: dict[tuple, tuple] = {}
    same_article: dict[str, str] = {}
    for r in agreements:
        if review.norm_status(r.get("review_status")) == "rejected":
            continue
        k = canonical(r, catalogue)
        a = r.get("article_id", "")
        keys.append(same_key.setdefault(k, k))
        row_articles.append(same_article.setdefault(a, a))
        if ledger:
            agreement_ids.append(r["agreement_id"])
        store.add_member(len(keys) - 1, r)
    groups: dict[str, list[int]] = {}
    for members in cluster(keys, row_articles):
        groups.setdefault(register_id([keys[i] for i in members]), []).extend(members)
    n_members = len(keys)
    del keys, row_articles, same_key, same_article
    warnings: list[str] = []
    if ledger:
        groups, warnings = apply_decisions(groups, [{"agreement_id": a} for a in agreement_ids], ledger)
    store.set_register_ids(groups)
    rids = set(groups)
    del groups, agreement_ids
    out: list[dict] = []
    n_events = 0
    for rid, members, published, titles in store.groups():
        evs = events_for(rid, members, published)
        out.append(register_row(rid, members, evs, published))
        events.extend(evs)
        n_events += len(evs)
        store.keep(rid, members, evs, titles)
    # rows a decision took apart or away: their old review is not carried onto what is left
    decided = {d["register_id"] for d in ledger if d["decision"] == "split" or d["register_id"] not in rids}
    out, orphans = carry_reviews(out, [r for _, r in previous], decided, orphans_before or [], run_id)
    return Register(out, events, store, ledger, orphans, warnings, n_members, n_events)


# ---------------------------------------------------------------- files
def read_ledger(out_dir: Path) -> list[dict]:
    path = out_dir / DECISIONS
    rows = csvio.read_csv_records(path, required=("decision", "register_id"))
    out = []
    for line, d in rows:
        d["decision"] = (d.get("decision") or "").strip()
        d["register_id"] = (d.get("register_id") or "").strip()
        d["target"] = (d.get("target") or "").strip()
        if d["decision"] not in ("merge_into", "split") or (d["decision"] == "merge_into" and not d["target"]):
            raise PipelineError("E072", str(path), f"decision {d['decision']!r} with target {d['target']!r} is "
                                "not merge_into (with a target) or split", line)
        out.append(d)
    return out


def read_previous(out_dir: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    """The register as analysts left it (E031 when unreadable, E070 when a decision is invalid)."""
    path = out_dir / REGISTER_FILE
    header, records = csvio.read_csv_table(path, required=("register_id",))
    problems = check_previous(records, str(path))
    if problems:
        shown = "; ".join(problems[:10]) + (f" (+{len(problems) - 10} more)" if len(problems) > 10 else "")
        raise PipelineError("E070", str(path), f"{len(problems)} reviewed cell(s) cannot be kept: {shown}; "
                            "fix them in the spreadsheet and run again; nothing was overwritten")
    return header, records


def check(out_dir: Path) -> None:
    """Fail fast, before a run's NLP, on a register or decisions file that cannot be merged."""
    read_previous(Path(out_dir))
    read_ledger(Path(out_dir))


def _columns(header: list[str]) -> list[str]:
    cols = list(REGISTER.columns)
    return cols + [h for h in header if h and h not in cols]


def build(out_dir: Path, tables: dict[str, list[dict]] | None = None, run_id: str | None = None,
          pages: bool = True, settings: dict | None = None) -> Register:
    """Rebuild the register of out_dir: from `tables` (a run's final agreements and articles rows)
    or, without, from agreements.csv and articles.csv on disk. Writes register.csv,
    status_events.csv, reviewed/register.csv, the decisions and orphans files (each only when
    changed; the previous register.csv goes to history/<run-id>/ first) and the register pages.
    The agreement rows are grouped in a scratch SQLite file and the status events spooled, both
    beside the outputs, so the memory this takes is bounded by settings (`[output]
    register_cache_mb`, `register_batch`) and the register rows, not by the agreement rows."""
    out_dir = Path(out_dir)
    limits = (settings or {}).get("output", {})
    inputs = _inputs_digest(out_dir, tables) if pages else None
    memo = files.read_memo(out_dir / MEMO)
    if inputs is not None and memo.get("inputs") == inputs and _outputs_digest(out_dir) == memo.get("outputs"):
        # the same rows and review files as the last build, whose outputs are still on disk as it
        # wrote them, and that build was a fixed point (its review files came out as they went
        # in): building again would write the same bytes (a cached re-run); nothing is read
        return Register([], [], MemoryStore(), [], warnings=list(memo.get("warnings", [])),
                        n_members=memo.get("n_members", 0), n_events=memo.get("n_events", 0))
    if tables is None:
        tables = {}
        for name in ("agreements", "articles"):
            path = out_dir / TABLES[name].file
            if not path.exists():
                raise PipelineError("E073", str(path), "the register is built from agreements.csv and articles.csv, "
                                    "and this folder has none")
            tables[name] = csvio.read_csv(path, required=(TABLES[name].key,))
    header, previous = read_previous(out_dir)
    ledger = read_ledger(out_dir)
    orphans_before = csvio.read_csv(out_dir / ORPHANS)
    run_id = run_id or f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-register"
    store = SqliteStore(out_dir, limits.get("register_cache_mb", DEFAULT_CACHE_MB))
    events = spool.Spool(out_dir)
    try:
        reg = assemble(tables.get("agreements", []), tables.get("articles", []), previous, ledger, orphans_before,
                       run_id, store=store, events=events)
        _write_files(out_dir, reg, header, run_id)
        if pages:
            from pipeline.write import register_report
            register_report.write_pages(out_dir, reg, limits.get("register_batch", register_report.BATCH))
    finally:
        store.close()
        events.close()
    if inputs is not None and _inputs_digest(out_dir, tables) == inputs:
        # a fixed point: the review files came out as they went in (nothing was decided or
        # orphaned anew), so the same rows and files give these outputs again
        files.write_memo(out_dir / MEMO, {"inputs": inputs, "outputs": _outputs_digest(out_dir), "warnings": reg.warnings,
                              "n_members": reg.n_members, "n_events": reg.n_events})
    return reg


MEMO = Path(".cache") / "register.json"     # the last build's inputs and outputs: safe to delete
REVIEW_FILES = (REGISTER_FILE, DECISIONS, ORPHANS)


def _inputs_digest(out_dir: Path, tables: dict | None) -> str | None:
    """What a build reads: the rows of two spooled tables (their digests: no pass over them), the
    analysts' register files and the code and catalogue; None when the tables are not spools."""
    if tables is None or not all(isinstance(tables.get(n), spool.Spool) for n in ("agreements", "articles")):
        return None
    from pipeline.config import PACKAGE_DIR, files_digest, modules_digest
    h = hashlib.sha256(modules_digest("write/register", "write/register_keys", "write/register_store",
                                      "write/register_report", "write/review", "write/csvio", "write/tables",
                                      "write/report", "schemas").encode())
    h.update(files_digest([PACKAGE_DIR / "resources" / "agreements.jsonl"]).encode())
    for name in ("agreements", "articles"):
        h.update(f"\n{name} {tables[name].digest()}".encode())
    for rel in REVIEW_FILES:
        h.update(f"\n{rel} {files.file_sha256(out_dir / rel)}".encode())
    return h.hexdigest()


def _outputs_digest(out_dir: Path) -> dict:
    """The files a build writes, as they are on disk (the pages by their stamp of everything)."""
    from pipeline.write import register_report
    out = {str(rel): files.file_sha256(out_dir / rel) for rel in (*REVIEW_FILES, EVENTS_FILE, Path("reviewed") / REGISTER_FILE)}
    try:
        stamps = json.loads((out_dir / register_report.STAMPS).read_text(encoding="utf-8"))
        out["pages"] = stamps.get(register_report.ALL) if isinstance(stamps, dict) else None
    except (OSError, ValueError):
        out["pages"] = None
    out["index"] = (out_dir / "report" / "register" / "index.html").is_file()
    return out


def _write_files(out_dir: Path, reg: Register, header: list[str], run_id: str) -> None:
    validate(REGISTER, reg.rows)
    validate(STATUS_EVENTS, reg.events)
    cols = _columns(header)
    outputs = {
        out_dir / REGISTER_FILE: (cols, reg.rows),
        out_dir / "reviewed" / REGISTER_FILE: (cols, [r for r in review.vetted(reg.rows)]),
        out_dir / DECISIONS: (DECISION_COLUMNS, reg.decisions),
        out_dir / ORPHANS: (ORPHAN_COLUMNS, reg.orphans),
    }
    texts = {p: csvio.csv_text(c, r) for p, (c, r) in outputs.items()}      # a row per register row
    events_path = out_dir / EVENTS_FILE                    # a row per agreement row: streamed
    tmp, digest = csvio.csv_to_temp(events_path, STATUS_EVENTS.columns, reg.events)
    try:
        main = out_dir / REGISTER_FILE
        if main.exists() and main.read_bytes() != texts[main].encode("utf-8"):
            dest = out_dir / "history" / run_id
            for p in (main, out_dir / DECISIONS):
                if p.exists():
                    files.copy_file(p, dest / p.relative_to(out_dir))
        files.write_text_if_changed(main, texts.pop(main))
        if files.file_sha256(events_path) != digest:
            files.commit_temp(tmp, events_path)
            tmp = None
    finally:
        if tmp is not None:
            files.discard_temp(tmp)
    for p, text in texts.items():
        if p in (out_dir / DECISIONS, out_dir / ORPHANS) and not p.exists() and not (
                reg.decisions if p == out_dir / DECISIONS else reg.orphans):
            continue                    # no empty review files before there is anything to keep
        files.write_text_if_changed(p, text)


# ---------------------------------------------------------------- review status
def review_status(out_dir: Path) -> tuple[Counter | None, list[str]]:
    """For `review status`: the register's rows by review_status (None without a register.csv)
    and a line counting its other decisions: the merge_into and split kept in the ledger and the
    orphaned reviewed rows."""
    out_dir = Path(out_dir)
    path = out_dir / REGISTER_FILE
    if not path.exists():
        return None, []
    counts = Counter(review.norm_status(r.get("review_status")) for r in csvio.read_csv(path))
    ledger = Counter(d.get("decision", "") for d in csvio.read_csv(out_dir / DECISIONS))
    orphans = len(csvio.read_csv(out_dir / ORPHANS))
    return counts, [f"register decisions ({DECISIONS.as_posix()}): {ledger.get('merge_into', 0)} merge_into, "
                    f"{ledger.get('split', 0)} split; orphaned reviewed register rows ({ORPHANS.as_posix()}): {orphans}"]


# ---------------------------------------------------------------- command
def cli(args) -> int:
    """`python -m pipeline register --output DIR`."""
    import time
    t0 = time.perf_counter()
    reg = build(Path(args.output))
    for w in reg.warnings:
        print(w, file=sys.stderr)
    n_conflicts = sum(1 for r in reg.rows if r["conflict"])
    print(f"register: {len(reg.rows)} agreements from {reg.n_members} agreement rows; "
          f"{reg.n_events} status events; {n_conflicts} with conflicting sources; "
          f"{time.perf_counter() - t0:.2f} s", file=sys.stderr)
    return 0

