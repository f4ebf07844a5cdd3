"""End to end in a real browser: follow a source_link from a review table into the static report
in headless Chromium and check the highlighted span is on screen; a screenshot is kept under
outputs/browser/. Drives chromedriver's W3C HTTP API with urllib (no Python dependency).
Install the browser with `make browser-setup` (Debian packages chromium, chromium-driver)."""
from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.write import csvio

DATA = Path(__file__).parent / "data" / "review"
SHOTS = PROJECT_ROOT / "outputs" / "browser"

pytestmark = [pytest.mark.browser, pytest.mark.model]


def _binaries() -> tuple[str, str]:
    browser = next((b for b in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if b), None)
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.skip("headless Chromium and chromedriver are not installed: run `make browser-setup` "
                    "(apt-get install chromium chromium-driver)")
    return browser, driver


class Driver:
    """The few W3C WebDriver calls this test needs."""

    def __init__(self, browser: str, driver: str, width: int, height: int):
        # Chromium leaves its profile and singleton-socket folders in TMPDIR: give it one of its
        # own, removed by quit(), so that no test run leaves folders in /tmp
        self.tmp = tempfile.mkdtemp(prefix="report-browser-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.proc = subprocess.Popen([driver, f"--port={port}"], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, env=dict(os.environ, TMPDIR=self.tmp))
        line = self.proc.stdout.readline()          # blocks until the driver says it listens
        while line and "started successfully" not in line:
            line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("chromedriver did not start")
        self.base = f"http://127.0.0.1:{port}"
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": browser,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}", "--hide-scrollbars",
                     f"--user-data-dir={Path(self.tmp) / 'profile'}"]}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())["value"]

    def go(self, url: str) -> None:
        self._call("POST", f"/session/{self.session}/url", {"url": url})

    def js(self, script: str, *args):
        return self._call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": list(args)})

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self._call("GET", f"/session/{self.session}/screenshot")))

    def quit(self) -> None:
        try:
            self._call("DELETE", f"/session/{self.session}")
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=30)
            shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def driver():
    browser, drv = _binaries()
    d = Driver(browser, drv, 1000, 700)
    yield d
    d.quit()


# where the sentence the link points to sits: its box, the highlighted span inside, the :target style
PROBE = """
const sent = document.getElementById(arguments[0]);
if (!sent) return null;
const mark = sent.querySelector('mark[data-kind="' + arguments[1] + '"]');
const box = e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom, r.left, r.right]; };
return {sent: box(sent), mark: mark ? box(mark) : null,
        markBg: mark ? getComputedStyle(mark).backgroundColor : null,
        target: location.hash, targetBg: getComputedStyle(sent).backgroundColor,
        scrolled: document.scrollingElement.scrollTop, vw: innerWidth, vh: innerHeight};
"""


def _corpus(tmp_path: Path) -> Path:
    """The review test articles plus one long article whose agreement sits far below the fold."""
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA, corpus)
    filler = "\n".join(f"Background note {i}: the harbour authority published its weekly tide tables and "
                       "fishing quotas for the coastal villages." for i in range(40))
    (corpus / "delta_long_notes.txt").write_text(
        "Harbour notes and a late agreement\n\n" + filler + "\nEstonia and Finland signed a Maritime Security "
        "Agreement on 3 March 2021 to counter threats to undersea cables.\n", encoding="utf-8")
    return corpus


