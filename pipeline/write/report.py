"""Static HTML report: one page per article with every extracted span highlighted and labelled
by kind, each sentence anchored (`#s12`), a side list of the article's rows with their IDs; and
an index. No server, no external asset; every piece of article text is escaped. Article pages
carry no script and a Content-Security-Policy forbids any; the index has one fixed inline script
(search, sort, filter) and its CSP allows that script alone, by its hash.

Overlapping spans are nested: sentences outermost, then motives, agreements, actors, dates; a
span that crosses the end of an enclosing one is split into pieces (only the first piece carries
the anchor or ID), so the HTML is always well formed.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote, unquote, urlsplit

from pipeline.config import modules_digest
from pipeline.errors import PipelineError
from pipeline.records import Extraction
from pipeline.schemas import REVIEW_TABLES
from pipeline.write.tables import page_name, rows_for
from pipeline.write import files

REPORT_DIR = "report"
KINDS = ("motive", "agreement", "actor", "date")          # nesting rank after the sentence

CSS = """
body{font:15px/1.55 system-ui,sans-serif;margin:0;color:#1d1d1d;background:#fafafa}
header{padding:.6em 1.2em;background:#24323f;color:#fff}
header a{color:#cde}
h1{font-size:1.15em;margin:.2em 0}
.meta{font-size:.85em;color:#cdd}
.wrap{display:flex;gap:1.2em;padding:1em 1.2em;align-items:flex-start}
main{flex:3;min-width:0;background:#fff;padding:1em 1.3em;border:1px solid #ddd;white-space:pre-wrap}
aside{flex:2;min-width:0;font-size:.85em;position:sticky;top:0;max-height:100vh;overflow:auto}
aside h2{font-size:1em;margin:.8em 0 .3em}
aside ol{margin:0;padding-left:1.3em}
aside code{font-size:.85em;color:#555}
.sent{scroll-margin-top:40vh}
.sent:target{background:#fff1b8;outline:2px solid #e0a100}
.sent[id]::before{content:attr(data-n);font-size:.65em;color:#999;vertical-align:super;margin-right:.15em}
mark{background:none;color:inherit;border-radius:2px;padding:0 1px}
mark.k-agreement{background:#ffd6a5}
mark.k-actor{background:#c7e3ff}
mark.k-date{background:#c9f2c7}
mark.k-motive{border-bottom:2px solid #b15dff;background:#f6ecff}
i.lab::after{content:attr(data-kind);font:normal .6em system-ui,sans-serif;color:#555;vertical-align:super;
margin-left:1px;font-variant:small-caps}
.legend mark{margin-right:.5em}
table{border-collapse:collapse;font-size:.9em;background:#fff}
td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    rank: int             # 0 sentence, then 1 + KINDS index
    kind: str
    label: str
    row_id: str = ""
    anchor: str = ""      # id of the first piece (sentences)


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def page_path(out_dir: Path, article_id: str) -> Path:
    return Path(out_dir) / REPORT_DIR / page_name(article_id)


# ---------------------------------------------------------------- spans
def spans_for(ex: Extraction, rows: dict[str, list[dict]] | None = None) -> list[Span]:
    """Every sentence and extracted span of the article, with its row ID (rows: rows_for(ex))."""
    rows = rows or rows_for(ex)
    out = [Span(s.start, s.end, 0, "sentence", "", anchor=f"s{s.n}") for s in ex.sentences]
    rank = {k: i + 1 for i, k in enumerate(KINDS)}
    for m, row in zip(ex.motives, rows["motives"]):
        label = "motive" + (f" of {m.agreement}" if m.agreement else "") + (f" ({m.cue})" if m.cue else "")
        out.append(Span(m.start, m.end, rank["motive"], "motive", label, row["motive_id"]))
    for ag, row in zip(ex.agreements, rows["agreements"]):
        for mention in ag.mentions:
            out.append(Span(mention.start, mention.end, rank["agreement"], "agreement",
                            f"agreement: {ag.acronym or ag.name}", row["agreement_id"]))
    for ac, row in zip(ex.actors, rows["actors"]):
        for mention in ac.mentions:
            out.append(Span(mention.start, mention.end, rank["actor"], "actor",
                            f"{ac.type}: {ac.name}", row["actor_id"]))
    for d, row in zip(ex.dates, rows["dates"]):
        out.append(Span(d.start, d.end, rank["date"], "date", f"date: {d.value}", row["date_id"]))
    return out


def _open(span: Span, first: bool) -> str:
    if span.kind == "sentence":
        return (f'<span class="sent" id="{esc(span.anchor)}" data-n="{esc(span.anchor[1:])}">' if first
                else '<span class="sent">')
    cls = f"k-{span.kind}"
    ident = f' data-id="{esc(span.row_id)}"' if first and span.row_id else ""
    return (f'<mark class="{cls}" data-kind="{span.kind}"{ident} '
            f'title="{esc(span.label)} [{esc(span.row_id)}]">')


def _close(span: Span, final: bool) -> str:
    """Close a piece; the final piece of a labelled span ends with its kind label (drawn by CSS
    from an empty element, so copying the text copies no label)."""
    if span.kind == "sentence":
        return "</span>"
    return (f'<i class="lab" data-kind="{span.kind}"></i>' if final else "") + "</mark>"


def render_text(text: str, spans: list[Span]) -> str:
    """Escaped text with every span as a properly nested element. Spans outside the text or
    empty are skipped; a span crossing the end of an enclosing one is split into pieces."""
    n = len(text)
    good = sorted({s for s in spans if 0 <= s.start < s.end <= n},
                  key=lambda s: (s.start, -s.end, s.rank, s.row_id, s.label))
    starts: dict[int, list[Span]] = defaultdict(list)
    for s in good:
        starts[s.start].append(s)
    bounds = sorted({0, n} | {s.start for s in good} | {s.end for s in good})
    out: list[str] = []
    stack: list[Span] = []
    opened: set[Span] = set()
    pos = 0
    escape = html.escape        # the text's pieces are str: esc() without its None check, per piece
    for b in bounds:
        out.append(escape(text[pos:b]))
        pos = b
        ending = [i for i, s in enumerate(stack) if s.end <= b]
        if ending:
            cut = ending[0]
            popped = stack[cut:]
            del stack[cut:]
            out.extend(_close(s, final=s.end <= b) for s in reversed(popped))
            for s in popped:
                if s.end > b:              # crossed: continue it in a new piece
                    out.append(_open(s, first=False))
                    stack.append(s)
        for s in starts.get(b, []):
            # a span longer than an open one would cross it: open it, it is split where needed
            out.append(_open(s, first=s not in opened))
            opened.add(s)
            stack.append(s)
    out.append(escape(text[pos:]))
    return "".join(out)


# ---------------------------------------------------------------- pages
def _side_list(ex: Extraction, rows: dict[str, list[dict]]) -> str:

    def item(label: str, row_id: str, n: int | None, extra: str = "") -> str:
        link = f' <a href="#s{n}">s{n}</a>' if n is not None else ""
        return f"<li>{label}{extra} <code>{esc(row_id)}</code>{link}</li>"

    parts = ['<p class="legend"><mark class="k-agreement">agreement</mark><mark class="k-actor">actor</mark>'
             '<mark class="k-date">date</mark><mark class="k-motive">motive</mark></p>']
    ags = [item(f"<b>{esc(r['acronym'] or r['name'])}</b> {esc(r['name']) if r['acronym'] else ''}",
                r["agreement_id"], ag.evidence_n, f" · {esc(r['status'])} · {esc(r['parties'])}")
           for ag, r in zip(ex.agreements, rows["agreements"])]
    acs = [item(f"<b>{esc(r['name'])}</b> ({esc(r['type'])})", r["actor_id"],
                ac.sentence_ns[0] if ac.sentence_ns else None, f" · {len(ac.mentions)}×")
           for ac, r in zip(ex.actors, rows["actors"])]
    dts = [item(f"<b>{esc(r['text'])}</b> → {esc(r['value'])}", r["date_id"], d.sentence_n)
           for d, r in zip(ex.dates, rows["dates"])]
    mos = [item(f"{esc(r['text'][:90])}{'…' if len(r['text']) > 90 else ''}", r["motive_id"], m.sentence_n,
                f" · {esc(r['agreement'])}" if r["agreement"] else "")
           for m, r in zip(ex.motives, rows["motives"])]
    for title, items in (("Agreements", ags), ("Actors", acs), ("Dates", dts), ("Motives", mos)):
        body = f"<ol>{''.join(items)}</ol>" if items else "<p>none</p>"
        parts.append(f"<h2>{title} ({len(items)})</h2>{body}")
    return "".join(parts)


def _page(title: str, head: str, body: str, script: str = "") -> str:
    """A page; with script, that one inline script (and only it: its hash joins the CSP)."""
    csp = CSP + (f"; script-src '{script_hash(script)}'" if script else "")
    tail = f"<script>{script}</script>" if script else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(title)}</title><style>{CSS}</style></head>\n<body>{head}{body}{tail}</body></html>\n")


def script_hash(script: str) -> str:
    """The CSP source allowing exactly this inline script ('sha256-<base64>')."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def article_html(ex: Extraction, rows: dict[str, list[dict]] | None = None) -> str:
    """The article's page (rows: rows_for(ex), when the caller has them)."""
    a = ex.article
    meta = " · ".join(esc(v) for v in (a.published, a.site, a.author, a.source_path) if v)
    url = f' · <a href="{esc(a.url)}" rel="noreferrer">source</a>' if a.url.startswith(("http://", "https://")) else ""
    head = (f'<header><a href="index.html">← all articles</a><h1>{esc(a.title or a.article_id)}</h1>'
            f'<div class="meta">{esc(a.article_id)} · {meta}{url}</div></header>')
    rows = rows or rows_for(ex)
    text = render_text(a.text, spans_for(ex, rows))
    body = f'<div class="wrap"><main>{text}</main><aside>{_side_list(ex, rows)}</aside></div>'
    return _page(a.title or a.article_id, head, body)


STAMP_DIR = Path(".cache") / "report_stamps"    # beside the article cache: safe to delete


def page_key(made_from: str) -> str:
    """What a page is rendered from: the code and what names the extraction (its cache key:
    the same key, the same extraction)."""
    return hashlib.sha1(modules_digest("write/report", "write/tables").encode() + made_from.encode()).hexdigest()


def _stamp_path(out_dir: Path, page: Path) -> Path:
    return Path(out_dir) / STAMP_DIR / f"{page.name}.sha1"


def _stamp(page: Path | str, key: str) -> str:
    st = os.stat(page)
    return f"{key} {st.st_size} {st.st_mtime_ns}"


def _read_small(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def write_article(out_dir: Path, article_id: str, made_from: str, render: Callable[[], str]) -> None:
    """Write report/<article_id>.html for one article (untouched when already identical); render()
    gives the page (article_html), made_from names what it is rendered from (page_key). A small
    stamp in <output>/.cache/report_stamps/ records that and the page's size and mtime, so an
    unchanged article on a re-run costs a stat and a tiny read, not a render (nor unpickling
    its extraction). The check works on plain strings: a re-run makes it once per article, and
    building pathlib paths cost as much as the reads."""
    name = page_name(article_id)
    root = os.fspath(out_dir)
    page = os.path.join(root, REPORT_DIR, name)
    stamp = os.path.join(root, STAMP_DIR, f"{name}.sha1")
    key = page_key(made_from)
    try:
        if _read_small(stamp) == _stamp(page, key):
            return
    except OSError:
        pass
    path = Path(page)
    files.write_text_if_changed(path, render(), durable=False)
    try:
        files.write_text_atomic(Path(stamp), _stamp(path, key), durable=False)
    except (OSError, PipelineError):
        pass    # the stamp is only a shortcut: without it the page is rendered next time


INDEX_CSS = """
.controls{display:flex;flex-wrap:wrap;gap:.6em;align-items:center;padding:.6em 1.2em 0}
.controls input[type=search]{min-width:18em;padding:.25em .4em}
th[data-sort-key]{cursor:pointer;user-select:none;white-space:nowrap}
th[aria-sort=ascending]::after{content:" ▲";font-size:.7em}
th[aria-sort=descending]::after{content:" ▼";font-size:.7em}
.fallback{font-style:italic;color:#555}
ul.ags{margin:0;padding-left:1.1em;font-size:.9em}
.st{font-size:.8em;color:#555}
"""

# The index's only script: search, sort and filter over the rows already in the page (works
# from file://, loads nothing). Fixed text: the rows carry their data in data-* attributes, so
# the CSP hash never changes with the corpus.
INDEX_SCRIPT = """(function () {
  var table = document.getElementById("articles"), body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows), heads = table.tHead.rows[0].cells;
  var q = document.getElementById("q"), status = document.getElementById("status");
  var review = document.getElementById("review"), shown = document.getElementById("shown");
  function apply() {
    var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean), n = 0;
    rows.forEach(function (tr) {
      var text = tr.getAttribute("data-text");
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
        (!status.value || (" " + tr.getAttribute("data-status") + " ").indexOf(" " + status.value + " ") >= 0) &&
        (!review.value || tr.getAttribute("data-review") === review.value);
      tr.hidden = !ok;
      if (ok) { n++; }
    });
    shown.textContent = n + " of " + rows.length + " articles";
  }
  function sortBy(th) {
    var i = th.cellIndex, numeric = th.getAttribute("data-sort-key") === "number";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    Array.prototype.forEach.call(heads, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = a.cells[i].getAttribute("data-sort"), y = b.cells[i].getAttribute("data-sort");
      if (numeric) { x = parseFloat(x); y = parseFloat(y); x = isNaN(x) ? -1 : x; y = isNaN(y) ? -1 : y;
        return dir * ((x > y) - (x < y)); }
      return dir * x.localeCompare(y);
    });
    rows.forEach(function (tr) { body.appendChild(tr); });
  }
  Array.prototype.forEach.call(heads, function (th) {
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sortBy(th); } });
  });
  [q, status, review].forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });
  apply();
  document.documentElement.setAttribute("data-ready", "1");
})();"""

URL_NOISE = re.compile(r"\.(s?html?|php|aspx?)$|^(index|article|news|story|amp)$", re.I)


def _words_from_url(url: str) -> str:
    """A title-like phrase from a URL's path (`/2021/10/japan-uk-sign-pact.html` -> `Japan uk
    sign pact`), or "" when no segment reads as words."""
    if not url.startswith(("http://", "https://")):
        return ""
    for seg in reversed([p for p in urlsplit(url).path.split("/") if p]):
        seg = URL_NOISE.sub("", unquote(seg))
        words = [w for w in re.split(r"[-_+\s]+", seg) if w]
        if len(words) >= 3 and sum(w.isalpha() for w in words) >= 3:
            phrase = " ".join(w for w in words if not (w.isdigit() or re.fullmatch(r"[0-9a-f]{8,}", w)))
            return phrase[:1].upper() + phrase[1:]
    return ""


def _first_line(text: str, limit: int = 90) -> str:
    line = (text or "").strip().split("\n", 1)[0].strip()
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(",;:-–— ") + "…"


FALLBACK_FROM = {"url": "URL", "text": "text", "id": "ID"}


def display_title(article: dict, first_sentence: str = "") -> tuple[str, str]:
    """(what the index shows for an article, where it came from: "title", "url", "text" or "id").
    Display only: articles.csv keeps its title column as extracted."""
    if (article.get("title") or "").strip():
        return article["title"].strip(), "title"
    from_url = _words_from_url(article.get("url") or "")
    if from_url:
        return from_url, "url"
    line = _first_line(first_sentence)
    if line:
        return line, "text"
    return article.get("article_id", ""), "id"


INDEX_AGREEMENT_CELLS = ("name", "acronym", "status", "parties")


def index_html(article_rows: list[dict], tables: dict[str, list[dict]] | None = None) -> str:
    """The index: one row per article with its agreements (name and status), row counts and the
    share reviewed; search, sort and filter by a small inline script (allowed by its hash)."""
    return "".join(index_parts(article_rows, tables))


_BODY = "\x00body\x00"        # where _page puts the body: index_parts splits the page there


def index_parts(article_rows: list[dict], tables: dict[str, list[dict]] | None = None) -> Iterator[str]:
    """index_html's text in parts, an article's row at a time, made as they are asked for: the
    page of a large run is written without its rows, their join and its bytes held at once (at
    5,000 synthetic articles they were the largest peak of the end of a run)."""
    tables = tables or {}
    counts: dict[str, Counter] = {}
    reviewed: Counter = Counter()
    total: Counter = Counter()
    for name in REVIEW_TABLES:
        c: Counter = Counter()
        for r in tables.get(name, []):
            c[r.get("article_id", "")] += 1
            total[r.get("article_id", "")] += 1
            if (r.get("review_status") or "pending").strip().lower() != "pending":
                reviewed[r.get("article_id", "")] += 1
        counts[name] = c
    agreements: dict[str, list[dict]] = defaultdict(list)
    for r in tables.get("agreements", []):
        if (r.get("review_status") or "").strip().lower() != "rejected":     # the cells shown only
            agreements[r.get("article_id", "")].append({k: r[k] for k in INDEX_AGREEMENT_CELLS if k in r})
    first: dict[str, str] = {}
    for s in tables.get("sentences", []):
        if str(s.get("n", "")) == "0":
            first[s.get("article_id", "")] = s.get("text", "")
    statuses = sorted({(a.get("status") or "").strip() for r in article_rows
                       for a in agreements.get(r.get("article_id", ""), [])} - {""})
    options = "".join(f'<option value="{esc(s)}">{esc(s)}</option>' for s in statuses)
    head = (f"<header><h1>Articles ({len(article_rows)})</h1>"
            f'<a href="register/index.html">the agreement register →</a></header><style>{INDEX_CSS}</style>')
    controls = ('<div class="controls"><input type="search" id="q" aria-label="search" '
                'placeholder="search titles, sites, agreements, parties">'
                '<select id="status" aria-label="agreement status"><option value="">any agreement status</option>'
                f'{options}</select>'
                '<select id="review" aria-label="review"><option value="">any review state</option>'
                '<option value="none">not started</option><option value="some">partly reviewed</option>'
                '<option value="all">fully reviewed</option><option value="-">nothing to review</option></select>'
                '<span id="shown"></span></div>')
    th = lambda label, key: f'<th data-sort-key="{key}">{label}</th>'  # noqa: E731
    before, after = _page("Articles", head, _BODY, script=INDEX_SCRIPT).split(_BODY)
    yield (before + controls + '<div class="wrap"><table id="articles"><thead><tr>'
           + th("article", "text") + th("published", "text") + th("site", "text") + th("agreements", "number")
           + th("actors", "number") + th("dates", "number") + th("motives", "number") + th("reviewed", "number")
           + "</tr></thead><tbody>")
    for r in article_rows:
        aid = r.get("article_id", "")
        href = quote(page_name(aid))
        title, origin = display_title(r, first.get(aid, ""))
        shown = esc(title) if origin == "title" else (
            f'<span class="fallback" title="no title found: shown from the {FALLBACK_FROM[origin]}">'
            f"{esc(title)}</span>")
        ags = agreements.get(aid, [])
        ag_status = sorted({(a.get("status") or "").strip() for a in ags} - {""})
        items = "".join(f'<li title="{esc(a.get("name", ""))}">{esc(a.get("acronym") or a.get("name") or "")} '
                        f'<span class="st">{esc(a.get("status", ""))}</span></li>' for a in ags)
        ag_cell = f'<ul class="ags">{items}</ul>' if items else ""
        share = 100 * reviewed[aid] / total[aid] if total[aid] else None
        review = "-" if share is None else "none" if share == 0 else "all" if share == 100 else "some"
        text = " ".join([title, aid, r.get("site", ""), r.get("published", ""),
                         *(" ".join(a.get(k, "") for k in ("name", "acronym", "status", "parties"))
                           for a in ags)]).lower()
        cells = "".join(f'<td data-sort="{counts[k][aid]}">{counts[k][aid]}</td>'
                        for k in ("actors", "dates", "motives"))
        yield (f'<tr data-text="{esc(text)}" data-status="{esc(" ".join(ag_status))}" data-review="{review}">'
               f'<td data-sort="{esc(title.lower())}"><a href="{href}">{shown}</a><br><code>{esc(aid)}</code></td>'
               f'<td data-sort="{esc(r.get("published", ""))}">{esc(r.get("published", ""))}</td>'
               f'<td data-sort="{esc((r.get("site") or "").lower())}">{esc(r.get("site", ""))}</td>'
               f'<td data-sort="{counts["agreements"][aid]}">{counts["agreements"][aid]}{ag_cell}</td>{cells}'
               f'<td data-sort="{"" if share is None else f"{share:.0f}"}">'
               f'{"-" if share is None else f"{share:.0f}%"}</td></tr>')
    yield "</tbody></table></div>" + after


INDEX_MEMO = Path(".cache") / "report_index.json"    # what the index was last made from: safe to delete


def _index_inputs(article_rows, tables: dict | None) -> str | None:
    """What index_html reads, when every table of it is a spool: their digests (no pass over the
    rows) and the code; None otherwise."""
    from pipeline.write.spool import Spool
    used = [article_rows] + [(tables or {}).get(n) for n in REVIEW_TABLES]
    if not all(isinstance(t, Spool) for t in used):
        return None
    return hashlib.sha256(" ".join([modules_digest("write/report", "write/tables")]
                                   + [t.digest() for t in used]).encode()).hexdigest()


def write_index(out_dir: Path, article_rows: list[dict], tables: dict[str, list[dict]] | None = None) -> None:
    """Write report/index.html listing every article (with row counts when tables are given).
    Made from the same spooled rows as last time and still on disk as written: not made again."""
    path = Path(out_dir) / REPORT_DIR / "index.html"
    made_from = _index_inputs(article_rows, tables)
    memo_path = Path(out_dir) / INDEX_MEMO
    if made_from is not None:
        try:
            memo = json.loads(memo_path.read_text(encoding="utf-8"))
            if memo == {"made_from": made_from, "sha256": files.file_sha256(path)}:
                return
        except (OSError, ValueError):
            pass
    files.write_parts_if_changed(path, index_parts(article_rows, tables), durable=False)
    if made_from is not None:
        try:
            files.write_text_atomic(memo_path, json.dumps({"made_from": made_from, "sha256": files.file_sha256(path)}),
                                    durable=False)
        except (OSError, PipelineError):
            pass    # only a shortcut


def prune_pages(out_dir: Path, article_ids: list[str]) -> int:
    """Remove the pages (and stamps) of articles no longer in the tables: a removed or dropped
    article's page does not stay behind. Returns how many pages were removed."""
    keep = {page_name(a) for a in article_ids} | {"index.html"}
    folder = Path(out_dir) / REPORT_DIR
    try:
        pages = [e for e in os.scandir(folder) if e.name.endswith(".html") and e.name not in keep]
    except OSError:
        return 0
    for e in pages:
        files.discard_temp(e.path)
        files.discard_temp(str(_stamp_path(out_dir, Path(e.path))))
    return len(pages)
