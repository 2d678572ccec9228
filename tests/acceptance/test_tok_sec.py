"""Acceptance: TOK and SEC rules judged from outside, through the CLI, on realistic inputs.

Each case names the rule it is about and the exact findings of that rule a demanding user would
expect (rule, path, line) — positives and near misses. Expectations come from the spec
(/work/shared/rules.md, design.md "Platform facts"), not from what the tool prints.

Secrets are derived at run time (never written as literals) so the self-scan stays clean.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jwtaudit.cli import cli
from tests.helpers import CLIENT_ID, NOW, OTHER_SECRET, STRONG_SECRET, b64, good_payload, make_token, segment

Row = tuple[Any, ...]


def derived(seed: str, length: int = 44) -> str:
    """A deterministic secret-shaped string (base64 alphabet) that is not a literal in this file."""
    raw = hashlib.sha512(seed.encode()).digest()
    text = b64(raw + hashlib.sha512(raw).digest())
    return text[:length]


def kore_secret(seed: str) -> str:
    """A Kore-shaped client secret: 44-char standard base64 of 32 bytes."""
    import base64

    return base64.b64encode(hashlib.sha256(seed.encode()).digest()).decode()


def hex_key(seed: str, length: int = 32) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


BOT_ID = "st-8c1f2a3b-4d5e-4f60-9a7b-1c2d3e4f5a6b"
SDK_AUD = "https://idproxy.kore.com/authorize"


def sdk_payload(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"iat": NOW - 30, "exp": NOW + 1800, "aud": SDK_AUD, "iss": CLIENT_ID,
                               "sub": "user-42@example.com", "isAnonymous": False,
                               "jti": "a3c9e1d2-7b4f-4e0a-8c6d-2f1e0b9a8c7d"}
    for name, value in changes.items():
        if value is ...:
            payload.pop(name, None)
        else:
            payload[name] = value
    return payload


def jwe(header: dict[str, Any], encrypted_key: bool = True) -> str:
    """A 5-part compact JWE (contents are opaque bytes: only the header matters to the rules)."""
    key = b64(hashlib.sha512(b"cek").digest() * 4) if encrypted_key else ""
    iv = b64(b"\x01" * 12)
    ciphertext = b64(hashlib.sha512(b"ciphertext").digest())
    tag = b64(b"\x02" * 16)
    return ".".join([segment(header), key, iv, ciphertext, tag])


HS = {"alg": "HS256", "typ": "JWT"}


def api_token(**changes: Any) -> str:
    return make_token(HS, good_payload(**changes))


# --------------------------------------------------------------------------------------------
# CLI drivers


def run_json(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert result.exit_code in (0, 1), (result.exit_code, result.output[-2000:])
    return json.loads(result.output)


def token_rows(token: str, *options: str, env: dict[str, str] | None = None) -> list[Row]:
    report = run_json(["token", "--format", "json", "--now", str(NOW), *options, token], env=env)
    return [(f["rule"], f["severity"]) for f in report["findings"]]


def scan_rows(root: Path, *options: str) -> list[Row]:
    report = run_json(["scan", str(root), "--format", "json", "--now", str(NOW), "--jobs", "1", *options])
    return [(f["rule"], f["location"]["path"], f["location"]["line"]) for f in report["findings"]]


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def only(rows: list[Row], codes: tuple[str, ...]) -> list[Row]:
    return sorted(r for r in rows if r[0] in codes)


# --------------------------------------------------------------------------------------------
# TOK cases: (id, rule, token factory, options, env, expected rows of that rule)


@dataclass(frozen=True)
class TokCase:
    id: str
    rule: str
    make: Callable[[], str]
    expect: list[str]  # severities of the expected findings of `rule` ([] for a near miss)
    options: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    also_absent: tuple[str, ...] = ()  # other rules that must not fire


def raw_token(header: str, payload: str, sig: str = "c2ln") -> str:
    return f"{b64(header.encode())}.{b64(payload.encode())}.{sig}"


TOK_CASES: list[TokCase] = [
    # TOK001 malformed-token
    TokCase("tok001-header-array", "TOK001", lambda: make_token(["HS256"], good_payload()), ["low"]),
    TokCase("tok001-duplicate-appId", "TOK001",
            lambda: raw_token('{"alg":"HS256","typ":"JWT"}',
                              f'{{"sub":"svc","appId":"{CLIENT_ID}","appId":"cs-other","exp":{NOW + 60}}}'),
            ["low"]),
    TokCase("tok001-std-base64-padding", "TOK001",
            lambda: api_token().split(".")[0] + "." + api_token().split(".")[1] + "==.sig+/==", ["low"]),
    TokCase("tok001-nm-valid", "TOK001", lambda: api_token(), []),
    TokCase("tok001-nm-unicode-claims", "TOK001", lambda: api_token(sub="Zoë Ünal — 客服"), []),
    TokCase("tok001-nm-same-key-nested", "TOK001",
            lambda: api_token(ctx={"appId": "nested"}, meta={"sub": "x"}), []),
    # TOK002 unsigned-token
    TokCase("tok002-alg-none", "TOK002", lambda: make_token({"alg": "none"}, good_payload(), key=None), ["critical"]),
    TokCase("tok002-alg-None-case", "TOK002", lambda: make_token({"alg": "NoNe", "typ": "JWT"}, good_payload(), key=None),
            ["critical"]),
    TokCase("tok002-hs256-empty-sig", "TOK002", lambda: make_token(HS, good_payload(), key=None), ["critical"]),
    TokCase("tok002-nm-signed", "TOK002", lambda: api_token(), []),
    TokCase("tok002-nm-kid-none", "TOK002", lambda: make_token({"alg": "HS256", "kid": "none"}, good_payload()), []),
    TokCase("tok002-nm-rs256-signed", "TOK002", lambda: make_token({"alg": "RS256"}, sdk_payload()), []),
    # TOK003 api-token-algorithm
    TokCase("tok003-api-hs512", "TOK003", lambda: make_token({"alg": "HS512"}, good_payload()), ["high"]),
    TokCase("tok003-api-rs256", "TOK003", lambda: make_token({"alg": "RS256", "typ": "JWT"}, good_payload()), ["high"]),
    TokCase("tok003-sdk-hs384", "TOK003", lambda: make_token({"alg": "HS384"}, sdk_payload()), ["high"]),
    TokCase("tok003-sdk-es256", "TOK003", lambda: make_token({"alg": "ES256"}, sdk_payload()), ["high"]),
    TokCase("tok003-nm-api-hs256", "TOK003", lambda: api_token(), []),
    TokCase("tok003-nm-sdk-rs512", "TOK003", lambda: make_token({"alg": "RS512"}, sdk_payload()), []),
    TokCase("tok003-nm-sdk-hs512", "TOK003", lambda: make_token({"alg": "HS512"}, sdk_payload()), []),
    TokCase("tok003-nm-generic-es256", "TOK003",
            lambda: make_token({"alg": "ES256", "kid": "k1"},
                               {"iss": "https://auth.example.com/", "sub": "u1", "exp": NOW + 600, "iat": NOW}), []),
    # TOK004 app-id-claim-miscased
    TokCase("tok004-appid", "TOK004", lambda: api_token(appId=..., appid=CLIENT_ID), ["high"], also_absent=("TOK005",)),
    TokCase("tok004-App-ID", "TOK004", lambda: api_token(appId=..., **{"App ID": CLIENT_ID}), ["high"],
            also_absent=("TOK005",)),
    TokCase("tok004-app_id", "TOK004", lambda: api_token(appId=..., app_id=CLIENT_ID), ["high"], also_absent=("TOK005",)),
    TokCase("tok004-APPID", "TOK004", lambda: api_token(appId=..., APPID=CLIENT_ID), ["high"], also_absent=("TOK005",)),
    TokCase("tok004-nm-exact", "TOK004", lambda: api_token(), []),
    TokCase("tok004-nm-exact-plus-variant", "TOK004", lambda: api_token(app_id="legacy"), []),
    TokCase("tok004-nm-azure-appid", "TOK004",
            lambda: make_token({"alg": "RS256", "kid": "kg2LYs2T0CTjIfj4rt6JIynen38"},
                               {"aud": "api://orders", "iss": "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
                                "appid": "1b730954-1685-4b74-9bfd-dac224a7b894", "tid": "72f988bf-86f1-41af-91ab-2d7cd011db47",
                                "oid": "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b", "iat": NOW - 60, "exp": NOW + 3000}), []),
    TokCase("tok004-nm-appName", "TOK004", lambda: api_token(appName="Support bot"), []),
    # TOK005 app-id-claim-missing
    TokCase("tok005-profile-api", "TOK005", lambda: api_token(appId=...), ["high"], ("--profile", "kore-api")),
    TokCase("tok005-profile-api-only-sub", "TOK005",
            lambda: make_token(HS, {"sub": "svc", "iat": NOW, "exp": NOW + 600, "jti": "j1"}), ["high"],
            ("--profile", "kore-api")),
    TokCase("tok005-nm-miscased", "TOK005", lambda: api_token(appId=..., appID=CLIENT_ID), [], ("--profile", "kore-api")),
    TokCase("tok005-nm-generic", "TOK005",
            lambda: make_token(HS, {"sub": "svc", "iat": NOW, "exp": NOW + 600}), []),
    TokCase("tok005-nm-api-present", "TOK005", lambda: api_token(), [], ("--profile", "kore-api")),
    # TOK006 app-id-format
    TokCase("tok006-placeholder", "TOK006", lambda: api_token(appId="add-Client-ID-here"), ["low"]),
    TokCase("tok006-short-cs", "TOK006", lambda: api_token(appId="cs-1234"), ["low"]),
    TokCase("tok006-bot-id", "TOK006", lambda: api_token(appId=BOT_ID), ["low"]),
    TokCase("tok006-sdk-iss", "TOK006", lambda: make_token(HS, sdk_payload(iss="cs-not-a-uuid")), ["low"]),
    TokCase("tok006-nm-api", "TOK006", lambda: api_token(), []),
    TokCase("tok006-nm-sdk", "TOK006", lambda: make_token(HS, sdk_payload()), []),
    TokCase("tok006-nm-generic-iss", "TOK006",
            lambda: make_token({"alg": "RS256"}, {"iss": "https://login.example.com", "sub": "u", "exp": NOW + 60}), []),
    # TOK007 jti-missing
    TokCase("tok007-api", "TOK007", lambda: api_token(jti=...), ["medium"]),
    TokCase("tok007-api-enforced", "TOK007", lambda: api_token(jti=...), ["high"], ("--enforce-jti",)),
    TokCase("tok007-sdk", "TOK007", lambda: make_token(HS, sdk_payload(jti=...)), ["medium"]),
    TokCase("tok007-nm-api", "TOK007", lambda: api_token(), []),
    TokCase("tok007-nm-sdk-kore_jti", "TOK007", lambda: make_token(HS, sdk_payload(jti=..., kore_jti="k-1")), []),
    TokCase("tok007-nm-enforced-with-jti", "TOK007", lambda: api_token(), [], ("--enforce-jti",)),
    # TOK008 jti-lifetime-too-long
    TokCase("tok008-no-exp", "TOK008", lambda: api_token(exp=...), ["high"]),
    TokCase("tok008-2h", "TOK008", lambda: api_token(iat=NOW, exp=NOW + 7200), ["high"]),
    TokCase("tok008-3601", "TOK008", lambda: api_token(iat=NOW, exp=NOW + 3601), ["high"]),
    TokCase("tok008-nm-3600", "TOK008", lambda: api_token(iat=NOW, exp=NOW + 3600), []),
    TokCase("tok008-nm-no-jti", "TOK008", lambda: api_token(jti=..., iat=NOW, exp=NOW + 7200), []),
    TokCase("tok008-nm-no-iat-short", "TOK008", lambda: api_token(iat=..., exp=NOW + 1800), []),
    # TOK009 no-expiry
    TokCase("tok009-api", "TOK009", lambda: api_token(exp=...), ["medium"]),
    TokCase("tok009-sdk", "TOK009", lambda: make_token(HS, sdk_payload(exp=...)), ["medium"]),
    TokCase("tok009-generic", "TOK009", lambda: make_token({"alg": "RS256"}, {"sub": "u1", "iat": NOW}), ["medium"]),
    TokCase("tok009-nm-exp", "TOK009", lambda: api_token(), []),
    TokCase("tok009-nm-float-exp", "TOK009", lambda: api_token(exp=NOW + 600.5), []),
    TokCase("tok009-nm-jwe", "TOK009",
            lambda: jwe({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": "platform-key"}), []),
    # TOK010 expired-token
    TokCase("tok010-hour-ago", "TOK010", lambda: api_token(iat=NOW - 3700, exp=NOW - 3600), ["info"]),
    TokCase("tok010-beyond-skew", "TOK010", lambda: api_token(iat=NOW - 600, exp=NOW - 61), ["info"]),
    TokCase("tok010-sdk", "TOK010", lambda: make_token(HS, sdk_payload(iat=NOW - 90000, exp=NOW - 86400)), ["info"]),
    TokCase("tok010-nm-within-skew", "TOK010", lambda: api_token(iat=NOW - 600, exp=NOW - 30), []),
    TokCase("tok010-nm-future", "TOK010", lambda: api_token(exp=NOW + 10), []),
    TokCase("tok010-nm-no-exp", "TOK010", lambda: api_token(exp=...), []),
    # TOK011 excessive-lifetime
    TokCase("tok011-25h", "TOK011", lambda: api_token(jti=..., iat=NOW, exp=NOW + 25 * 3600), ["low"]),
    TokCase("tok011-no-iat-48h", "TOK011", lambda: api_token(jti=..., iat=..., exp=NOW + 48 * 3600), ["low"]),
    TokCase("tok011-30d-sdk", "TOK011", lambda: make_token(HS, sdk_payload(iat=NOW, exp=NOW + 30 * 86400)), ["low"]),
    TokCase("tok011-nm-24h", "TOK011", lambda: api_token(jti=..., iat=NOW, exp=NOW + 24 * 3600), []),
    TokCase("tok011-nm-1h", "TOK011", lambda: api_token(iat=NOW, exp=NOW + 3600), []),
    TokCase("tok011-nm-no-exp", "TOK011", lambda: api_token(exp=...), []),
    # TOK012 millisecond-timestamp
    TokCase("tok012-exp-ms", "TOK012", lambda: api_token(exp=(NOW + 600) * 1000), ["medium"]),
    TokCase("tok012-iat-ms", "TOK012", lambda: api_token(iat=NOW * 1000), ["medium"]),
    TokCase("tok012-nbf-ms", "TOK012", lambda: make_token(HS, sdk_payload(nbf=NOW * 1000)), ["medium"]),
    TokCase("tok012-nm-seconds", "TOK012", lambda: api_token(), []),
    TokCase("tok012-nm-other-claim-ms", "TOK012", lambda: api_token(createdAtMs=NOW * 1000, orderId=1700000000000), []),
    TokCase("tok012-nm-year-2100", "TOK012", lambda: api_token(jti=..., exp=4102444800), []),
    # TOK013 non-integer-numeric-date
    TokCase("tok013-exp-float", "TOK013", lambda: api_token(exp=NOW + 600.5), ["low"]),
    TokCase("tok013-iat-string", "TOK013", lambda: api_token(iat=str(NOW)), ["low"]),
    TokCase("tok013-nbf-bool", "TOK013", lambda: api_token(nbf=True), ["low"]),
    TokCase("tok013-nm-ints", "TOK013", lambda: api_token(nbf=NOW - 60), []),
    TokCase("tok013-nm-other-float", "TOK013", lambda: api_token(amount=12.5, score=0.93), []),
    TokCase("tok013-nm-no-dates", "TOK013",
            lambda: make_token({"alg": "RS256"}, {"sub": "u", "scope": "read"}), []),
    # TOK014 issued-in-future
    TokCase("tok014-iat-future", "TOK014", lambda: api_token(iat=NOW + 3600, exp=NOW + 5400), ["low"]),
    TokCase("tok014-nbf-future", "TOK014", lambda: api_token(nbf=NOW + 3600), ["low"]),
    TokCase("tok014-iat-after-exp", "TOK014", lambda: api_token(iat=NOW - 100, exp=NOW - 200), ["low"]),
    TokCase("tok014-nm-within-skew", "TOK014", lambda: api_token(iat=NOW + 30), []),
    TokCase("tok014-nm-nbf-past", "TOK014", lambda: api_token(nbf=NOW - 100), []),
    TokCase("tok014-nm-normal", "TOK014", lambda: api_token(), []),
    # TOK015 weak-hmac-secret
    TokCase("tok015-secret", "TOK015", lambda: make_token(HS, good_payload(), key="secret"), ["critical"]),
    TokCase("tok015-jwtio", "TOK015", lambda: make_token(HS, good_payload(), key="your-256-bit-secret"), ["critical"]),
    TokCase("tok015-empty", "TOK015", lambda: make_token(HS, good_payload(), key=""), ["critical"]),
    TokCase("tok015-client-id", "TOK015", lambda: make_token(HS, good_payload(), key=CLIENT_ID), ["critical"]),
    TokCase("tok015-nm-strong", "TOK015", lambda: api_token(), []),
    TokCase("tok015-nm-rs256", "TOK015", lambda: make_token({"alg": "RS256"}, sdk_payload(), key="secret"), []),
    TokCase("tok015-nm-known-good", "TOK015", lambda: api_token(), [], ("--secret-env", "KORE_SECRET"),
            {"KORE_SECRET": STRONG_SECRET}, ("TOK016",)),
    # TOK016 signature-mismatch
    TokCase("tok016-env", "TOK016", lambda: api_token(), ["high"], ("--secret-env", "KORE_SECRET"),
            {"KORE_SECRET": OTHER_SECRET}),
    TokCase("tok016-typo", "TOK016", lambda: api_token(), ["high"], ("--secret-env", "KORE_SECRET"),
            {"KORE_SECRET": STRONG_SECRET[:-2] + "X="}),
    TokCase("tok016-sdk-hs512", "TOK016", lambda: make_token({"alg": "HS512"}, sdk_payload()), ["high"],
            ("--secret-env", "KORE_SECRET"), {"KORE_SECRET": OTHER_SECRET}),
    TokCase("tok016-nm-match", "TOK016", lambda: api_token(), [], ("--secret-env", "KORE_SECRET"),
            {"KORE_SECRET": STRONG_SECRET}),
    TokCase("tok016-nm-no-secret", "TOK016", lambda: api_token(), []),
    TokCase("tok016-nm-rs256", "TOK016", lambda: make_token({"alg": "RS256"}, sdk_payload()), [],
            ("--secret-env", "KORE_SECRET"), {"KORE_SECRET": OTHER_SECRET}),
    # TOK017 placeholder-claims
    TokCase("tok017-jwtio-sample", "TOK017",
            lambda: make_token(HS, {"sub": "1234567890", "name": "John Doe", "iat": 1516239022}), ["medium"]),
    TokCase("tok017-iat-1516239022", "TOK017", lambda: api_token(iat=1516239022), ["medium"]),
    TokCase("tok017-appid-placeholder", "TOK017", lambda: api_token(appId="add-Client-ID-here"), ["medium"]),
    TokCase("tok017-nm-sub-only", "TOK017", lambda: api_token(sub="1234567890"), []),
    TokCase("tok017-nm-near-iat", "TOK017", lambda: api_token(iat=1516239023), []),
    TokCase("tok017-nm-real", "TOK017", lambda: api_token(name="Jane Roe"), []),
    # TOK018 jws-where-jwe-enforced
    TokCase("tok018-flag", "TOK018", lambda: api_token(), ["high"], ("--enforce-jwe",)),
    TokCase("tok018-sdk-flag", "TOK018", lambda: make_token({"alg": "RS256"}, sdk_payload()), ["high"], ("--enforce-jwe",)),
    TokCase("tok018-unsigned", "TOK018", lambda: make_token(HS, good_payload(), key=None), ["high"], ("--enforce-jwe",)),
    TokCase("tok018-nm-jwe", "TOK018", lambda: jwe({"alg": "RSA-OAEP", "enc": "A128CBC-HS256", "kid": "k"}), [],
            ("--enforce-jwe",)),
    TokCase("tok018-nm-not-enforced", "TOK018", lambda: api_token(), []),
    TokCase("tok018-nm-jti-flag", "TOK018", lambda: api_token(), [], ("--enforce-jti",)),
    # TOK019 remote-key-header
    TokCase("tok019-jku", "TOK019",
            lambda: make_token({"alg": "RS256", "jku": "https://attacker.example/jwks.json", "kid": "1"}, sdk_payload()),
            ["high"]),
    TokCase("tok019-x5u", "TOK019",
            lambda: make_token({"alg": "RS256", "x5u": "https://attacker.example/cert.pem"}, sdk_payload()), ["high"]),
    TokCase("tok019-jku-hs256", "TOK019",
            lambda: make_token({"alg": "HS256", "typ": "JWT", "jku": "http://localhost/keys"}, good_payload()), ["high"]),
    TokCase("tok019-nm-payload-jku", "TOK019", lambda: api_token(jku="https://x.example/jwks"), []),
    TokCase("tok019-nm-kid-typ", "TOK019",
            lambda: make_token({"alg": "RS256", "kid": "2024-rotation", "typ": "at+jwt"}, sdk_payload()), []),
    TokCase("tok019-nm-x5t", "TOK019", lambda: make_token({"alg": "RS256", "x5t": "bm90LWEtY2VydA"}, sdk_payload()), []),
    # TOK020 embedded-key-header
    TokCase("tok020-jwk", "TOK020",
            lambda: make_token({"alg": "RS256", "jwk": {"kty": "RSA", "n": "0vx7agoebG", "e": "AQAB"}}, sdk_payload()),
            ["high"]),
    TokCase("tok020-x5c", "TOK020", lambda: make_token({"alg": "RS256", "x5c": ["MIIC+DCCAeCgAwIBAgIJ"]}, sdk_payload()),
            ["high"]),
    TokCase("tok020-jwk-hs", "TOK020",
            lambda: make_token({"alg": "HS256", "jwk": {"kty": "oct", "k": "c2VjcmV0"}}, good_payload()), ["high"]),
    TokCase("tok020-nm-cnf-jwk", "TOK020",
            lambda: make_token({"alg": "RS256", "typ": "dpop+jwt"} if False else {"alg": "RS256"},
                               sdk_payload(cnf={"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"})), []),
    TokCase("tok020-nm-x5t", "TOK020", lambda: make_token({"alg": "RS256", "x5t#S256": "abc"}, sdk_payload()), []),
    TokCase("tok020-nm-payload-jwk", "TOK020",
            lambda: make_token({"alg": "RS256"}, sdk_payload(jwk={"kty": "EC", "crv": "P-256"})), []),
    # TOK021 suspicious-kid
    TokCase("tok021-traversal", "TOK021", lambda: make_token({"alg": "HS256", "kid": "../../../../dev/null"}, good_payload()),
            ["high"]),
    TokCase("tok021-sqli", "TOK021", lambda: make_token({"alg": "HS256", "kid": "x' UNION SELECT 'key'--"}, good_payload()),
            ["high"]),
    TokCase("tok021-empty", "TOK021", lambda: make_token({"alg": "HS256", "kid": ""}, good_payload()), ["high"]),
    TokCase("tok021-url", "TOK021", lambda: make_token({"alg": "RS256", "kid": "https://evil.example/k"}, sdk_payload()),
            ["high"]),
    TokCase("tok021-shell", "TOK021", lambda: make_token({"alg": "HS256", "kid": "key|id"}, good_payload()), ["high"]),
    TokCase("tok021-nm-uuid", "TOK021",
            lambda: make_token({"alg": "RS256", "kid": "6f1d1b0e-2c3a-4b5c-8d7e-9f0a1b2c3d4e"}, sdk_payload()), []),
    TokCase("tok021-nm-azure", "TOK021",
            lambda: make_token({"alg": "RS256", "kid": "kg2LYs2T0CTjIfj4rt6JIynen38"}, sdk_payload()), []),
    TokCase("tok021-nm-dotted", "TOK021",
            lambda: make_token({"alg": "RS256", "kid": "signing-key-2024.11"}, sdk_payload()), []),
    TokCase("tok021-nm-thumbprint-dash", "TOK021",
            lambda: make_token({"alg": "RS256", "kid": "NjVBRjY5MDlCMUIwNzU4RTA2QzZF-MDQ4QzQ2MDAy_QjVD"}, sdk_payload()),
            []),
    # TOK022 sensitive-claims
    TokCase("tok022-password", "TOK022", lambda: api_token(password="hunter2-" + hex_key("p", 8)), ["high"]),
    TokCase("tok022-clientSecret", "TOK022", lambda: api_token(clientSecret=kore_secret("c")), ["high"]),
    TokCase("tok022-apikey", "TOK022", lambda: make_token(HS, sdk_payload(apiKey=derived("api", 40))), ["high"]),
    TokCase("tok022-aws-value", "TOK022", lambda: api_token(note="AKIA" + "Q3EGYQ2J7ZKXW4PN"), ["high"]),
    TokCase("tok022-nm-plain", "TOK022", lambda: api_token(), []),
    TokCase("tok022-nm-token-type", "TOK022", lambda: api_token(token_type="Bearer", scope="read write"), []),
    TokCase("tok022-nm-jwe", "TOK022", lambda: jwe({"alg": "RSA-OAEP", "enc": "A256GCM"}), []),
    TokCase("tok022-nm-has-password-flag", "TOK022", lambda: api_token(hasPassword=True), []),
    # TOK023 sdk-claim-types
    TokCase("tok023-isanon-string", "TOK023", lambda: make_token(HS, sdk_payload(isAnonymous="false")), ["low"]),
    TokCase("tok023-aud-other", "TOK023", lambda: make_token(HS, sdk_payload(aud="https://bots.example.com")), ["low"]),
    TokCase("tok023-kore-iss", "TOK023",
            lambda: make_token(HS, sdk_payload(iss=..., kore_iss="my-web-app", kore_sub="u1")), ["low"]),
    TokCase("tok023-nm-sdk", "TOK023", lambda: make_token(HS, sdk_payload()), []),
    TokCase("tok023-nm-aud-kore-ai", "TOK023",
            lambda: make_token(HS, sdk_payload(aud="https://idproxy.kore.ai/authorize")), []),
    TokCase("tok023-nm-api", "TOK023", lambda: api_token(), []),
    # TOK024 short-hmac-key
    TokCase("tok024-hs256-20", "TOK024", lambda: make_token(HS, good_payload(), key=derived("k20", 20)), ["medium"],
            ("--secret-env", "S"), {"S": derived("k20", 20)}),
    TokCase("tok024-hs512-44", "TOK024", lambda: make_token({"alg": "HS512"}, sdk_payload(), key=STRONG_SECRET),
            ["medium"], ("--secret-env", "S"), {"S": STRONG_SECRET}),
    TokCase("tok024-hs384-40", "TOK024", lambda: make_token({"alg": "HS384"}, sdk_payload(), key=derived("k40", 40)),
            ["medium"], ("--secret-env", "S"), {"S": derived("k40", 40)}),
    TokCase("tok024-nm-hs256-44", "TOK024", lambda: api_token(), [], ("--secret-env", "S"), {"S": STRONG_SECRET}),
    TokCase("tok024-nm-hs512-64", "TOK024", lambda: make_token({"alg": "HS512"}, sdk_payload(), key=derived("k64", 64)),
            [], ("--secret-env", "S"), {"S": derived("k64", 64)}),
    TokCase("tok024-nm-mismatch", "TOK024", lambda: api_token(), [], ("--secret-env", "S"), {"S": derived("k20", 20)}),
    # TOK025 weak-jwe-parameters
    TokCase("tok025-rsa15", "TOK025", lambda: jwe({"alg": "RSA1_5", "enc": "A128CBC-HS256", "kid": "k"}), ["medium"]),
    TokCase("tok025-dir", "TOK025", lambda: jwe({"alg": "dir", "enc": "A256GCM"}, encrypted_key=False), ["medium"]),
    TokCase("tok025-zip", "TOK025", lambda: jwe({"alg": "RSA-OAEP", "enc": "A256GCM", "zip": "DEF"}), ["medium"]),
    TokCase("tok025-p2c", "TOK025",
            lambda: jwe({"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", "p2s": "c2FsdHNhbHQ", "p2c": 2_000_000}),
            ["medium"]),
    TokCase("tok025-nm-oaep-gcm", "TOK025", lambda: jwe({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": "k"}), []),
    TokCase("tok025-nm-oaep-cbc", "TOK025", lambda: jwe({"alg": "RSA-OAEP", "enc": "A128CBC-HS256"}), []),
    TokCase("tok025-nm-p2c-600k", "TOK025",
            lambda: jwe({"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", "p2s": "c2FsdHNhbHQ", "p2c": 600_000}), []),
    # TOK026 critical-header-parameter
    TokCase("tok026-crit", "TOK026", lambda: make_token({"alg": "HS256", "crit": ["exp"]}, good_payload()), ["medium"]),
    TokCase("tok026-b64-false", "TOK026", lambda: make_token({"alg": "HS256", "b64": False, "crit": ["b64"]}, good_payload()),
            ["medium"]),
    TokCase("tok026-crit-custom", "TOK026",
            lambda: make_token({"alg": "RS256", "crit": ["http://example.invalid/UNDEFINED"],
                                "http://example.invalid/UNDEFINED": True}, sdk_payload()), ["medium"]),
    TokCase("tok026-nm-b64-true", "TOK026", lambda: make_token({"alg": "HS256", "b64": True}, good_payload()), []),
    TokCase("tok026-nm-cty", "TOK026", lambda: make_token({"alg": "HS256", "cty": "JWT", "typ": "JWT"}, good_payload()), []),
    TokCase("tok026-nm-crit-claim", "TOK026", lambda: api_token(crit=["exp"]), []),
]


@pytest.mark.parametrize("case", TOK_CASES, ids=[c.id for c in TOK_CASES])
def test_token_command(case: TokCase) -> None:
    rows = token_rows(case.make(), *case.options, env=case.env or None)
    got = [severity for rule, severity in rows if rule == case.rule]
    assert got == case.expect, rows
    for rule in case.also_absent:
        assert rule not in {r for r, _ in rows}, rows


def test_tok004_and_tok005_never_together_on_scan(tmp_path: Path) -> None:
    token = api_token(appId=..., appID=CLIENT_ID)
    write_tree(tmp_path, {"call.sh": f'curl -H "auth: {token}" https://bots.kore.ai/api/public/bot/{BOT_ID}/search\n'})
    rows = scan_rows(tmp_path)
    assert only(rows, ("TOK004", "TOK005")) == [("TOK004", "call.sh", 1)]


def test_tok015_wordlist(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("acme-support-2024\nkorebot\n")
    token = make_token(HS, good_payload(), key="acme-support-2024")
    assert [r for r in token_rows(token, "--wordlist", str(words)) if r[0] == "TOK015"] == [("TOK015", "critical")]


def test_tok015_bot_name_from_same_file(tmp_path: Path) -> None:
    """A secret guessable from the token's file (the bot name beside it) is weak."""
    token = make_token(HS, good_payload(), key="AcmeSupportBot")
    write_tree(tmp_path, {"postman/env.json": json.dumps({
        "name": "AcmeSupportBot", "values": [{"key": "botId", "value": BOT_ID},
                                            {"key": "jwt", "value": token, "enabled": True}]}, indent=2) + "\n"})
    assert only(scan_rows(tmp_path), ("TOK015",)) == [("TOK015", "postman/env.json", 10)]


