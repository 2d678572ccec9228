"""Token and secret discovery in text: every container, exact line and column, encodings."""

from __future__ import annotations

import base64
import codecs
import json

import pytest

from jwtaudit.sources.key_names import is_secret_key, key_before
from jwtaudit.sources.text import analyse_text, decode_bytes, in_blob, is_kore_secret
from jwtaudit.sources.token_finder import find_tokens
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


@pytest.mark.parametrize("shown", [
    TOKEN.split(".")[0] + "...", TOKEN.rsplit(".", 1)[0] + "...", TOKEN[:60] + "...", TOKEN + "\u2026",
    TOKEN.rsplit(".", 1)[0] + "." + TOKEN.rsplit(".", 1)[1][:6] + "...",
])
def test_a_token_cut_short_in_documentation_is_no_token(shown: str) -> None:
    assert find_tokens(f"Send it as `auth: {shown}`\n") == []


@pytest.mark.parametrize("text", [f"auth: {TOKEN}.", f"The token {TOKEN}. Then", f"({TOKEN})..."[:-3]])
def test_a_whole_token_before_a_full_stop_is_found(text: str) -> None:
    (found,) = find_tokens(text)
    assert found.raw == TOKEN


SIGNING_INPUT = TOKEN.rsplit(".", 1)[0]


@pytest.mark.parametrize("signature", [
    "<signature>", "{signature}", "[sig]", "<sig>", "$SIGNATURE", "${SIG}", "SIGNATURE", "xxxxx",
    "your-signature-here", "signature", "SIGNATURE_HERE", "jwt_signature",
])
def test_a_placeholder_where_the_signature_goes_is_no_token(signature: str) -> None:
    assert find_tokens(f"Send `auth: {SIGNING_INPUT}.{signature}`\n") == []
    assert find_tokens(f'{{"example": "{SIGNING_INPUT}.{signature}"}}') == []


@pytest.mark.parametrize(("text", "raw"), [
    (f"curl -H 'auth: {SIGNING_INPUT}.' x", SIGNING_INPUT + "."),  # unsigned: TOK002 stays
    (f'{{"t": "{SIGNING_INPUT}."}}', SIGNING_INPUT + "."),
    (f"auth: {SIGNING_INPUT}.", SIGNING_INPUT + "."),
    (f"auth: {SIGNING_INPUT}.c2lnbmF0dXJl", SIGNING_INPUT + ".c2lnbmF0dXJl"),  # base64 of 'signature'
    (f"auth: {SIGNING_INPUT}.x", SIGNING_INPUT + ".x"),  # malformed: TOK001 stays
    (f"auth: {SIGNING_INPUT}.sigX4Q", SIGNING_INPUT + ".sigX4Q"),
])
def test_an_empty_or_short_real_signature_is_still_a_token(text: str, raw: str) -> None:
    (found,) = find_tokens(text)
    assert found.raw == raw


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


# --- tokens whose header JSON is not compact (`eyAi`, `ewog`, `ew0K`, `ewkg`, leading space) --------


@pytest.mark.parametrize("header", [
    '{ "alg": "HS256", "typ": "JWT" }',
    '{\n  "alg": "HS256",\n  "typ": "JWT"\n}\n',
    '{\r\n  "typ": "JWT",\r\n  "alg": "HS256"\r\n}',
    '{\t"alg": "HS256"}',
    '{\t "alg": "HS256"}',
    '{  "alg":"HS256"}',
    ' {"alg":"HS256"}',
    '\n\n{"kid": "k1", "alg": "HS256"}',
])
def test_token_with_spaced_header_json_is_found_at_its_place(header: str) -> None:
    token = make_token(header, good_payload())
    assert not token.startswith("eyJ")
    text = f"# minted by hand\nJWT1={token}\n"
    (found,) = find_tokens(text)
    assert (found.raw, found.start, found.end) == (token, text.index(token), text.index(token) + len(token))
    assert token_places("mint.sh", text) == [(2, 6, None, "JWT1", False)]


