"""The register's pages in outputs/report/register/: the register (a table sortable and filterable
by party, kind, status and conflict, in the browser, from file://), one page per agreement (facts,
parties with the articles naming them, conflicts, a timeline of its status events, each a link to
its source sentence) and one page per party: the corpus-level timeline of all its agreements, one
lane per agreement, grouped by the other party (a pair's agreements side by side, each pair a section
of the page the register links to), each point a link to its source sentence.

Timelines are drawn by matplotlib (SVG, inlined, so their links work); the one script, on the
register page, is allowed by its hash in the page's Content-Security-Policy. A page is rendered
again only when what it shows changed (a key per page in .cache/register_pages.json, written
atomically), so a re-run's cost grows with the changed agreements, not the corpus. The pages with a
picture (the register step's main cost: ~30-60 ms of CPU each, on one Figure reused by each process)
are drawn in PAGE_WORKERS forked processes while this one writes the others, when a batch holds at
least POOL_FROM agreement pictures' worth of them (a party's picture counts PARTY_PICTURE_COST)."""
from __future__ import annotations

import base64
import functools
import hashlib
import importlib
import io
import json
import multiprocessing
import os
import re
import threading
from collections import deque
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote

from pipeline.config import modules_digest
from pipeline.write import files
from pipeline.write.report import CSS, esc
from pipeline.write.tables import page_name, stable_id

STAMPS = Path(".cache") / "register_pages.json"
ALL = "*"               # the stamp of everything the pages show
# Drawing is the register step's main cost (tens of ms a picture, against a budget of 5% of a run):
# a picture is drawn where there is a history to see, and the event table below it holds the rest.
MIN_DRAWN = 3           # dated events an agreement needs for its timeline to be drawn (or a conflict)
MAX_LANES = 25          # agreements drawn on a party's timeline (those with the latest events)
PAGE_WORKERS = min(2, os.cpu_count() or 1)     # processes drawing pictures (the run's workers are done by then)
POOL_FROM = 6           # pictures to draw before a pool is worth its start (a fork: ~10 ms)
PARTY_PICTURE_COST = 3  # a party's picture (up to MAX_LANES lanes) costs ~3 an agreement's (66 vs 20 ms)
BATCH = 1000            # pages and status events held at once while the pages are made ([output] register_batch)
STATUS_COLORS = {"proposed": "#9aa5b1", "under_negotiation": "#e0a100", "signed": "#2b7bb9", "ratified": "#1f5f8b",
                 "in_force": "#2e9d4a", "existing": "#6dbb7d", "suspended": "#d46a1c", "terminated": "#c0392b",
                 "unspecified": "#cccccc"}
EXTRA_CSS = """
main.reg{white-space:normal;flex:1}
.filters{display:flex;gap:.8em;flex-wrap:wrap;margin:.3em 0 .8em;font-size:.9em}
th{cursor:pointer;background:#eef1f4;position:sticky;top:0}
th[data-dir=asc]::after{content:" \\25B2"}th[data-dir=desc]::after{content:" \\25BC"}
tr.conflict td{background:#fff4f2}
#register td:nth-child(5),#register td:nth-child(6),#register td:nth-child(7){white-space:nowrap}
.conflict-box{border-left:4px solid #c0392b;background:#fff4f2;padding:.4em .8em;margin:.6em 0}
.timeline svg{max-width:100%;height:auto}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dt{color:#555}
"""

SCRIPT = """(function () {
  var table = document.getElementById('register'), body = table.tBodies[0];
  var f = {party: document.getElementById('f-party'), kind: document.getElementById('f-kind'),
           status: document.getElementById('f-status'), conflict: document.getElementById('f-conflict'),
           text: document.getElementById('f-text')};
  function apply() {
    var shown = 0, q = f.text.value.toLowerCase();
    for (var i = 0; i < body.rows.length; i++) {
      var r = body.rows[i], d = r.dataset;
      var ok = (!f.party.value || d.parties.indexOf('|' + f.party.value + '|') >= 0) &&
               (!f.kind.value || d.kind === f.kind.value) && (!f.status.value || d.status === f.status.value) &&
               (!f.conflict.checked || d.conflict === '1') && (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    }
    document.getElementById('shown').textContent = shown;
  }
  Object.keys(f).forEach(function (k) { f[k].addEventListener('input', apply); f[k].addEventListener('change', apply); });
  table.tHead.addEventListener('click', function (ev) {
    var th = ev.target.closest('th'); if (!th) return;
    var i = th.cellIndex, num = th.dataset.type === 'num', dir = th.dataset.dir === 'asc' ? -1 : 1;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { delete h.dataset.dir; });
    th.dataset.dir = dir > 0 ? 'asc' : 'desc';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[i].textContent, y = b.cells[i].textContent;
      return dir * (num ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y));
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
  var h = new URLSearchParams(location.hash.slice(1));
  ['party', 'kind', 'status'].forEach(function (k) { if (h.get(k)) f[k].value = h.get(k); });
  if (h.get('conflict')) f.conflict.checked = true;
  apply();
})();"""


