"""`jwtaudit audit`: the example export as a golden test, the CLI contract, hostile exports."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from jwtaudit.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "acme-export"
NOW = "2026-11-22"
SECRETS = (  # every fake secret and token fragment planted in the example
    "RkFLRS1hY21lLXN1cHBvcnQtYXBpLXNlY3JldC0wMSE=", "RkFLRS1hY21lLXNkay1zaWduaW5nLXNlY3JldC0wMyE=",
    "RkFLRS1hY21lLW9yZGVycy1zZGstc2VjcmV0LTAwMyE=", "password123", "FAKE-xenioo-bot-key-0b1c2d3e4f5a6b7c",
    "FAKE-snow-client-secret-0001", "FAKEsnowQueryKey9a8b7c6d5e4f", "FAKE-tickets-key-7f3a9c2e51d04b8a",
    "FAKEticketKey0000000001", "FAKE-erp-secret-5d1c9a7e3b", "RkFLRTpmYWtlLWJpbGxpbmctcGFzc3dvcmQ=",
    "vVmnmAOelf4zUrAABgxotFndH2l4gXojMvSLOjZItW4",
)

# The findings jwtaudit's own families (ACC, BOT) and the TOK rules report on the example, in order.
GOLDEN = [
    ("ACC002", "account.yaml", "/apps/0/jtiClaimEnforced", 17),
    ("ACC011", "account.yaml", "/apps/0/createdOn", 19),
    ("ACC013", "account.yaml", "/apps/2/clientId", 28),
    ("ACC001", "account.yaml", "/apps/2/algorithm", 32),
    ("ACC002", "account.yaml", "/apps/2/jtiClaimEnforced", 33),
    ("ACC003", "account.yaml", "/apps/2/jweEncryptionEnforced", 34),
    ("ACC006", "account.yaml", "/apps/5/clientId", 53),
    ("ACC009", "account.yaml", "/apps/5/clientSecret", 58),
    ("ACC010", "account.yaml", "/apps/5/clientSecret", 58),
    ("ACC010", "account.yaml", "/apps/6/clientSecretSha256", 67),
    ("ACC004", "account.yaml", "/apiScopeMappings/2/accountId", 85),
    ("ACC008", "account.yaml", "/apiScopeMappings/4/scopes", 90),
    ("ACC007", "account.yaml", "/apiScopeMappings/5/scopes", 92),
    ("ACC005", "account.yaml", "/apiScopeMappings/6/published", 95),
    ("ACC012", "account.yaml", "/dataTables/tables/0/assignments/apps/0", 118),
    ("ACC012", "account.yaml", "/dataTables/tables/0/assignments/apps/0", 118),
    ("ACC009", "account.yaml", "/xenioo/bots/0/APIKey", 130),
    ("BOT008", "bots/orders/botDefinition.json", "/idpConfigurations/1/fields/0/value", 52),
    ("BOT003", "bots/orders/config.json", "/envVariables/0/value", 5),
    ("TOK010", "bots/orders/config.json", "/envVariables/0/value", 5),
    ("TOK016", "bots/orders/config.json", "/envVariables/0/value", 5),
    ("TOK018", "bots/orders/config.json", "/envVariables/0/value", 5),
    ("BOT004", "bots/orders/config.json", "/envVariables/1/value", 9),
    ("BOT012", "bots/support.zip!/botDefinition.json", "/dialogComponents/0/headers/value/auth", 17),
    ("TOK007", "bots/support.zip!/botDefinition.json", "/dialogComponents/0/headers/value/auth", 17),
    ("TOK009", "bots/support.zip!/botDefinition.json", "/dialogComponents/0/headers/value/auth", 17),
    ("BOT001", "bots/support.zip!/botDefinition.json", "/dialogComponents/1/endPoint/url", 27),
    ("BOT002", "bots/support.zip!/botDefinition.json", "/dialogComponents/1/endPoint/url", 27),
    ("BOT001", "bots/support.zip!/botDefinition.json", "/dialogComponents/1/headers/value/0/value", 32),
    ("BOT011", "bots/support.zip!/botDefinition.json", "/dialogComponents/1/idp", 35),
    ("BOT009", "bots/support.zip!/botDefinition.json", "/idpConfigurations/0/sso_type", 58),
    ("BOT008", "bots/support.zip!/botDefinition.json", "/idpConfigurations/0/oauth/clientSecret", 64),
    ("BOT005", "bots/support.zip!/botDefinition.json", "/idpConfigurations/0/oauth/tokenUrl", 66),
    ("BOT010", "bots/support.zip!/botDefinition.json", "/idpConfigurations/0/oauth/callbackUrl", 67),
    ("BOT007", "bots/support.zip!/botDefinition.json", "/idpConfigurations/0/fields/0/value", 79),
    ("ACC009", "get-bots-response.json", "/bots/0/jwtApps/0/clientSecret", 14),
    ("ACC009", "get-bots-response.json", "/bots/0/jwtApps/1/clientSecret", 21),
    ("ACC009", "get-bots-response.json", "/bots/1/jwtApps/0/clientSecret", 37),
]
# Planted for the SEC and CFG families (their rules are tested in their own suites).
PLANTED_SEC_CFG = [
    ("SEC002", "botkit/config.json", "/credentials/apikey", 6),
    ("CFG001", "botkit/config.json", "/jwt/jwt-expiry", 8),
    ("SEC001", "bots/support.zip!/botDefinition.json", "/dialogComponents/0/headers/value/auth", 17),
    ("SEC009", "bots/support.zip!/botDefinition.json", "/dialogComponents/0/headers/value/auth", 17),
    ("SEC002", "get-bots-response.json", "/bots/0/jwtApps/0/clientSecret", 14),
]


def run(*args: str):
    return CliRunner().invoke(cli, ["audit", *args], catch_exceptions=False)


def findings_of(output: str) -> list[tuple[str, str, str, int]]:
    data = json.loads(output)
    return [(f["rule"], f["location"]["path"], f["location"]["pointer"], f["location"]["line"])
            for f in data["findings"]]


def test_example_golden() -> None:
    result = run(str(EXAMPLE), "--now", NOW, "--format", "json")
    assert result.exit_code == 1
    found = findings_of(result.output)
    assert [f for f in found if f[0][:3] in ("ACC", "BOT", "TOK")] == GOLDEN
    assert all(item in found for item in PLANTED_SEC_CFG)
    assert found == sorted(found, key=lambda f: (f[1], f[3]))  # stable order: file, then line


def test_example_text_report_is_readable_and_redacted() -> None:
    result = run(str(EXAMPLE), "--now", NOW)
    assert result.exit_code == 1
    text = result.output
    assert text.startswith("Account: Acme Support (6661e128d3203924648c10bf)\nApps:\n")
    assert ("  cs-a11ce000-0000-4000-8000-000000000003 support-sdk [bot_builder]: alg RS256; "
            "JTI not enforced; JWE not enforced\n") in text
    assert "      findings: ACC001, ACC002, ACC003, ACC009, ACC013" in text
    assert "  st-5a1e0000-0000-4000-8000-00000000000b Orders: configured\n" in text
    assert "bots/support.zip!/botDefinition.json:17:" in text
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("fmt", ["json", "sarif", "html", "markdown"])
def test_no_secret_in_any_format(fmt: str) -> None:
    result = run(str(EXAMPLE), "--now", NOW, "--format", fmt)
    assert result.exit_code == 1
    for secret in SECRETS:
        assert secret not in result.output


def test_overview_in_json() -> None:
    data = json.loads(run(str(EXAMPLE), "--now", NOW, "--format", "json").output)
    overview = data["overview"]
    assert overview["account"] == {"accountId": "6661e128d3203924648c10bf", "name": "Acme Support",
                                   "host": "https://platform.kore.ai"}
    orders = next(a for a in overview["apps"] if a["name"] == "orders-sdk")
    hits = orders.pop("findings")
    assert orders == {"clientId": "cs-a11ce000-0000-4000-8000-000000000008", "name": "orders-sdk",
                      "createdIn": "bot_builder", "algorithm": "HS512", "jtiEnforced": False,
                      "jweEnforced": True, "scopes": []}
    assert [h for h in hits if h[:3] in ("ACC", "BOT", "TOK")] == ["ACC009", "BOT003", "TOK010", "TOK016",
                                                                   "TOK018"]
    assert "SEC002" in hits
    assert overview["bots"][0] == {"id": "st-5a1e0000-0000-4000-8000-00000000000a", "name": "Support",
                                   "status": "published", "published": True,
                                   "apps": ["cs-a11ce000-0000-4000-8000-000000000002",
                                            "cs-a11ce000-0000-4000-8000-000000000003"]}
    assert overview["xenioo"] == {"serviceEndpoint": "https://eu-node1.xenioo.com",
                                  "bots": [{"name": "WhatsApp", "channels": ["WhatsApp", "Web"]}]}
    assert data["summary"]["files_scanned"] == 7


def test_select_and_fail_on() -> None:
    result = run(str(EXAMPLE), "--now", NOW, "--select", "BOT010", "--fail-on", "medium", "-f", "json")
    assert result.exit_code == 0
    assert [f[0] for f in findings_of(result.output)] == ["BOT010"]


def test_output_file_is_the_only_thing_written(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    before = sorted(p.name for p in EXAMPLE.rglob("*"))
    result = run(str(EXAMPLE), "--now", NOW, "-o", str(out))
    assert result.exit_code == 1
    assert out.read_text().lstrip().lower().startswith("<!doctype html")
    assert sorted(p.name for p in EXAMPLE.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_single_file_and_single_zip() -> None:
    result = run(str(EXAMPLE / "get-bots-response.json"), "--select", "ACC", "-f", "json")
    assert [f[:3] for f in findings_of(result.output)] == [
        ("ACC009", "get-bots-response.json", "/bots/0/jwtApps/0/clientSecret"),
        ("ACC013", "get-bots-response.json", "/bots/0/jwtApps/1/clientId"),
        ("ACC009", "get-bots-response.json", "/bots/0/jwtApps/1/clientSecret"),
        ("ACC009", "get-bots-response.json", "/bots/1/jwtApps/0/clientSecret"),
    ]
    result = run(str(EXAMPLE / "bots" / "support.zip"), "--select", "BOT011", "-f", "json")
    assert findings_of(result.output) == [
        ("BOT011", "support.zip!/botDefinition.json", "/dialogComponents/1/idp", 35)]


def test_token_command_takes_app_settings_from_the_export() -> None:
    token = json.loads((EXAMPLE / "bots" / "orders" / "config.json").read_text())["envVariables"][0]["value"]
    result = CliRunner().invoke(cli, ["token", "--now", NOW, "--export", str(EXAMPLE), "-f", "json", token],
                                catch_exceptions=False)
    rules = [f["rule"] for f in json.loads(result.output)["findings"]]
    assert "TOK016" in rules and "TOK018" in rules


# --- hostile exports: exit 2, one line naming the file, fast -------------------------------


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _nested(depth: int) -> bytes:
    data = _zip([("botDefinition.json", b"{}")])
    for level in range(depth):
        data = _zip([(f"level{level}.zip", data)])
    return data


def _alias_bomb() -> bytes:
    lines = ["format: jwtaudit-account-export/v1", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    return ("\n".join(lines) + "\n").encode()


HOSTILE = {
    "zip slip": ("bots/evil.zip", _zip([("../../../tmp/pwned.json", b"{}")]),
                 "bots/evil.zip: zip entry '../../../tmp/pwned.json' escapes the archive (zip slip)"),
    "zip bomb": ("bots/bomb.zip", _zip([(f"p{i}.json", b"\0" * (5 * 1024 * 1024)) for i in range(14)]),
                 "archive expands past 67108864 bytes in total (zip bomb?)"),
    "entry bomb": ("bots/many.zip", _zip([(f"e{i}.json", b"") for i in range(2100)]),
                   "bots/many.zip: zip has more than 2000 entries (zip bomb?)"),
    "nested zips": ("bots/nested.zip", _nested(5), "zip archives nested more than 3 deep"),
    "yaml tag": ("account.yaml", b"format: !!python/object/apply:os.system ['id']\n",
                 "account.yaml: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' at line 1 is not "
                 "allowed (safe loading only)"),
    "yaml alias bomb": ("account.yaml", _alias_bomb(),
                        "account.yaml: YAML aliases expand too far (alias bomb?) or nest too deeply"),
    "deep json": ("bots/x/botDefinition.json", b"[" * 10_000 + b"]" * 10_000,
                  "bots/x/botDefinition.json: invalid JSON at line 1 column 257: nested deeper than 256 levels"),
    "invalid utf-8": ("get-bots-response.json", b'{"bots": ["\xff"]}',
                      "get-bots-response.json: not valid UTF-8 (byte 11)"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_export(tmp_path: Path, case: str) -> None:
    name, content, message = HOSTILE[case]
    target = tmp_path / "export" / name
    target.parent.mkdir(parents=True)
    target.write_bytes(content)
    start = time.monotonic()
    result = CliRunner().invoke(cli, ["audit", str(tmp_path / "export"), "-o", str(tmp_path / "r.json")])
    assert time.monotonic() - start < 10
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("jwtaudit: error: ") and message in lines[0]
    assert not (tmp_path / "r.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def test_missing_path_is_exit_2(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope"))
    assert result.exit_code == 2 and "no such file or folder" in result.output


def test_empty_folder_is_exit_3(tmp_path: Path) -> None:
    assert run(str(tmp_path)).exit_code == 3


# --- what the export holds beyond JSON/YAML, and how it is linked -----------------------------

import base64  # noqa: E402

from tests.helpers import make_token  # noqa: E402

FAKE_SECRET = base64.b64encode(b"FAKE-jwtaudit-test-secret-32byte").decode()  # 44 chars, 32 bytes
CLIENT = "cs-7d3f2a10-5b6c-4e8d-9f01-2a3b4c5d6e7f"
BOT_DEF = json.dumps({"_id": "st-1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "name": "B", "dialogComponents": []})


def _bot_function() -> str:
    token = make_token({"alg": "HS256", "typ": "JWT"}, {"sub": "x", "appId": CLIENT, "iat": 1796471063},
                       FAKE_SECRET)
    return (f'var clientId = "{CLIENT}";\nvar clientSecret = "{FAKE_SECRET}";\n'
            f'var token = "{token}";\nfunction callApi() {{ return token; }}\n')


def _write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def _audit_json(path: Path, *extra: str) -> tuple[int, list[tuple[str, str, str | None, int]], dict]:
    result = run(str(path), "--now", NOW, "-f", "json", *extra)
    data = json.loads(result.output)
    return result.exit_code, findings_of(result.output), data["summary"]


def test_bot_function_files_are_analysed_as_text(tmp_path: Path) -> None:
    _write(tmp_path, {"bot/botDefinition.json": BOT_DEF, "bot/botFunctions.js": _bot_function(),
                      "bot2/botDefinition.json": BOT_DEF, "bot2/botFunctions/custom.js": _bot_function(),
                      "bot2/icon.png": b"\x89PNG\r\n\x1a\n\0\0"})
    (tmp_path / "bot.zip").write_bytes(_zip([("botDefinition.json", BOT_DEF.encode()),
                                             ("botFunctions.js", _bot_function().encode())]))
    code, found, summary = _audit_json(tmp_path, "--select", "SEC001,SEC002,TOK009")
    assert code == 1
    assert found == [(rule, path, None, line) for path in ("bot.zip!/botFunctions.js", "bot/botFunctions.js",
                                                           "bot2/botFunctions/custom.js")
                     for rule, line in (("SEC002", 2), ("SEC001", 3), ("TOK009", 3))]
    assert summary["files_scanned"] == 6  # three definitions, three bot-function files (not the icon)


def test_text_files_outside_a_bot_export_are_read(tmp_path: Path) -> None:
    """One policy for a folder: every text file is checked for tokens and secrets, wherever it sits."""
    _write(tmp_path, {"account.yaml": "format: jwtaudit-account-export/v1\n", "notes/helper.js": _bot_function(),
                      "notes/readme.txt": "nothing to see\n"})
    code, found, summary = _audit_json(tmp_path, "--select", "SEC001,SEC002,TOK009")
    assert (code, found, summary["files_scanned"]) == (1, [
        ("SEC002", "notes/helper.js", None, 2), ("SEC001", "notes/helper.js", None, 3),
        ("TOK009", "notes/helper.js", None, 3)], 3)


def test_a_broken_file_that_is_no_artefact_is_read_as_text_beside_an_export(tmp_path: Path) -> None:
    """A `tsconfig.json` with comments or a truncated `package.json` in the audited folder is not
    malformed export input: it is read as text (as `scan` reads it); a broken Get Bots response
    or container still is an input error, and so is a broken file given alone."""
    secret = base64.b64encode(bytes(range(32))).decode()
    _write(tmp_path, {"account.yaml": "format: jwtaudit-account-export/v1\n",
                      "tsconfig.json": '{\n  // comments are fine for tsc\n  "compilerOptions": {}\n}\n',
                      "package.json": '{"scripts": {"dev": "KORE_CLIENT_SECRET=' + secret + ' node ."\n'})
    code, found, summary = _audit_json(tmp_path, "--select", "SEC002")
    assert (code, found, summary["files_scanned"]) == (1, [("SEC002", "package.json", None, 1)], 3)
    (tmp_path / "saved-bots.json").write_text('{"bots": [{"_id": "st-1"\n')
    result = run(str(tmp_path))
    assert result.exit_code == 2 and "saved-bots.json: invalid JSON" in result.output
    assert run(str(tmp_path / "tsconfig.json")).exit_code == 2


@pytest.mark.parametrize(("headers", "pointer"), [
    ({"value": {"Authorization": "Bearer FAKE9f8e7d6c5b4a39281706"}}, "/dialogComponents/0/headers/value/Authorization"),
    ({"value": [{"key": "Authorization", "value": "Bearer FAKE9f8e7d6c5b4a39281706"}]},
     "/dialogComponents/0/headers/value/0/value"),
    ({"value": '[["Authorization", "Bearer FAKE9f8e7d6c5b4a39281706"]]'}, "/dialogComponents/0/headers/value/0/1"),
    ({"value": '{"Authorization": "Bearer FAKE9f8e7d6c5b4a39281706"'}, "/dialogComponents/0/headers/value"),
])
def test_header_values_in_every_shape(tmp_path: Path, headers: dict, pointer: str) -> None:
    node = {"type": "service", "name": "S", "endPoint": {"url": "https://api.example.com/a"}, "headers": headers}
    _write(tmp_path, {"botDefinition.json": json.dumps({"name": "B", "dialogComponents": [node]}, indent=1)})
    code, found, _summary = _audit_json(tmp_path, "--select", "BOT001")
    assert [(f[0], f[2]) for f in found] == [("BOT001", pointer)]
    output = run(str(tmp_path), "--now", NOW, "-f", "json").output
    assert "FAKE9f8e7d6c5b4a39281706" not in output


@pytest.mark.parametrize("headers", [
    {"value": {"Authorization": "Bearer {{env.ORDERS_TOKEN}}"}},
    {"value": [{"key": "Authorization", "value": "Bearer {{env.ORDERS_TOKEN}}"}]},
    {"value": '{"Authorization": "Bearer {{env.ORDERS_TOKEN}}"'},
    {"value": {"Content-Type": "application/json"}},
])
def test_header_values_near_miss(tmp_path: Path, headers: dict) -> None:
    node = {"type": "service", "name": "S", "endPoint": {"url": "https://api.example.com/a"}, "headers": headers}
    _write(tmp_path, {"botDefinition.json": json.dumps({"name": "B", "dialogComponents": [node]}, indent=1)})
    assert _audit_json(tmp_path, "--select", "BOT001,BOT012")[:2] == (0, [])


def test_generic_detector_dropped_under_a_decoded_header(tmp_path: Path) -> None:
    """BOT001 reports inside the decoded header string; the detect-secrets finding on the whole
    string (same line, a pointer that encloses BOT001's) is the same value, reported once."""
    github = "ghp_" + "FAKE" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"
    node = {"type": "service", "name": "GH", "endPoint": {"url": "https://api.github.com/x"},
            "headers": {"value": json.dumps({"Authorization": f"Bearer {github}"})}}
    _write(tmp_path, {"botDefinition.json": json.dumps({"name": "B", "dialogComponents": [node]}, indent=1)})
    code, found, _summary = _audit_json(tmp_path)
    assert [(f[0], f[2]) for f in found] == [("BOT001", "/dialogComponents/0/headers/value/Authorization")]


def test_container_secret_gets_the_sec_rules_too(tmp_path: Path) -> None:
    _write(tmp_path, {"account.yaml": (
        "format: jwtaudit-account-export/v1\n"
        "apps:\n"
        f"  - {{clientId: {CLIENT}, name: a, createdIn: admin_console, clientSecret: '{FAKE_SECRET}'}}\n"
        f"  - {{clientId: cs-7d3f2a10-5b6c-4e8d-9f01-2a3b4c5d6e70, name: b, createdIn: admin_console,"
        " clientSecret: '<redacted>'}\n")})
    code, found, _summary = _audit_json(tmp_path, "--select", "ACC009,ACC010,SEC")
    assert found == [("ACC009", "account.yaml", "/apps/0/clientSecret", 3),
                     ("SEC002", "account.yaml", "/apps/0/clientSecret", 3)]


def test_container_is_not_given_to_the_document_rules(tmp_path: Path) -> None:
    _write(tmp_path, {"account.yaml": ("format: jwtaudit-account-export/v1\n"
                                       f"apps: [{{clientId: {CLIENT}, algorithm: RS256}}]\n"
                                       f"apiScopeMappings: [{{clientId: {CLIENT}, scopes: [BotDefinition]}}]\n")})
    assert [f[0] for f in _audit_json(tmp_path)[1]] == ["ACC001"]  # not CFG002 as well


# --- following the container's bots[].export -------------------------------------------------

ACCOUNT_WITH_EXPORT = ("format: jwtaudit-account-export/v1\n"
                       "account: {accountId: 6661e128d3203924648c10bf, name: T}\n"
                       "bots:\n"
                       "  - {_id: st-1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f, name: B, status: published,"
                       " export: EXPORT}\n")
NODE_HTTP = json.dumps({"name": "B", "dialogComponents": [
    {"type": "service", "name": "S", "endPoint": {"url": "http://api.example.com/a"}}]}, indent=1)


@pytest.mark.parametrize("export_path", ["bots/b3/", "bots/b3", "bots/b3.zip"])
def test_container_export_path_is_followed_from_the_container_file(tmp_path: Path, export_path: str) -> None:
    _write(tmp_path, {"account.yaml": ACCOUNT_WITH_EXPORT.replace("EXPORT", export_path)})
    if export_path.endswith(".zip"):
        _write(tmp_path, {"bots/b3.zip": _zip([("botDefinition.json", NODE_HTTP.encode())])})
        where = "bots/b3.zip!/botDefinition.json"
    else:
        _write(tmp_path, {"bots/b3/botDefinition.json": NODE_HTTP})
        where = "bots/b3/botDefinition.json"
    code, found, _summary = _audit_json(tmp_path / "account.yaml", "--select", "BOT002")
    assert (code, found) == (1, [("BOT002", where, "/dialogComponents/0/endPoint/url", 8)])


def test_missing_container_export_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, {"account.yaml": ACCOUNT_WITH_EXPORT.replace("EXPORT", "bots/missing.zip")})
    result = run(str(tmp_path / "account.yaml"), "--now", NOW, "-f", "json")
    assert result.exit_code == 2
    assert findings_of(result.stdout) == [("META002", "account.yaml", "/bots/0/export", 4)]
    assert result.stderr.splitlines() == [
        "jwtaudit: error: the scan is partial: 1 input could not be read (first: bots/missing.zip: bot export "
        "'bots/missing.zip' does not exist); see META002"]


