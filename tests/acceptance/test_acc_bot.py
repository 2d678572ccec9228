"""Acceptance: ACC and BOT rules (and the TOK context an audit gives) through the CLI, from the spec.

Every case builds real-shaped platform artefacts in `tmp_path` — an account export container, a
Get Bots API response, a bot export folder (`botDefinition.json` + `config.json`), BotKit
config — runs `jwtaudit audit` / `jwtaudit token` with `--format json`, and asserts the exact
set of (path, JSON pointer) at which the rule under test fires: positives and near misses.
Expectations come from `rules.md` / `export-format.md` / the platform facts in `design.md`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jwtaudit.cli import cli
from tests.helpers import CLIENT_ID, NOW, OTHER_SECRET, STRONG_SECRET, make_token

ACCT = "6661e128d3203924648c10bf"
ACCT2 = "5f1a2b3c4d5e6f7a8b9c0d1e"
C1 = CLIENT_ID
C2 = "cs-8d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f"
C3 = "cs-0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"
B1 = "st-1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
B2 = "st-9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
AP1 = "ap-2b3c4d5e-6f70-4a1b-8c2d-3e4f5a6b7c8d"
AP_MISSING = "ap-7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2f1e"
RECENT = "2026-09-01T10:00:00Z"
# Random-looking fake credentials (not real keys), shaped like what people paste.
API_KEY = "Zk3Pq9Lm2Xv7Tb4Nw8Rc1Hd6Js0Gy5Fa"
PROVIDER_SECRET = "kR8vT2mQ9xL4wZ7pN1cB6hJ3sD0fG5yU"
PASSWORD = "Winter2026!Prod"
BASIC = "Basic " + base64.b64encode(b"svc-orders:" + PASSWORD.encode()).decode()
CALLBACK = "https://idp.kore.ai/workflows/callback/"


# --- builders --------------------------------------------------------------------------------


def app(client_id: str = C1, name: str = "ci-exporter", *, created: str = "admin_console",
        alg: str = "HS256", jti: bool = True, jwe: bool = False, created_on: str = RECENT,
        account: str = ACCT, **extra: Any) -> dict[str, Any]:
    return {"clientId": client_id, "name": name, "createdIn": created, "accountId": account,
            "algorithm": alg, "jtiClaimEnforced": jti, "jweEncryptionEnforced": jwe,
            "createdOn": created_on, **extra}


def mapping(client_id: str = C1, *, level: str = "admin", scopes: tuple[str, ...] = ("BotDefinition",),
            bot: str | None = None, account: str = ACCT, saved: bool = True, published: bool = True,
            **extra: Any) -> dict[str, Any]:
    return {"clientId": client_id, "level": level, "accountId": account, "botId": bot,
            "scopes": list(scopes), "saved": saved, "published": published, **extra}


def bot(bot_id: str = B1, name: str = "Support", *, status: str = "published", account: str = ACCT,
        jwt_apps: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"_id": bot_id, "accountId": account, "name": name, "status": status,
            "jwtApps": jwt_apps or [], **extra}


def container(apps: list[dict[str, Any]] = (), mappings: list[dict[str, Any]] = (),  # type: ignore[assignment]
              bots: list[dict[str, Any]] = (), tables: dict[str, Any] | None = None,  # type: ignore[assignment]
              account: str = ACCT, name: str = "Acme Support") -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "jwtaudit-account-export/v1",
        "exportedAt": "2026-11-20T13:38:49Z",
        "host": "https://platform.kore.ai",
        "account": {"accountId": account, "orgId": "o-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "name": name},
        "apps": list(apps),
        "apiScopeMappings": list(mappings),
        "bots": list(bots),
    }
    if tables is not None:
        data["dataTables"] = tables
    return data


def get_bots(*bots: dict[str, Any]) -> dict[str, Any]:
    """A saved Kore Get Bots API response."""
    return {"total": len(bots), "moreAvailable": False, "bots": list(bots)}


def jwt_app(client_id: str = C1, *, secret: str | None = None, jti: bool = False, jwe: bool = False,
            created_on: str = "2026-08-14T09:12:55.913Z") -> dict[str, Any]:
    data: dict[str, Any] = {"clientId": client_id, "jtiClaimEnforced": jti, "jweEncryptionEnforced": jwe,
                            "createdOn": created_on}
    if secret is not None:
        data["clientSecret"] = secret
    return data


def service(name: str = "GetOrders", *, host: str = "orders.example.com", path: str = "/api/v1/orders",
            protocol: str = "https", headers: dict[str, str] | None = None, payload: Any = "undefined",
            idp: Any = "none", auth_required: bool = False, **endpoint_extra: Any) -> dict[str, Any]:
    """A service node component as real exports have it: host/path/protocol, headers as a JSON string."""
    return {"_id": "dc-0eb2824d-9b31-5b7e-a461-d73d9806a2d1", "name": name, "type": "service",
            "endPoint": {"host": host, "port": "", "path": path, "protocol": protocol, "method": "get",
                         "connectorEnabled": False, **endpoint_extra},
            "authRequired": auth_required, "idp": idp, "serviceAPITimeout": 20,
            "payload": {"type": "raw", "value": payload if isinstance(payload, str) else json.dumps(payload)},
            "headers": {"type": "raw",
                        "value": json.dumps(headers or {"Content-Type": "application/json"})}}


def profile(name: str = "ServiceNow OAuth", *, sso: str = "oauth2", fields: list[dict[str, Any]] | None = None,
            **oauth: Any) -> dict[str, Any]:
    block = {"idpName": "ServiceNow", "clientId": "kore-sn-integration",
             "clientSecret": "{{env.SN_CLIENT_SECRET}}",
             "authorizationUrl": "https://acme.service-now.com/oauth_auth.do",
             "tokenUrl": "https://acme.service-now.com/oauth_token.do",
             "refreshTokenUrl": "https://acme.service-now.com/oauth_token.do",
             "callbackUrl": CALLBACK, "scope": [{"key": "scope", "value": "useraccount"}]}
    for key, value in oauth.items():
        if value is ...:
            block.pop(key, None)
        else:
            block[key] = value
    return {"_id": AP1, "name": name, "sso_type": sso, "connectorEnabled": False, "hasTenancy": True,
            "oauth": block, "fields": fields or [], "state": "published"}


def bot_definition(components: list[dict[str, Any]] = (), profiles: list[dict[str, Any]] = ()  # type: ignore[assignment]
                   ) -> dict[str, Any]:
    return {"_id": B1, "name": "Support", "localeData": {"en": {"name": "Support"}},
            "dialogs": [{"_id": "dg-1", "name": "Order status", "nodes": []}],
            "dialogComponents": list(components), "idpConfigurations": list(profiles)}


def env_var(key: str, value: str | None, secured: bool | None = False) -> dict[str, Any]:
    data: dict[str, Any] = {"key": key, "hint": ""}
    if value is not None:
        data["value"] = value
    if secured is not None:
        data["isSecured"] = secured
    return data


def bot_export(components: list[dict[str, Any]] = (), profiles: list[dict[str, Any]] = (),  # type: ignore[assignment]
               env: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Files of one bot export folder."""
    files: dict[str, Any] = {"botDefinition.json": bot_definition(components, profiles)}
    files["config.json"] = {"botName": "Support", "envVariables": env or [
        env_var("API_BASE_URL", "https://orders.example.com")]}
    return files


def jwe_token() -> str:
    header = base64.urlsafe_b64encode(json.dumps(
        {"alg": "RSA-OAEP", "enc": "A256GCM", "kid": "platform-key-1"}).encode()).rstrip(b"=").decode()
    parts = [base64.urlsafe_b64encode(bytes([i]) * n).rstrip(b"=").decode() for i, n in ((1, 256), (2, 12),
                                                                                        (3, 80), (4, 16))]
    return ".".join([header, *parts])


