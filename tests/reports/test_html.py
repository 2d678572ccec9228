"""The HTML report: self-contained, hostile values as text, filters that work in a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from jwtaudit.model import Location
from jwtaudit.reports import html
from tests.reports.builders import CANARY_SECRET, finding, make_result, sample

HOSTILE_PATH = '"><img src=x onerror=alert(1)>.js'
HOSTILE_CLAIM = "<script>alert('claim')</script>"

TOKEN = {
    "label": "argument 1",
    "location": {"path": "<argument>", "line": None},
    "kind": "jws",
    "profile": "kore-api",
    "alg": "HS256",
    "header": {"alg": "HS256", "typ": "JWT"},
    "claims": {"appId": "cs-1", "sub": HOSTILE_CLAIM, "iat": 1795200000, "exp": 1795300000},
    "times": {
        "iat": {"epoch": 1795200000, "iso": "2026-11-20 05:20:00 UTC", "relative": "1 day ago"},
        "exp": {"epoch": 1795300000, "iso": "2026-11-21 09:06:40 UTC", "relative": "in 2 h"},
    },
    "now": 1795292800,
}
OVERVIEW = {
    "account": {"id": "5f1c0a8e9b7d6c5a4f3e2d1c", "name": "Acme"},
    "apps": [
        {"clientId": "cs-aaa", "name": "Backend", "createdIn": "Admin Console", "algorithm": "HS256",
         "jtiEnforced": False, "jweEnforced": False, "scopes": ["Bot Definition", "Get Bots"],
         "findings": ["ACC002"]},
        {"clientId": "cs-bbb", "name": "<b>Builder</b>", "createdIn": "Builder", "algorithm": "RS256",
         "jtiEnforced": True, "jweEnforced": False, "scopes": ["Chat History"], "findings": []},
    ],
    "bots": [{"id": "st-1", "name": "HR bot", "status": "published", "published": True,
              "apps": ["Backend"]}],
}


def full_result():
    base = sample()
    hostile = finding("TOK002", HOSTILE_PATH, 3, message=f"Token claim sub is {HOSTILE_CLAIM}",
                      evidence={"claim": HOSTILE_CLAIM, "kid": "../../etc/passwd\"'><svg onload=x>"})
    return replace(base, findings=(*base.findings, hostile), tokens=(TOKEN,), overview=OVERVIEW)


@pytest.fixture
def page() -> str:
    return html.render(full_result())


def test_hostile_values_render_as_text(page):
    assert page.count("<script") == 1  # the report's own inline script, nothing else
    assert "<img" not in page and "<svg" not in page and "<b>Builder" not in page
    assert "&lt;script&gt;alert(&#39;claim&#39;)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;.js" in page
    assert "&lt;b&gt;Builder&lt;/b&gt;" in page


class Tags(HTMLParser):
    """Every real tag and attribute of a page (escaped text is not a tag)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_no_external_fetches(page):
    parser = Tags()
    parser.feed(page)
    assert {tag for tag, _ in parser.tags} & {"img", "svg", "link", "iframe", "object", "embed"} == set()
    urls = [value for _, attrs in parser.tags for name, value in attrs.items()
            if name in ("src", "href", "action", "poster", "data", "srcset", "formaction")]
    assert urls and all(url.startswith("#") for url in urls), urls
    assert sum(1 for tag, _ in parser.tags if tag == "script") == 1
    assert not re.search(r"url\(|@import|<link\b|<iframe|<object|<embed", page, re.I)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_summary_chart_and_filters(page):
    assert re.search(r'<span class="n">4</span>', page)  # four critical findings
    assert 'data-only="critical"' in page
    for control in ('id="f-rule"', 'id="f-file"', 'id="f-q"', 'id="f-all"', 'name="sev" value="info"'):
        assert control in page
    assert '<option value="TOK002">TOK002 unsigned-token</option>' in page
    assert '<option value="config/tokens.json">config/tokens.json</option>' in page


