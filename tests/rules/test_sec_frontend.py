"""SEC003 client-secret-in-frontend and SEC006 demo-token-service."""

from __future__ import annotations

import pytest

from tests.rules.code_fixtures import FIXTURES, code_files, expected_lines, findings, lines, pointers

CODE_CASES = [(rule, path) for rule in ("SEC003", "SEC006") for path in code_files(rule)]
SECRET = "Qm9ndXNTZWNyZXRGb3JUZXN0c09ubHkxMjM0NTY3OA=="


@pytest.mark.parametrize(("rule", "path"), CODE_CASES, ids=[f"{r}-{p.parent.name}-{p.name}" for r, p in CODE_CASES])
def test_code_fixtures_match_markers(rule, path) -> None:
    assert lines(path, rule) == expected_lines(path, rule)


@pytest.mark.parametrize(("fixture", "expected"), [
    ("SEC003/web/.env.production", {"/REACT_APP_KORE_CLIENT_SECRET"}),
    ("SEC003/web/public/bot-config.json", {"/botOptions/clientSecret"}),
    ("SEC003/near/botkit/config.json", set()),
    ("SEC003/mobile/bot-config.json", {"/botConfig/clientSecret"}),
    ("SEC003/mobile/android/app/src/main/res/values/strings.xml", {"/kore_client_secret"}),
    ("SEC003/mobile/ios/Assist/Info.plist", {"/KoreClientSecret"}),
    ("SEC003/mobile/expo/.env.production", {"/VITE_KORE_SECRET"}),
    # server settings that name the bot are not an SDK config; names about the secret hold no secret
    ("SEC003/near/helm/values.yaml", set()),
    ("SEC003/near/src/Api/appsettings.json", set()),
])
def test_sec003_structured(fixture, expected) -> None:
    assert pointers(FIXTURES / fixture, "SEC003") == expected


def test_sec003_web_sdk_config_points_at_the_value_and_names_the_fix() -> None:
    [hit] = findings(FIXTURES / "SEC003/UI/kore-config.js", "SEC003")
    assert hit.location.pointer is None  # code is placed by line and column
    assert (hit.location.line, hit.location.column, hit.location.end_column) == (9, 30, 74)
    assert "move the secret to the server" in hit.message
    assert SECRET not in repr(hit.to_dict())


def test_sec003_expo_app_config_extra_ships_with_the_app() -> None:
    [hit] = findings(FIXTURES / "SEC003/mobile/expo/app.config.js", "SEC003")
    assert hit.location.line == 6 and "Expo app config" in hit.message


def test_sec003_minified_bundle_is_scanned_as_text() -> None:
    [hit] = findings(FIXTURES / "SEC003/dist/bundle.min.js", "SEC003")
    assert hit.location.line == 1 and hit.location.column > 10000


@pytest.mark.parametrize(("fixture", "expected"), [
    ("SEC006/sdk-config.json", {"/botOptions/JWTUrl"}),
])
def test_sec006_structured(fixture, expected) -> None:
    assert pointers(FIXTURES / fixture, "SEC006") == expected


def test_sec006_message_says_the_secret_goes_to_a_third_party() -> None:
    [hit] = findings(FIXTURES / "SEC006/UI/kore-config.js", "SEC006")
    assert "third party" in hit.message
    assert hit.evidence["host"] == "mk2r2rmj21.execute-api.us-east-1.amazonaws.com"