def api_token(client_id: str = C1, key: str = STRONG_SECRET, **changes: Any) -> str:
    payload: dict[str, Any] = {"sub": "svc-orders", "appId": client_id, "jti": "5b0e8c1e-8f1a-4c1d-9a55",
                               "iat": NOW - 60, "exp": NOW + 1740}
    for name, value in changes.items():
        if value is ...:
            payload.pop(name, None)
        else:
            payload[name] = value
    return make_token({"alg": "HS256", "typ": "JWT"}, payload, key)


def sdk_token(client_id: str = C1, key: str = STRONG_SECRET, **claims: Any) -> str:
    payload = {"iat": NOW - 60, "exp": NOW + 1740, "jti": "0b6c4a52-1c0e", "aud": "https://idproxy.kore.com/authorize",
               "iss": client_id, "sub": "user-8841", "isAnonymous": False, **claims}
    return make_token({"alg": "HS256", "typ": "JWT"}, payload, key)


# --- running ---------------------------------------------------------------------------------


def write(root: Path, files: dict[str, Any]) -> None:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        target.write_text(text, encoding="utf-8")


def run(args: list[str], env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, [*args, "--format", "json", "--now", str(NOW)], env=env)
    assert result.exit_code in (0, 1), (result.exit_code, result.output[-2000:])
    return json.loads(result.output)["findings"]


def hits(findings: list[dict[str, Any]], rule: str) -> set[tuple[str, str | None]]:
    return {(f["location"]["path"], f["location"]["pointer"]) for f in findings if f["rule"] == rule}


def severities(findings: list[dict[str, Any]], rule: str) -> set[str]:
    return {f["severity"] for f in findings if f["rule"] == rule}


@dataclass
class Case:
    id: str
    rule: str
    files: dict[str, Any]
    expected: set[tuple[str, str | None]]
    severity: str | None = None
    args: list[str] = field(default_factory=list)

    def param(self) -> Any:
        return pytest.param(self, id=f"{self.rule}-{self.id}")


def sub(prefix: str, files: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}/{name}": content for name, content in files.items()}


CASES: list[Case] = []


def case(id: str, rule: str, files: dict[str, Any], expected: set[tuple[str, str | None]],
         severity: str | None = None, args: list[str] | None = None) -> None:
    CASES.append(Case(id, rule, files, expected, severity, args or []))


A = "account.json"

# --- ACC001 app-algorithm ---------------------------------------------------------------------
case("hs512-admin-app", "ACC001", {A: container([app(alg="HS512")], [mapping()])},
     {(A, "/apps/0/algorithm")}, "high")
case("rs256-builder-app", "ACC001",
     {A: container([app(created="bot_builder", alg="RS256")],
                   [mapping(level="bot", bot=B1, scopes=("Chat History",))], [bot()])},
     {(A, "/apps/0/algorithm")}, "high")
case("second-app-rs512", "ACC001",
     {A: container([app(), app(C2, "analytics", alg="RS512")], [mapping(), mapping(C2, scopes=("BotPublish",))])},
     {(A, "/apps/1/algorithm")}, "high")
case("hs256", "ACC001", {A: container([app()], [mapping()])}, set())
case("hs512-sdk-app-no-scopes", "ACC001",
     {A: container([app(created="bot_builder", alg="HS512")], [], [bot(jwt_apps=[jwt_app()])])}, set())
case("hs512-mapping-is-other-app", "ACC001",
     {A: container([app(alg="HS512", name="web-sdk"), app(C2, "exporter")], [mapping(C2)])}, set())

# --- ACC002 jti-not-enforced ------------------------------------------------------------------
case("admin-app-jti-off", "ACC002", {A: container([app(jti=False)], [mapping()])},
     {(A, "/apps/0/jtiClaimEnforced")}, "medium")
case("two-apps-jti-off", "ACC002",
     {A: container([app(jti=False), app(C2, "bi", jti=False)], [mapping(), mapping(C2, scopes=("Chat History",),
                                                                                   level="bot", bot=B1)],
                   [bot()])},
     {(A, "/apps/0/jtiClaimEnforced"), (A, "/apps/1/jtiClaimEnforced")}, "medium")
case("only-in-bot-jwtapps", "ACC002",
     {A: container([], [mapping(level="bot", bot=B1, scopes=("Bot Export",))],
                   [bot(jwt_apps=[jwt_app(jti=False)])])},
     {(A, "/bots/0/jwtApps/0/jtiClaimEnforced")}, "medium")
case("jti-on", "ACC002", {A: container([app(jti=True)], [mapping()])}, set())
case("jti-off-no-scopes", "ACC002",
     {A: container([app(created="bot_builder", jti=False)], [], [bot(jwt_apps=[jwt_app(jti=False)])])}, set())
case("jti-off-empty-scope-list", "ACC002", {A: container([app(jti=False)], [mapping(scopes=())])}, set())

# --- ACC003 jwe-not-enforced ------------------------------------------------------------------
case("uses-private-claims-flag", "ACC003",
     {A: container([app(created="bot_builder", usesPrivateClaims=True)], [], [bot(jwt_apps=[jwt_app()])])},
     {(A, "/apps/0/jweEncryptionEnforced")}, "low")
case("secure-custom-data-token-in-bot-export", "ACC003",
     {A: container([app(created="bot_builder")], [], [bot(jwt_apps=[jwt_app()], export="bots/support/")]),
      **sub("bots/support", bot_export(env=[
          env_var("SDK_TEST_TOKEN", sdk_token(secureCustomData={"accountNo": "4411", "tier": "gold"}),
                  secured=False)]))},
     {(A, "/apps/0/jweEncryptionEnforced")}, "low")
case("private-claims-token-in-service-header", "ACC003",
     {A: container([app(), app(C2, "other", jwe=True)], [mapping()]),
      **sub("bots/support", bot_export([service(headers={
          "auth": api_token(privateClaims={"email": "jane@example.com"})})]))},
     {(A, "/apps/0/jweEncryptionEnforced")}, "low")
case("private-claims-jwe-enforced", "ACC003",
     {A: container([app(jwe=True, usesPrivateClaims=True)], [mapping()])}, set())
case("no-private-claims", "ACC003",
     {A: container([app(usesPrivateClaims=False)], [mapping()]),
      **sub("bots/support", bot_export([service(headers={"auth": api_token()})]))}, set())
case("private-claims-token-for-other-app", "ACC003",
     {A: container([app()], [mapping()]),
      **sub("bots/support", bot_export([service(headers={
          "auth": api_token(C3, privateClaims={"email": "jane@example.com"})})]))}, set())

# --- ACC004 cross-account-scope ---------------------------------------------------------------
case("mapping-account-differs-from-app", "ACC004",
     {A: container([app()], [mapping(account=ACCT2)])}, {(A, "/apiScopeMappings/0/accountId")}, "high")
case("bot-in-other-account", "ACC004",
     {A: container([app(created="bot_builder")], [mapping(level="bot", bot=B1, scopes=("Chat History",))],
                   [bot(account=ACCT2)])},
     {(A, "/apiScopeMappings/0/accountId")}, "high")
case("second-mapping-cross-account", "ACC004",
     {A: container([app(), app(C2, "b")], [mapping(), mapping(C2, account=ACCT2)])},
     {(A, "/apiScopeMappings/1/accountId")}, "high")
case("same-account", "ACC004",
     {A: container([app()], [mapping(), mapping(level="bot", bot=B1, scopes=("Debug Logs",))], [bot()])},
     set())
case("mapping-without-account", "ACC004",
     {A: container([app()], [{k: v for k, v in mapping().items() if k != "accountId"}])}, set())