@pytest.mark.parametrize("table,kind", [("agreements", "agreement")])
def test_browser_source_link_opens_highlighted_span(tmp_path, settings, driver, table, kind):
    from pipeline.run import run
    out = tmp_path / "out"
    run(_corpus(tmp_path), out, settings)
    rows = [r for r in csvio.read_csv(out / f"{table}.csv") if r["article_id"] == "delta_long_notes"]
    assert rows, "the long article must yield an agreement row"
    page, _, anchor = rows[0]["source_link"].partition("#")
    driver.go((out / page).resolve().as_uri() + "#" + anchor)
    got = driver.js(PROBE, anchor, kind)
    driver.screenshot(out / "report" / "source-link.png")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(out / "report" / "source-link.png", SHOTS / "source-link.png")
    assert got is not None, f"{anchor} is not an anchor of {page}"
    assert got["target"] == f"#{anchor}" and got["scrolled"] > 0       # the page scrolled to it
    top, bottom, left, right = got["mark"]
    assert 0 <= top < bottom <= got["vh"] and 0 <= left < right <= got["vw"], got   # span on screen
    assert got["markBg"] not in ("rgba(0, 0, 0, 0)", "transparent")                 # highlighted
    assert got["targetBg"] not in ("rgba(0, 0, 0, 0)", "transparent")               # sentence marked
    assert (SHOTS / "source-link.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("page", ["index.html"])
def test_browser_index_links_to_every_article(tmp_path, settings, driver, page):
    from pipeline.run import run
    out = tmp_path / "out"
    run(DATA, out, settings)
    driver.go((out / "report" / page).resolve().as_uri())
    hrefs = driver.js("return [...document.querySelectorAll('td a')].map(a => a.href);")
    assert len(hrefs) == len(csvio.read_csv(out / "articles.csv"))
    driver.go(hrefs[0])
    assert driver.js("return document.querySelectorAll('main mark').length;") > 0


@pytest.mark.parametrize("party", ["Finland"])
def test_browser_register_filters_by_party_and_timeline_links_to_the_sentence(tmp_path, settings, driver, party):
    """The register page filters its rows by a party in the browser (from file://, its script
    allowed by the page's CSP hash); an agreement page's timeline point opens its source sentence,
    highlighted."""
    from pipeline.run import run
    from test_register import DOUBT, OWN, write_own
    corpus = write_own(tmp_path / "corpus", {**OWN, DOUBT[0]: DOUBT[1:]})
    shutil.copytree(DATA, corpus, dirs_exist_ok=True)
    out = tmp_path / "out"
    run(corpus, out, settings)
    rows = csvio.read_csv(out / "register.csv")
    with_party = sorted(r["register_id"] for r in rows if party in r["parties"].split("; "))
    assert with_party and len(with_party) < len(rows), "the corpus must hold rows with and without the party"
    driver.go((out / "report" / "register" / "index.html").resolve().as_uri())
    shown = driver.js("""const s = document.getElementById('f-party'); s.value = arguments[0];
        s.dispatchEvent(new Event('change'));
        return [...document.querySelectorAll('#register tbody tr')].filter(r => !r.hidden).map(r => r.id).sort();""",
                      party)
    assert shown == with_party
    assert driver.js("return document.getElementById('shown').textContent;") == str(len(with_party))
    # the party's corpus-level timeline, reached from the register: every point opens a sentence
    party_page = driver.js("""return [...document.querySelectorAll('#register tbody a')].find(
        a => a.textContent === arguments[0] && a.getAttribute('href').startsWith('party-')).href;""", party)
    driver.go(party_page)
    points = driver.js("""return [...document.querySelectorAll('.timeline svg a')].map(
        a => new URL(a.getAttribute('xlink:href') || a.getAttribute('href'), location.href).href);""")
    assert points and all("#s" in link and "/register/" not in link for link in points)
    driver.go(points[-1])
    got = driver.js(PROBE, points[-1].rsplit("#", 1)[1], "agreement")
    assert got is not None and got["targetBg"] not in ("rgba(0, 0, 0, 0)", "transparent")
    conflicted = [r for r in rows if r["conflict"]]
    assert conflicted, "the fourth article must set a conflict"
    driver.go((out / conflicted[0]["source_link"]).resolve().as_uri())
    links = driver.js("""return [...document.querySelectorAll('.timeline svg a')].map(
        a => new URL(a.getAttribute('xlink:href') || a.getAttribute('href'), location.href).href);""")
    assert links and all("#s" in link for link in links)
    driver.go(links[0])
    anchor = links[0].rsplit("#", 1)[1]
    got = driver.js(PROBE, anchor, "agreement")
    driver.screenshot(out / "register-link.png")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(out / "register-link.png", SHOTS / "register-link.png")
    assert got is not None and got["target"] == f"#{anchor}"
    top, bottom, _, _ = got["sent"]
    assert 0 <= top < bottom <= got["vh"], got                                       # sentence on screen
    assert got["targetBg"] not in ("rgba(0, 0, 0, 0)", "transparent")               # and highlighted
