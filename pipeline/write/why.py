"""Why a row exists: the `why` vocabulary, `explain ROW_ID` and `review rules`.

Every row of agreements.csv, actors.csv, dates.csv and motives.csv carries in `why` the ids of what
produced it: the `id` of a resource row (a catalogue entry AG..., a state ST..., an organisation
OR..., a status cue SC..., a motive cue MC.../CC...) or the name of a rule written in code, listed
in RULE_NAMES below (README, "why"). agreements.csv also carries `status_cue`: what set the status,
as `<cue id>: "<cue words>" (sentence <n>)`, or a rule name. Both are refreshed on every run.
Reads the tables of one output folder; pure functions over rows apart from cli.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.resources import RESOURCES_DIR, load_jsonl
from pipeline.schemas import LIST_SEPARATOR, REVIEW_TABLES, TABLES
from pipeline.write import csvio

# Rules in code, by the name they have in `why` (dates: every function of dates/rules.py RULES is
# named dates:<function>, see dates_rule_names).
RULE_NAMES: dict[str, str] = {
    "actors:pycountry_state": "a state named as pycountry knows it (no row in states.jsonl)",
    "actors:state_body": "a state plus a body word ('the Japanese Defence Ministry')",
    "actors:org_entity": "an organisation the language model tagged (ORG), kept by the organisation checks",
    "actors:person_entity": "a person the language model tagged (PERSON)",
    "actors:person_in_org": "a person inside a span the model tagged ORG, after a title",
    "agreements:named": "a named instrument not in the catalogue ('the Harbour Accord')",
    "agreements:generic": "a generic reference to a kind of instrument ('a defence pact')",
    "agreements:described": "an instrument described by its topic in the parse ('a deal on lithium')",
    "agreements:anaphor": "a reference back to an agreement ('the pact', 'it')",
    "agreements:indefinite": "an indefinite reference ('a similar agreement')",
    "agreements:prospect": "status: 'a potential agreement': at least proposed",
    "agreements:new_instrument": "status: 'a new deal' after one ended: proposed",
    "agreements:prior_list": "status: listed as an earlier agreement ('the third, after X and Y'): existing",
    "agreements:named_exists": "status: a named agreement with no status asserted exists",
    "agreements:in_passing": "status: in force, but first met after the article's lead: existing (in passing)",
    "agreements:dated_exists": "status: an instrument written with its year ('the 1979 treaty') and no status asserted exists",
    "agreements:linked_subject": "status: read in a later clause whose subject refers back to the row ('It took effect in May.')",
    "dates:paired_weekday": "a bare weekday dated by the one day the text pairs with it",
    "learned:motive_classifier": "a motive the learned sentence gate added with no cue clause",
    "learned:agreement_gate": "an agreement row of candidate or generic mentions that the learned keep/drop gate kept",
    "learned:status_model": "an agreement status the learned status model set over the cue rules' status",
}


def dates_rule_names() -> dict[str, str]:
    """dates:<function> -> the first line of its docstring, for every rule of dates/rules.py and
    dates/timeml_rules.py."""
    from pipeline.extract.dates.classify import rule_name
    from pipeline.extract.dates.rules import RULES
    from pipeline.extract.dates.timeml_rules import TIMEML_RULES
    return {rule_name(r): ((r.__doc__ or "a date rule").strip().splitlines() or [""])[0]
            for r in (*RULES, *TIMEML_RULES.values())}


@lru_cache(maxsize=1)
def resource_ids() -> dict[str, tuple[str, dict]]:
    """id -> (resource file name, row) for every row of pipeline/resources/*.jsonl."""
    out: dict[str, tuple[str, dict]] = {}
    for path in sorted(RESOURCES_DIR.glob("*.jsonl")):
        for row in load_jsonl(path.name):
            out[row["id"]] = (path.name, row)
    return out


def known_ids() -> set[str]:
    """Every id a `why` cell may hold: resource ids and rule names."""
    return set(resource_ids()) | set(RULE_NAMES) | set(dates_rule_names())


def describe(rid: str) -> str:
    """One id in words: the resource row it names, or the rule's description."""
    if rid in RULE_NAMES:
        return f"{rid}: {RULE_NAMES[rid]}"
    if rid.startswith("dates:"):
        return f"{rid}: {dates_rule_names().get(rid, 'a date rule')}"
    found = resource_ids().get(rid)
    if found is None:
        return f"{rid}: (unknown id)"
    file, row = found
    what = row.get("name") or row.get("cue") or row.get("pattern") or row.get("words") or ""
    if isinstance(what, list):
        what = ", ".join(map(str, what[:6]))
    extra = f" -> {row['status']}" if row.get("status") else f" ({row['type']})" if row.get("type") else ""
    return f"{rid}: {file} entry {str(what)[:90]!r}{extra}"


def split_why(cell: str) -> list[str]:
    return [x.strip() for x in (cell or "").split(LIST_SEPARATOR.strip()) if x.strip()]


# ---------------------------------------------------------------- explain

def _tables(out_dir: Path) -> dict[str, list[dict]]:
    present = {t: out_dir / TABLES[t].file for t in REVIEW_TABLES if (out_dir / TABLES[t].file).exists()}
    if not present:
        raise PipelineError("E096", str(out_dir), "no agreements.csv, actors.csv, dates.csv or motives.csv here")
    return {t: csvio.read_csv(p) for t, p in present.items()}


def find_row(out_dir: Path, row_id: str) -> tuple[str, dict]:
    for table, rows in _tables(out_dir).items():
        key = TABLES[table].key
        for row in rows:
            if (row.get(key) or "").strip() == row_id:
                return table, row
    raise PipelineError("E095", str(out_dir), f"no row with ID {row_id!r} in the review tables")


def _sentences(out_dir: Path) -> dict[str, dict]:
    path = out_dir / TABLES["sentences"].file
    return {r["sentence_id"]: r for r in csvio.read_csv(path)} if path.exists() else {}


def _mark(sentence: dict, start: int, end: int) -> str:
    """The sentence with characters start..end of the article (absolute offsets) in [[ ]]."""
    text, base = sentence["text"], int(sentence["char_start"] or 0)
    a, b = max(0, start - base), min(len(text), end - base)
    if not 0 <= a < b <= len(text):
        return text
    return f"{text[:a]}[[{text[a:b]}]]{text[b:]}"


def _mark_words(text: str, words: str) -> str:
    at = text.find(words) if words else -1
    return text if at < 0 else f"{text[:at]}[[{words}]]{text[at + len(words):]}"


def explain_lines(table: str, row: dict, sentences: dict[str, dict]) -> list[str]:
    """The row, its sentence with the span marked, and the chain of decisions, in words."""
    schema = TABLES[table]
    key = row[schema.key]
    lines = [f"{schema.label} row {key}", ""]
    lines += [f"  {c}: {row.get(c, '')}" for c in schema.columns if c != schema.key]
    lines.append("")
    aid = row.get("article_id", "")
    why = split_why(row.get("why", ""))
    if table in ("dates", "motives"):
        s = sentences.get(row.get("sentence_id", ""))
        if s:
            lines.append(f"sentence {s['sentence_id']}: {_mark(s, int(row['char_start']), int(row['char_end']))}")
    elif table == "agreements":
        n = (row.get("source_link") or "").rpartition("#s")[2]
        s = sentences.get(f"{aid}:{n}")
        if s:
            shown = _mark_words(s["text"], row.get("name", ""))
            if "[[" not in shown and row.get("acronym"):
                shown = _mark_words(s["text"], row["acronym"])
            lines.append(f"evidence sentence {s['sentence_id']}: {shown}")
    elif table == "actors":
        first = split_why(row.get("sentence_ids", "").replace("; ", ";"))
        s = sentences.get(first[0]) if first else None
        if s:
            lines.append(f"first sentence {s['sentence_id']}: {_mark_words(s['text'], row['name'])}")
    lines.append("")
    lines.append("why, step by step:")
    if table == "agreements":
        ids = [w for w in why if not w.startswith("SC")]
        lines.append("  1. candidate: found as " + "; ".join(describe(w) for w in ids) if ids else "  1. candidate: (no id)")
        ns = split_why(row.get("sentence_ids", "").replace("; ", ";"))
        lines.append(f"  2. kept: {len(ns)} sentence(s) mention it ({', '.join(ns)}), merged into this one row "
                     f"({row.get('name')}{' / ' + row['acronym'] if row.get('acronym') else ''}, kind {row.get('kind')})")
        lines.append(f"  3. parties: {row.get('parties') or '(none)'}")
        cue = row.get("status_cue", "")
        cue_id = cue.split(":")[0] if cue and not cue.startswith(("agreements:",)) else cue
        lines.append(f"  4. status {row.get('status')}: " + (f"set by {describe(cue_id)}" if cue else "no cue asserted one"))
        if cue and '"' in cue and "(sentence " in cue:
            words = cue.split('"')[1]
            n = cue.rsplit("(sentence ", 1)[1].rstrip(")")
            s = sentences.get(f"{aid}:{n}")
            if s:
                lines.append(f"     in sentence {s['sentence_id']}: {_mark_words(s['text'], words)}")
    else:
        for i, w in enumerate(why, start=1):
            lines.append(f"  {i}. {describe(w)}")
        if not why:
            lines.append("  (no id: a row typed by an analyst, or written before `why` existed)")
    lines.append("")
    lines.append(f"review: {row.get('review_status') or 'pending'}"
                 + (f" by {row['reviewer']}" if row.get("reviewer") else "")
                 + (f" ({row['review_note']})" if row.get("review_note") else ""))
    return lines


# ---------------------------------------------------------------- review rules

DECISIONS = ("accepted", "rejected", "edited")


def rule_counts(tables: dict[str, list[dict]]) -> list[dict]:
    """Per id in `why`: the rows it produced and how analysts decided them; the most rejected first
    (then the highest share rejected, then the most rows)."""
    counts: dict[str, Counter] = {}
    where: dict[str, set[str]] = {}
    for table, rows in tables.items():
        for row in rows:
            status = (row.get("review_status") or "pending").strip().lower() or "pending"
            for rid in dict.fromkeys(split_why(row.get("why", ""))):
                c = counts.setdefault(rid, Counter())
                c["rows"] += 1
                c[status if status in DECISIONS else "other"] += 1
                where.setdefault(rid, set()).add(table)
    out = [{"id": rid, "tables": ", ".join(sorted(where[rid])), "rows": c["rows"],
            **{d: c[d] for d in DECISIONS}, "pending": c["other"]} for rid, c in counts.items()]
    return sorted(out, key=lambda r: (-r["rejected"], -r["rejected"] / r["rows"], -r["rows"], r["id"]))


def rule_lines(rows: list[dict]) -> list[str]:
    head = f"{'id':<34} {'rows':>6} {'accepted':>9} {'rejected':>9} {'edited':>7} {'pending':>8}  tables"
    return [head] + [f"{r['id']:<34} {r['rows']:>6} {r['accepted']:>9} {r['rejected']:>9} {r['edited']:>7} "
                     f"{r['pending']:>8}  {r['tables']}" for r in rows]


def cli_explain(args) -> int:
    out_dir = Path(args.output)
    table, row = find_row(out_dir, args.row_id.strip())
    print("\n".join(explain_lines(table, row, _sentences(out_dir))))
    return 0


def cli_rules(args) -> int:
    print("\n".join(rule_lines(rule_counts(_tables(Path(args.output))))))
    return 0