case("unrelated-bot-elsewhere", "ACC004",
     {A: container([app()], [mapping(level="bot", bot=B1, scopes=("Debug Logs",))],
                   [bot(), bot(B2, "Other", account=ACCT2)])}, set())

# --- ACC005 unpublished-scope -----------------------------------------------------------------
case("bot-mapping-unpublished", "ACC005",
     {A: container([app()], [mapping(level="bot", bot=B1, scopes=("Chat History",), published=False)], [bot()])},
     {(A, "/apiScopeMappings/0/published")}, "high")
case("second-bot-mapping-unpublished", "ACC005",
     {A: container([app()], [mapping(level="bot", bot=B1, scopes=("Chat History",)),
                             mapping(level="bot", bot=B2, scopes=("Debug Logs",), published=False)],
                   [bot(), bot(B2, "Sales")])},
     {(A, "/apiScopeMappings/1/published")}, "high")
case("bot-never-published", "ACC005",
     {A: container([app()], [mapping(level="bot", bot=B1, scopes=("Chat History",))],
                   [bot(status="unpublished")])},
     # the mapping is the problem; its bot id names the bot without a published version
     {(A, "/apiScopeMappings/0/botId")}, "high")
case("published", "ACC005",
     {A: container([app()], [mapping(level="bot", bot=B1, scopes=("Chat History",))], [bot()])}, set())
case("admin-mapping-unpublished-flag", "ACC005",
     {A: container([app()], [mapping(published=False)])}, set())
case("bot-not-in-export", "ACC005",
     {A: container([app()], [mapping(level="bot", bot=B2, scopes=("Chat History",))], [bot()])}, set())

# --- ACC006 unmapped-app ----------------------------------------------------------------------
# The tool anchors an app-level finding at the app's clientId (the line naming the app): as good as
# the app object itself, so the expectation follows it.
case("admin-app-unmapped", "ACC006", {A: container([app()], [])}, {(A, "/apps/0/clientId")}, "medium")
case("mapping-not-saved", "ACC006",
     {A: container([app()], [mapping(saved=False)])}, {(A, "/apiScopeMappings/0/saved")}, "medium")
case("builder-app-unmapped-no-channel", "ACC006",
     {A: container([app(), app(C2, "old-builder", created="bot_builder")], [mapping()], [bot()])},
     {(A, "/apps/1/clientId")}, "medium")
case("mapped", "ACC006", {A: container([app()], [mapping()])}, set())
# A bot's Get Bots `jwtApps` entry repeats the app's definition (export-format.md): it is no
# evidence that a channel uses the app (a BotKit config or the bot's channels are; see
# tests/fixtures/ACC006/near_miss/).
case("builder-app-used-by-botkit", "ACC006",
     {A: container([app(created="bot_builder", name="botkit-app")], [], [bot(jwt_apps=[jwt_app()])]),
      "botkit/config.json": {"credentials": {"appId": C1, "apikey": "{{env.KORE_CLIENT_SECRET}}"},
                             "jwt": {"jwtAlgorithm": "HS256"}}}, set())
case("builder-app-only-listed-in-jwtapps", "ACC006",
     {A: container([app(created="bot_builder", name="web-sdk")], [], [bot(jwt_apps=[jwt_app()])])},
     {(A, "/apps/0/clientId")}, "medium")
case("data-tab-app-with-grant", "ACC006",
     {A: container([app(created="data_tables", name="etl")], [],
                   tables={"tables": [{"name": "customers", "assignments": {
                       "apps": [{"clientId": C1, "read": True, "write": True, "delete": False}]}}]})}, set())

# --- ACC007 excessive-scopes ------------------------------------------------------------------
ELEVEN = ("BotDefinition", "BotPublish", "ChannelManagement", "BotKit", "Bot Export", "Chat History",
          "Debug Logs", "Train ML", "Bot Import", "Bot Variables", "Conversation Analytics")
case("admin-wide-with-bot-scopes", "ACC007",
     {A: container([app()], [mapping(scopes=("UserManagement",)),
                             mapping(level="bot", bot=B1, scopes=("Chat History",))], [bot()])},
     {(A, "/apiScopeMappings/0/scopes")}, "medium")
case("eleven-scopes", "ACC007", {A: container([app()], [mapping(scopes=ELEVEN)])},
     {(A, "/apiScopeMappings/0/scopes")}, "medium")
case("master-admin-and-bot-export", "ACC007",
     {A: container([app()], [mapping(scopes=("MasterAdmin",)),
                             mapping(level="bot", bot=B1, scopes=("Bot Export",))], [bot()])},
     {(A, "/apiScopeMappings/0/scopes")}, "medium")
case("ten-scopes", "ACC007", {A: container([app()], [mapping(scopes=ELEVEN[:10])])}, set())
case("admin-scopes-only", "ACC007",
     {A: container([app()], [mapping(scopes=("BotDefinition", "BotPublish", "UserManagement"))])}, set())
case("admin-and-bot-scopes-on-different-apps", "ACC007",
     {A: container([app(), app(C2, "bi")], [mapping(scopes=("UserManagement",)),
                                             mapping(C2, level="bot", bot=B1, scopes=("Chat History",))],
                   [bot()])}, set())

# --- ACC008 builder-app-for-admin-api ---------------------------------------------------------
case("builder-app-bot-definition", "ACC008",
     {A: container([app(created="bot_builder")], [mapping(scopes=("BotDefinition",))])},
     {(A, "/apiScopeMappings/0/scopes")}, "medium")
case("builder-app-bot-definition-ui-spelling", "ACC008",
     {A: container([app(created="bot_builder")], [mapping(scopes=("Bot Definition",))])},
     {(A, "/apiScopeMappings/0/scopes")}, "medium")
case("second-app-builder", "ACC008",
     {A: container([app(), app(C2, "builder", created="bot_builder")],
                   [mapping(), mapping(C2, scopes=("BotDefinition", "BotPublish"))])},
     {(A, "/apiScopeMappings/1/scopes")}, "medium")
case("admin-console-app", "ACC008", {A: container([app()], [mapping(scopes=("BotDefinition",))])}, set())
case("builder-app-bot-export-scope", "ACC008",
     {A: container([app(created="bot_builder")],
                   [mapping(level="bot", bot=B1, scopes=("Bot Export", "Chat History"))], [bot()])}, set())
case("builder-app-debug-logs", "ACC008",
     {A: container([app(created="bot_builder")], [mapping(level="bot", bot=B1, scopes=("Debug Logs",))],
                   [bot()])}, set())

# --- ACC009 secret-in-export ------------------------------------------------------------------
G = "getbots.json"
case("get-bots-response", "ACC009", {G: get_bots(bot(jwt_apps=[jwt_app(secret=STRONG_SECRET)]))},
     {(G, "/bots/0/jwtApps/0/clientSecret")}, "high")
case("container-app-secret", "ACC009", {A: container([app(clientSecret=STRONG_SECRET)], [mapping()])},
     {(A, "/apps/0/clientSecret")}, "high")
case("container-bot-second-jwtapp", "ACC009",
     {A: container([], [], [bot(jwt_apps=[jwt_app(C2), jwt_app(secret=OTHER_SECRET)])])},
     {(A, "/bots/0/jwtApps/1/clientSecret")}, "high")
case("second-account-container", "ACC009",
     {"acme.json": container([app()], [mapping()]),
      "globex.json": container([app(C2, account=ACCT2, clientSecret=OTHER_SECRET)], [mapping(C2, account=ACCT2)],
                               account=ACCT2, name="Globex")},
     {("globex.json", "/apps/0/clientSecret")}, "high")
case("hash-only", "ACC009",
     {A: container([app(clientSecretSha256=hashlib.sha256(STRONG_SECRET.encode()).hexdigest())], [mapping()])},
     set())