@pytest.mark.parametrize(("export_path", "shown"), [
    ("../outside", "'../outside'"), ("../../../../etc", "'../../../../etc'"), ("/etc/passwd", "'/etc/passwd'"),
    ("bots/../../outside", "'bots/../../outside'"), ("C:\\\\Windows", "'C:\\\\Windows'"),
])
def test_container_export_leaving_the_folder_is_an_input_error(tmp_path: Path, export_path: str,
                                                               shown: str) -> None:
    _write(tmp_path / "outside", {"botDefinition.json": NODE_HTTP})
    _write(tmp_path / "acct", {"account.yaml": ACCOUNT_WITH_EXPORT.replace("EXPORT", f'"{export_path}"')})
    for target in (tmp_path / "acct" / "account.yaml", tmp_path / "acct"):
        result = run(str(target), "--now", NOW, "-f", "json")
        assert (result.exit_code, result.stdout, result.stderr) == (
            2, "", f"jwtaudit: error: account.yaml: bot export path {shown} at /bots/0/export leaves the "
                   "audited folder\n")


def test_container_export_through_a_symlink_out_of_the_folder_is_an_input_error(tmp_path: Path) -> None:
    _write(tmp_path / "outside", {"botDefinition.json": NODE_HTTP})
    _write(tmp_path / "acct", {"account.yaml": ACCOUNT_WITH_EXPORT.replace("EXPORT", "bots/linked")})
    (tmp_path / "acct" / "bots").mkdir()
    (tmp_path / "acct" / "bots" / "linked").symlink_to(tmp_path / "outside")
    result = run(str(tmp_path / "acct" / "account.yaml"), "--now", NOW, "-f", "json")
    assert (result.exit_code, result.stderr) == (
        2, "jwtaudit: error: account.yaml: bot export path 'bots/linked' at /bots/0/export leaves the audited "
           "folder\n")