def test_tok015_bot_name_from_scan_context(tmp_path: Path) -> None:
    """A secret guessable from the scanned context (the bot name in the BotKit config) is weak."""
    token = make_token(HS, good_payload(), key="AcmeSupportBot")
    write_tree(tmp_path, {
        "config.json": json.dumps({"app": {"port": 8003, "url": "https://botkit.acme.example"},
                                   "botName": "AcmeSupportBot",
                                   "credentials": {"appId": CLIENT_ID, "apikey": "${KORE_CLIENT_SECRET}"}}, indent=2),
        "notes.md": f"Sample token for staging:\n\n    {token}\n",
    })
    assert only(scan_rows(tmp_path), ("TOK015",)) == [("TOK015", "notes.md", 3)]
    # the names travel back from worker processes too, and the short key is TOK024 as well
    assert only(scan_rows(tmp_path, "--jobs", "2"), ("TOK015", "TOK024")) == [
        ("TOK015", "notes.md", 3), ("TOK024", "notes.md", 3)]


def test_tok015_scan_context_near_miss_name_not_in_the_scan(tmp_path: Path) -> None:
    token = make_token(HS, good_payload(), key="AcmeSupportBot-2025")
    write_tree(tmp_path, {
        "config.json": json.dumps({"botName": "AcmeSupportBot", "credentials": {"appId": CLIENT_ID}}),
        "notes.md": f"Sample token for staging:\n\n    {token}\n",
    })
    assert only(scan_rows(tmp_path), ("TOK015", "TOK024")) == []