case("empty-secret", "ACC009", {G: get_bots(bot(jwt_apps=[jwt_app(secret="")]))}, set())
case("masked-secret", "ACC009", {G: get_bots(bot(jwt_apps=[jwt_app(secret="********")]))}, set())

# --- ACC010 weak-app-secret -------------------------------------------------------------------
case("secret-word", "ACC010", {A: container([app(clientSecret="secret")], [mapping()])},
     {(A, "/apps/0/clientSecret")}, "critical")
case("hashed-jwt-io-default", "ACC010",
     {A: container([app(clientSecretSha256=hashlib.sha256(b"your-256-bit-secret").hexdigest())], [mapping()])},
     {(A, "/apps/0/clientSecretSha256")}, "critical")
case("low-entropy-44", "ACC010", {G: get_bots(bot(jwt_apps=[jwt_app(secret="a" * 43 + "=")]))},
     {(G, "/bots/0/jwtApps/0/clientSecret")}, "critical")
case("strong", "ACC010", {A: container([app(clientSecret=STRONG_SECRET)], [mapping()])}, set())
case("strong-hashed", "ACC010",
     {A: container([app(clientSecretSha256=hashlib.sha256(OTHER_SECRET.encode()).hexdigest())], [mapping()])},
     set())
case("strong-get-bots", "ACC010", {G: get_bots(bot(jwt_apps=[jwt_app(secret=OTHER_SECRET)]))}, set())

# --- ACC011 stale-app-secret (now = 2026-11-21T22:26:40Z) ---------------------------------------
case("created-2024", "ACC011", {A: container([app(created_on="2024-10-23T06:56:29Z")], [mapping()])},
     {(A, "/apps/0/createdOn")}, "low")
case("rotated-too-long-ago", "ACC011",
     {A: container([app(created_on="2023-02-01T00:00:00Z", secretRotatedOn="2025-06-01T00:00:00Z")], [mapping()])},
     {(A, "/apps/0/secretRotatedOn")}, "low")
case("get-bots-created-on-with-ms", "ACC011",
     {G: get_bots(bot(jwt_apps=[jwt_app(created_on="2025-01-02T10:11:12.345Z")]))},
     {(G, "/bots/0/jwtApps/0/createdOn")}, "low")
case("created-this-year", "ACC011", {A: container([app(created_on="2026-01-01T00:00:00Z")], [mapping()])}, set())
case("old-but-rotated", "ACC011",
     {A: container([app(created_on="2020-03-01T00:00:00Z", secretRotatedOn="2026-06-01T00:00:00Z")], [mapping()])},
     set())
case("364-days", "ACC011", {A: container([app(created_on="2025-11-22T22:26:40Z")], [mapping()])}, set())


# --- ACC012 datatable-permission-mismatch -----------------------------------------------------
def tables(*grants: tuple[str, list[dict[str, Any]], list[dict[str, Any]]]) -> dict[str, Any]:
    return {"tables": [{"name": name, "assignments": {"apps": apps, "bots": bots}} for name, apps, bots in grants],
            "views": []}


def grant(client_id: str = C1, read: bool = True, write: bool = False, delete: bool = False) -> dict[str, Any]:
    return {"clientId": client_id, "read": read, "write": write, "delete": delete}


DT = [app(created="data_tables", name="etl")]
case("delete-without-read", "ACC012",
     {A: container(DT, tables=tables(("customers", [grant(read=False, write=True, delete=True)], [])))},
     # anchored at the grant object (the whole grant is the problem, not the delete flag alone)
     {(A, "/dataTables/tables/0/assignments/apps/0")}, "medium")
case("bot-delete-without-read", "ACC012",
     {A: container(DT, tables=tables(("customers", [grant()], [{"botId": B1, "read": False, "write": False,
                                                                "delete": True}])))},
     {(A, "/dataTables/tables/0/assignments/bots/0")}, "medium")
case("write-on-every-table", "ACC012",
     {A: container(DT, tables=tables(("customers", [grant(write=True)], []), ("orders", [grant(write=True)], [])))},
     # one finding for the app's account-wide write, at its first grant (the others are related locations)
     {(A, "/dataTables/tables/0/assignments/apps/0")}, "medium")
case("delete-with-read", "ACC012",
     {A: container(DT, tables=tables(("customers", [grant(read=True, write=True, delete=True)], [])))}, set())
case("write-on-one-of-two", "ACC012",
     {A: container(DT, tables=tables(("customers", [grant(write=True)], []), ("orders", [grant()], [])))}, set())
case("write-on-single-table", "ACC012",
     {A: container(DT, tables=tables(("customers", [grant(write=True)], [])))}, set())

# --- ACC013 duplicate-client-id ---------------------------------------------------------------
case("two-apps-same-id", "ACC013",
     {A: container([app(), app(name="ci-exporter-copy")], [mapping()])}, {(A, "/apps/1/clientId")}, "medium")
case("two-accounts", "ACC013",
     {"acme.json": container([app()], [mapping()]),
      "globex.json": container([app(account=ACCT2)], [mapping(account=ACCT2)], account=ACCT2, name="Globex")},
     # one finding for the client id, at the first account's definition (the message names both accounts)
     {("acme.json", "/apps/0/clientId")}, "medium")
case("first-and-third", "ACC013",
     {A: container([app(), app(C2, "b"), app(name="dup")], [mapping(), mapping(C2)])},
     {(A, "/apps/2/clientId")}, "medium")
case("distinct", "ACC013", {A: container([app(), app(C2, "b")], [mapping(), mapping(C2)])}, set())
case("app-repeated-in-jwtapps", "ACC013",
     {A: container([app()], [mapping()], [bot(jwt_apps=[jwt_app(jti=True)])])}, set())
case("container-and-get-bots-same-account", "ACC013",
     {A: container([app()], [mapping()]), G: get_bots(bot(jwt_apps=[jwt_app(jti=True)]))}, set())

# --- BOT001 hardcoded-service-credential ------------------------------------------------------
D = "botDefinition.json"
case("basic-auth-header", "BOT001", bot_export([service(headers={"Authorization": BASIC})]),
     {(D, "/dialogComponents/0/headers/value/Authorization")}, "high")
case("api-key-in-path-query", "BOT001",
     bot_export([service(host="api.tickets.example.com", path=f"/v2/tickets?status=open&api_key={API_KEY}")]),
     {(D, "/dialogComponents/0/endPoint/path")}, "high")
case("x-api-key-in-endpoint-headers", "BOT001",
     bot_export([service(url="https://crm.example.net/api/leads",
                         headers={"Content-Type": "application/json", "x-api-key": API_KEY})]),
     {(D, "/dialogComponents/0/headers/value/x-api-key")}, "high")
case("client-secret-in-payload", "BOT001",
     bot_export([service(payload={"grant_type": "client_credentials", "client_id": "kore-bot",
                                  "client_secret": PROVIDER_SECRET})]),
     {(D, "/dialogComponents/0/payload/value/client_secret")}, "high")
case("templated-bearer", "BOT001",
     bot_export([service(headers={"Authorization": "Bearer {{env.ORDERS_TOKEN}}"})]), set())
case("templated-query-token", "BOT001",
     bot_export([service(path="/v1/orders?token={{context.session.BotUserSession.ordersToken}}")]), set())
case("ordinary-headers", "BOT001",
     bot_export([service(headers={"Content-Type": "application/json", "Accept": "application/json",
                                  "x-request-id": "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"},
                         path="/v1/orders?customerId={{context.entities.customerId}}&limit=20")]), set())

# --- BOT002 plain-http-service ----------------------------------------------------------------
case("protocol-http", "BOT002", bot_export([service(protocol="http")]),
     {(D, "/dialogComponents/0/endPoint/protocol")}, "medium")
case("url-http", "BOT002", bot_export([service(url="http://crm.example.net/api/leads", host="", protocol="")]),
     {(D, "/dialogComponents/0/endPoint/url")}, "medium")