def test_spaced_header_token_url_encoded_and_beside_a_compact_one() -> None:
    spaced = make_token('{ "alg": "HS256" }', good_payload())
    text = f"a={TOKEN} b=%22{spaced.replace('.', '%2E')}%22"
    assert [(f.raw, f.start) for f in find_tokens(text)] == [(TOKEN, 2), (spaced, text.index("%22") + 3)]


@pytest.mark.parametrize("text", [
    # a JSON object with "alg" but not a token: no dots after it
    "data: " + make_token('{ "alg": "HS256" }', good_payload()).split(".")[0] + "\n",
    # "alg" in the second segment only: the first does not decode to a JOSE header
    "x " + make_token('{ "typ": "JWT" }', {"alg": "HS256", "sub": "x"}) + "\n",
    # glued to a longer base64url word
    "Zm9v" + make_token('{ "alg": "HS256" }', good_payload()),
])
def test_spaced_header_near_misses(text: str) -> None:
    assert find_tokens(text) == []


def test_compact_token_is_found_once() -> None:
    assert [f.raw for f in find_tokens(f"{TOKEN} {TOKEN}")] == [TOKEN, TOKEN]


def test_hostile_header_marks_are_linear() -> None:
    import time

    for text in ("JhbGci" * 300_000, "JhbGci." * 200_000, "iYWxnI" * 100_000 + ".a.b"):
        started = time.monotonic()
        find_tokens(text)
        assert time.monotonic() - started < 10


# --- the `auth` header named beside the token (TOK005 context) -----------------------------------

_NO_APP_ID = make_token({"alg": "HS256", "typ": "JWT"}, {"sub": "svc", "iat": 1796470891, "exp": 1796471491,
                                                          "jti": "j"})


@pytest.mark.parametrize(("rel_path", "text", "column"), [
    ("main.go", f'\treq.Header.Set("auth", "{_NO_APP_ID}")\n', 26),
    ("Client.java", f'headers.put("auth", "{_NO_APP_ID}");\n', 22),
    ("Client.java", f'conn.setRequestProperty("Auth", "{_NO_APP_ID}");\n', 34),
    ("Api.cs", f'client.DefaultRequestHeaders.Add("auth", "{_NO_APP_ID}");\n', 43),
    ("call.js", f"xs.push({{ name: 'auth', value: '{_NO_APP_ID}' }});\n", 33),
])
def test_auth_header_named_as_a_call_argument_or_item(rel_path: str, text: str, column: int) -> None:
    assert [place[:2] + place[4:] for place in token_places(rel_path, text)] == [(1, column, True)]


def test_auth_header_in_postman_json() -> None:
    text = json.dumps({"header": [{"key": "auth", "value": _NO_APP_ID}]})
    assert token_places("api.postman_collection.json", text) == [
        (1, 39, "/header/0/value", "/header/0/value", True)]


@pytest.mark.parametrize(("rel_path", "text"), [
    ("main.go", f'req.Header.Set("X-Trace", "{_NO_APP_ID}")\n'),
    ("Client.java", f'headers.put("auth-mode", "{_NO_APP_ID}");\n'),
    ("Api.cs", f'client.DefaultRequestHeaders.Add("Authorization", "Bearer {_NO_APP_ID}");\n'),
    ("p.json", json.dumps({"header": [{"key": "x-auth-id", "value": _NO_APP_ID}]})),
    ("p.json", json.dumps({"variable": [{"key": "auth", "type": "string"}], "value": _NO_APP_ID})),
])
def test_auth_header_near_misses(rel_path: str, text: str) -> None:
    assert [place[-1] for place in token_places(rel_path, text)] == [False]


# --- whole scans: what the per-file analysis hands to the rules -----------------------------------

from pathlib import Path  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from jwtaudit.cli import cli  # noqa: E402
from tests.helpers import NOW  # noqa: E402


