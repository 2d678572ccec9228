"""jwtaudit.sources.code: facts from Python/JS/TS, and bad code that must not crash or stall."""

from __future__ import annotations

import time

import pytest

from jwtaudit.model import Location
from jwtaudit.sources.code import MAX_CODE_BYTES, language_for, subjects_for
from jwtaudit.subjects import CodeDocumentSubject, CodeSubject

SECRET = "QnVuZGxlZEZha2VTZWNyZXRGb3JUZXN0czEyMzQ1Njc="


def code_subject(path: str, text: str) -> CodeSubject:
    [subject] = [s for s in subjects_for(path, text, Location(path=path)) if isinstance(s, CodeSubject)]
    return subject


def documents(path: str, text: str) -> list[CodeDocumentSubject]:
    return [s for s in subjects_for(path, text, Location(path=path)) if isinstance(s, CodeDocumentSubject)]


@pytest.mark.parametrize(("path", "language"), [
    ("a.py", "python"), ("a.js", "javascript"), ("a.mjs", "javascript"), ("a.cjs", "javascript"),
    ("a.jsx", "javascript"), ("a.ts", "typescript"), ("a.tsx", "tsx"), ("README.md", None),
])
def test_language_for(path, language) -> None:
    assert language_for(path) == language


def test_python_payload_followed_through_data_flow() -> None:
    text = (
        "import time\nimport jwt\n"
        "ALG = 'HS512'\n"
        "def mint(cid, secret):\n"
        "    now = time.time()\n"
        "    payload = {'sub': 'svc', 'appId': cid}\n"
        "    payload['iat'] = int(now * 1000)\n"
        "    return jwt.encode(payload, secret, algorithm=ALG)\n"
    )
    [call] = code_subject("m.py", text).calls
    assert (call.op, call.api, call.algorithms, call.claims_complete) == ("sign", "pyjwt", ("HS512",), True)
    assert [(c.name, c.span.line, c.scale) for c in call.claims] == [
        ("sub", 6, None), ("appId", 6, None), ("iat", 7, 1)]
    assert (call.span.line, call.span.column) == (8, 12)


def test_python_parameter_shadows_module_constant() -> None:
    text = "import jwt\nKEY = 'literal-secret'\ndef mint(p, KEY):\n    return jwt.encode(p, KEY)\n"
    [call] = code_subject("m.py", text).calls
    assert call.key_literal is None


def test_js_options_object_and_clock_variable() -> None:
    text = (
        "import jwt from 'jsonwebtoken';\n"
        "const opts = { algorithm: 'RS256', expiresIn: '1h' };\n"
        "export function mint(id) {\n"
        "  const now = Date.now();\n"
        "  return jwt.sign({ sub: id, iat: Math.floor(now / 1000), nbf: now }, process.env.S, opts);\n"
        "}\n"
    )
    [call] = code_subject("m.ts", text).calls
    assert call.algorithms == ("RS256",) and call.expiry_option
    assert {c.name: c.scale for c in call.claims} == {"sub": None, "iat": 0, "nbf": 1}
    assert call.key_literal is None


def test_named_imports_and_aliases_are_resolved() -> None:
    text = (
        "const { sign: mint } = require('jsonwebtoken');\n"
        "import { jwtVerify as check } from 'jose';\n"
        "mint({ sub: 'a' }, 'k');\n"
        "check(t, key);\n"
    )
    calls = code_subject("m.js", text).calls
    assert [(c.api, c.op) for c in calls] == [("jsonwebtoken", "sign"), ("jose", "verify")]


def test_unrelated_sign_methods_are_not_token_calls() -> None:
    text = "const crypto = require('crypto');\ncrypto.sign('sha256', data, key);\nsigner.sign(x);\n"
    assert code_subject("m.js", text).calls == ()


def test_syntax_error_is_unparsed_not_an_exception() -> None:
    subject = code_subject("broken.js", "const jwt = require('jsonwebtoken');\nconst a = {\nfunction (\n")
    assert subject.unparsed and "syntax error" in subject.unparsed
    assert subject.calls == ()
    py = code_subject("broken.py", "import jwt\ndef f(:\n    pass\n")
    assert py.unparsed == "syntax error near line 2"


def test_deeply_nested_python_is_unparsed() -> None:
    text = "import jwt\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
    subject = code_subject("deep.py", text)
    assert subject.unparsed


def test_deeply_nested_js_does_not_crash() -> None:
    text = "const a =\n" + "[\n" * 3000 + "1\n" + "]\n" * 3000 + ";\n"
    subject = code_subject("deep.js", text)
    assert subject.unparsed is None


def test_minified_bundle_is_unparsed_and_secret_recovered_as_text() -> None:
    line = "var a=1;" * 2000 + f'var o={{clientSecret:"{SECRET}",JWTUrl:"https://x.example/users/sts"}};'
    subjects = subjects_for("dist/app.min.js", line, Location(path="dist/app.min.js"))
    assert subjects[0].unparsed.startswith("minified")
    [doc] = [s for s in subjects if isinstance(s, CodeDocumentSubject)]
    assert doc.format == "javascript-text" and doc.frontend
    assert doc.data == {"matches": [{"clientSecret": SECRET}, {"JWTUrl": "https://x.example/users/sts"}]}
    span = doc.spans["/matches/0/clientSecret"]
    assert line[span.column - 1:span.end_column - 1] == SECRET