case("protocol-http-colon-private-ip", "BOT002", bot_export([service(protocol="http:", host="10.20.1.5")]),
     {(D, "/dialogComponents/0/endPoint/protocol")}, "medium")
case("https", "BOT002", bot_export([service()]), set())
case("http-localhost-host-field", "BOT002", bot_export([service(protocol="http", host="localhost:8080")]), set())
case("http-loopback-url", "BOT002",
     bot_export([service(url="http://127.0.0.1:8080/mock", host="", protocol="")]), set())

# --- BOT003 unsecured-secret-variable ---------------------------------------------------------
CFG = "config.json"
case("api-key-not-secured", "BOT003",
     bot_export(env=[env_var("ORDERS_API_KEY", API_KEY, secured=False)]), {(CFG, "/envVariables/0/value")}, "high")
case("client-secret-flag-missing", "BOT003",
     bot_export(env=[env_var("API_BASE_URL", "https://orders.example.com"),
                     env_var("crmClientSecret", PROVIDER_SECRET, secured=None)]),
     {(CFG, "/envVariables/1/value")}, "high")
case("bearer-value-innocent-name", "BOT003",
     bot_export(env=[env_var("ordersHeader", "Bearer " + PROVIDER_SECRET, secured=False)]),
     {(CFG, "/envVariables/0/value")}, "high")
case("secured-empty", "BOT003", bot_export(env=[env_var("ORDERS_API_KEY", "", secured=True)]), set())
case("base-url", "BOT003", bot_export(env=[env_var("API_BASE_URL", "https://orders.example.com")]), set())
case("token-expiry-number", "BOT003",
     bot_export(env=[env_var("TOKEN_EXPIRY", "3600"), env_var("authMode", "oauth2")]), set())

# --- BOT004 secured-variable-with-value -------------------------------------------------------
case("secured-password-value", "BOT004", bot_export(env=[env_var("DB_PASSWORD", PASSWORD, secured=True)]),
     {(CFG, "/envVariables/0/value")}, "medium")
case("second-secured-key", "BOT004",
     bot_export(env=[env_var("API_BASE_URL", "https://orders.example.com"),
                     env_var("ORDERS_API_KEY", API_KEY, secured=True)]),
     {(CFG, "/envVariables/1/value")}, "medium")
case("secured-innocent-value", "BOT004",
     bot_export(env=[env_var("INTERNAL_HOST", "https://internal.example.com", secured=True)]),
     {(CFG, "/envVariables/0/value")}, "medium")
case("secured-empty", "BOT004", bot_export(env=[env_var("DB_PASSWORD", "", secured=True)]), set())
case("unsecured-with-value", "BOT004", bot_export(env=[env_var("LOCALE", "en-US", secured=False)]), set())
case("secured-no-value-key", "BOT004", bot_export(env=[env_var("DB_PASSWORD", None, secured=True)]), set())

# --- BOT005 auth-profile-plain-http -----------------------------------------------------------
P = "/idpConfigurations/0"
case("token-url-http", "BOT005", bot_export(profiles=[profile(tokenUrl="http://login.example.com/oauth/token")]),
     {(D, f"{P}/oauth/tokenUrl")}, "high")
case("authorization-url-http", "BOT005",
     bot_export(profiles=[profile(authorizationUrl="http://login.example.com/oauth/authorize")]),
     {(D, f"{P}/oauth/authorizationUrl")}, "high")
case("refresh-url-upper-http", "BOT005",
     bot_export(profiles=[profile(refreshTokenUrl="HTTP://login.example.com/oauth/token")]),
     {(D, f"{P}/oauth/refreshTokenUrl")}, "high")
case("all-https", "BOT005", bot_export(profiles=[profile()]), set())
case("http-docs-link", "BOT005",
     bot_export(profiles=[profile(description="see http://wiki.example.com/sn-oauth")]), set())
case("templated-token-url", "BOT005", bot_export(profiles=[profile(tokenUrl="{{env.SN_TOKEN_URL}}")]), set())

# --- BOT006 auth-profile-field-limits ---------------------------------------------------------
LONG_URL = "https://login.example.com/oauth/authorize?" + "x" * 3000
case("secret-300", "BOT006", bot_export(profiles=[profile(clientSecret="s" * 300)]),
     {(D, f"{P}/oauth/clientSecret")}, "medium")
case("client-id-256", "BOT006", bot_export(profiles=[profile(clientId="c" * 256)]),
     {(D, f"{P}/oauth/clientId")}, "medium")
case("authorization-url-over-3000", "BOT006", bot_export(profiles=[profile(authorizationUrl=LONG_URL)]),
     {(D, f"{P}/oauth/authorizationUrl")}, "medium")
case("secret-255", "BOT006", bot_export(profiles=[profile(clientSecret="{{env.S}}" + "s" * 246)]), set())
case("url-3000", "BOT006", bot_export(profiles=[profile(tokenUrl=LONG_URL[:3000])]), set())
case("long-field-value", "BOT006",
     bot_export(profiles=[profile(fields=[{"type": "header", "key": "x-tenant", "value": "t" * 400}])]), set())

# --- BOT007 auth-profile-query-secret ---------------------------------------------------------
case("query-api-key", "BOT007",
     bot_export(profiles=[profile(sso="api_key", fields=[{"type": "query", "key": "api_key", "value": API_KEY}])]),
     {(D, f"{P}/fields/0/value")}, "high")
case("query-string-access-token", "BOT007",
     bot_export(profiles=[profile(sso="api_key", fields=[
         {"type": "header", "key": "Accept", "value": "application/json"},
         {"type": "Query String", "key": "access_token", "value": PROVIDER_SECRET}])]),
     {(D, f"{P}/fields/1/value")}, "high")
case("path-param-key", "BOT007",
     bot_export(profiles=[profile(sso="api_key", fields=[{"type": "pathParam", "key": "apiKey", "value": API_KEY}])]),
     {(D, f"{P}/fields/0/value")}, "high")
case("query-template", "BOT007",
     bot_export(profiles=[profile(sso="api_key", fields=[{"type": "query", "key": "api_key",
                                                          "value": "{{env.API_KEY}}"}])]), set())
case("query-format-json", "BOT007",
     bot_export(profiles=[profile(sso="api_key", fields=[{"type": "query", "key": "format", "value": "json"}])]),
     set())
case("header-literal-is-bot008", "BOT007",
     bot_export(profiles=[profile(sso="api_key", fields=[{"type": "header", "key": "x-api-key", "value": API_KEY}])]),
     set())

# --- BOT008 auth-profile-literal-secret -------------------------------------------------------
case("oauth-client-secret", "BOT008", bot_export(profiles=[profile(clientSecret=PROVIDER_SECRET)]),
     {(D, f"{P}/oauth/clientSecret")}, "high")
case("basic-header-field", "BOT008",
     bot_export(profiles=[profile(sso="basic", fields=[{"type": "header", "key": "Authorization", "value": BASIC}])]),
     {(D, f"{P}/fields/0/value")}, "high")
case("payload-password-field", "BOT008",
     bot_export(profiles=[profile(sso="oauth2_password", fields=[
         {"type": "payload", "key": "username", "value": "svc-kore"},
         {"type": "payload", "key": "password", "value": PASSWORD}])]),
     {(D, f"{P}/fields/1/value")}, "high")
case("templated-secret", "BOT008", bot_export(profiles=[profile()]), set())
case("basic-template", "BOT008",
     bot_export(profiles=[profile(sso="basic", fields=[{"type": "header", "key": "Authorization",
                                                        "value": "Basic {{passphrase}}"}])]), set())
case("empty-secret-and-plain-header", "BOT008",
     bot_export(profiles=[profile(clientSecret="", fields=[{"type": "header", "key": "Content-Type",
                                                           "value": "application/json"}])]), set())