def test_container_export_staying_inside_after_dot_dot_is_followed(tmp_path: Path) -> None:
    _write(tmp_path, {"acct/account.yaml": ACCOUNT_WITH_EXPORT.replace("EXPORT", "../bots/b3/"),
                      "bots/b3/botDefinition.json": NODE_HTTP})
    code, found, _summary = _audit_json(tmp_path, "--select", "BOT002")
    assert (code, found) == (1, [("BOT002", "bots/b3/botDefinition.json", "/dialogComponents/0/endPoint/url", 8)])


# --- input that is not an export --------------------------------------------------------------


KORE_SETTINGS = json.dumps({"name": "svc", "kore": {"clientId": CLIENT, "clientSecret": FAKE_SECRET}}, indent=2)


def test_folder_without_an_artefact_is_still_read_for_secrets(tmp_path: Path) -> None:
    """The same settings file gets the same findings alone in a folder as beside a container."""
    _write(tmp_path / "solo", {"settings.json": KORE_SETTINGS})
    _write(tmp_path / "mixed", {"settings.json": KORE_SETTINGS, "account.yaml": "format: jwtaudit-account-export/v1\n"})
    for folder, files in (("solo", 1), ("mixed", 2)):
        code, found, summary = _audit_json(tmp_path / folder, "--select", "SEC002")
        assert (code, found, summary["files_scanned"]) == (
            1, [("SEC002", "settings.json", "/kore/clientSecret", 5)], files), folder


