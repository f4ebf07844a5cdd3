"""The report index: agreements and statuses per article, a display title when none was found,
and one inline script allowed by its hash (article pages keep a script-free CSP)."""
from __future__ import annotations

import re

import pytest

from pipeline.write import report

ARTICLES = [
    {"article_id": "a1", "title": "Harbour accord signed", "published": "2024-05-02", "site": "Wire"},
    {"article_id": "a2", "title": "", "url": "https://news.example/2024/05/chile-peru-port-talks-resume.html"},
    {"article_id": "a3", "title": "", "url": ""},
    {"article_id": "a4", "title": "", "url": "https://news.example/article/123456"},
]
TABLES = {
    "agreements": [
        {"article_id": "a1", "name": "Harbour Access Accord", "acronym": "HAA", "status": "signed",
         "parties": "Chile; Peru", "review_status": "pending"},
        {"article_id": "a1", "name": "Fisheries Data Pact", "acronym": "", "status": "proposed",
         "parties": "", "review_status": "accepted"},
        {"article_id": "a3", "name": "Wrong Pact", "acronym": "", "status": "terminated", "review_status": "rejected"},
    ],
    "sentences": [
        {"article_id": "a3", "n": 0, "text": "Officials from both coastguards met on Tuesday to compare the "
                                          "patrol schedules of the northern fishing grounds and their radios."},
        {"article_id": "a4", "n": 0, "text": "Ministers agreed to share port data."},
    ],
}


@pytest.fixture(scope="module")
def page() -> str:
    return report.index_html(ARTICLES, TABLES)


def _row(page: str, aid: str) -> str:
    return next(r for r in page.split("<tr ")[1:] if f"<code>{aid}</code>" in r)


@pytest.mark.parametrize("aid,shown,origin", [
    ("a1", "Harbour accord signed", None),
    ("a2", "Chile peru port talks resume", "URL"),
    ("a3", "Officials from both coastguards met on Tuesday to compare the patrol schedules of the…", "text"),
    ("a4", "Ministers agreed to share port data.", "text"),
])
def test_report_index_title_or_display_fallback(page, aid, shown, origin):
    row = _row(page, aid)
    assert shown in row
    if origin:
        assert f'class="fallback" title="no title found: shown from the {origin}"' in row
    else:
        assert "fallback" not in row


@pytest.mark.parametrize("aid,listed,status", [("a1", ["HAA", "Fisheries Data Pact"], "proposed signed"),
                                               ("a3", [], "")])
def test_report_index_lists_agreements_and_statuses(page, aid, listed, status):
    row = _row(page, aid)
    assert re.findall(r'<li title="[^"]*">([^<]*?) <span', row) == listed     # a rejected row is not listed
    assert f'data-status="{status}"' in row


def test_report_index_csp_allows_only_its_own_script(page, tmp_path):
    csp = re.search(r'Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert f"script-src '{report.script_hash(report.INDEX_SCRIPT)}'" in csp and "unsafe-inline'; img" in csp
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert scripts == [report.INDEX_SCRIPT]
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1]


@pytest.mark.parametrize("hostile", ['"><script>alert(1)</script>'])
def test_report_index_escapes_titles_in_data_attributes(hostile):
    page = report.index_html([{"article_id": "x", "title": hostile}], {})
    assert page.count("<script>") == 1 and "&lt;script&gt;" in page
