"""Inline suppressions: every comment syntax, next-line form, bare ignores and stale ones (META001)."""

from __future__ import annotations

import pytest

from jwtaudit import engine, suppressions
from jwtaudit.config import Config
from jwtaudit.model import Confidence, Finding, Location, Severity


def finding(rule: str, line: int, path: str = "app.py", commit: str | None = None,
            end_line: int | None = None) -> Finding:
    return Finding(rule=rule, name="x", severity=Severity.HIGH, confidence=Confidence.HIGH, message="m",
                   location=Location(path=path, line=line, end_line=end_line, commit=commit),
                   evidence={}, fingerprint=f"{rule}-{line}")


def ctx(**changes: object) -> engine.RunContext:
    return engine.RunContext(config=Config.blank().with_overrides(**changes), now=0)


def statuses(items: list[Finding]) -> list[tuple[str, int | None, str]]:
    return [(f.rule, f.location.line, f.status) for f in items]


@pytest.mark.parametrize("line", [
    'TOKEN = "x"  # jwtaudit: ignore[SEC001]',
    'const t = "x"; // jwtaudit: ignore[SEC001]',
    'const t = "x"; /* jwtaudit: ignore[SEC001] */',
    '<token>x</token> <!-- jwtaudit: ignore[SEC001] -->',
    "SELECT 'x'; -- jwtaudit: ignore[SEC001]",
    'token: x # jwtaudit:ignore[ SEC001 , TOK ]',
])
def test_every_comment_syntax_suppresses(line: str) -> None:
    (directive,) = suppressions.parse("app.py", f"first\n{line}\n")
    assert (directive.line, directive.target, directive.next_line) == (2, 2, False)
    out = suppressions.apply([finding("SEC001", 2), finding("SEC002", 3)], [directive], ctx())
    assert statuses(out) == [("SEC001", 2, "suppressed"), ("SEC002", 3, "new")]


def test_next_line_form_covers_only_the_line_below() -> None:
    text = "# jwtaudit: ignore-next-line[SEC001]\nTOKEN = 'x'\nOTHER = 'y'\n"
    directives = suppressions.parse("app.py", text)
    out = suppressions.apply([finding("SEC001", 2), finding("SEC001", 3)], directives, ctx())
    assert statuses(out) == [("SEC001", 2, "suppressed"), ("SEC001", 3, "new")]


def test_prefix_code_covers_a_family_and_multi_line_findings() -> None:
    directives = suppressions.parse("app.py", "a\nb\nx = 1  # jwtaudit: ignore[TOK]\n")
    out = suppressions.apply([finding("TOK004", 2, end_line=4), finding("SEC001", 3)], directives, ctx())
    assert statuses(out) == [("TOK004", 2, "suppressed"), ("SEC001", 3, "new")]


def test_directive_only_applies_to_its_own_file_and_commit() -> None:
    directives = suppressions.parse("a.py", "x  # jwtaudit: ignore[SEC001]\n", commit="c1")
    out = suppressions.apply(
        [finding("SEC001", 1, path="b.py", commit="c1"), finding("SEC001", 1, path="a.py", commit="c2"),
         finding("SEC001", 1, path="a.py", commit="c1")],
        directives, ctx(), report_unused=False)
    assert [f.status for f in out] == ["new", "new", "suppressed"]


def test_bare_ignore_does_nothing_and_is_reported() -> None:
    directives = suppressions.parse("app.py", "TOKEN = 'x'  # jwtaudit: ignore\n")
    out = suppressions.apply([finding("SEC001", 1)], directives, ctx())
    assert statuses(out) == [("SEC001", 1, "new"), ("META001", 1, "new")]
    meta = out[1]
    assert meta.severity is Severity.LOW
    assert meta.evidence["problem"] == "no-code"
    assert "names no rule code" in meta.message


def test_ignore_with_only_non_codes_is_bare() -> None:
    directives = suppressions.parse("app.py", "x  # jwtaudit: ignore[all, pls]\n")
    (meta,) = suppressions.apply([], directives, ctx())
    assert (meta.rule, meta.evidence["problem"]) == ("META001", "no-code")
    assert "all, pls is not a rule code" in meta.message


def test_non_code_text_is_not_echoed() -> None:
    directives = suppressions.parse("app.py", "x  # jwtaudit: ignore[hunter2-secret-value]\n")
    (meta,) = suppressions.apply([], directives, ctx())
    assert "hunter2" not in meta.message and "<not a code>" in meta.message