def scan(root: Path, files: dict[str, str], *select: str) -> list[tuple[str, str, int, int, str | None]]:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    args = ["scan", str(root), "--format", "json", "--now", str(NOW), "--jobs", "1"]
    if select:
        args += ["--select", ",".join(select)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output[-2000:]
    for secret in _PLANTED:
        assert secret not in result.output
    report = json.loads(result.output)
    return [(f["rule"], f["location"]["path"], f["location"]["line"], f["location"]["column"],
             f["location"]["pointer"]) for f in report["findings"]]


_SIGNING_LITERAL = "aboKbuafNlKb6K86p3jDpvRyslnePgz2ddGD6RdJsm7-oWfSEK2AJA"  # fake, for these tests
_PLANTED = (_SIGNING_LITERAL, STRONG_SECRET)


def test_tok005_for_tokens_in_auth_headers_of_go_java_csharp_and_postman(tmp_path: Path) -> None:
    files = {
        "d.go": f'req.Header.Set("auth", "{_NO_APP_ID}")\n',
        "e.java": f'headers.put("auth", "{_NO_APP_ID}");\n',
        "j.cs": f'client.DefaultRequestHeaders.Add("auth", "{_NO_APP_ID}");\n',
        "i.json": json.dumps({"header": [{"key": "auth", "value": _NO_APP_ID}]}),
        "near.go": f'req.Header.Set("X-Request-Token", "{_NO_APP_ID}")\n',
    }
    assert scan(tmp_path, files, "TOK005") == [
        ("TOK005", "d.go", 1, 25, None), ("TOK005", "e.java", 1, 22, None),
        ("TOK005", "i.json", 1, 39, "/header/0/value"), ("TOK005", "j.cs", 1, 43, None)]


def test_spaced_header_token_gets_sec001_and_tok_rules(tmp_path: Path) -> None:
    spaced = make_token('{\n  "alg": "HS256",\n  "typ": "JWT"\n}', good_payload(jti=...), key="secret")
    rows = scan(tmp_path, {"mint.sh": f"# echo | base64\nJWT2={spaced}\n"}, "SEC001", "TOK007", "TOK015")
    assert rows == [("SEC001", "mint.sh", 2, 6, None), ("TOK007", "mint.sh", 2, 6, None),
                    ("TOK015", "mint.sh", 2, 6, None)]


# --- TOK015: names from the scanned context -------------------------------------------------------


@pytest.mark.parametrize(("files", "name"), [
    ({".env": "KORE_BOT_NAME=AcmeSupportBot\nKORE_CLIENT_ID=cs-5b7e1c2a-3f4d-4e8a-9b1c-2d3e4f5a6b7c\n"},
     "AcmeSupportBot"),
    ({".env": "APP_ENV=acme-qa-west\n"}, "acme-qa-west"),
    ({".env": "NODE_ENV=acme-qa-west\n"}, "acme-qa-west"),
    ({"web/kore-config.js": 'var botOptions = {};\nbotOptions.botInfo = { name: "Acme Helpdesk" };\n'},
     "Acme Helpdesk"),
    ({".env.acme-prod-eu": "APP_NAME=acme-ivr-gateway\n"}, "acme-prod-eu"),
])
def test_tok015_tries_names_from_the_scanned_context(tmp_path: Path, files: dict[str, str], name: str) -> None:
    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(), key=name)
    rows = scan(tmp_path, {**files, "t.py": f'A = "{token}"\n'}, "TOK015")
    assert rows == [("TOK015", "t.py", 1, 6, None)]


@pytest.mark.parametrize(("files", "name"), [
    ({".env": "KORE_BOT_ID=AcmeSupportBot\n"}, "AcmeSupportBot"),  # an id key, not a name
    ({".env.template": "APP_NAME=x\n"}, "template"),  # the template, not an environment
    ({"users.js": 'const user = { name: "Acme Helpdesk" };\n'}, "Acme Helpdesk"),  # not a bot's name
])
def test_tok015_context_near_misses(tmp_path: Path, files: dict[str, str], name: str) -> None:
    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(), key=name)
    assert scan(tmp_path, {**files, "t.py": f'A = "{token}"\n'}, "TOK015") == []


# --- SEC009: a literal key of a signing call in code ----------------------------------------------


