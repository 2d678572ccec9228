"""Regex safety: every pattern in jwtaudit runs in linear time on adversarial long lines.

Each pattern gets its own test and its own forked child process, which runs the pattern the way
the code calls it (see `tests.safety.patterns.usage`) over ~40 hostile lines: each character
class repeated, near misses of the token/PEM/URL shapes, and the pattern's own literals
repeated without what completes them. A pattern that backtracks super-linearly takes minutes
on such a line; a linear one takes well under a second, so the bound below is generous.

Lines are 1 MB, as the safety promise says, in every profile (about 2-3 minutes on two cores);
`JWTAUDIT_QUICK_REGEX=1` uses 128 KB lines for a quick local run. `benchmarks/regex.py` prints
the 1 MB times.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from multiprocessing.connection import Connection

import pytest

from tests.safety.patterns import CI_LINE_SIZE, LINE_SIZE, Pattern, adversarial_inputs, collect, exercise

QUICK = os.environ.get("JWTAUDIT_QUICK_REGEX") == "1"
SIZE = CI_LINE_SIZE if QUICK else LINE_SIZE
BOUND_SECONDS = 4.0 if QUICK else 12.0  # per line; linear patterns take < 1 s even at 1 MB
PATTERNS = collect()


def _child(pattern: Pattern, conn: Connection) -> None:
    for name, line in adversarial_inputs(pattern, SIZE).items():
        conn.send(("start", name))
        exercise(pattern, line)
    conn.send(("done", ""))


def run_with_bound(pattern: Pattern, bound: float) -> str | None:
    """None when every hostile line finished within `bound` seconds, else the line's name."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(pattern, send), daemon=True)
    child.start()
    current, deadline = "(start-up)", time.monotonic() + bound + 5
    try:
        while True:
            if not receive.poll(max(0.0, deadline - time.monotonic())):
                return current
            kind, name = receive.recv()
            if kind == "done":
                return None
            current, deadline = name, time.monotonic() + bound
    finally:
        child.kill()
        child.join()


def test_every_module_pattern_is_collected() -> None:
    """The walker finds patterns in module globals, classes and tables (not only a few)."""
    where = {p.where for p in PATTERNS}
    assert "jwtaudit.sources.token_finder.TOKEN_RE" in where
    assert any(w.startswith("jwtaudit.rules.tok._KID_PROBLEMS[") for w in where)  # inside a tuple table
    assert len(PATTERNS) >= 60


def test_bounded_call_sites_are_read_from_the_source() -> None:
    by_where = {p.where: p for p in PATTERNS}
    assert by_where["jwtaudit.sources.key_names._KEY_BEFORE"].bound == 160
    assert by_where["jwtaudit.sources.structured._ENV_LINE"].anchored


def test_the_harness_catches_a_quadratic_pattern() -> None:
    import re

    evil = Pattern(where="evil", regex=re.compile(r"\[([^\]\n]*)\]\("))
    assert run_with_bound(evil, 1.0) is not None


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.where for p in PATTERNS])
def test_pattern_is_linear_on_hostile_lines(pattern: Pattern) -> None:
    slow = run_with_bound(pattern, BOUND_SECONDS)
    assert slow is None, (
        f"{pattern.where} ({pattern.regex.pattern[:120]!r}) did not finish within {BOUND_SECONDS} s "
        f"on the {SIZE}-character {slow!r} line: super-linear backtracking"
    )


# --- regressions found by this suite (named after the attack) ------------------------------------


def _finishes(target, arg: str, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    ctx = multiprocessing.get_context("fork")
    child = ctx.Process(target=target, args=(arg,), daemon=True)
    child.start()
    child.join(seconds)
    alive = child.is_alive()
    child.kill()
    child.join()
    return not alive and child.exitcode == 0


def test_repeated_eyj_prefix_line_is_scanned_in_linear_time() -> None:
    """`eyJeyJeyJ…` made every `eyJ` start a scan to the end of the line (quadratic)."""
    from jwtaudit.sources.token_finder import find_tokens

    assert _finishes(find_tokens, "eyJ" * 400_000, 10.0)


def test_repeated_eyj_in_export_and_service_headers_is_linear() -> None:
    from jwtaudit.rules import bot
    from jwtaudit.sources import export_link

    line = "eyJ" * 400_000
    assert _finishes(lambda text: list(export_link._JWT.finditer(text)), line, 10.0)
    assert _finishes(bot._JWT.search, line, 10.0)


def test_tokens_are_still_found_after_separators_and_percent_escapes() -> None:
    """The linear-time start rule keeps every realistic prefix: quotes, `=`, `Bearer `, `%22`, `%20`."""
    from jwtaudit.sources.token_finder import TOKEN_RE

    body = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
    for prefix in ('"', "=", "Bearer ", "%22", "Bearer%20", "", "\n"):
        assert TOKEN_RE.search(prefix + body).group() == body
    assert TOKEN_RE.search("abc" + body) is None  # inside a longer base64url run: not a token start


def test_unclosed_markdown_links_in_rule_docs_render_in_linear_time() -> None:
    from jwtaudit.reports import html, sarif

    line = "[" * 200_000
    assert _finishes(lambda text: list(html._INLINE.finditer(text)), line, 10.0)
    assert _finishes(lambda text: sarif._LINK.sub("", text), line, 10.0)
    assert sarif._LINK.sub(r"\1 (\2)", "see [RFC 7519](https://www.rfc-editor.org/rfc/rfc7519)") == (
        "see RFC 7519 (https://www.rfc-editor.org/rfc/rfc7519)"
    )


def _analyse(name_and_text: str) -> None:
    from jwtaudit.sources.text import analyse_text

    name, text = name_and_text.split("\0", 1)
    analyse_text(name, text)


def test_thousands_of_tokens_on_one_line_are_linear() -> None:
    """A minified bundle or one-line JSON with a token in every few kilobytes: each token's name,
    header and `/api/public/` context were read from the whole line, and its pointer looked up
    among all the line's values (12,000 tokens took minutes; now seconds)."""
    import json

    from tests.helpers import good_payload, make_token

    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload())
    bundle = ('var a="' + token + '";' + "x" * 400) * 12_000
    document = json.dumps([{"id": i, "auth": token, "note": "x" * 40} for i in range(12_000)],
                          separators=(",", ":"))
    assert _finishes(_analyse, "dist/app.min.js\0" + bundle, 40.0)
    assert _finishes(_analyse, "data/calls.json\0" + document, 40.0)