def getbots(client_id: str, secret: str, *, jwe_enforced: bool = False, jti_enforced: bool = False) -> dict[str, Any]:
    return {"total": 1, "moreAvailable": False, "bots": [{
        "_id": BOT_ID, "accountId": "6661e128d3203924648c10bf", "status": "published", "name": "Support",
        "type": "default", "jwtApps": [{"clientId": client_id, "clientSecret": secret, "name": "webclient",
                                        "jtiClaimEnforced": jti_enforced, "jweEncryptionEnforced": jwe_enforced,
                                        "createdOn": "2024-10-23T06:56:29.000Z"}]}]}


def test_tok016_export_secret_mismatch(tmp_path: Path) -> None:
    export = tmp_path / "getbots.json"
    export.write_text(json.dumps(getbots(CLIENT_ID, OTHER_SECRET)))
    rows = token_rows(api_token(), "--export", str(export))
    assert [r for r in rows if r[0] == "TOK016"] == [("TOK016", "high")]


def test_tok016_export_other_app_is_near_miss(tmp_path: Path) -> None:
    export = tmp_path / "getbots.json"
    export.write_text(json.dumps(getbots("cs-00000000-1111-4222-8333-444444444444", OTHER_SECRET)))
    rows = token_rows(api_token(), "--export", str(export))
    assert [r for r in rows if r[0] == "TOK016"] == []