def test_five_megabyte_single_line_is_bounded() -> None:
    text = "var x='" + "a" * (5 * 1024 * 1024) + "';" + f'cfg={{clientSecret:"{SECRET}"}};'
    started = time.monotonic()
    subjects = subjects_for("big.js", text, Location(path="big.js"))
    elapsed = time.monotonic() - started
    assert subjects[0].unparsed and "too large" in subjects[0].unparsed
    assert elapsed < 5, elapsed
    [doc] = [s for s in subjects if isinstance(s, CodeDocumentSubject)]
    assert doc.data["matches"][0] == {"clientSecret": SECRET}


def test_large_multiline_file_is_skipped_by_size() -> None:
    text = "var a = 1;\n" * (MAX_CODE_BYTES // 10)
    subject = code_subject("big.js", text)
    assert subject.unparsed and "too large" in subject.unparsed


def test_realistic_large_file_is_analysed_quickly() -> None:
    body = "".join(
        f"function f{i}(req, res) {{\n  const p = {{ sub: req.id, n: {i} }};\n"
        f"  return jwt.sign(p, process.env.S, {{ expiresIn: 60 }});\n}}\n" for i in range(3000))
    text = "const jwt = require('jsonwebtoken');\n" + body
    started = time.monotonic()
    subject = code_subject("many.js", text)
    assert len(subject.calls) == 3000
    assert time.monotonic() - started < 20


def test_config_document_from_js() -> None:
    text = (
        "var botOptions = {};\n"
        "botOptions.koreAPIUrl = 'https://bots.kore.ai/api/';\n"
        "botOptions.botInfo = { name: 'Bot', _id: 'st-1' };\n"
        "export const cfg = { nested: { list: ['a', 2] } } as const;\n"
    )
    [doc] = documents("web/kore-config.ts", text)
    assert doc.data["botOptions"] == {"koreAPIUrl": "https://bots.kore.ai/api/",
                                      "botInfo": {"name": "Bot", "_id": "st-1"}}
    assert doc.data["cfg"] == {"nested": {"list": ["a", 2]}}
    assert doc.locate("/botOptions/koreAPIUrl").column == 26
    assert doc.frontend and not doc.server


def test_non_ascii_columns_are_characters() -> None:
    text = "const jwt = require('jsonwebtoken');\nconst é = 'ü'; jwt.sign({ appid: 'cs-x' }, 'k');\n"
    [call] = code_subject("m.js", text).calls
    assert call.claims[0].span.column == 27


def test_unparsed_file_is_reported_as_meta002() -> None:
    from jwtaudit import engine
    from jwtaudit.config import Config

    subjects = subjects_for("broken.py", "import jwt\ndef f(:\n", Location(path="broken.py"))
    ctx = engine.RunContext(config=Config.blank(), now=1795300000)
    found = [(f.rule, f.location.path) for f in engine.run(subjects, ctx)]
    assert found == [("META002", "broken.py")]


def test_files_without_token_code_are_not_parsed() -> None:
    subject = code_subject("util.py", "def f(:\n    return 1\n")  # broken, but nothing to analyse
    assert subject.unparsed is None and subject.calls == ()
    assert code_subject("ok.py", "import jwt\ndef f(:\n").unparsed


def test_python_settings_become_a_document() -> None:
    text = 'KORE_API_URL = "http://bots.kore.ai/api/"\nclass S:\n    jwt_url: str = r"https://x/users/sts"\n'
    [doc] = documents("settings.py", text)
    assert doc.data == {"KORE_API_URL": "http://bots.kore.ai/api/", "S": {"jwt_url": "https://x/users/sts"}}
    span = doc.spans["/S/jwt_url"]
    assert (span.line, span.column, span.end_column) == (3, 22, 41)
    assert doc.server and not doc.frontend


def test_call_options_are_not_judged_as_config_by_cfg002() -> None:
    from jwtaudit import engine
    from jwtaudit.config import Config

    text = ("// kore API client: /api/public/bot\nconst jwt = require('jsonwebtoken');\n"
            "jwt.sign({ sub: 'x' }, process.env.S, { algorithm: 'RS256', expiresIn: 60 });\n")
    ctx = engine.RunContext(config=Config.blank().with_overrides(select=("CFG",)), now=0)
    assert engine.run(subjects_for("c.js", text, Location(path="c.js")), ctx) == []


def test_python_sdk_shaped_dict_is_server_side_not_sec003() -> None:
    from jwtaudit import engine
    from jwtaudit.config import Config

    text = 'SDK = {"clientId": "cs-1", "clientSecret": "U2VydmVyU2lkZUZha2VTZWNyZXROb3RJbkJ1bmRsZTE=", "JWTUrl": "https://a/b"}\n'
    ctx = engine.RunContext(config=Config.blank().with_overrides(select=("SEC003",)), now=0)
    assert engine.run(subjects_for("sdk.py", text, Location(path="sdk.py")), ctx) == []
