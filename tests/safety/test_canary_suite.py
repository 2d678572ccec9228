"""Canary suite: one generated repository, account export and token set full of planted secrets;
every command in every format (text, json, sarif, html, markdown), baseline files and error
messages; no planted secret, signature or whole token may appear in anything jwtaudit writes.

The planted values are random (seeded), so a leak cannot hide behind a redaction of a known
sample. Each test also checks that the planted secrets were *found* (by rule code), so a
command that silently reads nothing cannot pass. jwtaudit has no --verbose flag, so there is no
log stream to check beyond stderr.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from jwtaudit.cli import cli
from tests.git_helpers import Repo
from tests.helpers import NOW

FORMATS = ("json", "sarif", "html", "markdown")  # to files; text goes to stdout in the same run
EXTENSION = {"json": "json", "sarif": "sarif", "html": "html", "markdown": "md"}


# --- planted values -----------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(kw_only=True)
class Canaries:
    """Every planted value by name; `forbidden()` is what must never be written."""

    rng: random.Random
    secrets: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def plant(self, name: str, value: str) -> str:
        self.secrets[name] = value
        return value

    def kore_secret(self, name: str) -> str:
        return self.plant(name, base64.b64encode(self.rng.randbytes(32)).decode())

    def alnum(self, name: str, length: int, prefix: str = "", alphabet: str = "") -> str:
        chars = alphabet or "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return self.plant(name, prefix + "".join(self.rng.choice(chars) for _ in range(length)))

    def client_id(self) -> str:
        return "cs-" + str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token(self, name: str, payload: dict[str, object], secret: str, alg: str = "HS256") -> str:
        header = _b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        body = _b64url(json.dumps(payload, separators=(",", ":")).encode())
        digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
        sig = _b64url(hmac.new(secret.encode(), f"{header}.{body}".encode(), digest).digest())
        raw = f"{header}.{body}.{sig}"
        self.tokens[name] = raw
        return raw

    def forbidden(self) -> dict[str, str]:
        """Whole values, and 16-character heads and tails of long ones (a truncated leak is a leak)."""
        out: dict[str, str] = {}
        for name, value in self.secrets.items():
            out[name] = value
            if len(value) >= 28:
                out[f"{name}[:16]"] = value[:16]
                out[f"{name}[-16:]"] = value[-16:]
        for name, raw in self.tokens.items():
            out[f"token:{name}"] = raw
            sig = raw.rsplit(".", 1)[1]
            out[f"signature:{name}"] = sig
            out[f"signature:{name}[:16]"] = sig[:16]
        return out


def _rsa_private_pem() -> tuple[str, dict[str, str]]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    numbers = key.private_numbers()

    def n2b(n: int) -> str:
        return _b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))

    pub = numbers.public_numbers
    jwk = {"kty": "RSA", "kid": "canary-key", "n": n2b(pub.n), "e": n2b(pub.e), "d": n2b(numbers.d),
           "p": n2b(numbers.p), "q": n2b(numbers.q), "dp": n2b(numbers.dmp1), "dq": n2b(numbers.dmq1),
           "qi": n2b(numbers.iqmp)}
    return pem, jwk


# --- the generated world ------------------------------------------------------------------------


@dataclass(kw_only=True)
class World:
    root: Path
    repo: Repo
    export: Path
    canaries: Canaries
    base: str  # the first commit, for --diff
    token_args: list[str]


def _payload(client_id: str, **extra: object) -> dict[str, object]:
    return {"sub": "canary-user", "appId": client_id, "iat": NOW - 60, "exp": NOW + 1800, **extra}


def build_world(root: Path) -> World:
    c = Canaries(rng=random.Random(20261122))
    cid_api, cid_sdk, cid_bk = c.client_id(), c.client_id(), c.client_id()
    s_env = c.kore_secret("kore_secret_env")
    s_botkit = c.kore_secret("kore_secret_botkit")
    s_web = c.kore_secret("kore_secret_web_sdk")
    s_code = c.alnum("hardcoded_signing_key", 40)
    db_password = c.alnum("env_db_password", 24, prefix="Pw9!")
    x_account = c.alnum("xenioo_account_api_key", 32, alphabet="0123456789abcdef")
    x_bot_key = c.alnum("xenioo_bot_api_key", 32, alphabet="0123456789abcdef")
    x_bot_secret = c.alnum("xenioo_bot_api_secret", 40)
    url_key = c.alnum("url_query_api_key", 32)
    url_pass = c.alnum("url_userinfo_password", 20)
    aws_id = c.alnum("aws_access_key_id", 16, prefix="AKIA", alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    aws_secret = c.alnum("aws_secret_access_key", 40)
    github = c.alnum("github_token", 36, prefix="ghp_")
    claim_secret = c.alnum("token_claim_password", 30)
    history_secret = c.kore_secret("kore_secret_history_only")
    staged_secret = c.kore_secret("kore_secret_staged")
    diff_secret = c.kore_secret("kore_secret_added_after_base")
    pem, jwk = _rsa_private_pem()
    c.plant("pem_private_key_body", "".join(pem.splitlines()[1:-1])[:64])
    for member in ("d", "p", "q", "dp", "dq", "qi"):
        c.plant(f"jwk_private_{member}", jwk[member])

    t_env = c.token("signed_with_env_secret", _payload(cid_api, jti=str(uuid.UUID(int=c.rng.getrandbits(128)))),
                    s_env)
    t_claims = c.token("carries_claim_secret", _payload(cid_api, password=claim_secret), s_botkit)
    t_weak = c.token("weak_secret", _payload(cid_api), "secret")
    t_sdk = c.token("sdk_token", {"iss": cid_sdk, "sub": "u", "isAnonymous": False, "iat": NOW - 10,
                                  "exp": NOW + 600, "aud": "https://idproxy.kore.com/authorize"}, s_web, "HS512")

    repo = Repo(root / "repo")
    repo.write(".env", f"KORE_CLIENT_ID={cid_api}\nKORE_CLIENT_SECRET={s_env}\nDB_PASSWORD={db_password}\n")
    repo.write("botkit/config.json", json.dumps({
        "app": {"url": "https://bots.example.com"},
        "credentials": {"appId": cid_bk, "apikey": s_botkit},
        "jwt": {"jwtAlgorithm": "HS256"},
    }, indent=2))
    repo.write("web/kore-config.js", (
        "var botOptions = {};\n"
        f"botOptions.clientId = '{cid_sdk}';\n"
        f"botOptions.clientSecret = '{s_web}';\n"
        "botOptions.JWTUrl = 'https://mk2r2rmj21.execute-api.us-east-1.amazonaws.com/dev/users/sts';\n"
    ))
    repo.write("src/mint.py", (
        "import jwt\n\n\ndef mint(user):\n"
        f"    return jwt.encode({{'sub': user, 'appId': '{cid_api}'}}, '{s_code}', algorithm='HS256')\n"
    ))
    repo.write("tokens.txt", f"Authorization: Bearer {t_env}\nlegacy={t_claims}\nweak: {t_weak}\nsdk {t_sdk}\n")
    repo.write("xenioo.json", json.dumps({
        "serviceEndpoint": "https://eu-node1.xenioo.com",
        "AccountAPIKey": x_account, "BotAPIKey": x_bot_key, "BotAPISecret": x_bot_secret,
    }, indent=2))
    repo.write("keys/private.pem", pem)
    repo.write("keys/jwks.json", json.dumps({"keys": [jwk]}, indent=2))
    repo.write("docs/urls.md", (
        f"Call https://api.example.com/v1/orders?api_key={url_key} for orders.\n"
        f"Mirror: https://deploy:{url_pass}@git.example.com/acme/bot.git\n"
    ))
    repo.write("deploy/aws.ini", f"[default]\naws_access_key_id = {aws_id}\naws_secret_access_key = {aws_secret}\n")
    repo.write("ci/github.yml", f"env:\n  GITHUB_TOKEN: {github}\n")
    repo.write("old/legacy.env", f"KORE_CLIENT_ID={cid_api}\nKORE_CLIENT_SECRET={history_secret}\n")
    base = repo.commit("planted secrets")
    (repo.path / "old" / "legacy.env").unlink()
    repo.write("new/added.env", f"KORE_CLIENT_ID={cid_sdk}\nKORE_CLIENT_SECRET={diff_secret}\n")
    repo.commit("remove the legacy secret (history keeps it), add another")
    repo.write("staged.env", f"KORE_CLIENT_ID={cid_bk}\nKORE_CLIENT_SECRET={staged_secret}\n")
    repo.git("add", "staged.env")

    export = build_export(root / "export", c, cid_api, cid_sdk, s_env, t_env)
    token_args = [t_env, t_claims, t_weak, t_sdk]
    return World(root=root, repo=repo, export=export, canaries=c, base=base, token_args=token_args)


def build_export(folder: Path, c: Canaries, cid_api: str, cid_sdk: str, s_env: str, t_env: str) -> Path:
    account_id = "".join(c.rng.choice("0123456789abcdef") for _ in range(24))
    bot_id = "st-" + str(uuid.UUID(int=c.rng.getrandbits(128), version=4))
    s_container = c.kore_secret("export_container_client_secret")
    s_getbots = c.kore_secret("export_get_bots_client_secret")
    env_secret = c.alnum("bot_env_variable_secret", 32)
    header_key = c.alnum("service_node_apikey", 32)
    oauth_secret = c.alnum("auth_profile_client_secret", 40)
    query_secret = c.alnum("auth_profile_query_secret", 32)
    x_key, x_secret = c.alnum("xenioo_list_api_key", 32), c.alnum("xenioo_list_api_secret", 40)
    bearer = c.token("service_node_bearer", _payload(cid_api), s_env)
    folder.mkdir(parents=True)
    app = {"clientId": cid_api, "name": "canary-api", "createdIn": "admin_console", "accountId": account_id,
           "algorithm": "HS256", "clientSecret": s_container, "jtiClaimEnforced": False,
           "jweEncryptionEnforced": False, "createdOn": "2024-01-01T00:00:00Z"}
    container = {
        "format": "jwtaudit-account-export/v1", "exportedAt": "2026-11-03T13:38:49Z",
        "host": "https://platform.kore.ai",
        "account": {"accountId": account_id, "name": "Canary Corp"},
        "apps": [app],
        "apiScopeMappings": [{"clientId": cid_api, "level": "admin", "accountId": account_id, "botId": None,
                              "scopes": ["BotDefinition"], "saved": True, "published": True}],
        "bots": [{"_id": bot_id, "accountId": account_id, "name": "Canary", "status": "published",
                  "jwtApps": [{"clientId": cid_sdk, "jtiClaimEnforced": False, "jweEncryptionEnforced": False}],
                  "export": "bot/"}],
        "xenioo": {"serviceEndpoint": "https://eu-node1.xenioo.com",
                   "bots": [{"name": "Web", "channels": ["Web"], "APIKey": x_key}]},
    }
    (folder / "account.json").write_text(json.dumps(container, indent=2))
    (folder / "get-bots-response.json").write_text(json.dumps({"total": 1, "bots": [{
        "_id": bot_id, "accountId": account_id, "name": "Canary", "status": "published",
        "jwtApps": [{"clientId": cid_sdk, "clientSecret": s_getbots, "jtiClaimEnforced": False,
                     "jweEncryptionEnforced": False, "createdOn": "2026-01-01T00:00:00.000Z"}]}]}, indent=2))
    (folder / "xenioo-bots.json").write_text(json.dumps(
        {"Result": [{"Name": "Web", "APIKey": x_key, "APISecret": x_secret, "Channels": ["Web"]}]}, indent=2))
    bot = folder / "bot"
    bot.mkdir()
    headers = json.dumps({"Authorization": f"Bearer {bearer}", "apikey": header_key})
    (bot / "botDefinition.json").write_text(json.dumps({
        "_id": bot_id, "name": "Canary",
        "dialogComponents": [{
            "_id": "dc-1", "type": "service", "name": "Orders", "serviceType": "restAPI",
            "endPoint": {"url": "https://erp.example.com/orders", "method": "get", "protocol": "https"},
            "headers": {"value": headers}, "authRequired": True, "idp": "ap-1"}],
        "idpConfigurations": [{
            "_id": "ap-1", "name": "ERP", "sso_type": "oauth2",
            "oauth": {"idpName": "ERP", "clientId": "erp-client", "clientSecret": oauth_secret,
                      "authorizationUrl": "https://erp.example.com/oauth/authorize",
                      "tokenUrl": "https://erp.example.com/oauth/token",
                      "callbackUrl": "https://idp.kore.ai/workflows/callback/"},
            "fields": [{"type": "query", "key": "api_key", "value": query_secret}],
            "state": "published"}],
    }, indent=2))
    (bot / "config.json").write_text(json.dumps({"envVariables": [
        {"key": "ERP_SECRET", "value": env_secret, "isSecured": False},
        {"key": "ERP_TOKEN", "value": t_env, "isSecured": False},
    ]}, indent=2))
    return folder


# --- running every command ----------------------------------------------------------------------


@dataclass(kw_only=True)
class Run:
    label: str
    exit_code: int
    texts: dict[str, str]  # where -> text (stdout, stderr, each file written)


def invoke(world: World, label: str, args: list[str], env: dict[str, str] | None = None,
           files: tuple[Path, ...] = ()) -> Run:
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    texts = {"stdout": result.stdout, "stderr": result.stderr}
    for path in files:
        texts[path.name] = path.read_text(encoding="utf-8") if path.exists() else ""
    return Run(label=label, exit_code=result.exit_code, texts=texts)


def every_format(world: World, label: str, args: list[str], env: dict[str, str] | None = None) -> Run:
    """One run rendering all five formats: four to files, text to stdout."""
    out = world.root / "reports" / label
    out.mkdir(parents=True, exist_ok=True)
    files = tuple(out / f"report.{EXTENSION[f]}" for f in FORMATS)
    opts = [x for f in FORMATS for x in ("--format", f)] + ["--format", "text"]
    opts += [x for path in files for x in ("-o", str(path))]
    return invoke(world, label, [*args, *opts], env=env, files=files)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("canary"))


@pytest.fixture(scope="module")
def runs(world: World) -> dict[str, Run]:
    from tests.conftest import _guarded_connect, _guarded_connect_ex

    repo = str(world.repo.path)
    now = ["--now", str(NOW)]
    out: dict[str, Run] = {}
    with pytest.MonkeyPatch.context() as mp:  # module fixtures run before the autouse guard
        import socket

        mp.setattr(socket.socket, "connect", _guarded_connect)
        mp.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
        mp.chdir(world.repo.path)
        secret_env = {"CANARY_SECRET": world.canaries.secrets["kore_secret_env"]}
        out["token"] = every_format(world, "token", ["token", *now, "--secret-env", "CANARY_SECRET",
                                                     *world.token_args], env=secret_env)
        out["token-export"] = every_format(world, "token-export", ["token", *now, "--export", str(world.export),
                                                                   *world.token_args])
        out["token-secret-arg"] = every_format(world, "token-secret-arg", [
            "token", *now, "--secret", world.canaries.secrets["kore_secret_env"], *world.token_args])
        out["scan"] = every_format(world, "scan", ["scan", repo, "-j", "1", *now])
        out["scan-staged"] = every_format(world, "scan-staged", ["scan", "--staged", *now])
        out["scan-history"] = every_format(world, "scan-history", ["scan", "--history", repo, *now])
        out["scan-diff"] = every_format(world, "scan-diff", ["scan", "--diff", world.base, repo, *now])
        out["audit"] = every_format(world, "audit", ["audit", str(world.export), *now])
        baseline = world.root / "jwtaudit-baseline.json"
        out["baseline-create"] = invoke(world, "baseline-create", ["baseline", "create", repo, "-o", str(baseline)],
                                        files=(baseline,))
        out["scan-baseline"] = every_format(world, "scan-baseline", [
            "scan", repo, "-j", "1", *now, "--baseline", str(baseline), "--sarif-include-suppressed"])
        out["baseline-update"] = invoke(world, "baseline-update", ["baseline", "update", repo, "-o", str(baseline)],
                                        files=(baseline,))
        ds_baseline = world.root / ".secrets.baseline"
        ds_baseline.write_text(json.dumps(detect_secrets_baseline(world)))
        imported = world.root / "imported-baseline.json"
        out["baseline-import"] = invoke(world, "baseline-import", [
            "baseline", "import", str(ds_baseline), repo, "-o", str(imported)], files=(imported,))
        out.update(error_runs(world))
    return out


def detect_secrets_baseline(world: World) -> dict[str, object]:
    """A detect-secrets baseline listing two planted secrets by sha1 (as detect-secrets writes it)."""
    def entry(name: str, line: int) -> dict[str, object]:
        value = world.canaries.secrets[name]
        return {"type": "Secret Keyword", "filename": ".env", "hashed_secret": hashlib.sha1(value.encode()).hexdigest(),
                "is_verified": False, "line_number": line}

    return {"version": "1.5.0", "plugins_used": [], "filters_used": [],
            "results": {".env": [entry("kore_secret_env", 2), entry("env_db_password", 3)]},
            "generated_at": "2026-11-22T00:00:00Z"}


def error_runs(world: World) -> dict[str, Run]:
    """Inputs that fail, each carrying a planted secret near the failure."""
    c, bad = world.canaries, world.root / "bad"
    bad.mkdir()
    secret = c.secrets["kore_secret_env"]
    token = world.token_args[0]
    (bad / "broken.json").write_text('{"format": "jwtaudit-account-export/v1", "apps": [{"clientSecret": "'
                                     + secret + '", }]}')
    (bad / "broken.yaml").write_text(f"format: jwtaudit-account-export/v1\napps:\n  - clientSecret: {secret}\n"
                                     f"    name: [unclosed {secret}\n")
    (bad / "wrong-version.json").write_text(json.dumps({"format": "jwtaudit-account-export/v9",
                                                        "apps": [{"clientSecret": secret}]}))
    (bad / "bad-baseline.json").write_text(json.dumps({"version": 1, "findings": [{"secret": secret}]}))
    (bad / "config.toml").write_text(f'[tool.jwtaudit]\nfail_on = "{secret}"\nselect = ["{secret}"]\n')
    (bad / "secret.txt").write_text("")
    env = {"CANARY_SECRET": secret}
    two_parts = token.rsplit(".", 1)[0]
    return {
        "error-token-two-parts": invoke(world, "error-token-two-parts", ["token", two_parts]),
        "token-garbage-after-token": invoke(world, "error-token-garbage-signature",
                                                ["token", token + "!!" + secret]),
        "error-token-bad-export": invoke(world, "error-token-bad-export",
                                         ["token", "--export", str(bad / "broken.json"), token]),
        "token-empty-secret-file": invoke(world, "error-token-empty-secret-file",
                                                ["token", "--secret-file", str(bad / "secret.txt"), token]),
        "error-audit-json": invoke(world, "error-audit-json", ["audit", str(bad / "broken.json")]),
        "error-audit-yaml": invoke(world, "error-audit-yaml", ["audit", str(bad / "broken.yaml")]),
        "error-audit-version": invoke(world, "error-audit-version", ["audit", str(bad / "wrong-version.json")]),
        "error-scan-baseline": invoke(world, "error-scan-baseline", [
            "scan", str(world.repo.path), "--baseline", str(bad / "bad-baseline.json")]),
        "error-config": invoke(world, "error-config", ["scan", str(world.repo.path), "--config",
                                                       str(bad / "config.toml")], env=env),
        "error-select": invoke(world, "error-select", ["scan", str(world.repo.path), "--select", secret]),
        "error-output-dir": invoke(world, "error-output-dir", ["token", token, "-o", str(bad / "no" / secret)]),
        "error-missing-path": invoke(world, "error-missing-path", ["scan", str(bad / secret)]),
    }


# --- the assertions -----------------------------------------------------------------------------


def leaks(run: Run, canaries: Canaries) -> list[str]:
    found = []
    for where, text in run.texts.items():
        for name, value in canaries.forbidden().items():
            if value in text:
                found.append(f"{run.label}/{where}: {name}")
    return found


def codes(run: Run) -> set[str]:
    return {f["rule"] for f in json.loads(run.texts["report.json"])["findings"]}


REPORT_RUNS = ("token", "token-export", "token-secret-arg", "scan", "scan-staged", "scan-history", "scan-diff",
               "audit", "scan-baseline")
OTHER_RUNS = ("baseline-create", "baseline-update", "baseline-import", "token-garbage-after-token",
              "token-empty-secret-file")
ERROR_RUNS = ("error-token-two-parts", "error-token-bad-export", "error-audit-json", "error-audit-yaml", "error-audit-version",
              "error-scan-baseline", "error-config", "error-select", "error-output-dir", "error-missing-path")


@pytest.mark.parametrize("label", REPORT_RUNS + OTHER_RUNS + ERROR_RUNS)
def test_no_planted_secret_signature_or_token_in_any_output(runs: dict[str, Run], world: World,
                                                           label: str) -> None:
    run = runs[label]
    assert leaks(run, world.canaries) == []


@pytest.mark.parametrize("label", REPORT_RUNS)
def test_every_format_was_written(runs: dict[str, Run], label: str) -> None:
    run = runs[label]
    assert run.exit_code == (0 if label == "scan-baseline" else 1), (label, run.texts["stderr"])
    assert json.loads(run.texts["report.json"])["tool"] == "jwtaudit"
    assert json.loads(run.texts["report.sarif"])["version"] == "2.1.0"
    assert "<html" in run.texts["report.html"].lower()
    assert run.texts["report.md"].strip() and run.texts["stdout"].strip()


@pytest.mark.parametrize("label", ERROR_RUNS)
def test_errors_are_one_line_exit_2(runs: dict[str, Run], label: str) -> None:
    run = runs[label]
    assert run.exit_code == 2, (label, run.texts)
    assert run.texts["stderr"].startswith("jwtaudit: error: ")
    assert "Traceback" not in run.texts["stderr"] + run.texts["stdout"]


def test_the_planted_secrets_were_found_by_scan(runs: dict[str, Run]) -> None:
    """The suite is only meaningful if the secrets were seen (and so had to be redacted)."""
    found = codes(runs["scan"])
    for code in ("SEC001", "SEC002", "SEC003", "SEC004", "SEC005", "SEC006", "SEC007", "SEC008", "SEC009",
                 "SRC003", "TOK015", "TOK022"):
        assert code in found, code
    assert any(c.startswith("SEC1") for c in found)  # AWS / GitHub via the detect-secrets plugins


def test_the_planted_secrets_were_found_by_git_modes(runs: dict[str, Run]) -> None:
    assert "SEC002" in codes(runs["scan-staged"])
    diff = json.loads(runs["scan-diff"].texts["report.json"])["findings"]
    assert {(f["rule"], f["location"]["path"]) for f in diff if f["rule"] == "SEC002"} == {("SEC002", "new/added.env")}
    history = json.loads(runs["scan-history"].texts["report.json"])["findings"]
    assert any(f["rule"] == "SEC002" and f["location"]["path"] == "old/legacy.env" for f in history)


def test_the_planted_secrets_were_found_by_audit_and_token(runs: dict[str, Run]) -> None:
    found = codes(runs["audit"])
    for code in ("ACC009", "BOT001", "BOT003", "BOT007", "BOT008", "BOT012", "SEC005"):
        assert code in found, code
    assert {"TOK015", "TOK016", "TOK022"} <= codes(runs["token"])


def test_baseline_files_hold_no_values(runs: dict[str, Run], world: World) -> None:
    created = json.loads(runs["baseline-create"].texts["jwtaudit-baseline.json"])
    assert created and "SEC002" in json.dumps(created)
    assert json.loads(runs["baseline-import"].texts["imported-baseline.json"])


def test_scanning_a_pasted_token_does_not_echo_it(runs: dict[str, Run], world: World) -> None:
    """`jwtaudit scan eyJ…` (token pasted where a path goes): the error names no token."""
    run = invoke(world, "scan-token-as-path", ["scan", world.token_args[0]])
    assert run.exit_code == 2 and run.texts["stderr"].endswith(": file name too long\n")
    assert leaks(run, world.canaries) == []


def test_secret_in_a_config_value_is_not_echoed(runs: dict[str, Run], world: World) -> None:
    run = runs["error-config"]
    assert "unknown severity" in run.texts["stderr"] and "<redacted:" in run.texts["stderr"]