def test_tok018_export_enforces_jwe(tmp_path: Path) -> None:
    export = tmp_path / "getbots.json"
    export.write_text(json.dumps(getbots(CLIENT_ID, STRONG_SECRET, jwe_enforced=True)))
    rows = token_rows(api_token(), "--export", str(export))
    assert [r for r in rows if r[0] == "TOK018"] == [("TOK018", "high")]


def test_tok018_export_not_enforced_near_miss(tmp_path: Path) -> None:
    export = tmp_path / "getbots.json"
    export.write_text(json.dumps(getbots(CLIENT_ID, STRONG_SECRET, jwe_enforced=False)))
    rows = token_rows(api_token(), "--export", str(export))
    assert [r for r in rows if r[0] == "TOK018"] == []


def test_tok007_export_enforces_jti(tmp_path: Path) -> None:
    export = tmp_path / "getbots.json"
    export.write_text(json.dumps(getbots(CLIENT_ID, STRONG_SECRET, jti_enforced=True)))
    rows = token_rows(api_token(jti=...), "--export", str(export))
    assert [r for r in rows if r[0] == "TOK007"] == [("TOK007", "high")]


# TOK005 through the context a token is found in (scan)


def test_tok005_curl_auth_header_markdown(tmp_path: Path) -> None:
    token = api_token(appId=...)
    write_tree(tmp_path, {"docs/api.md": (
        "# Calling the bot\n\n```bash\n"
        f"curl -X POST 'https://bots.kore.ai/api/public/bot/{BOT_ID}/publish' \\\n"
        f"  -H 'auth: {token}' \\\n  -H 'content-type: application/json'\n```\n")})
    assert only(scan_rows(tmp_path), ("TOK005",)) == [("TOK005", "docs/api.md", 5)]