def test_folder_with_nothing_of_note_is_scanned_and_counted(tmp_path: Path) -> None:
    _write(tmp_path, {"readme.txt": "hello\n", "package.json": '{"name": "x", "dependencies": {}}'})
    code, found, summary = _audit_json(tmp_path)
    assert (code, found, summary["files_scanned"], summary["errors"]) == (0, [], 2, [])


def test_folder_with_nothing_readable_is_exit_3_naming_the_files(tmp_path: Path) -> None:
    _write(tmp_path, {"icon.png": b"\x89PNG\r\n\x1a\n\0\0"})
    result = run(str(tmp_path), "--now", NOW)
    assert result.exit_code == 3
    assert "skipped icon.png: not a text file or an export artefact" in result.stdout


def test_single_settings_file_is_not_an_export(tmp_path: Path) -> None:
    result = run(str(_write(tmp_path, {"settings.json": KORE_SETTINGS}) / "settings.json"))
    assert (result.exit_code, result.stderr) == (2, "jwtaudit: error: settings.json: not a recognised export: no "
                                                    "account container 'format', Get Bots 'bots[]' with 'jwtApps', "
                                                    "bot definition, data-table 'schemaDef', BotKit 'credentials' or "
                                                    "Xenioo 'Result[]'\n")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("toplist.json", '[{"format": "jwtaudit-account-export/v1"}]',
     "toplist.json: not a recognised export: the top level is a list, where every export artefact is an object"),
    ("jwtapps-str.json", '{"total": 1, "bots": [{"_id": "st-1", "jwtApps": "cs-123"}]}',
     "jwtapps-str.json: expected array or null at /bots/0/jwtApps"),
    ("jti-str.json", '{"bots": [{"_id": "st-1", "jwtApps": [{"clientId": "cs-1", "jtiClaimEnforced": "yes"}]}]}',
     "jti-str.json: expected boolean or null at /bots/0/jwtApps/0/jtiClaimEnforced"),
    ("fake.zip", "not a zip\n", "fake.zip: not a readable zip archive"),
])
def test_malformed_single_file_is_exit_2(tmp_path: Path, name: str, content: str, message: str) -> None:
    result = run(str(_write(tmp_path, {name: content}) / name))
    assert (result.exit_code, result.stderr) == (2, f"jwtaudit: error: {message}\n")


