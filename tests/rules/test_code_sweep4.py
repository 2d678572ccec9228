"""Sweep 4 on code: Kore URLs built in code and URLs passed to HTTP calls (CFG003), BotKit's
credentials read through a variable and placeholders in curl examples (CFG004), a JS allow-list
taken from the token's own header (SRC005), PyJWT's `headers={"alg": …}` (SRC002/SRC007); each
with a near miss (exact rule, line and column)."""

from __future__ import annotations

from jwtaudit import engine
from jwtaudit.config import Config
from jwtaudit.sources.text import analyse_text
from tests.rules.code_fixtures import FIXTURES


def found(fixture: str, *rules: str) -> list[tuple[str, int | None, int | None]]:
    """(rule, line, column) of each finding of these rules in a fixture file, analysed as a scan
    analyses it."""
    return sorted((f.rule, f.location.line, f.location.column) for f in run(fixture, *rules))


def run(fixture: str, *rules: str) -> list[engine.Finding]:
    path = FIXTURES / fixture
    subjects = analyse_text(fixture, path.read_text(encoding="utf-8")).subjects
    ctx = engine.RunContext(config=Config.blank().with_overrides(select=rules), now=1795300000)
    return engine.run(subjects, ctx)


# --- CFG003: a URL built from a literal prefix; the URL an HTTP call is given ----------------------


def test_cfg003_built_urls_and_http_call_urls_in_javascript() -> None:
    # https, `"http://bots." + domain` (the host is not whole), loopback and docs.kore.ai: silent
    assert found("CFG003/built/client.js", "CFG003") == [
        ("CFG003", 6, 20), ("CFG003", 7, 20), ("CFG003", 14, 10), ("CFG003", 15, 10), ("CFG003", 16, 15)]


def test_cfg003_built_urls_and_http_call_urls_in_python() -> None:
    # `requests.get(KORE_URL)` reads a constant already reported on line 10: not again
    assert found("CFG003/built/client.py", "CFG003") == [
        ("CFG003", 10, 14), ("CFG003", 11, 9), ("CFG003", 12, 11), ("CFG003", 20, 20),
        ("CFG003", 21, 13), ("CFG003", 23, 16), ("CFG003", 25, 18)]


def test_cfg003_message_names_the_call_not_an_argument_index() -> None:
    messages = {(f.location.line, f.message.split(" uses ")[0]) for f in run("CFG003/built/client.js", "CFG003")}
    assert (14, "'the URL passed to fetch'") in messages
    assert (15, "'the URL passed to fetch #2'") in messages  # a second fetch is not lost under the same key
    assert (16, "'the URL passed to axios.post'") in messages
    python = {(f.location.line, f.message.split(" uses ")[0]) for f in run("CFG003/built/client.py", "CFG003")}
    assert (20, "'the URL passed to requests.post'") in python
    assert (25, "'the URL passed to session.put'") in python


# --- CFG004: BotKit's credentials read through a variable or a function of the file ---------------


def test_cfg004_credentials_apikey_through_a_local_credentials_object() -> None:
    # `mail.apikey` (another service's settings) and `creds.appId` are not flagged
    assert found("CFG004/credentials_object.js", "CFG004") == [
        ("CFG004", 15, 46), ("CFG004", 20, 46), ("CFG004", 25, 46)]


def test_cfg004_curl_placeholder_is_not_a_value_named_like_the_secret() -> None:
    # `<your-client-secret>`, `your-client-secret`, `xxxx…`, `changeme`: what the reader fills in;
    # a shell variable holding the secret stays flagged, with or without a default
    assert found("CFG004/docs/legacy-api.md", "CFG004") == [("CFG004", 10, 10), ("CFG004", 11, 10)]


# --- SRC005: a JS allow-list taken from the token's own header -------------------------------------


def test_src005_javascript_allow_list_from_the_unverified_header() -> None:
    # a literal or constant list, a header algorithm checked first, the header's kid: not flagged
    assert found("SRC005/header_alg.js", "SRC005") == [
        ("SRC005", 10, 10), ("SRC005", 16, 10), ("SRC005", 21, 10)]


# --- SRC002/SRC007: PyJWT signs with headers["alg"] over algorithm -----------------------------------


def test_src002_pyjwt_signs_with_the_header_alg() -> None:
    # HS256 in the header over algorithm="HS512", headers without alg, a falsy alg: not flagged
    assert found("SRC002/pyjwt_headers_alg.py", "SRC002") == [("SRC002", 18, 101), ("SRC002", 23, 22)]


def test_src007_pyjwt_none_in_the_header() -> None:
    # the alg of the HEADERS constant is placed where it is written (line 6); a real header alg
    # over algorithm="none", an empty header alg: not flagged
    assert found("SRC007/pyjwt_headers_alg.py", "SRC007") == [("SRC007", 6, 20), ("SRC007", 10, 78)]
