"""The Markdown summary: short, most severe first, hostile values rendered as text."""

from __future__ import annotations

from dataclasses import replace

from jwtaudit.model import Location, Severity
from jwtaudit.reports import markdown
from tests.reports.builders import CANARY_SECRET, finding, make_result


def rows(text: str) -> list[str]:
    """The findings table's rows."""
    return [line for line in text.splitlines() if line.startswith("| ") and line.count(" | ") == 3
            and "| Rule |" not in line and "---" not in line]


def test_summary_headline_counts_and_rows(sample_result):
    text = markdown.render(sample_result)
    assert text.startswith("### jwtaudit: 4 findings (3 critical, 1 info)\n")
    assert "| 3 | 0 | 0 | 0 | 1 |" in text
    assert rows(text) == [
        "| 🟥 critical | SEC002 kore-client-secret | .env:2 | Kore client secret bound to KORE\\_CLIENT\\_SECRET. |",
        "| 🟥 critical | SEC009 secret-signs-token | fixtures/token.txt:1 | Secret signs token found. |",
        "| 🟥 critical | TOK002 unsigned-token | src/app.py:7 | Unsigned token found. |",
        "| ⬜ info | TOK010 expired-token | config/tokens.json:4 /tokens/0 | Expired token found. |",
    ]
    assert "1 accepted in the baseline" in text and "1 suppressed inline" in text
    assert "src/legacy.py" not in text and "old/.env" not in text


def test_no_findings():
    text = markdown.render(make_result([]))
    assert text.startswith("### jwtaudit: no findings ✅")
    assert "| Severity | Rule |" not in text


def test_most_severe_first_and_capped():
    findings = [finding("TOK010", f"f{i:03}.json", 1) for i in range(30)]
    findings.append(finding("TOK002", "zzz.py", 1, severity=Severity.HIGH))
    text = markdown.render(make_result(findings))
    table = rows(text)
    assert len(table) == markdown.MAX_ROWS
    assert table[0].startswith("| 🟧 high | TOK002")
    assert "…and 6 more" in text


def test_hostile_values_render_as_text():
    f = finding("TOK002", 'x/"><img src=x onerror=alert(1)>|@octocat.js', 1,
                message="Token with `<script>alert(1)</script>` claim | [click](javascript:x) **bold**")
    text = markdown.render(make_result([f]))
    [row] = rows(text)
    assert "<img" not in row and "<script>" not in row
    assert "&lt;img src=x onerror=alert(1)&gt;" in row
    assert "\\|@\u200boctocat" in row
    assert "\\[click\\](javascript:x) \\*\\*bold\\*\\*" in row
    assert row.startswith("| 🟥 critical | TOK002 unsigned-token | x/\"&gt;&lt;img")  # still four cells


def test_history_location_names_the_commit():
    f = finding("SEC002", ".env", 2, location=Location(path=".env", line=2, commit="abcdef0123456789"))
    assert "| .env:2 (commit abcdef012345) |" in markdown.render(make_result([f], mode="history"))


def test_only_safe_fields_are_rendered(sample_result):
    result = replace(sample_result, properties={"raw": CANARY_SECRET},
                     tokens=({"label": "t", "raw": CANARY_SECRET},))
    assert CANARY_SECRET not in markdown.render(result)
