"""In a real browser: the tables in Datasette (what `make browse` serves) with a facet applied, and
the report index's search, sort and filter from file://. Datasette runs as a subprocess on
127.0.0.1 on a free port and is stopped at the end; readiness is its own "running" log line
(no sleeping). Chromium is driven as in test_browser.py; without it (or without Datasette, the
`browse` extra) the tests skip with the reason."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.write import csvio, exports
from tables_fixture import write_outputs
from test_browser import Driver, _binaries

SHOTS = PROJECT_ROOT / "outputs" / "browser"

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def driver():
    browser, drv = _binaries()
    d = Driver(browser, drv, 1200, 800)
    yield d
    d.quit()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    out = write_outputs(tmp_path_factory.mktemp("browse") / "outputs")
    exports.write_exports(out, ["sqlite"])
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def datasette(outputs):
    pytest.importorskip("datasette", reason="Datasette is the `browse` extra: `make setup` installs it")
    port = _free_port()
    # the command `make browse` runs (Makefile, checked by test_exports)
    proc = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(outputs / exports.DB_FILE),
                             "--metadata", str(outputs / exports.METADATA_FILE), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        for line in proc.stderr:                    # blocks until uvicorn says it listens (or exits)
            seen.append(line)
            if "running on" in line.lower():
                break
        else:
            pytest.fail("datasette did not start:\n" + "".join(seen))
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(base + "/-/versions.json", timeout=60) as r:
            assert r.status == 200
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        proc.stderr.close()


@pytest.mark.parametrize("column,value", [("status", "signed"), ("review_status", "pending")])
def test_browse_datasette_agreements_facet(outputs, datasette, driver, column, value):
    rows = csvio.read_csv(outputs / "agreements.csv")
    driver.go(f"{datasette}/extractions/agreements")
    facet = driver.js(f"""
        const box = document.querySelector('.facet-info[data-column="{column}"]');
        if (!box) return null;
        return [...box.querySelectorAll('li a')].map(a => [a.textContent.trim(), a.href]);""")
    assert facet, f"no {column} facet on the agreements page"
    assert sorted(t for t, _ in facet) == sorted({r[column] for r in rows})
    driver.go(dict(facet)[value])                     # run the facet: follow its link
    got = driver.js(f"""return [...document.querySelectorAll('table.rows-and-columns tbody tr')]
        .map(tr => tr.querySelector('td.col-{column}').textContent.trim());""")
    driver.screenshot(SHOTS / f"datasette-{column}.png")
    assert got == [value] * sum(r[column] == value for r in rows)


@pytest.mark.parametrize("query", ["smugglers"])
def test_browse_datasette_full_text_search(datasette, driver, query):
    driver.go(f"{datasette}/extractions/sentences?_search={query}")
    ids = driver.js("return [...document.querySelectorAll('table.rows-and-columns tbody td.col-sentence_id')]"
                    ".map(td => td.textContent.trim());")
    assert ids == ["fjord_patrol:0"]


# ---------------------------------------------------------------- the report index, from file://
VISIBLE = "return [...document.querySelectorAll('#articles tbody tr')].filter(tr => !tr.hidden)" \
          ".map(tr => tr.querySelector('code').textContent);"


def _set(driver, element_id: str, value: str) -> None:
    driver.js("const el = document.getElementById(arguments[0]); el.value = arguments[1];"
              "el.dispatchEvent(new Event('input'));", element_id, value)


@pytest.mark.parametrize("page", ["index.html"])
def test_browse_index_search_sort_filter(outputs, driver, page):
    driver.go((outputs / "report" / page).resolve().as_uri())
    assert driver.js("return document.documentElement.dataset.ready;") == "1", "the index script did not run (CSP?)"
    assert sorted(driver.js(VISIBLE)) == ["fjord_patrol", "port_logistics"]
    _set(driver, "q", "fjord")
    assert driver.js(VISIBLE) == ["fjord_patrol"]
    _set(driver, "q", "peru")                                   # parties are searchable too
    assert driver.js(VISIBLE) == ["port_logistics"]
    _set(driver, "q", "")
    _set(driver, "status", "under_negotiation")
    assert driver.js(VISIBLE) == ["port_logistics"]
    _set(driver, "status", "")
    order = []
    for _ in range(2):
        driver.js("document.querySelector('#articles thead th').click();")
        order.append(driver.js(VISIBLE))
    # titles: "Chile peru port logistics talks" (from the URL) < "Fjord patrol accord signed"
    assert order == [["port_logistics", "fjord_patrol"], ["fjord_patrol", "port_logistics"]]
    assert driver.js("return document.querySelector('#articles thead th').getAttribute('aria-sort');") == "descending"
    driver.screenshot(SHOTS / "index.png")
    shutil.copy(SHOTS / "index.png", outputs / "report" / "index.png")