def test_tok005_python_requests_headers(tmp_path: Path) -> None:
    token = api_token(appId=...)
    write_tree(tmp_path, {"export_bot.py": (
        "import requests\n\n"
        f'URL = "https://bots.kore.ai/api/public/bot/{BOT_ID}/export"\n'
        f'headers = {{"auth": "{token}", "content-type": "application/json"}}\n'
        "requests.post(URL, headers=headers, json={'exportType': 'published'})\n")})
    assert only(scan_rows(tmp_path), ("TOK005",)) == [("TOK005", "export_bot.py", 4)]


def test_tok005_near_miss_bearer_other_api(tmp_path: Path) -> None:
    token = make_token(HS, {"sub": "svc", "iat": NOW, "exp": NOW + 600, "jti": "j"})
    write_tree(tmp_path, {"call.sh": f'curl -H "Authorization: Bearer {token}" https://api.example.com/v1/orders\n'})
    assert only(scan_rows(tmp_path), ("TOK005",)) == []


# --------------------------------------------------------------------------------------------
# SEC cases: files in a tree, expected (rule, path, line) rows of the rule under test


@dataclass(frozen=True)
class ScanCase:
    id: str
    rule: str
    files: Callable[[], dict[str, str | bytes]]
    expect: list[tuple[str, str, int]]
    options: tuple[str, ...] = ()


def botkit_config(secret: str) -> str:
    return json.dumps({
        "app": {"port": 8003, "url": "https://botkit.acme.example", "apiPrefix": ""},
        "botkit": {"url": "https://bots.kore.ai"},
        "credentials": {"appId": CLIENT_ID, "apikey": secret},
        "jwt": {"jwtAlgorithm": "HS256", "jwtExpiry": 300},
        "redis": {"options": {"host": "localhost", "port": 6379}, "available": False},
        "examples": {"mockServicesHost": "http://localhost:8004"},
    }, indent=4) + "\n"


def kore_config_js(secret_expr: str, jwt_url: str = "https://acme.example/api/users/sts") -> str:
    return (
        "(function(KoreSDK){\n"
        "    var KoreSDK=KoreSDK||{};\n"
        "    var botOptions={};\n"
        "    botOptions.logLevL='debug';\n"
        "    botOptions.koreAPIUrl='https://bots.kore.ai/api/';\n"
        "    botOptions.koreSpeechAPIUrl='';\n"
        "    botOptions.ttsSocketUrl='';\n"
        "    botOptions.koreAnonymousFn=koreAnonymousFn;\n"
        "    botOptions.recorderWorkerPath='../libs/recorderWorker.js';\n"
        f"    botOptions.JWTUrl='{jwt_url}';\n"
        "    botOptions.userIdentity='';\n"
        "    botOptions.botInfo={name:'Support',\"_id\":'" + BOT_ID + "'};\n"
        f"    botOptions.clientId='{CLIENT_ID}';\n"
        f"    botOptions.clientSecret={secret_expr};\n"
        "    KoreSDK.chatConfig={botOptions:botOptions};\n"
        "})(window.KoreSDK);\n")


def xenioo_login(body_key: str, value_a: str, value_b: str | None = None) -> str:
    body: dict[str, str] = {body_key: value_a}
    if value_b is not None:
        body["BotAPISecret"] = value_b
    return json.dumps(body, indent=2) + "\n"


SECRET_A = kore_secret("tenant-a")
SECRET_B = kore_secret("tenant-b")
XKEY = hex_key("xenioo-account")
XBOTKEY = hex_key("xenioo-bot-key")
XBOTSECRET = hex_key("xenioo-bot-secret", 40)


def rsa_pem(private: bool) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    if private:
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def private_jwks() -> str:
    n, e = b64(hashlib.sha512(b"n").digest() * 2), "AQAB"
    parts = {m: b64(hashlib.sha256(m.encode()).digest()) for m in ("d", "p", "q", "dp", "dq", "qi")}
    return json.dumps({"keys": [{"kty": "RSA", "kid": "sig-2024", "use": "sig", "alg": "RS256", "n": n, "e": e,
                                 **parts}]}, indent=2) + "\n"


def public_jwks() -> str:
    n = b64(hashlib.sha512(b"n").digest() * 2)
    return json.dumps({"keys": [{"kty": "RSA", "kid": "sig-2024", "use": "sig", "alg": "RS256", "n": n,
                                 "e": "AQAB"}]}, indent=2) + "\n"


