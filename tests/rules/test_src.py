"""SRC001-SRC007 on fixture code (Python, JS, TS): exact (rule, line) from `expect:` markers."""

from __future__ import annotations

import pytest

from tests.rules.code_fixtures import FIXTURES, code_files, expected_lines, findings, lines

SRC_RULES = [f"SRC00{n}" for n in range(1, 8)]
CASES = [(rule, path) for rule in SRC_RULES for path in code_files(rule)]


@pytest.mark.parametrize(("rule", "path"), CASES, ids=[f"{r}-{p.name}" for r, p in CASES])
def test_fixture_findings_match_markers(rule, path) -> None:
    assert lines(path, rule) == expected_lines(path, rule)


@pytest.mark.parametrize("rule", SRC_RULES)
def test_every_rule_has_python_and_javascript_positives(rule) -> None:
    suffixes = {p.suffix for p in code_files(rule) if expected_lines(p, rule)}
    assert ".py" in suffixes and suffixes & {".js", ".ts", ".tsx"}, rule


def test_src001_points_at_the_key_and_names_the_fix() -> None:
    [hit] = [f for f in findings(FIXTURES / "SRC001/express_token.js", "SRC001")]
    assert (hit.location.line, hit.location.column, hit.location.end_column) == (11, 27, 32)
    assert "rename the key to `appId`" in hit.message
    assert hit.evidence["claim"] == "appID"


def test_src002_points_at_the_algorithm_argument() -> None:
    hits = findings(FIXTURES / "SRC002/fastapi_token.py", "SRC002")
    first = hits[0]
    assert (first.location.line, first.location.column, first.location.end_column) == (16, 79, 88)
    assert first.evidence["alg"] == "RS256"
    assert "HS256" in first.message


def test_src003_never_shows_the_secret() -> None:
    for hit in findings(FIXTURES / "SRC003/auth.py", "SRC003"):
        text = repr(hit.to_dict())
        assert "kore-client-secret-committed-by-mistake" not in text
        assert "dev-secret-do-not-use" not in text
        assert "inline-bytes-secret" not in text


def test_src003_reports_fallback() -> None:
    [hit] = [f for f in findings(FIXTURES / "SRC003/server.js", "SRC003") if f.location.line == 9]
    assert hit.evidence["fallback"] is True
    assert "falls back" in hit.message


def test_src005_says_why() -> None:
    by_line = {f.location.line: f.message for f in findings(FIXTURES / "SRC005/middleware.js", "SRC005")}
    assert "identity" in by_line[6]
    assert "allow-list" in by_line[18]
    assert "noVerify" in by_line[22]


def test_src006_names_the_unit() -> None:
    hits = findings(FIXTURES / "SRC006/tokens.py", "SRC006")
    assert [(h.location.line, h.evidence["claim"], h.evidence["unit"]) for h in hits] == [
        (11, "iat", "milliseconds"), (11, "exp", "milliseconds"), (16, "iat", "nanoseconds")]


def test_src006_shorthand_properties_name_the_variable() -> None:
    hits = findings(FIXTURES / "SRC006/shorthand.js", "SRC006")
    assert [(f.location.line, f.location.column, f.evidence["claim"]) for f in hits] == [(6, 31, "exp"),
                                                                                          (11, 31, "iat")]