def test_each_finding_has_context_and_rule_explanation(page):
    article = re.search(r'<article class="finding sev-critical"[^>]*data-file="\.env".*?</article>', page, re.S)
    assert article, "the .env finding"
    text = article.group(0)
    assert 'data-rule="SEC002"' in text and "Kore client secret bound to KORE_CLIENT_SECRET." in text
    assert "<td>key</td><td class=\"value\">KORE_CLIENT_SECRET</td>" in text
    assert 'href="#rule-SEC002"' in text
    rule = re.search(r'id="rule-TOK002".*?</details>', page, re.S).group(0)
    assert "<h3>Fix</h3><p>Sign every token with <strong>HS256</strong> and the app&#39;s client secret.</p>" in rule
    assert "<pre><code>{&#34;alg&#34;: &#34;none&#34;}</code></pre>" in rule
    assert "RFC 8725 (https://www.rfc-editor.org/rfc/rfc8725)" in rule


def test_suppressed_and_baseline_findings_start_hidden(page):
    tags = re.findall(r"<article [^>]*>", page)
    hidden = {re.search(r'data-file="([^"]*)"', t).group(1) for t in tags if " hidden" in t}
    assert hidden == {"old/.env", "src/legacy.py"}


def test_token_timeline(page):
    card = re.search(r'<div class="card token" id="token-1">.*?</pre>\s*</div>\s*</div>\s*</div>', page, re.S).group(0)
    assert '<span class="state valid">valid now</span>' in card
    positions = dict(re.findall(r'<div class="mark (\w+)" style="left: ([\d.]+)%">', card))
    assert positions == {"iat": "4.0", "now": "89.38", "exp": "96.0"}
    assert "2026-11-21 09:06:40 UTC" in card and "in 2 h" in card


def test_timeline_without_expiry_says_never_expires():
    token = {**TOKEN, "times": {"iat": TOKEN["times"]["iat"]}}
    page = html.render(make_result([], tokens=(token,)))
    assert '<span class="state noexp">never expires</span>' in page
    assert 'class="window open"' in page


def test_millisecond_timestamps_are_placed_in_seconds():
    times = {"iat": {"epoch": 1795200000000, "iso": "x", "relative": "y", "milliseconds": True},
             "exp": {"epoch": 1795300000, "iso": "x", "relative": "y"}}
    view = html._token_view({**TOKEN, "times": times}, 0)
    assert [m["key"] for m in view["timeline"]["marks"]] == ["iat", "now", "exp"]


def test_account_overview_matrix(page):
    matrix = re.search(r'<div class="card matrix">.*?</table>', page, re.S).group(0)
    header = re.findall(r'<th class="scope">([^<]*)</th>', matrix)
    assert header == ["Bot Definition", "Chat History", "Get Bots"]
    rows = re.findall(r"<tr><td>([^<]*)</td>.*?</tr>", matrix, re.S)
    assert rows == ["Backend", "&lt;b&gt;Builder&lt;/b&gt;"]
    backend = re.search(r"<tr><td>Backend</td>.*?</tr>", matrix, re.S).group(0)
    assert re.findall(r'<td class="(yes|no)">', backend) == ["yes", "no", "yes"]
    assert '<td class="flag-no">no</td>' in backend
    assert "<td>HR bot</td>" in page and "published" in page


def test_history_commit_is_shown():
    f = finding("SEC002", ".env", 2, location=Location(path=".env", line=2, commit="abcdef0123456789ff"))
    assert ".env:2 @ abcdef012345" in html.render(make_result([f], mode="history"))


def test_empty_result():
    page = html.render(make_result([]))
    assert "No findings." in page and 'id="filters"' not in page


def test_only_safe_fields_are_rendered():
    result = replace(sample(), properties={"raw": CANARY_SECRET},
                     tokens=({**TOKEN, "raw": CANARY_SECRET, "signature_raw": CANARY_SECRET},))
    assert CANARY_SECRET not in html.render(result)


# --- a real browser ----------------------------------------------------------------------------

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "",
                             shutil.which("chromium-browser") or "", shutil.which("google-chrome") or "")
                 if p and Path(p).exists()), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium) - browser test skipped"
)


