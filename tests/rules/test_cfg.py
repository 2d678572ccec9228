"""CFG001-CFG004 on BotKit config.json, .env, YAML, web/RN SDK configs in JS/TS, client code."""

from __future__ import annotations

import pytest

from tests.rules.code_fixtures import FIXTURES, code_files, expected_lines, findings, lines, pointers

CODE_CASES = [(rule, path) for rule in ("CFG001", "CFG002", "CFG003", "CFG004") for path in code_files(rule)]


@pytest.mark.parametrize(("rule", "path"), CODE_CASES, ids=[f"{r}-{p.name}" for r, p in CODE_CASES])
def test_code_fixtures_match_markers(rule, path) -> None:
    assert lines(path, rule) == expected_lines(path, rule)


@pytest.mark.parametrize(("fixture", "expected"), [
    ("CFG001/botkit/config.json", {"/credentials/apiKey", "/jwt-expiry"}),
    ("CFG001/multibot/config.json", {"/credentials/st-b9889c46-218c-58f7-838f-73ae9203488c/AppId",
                                     "/jwt/jwt_algorithm"}),
    ("CFG001/ok/config.json", set()),
    ("CFG001/firebase/config.json", set()),
    ("CFG001/other/settings.json", set()),
    ("CFG001/renamed/botkit.json", {"/jwt-expiry"}),  # BotKit's by its content, whatever its name
    ("CFG001/ibm-credentials/ibm-credentials.json", set()),  # credentials.apikey without appId: IBM's
    ("CFG002/server-jwt/auth.json", set()),  # a jwt block beside server, with no sign of Kore
    ("CFG002/botkit-jwt-block/auth.json", {"/jwt/jwt-expiry"}),  # the same with a Kore host
])
def test_cfg001_botkit_ignored_keys(fixture, expected) -> None:
    assert pointers(FIXTURES / fixture, "CFG001") == expected


def test_cfg001_location_and_fix() -> None:
    [hit] = [f for f in findings(FIXTURES / "CFG001/botkit/config.json", "CFG001")
             if f.location.pointer == "/jwt-expiry"]
    assert hit.location.line == 16
    assert "rename the key to 'jwtExpiry'" in hit.message


@pytest.mark.parametrize(("fixture", "expected"), [
    ("CFG002/botkit/config.json", {"/jwt/jwtAlgorithm"}),
    ("CFG002/api.env", {"/KORE_API_JWT_ALGORITHM"}),
    ("CFG002/jwt-service/settings.yaml", {"/kore/algorithm"}),
    ("CFG002/ok/config.json", set()),
    ("CFG002/generic.env", set()),
    ("CFG002/jwks/keys.json", set()),
    # BotKit reads jwt.jwtAlgorithm alone: jwt_algorithm, JWTAlgorithm (CFG001) and another
    # service's algorithm do nothing in BotKit
    ("CFG002/botkit-unread-keys/config.json", {"/jwt/jwtAlgorithm"}),
    ("CFG002/botkit-plain/config.json", {"/jwt/jwtAlgorithm"}),  # BotKit's own file: its jwt block says so
    ("CFG002/server-jwt/auth.json", set()),
    ("CFG002/botkit-jwt-block/auth.json", {"/jwt/jwtAlgorithm"}),
])
def test_cfg002_configured_algorithm(fixture, expected) -> None:
    assert pointers(FIXTURES / fixture, "CFG002") == expected


def test_cfg002_messages_name_the_platform_limit() -> None:
    [botkit] = findings(FIXTURES / "CFG002/botkit/config.json", "CFG002")
    assert "HS256 or HS512" in botkit.message and botkit.location.line == 5
    [api] = findings(FIXTURES / "CFG002/api.env", "CFG002")
    assert "only HS256" in api.message and api.location.line == 4


@pytest.mark.parametrize(("fixture", "expected"), [
    ("CFG003/botkit/config.json", {"/app/url"}),
    ("CFG003/kore.env", {"/KORE_API_URL", "/BOT_CALLBACK_URL"}),
    ("CFG003/helm/values.yaml", {"/kore/host", "/kore/baseUrl"}),
])
def test_cfg003_plain_http(fixture, expected) -> None:
    assert pointers(FIXTURES / fixture, "CFG003") == expected


def test_cfg003_a_dns_name_that_starts_like_a_loopback_address_is_remote() -> None:
    got = [(f.location.line, f.location.column, f.evidence["host"])
           for f in findings(FIXTURES / "CFG003/web/lookalike-loopback.ts", "CFG003")]
    assert got == [(2, 29, "127.attacker-host.example"), (3, 29, "127.0.0.1.attacker-host.example"),
                   (4, 33, "localhost-bots.kore.ai"), (5, 29, "jwt.acme-corp.example")]