def test_unused_suppression_is_meta001_on_the_comment_line() -> None:
    directives = suppressions.parse("app.py", "a\n# jwtaudit: ignore-next-line[SEC002]\nb = 1\n")
    (meta,) = suppressions.apply([finding("SEC001", 3)][:0], directives, ctx())
    assert (meta.rule, meta.location.line, meta.location.column) == ("META001", 2, 3)
    assert meta.evidence == {"directive": "ignore-next-line[SEC002]", "codes": ["SEC002"], "problem": "unused"}


def test_unused_is_not_reported_for_rules_that_did_not_run_or_in_history() -> None:
    directives = suppressions.parse("app.py", "x  # jwtaudit: ignore[SEC002]\n")
    assert suppressions.apply([], directives, ctx(select=("TOK",))) == []
    assert suppressions.apply([], directives, ctx(select=("SEC002", "META"))) != []
    assert suppressions.apply([], directives, ctx(ignore=("META001",))) == []
    assert suppressions.apply([], directives, ctx(), report_unused=False) == []


@pytest.mark.parametrize("text", [
    'msg = "jwtaudit: ignore[SEC001]"\n',  # in a string, not a comment
    "jwtaudit: ignore[SEC001]\n",
    "# jwtaudit ignore[SEC001]\n",
    "# jwtaudit: ignored[SEC001]\n",
    "# jwtaudit: ignore-next-lines[SEC001]\n",
])
def test_near_misses_are_not_directives(text: str) -> None:
    assert suppressions.parse("app.py", text) == ()


def test_meta001_fingerprint_ignores_line_moves() -> None:
    one = suppressions.apply([], suppressions.parse("a.py", "# jwtaudit: ignore[SEC002]\n"), ctx())
    two = suppressions.apply([], suppressions.parse("a.py", "\n\n# jwtaudit: ignore[SEC002]\n"), ctx())
    assert one[0].fingerprint == two[0].fingerprint
    assert one[0].location.line == 1 and two[0].location.line == 3


def test_parse_is_linear_on_long_lines() -> None:
    text = "# " + "jwtaudit: ignore[" * 20000 + "\n" + "x" * 1_000_000
    directives = suppressions.parse("big.txt", text)
    assert [d.line for d in directives] == [1]


def test_markdown_directives_live_in_html_comments_not_in_examples() -> None:
    text = "\n".join([
        "Silence one line with `# jwtaudit: ignore[SEC001]`:",          # 1 prose: shows the syntax
        "```python",                                                     # 2
        'TOKEN = "eyJ…"  # jwtaudit: ignore[SEC001]',                     # 3 an example in a fence
        "# jwtaudit: ignore-next-line[SEC002]",                           # 4 still the example
        "```",                                                           # 5
        "# jwtaudit: ignore[SEC002] is a heading, not a comment",          # 6
        "auth: eyJ… <!-- jwtaudit: ignore[SEC001] -->",                     # 7 the one directive
        "~~~",                                                           # 8
        "<!-- jwtaudit: ignore[TOK] -->",                                   # 9 inside a ~~~ fence
        "~~~",                                                           # 10
    ])
    assert [(d.line, d.codes) for d in suppressions.parse("docs/API.md", text)] == [(7, ("SEC001",))]
    assert [d.line for d in suppressions.parse("app.py", text)] == [1, 3, 4, 6, 7, 9]  # code: every comment


def test_markdown_a_directive_inside_an_inline_code_span_shows_the_syntax() -> None:
    """A code span renders as literal text: its `<!--` opens no comment. A backtick run closes
    only a run of as many backticks, and a lone backtick is plain text."""
    text = "\n".join([
        "Inline code `<!-- jwtaudit: ignore[SEC002] -->` clientSecret: `c2VjcmV0`",    # 1 an example
        "Also ``a ` b <!-- jwtaudit: ignore[SEC002] --> c``",                          # 2 in a `` span
        "secret: `c2VjcmV0` <!-- jwtaudit: ignore[SEC002] -->",                        # 3 after a span
        "A lone ` then <!-- jwtaudit: ignore[SEC001] -->",                             # 4 no span
        "x `` y ` <!-- jwtaudit: ignore[TOK] --> ` z",                                 # 5 in a ` span
        "<!-- `jwtaudit: ignore[SEC003]` -->",                                         # 6 comment first
    ])
    assert [(d.line, d.column, d.codes) for d in suppressions.parse("README.md", text)] == [
        (3, 25, ("SEC002",)), (4, 20, ("SEC001",)), (6, 7, ("SEC003",))]