def script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()


def page(title: str, head: str, body: str, script: str = "") -> str:
    """A report page; with a script, inlined and allowed by its hash (and nothing else)."""
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    tail = ""
    if script:
        csp += f"; script-src '{script_hash(script)}'"
        tail = f"<script>{script}</script>"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(title)}</title><style>{CSS}{EXTRA_CSS}</style></head>\n<body>{head}{body}{tail}</body></html>\n")


def party_page(party: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", party).strip("-")[:40] or "party"
    return f"party-{slug}-{stable_id('p', party)[2:8]}.html"


def sentence_href(sentence_id: str) -> str:
    """From a page in report/register/ to the sentence on its article's page."""
    aid, _, n = sentence_id.rpartition(":")
    return f"../{quote(page_name(aid))}" + (f"#s{n}" if n.isdigit() else "")


def _day(value: str) -> date | None:
    parts = [int(p) for p in value.split("-")] if value else []
    if not parts:
        return None
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


# ---------------------------------------------------------------- timelines (matplotlib)
RC = {"svg.fonttype": "none",           # text stays text (no glyph paths): smaller and cheaper
      "svg.hashsalt": "register",       # the ids in the SVG are the same every run
      "font.size": 9, "text.parse_math": False}      # names are text, never mathtext
_CANVAS: dict = {}          # this process's Figure and Axes, made once and reused (see _canvas)


def _canvas():
    """This process's Figure and its one Axes, made on first use and reused by every picture:
    making an Axes and its ticks costs more than drawing the points. A picture sets everything it
    depends on (size, margins, data, limits, ticks and their labels), so its bytes do not depend
    on the pictures drawn before it (a test draws one after others and alone). The axis labels
    are empty and placed once (set_label_coords), which spares matplotlib placing them by the
    tick labels' extents at every draw."""
    if not _CANVAS:
        from matplotlib.figure import Figure
        with matplotlib_rc():
            fig = Figure(figsize=(9, 2))
            ax = fig.add_subplot()
            ax.grid(axis="x", color="#e4e4e4", zorder=0)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.xaxis.set_label_coords(0.5, 0.0)
            ax.yaxis.set_label_coords(0.0, 0.5)
        _CANVAS.update(fig=fig, ax=ax)
    return _CANVAS["fig"], _CANVAS["ax"]


def matplotlib_rc():
    import matplotlib
    return matplotlib.rc_context(RC)


def timeline_svg(lanes: list[tuple[str, list[dict]]], lanes_are_statuses: bool = False) -> str:
    """An SVG timeline: one lane per label, each dated event a dot coloured by status and linked
    (ev["href"]) to its source; '' when no event has a date. Lanes of statuses (an agreement's
    page) need no key; lanes of agreements (a party's page) have theirs in HTML beside the
    picture (legend_html): one set of points and no legend to lay out costs a third less."""
    from pipeline.write.register import when
    points = [(y, _day(when(e)), e) for y, (_, evs) in enumerate(lanes) for e in evs if when(e)]
    if not points:
        return ""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, DateFormatter, YearLocator
    fig, ax = _canvas()
    with matplotlib_rc():
        for drawn in list(ax.collections):      # the previous picture's points
            drawn.remove()
        ax.ignore_existing_data_limits = True   # the x range is this picture's data alone
        ax.set_autoscalex_on(True)
        height = 0.9 + 0.3 * len(lanes)
        fig.set_size_inches(9, height)
        left = min(0.5, 0.03 + 0.0095 * max(len(label) for label, _ in lanes))     # room for the lane labels
        fig.subplots_adjust(left=left, right=0.84 if lanes_are_statuses else 0.97, top=1 - 0.2 / height,
                            bottom=0.55 / height)
        colors = [STATUS_COLORS.get(e["status"], STATUS_COLORS["unspecified"]) for _, _, e in points]
        sc = ax.scatter([d for _, d, _ in points], [y for y, _, _ in points], s=60, color=colors, zorder=3,
                        edgecolors="white", linewidths=0.8)        # one set of points: cheaper than one a colour
        sc.set_urls([e.get("href", "") for _, _, e in points])
        ax.set_yticks(range(len(lanes)), [label for label, _ in lanes])
        ax.set_ylim(len(lanes) - 0.5, -0.5)
        days = [d for _, d, _ in points]
        first, last = min(days).year, max(days).year
        if first == last:
            ax.set_xlim(date(first - 1, 1, 1), date(last + 1, 12, 31))
        if last - first >= 3:           # whole years: few ticks, cheap to lay out
            ax.xaxis.set_major_locator(YearLocator(base=max(1, -(-(last - first) // 6))))
            ax.xaxis.set_major_formatter(DateFormatter("%Y"))
        else:
            loc = AutoDateLocator()
            ax.xaxis.set_major_locator(loc)
            ax.xaxis.set_major_formatter(ConciseDateFormatter(loc))
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


def legend_html(statuses) -> str:
    """The key of a picture whose lanes are agreements: a dot of each status's colour."""
    dot = "display:inline-block;width:.8em;height:.8em;border-radius:50%;margin:0 .3em 0 1em;background:"
    return '<p class="legend" style="font-size:.85em">' + "".join(
        f'<i style="{dot}{color}"></i>{esc(s.replace("_", " "))}' for s, color in STATUS_COLORS.items()
        if s in statuses) + "</p>"


# ---------------------------------------------------------------- pages
def _header(title: str, back: str = "index.html", back_label: str = "← the register") -> str:
    articles = ' · <a href="../index.html">articles</a>' if back != "../index.html" else ""
    return f'<header><a href="{back}">{back_label}</a>{articles}<h1>{esc(title)}</h1></header>'


def index_html(rows: list[dict]) -> str:
    parties = sorted({p for r in rows for p in r["parties"].split("; ") if p})
    kinds = sorted({r["kind"] for r in rows if r["kind"]})
    statuses = sorted({r["status"] for r in rows})
    opt = lambda values: "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)  # noqa: E731
    filters = (f'<div class="filters"><label>party <select id="f-party"><option value="">any</option>{opt(parties)}'
               f'</select></label><label>kind <select id="f-kind"><option value="">any</option>{opt(kinds)}</select>'
               f'</label><label>status <select id="f-status"><option value="">any</option>{opt(statuses)}</select>'
               '</label><label><input type="checkbox" id="f-conflict"> conflicting sources only</label>'
               '<label>text <input type="search" id="f-text"></label>'
               f'<span><b id="shown">{len(rows)}</b> of {len(rows)}</span></div>')
    cols = [("agreement", ""), ("kind", ""), ("parties", ""), ("status", ""), ("status date", ""),
            ("first reported", ""), ("last reported", ""), ("articles", "num"), ("conflict", ""), ("review", "")]
    head = "".join(f'<th data-type="{t}">{esc(c)}</th>' if t else f"<th>{esc(c)}</th>" for c, t in cols)
    trs = []
    for r in sorted(rows, key=lambda r: (r["name"].lower(), r["parties"], r["register_id"])):
        ps = [p for p in r["parties"].split("; ") if p]
        party_links = ", ".join(f'<a href="{party_page(p)}">{esc(p)}</a>' for p in ps)
        if len(ps) == 2:                # the pair's agreements: a section of the first party's page
            party_links += f' · <a class="pair" href="{pair_href(ps[0], ps[1])}">pair timeline</a>'
        label = esc(r["name"]) + (f" ({esc(r['acronym'])})" if r["acronym"] else "")
        trs.append(
            f'<tr id="{esc(r["register_id"])}" data-parties="|{esc("|".join(ps))}|" data-kind="{esc(r["kind"])}" '
            f'data-status="{esc(r["status"])}" data-conflict="{1 if r["conflict"] else 0}"'
            f'{" class=conflict" if r["conflict"] else ""}>'
            f'<td><a href="{quote(r["register_id"])}.html">{label}</a></td><td>{esc(r["kind"])}</td>'
            f'<td>{party_links}</td><td>{esc(r["status"])}</td><td>{esc(r["status_date"])}</td>'
            f'<td>{esc(r["first_reported"])}</td><td>{esc(r["last_reported"])}</td><td>{esc(r["n_articles"])}</td>'
            f'<td>{esc(r["conflict"])}</td><td>{esc(r["review_status"])}</td></tr>')
    body = (f'<div class="wrap"><main class="reg">{filters}<table id="register"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(trs)}</tbody></table></main></div>')
    return page("Agreement register", _header(f"Agreement register ({len(rows)})", "../index.html", "← articles"),
                body, SCRIPT)


def agreement_html(row: dict, events: list[dict], parties: dict[str, list[str]], articles: dict[str, dict]) -> str:
    from pipeline.write.register import when
    title = row["name"] + (f" ({row['acronym']})" if row["acronym"] else "")
    facts = "".join(f"<dt>{esc(k)}</dt><dd>{esc(row[c])}</dd>" for k, c in (
        ("register id", "register_id"), ("kind", "kind"), ("status", "status"), ("status date", "status_date"),
        ("first reported", "first_reported"), ("last reported", "last_reported"), ("articles", "n_articles"),
        ("review", "review_status")))
    conflict = (f'<div class="conflict-box"><b>Sources disagree:</b> {esc(row["conflict"])}</div>'
                if row["conflict"] else "")

    def art(aid: str) -> str:
        a = articles.get(aid, {})
        return f'<a href="../{quote(page_name(aid))}">{esc(a.get("title") or aid)}</a>'
    party_items = "".join(f'<li><a href="{party_page(p)}">{esc(p)}</a>: named in {", ".join(art(a) for a in arts)}</li>'
                          for p, arts in parties.items())
    for e in events:
        e["href"] = sentence_href(e["sentence_id"])
    dated = [e for e in events if when(e)]
    svg = ""
    if len(dated) >= MIN_DRAWN or row["conflict"]:     # a history to see (one point says no more than its row)
        svg = timeline_svg([(s.replace("_", " "), [e for e in dated if e["status"] == s])
                            for s in STATUS_COLORS if any(e["status"] == s for e in dated)], lanes_are_statuses=True)
    timeline = (f'<div class="timeline">{svg}</div>' if svg else
                f"<p>{len(dated) or 'No'} status event{'' if len(dated) == 1 else 's'} with a date: "
                f"see the table below (a timeline is drawn from {MIN_DRAWN}).</p>")
    ev_rows = "".join(
        f'<tr><td>{esc(e["status"])}</td><td>{esc(e["event_date"])}</td><td>{esc(e["published"])}</td>'
        f'<td>{art(e["article_id"])}</td><td><a class="src" href="{e["href"]}">{esc(e["evidence"])}</a></td></tr>'
        for e in events)
    body = (f'<div class="wrap"><main class="reg"><dl>{facts}</dl>{conflict}<h2>Parties</h2><ul>{party_items}</ul>'
            f"<h2>Timeline</h2>{timeline}<h2>Status events ({len(events)})</h2><table><tr><th>status</th>"
            f"<th>event date</th><th>published</th><th>article</th><th>source sentence</th></tr>{ev_rows}</table>"
            "</main></div>")
    return page(title, _header(title), body)


def partner_anchor(party: str) -> str:
    """The id of the section of a party page about its agreements with `party` (a pair)."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", party).strip("-")[:40] or "party"
    return f"with-{slug}-{stable_id('p', party)[2:8]}"


def pair_href(a: str, b: str) -> str:
    """The agreements of the pair a, b: the section about b on a's page."""
    return f"{party_page(a)}#{partner_anchor(b)}"


def _dated(evs: list[dict]) -> list[str]:
    from pipeline.write.register import when
    return [when(e) for e in evs if when(e)]


def party_html(party: str, rows: list[dict], events: dict[str, list[dict]]) -> str:
    """All agreements of one party on a time axis: one lane per agreement (the MAX_LANES with the
    latest events), grouped by the other parties, each point a link to its source sentence; then a
    section per other party (the pair's agreements and their status events, each with its source)."""
    from pipeline.write.register import when
    other = {r["register_id"]: [p for p in r["parties"].split("; ") if p and p != party] for r in rows}

    def others(r: dict) -> list[str]:
        return other[r["register_id"]]
    last = {r["register_id"]: max(_dated(events.get(r["register_id"], [])), default="") for r in rows}
    first = {r["register_id"]: min(_dated(events.get(r["register_id"], [])), default="9999") for r in rows}
    drawn = {r["register_id"] for r in sorted((r for r in rows if last[r["register_id"]]),
                                              key=lambda r: (last[r["register_id"]], r["register_id"]),
                                              reverse=True)[:MAX_LANES]}
    rows = sorted(rows, key=lambda r: (", ".join(others(r)), first[r["register_id"]], r["name"], r["register_id"]))
    lanes = []
    for r in rows:
        if r["register_id"] not in drawn:
            continue
        evs = [dict(e, href=sentence_href(e["sentence_id"])) for e in events.get(r["register_id"], [])]
        label = (r["acronym"] or r["name"])[:34] + (f" · {', '.join(others(r))[:24]}" if others(r) else "")
        lanes.append((label, evs))
    svg = timeline_svg(lanes) if sum(len(_dated(evs)) for _, evs in lanes) >= MIN_DRAWN else ""
    if svg:
        svg = legend_html({e["status"] for _, evs in lanes for e in evs if when(e)}) + svg
    partners = sorted({p for r in rows for p in others(r)})
    sections = []
    for partner in partners + ([""] if any(not others(r) for r in rows) else []):
        mine = [r for r in rows if (partner in others(r) if partner else not others(r))]
        trs = []
        for r in mine:
            link = f'<a href="{quote(r["register_id"])}.html">{esc(r["name"])}</a> {esc(r["acronym"])}'
            for e in events.get(r["register_id"], []) or [{}]:
                src = (f'<a class="src" href="{sentence_href(e["sentence_id"])}">{esc(e.get("evidence", ""))}</a>'
                       if e.get("sentence_id") else "")
                trs.append(f"<tr><td>{link}</td><td>{esc(r['parties'])}</td><td>{esc(e.get('status', ''))}</td>"
                           f"<td>{esc(e.get('event_date', ''))}</td><td>{esc(e.get('published', ''))}</td>"
                           f"<td>{src}</td></tr>")
        head = (f'<h3 id="{partner_anchor(partner)}">with {esc(partner)} ({len(mine)})</h3>' if partner
                else f"<h3>with no other party named ({len(mine)})</h3>")
        sections.append(f"{head}<table><tr><th>agreement</th><th>parties</th><th>status</th><th>event date</th>"
                        f"<th>published</th><th>source sentence</th></tr>{''.join(trs)}</table>")
    body = (f'<div class="wrap"><main class="reg"><p><a href="index.html#party={quote(party)}">filter the register by '
            f"{esc(party)}</a></p><h2>Timeline of its agreements</h2>"
            f'{f"<div class=timeline>{svg}</div>" if svg else "<p>Too few status events with a date to draw: see the list.</p>"}'
            f'{f"<p>The {MAX_LANES} agreements with the latest events are drawn.</p>" if len(drawn) == MAX_LANES else ""}'
            f"<h2>Agreements ({len(rows)}), by the other party</h2>{''.join(sections)}</main></div>")
    return page(party, _header(f"{party}: agreements"), body)


# ---------------------------------------------------------------- rendering, in a pool when worth it
def _can_fork() -> bool:
    """A fork copies this process as it is: only when no other thread runs (a lock held by one
    would stay held in the copy) and the platform forks."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class Drawers:
    """The PAGE_WORKERS forked processes that draw the pictured pages of one write_pages: started
    at the first batch whose pictures are worth a pool (their costs add up to POOL_FROM; an
    agreement's picture costs 1, a party's PARTY_PICTURE_COST), then kept for every later batch.
    A worker's start and first picture cost ~70 ms of CPU beyond the drawing, so a pool a batch
    paid it again at each of the party pages' batches (a few pages each, as each holds many
    events). A page's renderer goes to a worker pickled: a functools.partial of _page, naming the
    module's renderer, and the page's data.

    The pages go to the pool as their batch is flushed and come back whenever they are drawn
    (take): the process making the other pages waits for them only when the pages on their way
    hold more than a batch's weight (pages and status events, as a batch), and at the end. So
    this process renders and writes the next batches while the pool draws (before, each batch
    waited for its own pictures, and the party pages, all pictured, left this process idle).
    close() ends them."""

    def __init__(self) -> None:
        self.pool = None
        self._pending: deque = deque()      # (name, weight, AsyncResult), in order of submission
        self.held = 0                       # the weight of the pages on their way
        self.asked = 0                      # the cost of the pictures of every batch so far

    def ready(self, cost: int) -> bool:
        """Whether the pool draws this batch's pictures (costing `cost`), starting it once the
        pictures of this batch and the earlier ones are worth it (a party's page, a batch of its
        own when it holds many events, costs less than POOL_FROM alone)."""
        self.asked += cost
        if self.pool is None and PAGE_WORKERS >= 2 and self.asked >= POOL_FROM and _can_fork():
            for module in ("matplotlib.dates", "matplotlib.backends.backend_svg"):
                importlib.import_module(module)     # imported once, here, before the fork
            _canvas()                               # made once, here: each worker inherits it
            self.pool = multiprocessing.get_context("fork").Pool(PAGE_WORKERS)
        return self.pool is not None

    def submit(self, name: str, render, weight: int) -> None:
        self._pending.append((name, weight, self.pool.apply_async(render)))
        self.held += weight

    def take(self, limit: int | None = None) -> Iterator[tuple[str, str]]:
        """(name, HTML) of the drawn pages: those already drawn, in order of submission, and then
        more, waiting, while the pages on their way weigh more than `limit` (None: all of them)."""
        while self._pending:
            name, weight, result = self._pending[0]
            if not result.ready() and limit is not None and self.held <= limit:
                return
            html = result.get()
            self._pending.popleft()
            self.held -= weight
            yield name, html

    def close(self) -> None:
        self._pending.clear()
        self.held = 0
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def render_each(renders: dict[str, object], pictured: dict[str, int],
                drawers: Drawers | None = None, weights: dict[str, int] | None = None,
                limit: int = 0) -> Iterator[tuple[str, str]]:
    """(name, HTML) of each page, as each is made, so the caller writes it and lets it go (a
    party's page can be megabytes); the pictured ones (pictured: name -> cost, an agreement's
    picture 1) go to the drawers' forked processes when they run (see Drawers; the renderers must
    then pickle; weights: name -> the page's weight, 1 when not given), while this one renders
    the rest, taking the pages drawn meanwhile (of this batch or earlier ones) as they come; the
    pages still on their way are left to later batches while they weigh at most `limit`. Without
    drawers, everything here, one after the other. The HTML is the same either way (a picture
    depends on its page's data only)."""
    heavy = [n for n in renders if n in pictured]
    if not heavy or drawers is None or not drawers.ready(sum(pictured[n] for n in heavy)):
        for n, f in renders.items():
            yield n, f()
        if drawers is not None:
            yield from drawers.take(limit)
        return
    for n in heavy:
        drawers.submit(n, renders[n], (weights or {}).get(n, 1))
    for n, f in renders.items():
        if n in pictured:
            continue
        yield n, f()
        yield from drawers.take(drawers.held)     # those drawn meanwhile, never waiting
    yield from drawers.take(limit)


def _page(renderer: str, *data) -> str:
    """A page by the renderer of that name in this module (named, so a task always pickles)."""
    return globals()[renderer](*data)


def _stamp_of_all(code: str, reg) -> str:
    """One key over everything any page shows (the register rows, each row's status events and
    agreement rows, the articles' titles), hashed a register row at a time."""
    h = hashlib.sha1(code.encode("utf-8"))
    h.update(_rows_key(reg.rows).encode("utf-8"))
    for rid, members, evs, _ in reg.store.kept():
        h.update(b"\n" + json.dumps([rid, evs, [(a["agreement_id"], a.get("article_id", ""), a.get("parties", ""))
                                               for a in members]], sort_keys=True).encode("utf-8"))
    for aid, title in reg.store.titles():
        h.update(b"\n" + json.dumps([aid, title]).encode("utf-8"))
    return h.hexdigest()


def _rows_key(rows: list[dict]) -> str:
    """A hash of the register rows, taken a row at a time (no JSON of them all at once)."""
    h = hashlib.sha1()
    for r in rows:
        h.update(json.dumps(r, sort_keys=True).encode("utf-8") + b"\n")
    return h.hexdigest()


def write_pages(out_dir: Path, reg, batch: int = BATCH) -> int:
    """Write every register page whose content changed; remove pages of rows that are gone.
    The pages are made a batch at a time (at most `batch` pages and status events held, and as
    much again on its way to and from the drawing processes: Drawers), from reg.store, so memory
    does not grow with the corpus; the party pages first (their pictures cost the most: the pool
    draws them while this process makes the agreement pages). Returns how many pages were rendered."""
    folder = Path(out_dir) / "report" / "register"
    folder.mkdir(parents=True, exist_ok=True)
    code = modules_digest("write/register_report", "write/register")
    try:
        stamps = json.loads((Path(out_dir) / STAMPS).read_text(encoding="utf-8"))
        stamps = stamps if isinstance(stamps, dict) else {}
    except (OSError, ValueError):
        stamps = {}
    whole = _stamp_of_all(code, reg)
    if stamps.get(ALL) == whole and (folder / "index.html").exists():
        return 0                        # nothing any page shows has changed (a re-run): no page is looked at
    new_stamps = {ALL: whole}
    todo: dict[str, object] = {}
    pictured: dict[str, int] = {}       # pages with a picture to draw (where the time goes): its cost
    held = [0, 0]                       # status events held by the pages in todo; pages rendered

    drawers = Drawers()
    weights: dict[str, int] = {}        # of the pages in todo (a page and its status events)

    def flush(last: bool = False) -> None:
        for name, html in render_each(todo, pictured, drawers, weights, None if last else batch):
            files.write_text_if_changed(folder / name, html, durable=False)
        held[1] += len(todo)
        todo.clear()
        pictured.clear()
        weights.clear()
        held[0] = 0

    def consider(name: str, content: str, render, drawn: int, weight: int) -> None:
        key = hashlib.sha1((code + content).encode("utf-8")).hexdigest()
        new_stamps[name] = key
        if stamps.get(name) != key or not (folder / name).exists():
            todo[name] = render
            weights[name] = weight + 1
            if drawn:
                pictured[name] = drawn
            held[0] += weight + 1
            if len(todo) >= batch or held[0] >= batch:
                flush()

    try:
        consider("index.html", _rows_key(reg.rows), lambda: index_html(reg.rows), 0, 0)
        # the party pages first: their pictures cost the most, and the pool draws them while this
        # process makes the agreement pages (which pages go first changes no page)
        _consider_parties(reg, consider)
        _consider_agreements(reg, consider)
        flush(last=True)
    finally:
        drawers.close()
    for stale in folder.glob("*.html"):
        if stale.name not in new_stamps:
            stale.unlink()
    try:
        files.write_text_atomic(Path(out_dir) / STAMPS, json.dumps(new_stamps, sort_keys=True), durable=False)
    except OSError:
        pass
    return held[1]


def _consider_parties(reg, consider) -> None:
    """write_pages's consider() of each party's page (its content key, renderer, picture cost and weight)."""
    by_party: dict[str, list[dict]] = {}
    for r in reg.rows:
        for p in r["parties"].split("; "):
            if p:
                by_party.setdefault(p, []).append(r)
    for p, rows in by_party.items():
        evs = {r["register_id"]: reg.store.events_of(r["register_id"]) for r in rows}
        consider(party_page(p), json.dumps([p, rows, evs], sort_keys=True),
                 functools.partial(_page, "party_html", p, rows, evs),
                 PARTY_PICTURE_COST * (sum(len(_dated(v)) for v in evs.values()) >= MIN_DRAWN),
                 sum(len(v) for v in evs.values()))


def _consider_agreements(reg, consider) -> None:
    """write_pages's consider() of each register row's page."""
    from pipeline.write.register import party_articles
    for r, (rid, members, evs, titles) in zip(reg.rows, reg.store.kept()):
        assert r["register_id"] == rid, (r["register_id"], rid)
        evs = [dict(e) for e in evs]            # agreement_html links them (href)
        parties = party_articles(members)
        arts = {a: {"title": t} for a, t in titles.items()}
        titles = {a: arts.get(a, {}).get("title", "") for ps in parties.values() for a in ps}
        consider(f"{rid}.html", json.dumps([r, evs, parties, titles], sort_keys=True),
                 functools.partial(_page, "agreement_html", r, evs, parties, arts),
                 int(len(_dated(evs)) >= MIN_DRAWN or bool(r["conflict"] and _dated(evs))), len(evs))