def test_cfg003_exact_column_in_js() -> None:
    [hit] = findings(FIXTURES / "CFG003/web/kore-config.js", "CFG003")
    assert (hit.location.line, hit.location.column) == (5, 28)
    assert hit.evidence["host"] == "bots.kore.ai"


def test_cfg004_never_shows_the_secret() -> None:
    for hit in findings(FIXTURES / "CFG004/client.py", "CFG004"):
        assert "Qm9ndXNTZWNyZXRGb3JUZXN0c09ubHkxMjM0NTY3OA==" not in repr(hit.to_dict())


# --- CFG002: a bare web-SDK `botOptions`, BotKit's exact algorithm names ---------------------------


def test_cfg002_bare_bot_options_is_the_kore_web_sdk() -> None:
    hits = findings(FIXTURES / "CFG002/web-sdk/kore-config.js", "CFG002")
    assert [(f.location.line, f.location.column, f.evidence["alg"]) for f in hits] == [(2, 28, "ES256"),
                                                                                        (3, 25, "none")]
    assert findings(FIXTURES / "CFG002/web-sdk/chat.js", "CFG002") == []
    assert findings(FIXTURES / "CFG002/web-sdk/signer.js", "CFG002") == []


def test_cfg002_botkit_algorithm_must_be_spelt_exactly() -> None:
    [hit] = findings(FIXTURES / "CFG002/botkit-lowercase/config.json", "CFG002")
    assert (hit.location.pointer, hit.location.line) == ("/jwt/jwtAlgorithm", 4)
    assert "jsonwebtoken" in hit.message and "'HS256'" in hit.message
    assert findings(FIXTURES / "CFG002/botkit-exact/config.json", "CFG002") == []


# --- CFG004: BotKit's `apikey` header in a gateway or saved-request config ---------------------------


def _analysed_findings(path, select: str) -> list:
    from jwtaudit import engine
    from jwtaudit.config import Config
    from jwtaudit.sources.text import analyse_text

    rel = path.relative_to(FIXTURES).as_posix()
    subjects = analyse_text(rel, path.read_text(encoding="utf-8")).subjects
    ctx = engine.RunContext(config=Config.blank().with_overrides(select=(select,)), now=1795300000)
    return engine.run(subjects, ctx)


@pytest.mark.parametrize(("fixture", "expected"), [
    ("CFG004/gateway/gateway.yaml", [(5, 16, "/upstreams/0/headers/apikey"), (9, 16, "/upstreams/1/headers/apikey")]),
    ("CFG004/gateway/collection.json", [(3, 55, "/item/0/request/header/0/value")]),
])
def test_cfg004_apikey_header_in_structured_config(fixture, expected) -> None:
    hits = _analysed_findings(FIXTURES / fixture, "CFG004")
    assert [(f.location.line, f.location.column, f.location.pointer) for f in hits] == expected
    assert all("apikey" in f.message and "+gxptEv6" not in f.message for f in hits)


def test_algorithm_and_server_settings_in_html_and_android_sdk_configs(tmp_path) -> None:
    """botOptions in an HTML page's inline script and the Android SDK's SDKConfiguration class are
    read by the text scan for client files: CFG002 and CFG003 judge them as in a JS config."""
    from jwtaudit.commands.scan import ScanRequest, run_scan
    from jwtaudit.config import Config

    (tmp_path / "index.html").write_text(
        '<html><body>\n<script>\n  var botOptions = {\n      koreAPIUrl: "https://bots.kore.ai/api/",\n'
        '      jwtAlgorithm: "RS384",\n      JWTUrl: "https://auth.acme.example/kore/jwt"\n  };\n'
        '</script>\n</body></html>\n')
    (tmp_path / "ok.html").write_text(
        '<script>\n  var botOptions = { koreAPIUrl: "https://bots.kore.ai/api/", jwtAlgorithm: "RS256" };\n'
        '</script>\n')
    (tmp_path / "SDKConfiguration.java").write_text(
        "package kore.botssdk.net;\npublic class SDKConfiguration {\n  public static class Server {\n"
        '    public static final String KORE_BOT_SERVER_URL = "http://bots.kore.ai";\n'
        '    public static final String TOKEN_SERVER_URL = "https://tokens.acme.example/";\n  }\n}\n')
    config = Config.blank().with_overrides(select=("CFG002", "CFG003"))
    result, _ = run_scan(ScanRequest(paths=(str(tmp_path),), jobs=1), config)
    assert [(f.rule, f.location.path, f.location.line, f.location.column) for f in result.findings] == [
        ("CFG003", "SDKConfiguration.java", 4, 55), ("CFG002", "index.html", 5, 22)]