def dump_dom(path: Path, fragment: str, profile: Path) -> str:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={profile}", "--dump-dom"]
    proc = subprocess.run([CHROMIUM, *flags, path.as_uri() + fragment],
                          capture_output=True, text=True, timeout=90, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


HARNESS = """
<pre id="harness-results"></pre>
<script>
(function () {
  var out = {};
  var rule = document.getElementById("f-rule"), file = document.getElementById("f-file");
  var query = document.getElementById("f-q"), all = document.getElementById("f-all");
  function fire(el, type) { el.dispatchEvent(new Event(type, { bubbles: true })); }
  function record(name) {
    out[name] = {
      files: Array.prototype.filter.call(document.querySelectorAll("article.finding"),
        function (el) { return !el.hidden; }).map(function (el) { return el.dataset.file; }).sort(),
      count: document.getElementById("f-count").textContent,
      empty: !document.getElementById("f-empty").hidden,
      hash: location.hash
    };
  }
  record("initial");
  rule.value = "TOK002"; fire(rule, "change"); record("rule");
  all.checked = true; fire(all, "change"); record("rule+all");
  rule.value = ""; all.checked = false; fire(rule, "change");
  document.querySelector('input[name=sev][value=critical]').checked = false;
  fire(document.querySelector('input[name=sev][value=critical]'), "change"); record("no-critical");
  document.querySelector('.chart button[data-only=info]').click(); record("chart-info");
  document.querySelectorAll("input[name=sev]").forEach(function (b) { b.checked = true; });
  file.value = ".env"; fire(file, "change"); record("file");
  file.value = ""; query.value = "KORE_client"; fire(query, "input"); record("search");
  query.value = "no-such-thing"; fire(query, "input"); record("nothing");
  document.getElementById("harness-results").textContent = JSON.stringify(out);
}());
</script>
"""


@needs_chromium
def test_filters_work_in_headless_chromium(tmp_path):
    page = html.render(full_result())
    report = tmp_path / "report.html"
    report.write_text(page.replace("</body>", HARNESS + "</body>"), encoding="utf-8")
    dom = dump_dom(report, "", tmp_path / "profile1")
    results = json.loads(unescape(re.search(r'<pre id="harness-results">([^<]*)</pre>', dom).group(1)))
    active = sorted([".env", "config/tokens.json", "fixtures/token.txt", "src/app.py", HOSTILE_PATH])
    expected = {
        "initial": (active, "5 of 7 shown", ""),
        "rule": (sorted(["src/app.py", HOSTILE_PATH]), "2 of 7 shown", "#rule=TOK002"),
        "rule+all": (sorted(["src/app.py", "src/legacy.py", HOSTILE_PATH]), "3 of 7 shown",
                     "#rule=TOK002&all=1"),
        "no-critical": (["config/tokens.json"], "1 of 7 shown", "#sev=high%2Cmedium%2Clow%2Cinfo"),
        "chart-info": (["config/tokens.json"], "1 of 7 shown", "#sev=info"),
        "file": ([".env"], "1 of 7 shown", "#file=.env"),
        "search": ([".env"], "1 of 7 shown", "#q=KORE_client"),
        "nothing": ([], "0 of 7 shown", "#q=no-such-thing"),
    }
    for name, (files, count, fragment) in expected.items():
        got = results[name]
        assert (got["files"], got["count"], got["hash"]) == (files, count, fragment), name
        assert got["empty"] is (name == "nothing"), name

    # A filter state in the URL fragment is applied on load (links to a filtered view work).
    plain = tmp_path / "plain.html"
    plain.write_text(page, encoding="utf-8")
    dom = dump_dom(plain, "#rule=TOK002&all=1", tmp_path / "profile2")
    tags = re.findall(r"<article [^>]*>", dom)
    shown = sorted(unescape(re.search(r'data-file="([^"]*)"', t).group(1))
                   for t in tags if not re.search(r"\shidden\b", t))
    assert shown == sorted(["src/app.py", "src/legacy.py", HOSTILE_PATH])
    parser = Tags()
    parser.feed(dom)
    assert "img" not in {tag for tag, _ in parser.tags}  # the hostile file name is still text