SEC_CASES: list[ScanCase] = [
    # SEC001 committed-token
    ScanCase("sec001-dotenv", "SEC001", lambda: {".env": f"PORT=3000\nKORE_BOT_ID={BOT_ID}\nKORE_JWT={api_token()}\n"},
             [("SEC001", ".env", 3)]),
    ScanCase("sec001-markdown-curl", "SEC001", lambda: {"README.md": (
        "## Try it\n\n```\ncurl -X POST https://bots.kore.ai/api/public/bot/" + BOT_ID + "/search \\\n"
        f"  -H \"auth: {api_token()}\"\n```\n")}, [("SEC001", "README.md", 5)]),
    ScanCase("sec001-react-sdk", "SEC001", lambda: {"src/chat.tsx": (
        "import { KoreChat } from 'kore-web-sdk';\n\n"
        "export const botOptions = {\n"
        f"  assertion: '{make_token(HS, sdk_payload())}',\n"
        "  koreAPIUrl: 'https://bots.kore.ai/api/',\n};\n")}, [("SEC001", "src/chat.tsx", 4)]),
    ScanCase("sec001-jwe-in-yaml", "SEC001", lambda: {"k8s/secret.yaml": (
        "apiVersion: v1\nkind: ConfigMap\ndata:\n"
        f"  SESSION_TOKEN: {jwe({'alg': 'RSA-OAEP', 'enc': 'A256GCM', 'kid': 'k'})}\n")},
             [("SEC001", "k8s/secret.yaml", 4)]),
    ScanCase("sec001-nm-unsigned", "SEC001",
             lambda: {"test.http": f"GET /me\nAuthorization: Bearer {make_token({'alg': 'none'}, good_payload(), None)}\n"},
             []),
    ScanCase("sec001-nm-truncated-doc", "SEC001", lambda: {"docs/auth.md": (
        "The token looks like `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOi...` (header.payload.signature).\n")}, []),
    ScanCase("sec001-nm-header-only", "SEC001", lambda: {"src/const.js": (
        "// every HS256 JWT starts with this header\nexport const HS256_HEADER = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';\n")},
             []),
    # SEC002 kore-client-secret
    ScanCase("sec002-botkit-config", "SEC002", lambda: {"config.json": botkit_config(SECRET_A)},
             [("SEC002", "config.json", 12)]),  # credentials.apikey is on line 12 of the indent-4 dump
    ScanCase("sec002-dotenv", "SEC002",
             lambda: {".env.production": f"KORE_CLIENT_ID={CLIENT_ID}\nKORE_CLIENT_SECRET={SECRET_A}\n"},
             [("SEC002", ".env.production", 2)]),
    ScanCase("sec002-flask-sts", "SEC002", lambda: {"sts/app.py": (
        "import time, uuid\nimport jwt\nfrom flask import Flask, jsonify\n\napp = Flask(__name__)\n"
        f'CLIENT_ID = "{CLIENT_ID}"\n'
        f'CLIENT_SECRET = "{SECRET_A}"\n\n'
        '@app.post("/users/sts")\ndef sts():\n    now = int(time.time())\n'
        '    payload = {"iat": now, "exp": now + 300, "aud": "https://idproxy.kore.com/authorize",\n'
        '               "iss": CLIENT_ID, "sub": "user@example.com", "isAnonymous": False, "jti": str(uuid.uuid4())}\n'
        '    return jsonify(jwt=jwt.encode(payload, CLIENT_SECRET, algorithm="HS256"))\n')},
             [("SEC002", "sts/app.py", 7)]),
    ScanCase("sec002-yaml-snake", "SEC002", lambda: {"helm/values.yaml": (
        "kore:\n  client_id: " + CLIENT_ID + "\n  client_secret: \"" + SECRET_A + "\"\n")},
             [("SEC002", "helm/values.yaml", 3)]),
    # the default of an environment lookup is a literal secret bound to the variable's name
    ScanCase("sec002-python-env-default", "SEC002", lambda: {"settings.py": (
        f"import os\n\nKORE_CLIENT_SECRET = os.environ.get('KORE_CLIENT_SECRET', '{SECRET_A}')\n")},
             [("SEC002", "settings.py", 3)]),
    ScanCase("sec002-js-env-default", "SEC002", lambda: {"server/config.js": (
        f"module.exports = {{\n  clientSecret: process.env.KORE_CLIENT_SECRET || '{SECRET_A}',\n}};\n")},
             [("SEC002", "server/config.js", 2)]),
    ScanCase("sec002-nm-env-empty-default", "SEC002", lambda: {"settings.py": (
        "import os\n\nKORE_CLIENT_SECRET = os.environ.get('KORE_CLIENT_SECRET', '')\n")}, []),
    ScanCase("sec002-nm-env-ref", "SEC002", lambda: {"config.json": botkit_config("${KORE_CLIENT_SECRET}")}, []),
    ScanCase("sec002-nm-placeholder", "SEC002", lambda: {".env.example": (
        f"KORE_CLIENT_ID={CLIENT_ID}\nKORE_CLIENT_SECRET=<your-client-secret>\n")}, []),
    ScanCase("sec002-nm-sha256-digest", "SEC002", lambda: {"package-lock.json": json.dumps({
        "name": "x", "lockfileVersion": 3, "packages": {"node_modules/jsonwebtoken": {
            "version": "9.0.2", "integrity": "sha256-" + SECRET_A}}}, indent=2) + "\n"}, []),
    # SEC003 client-secret-in-frontend
    ScanCase("sec003-kore-config-js", "SEC003", lambda: {"UI/kore-config.js": kore_config_js(repr(SECRET_A))},
             [("SEC003", "UI/kore-config.js", 14)]),
    ScanCase("sec003-react-native", "SEC003", lambda: {"app/src/config/botConfig.ts": (
        "export const botConfig = {\n  botName: 'Support',\n"
        f"  botId: '{BOT_ID}',\n  clientId: '{CLIENT_ID}',\n  clientSecret: '{SECRET_A}',\n"
        "  botUrl: 'https://bots.kore.ai',\n  identity: 'user@example.com',\n  isWebHook: false,\n};\n")},
             [("SEC003", "app/src/config/botConfig.ts", 5)]),
    ScanCase("sec003-index-html", "SEC003", lambda: {"public/index.html": (
        "<!doctype html>\n<html><body>\n<script src=\"kore-web-sdk.umd.js\"></script>\n<script>\n"
        "  var chatConfig = KoreChatSDK.chatConfig;\n"
        f"  chatConfig.botOptions.clientId = \"{CLIENT_ID}\";\n"
        f"  chatConfig.botOptions.clientSecret = \"{SECRET_A}\";\n"
        "  KoreChatSDK.chatWindowInstance.show(chatConfig);\n</script>\n</body></html>\n")},
             [("SEC003", "public/index.html", 7)]),
    ScanCase("sec003-nm-placeholder", "SEC003",
             lambda: {"UI/kore-config.js": kore_config_js("'PLEASE_ENTER_CLIENT_SECRET'")}, []),
    ScanCase("sec003-nm-server-botkit", "SEC003", lambda: {"config.json": botkit_config(SECRET_A)}, []),
    ScanCase("sec003-nm-express-env", "SEC003", lambda: {"server/sts.js": (
        "const jwt = require('jsonwebtoken');\nconst express = require('express');\nconst app = express();\n"
        "app.post('/users/sts', (req, res) => {\n"
        "  const token = jwt.sign({ sub: req.body.identity, isAnonymous: false, aud: 'https://idproxy.kore.com/authorize',\n"
        "    iss: process.env.KORE_CLIENT_ID }, process.env.KORE_CLIENT_SECRET, { algorithm: 'HS256', expiresIn: '5m' });\n"
        "  res.json({ jwt: token });\n});\n")}, []),
    # SEC004 xenioo-account-key
    ScanCase("sec004-json-body", "SEC004", lambda: {"xenioo/login.json": xenioo_login("AccountAPIKey", XKEY)},
             [("SEC004", "xenioo/login.json", 2)]),
    ScanCase("sec004-curl-md", "SEC004", lambda: {"docs/xenioo.md": (
        "```\ncurl -X POST https://eu.xenioo.com/api/authorization/integration \\\n"
        "  -H 'Content-Type: application/json' \\\n"
        f"  -d '{{\"AccountAPIKey\": \"{XKEY}\"}}'\n```\n")}, [("SEC004", "docs/xenioo.md", 4)]),
    ScanCase("sec004-python", "SEC004", lambda: {"xenioo_client.py": (
        "import requests\n\nENDPOINT = 'https://eu.xenioo.com/api'\n\n"
        "def login():\n"
        f"    r = requests.post(ENDPOINT + '/authorization/integration', json={{'AccountAPIKey': '{XKEY}'}})\n"
        "    return r.json()['Token']\n")}, [("SEC004", "xenioo_client.py", 6)]),
    ScanCase("sec004-yaml-block-body", "SEC004", lambda: {"http/login.yaml": (
        "request:\n  url: https://eu.xenioo.com/api/authorization/integration\n  body: |\n"
        f"    {{\"AccountAPIKey\": \"{XKEY}\"}}\n")}, [("SEC004", "http/login.yaml", 4)]),
    ScanCase("sec004-nm-env", "SEC004", lambda: {"xenioo.js": (
        "const body = { AccountAPIKey: process.env.XENIOO_ACCOUNT_KEY };\n"
        "await fetch(`${endpoint}/authorization/integration`, { method: 'POST', body: JSON.stringify(body) });\n")}, []),
    ScanCase("sec004-nm-template", "SEC004",
             lambda: {"xenioo/login.json": xenioo_login("AccountAPIKey", "{{ACCOUNT_API_KEY}}")}, []),
    ScanCase("sec004-nm-empty", "SEC004", lambda: {"xenioo/login.json": xenioo_login("AccountAPIKey", "")}, []),
    # SEC005 xenioo-bot-credentials
    ScanCase("sec005-login-body", "SEC005", lambda: {"xenioo/bot-login.json": xenioo_login("BotAPIKey", XBOTKEY, XBOTSECRET)},
             [("SEC005", "xenioo/bot-login.json", 2), ("SEC005", "xenioo/bot-login.json", 3)]),
    ScanCase("sec005-bots-list", "SEC005", lambda: {"xenioo-bots.json": json.dumps({"Result": [
        {"Name": "WhatsApp Support", "APIKey": XBOTKEY, "APISecret": XBOTSECRET, "Channels": ["WhatsApp", "Web"]}]},
        indent=2) + "\n"}, [("SEC005", "xenioo-bots.json", 5), ("SEC005", "xenioo-bots.json", 6)]),
    ScanCase("sec005-csharp", "SEC005", lambda: {"XeniooClient.cs": (
        "public class XeniooClient {\n"
        f"    private const string BotAPIKey = \"{XBOTKEY}\";\n"
        "    private const string BotAPISecret = Environment.GetEnvironmentVariable(\"XENIOO_BOT_SECRET\");\n}\n")},
             [("SEC005", "XeniooClient.cs", 2)]),
    # a Postman collection keeps the request body as a JSON string (`body.raw`)
    ScanCase("sec005-postman-raw-body", "SEC005", lambda: {"xenioo.postman_collection.json": json.dumps({
        "info": {"name": "Xenioo"}, "item": [{"name": "login", "request": {
            "method": "POST", "url": "https://eu.xenioo.com/api/authorization/integration",
            "body": {"mode": "raw", "raw": json.dumps({"BotAPIKey": XBOTKEY, "BotAPISecret": XBOTSECRET}, indent=2)}}}]},
        indent=2) + "\n"},
             [("SEC005", "xenioo.postman_collection.json", 13), ("SEC005", "xenioo.postman_collection.json", 13)]),
    ScanCase("sec005-nm-postman-variables", "SEC005", lambda: {"xenioo.postman_collection.json": json.dumps({
        "item": [{"request": {"method": "POST", "body": {"mode": "raw", "raw": json.dumps(
            {"BotAPIKey": "{{botApiKey}}", "BotAPISecret": "{{botApiSecret}}"})}}}]}, indent=2) + "\n"}, []),
    ScanCase("sec005-nm-generic-apikey", "SEC005", lambda: {"settings.json": json.dumps({
        "Logging": {"LogLevel": {"Default": "Information"}}, "Maps": {"APIKey": XBOTKEY}}, indent=2) + "\n"}, []),
    ScanCase("sec005-nm-env", "SEC005", lambda: {"bot.js": (
        "const creds = { BotAPIKey: process.env.XENIOO_BOT_KEY, BotAPISecret: process.env.XENIOO_BOT_SECRET };\n")}, []),
    ScanCase("sec005-nm-empty", "SEC005", lambda: {"xenioo/bot-login.json": xenioo_login("BotAPIKey", "", "")}, []),
    # SEC006 demo-token-service
    ScanCase("sec006-kore-config-demo", "SEC006", lambda: {"UI/kore-config.js": kore_config_js(
        "''", "https://mk2r2rmj21.execute-api.us-east-1.amazonaws.com/dev/users/sts")},
             [("SEC006", "UI/kore-config.js", 10)]),
    ScanCase("sec006-demo-kore", "SEC006", lambda: {"UI/kore-config.js": kore_config_js(
        "''", "https://demo.kore.net/users/sts")}, [("SEC006", "UI/kore-config.js", 10)]),
    ScanCase("sec006-rn-jwtServerUrl", "SEC006", lambda: {"src/botConfig.js": (
        "export default {\n  botName: 'Support',\n"
        "  jwtServerUrl: 'https://demo.kore.net/users/sts',\n  clientId: '" + CLIENT_ID + "',\n};\n")},
             [("SEC006", "src/botConfig.js", 3)]),
    # the spec flags the sample path itself on any host ("paths ending /users/sts")
    ScanCase("sec006-sample-path-own-host", "SEC006", lambda: {"UI/kore-config.js": kore_config_js("''")},
             [("SEC006", "UI/kore-config.js", 10)]),
    ScanCase("sec006-nm-own-sts", "SEC006", lambda: {"UI/kore-config.js": kore_config_js(
        "''", "https://acme.example/api/kore/token")}, []),
    ScanCase("sec006-nm-own-sts-users", "SEC006", lambda: {"src/botConfig.js": (
        "export default {\n  jwtServerUrl: 'https://auth.acme.example/v2/users/sts/refresh',\n};\n")}, []),
    ScanCase("sec006-nm-docs-link", "SEC006", lambda: {"README.md": (
        "See https://developer.kore.ai/docs/bots/sdks/user-authorization-and-assertion/ for JWT setup.\n")}, []),
    # SEC007 secret-in-url
    ScanCase("sec007-token-query", "SEC007", lambda: {"webhook.md": (
        "Webhook: https://hooks.acme.example/kore/events?token=" + hex_key("wh", 32) + "\n")},
             [("SEC007", "webhook.md", 1)]),
    ScanCase("sec007-userinfo", "SEC007", lambda: {".env": (
        "REDIS_URL=redis://localhost:6379\nDATABASE_URL=postgres://botkit:" + hex_key("db", 20)
        + "@db.acme.example:5432/botkit\n")}, [("SEC007", ".env", 2)]),
    ScanCase("sec007-api-key-js", "SEC007", lambda: {"src/maps.js": (
        "const MAPS = 'https://maps.example.com/api/geocode/json?address=x&api_key=" + hex_key("maps", 32) + "';\n")},
             [("SEC007", "src/maps.js", 1)]),
    ScanCase("sec007-access-token-py", "SEC007", lambda: {"notify.py": (
        "import requests\n\nrequests.get(\n    'https://graph.example.com/v18.0/me/messages?access_token="
        + derived("fb", 48) + "')\n")}, [("SEC007", "notify.py", 4)]),
    ScanCase("sec007-nm-template", "SEC007", lambda: {"webhook.md": (
        "Webhook: https://hooks.acme.example/kore/events?token={{env.WEBHOOK_TOKEN}}\n")}, []),
    ScanCase("sec007-nm-user-only", "SEC007", lambda: {"README.md": (
        "Clone with `git clone https://git@github.com/acme/bot.git` or ssh.\n")}, []),
    ScanCase("sec007-nm-pagination", "SEC007", lambda: {"client.py": (
        "URL = 'https://api.example.com/v1/items?page_token=' + next_page + '&tokenType=bearer'\n")}, []),
    ScanCase("sec007-nm-interpolated", "SEC007", lambda: {"src/db.ts": (
        "const url = `postgres://${user}:${password}@${host}:5432/botkit`;\n")}, []),
    # SEC008 private-key
    ScanCase("sec008-pem-file", "SEC008", lambda: {"keys/jwt-signing.pem": rsa_pem(True)},
             [("SEC008", "keys/jwt-signing.pem", 1)]),
    # the finding sits on the key object (line 3, inside "keys": [ on line 2): the key, not the array
    ScanCase("sec008-jwks", "SEC008", lambda: {"certs/jwks.json": private_jwks()}, [("SEC008", "certs/jwks.json", 3)]),
    ScanCase("sec008-oct-jwk", "SEC008", lambda: {"jwk.json": json.dumps(
        {"kty": "oct", "kid": "hmac-1", "alg": "HS256", "k": b64(hashlib.sha256(b"oct").digest())}, indent=2) + "\n"},
             [("SEC008", "jwk.json", 1)]),
    ScanCase("sec008-pem-in-js", "SEC008", lambda: {"sts/keys.js": (
        "module.exports = {\n  privateKey: `" + rsa_pem(True) + "`,\n};\n")}, [("SEC008", "sts/keys.js", 2)]),
    ScanCase("sec008-nm-public-pem", "SEC008", lambda: {"keys/jwt-signing.pub": rsa_pem(False)}, []),
    ScanCase("sec008-nm-public-jwks", "SEC008", lambda: {"certs/jwks.json": public_jwks()}, []),
    ScanCase("sec008-nm-doc-placeholder", "SEC008", lambda: {"docs/keys.md": (
        "Put your key in `keys/private.pem`:\n\n```\n-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n```\n")},
             []),
    # SEC009 secret-signs-token
    ScanCase("sec009-env-and-fixture", "SEC009", lambda: {
        ".env": f"KORE_CLIENT_ID={CLIENT_ID}\nKORE_CLIENT_SECRET={SECRET_A}\n",
        "tests/fixtures/token.txt": make_token(HS, good_payload(), key=SECRET_A) + "\n"},
             [("SEC009", "tests/fixtures/token.txt", 1)]),
    ScanCase("sec009-botkit-and-md", "SEC009", lambda: {
        "config.json": botkit_config(SECRET_B),
        "docs/debug.md": "Captured token:\n\n" + make_token(HS, good_payload(), key=SECRET_B) + "\n"},
             [("SEC009", "docs/debug.md", 3)]),
    ScanCase("sec009-sdk-hs512", "SEC009", lambda: {
        "sts/.env": f"CLIENT_SECRET={SECRET_A}\n",
        "web/session.json": json.dumps({"jwt": make_token({"alg": "HS512"}, sdk_payload(), key=SECRET_A)}) + "\n"},
             [("SEC009", "web/session.json", 1)]),
    ScanCase("sec009-nm-other-secret", "SEC009", lambda: {
        ".env": f"KORE_CLIENT_SECRET={SECRET_A}\n",
        "token.txt": make_token(HS, good_payload(), key=SECRET_B) + "\n"}, []),
    ScanCase("sec009-nm-rs256", "SEC009", lambda: {
        ".env": f"KORE_CLIENT_SECRET={SECRET_A}\n",
        "token.txt": make_token({"alg": "RS256"}, sdk_payload(), key=SECRET_A) + "\n"}, []),
    ScanCase("sec009-nm-no-token", "SEC009", lambda: {".env": f"KORE_CLIENT_SECRET={SECRET_A}\n"}, []),
    # SEC010 secret-reused
    ScanCase("sec010-two-envs", "SEC010", lambda: {
        ".env.staging": f"KORE_CLIENT_SECRET={SECRET_A}\n",
        ".env.production": f"KORE_CLIENT_SECRET={SECRET_A}\n"},
             # one finding per reused value, at its first place, naming the others (see the message test)
             [("SEC010", ".env.production", 1)]),
    ScanCase("sec010-two-apps-one-file", "SEC010", lambda: {"config/apps.yaml": (
        "apps:\n  web:\n    clientId: " + CLIENT_ID + "\n    clientSecret: " + SECRET_A + "\n"
        "  mobile:\n    clientId: cs-00000000-1111-4222-8333-444444444444\n    clientSecret: " + SECRET_A + "\n")},
             [("SEC010", "config/apps.yaml", 4)]),
    ScanCase("sec010-botkit-and-dotenv", "SEC010", lambda: {
        "config.json": botkit_config(SECRET_A), "deploy/.env": f"KORE_CLIENT_SECRET={SECRET_A}\n"},
             [("SEC010", "config.json", 12)]),
    ScanCase("sec010-nm-different", "SEC010", lambda: {
        ".env.staging": f"KORE_CLIENT_SECRET={SECRET_A}\n", ".env.production": f"KORE_CLIENT_SECRET={SECRET_B}\n"}, []),
    ScanCase("sec010-nm-client-id", "SEC010", lambda: {
        ".env.staging": f"KORE_CLIENT_ID={CLIENT_ID}\n", ".env.production": f"KORE_CLIENT_ID={CLIENT_ID}\n"}, []),
    ScanCase("sec010-nm-url", "SEC010", lambda: {
        ".env.staging": "KORE_HOST=https://bots.kore.ai\n", ".env.production": "KORE_HOST=https://bots.kore.ai\n"}, []),
]