def test_sec009_tries_the_literal_key_of_a_signing_call(tmp_path: Path) -> None:
    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(), key=_SIGNING_LITERAL)
    files = {"mint.py": f'import jwt\ntok = jwt.encode(payload, "{_SIGNING_LITERAL}", algorithm="HS256")\n',
             "tok.txt": token + "\n"}
    assert scan(tmp_path, files, "SEC009", "SRC003") == [
        ("SRC003", "mint.py", 2, 27, None), ("SEC009", "tok.txt", 1, 1, None)]


def test_sec009_signing_literal_near_miss(tmp_path: Path) -> None:
    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(), key=_SIGNING_LITERAL)
    files = {"mint.js": f"const t = jwt.sign(payload, '{_SIGNING_LITERAL[::-1]}', {{ algorithm: 'HS256' }});\n",
             "tok.txt": token + "\n"}
    assert scan(tmp_path, files, "SEC009") == []


# --- SEC008: JWK files, JWKs in code, base64-encoded PEM, YAML block scalars -------------------------

_RSA_JWK = {"kty": "RSA", "kid": "kore-2024", "alg": "RS256", "n": "wFWbOSaSrBhi68XJT3BSL3WG" * 8, "e": "AQAB",
            "d": "AS-F6XBHbzAnS_TILOkwWIKM" * 8, "p": "90k_UYciYD42lnHf0MUjsA4j" * 4,
            "q": "xxykmBp04qMozWMrecNPKdH8" * 4, "dp": "GVZU-YqKGChnuXSDhUWdyX05" * 4,
            "dq": "CIKH4lxXHIyepNCVPhoD2yS3" * 4, "qi": "RwoepcdZxFEHriBIpJilshZ3" * 4}
_PUBLIC_JWK = {k: v for k, v in _RSA_JWK.items() if k in ("kty", "kid", "alg", "n", "e")}
_PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDLIdAZI10I7AWT" * 6
_PEM_TEXT = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(
    _PEM_BODY[i:i + 64] for i in range(0, len(_PEM_BODY), 64)) + "\n-----END PRIVATE KEY-----\n"


def test_sec008_private_jwks_in_jwk_files_and_in_code(tmp_path: Path) -> None:
    files = {
        "private.jwk": json.dumps({"keys": [_RSA_JWK]}, indent=2),
        "set.jwks": json.dumps({"keys": [_PUBLIC_JWK, {"kty": "oct", "k": "hFoVrao3Ef0yyv07hHLuTvkZwcqW"}]},
                               indent=2),
        "keys.js": "module.exports = " + json.dumps(_RSA_JWK, indent=2) + ";\n",
        "keys.py": "PRIVATE_JWK = " + json.dumps(_RSA_JWK, indent=2) + "\n",
        "public.jwk": json.dumps(_PUBLIC_JWK),
        "public.py": "PUBLIC_JWK = " + json.dumps(_PUBLIC_JWK) + "\n",
    }
    assert scan(tmp_path, files, "SEC008") == [
        ("SEC008", "keys.js", 1, 1, None), ("SEC008", "keys.py", 1, 1, None),
        ("SEC008", "private.jwk", 3, 5, "/keys/0"), ("SEC008", "set.jwks", 10, 5, "/keys/1")]


def test_sec008_base64_encoded_pem_and_yaml_block_scalar(tmp_path: Path) -> None:
    encoded = base64.b64encode(_PEM_TEXT.encode()).decode()
    public = base64.b64encode(_PEM_TEXT.replace("PRIVATE", "PUBLIC").encode()).decode()
    block = "".join(f"    {line}\n" for line in _PEM_TEXT.splitlines())
    files = {
        "secret.yaml": f"kind: Secret\ndata:\n  private.key: {encoded}\n  public.pem: {public}\n",
        "values.yaml": f"jwt:\n  privateKey: |\n{block}  other: 1\n",
        "stub.yaml": "data:\n  k: " + base64.b64encode(b"-----BEGIN PRIVATE KEY-----\n...\n").decode() + "\n",
    }
    assert scan(tmp_path, files, "SEC008") == [
        ("SEC008", "secret.yaml", 3, 16, "/data/private.key"), ("SEC008", "values.yaml", 3, 5, "/jwt/privateKey")]
