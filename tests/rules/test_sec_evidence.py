"""What SEC002 and SEC009 name: the client id a secret belongs to; the place (and name, when there
is one) of the secret that verifies a token; a leaked private key rather than its public half."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from jwtaudit.commands.scan import ScanRequest, run_scan
from jwtaudit.config import Config
from tests.helpers import NOW, good_payload, make_token

SECRET_A = base64.b64encode(hashlib.sha256(b"bot a").digest()).decode()
SECRET_B = base64.b64encode(hashlib.sha256(b"bot b").digest()).decode()
CLIENT_A = "cs-11111111-1111-4111-8111-111111111111"
CLIENT_B = "cs-22222222-2222-4222-8222-222222222222"


def scan(root: Path, *codes: str) -> list:
    config = Config.blank().with_overrides(select=codes)
    result, _ = run_scan(ScanRequest(paths=(str(root),), jobs=1, now=NOW), config)
    return list(result.findings)


def test_a_per_bot_botkit_secret_is_paired_with_its_sibling_client_id(tmp_path: Path) -> None:
    config = {"credentials": {"apikey": SECRET_A, "appId": CLIENT_A,
                              "st-e7e3a1b2-0000-4000-8000-000000000001": {"apikey": SECRET_B, "appId": CLIENT_B}}}
    (tmp_path / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    found = [(f.location.pointer, f.evidence["client_id"]) for f in scan(tmp_path, "SEC002")]
    assert found == [("/credentials/apikey", CLIENT_A),
                     ("/credentials/st-e7e3a1b2-0000-4000-8000-000000000001/apikey", CLIENT_B)]


def test_a_container_app_secret_names_its_own_app_not_the_next_one(tmp_path: Path) -> None:
    """The app's clientId is many lines above its clientSecret; the next app's id is closer."""
    (tmp_path / "account.yaml").write_text(
        "format: jwtaudit-account-export/v1\n"
        "apps:\n"
        f"  - clientId: {CLIENT_A}\n"
        "    name: ci-exporter\n    createdIn: admin_console\n    algorithm: HS256\n"
        "    jtiClaimEnforced: false\n    jweEncryptionEnforced: false\n"
        "    createdOn: '2024-10-23T06:56:29Z'\n"
        f"    clientSecret: {SECRET_A}\n"
        f"  - clientId: {CLIENT_B}\n"
        "    name: other\n")
    found = [(f.location.pointer, f.evidence["client_id"]) for f in scan(tmp_path, "SEC002")]
    assert found == [("/apps/0/clientSecret", CLIENT_A)]


def test_digests_public_keys_and_ids_beside_a_client_id_are_not_its_secret(tmp_path: Path) -> None:
    names = ("publicKey", "public_key", "publicKeyPin", "etag", "thumbprint", "x5t#S256", "integrity",
             "nonce", "salt", "iv", "kid", "keyId", "requestId")
    for i, name in enumerate(names):
        (tmp_path / f"{i}.json").write_text(json.dumps({"clientId": CLIENT_A, name: SECRET_A}, indent=2))
    (tmp_path / "release.md").write_text(f"| artifact | client id | sha256 |\n|---|---|---|\n"
                                         f"| bridge-1.2.tgz | {CLIENT_A} | {SECRET_A} |\n")
    (tmp_path / "apps.md").write_text(f"| app | client id | secret |\n|---|---|---|\n"
                                      f"| ops | {CLIENT_B} | {SECRET_B} |\n")
    (tmp_path / "keyed.json").write_text(json.dumps({"clientId": CLIENT_B, "key": SECRET_B}, indent=2))
    found = sorted((f.location.path, f.location.line) for f in scan(tmp_path, "SEC002"))
    assert found == [("apps.md", 3), ("keyed.json", 3)]


def test_sec009_message_has_no_empty_name_for_a_secret_bound_to_none(tmp_path: Path) -> None:
    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(), key=SECRET_A)
    (tmp_path / "README.md").write_text(f"| app | client id | secret |\n| --- | --- | --- |\n"
                                        f"| ops | {CLIENT_A} | {SECRET_A} |\n\n`auth: {token}`\n")
    (sec009,) = scan(tmp_path, "SEC009")
    assert sec009.message.startswith("The secret at README.md:3 verifies this HS256 token")


def test_sec009_names_the_leaked_private_key_before_its_public_half(tmp_path: Path) -> None:
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "a_public.pem").write_text(public)
    (tmp_path / "keys" / "b_private.pem").write_text(private)
    (tmp_path / "token.txt").write_text(jwt.encode({"sub": "u", "iat": NOW}, private, algorithm="ES256") + "\n")
    (sec009,) = scan(tmp_path, "SEC009")
    assert (sec009.location.path, sec009.severity.label) == ("token.txt", "critical")
    assert sec009.message.startswith("The private key at keys/b_private.pem:1 signs this ES256 token")
    (tmp_path / "keys" / "b_private.pem").unlink()
    (sec009,) = scan(tmp_path, "SEC009")
    assert sec009.severity.label == "high" and sec009.message.startswith("The public key at keys/a_public.pem:1")


def _jwks(*keys: dict) -> str:
    return json.dumps({"keys": list(keys)}, indent=2) + "\n"


def test_sec009_proves_a_token_with_a_jwk_private_public_or_oct(tmp_path: Path) -> None:
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "jwks.json").write_text(_jwks(json.loads(RSAAlgorithm.to_jwk(key))))
    (tmp_path / "rs.md").write_text("Authorization: Bearer "
                                    + jwt.encode({"sub": "u", "iat": NOW}, key, algorithm="RS256") + "\n")
    (sec009,) = scan(tmp_path, "SEC009")
    assert (sec009.location.path, sec009.severity.label) == ("rs.md", "critical")
    assert sec009.message.startswith("The private key at jwks.json:3 signs this RS256 token")
    (tmp_path / "jwks.json").write_text(_jwks(json.loads(RSAAlgorithm.to_jwk(key.public_key()))))
    (sec009,) = scan(tmp_path, "SEC009")
    assert sec009.severity.label == "high" and sec009.message.startswith("The public key at jwks.json:3")
    (tmp_path / "jwks.json").write_text(_jwks(json.loads(RSAAlgorithm.to_jwk(other))))
    assert scan(tmp_path, "SEC009") == []  # another key pair's JWK proves nothing


def test_sec009_proves_an_hs_token_with_an_oct_jwk_by_its_bytes_or_its_text(tmp_path: Path) -> None:
    import base64 as b64

    import jwt

    raw = hashlib.sha256(b"oct key").digest()
    k = b64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    (tmp_path / "oct.json").write_text(_jwks({"kty": "oct", "kid": "hmac1", "k": k}))
    (tmp_path / "a.md").write_text("auth: " + jwt.encode({"sub": "a", "iat": NOW}, raw, algorithm="HS256") + "\n")
    (tmp_path / "b.md").write_text("auth: " + jwt.encode({"sub": "b", "iat": NOW}, k, algorithm="HS512") + "\n")
    (tmp_path / "c.md").write_text("auth: " + jwt.encode({"sub": "c", "iat": NOW}, b"x" * 32, algorithm="HS256")
                                   + "\n")
    found = sorted((f.location.path, f.severity.label, f.message.split(":")[0]) for f in scan(tmp_path, "SEC009"))
    assert found == [("a.md", "critical", "The secret key (JWK) at oct.json"),
                     ("b.md", "critical", "The secret key (JWK) at oct.json")]


def test_sec006_leaves_a_local_copy_of_the_sample_token_service_alone(tmp_path: Path) -> None:
    """`/users/sts` on localhost is your own copy of the sample service: nothing goes to a third
    party. The demo gateway is flagged whatever the path."""
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "SEC006" / "near" / "local-dev.json"
    (tmp_path / "local-dev.json").write_text(fixtures.read_text())
    assert scan(tmp_path, "SEC006") == []
    (tmp_path / "local-dev.json").write_text(
        '{"botOptions": {"JWTUrl": "https://mk2r2rmj21.execute-api.us-east-1.amazonaws.com/dev/users/sts"}}\n')
    assert [(f.rule, f.location.pointer) for f in scan(tmp_path, "SEC006")] == [("SEC006", "/botOptions/JWTUrl")]


def test_a_reused_secret_keeps_its_own_finding_beside_sec010(tmp_path: Path) -> None:
    """SEC010 sits at the first copy of a reused secret; it says how values relate, not what this
    one is: the detector's finding there stays (a CI gate on high must still see the token)."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "config.yaml").write_text("github:\n  token: ghp_MbJmTPSIAoCLrZ3aWZkSBvrjn9Wvgfygw2wM\n")
    found = sorted((f.rule, f.location.path, f.location.line) for f in scan(tmp_path, "SEC010", "SEC107"))
    assert found == [("SEC010", "a/config.yaml", 2), ("SEC107", "a/config.yaml", 2), ("SEC107", "b/config.yaml", 2)]


