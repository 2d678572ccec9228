"""Token and secret discovery in text: every container, exact line and column, encodings."""

from __future__ import annotations

import codecs
import json

import pytest

from jwtaudit.sources.text import (
    analyse_text,
    decode_bytes,
    find_tokens,
    in_blob,
    is_kore_secret,
    is_secret_key,
    key_before,
)
from tests.helpers import CLIENT_ID, STRONG_SECRET, good_payload, make_token

TOKEN = make_token({"alg": "HS256", "typ": "JWT"}, good_payload())


def token_places(rel_path: str, text: str) -> list[tuple[int, int, str | None, str, bool]]:
    out = analyse_text(rel_path, text)
    return [(t.location.line, t.location.column, t.location.pointer, t.anchor, t.public_api) for t in out.tokens]


@pytest.mark.parametrize(
    ("rel_path", "text", "expected"),
    [
        ("client.py", f'import x\nH = {{"auth": "{TOKEN}"}}\n', [(2, 15, None, "auth", True)]),
        ("a.js", f"fetch(u, {{headers: {{Authorization: `Bearer {TOKEN}`}}}})\n",
         [(1, 44, None, "Authorization", False)]),
        ("conf/app.json", f'{{\n  "svc": {{"token": "{TOKEN}"}}\n}}\n', [(2, 21, "/svc/token", "/svc/token", False)]),
        (".env", f"# c\nKORE_JWT={TOKEN}\n", [(2, 10, "/KORE_JWT", "/KORE_JWT", False)]),
        ("docs/api.md", f"```sh\ncurl https://bots.kore.ai/api/public/bot/st-1/export \\\n  -H 'auth: {TOKEN}'\n```\n",
         [(3, 13, None, "auth", True)]),
        ("q.txt", f"GET /api/x?jwt={TOKEN}&a=1\n", [(1, 16, None, "jwt", False)]),
        ("enc.txt", "see https://x.test/cb?t=" + TOKEN.replace(".", "%2E") + " now\n", [(1, 25, None, "t", False)]),
        ("crlf.yaml", f"a: 1\r\nauth:\r\n  token: \"{TOKEN}\"\r\n", [(3, 11, "/auth/token", "/auth/token", False)]),
    ],
)
def test_tokens_found_with_exact_place_and_context(rel_path: str, text: str, expected: list) -> None:
    assert token_places(rel_path, text) == expected


def test_token_in_notebook_cell_maps_to_file_line_and_pointer() -> None:
    nb = {"cells": [{"cell_type": "code", "source": ["import os\n", f"T = '{TOKEN}'\n"], "outputs": []}]}
    text = json.dumps(nb, indent=1)
    line = next(i for i, t in enumerate(text.split("\n"), 1) if "T = '" in t)
    column = text.split("\n")[line - 1].index("eyJ") + 1
    assert token_places("n.ipynb", text) == [(line, column, "/cells/0/source/1", "/cells/0/source/1", False)]


def test_url_encoded_token_span_covers_the_encoded_text() -> None:
    encoded = TOKEN.replace(".", "%2E")
    (found,) = find_tokens(f"x={encoded}&y")
    assert found.raw == TOKEN and (found.start, found.end) == (2, 2 + len(encoded))


@pytest.mark.parametrize(
    "text",
    ["eyJhbGciOiJIUzI1NiJ9 only a header", "xeyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2ln",
     "eyJub3QganNvbg.eyJ4IjoxfQ.c2ln", "eyJ4IjoxfQ.eyJ4IjoxfQ.c2ln"],
)
def test_not_tokens(text: str) -> None:
    assert find_tokens(text) == []


def test_jws_followed_by_dotted_words_is_cut_to_three_parts() -> None:
    (found,) = find_tokens(f"{TOKEN}.then.more")
    assert found.raw == TOKEN


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + "tök".encode(), "utf-8"),
        (codecs.BOM_UTF16_LE + "tök".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + "tök".encode("utf-16-be"), "utf-16-be"),
        ("tök".encode(), "utf-8"),
        ("tök".encode("latin-1"), "latin-1"),
    ],
)
def test_decode_bytes(data: bytes, encoding: str) -> None:
    assert decode_bytes(data) == ("tök", encoding)


def test_utf16_file_with_token_is_scanned() -> None:
    text, _ = decode_bytes(codecs.BOM_UTF16_LE + f"token = '{TOKEN}'\n".encode("utf-16-le"))
    assert token_places("w.txt", text) == [(1, 10, None, "token", False)]


def test_secret_candidates_carry_client_id_and_are_redacted() -> None:
    text = f"KORE_CLIENT_ID={CLIENT_ID}\nKORE_CLIENT_SECRET={STRONG_SECRET}\nPORT=8080\n"
    out = analyse_text(".env", text)
    assert [(s.key, s.client_id, s.location.line) for s in out.secrets] == [("KORE_CLIENT_SECRET", CLIENT_ID, 2)]
    assert STRONG_SECRET in out.sensitive and "8080" not in out.sensitive


def test_file_without_candidates_makes_no_text_subject() -> None:
    out = analyse_text("a.py", "def f(x):\n    return x + 1\n")
    assert out.subjects == [] and out.tokens == [] and out.secrets == []


def test_helpers() -> None:
    assert key_before('  "clientSecret": "') == "clientSecret"
    assert key_before("Authorization: Bearer ") == "Authorization"
    assert key_before("plain words ") == ""
    assert is_secret_key("KORE_CLIENT_SECRET") and is_secret_key("credentials.apikey")
    assert not is_secret_key("secretName") and not is_secret_key("token_url") and not is_secret_key("name")
    assert is_kore_secret(STRONG_SECRET) and not is_kore_secret(STRONG_SECRET[:-1] + "==")
    blob = "aGVsbG8gd29ybGQgc2VjcmV0IGJsb2IgZGF0YQ" * 3
    low = blob.lower() + "secret" + blob.lower()
    assert in_blob(low, len(blob), 6)
    assert not in_blob('"secret": "x"', 1, 6)


def test_hostile_long_lines_are_linear() -> None:
    import time

    from jwtaudit.sources.text import analyse_text as analyse

    samples = ["eyJ" * 300_000, "eyJa." * 200_000, "A" * 1_000_000 + "=", ("secret=" + "x" * 50) * 20_000,
               "key " * 250_000, "https://a:b@" * 80_000, "%2E" * 300_000]
    for text in samples:
        started = time.monotonic()
        analyse("hostile.txt", text)
        assert time.monotonic() - started < 10, text[:10]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40), max_size=6),
       st.sampled_from(['"', "'", " ", "\n", "=", ": ", "(", "`"]))
def test_every_embedded_token_is_found_at_its_offset(chunks: list[str], sep: str) -> None:
    text = sep.join([*chunks[:3], TOKEN, *chunks[3:]]) + sep
    at = text.index(TOKEN)
    starts = [f.start for f in find_tokens(text) if f.raw == TOKEN]
    glued = at > 0 and (text[at - 1].isascii() and (text[at - 1].isalnum() or text[at - 1] in "-_"))
    glued = glued and not (at >= 3 and text[at - 3] == "%")  # "%20eyJ…" is URL-encoded, not glued
    assert (at in starts) != glued  # found unless glued to a longer base64url word
