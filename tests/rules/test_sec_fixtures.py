"""SEC rules on their fixture folders: exactly the expected (path, line) pairs, positives and near
misses side by side (`tests/fixtures/SEC00x/expected.json`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jwtaudit.commands.scan import ScanRequest, run_scan
from jwtaudit.config import Config
from tests.helpers import NOW

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CODES = ("SEC001", "SEC002", "SEC004", "SEC005", "SEC007", "SEC008", "SEC009", "SEC010")


def scan_fixture(code: str, select: tuple[str, ...] | None = None) -> list:
    config = Config.blank().with_overrides(select=select or (code,))
    result, _ = run_scan(ScanRequest(paths=(str(FIXTURES / code),), jobs=1, now=NOW), config)
    return list(result.findings)


@pytest.mark.parametrize("code", CODES)
def test_fixture_findings_are_exact(code: str) -> None:
    expected = json.loads((FIXTURES / code / "expected.json").read_text())["findings"]
    got = sorted((f.location.path, f.location.line) for f in scan_fixture(code))
    assert got == sorted((item["path"], item["line"]) for item in expected)


def test_sec001_severity_and_message_follow_expiry() -> None:
    by_path = {f.location.path: f for f in scan_fixture("SEC001")}
    assert by_path[".env"].severity.label == "low" and "expired on" in by_path[".env"].message
    assert "never expires" in by_path["client.py"].message
    assert "valid until" in by_path["docs/api.md"].message
    assert "JWE" in by_path["config/app.json"].message


def test_sec001_exact_columns_in_every_container() -> None:
    by_path = {f.location.path: f.location for f in scan_fixture("SEC001")}
    assert (by_path["docs/api.md"].column, by_path["client.py"].column) == (13, 37)
    assert by_path["web/query.js"].column == 60
    assert by_path["web/encoded.txt"].column == 18  # the %2E-encoded token starts after "id_token="
    for path, location in by_path.items():
        line = (FIXTURES / "SEC001" / path).read_text().split("\n")[location.line - 1]
        assert line[location.column - 1:].startswith("eyJ"), path
        assert location.end_line == location.line
        end = line[location.end_column - 1:location.end_column]
        assert end in ("", "\"", "'", "&", " ", "\n"), (path, end)
    assert by_path["config/app.json"].pointer == "/service/jwe"
    assert by_path["notebooks/call.ipynb"].pointer == "/cells/0/source/1"


def test_unsigned_token_gets_tok002_not_sec001() -> None:
    findings = scan_fixture("SEC001", select=("SEC001", "TOK002"))
    assert [(f.rule, f.location.path) for f in findings if f.location.path.startswith("near/")] == [
        ("TOK002", "near/unsigned.md")]


def test_sec002_pointer_and_client_id_evidence() -> None:
    by_path = {f.location.path: f for f in scan_fixture("SEC002")}
    assert by_path["botkit/config.json"].location.pointer == "/credentials/apikey"
    assert by_path["docs/apps.md"].evidence["client_id"].startswith("cs-")
    assert "next to a client id" in by_path["docs/apps.md"].message


def test_sec009_names_both_places_and_sec010_lists_the_copy() -> None:
    (sec009,) = scan_fixture("SEC009")
    assert ".env:2" in sec009.message and sec009.related[0].path == ".env"
    by_path = {f.location.path: f for f in scan_fixture("SEC010")}
    assert [r.path for r in by_path["config/dev.json"].related] == ["config/prod.json"]
    assert [(r.path, r.line) for r in by_path["saved/getbots.json"].related] == [("saved/getbots.json", 28)]


def test_a_secret_in_escaped_quotes_is_bound_to_its_name_at_its_exact_place() -> None:
    """A notebook's source line and a package.json script are JSON strings: `\\"` around the value."""
    every = [f for f in scan_fixture("SEC002") if f.location.path.startswith("escaped/")]
    found = {f.location.path: f for f in every if f.location.path != "escaped/settings.ipynb"}
    assert {p: (f.location.column, f.location.end_column) for p, f in found.items()} == {
        "escaped/call.ipynb": (24, 68), "escaped/package.json": (44, 88)}
    assert "under `client_secret`" in found["escaped/call.ipynb"].message
    assert "under `KORE_CLIENT_SECRET`" in found["escaped/package.json"].message
    # a notebook cell kept as one string: `\nclient_secret = …`, the `n` is the escape's, not the name's
    names = sorted(f.message.split("`")[1] for f in every if f.location.path == "escaped/settings.ipynb")
    assert names == ["KORE_CLIENT_SECRET", "clientSecret", "client_secret"]