@pytest.mark.parametrize("case", SEC_CASES, ids=[c.id for c in SEC_CASES])
def test_scan(case: ScanCase, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", case.files())
    rows = scan_rows(root, *case.options)
    assert only(rows, (case.rule,)) == sorted(case.expect), rows


def test_sec001_expired_is_low(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"old.env": "JWT=" + api_token(iat=NOW - 7200, exp=NOW - 3600) + "\n"})
    report = run_json(["scan", str(root), "--format", "json", "--now", str(NOW), "--jobs", "1"])
    sec = [f for f in report["findings"] if f["rule"] == "SEC001"]
    assert [(f["severity"], f["location"]["line"]) for f in sec] == [("low", 1)]
    # and every TOK rule runs at the same location
    assert {f["location"]["line"] for f in report["findings"] if f["rule"].startswith("TOK")} <= {1}
    assert "TOK010" in {f["rule"] for f in report["findings"]}


def test_sec001_message_never_expires(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"a.env": "JWT=" + api_token(exp=...) + "\n",
                                          "b.env": "JWT=" + api_token() + "\n"})
    report = run_json(["scan", str(root), "--format", "json", "--now", str(NOW), "--jobs", "1"])
    messages = {f["location"]["path"]: f["message"] for f in report["findings"] if f["rule"] == "SEC001"}
    assert "never expires" in messages["a.env"]
    assert "valid until" in messages["b.env"]
    assert all(f["severity"] == "high" for f in report["findings"] if f["rule"] == "SEC001")