# --- BOT009 auth-profile-missing-refresh ------------------------------------------------------
case("oauth2-no-refresh", "BOT009", bot_export(profiles=[profile(refreshTokenUrl=...)]),
     {(D, f"{P}/sso_type")}, "low")
case("oauth2-empty-refresh", "BOT009", bot_export(profiles=[profile(refreshTokenUrl="")]),
     {(D, f"{P}/sso_type")}, "low")
case("second-profile", "BOT009",
     bot_export(profiles=[profile(), {**profile("Jira OAuth", refreshTokenUrl=...), "_id": AP_MISSING}]),
     {(D, "/idpConfigurations/1/sso_type")}, "low")
case("with-refresh", "BOT009", bot_export(profiles=[profile()]), set())
case("client-credentials", "BOT009",
     bot_export(profiles=[profile(sso="oauth2_client_credentials", refreshTokenUrl=..., callbackUrl=...)]), set())
case("basic-profile", "BOT009",
     bot_export(profiles=[{"_id": AP1, "name": "Legacy", "sso_type": "basic", "fields": [], "state": "published"}]),
     set())

# --- BOT010 auth-profile-callback -------------------------------------------------------------
case("third-party-callback", "BOT010",
     bot_export(profiles=[profile(callbackUrl="https://oauth.example-tools.io/callback")]),
     {(D, f"{P}/oauth/callbackUrl")}, "low")
case("http-platform-callback", "BOT010",
     bot_export(profiles=[profile(callbackUrl="http://idp.kore.ai/workflows/callback/")]),
     {(D, f"{P}/oauth/callbackUrl")}, "low")
case("lookalike-host", "BOT010",
     bot_export(profiles=[profile(callbackUrl="https://idp.kore.ai.example.net/workflows/callback/")]),
     {(D, f"{P}/oauth/callbackUrl")}, "low")
case("platform-callback", "BOT010", bot_export(profiles=[profile()]), set())
case("no-trailing-slash", "BOT010",
     bot_export(profiles=[profile(callbackUrl="https://idp.kore.ai/workflows/callback")]), set())
case("client-credentials-other-callback", "BOT010",
     bot_export(profiles=[profile(sso="oauth2_client_credentials",
                                  callbackUrl="https://oauth.example-tools.io/callback")]), set())

# --- BOT011 unknown-auth-profile --------------------------------------------------------------
case("unknown-id", "BOT011", bot_export([service(auth_required=True, idp=AP_MISSING)], [profile()]),
     {(D, "/dialogComponents/0/idp")}, "medium")
case("unknown-name", "BOT011", bot_export([service(auth_required=True, idp="Salesforce OAuth")], [profile()]),
     {(D, "/dialogComponents/0/idp")}, "medium")
case("second-node", "BOT011",
     bot_export([service(auth_required=True, idp=AP1), service("CreateTicket", auth_required=True, idp=AP_MISSING)],
                [profile()]),
     {(D, "/dialogComponents/1/idp")}, "medium")
case("idp-none", "BOT011", bot_export([service(idp="none")], []), set())
case("known-id", "BOT011", bot_export([service(auth_required=True, idp=AP1)], [profile()]), set())
case("known-name", "BOT011", bot_export([service(auth_required=True, idp="ServiceNow OAuth")], [profile()]), set())

# --- BOT012 token-in-service-node -------------------------------------------------------------
case("auth-header-jwt", "BOT012", bot_export([service(headers={"auth": api_token()})]),
     {(D, "/dialogComponents/0/headers/value/auth")}, "high")
case("bearer-jwt", "BOT012", bot_export([service(headers={"Authorization": "Bearer " + sdk_token()})]),
     {(D, "/dialogComponents/0/headers/value/Authorization")}, "high")
case("header-list-auth", "BOT012",
     {D: bot_definition([{"_id": "dc-1", "name": "KoreApi", "type": "service",
                          "endPoint": {"url": "https://platform.kore.ai/api/public/bot/" + B1 + "/getAnalytics",
                                       "method": "post",
                                       "headers": [{"key": "Content-Type", "value": "application/json"},
                                                   {"key": "auth", "value": api_token()}]}}])},
     {(D, "/dialogComponents/0/endPoint/headers/1/value")}, "high")
case("templated-auth", "BOT012",
     bot_export([service(headers={"auth": "{{context.session.BotUserSession.koreJwt}}"})]), set())
case("bearer-env", "BOT012", bot_export([service(headers={"Authorization": "Bearer {{env.KORE_JWT}}"})]), set())
case("jwt-in-payload-not-header", "BOT012",
     bot_export([service(payload={"assertion": api_token()})]), set())


@pytest.mark.parametrize("c", [c.param() for c in CASES])
def test_rule(c: Case, tmp_path: Path) -> None:
    root = tmp_path / "export"
    write(root, c.files)
    findings = run(["audit", str(root), *c.args])
    assert hits(findings, c.rule) == c.expected
    if c.expected and c.severity:
        assert severities(findings, c.rule) == {c.severity}


def test_case_counts() -> None:
    """At least three positives and three near misses per rule."""
    by_rule: dict[str, list[int]] = {}
    for c in CASES:
        by_rule.setdefault(c.rule, [0, 0])[0 if c.expected else 1] += 1
    assert {rule for rule, (pos, neg) in by_rule.items() if pos < 3 or neg < 3} == set()
    assert len(by_rule) == 25


# --- TOK context: JTI / JWE enforcement and the app secret --------------------------------------