def test_a_kubernetes_secret_is_judged_decoded_at_its_encoded_values() -> None:
    found = sorted((f.rule, f.location.line, f.location.column, f.location.end_column, f.location.pointer)
                   for f in scan_fixture("SEC002", select=("SEC001", "SEC002", "SEC009", "SEC010"))
                   if f.location.path == "k8s/secret.yaml")
    assert found == [("SEC001", 9, 17, 269, "/data/serviceToken"), ("SEC002", 8, 17, 77, "/data/clientSecret"),
                     ("SEC009", 9, 17, 269, "/data/serviceToken")]


def test_xenioo_keys_passed_as_pairs_are_bot_credentials_and_references_are_none() -> None:
    """`{ "BotAPIKey", "…" }` and `bot["BotAPISecret"] = "…"` bind the key as `X = "…"` does; names
    of the fields and references to a secret store hold no key (SEC004/SEC005/SEC010 stay silent)."""
    found = [(f.rule, f.location.path, f.location.line)
             for f in scan_fixture("SEC004", select=("SEC004", "SEC005", "SEC010"))]
    assert [f for f in found if f[0] == "SEC005"] == [("SEC005", "client/XeniooClient.cs", 6),
                                                      ("SEC005", "client/XeniooClient.cs", 7)]
    assert not [f for f in found if f[1].startswith("near/")]


def test_generic_finding_dropped_where_a_specific_rule_fires() -> None:
    findings = scan_fixture("SEC002", select=("SEC002", "SEC1"))
    specific = {(f.location.path, f.location.line) for f in findings if f.rule == "SEC002"}
    generic = {(f.location.path, f.location.line) for f in findings if f.rule.startswith("SEC1")}
    assert specific and not (specific & generic)


def test_no_secret_in_any_message_or_evidence() -> None:
    for code in CODES:
        for finding in scan_fixture(code):
            text = json.dumps(finding.to_dict())
            assert "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." not in text
            assert "q0Z8m3Vt4Yc1Rk9Wn2Lp6Xs5Hd7Jf0Ga8Bu3Ei1Oy4M=" not in text
            assert "PRIVATE KEY-----\nMI" not in text


def test_sec1xx_every_detect_secrets_plugin_positive_and_near_misses() -> None:
    """One positive line per plugin; near misses (AWS doc key, templates, env lookups, hashes,
    UUIDs, SRI, notebook outputs, a lock file) stay silent."""
    from jwtaudit.sources.secrets import PLUGINS

    expected = json.loads((FIXTURES / "SEC1xx" / "expected.json").read_text())["findings"]
    config = Config.blank().with_overrides(select=("SEC1",))
    result, _ = run_scan(ScanRequest(paths=(str(FIXTURES / "SEC1xx"),), jobs=1, now=NOW), config)
    got = sorted({(f.rule, f.location.path, f.location.line) for f in result.findings})
    assert got == sorted((e["rule"], e["path"], e["line"]) for e in expected)
    assert {rule for rule, _, _ in got} == {spec.code for spec in PLUGINS}


def test_sec009_public_key_verifies_rs256_token(tmp_path: Path) -> None:
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    token = jwt.encode({"sub": "u1", "iat": NOW, "exp": NOW + 600}, key, algorithm="RS256")
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "public.pem").write_text(pem)
    (tmp_path / "call.sh").write_text(f"curl -H 'Authorization: Bearer {token}' https://api.example.org/x\n")
    config = Config.blank().with_overrides(select=("SEC009",))
    result, _ = run_scan(ScanRequest(paths=(str(tmp_path),), jobs=1, now=NOW), config)
    assert [(f.rule, f.location.path, f.location.line, f.severity.label) for f in result.findings] == [
        ("SEC009", "call.sh", 1, "high")]
    assert result.findings[0].related[0].path == "keys/public.pem"