def test_a_token_in_two_urls_is_no_reused_secret_plain_or_percent_encoded(tmp_path: Path) -> None:
    """SEC001 reports every place a token is stored; SEC010 compares secrets, not tokens, however
    the URL writes the token's dots."""
    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(), key=SECRET_A)
    for name, written in (("a.md", token), ("b.md", token.replace(".", "%2E"))):
        for copy in ("one", "two"):
            (tmp_path / f"{copy}-{name}").write_text(f"https://chat.example.com/embed?token={written}\n")
    assert scan(tmp_path, "SEC010") == []
    assert sorted(f.location.path for f in scan(tmp_path, "SEC001")) == ["one-a.md", "one-b.md", "two-a.md",
                                                                          "two-b.md"]


def test_sec009_proves_a_token_with_a_private_key_kept_in_a_kubernetes_tls_secret(tmp_path: Path) -> None:
    import base64 as b64

    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    (tmp_path / "tls.yaml").write_text("apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata:\n"
                                       f"  name: api\ndata:\n  tls.key: {b64.b64encode(pem).decode()}\n")
    (tmp_path / "t.txt").write_text("auth: " + jwt.encode({"sub": "u", "iat": NOW}, key, algorithm="RS256") + "\n")
    (sec009,) = scan(tmp_path, "SEC009")
    assert (sec009.location.path, sec009.severity.label) == ("t.txt", "critical")
    assert sec009.message.startswith("The private key at tls.yaml:7 signs this RS256 token")
    assert [(f.location.line, f.location.pointer) for f in scan(tmp_path, "SEC008")] == [(7, "/data/tls.key")]