def test_sec003_public_env_prefix_named_in_full(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"web/.env": f"REACT_APP_KORE_CLIENT_SECRET={SECRET_A}\n"})
    report = run_json(["scan", str(root), "--format", "json", "--now", str(NOW), "--jobs", "1"])
    sec = [f for f in report["findings"] if f["rule"] == "SEC003"]
    assert [(f["location"]["path"], f["location"]["line"]) for f in sec] == [("web/.env", 1)]
    assert "REACT_APP_ variable" in sec[0]["message"]


def test_sec009_message_names_both_locations(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {".env": f"KORE_CLIENT_SECRET={SECRET_A}\n",
                                          "token.txt": make_token(HS, good_payload(), key=SECRET_A) + "\n"})
    report = run_json(["scan", str(root), "--format", "json", "--now", str(NOW), "--jobs", "1"])
    sec = [f for f in report["findings"] if f["rule"] == "SEC009"]
    assert len(sec) == 1
    # "names both locations": the finding is placed on the token and its message names the secret's place
    assert sec[0]["location"]["path"] == "token.txt" and ".env:1" in sec[0]["message"]
    assert SECRET_A not in json.dumps(report)


def test_sec002_getbots_audit(tmp_path: Path) -> None:
    """A saved Get Bots response holds client secrets: reported once per secret at its pointer."""
    path = tmp_path / "getbots.json"
    path.write_text(json.dumps(getbots(CLIENT_ID, SECRET_A), indent=2))
    report = run_json(["audit", str(path), "--format", "json", "--now", str(NOW)])
    pointers = sorted(f["location"]["pointer"] for f in report["findings"] if f["rule"] in ("SEC002", "ACC009"))
    assert pointers and set(pointers) == {"/bots/0/jwtApps/0/clientSecret"}, report["findings"]


def test_sec010_message_names_the_other_place(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {".env.staging": f"KORE_CLIENT_SECRET={SECRET_A}\n",
                                          ".env.production": f"KORE_CLIENT_SECRET={SECRET_A}\n"})
    report = run_json(["scan", str(root), "--format", "json", "--now", str(NOW), "--jobs", "1"])
    sec = [f for f in report["findings"] if f["rule"] == "SEC010"]
    assert len(sec) == 1 and ".env.staging:1" in sec[0]["message"]
    assert SECRET_A not in json.dumps(report)


@pytest.mark.parametrize(("files", "expected"), [
    (lambda: {"config.json": botkit_config(SECRET_A)}, [("SEC002", "config.json", "/credentials/apikey")]),
    (lambda: {"certs/jwks.json": private_jwks()}, [("SEC008", "certs/jwks.json", "/keys/0")]),
    (lambda: {"session.json": json.dumps({"headers": {"auth": api_token(jti=...)}}, indent=2)},
     [("SEC001", "session.json", "/headers/auth"), ("TOK007", "session.json", "/headers/auth")]),
    (lambda: {"getbots.json": json.dumps(getbots(CLIENT_ID, SECRET_A), indent=2)},
     [("SEC002", "getbots.json", "/bots/0/jwtApps/0/clientSecret")]),
], ids=["botkit-apikey", "jwks-key", "token-in-json", "getbots-saved"])
def test_structured_pointers(files: Callable[[], dict[str, str | bytes]], expected: list[Row], tmp_path: Path) -> None:
    """In structured files the location also carries the JSON pointer of the value; nothing else fires."""
    root = write_tree(tmp_path / "repo", files())
    report = run_json(["scan", str(root), "--format", "json", "--now", str(NOW), "--jobs", "1"])
    got = sorted((f["rule"], f["location"]["path"], f["location"]["pointer"]) for f in report["findings"])
    assert got == sorted(expected), got
