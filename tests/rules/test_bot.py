"""BOT001-BOT012 on bot exports (botDefinition.json, config.json): positives and near misses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jwtaudit.rules.bot import literal_credential, looks_secret, random_secret
from tests.export_helpers import FIXTURES, audit, hits

D = "botDefinition.json"
C = "config.json"
POSITIVE = {
    "BOT001": [(D, "/dialogComponents/0/headers/value/Authorization"),
               (D, "/dialogComponents/1/headers/value/0/value"),
               (D, "/dialogComponents/2/endPoint/url"),
               (D, "/dialogComponents/3/payload/value/grant/client_secret")],
    "BOT002": [(D, "/dialogComponents/0/endPoint/url"), (D, "/dialogComponents/1/endPoint/protocol")],
    "BOT003": [(C, "/envVariables/0/value"), (C, "/envVariables/1/value"), (C, "/envVariables/2/value")],
    "BOT004": [(C, "/envVariables/0/value")],
    "BOT005": [(D, "/idpConfigurations/0/oauth/authorizationUrl"), (D, "/idpConfigurations/0/oauth/tokenUrl"),
               (D, "/idpConfigurations/0/oauth/refreshTokenUrl")],
    "BOT006": [(D, "/idpConfigurations/0/oauth/clientId"), (D, "/idpConfigurations/0/oauth/authorizationUrl")],
    "BOT007": [(D, "/idpConfigurations/0/fields/0/value"), (D, "/idpConfigurations/0/fields/1/value")],
    "BOT008": [(D, "/idpConfigurations/0/oauth/clientSecret"), (D, "/idpConfigurations/1/fields/0/value"),
               (D, "/idpConfigurations/1/fields/1/value")],
    "BOT009": [(D, "/idpConfigurations/0/sso_type"), (D, "/idpConfigurations/1/sso_type")],
    "BOT010": [(D, "/idpConfigurations/0/oauth/callbackUrl")],
    "BOT011": [(D, "/dialogComponents/0/idp")],
    "BOT012": [(D, "/dialogComponents/0/headers/value/auth"), (D, "/dialogComponents/1/headers/value/0/value")],
}


@pytest.mark.parametrize("code", sorted(POSITIVE))
def test_positive(code: str) -> None:
    assert hits(FIXTURES / code / "positive", code) == [(code, f, p) for f, p in POSITIVE[code]]


@pytest.mark.parametrize("code", sorted(POSITIVE))
def test_near_miss(code: str) -> None:
    assert hits(FIXTURES / code / "near_miss", code) == []


def test_header_inside_json_string_points_at_the_string_line() -> None:
    found = audit(FIXTURES / "BOT012" / "positive", ("BOT012",))
    text = (FIXTURES / "BOT012" / "positive" / D).read_text().splitlines()
    first = found[0].location
    assert '"value": "{\\"auth\\"' in text[first.line - 1]
    assert first.pointer == "/dialogComponents/0/headers/value/auth"


def test_messages_never_hold_the_secret() -> None:
    for code in POSITIVE:
        for finding in audit(FIXTURES / code / "positive", (code,)):
            text = finding.message + repr(dict(finding.evidence))
            for secret in ("hunter2", "FAKE-9f8e7d6c5b4a3928", "FAKEqueryToken", "S3cr3t", "eyJ", "c3ZjOnB3"):
                assert secret not in text, (code, finding.message)


def test_service_token_also_goes_through_tok_rules_with_public_api_context() -> None:
    found = audit(FIXTURES / "BOT012" / "positive", ("TOK009",))
    assert [(f.rule, f.location.pointer) for f in found] == [
        ("TOK009", "/dialogComponents/0/headers/value/auth"),
        ("TOK009", "/dialogComponents/1/headers/value/0/value"),
    ]


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("Authorization", "Bearer {{env.TOKEN}}", False),
    ("Authorization", "Basic dXNlcjpwYXNzd29yZA==", True),
    ("x-request-id", "5b0e8c1e-8f1a-4c1d-9a55-0d7c2f3e4b6a", False),
    ("TOKEN_URL", "https://login.example.com/token", False),
    ("DB_PASSWORD", "correct-horse", True),
    ("DB_PASSWORD", "true", False),
    ("GREETING", "Hello and welcome to Acme support", False),
    ("SIGNATURE", "aB3dE5fG7hJ9kL1mN3pQ5rS7", True),
    ("CLIENT_SECRET", "********", False),
    ("CLIENT_SECRET", "<redacted>", False),
    ("PASSWORD_POLICY", "strong", False),
    ("SECRET_MANAGER_REGION", "us-east-1", False),
    ("ACCESS_TOKEN_SCOPE", "read:orders", False),
    ("DB_PASSWORD", "us-east-1", False),
    ("DB_PASSWORD", "strong-horse", True),
    ("SERVICE_CREDENTIALS", "admin:hunter2x", True),
])
def test_literal_credential(name: str, value: str, expected: bool) -> None:
    assert literal_credential(name, value) is expected


def test_shape_helpers() -> None:
    assert looks_secret("Bearer abcdefgh12345")
    assert not looks_secret("Bearer {{env.X}}")
    assert not random_secret("0123456789abcdef0123456789abcdef")  # hex digest: names decide
    assert random_secret("Zr7Qp2Lx9Vn4Tk1Bw8Hs3Jd6Fg0Cm5Ya2Ue7Io4Pq1N=")


def test_bot003_names_about_a_secret_and_plain_values() -> None:
    """`PASSWORD_POLICY=strong`, `SECRET_MANAGER_REGION=us-east-1`, scopes, durations and a redacted
    value are not secrets; a real password and a user:password pair beside them are."""
    assert hits(FIXTURES / "BOT003" / "about_a_secret", "BOT003") == [
        ("BOT003", C, "/envVariables/7/value"), ("BOT003", C, "/envVariables/8/value")]


def _callback_export(tmp_path: Path, callback: str) -> Path:
    profile = {"_id": "ap-0a0a0000-0000-4000-8000-000000000001", "name": "Okta", "sso_type": "oauth2",
               "oauth": {"idpName": "Okta", "clientId": "0oa1b2c3", "clientSecret": "{{env.OKTA_SECRET}}",
                         "authorizationUrl": "https://acme.okta.example/authorize",
                         "tokenUrl": "https://acme.okta.example/token",
                         "refreshTokenUrl": "https://acme.okta.example/token", "callbackUrl": callback},
               "fields": [], "state": "published"}
    folder = tmp_path / "bot"
    folder.mkdir()
    definition = {"name": "Support", "defaultLanguage": "en", "dialogComponents": [],
                  "idpConfigurations": [profile]}
    (folder / D).write_text(json.dumps(definition, indent=1), encoding="utf-8")
    return folder


@pytest.mark.parametrize("callback", [
    "https://idp.kore.ai/workflows/callback/?x=1",
    "https://idp.kore.ai/workflows/callback?x=1",
    "https://idp.kore.ai/workflows/callback/?",
    "https://idp.kore.ai/workflows/callback/#frag",
])
def test_bot010_query_or_fragment_is_another_callback(tmp_path: Path, callback: str) -> None:
    assert hits(_callback_export(tmp_path, callback), "BOT010") == [
        ("BOT010", D, "/idpConfigurations/0/oauth/callbackUrl")]


@pytest.mark.parametrize("callback", [
    "https://idp.kore.ai/workflows/callback/",
    "https://idp.kore.ai/workflows/callback",
    "https://IDP.kore.ai/workflows/callback/",
])
def test_bot010_platform_callback_is_silent(tmp_path: Path, callback: str) -> None:
    assert hits(_callback_export(tmp_path, callback), "BOT010") == []


def _bot(tmp_path: Path, *, nodes: list | None = None, profiles: list | None = None) -> Path:
    folder = tmp_path / "bot"
    folder.mkdir()
    definition = {"name": "Support", "dialogComponents": nodes or [], "idpConfigurations": profiles or []}
    (folder / D).write_text(json.dumps(definition, indent=1), encoding="utf-8")
    return folder


def _spots(path: Path, code: str) -> list[tuple[str, int | None, int | None, str | None]]:
    return [(f.rule, f.location.line, f.location.column, f.location.pointer) for f in audit(path, (code,))]


def test_bot009_silent_on_a_real_export_profile_without_oauth_settings(tmp_path: Path) -> None:
    """The platform's export holds `_id`, `name`, `sso_type`, `connectorEnabled`, `hasTenancy`,
    `fields`, `state` and no OAuth block: nothing tells whether refresh is set up."""
    real = {"_id": "ap-6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f", "name": "ServiceNow OAuth", "sso_type": "oauth2",
            "connectorEnabled": False, "hasTenancy": True, "fields": [], "state": "published"}
    assert _spots(_bot(tmp_path, profiles=[real]), "BOT009") == []


def test_bot009_fires_on_oauth_urls_on_the_profile_itself_without_refresh(tmp_path: Path) -> None:
    partial = {"_id": "ap-1", "name": "Flat", "sso_type": "oauth2", "authorizationUrl": "https://idp.example/a",
               "tokenUrl": "https://idp.example/t", "fields": [], "state": "published"}
    assert _spots(_bot(tmp_path, profiles=[partial]), "BOT009") == [
        ("BOT009", 8, 17, "/idpConfigurations/0/sso_type")]


def _service(**where: object) -> dict:
    endpoint = {"url": "https://api.example.com/v1/orders", "protocol": "https"}
    node = {"type": "service", "name": "GetOrders", "endPoint": endpoint}
    for key, value in where.items():
        level, _, name = key.partition("__")
        (endpoint if level == "endPoint" else node)[name] = value
    return node


def test_bot011_reads_idp_inside_the_end_point(tmp_path: Path) -> None:
    node = _service(endPoint__authRequired=True, endPoint__idp="ap-0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e")
    assert _spots(_bot(tmp_path, nodes=[node]), "BOT011") == [
        ("BOT011", 11, 13, "/dialogComponents/0/endPoint/idp")]


def test_bot011_idp_inside_the_end_point_naming_a_defined_profile_is_silent(tmp_path: Path) -> None:
    node = _service(endPoint__authRequired=True, endPoint__idp="Okta")
    profile = {"_id": "ap-1", "name": "Okta", "sso_type": "basic", "fields": []}
    assert _spots(_bot(tmp_path, nodes=[node], profiles=[profile]), "BOT011") == []


def test_bot006_message_article(tmp_path: Path) -> None:
    profile = {"_id": "ap-1", "name": "Okta", "sso_type": "oauth2",
               "oauth": {"authorizationUrl": "https://idp.example/" + "a" * 3000, "tokenUrl": "t" * 3001}}
    found = audit(_bot(tmp_path, profiles=[profile]), ("BOT006",))
    assert [f.message.split(" of ")[0] for f in found] == [
        "Authorization profile 'Okta' has an authorizationUrl", "Authorization profile 'Okta' has a tokenUrl"]


@pytest.mark.parametrize(("callback", "message"), [
    ("http://idp.kore.ai/workflows/callback/",
     "Authorization profile 'Okta' uses the platform's callback over http:// instead of https:// "
     "(https://idp.kore.ai/workflows/callback/)."),
    ("http://oauth.example-tools.io/callback",
     "Authorization profile 'Okta' uses callback http://oauth.example-tools.io instead of the platform's "
     "https://idp.kore.ai/workflows/callback/."),
    ("https://oauth.example-tools.io/callback",
     "Authorization profile 'Okta' uses callback oauth.example-tools.io instead of the platform's "
     "https://idp.kore.ai/workflows/callback/."),
])
def test_bot010_message_names_the_scheme_when_that_is_the_problem(tmp_path: Path, callback: str,
                                                                  message: str) -> None:
    found = audit(_callback_export(tmp_path, callback), ("BOT010",))
    assert [(f.location.pointer, f.message) for f in found] == [("/idpConfigurations/0/oauth/callbackUrl", message)]