def token_run(tmp_path: Path, token: str, *args: str, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    return run(["token", *args, token], env=env)


def test_tok007_severity_follows_enforce_jti(tmp_path: Path) -> None:
    no_jti = api_token(jti=...)
    assert severities(token_run(tmp_path, no_jti), "TOK007") == {"medium"}
    assert severities(token_run(tmp_path, no_jti, "--enforce-jti"), "TOK007") == {"high"}
    write(tmp_path, {A: container([app(jti=True)], [mapping()])})
    found = token_run(tmp_path, no_jti, "--export", str(tmp_path / A))
    assert hits(found, "TOK007") == {("<argument>", None)}
    assert severities(found, "TOK007") == {"high"}


def test_tok007_near_misses(tmp_path: Path) -> None:
    assert hits(token_run(tmp_path, api_token(), "--enforce-jti"), "TOK007") == set()
    sdk = sdk_token(jti=None)
    sdk_kore_jti = make_token({"alg": "HS256"}, {k: v for k, v in json.loads(base64.urlsafe_b64decode(
        sdk.split(".")[1] + "==")).items() if k != "jti"} | {"kore_jti": "c0ffee-1"}, STRONG_SECRET)
    assert hits(token_run(tmp_path, sdk_kore_jti, "--enforce-jti"), "TOK007") == set()
    write(tmp_path, {A: container([app(C2, jti=True)], [mapping(C2)])})  # export knows another app only
    found = token_run(tmp_path, api_token(jti=...), "--export", str(tmp_path / A))
    assert severities(found, "TOK007") == {"medium"}


def test_tok018_jwe_enforced(tmp_path: Path) -> None:
    assert hits(token_run(tmp_path, api_token(), "--enforce-jwe"), "TOK018") == {("<argument>", None)}
    write(tmp_path, {A: container([app(jwe=True)], [mapping()])})
    found = token_run(tmp_path, sdk_token(), "--export", str(tmp_path / A))
    assert hits(found, "TOK018") == {("<argument>", None)}
    assert severities(found, "TOK018") == {"high"}
    # in an audit: the token stored in the bot export is judged with its app's settings
    root = tmp_path / "audit"
    write(root, {A: container([app(jwe=True)], [mapping()]),
                 **sub("bots/support", bot_export([service(headers={"auth": api_token()})]))})
    assert hits(run(["audit", str(root)]), "TOK018") == {
        ("bots/support/botDefinition.json", "/dialogComponents/0/headers/value/auth")}


def test_tok018_near_misses(tmp_path: Path) -> None:
    assert hits(token_run(tmp_path, jwe_token(), "--enforce-jwe"), "TOK018") == set()
    assert hits(token_run(tmp_path, api_token()), "TOK018") == set()
    root = tmp_path / "audit"
    write(root, {A: container([app(), app(C2, "other", jwe=True)], [mapping(), mapping(C2)]),
                 **sub("bots/support", bot_export([service(headers={"auth": api_token()})]))})
    assert hits(run(["audit", str(root)]), "TOK018") == set()


def test_tok016_app_secret(tmp_path: Path) -> None:
    wrong = api_token(key=OTHER_SECRET)
    assert hits(token_run(tmp_path, wrong, "--secret-env", "KORE_CLIENT_SECRET",
                          env={"KORE_CLIENT_SECRET": STRONG_SECRET}), "TOK016") == {("<argument>", None)}
    (tmp_path / "secret.txt").write_text(STRONG_SECRET + "\n", encoding="utf-8")
    assert hits(token_run(tmp_path, wrong, "--secret-file", str(tmp_path / "secret.txt")), "TOK016") \
        == {("<argument>", None)}
    write(tmp_path, {A: container([app(clientSecret=STRONG_SECRET)], [mapping()])})
    found = token_run(tmp_path, wrong, "--export", str(tmp_path / A))
    assert hits(found, "TOK016") == {("<argument>", None)}
    assert severities(found, "TOK016") == {"high"}
    root = tmp_path / "audit"
    write(root, {G: get_bots(bot(jwt_apps=[jwt_app(secret=STRONG_SECRET)])),
                 **sub("bots/support", bot_export([service(headers={"auth": wrong})]))})
    assert hits(run(["audit", str(root)]), "TOK016") == {
        ("bots/support/botDefinition.json", "/dialogComponents/0/headers/value/auth")}


def test_tok016_near_misses(tmp_path: Path) -> None:
    good = api_token()
    assert hits(token_run(tmp_path, good, "--secret-env", "KORE_CLIENT_SECRET",
                          env={"KORE_CLIENT_SECRET": STRONG_SECRET}), "TOK016") == set()
    write(tmp_path, {A: container([app(C2, clientSecret=STRONG_SECRET)], [mapping(C2)])})
    # the export's secret belongs to another app: nothing to compare with
    assert hits(token_run(tmp_path, api_token(key=OTHER_SECRET), "--export", str(tmp_path / A)), "TOK016") == set()
    root = tmp_path / "audit"
    write(root, {G: get_bots(bot(jwt_apps=[jwt_app(secret=STRONG_SECRET)])),
                 **sub("bots/support", bot_export([service(headers={"auth": good})]))})
    assert hits(run(["audit", str(root)]), "TOK016") == set()


def test_token_in_service_node_checked_by_tok_rules(tmp_path: Path) -> None:
    """A pasted API token without exp: BOT012 and TOK009 at the same place (spec: also checked with TOK rules)."""
    root = tmp_path / "audit"
    write(root, bot_export([service(headers={"auth": api_token(exp=...)})]))
    findings = run(["audit", str(root)])
    where = {(D, "/dialogComponents/0/headers/value/auth")}
    assert hits(findings, "BOT012") == where
    assert hits(findings, "TOK009") == where


# --- second round: other real shapes ----------------------------------------------------------


def botkit_config(apikey: str, app_id: str = C1) -> dict[str, Any]:
    return {"app": {"port": 8003, "url": "https://botkit.example.com"},
            "credentials": {"apikey": apikey, "appId": app_id},
            "jwt": {"jwtAlgorithm": "HS256", "jwtExpiry": 300},
            "redis": {"options": {"host": "localhost", "port": 6379}}}


def test_tok_context_from_get_bots_export(tmp_path: Path) -> None:
    """`token --export` with a saved Get Bots response: JTI/JWE enforcement and the secret come from jwtApps."""
    write(tmp_path, {G: get_bots(bot(jwt_apps=[jwt_app(secret=STRONG_SECRET, jti=True, jwe=True)]))})
    found = token_run(tmp_path, api_token(key=OTHER_SECRET, jti=...), "--export", str(tmp_path / G))
    assert hits(found, "TOK007") == hits(found, "TOK018") == hits(found, "TOK016") == {("<argument>", None)}
    assert severities(found, "TOK007") == {"high"}
    clean = token_run(tmp_path, api_token(), "--export", str(tmp_path / G))
    assert hits(clean, "TOK016") == hits(clean, "TOK007") == set()


def test_tok016_sdk_token_matched_by_iss(tmp_path: Path) -> None:
    write(tmp_path, {A: container([app(created="bot_builder", clientSecret=STRONG_SECRET)], [],
                                  [bot(jwt_apps=[jwt_app()])])})
    assert hits(token_run(tmp_path, sdk_token(key=OTHER_SECRET), "--export", str(tmp_path / A)), "TOK016") \
        == {("<argument>", None)}
    assert hits(token_run(tmp_path, sdk_token(), "--export", str(tmp_path / A)), "TOK016") == set()


def test_tok016_botkit_config_secret(tmp_path: Path) -> None:
    """A BotKit config.json names the app (credentials.appId) and its secret (credentials.apikey)."""
    write(tmp_path, {"config.json": botkit_config(STRONG_SECRET)})
    found = token_run(tmp_path, api_token(key=OTHER_SECRET), "--export", str(tmp_path / "config.json"))
    assert hits(found, "TOK016") == {("<argument>", None)}
    assert hits(token_run(tmp_path, api_token(), "--export", str(tmp_path / "config.json")), "TOK016") == set()


def test_bot_export_zip(tmp_path: Path) -> None:
    """Real bot exports are zips: findings name the entry inside the zip."""
    import zipfile

    files = bot_export([service(protocol="http", headers={"Authorization": BASIC})],
                       env=[env_var("ORDERS_API_KEY", API_KEY, secured=False)])
    with zipfile.ZipFile(tmp_path / "Support.zip", "w") as archive:
        for name, content in files.items():
            archive.writestr(name, json.dumps(content, indent=2))
    findings = run(["audit", str(tmp_path / "Support.zip")])
    paths = {f["location"]["path"] for f in findings if f["rule"].startswith("BOT")}
    assert len(paths) == 2 and all(p.startswith("Support.zip") for p in paths), paths
    assert {(f["rule"], f["location"]["pointer"]) for f in findings if f["rule"].startswith("BOT")} == {
        ("BOT001", "/dialogComponents/0/headers/value/Authorization"),
        ("BOT002", "/dialogComponents/0/endPoint/protocol"),
        ("BOT003", "/envVariables/0/value")}


def test_service_node_variants(tmp_path: Path) -> None:
    """Header spellings people use: lowercase bearer, `apikey` header, `token` query in a full URL."""
    root = tmp_path / "e"
    write(root, bot_export([
        service("A", headers={"authorization": "bearer 7f9c2ba4e88f827d616045507605853e"}),
        service("B", headers={"apikey": "ord3rs-live-2026"}),
        service("C", url="https://hooks.example.com/notify?channel=ops&token=" + API_KEY, host="", protocol=""),
        service("D", headers={"Authorization": "Bearer {{env.A}}", "X-Tenant": "acme"},
                path="/v1/orders?page=2&sort=desc"),
    ]))
    found = run(["audit", str(root)])
    assert hits(found, "BOT001") == {(D, "/dialogComponents/0/headers/value/authorization"),
                                     (D, "/dialogComponents/1/headers/value/apikey"),
                                     (D, "/dialogComponents/2/endPoint/url")}


def test_env_variables_edge_shapes(tmp_path: Path) -> None:
    """BOT003/BOT004 on the edges: a JWT value under a neutral name, a masked secured value."""
    root = tmp_path / "e"
    write(root, bot_export(env=[env_var("koreSession", api_token(), secured=False),
                                env_var("DB_PASSWORD", "********", secured=True),
                                env_var("SUPPORT_EMAIL", "help@example.com", secured=False)]))
    found = run(["audit", str(root)])
    assert hits(found, "BOT003") == {(CFG, "/envVariables/0/value")}
    assert hits(found, "BOT004") == set()


MORE: list[Case] = []


def more(id: str, rule: str, files: dict[str, Any], expected: set[tuple[str, str | None]],
         severity: str | None = None) -> None:
    MORE.append(Case(id, rule, files, expected, severity))


more("get-bots-two-accounts", "ACC013",
     {G: get_bots(bot(jwt_apps=[jwt_app()]), bot(B2, "Other", account=ACCT2, jwt_apps=[jwt_app()]))},
     {(G, "/bots/0/jwtApps/0/clientId")}, "medium")
more("get-bots-one-app-two-bots-same-account", "ACC013",
     {G: get_bots(bot(jwt_apps=[jwt_app()]), bot(B2, "Sales", jwt_apps=[jwt_app()]))}, set())
more("status-capitalised", "ACC005",
     {A: container([app()], [mapping(level="bot", bot=B1, scopes=("Chat History",))], [bot(status="Published")])},
     set())
more("builder-app-used-by-botkit", "ACC006",
     {A: container([app(created="bot_builder", name="botkit")], [mapping(C2)]),
      "botkit/config.json": botkit_config(STRONG_SECRET)}, set())
more("user-management-ui-spelling", "ACC007",
     {A: container([app()], [mapping(scopes=("User Management",)),
                             mapping(level="bot", bot=B1, scopes=("Chat History",))], [bot()])},
     {(A, "/apiScopeMappings/0/scopes")}, "medium")
more("get-bots-jwt-io-default", "ACC010", {G: get_bots(bot(jwt_apps=[jwt_app(secret="your-256-bit-secret")]))},
     {(G, "/bots/0/jwtApps/0/clientSecret")}, "critical")
more("masked-secret-not-weak", "ACC010", {G: get_bots(bot(jwt_apps=[jwt_app(secret="********")]))}, set())
more("query-underscore-spelling", "BOT007",
     bot_export(profiles=[profile(sso="api_key", fields=[{"type": "query_string", "key": "key", "value": API_KEY}])]),
     {(D, f"{P}/fields/0/value")}, "high")
more("on-prem-callback", "BOT010",
     {A: {**container([app()], [mapping()], [bot(export="bots/support/")]), "host": "https://bots.acme.com"},
      **sub("bots/support", bot_export(profiles=[profile(callbackUrl="https://bots.acme.com/workflows/callback/")]))},
     set())
more("idp-object", "BOT011",
     bot_export([service(idp={"_id": AP1, "name": "ServiceNow OAuth"}, auth_required=True)], [profile()]), set())
more("idp-empty", "BOT011", bot_export([service(idp="")], []), set())
more("env-object-shape", "BOT003",
     {D: bot_definition(), CFG: {"envVariables": {"ORDERS_API_KEY": {"value": API_KEY, "isSecured": False}}}},
     {(CFG, "/envVariables/ORDERS_API_KEY/value")}, "high")
# A hand-edited / YAML-converted export may hold the flag as a string: "true" is still secured.
more("secured-as-string", "BOT003",
     bot_export(env=[{"key": "ORDERS_API_KEY", "value": "", "isSecured": "true"}]), set())
more("secured-as-string-with-value", "BOT004",
     bot_export(env=[{"key": "ORDERS_API_KEY", "value": API_KEY, "isSecured": "true"}]),
     {(CFG, "/envVariables/0/value")}, "medium")



def table_definition(name: str, apps: list[dict[str, Any]]) -> dict[str, Any]:
    """A Kore data-table definition file (`tableDefinition_<name>_<ms>.json`) with its grants."""
    return {"name": name, "description": "", "schemaDef": [{"name": "id", "type": "string", "isPrimaryKey": True}],
            "assignments": {"apps": apps, "bots": []}}


T1, T2 = "tableDefinition_customers_1731000000000.json", "tableDefinition_orders_1731000000001.json"
# A table definition audited on its own (no container, no Get Bots) is still judged.
more("lone-table-definition-delete-without-read", "ACC012",
     {T1: table_definition("customers", [grant(read=False, delete=True)])}, {(T1, "/assignments/apps/0")}, "medium")
more("table-definitions-write-everywhere", "ACC012",
     {A: container(DT), T1: table_definition("customers", [grant(write=True)]),
      T2: table_definition("orders", [grant(write=True)])}, {(T1, "/assignments/apps/0")}, "medium")
more("lone-table-definition-read-delete", "ACC012",
     {T1: table_definition("customers", [grant(read=True, delete=True)])}, set())

more("eleven-across-two-mappings", "ACC007",
     {A: container([app()], [mapping(scopes=ELEVEN[:4]), mapping(level="bot", bot=B1, scopes=ELEVEN[4:])], [bot()])},
     {(A, "/apiScopeMappings/0/scopes")}, "medium")
more("same-six-scopes-on-two-bots", "ACC007",
     {A: container([app()], [mapping(level="bot", bot=B1, scopes=ELEVEN[4:10]),
                             mapping(level="bot", bot=B2, scopes=ELEVEN[4:10])], [bot(), bot(B2, "Sales")])}, set())
XENIOO = {"serviceEndpoint": "https://eu1.xenioo.com", "AccountAPIKey": API_KEY,
          "bots": [{"name": "WhatsApp", "channels": ["WhatsApp"], "BotAPISecret": PROVIDER_SECRET}]}
more("xenioo-keys-in-container", "ACC009", {A: {**container([app()], [mapping()]), "xenioo": XENIOO}},
     {(A, "/xenioo/AccountAPIKey"), (A, "/xenioo/bots/0/BotAPISecret")}, "high")
more("xenioo-without-keys", "ACC009",
     {A: {**container([app()], [mapping()]), "xenioo": {"serviceEndpoint": "https://eu1.xenioo.com",
                                                          "bots": [{"name": "WhatsApp", "channels": ["Web"]}]}}},
     set())


def test_thresholds_from_config(tmp_path: Path) -> None:
    """max_scopes and max_secret_age_days from the config file change ACC007 / ACC011."""
    root = tmp_path / "e"
    write(root, {A: container([app(created_on="2026-05-01T00:00:00Z")], [mapping(scopes=ELEVEN[:5])]),
                 ".jwtaudit.toml": "max_scopes = 4\nmax_secret_age_days = 90\n"})
    found = run(["audit", str(root), "--config", str(root / ".jwtaudit.toml")])
    assert hits(found, "ACC007") == {(A, "/apiScopeMappings/0/scopes")}
    assert hits(found, "ACC011") == {(A, "/apps/0/createdOn")}
    # without the config (it would be found as the nearest .jwtaudit.toml): defaults 10 / 365
    bare = tmp_path / "bare"
    write(bare, {A: container([app(created_on="2026-05-01T00:00:00Z")], [mapping(scopes=ELEVEN[:5])])})
    assert hits(run(["audit", str(bare)]), "ACC007") == hits(run(["audit", str(bare)]), "ACC011") == set()


@pytest.mark.parametrize("c", [c.param() for c in MORE])
def test_more(c: Case, tmp_path: Path) -> None:
    root = tmp_path / "export"
    write(root, c.files)
    findings = run(["audit", str(root)])
    assert hits(findings, c.rule) == c.expected
    if c.expected and c.severity:
        assert severities(findings, c.rule) == {c.severity}