def test_get_bots_response_with_right_types_is_audited(tmp_path: Path) -> None:
    body = '{"total": 1, "bots": [{"_id": "st-1", "jwtApps": [{"clientId": "cs-1", "jtiClaimEnforced": null}]}]}'
    assert run(str(_write(tmp_path, {"r.json": body}) / "r.json")).exit_code == 0


def test_empty_zip_is_exit_3_naming_it(tmp_path: Path) -> None:
    (tmp_path / "empty.zip").write_bytes(_zip([]))
    result = run(str(tmp_path / "empty.zip"))
    assert result.exit_code == 3
    assert "skipped empty.zip: the zip archive holds no files" in result.stdout


# --- YAML variants and error messages ---------------------------------------------------------


def test_unquoted_yaml_timestamps_and_lower_case_algorithm(tmp_path: Path) -> None:
    _write(tmp_path, {"account.yaml": (
        "format: jwtaudit-account-export/v1\nexportedAt: 2026-11-03T13:38:49Z\n"
        f"apps:\n  - {{clientId: {CLIENT}, algorithm: rs256, createdOn: 2024-10-23T06:56:29Z}}\n"
        f"apiScopeMappings: [{{clientId: {CLIENT}, scopes: [BotDefinition]}}]\n")})
    result = run(str(tmp_path / "account.yaml"), "--now", NOW, "-f", "json", "--select", "ACC001,ACC011")
    data = json.loads(result.output)
    assert [(f["rule"], f["location"]["pointer"]) for f in data["findings"]] == [
        ("ACC001", "/apps/0/algorithm"), ("ACC011", "/apps/0/createdOn")]
    assert data["findings"][0]["evidence"]["algorithm"] == "RS256"
    assert "2024-10-23" in data["findings"][1]["message"]


def test_unknown_algorithm_is_still_an_input_error(tmp_path: Path) -> None:
    _write(tmp_path, {"account.yaml": f"format: jwtaudit-account-export/v1\napps: [{{clientId: {CLIENT}, "
                                      "algorithm: hs257}]\n"})
    result = run(str(tmp_path / "account.yaml"))
    assert result.exit_code == 2 and "value must be one of HS256" in result.stderr
    assert "at /apps/0/algorithm" in result.stderr


def test_error_pointer_stays_readable(tmp_path: Path) -> None:
    _write(tmp_path, {"a.yaml": f"format: jwtaudit-account-export/v1\napps:\n  - {{clientId: {CLIENT}, "
                                "clientSecretSha256: xyz}\n"})
    result = run(str(tmp_path / "a.yaml"))
    assert result.stderr == "jwtaudit: error: a.yaml: value has the wrong format at /apps/0/clientSecretSha256\n"