def test_a_jwk_kept_as_a_json_string_is_a_key_for_sec008_and_sec009(tmp_path: Path) -> None:
    """`JWT_PRIVATE_JWK={…}` in a .env file and a JWKS in a YAML block scalar are JWKs too."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from jwt.algorithms import ECAlgorithm, RSAAlgorithm

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / ".env").write_text(f"JWT_PRIVATE_JWK={RSAAlgorithm.to_jwk(rsa_key)}\n")
    jwks = json.dumps({"keys": [json.loads(ECAlgorithm.to_jwk(ec_key))]})
    (tmp_path / "values.yaml").write_text(f"auth:\n  jwks.json: |\n    {jwks}\n")
    (tmp_path / "t.txt").write_text(
        "auth: " + jwt.encode({"sub": "a", "iat": NOW}, rsa_key, algorithm="RS256") + "\n"
        "auth: " + jwt.encode({"sub": "b", "iat": NOW}, ec_key, algorithm="ES256") + "\n")
    assert sorted((f.location.path, f.location.line, f.location.pointer) for f in scan(tmp_path, "SEC008")) == [
        (".env", 1, "/JWT_PRIVATE_JWK"), ("values.yaml", 3, "/auth/jwks.json")]
    found = sorted((f.location.line, f.severity.label, f.message.split(" signs")[0]) for f in scan(tmp_path, "SEC009"))
    assert found == [(1, "critical", "The private key at .env:1"), (2, "critical", "The private key at values.yaml:3")]


def test_sec006_a_host_that_only_starts_like_loopback_is_remote(tmp_path: Path) -> None:
    (tmp_path / "kore-config.json").write_text(json.dumps({"botOptions": {
        "JWTUrl": "http://127.attacker-host.example/users/sts", "koreAPIUrl": "https://bots.kore.ai/api/"}}))
    assert [(f.rule, f.location.pointer) for f in scan(tmp_path, "SEC006")] == [("SEC006", "/botOptions/JWTUrl")]
    (tmp_path / "kore-config.json").write_text(json.dumps({"botOptions": {
        "JWTUrl": "http://127.0.0.1:3000/users/sts", "koreAPIUrl": "https://bots.kore.ai/api/"}}))
    assert scan(tmp_path, "SEC006") == []


def test_markdown_tables_in_every_shape_name_what_a_value_beside_a_client_id_is(tmp_path: Path) -> None:
    """Column headers and key/value labels say a value is a key id, a public key or a salt; a
    table without outer pipes or with a one-dash rule is still a table; the secret's column stays."""
    (tmp_path / "apps.md").write_text("\n".join([
        "|Client ID|Key ID|", "|-|-|", f"|{CLIENT_A}|{SECRET_A}|", "",                      # 1-4
        "Client ID | SHA-256 thumbprint", "--- | ---", f"{CLIENT_A} | {SECRET_A}", "",       # 5-8
        "| Field | Value |", "| --- | --- |", f"| Client ID | {CLIENT_B} |",                  # 9-11
        f"| Public key | {SECRET_A} |", f"| Client Secret | {SECRET_B} |", "",               # 12-14
        "| Client ID | Secret salt | Client Secret |", "| --- | --- | --- |",                # 15-16
        f"| {CLIENT_B} | {SECRET_A} | {SECRET_B} |", ""]))                                  # 17
    (tmp_path / "app.json").write_text(json.dumps(
        {"clientId": CLIENT_A, "initVector": SECRET_A, "ETag": SECRET_A, "SRI": SECRET_A,
         "KORE_SECRET_SALT": SECRET_A}, indent=2))
    found = sorted((f.location.path, f.location.line, f.location.column) for f in scan(tmp_path, "SEC002"))
    column = f"| {CLIENT_B} | {SECRET_A} | ".__len__() + 1
    assert found == [("apps.md", 13, len("| Client Secret | ") + 1), ("apps.md", 17, column)]
