"""ACC: rules about an exported account — JWT apps, API-scope mappings, bots, data tables.

Each rule reads one `AccountSubject` (apps already merged by client id, bots by id, by
`sources.export_link`) and reports at the exact place in the export file that holds the problem.
Rules that lack the data they need (no mappings in the export, no algorithm stated) stay silent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from typing import Any

from jwtaudit.engine import RunContext
from jwtaudit.model import Confidence, Hit, Location, Severity
from jwtaudit.redact import short_hash
from jwtaudit.rules.registry import rule
from jwtaudit.sources.export_link import is_withheld
from jwtaudit.sources.key_names import normalise_key
from jwtaudit.sources.secrets import shannon_entropy
from jwtaudit.subjects import AccountSubject, ExportApp, ExportBot, ExportNode

# Admin-wide scopes: they act on every bot and user of the account.
ADMIN_WIDE_SCOPES = frozenset({"masteradmin", "usermanagement", "profilemanagement", "rolemanagement",
                               "groupmanagement", "accountmanagement", "usersmanagement"})
# APIs the platform accepts only from Admin Console apps (import bot, get bots).
ADMIN_ONLY_SCOPES = frozenset({"botdefinition", "importbot", "botimport", "getbots", "listbots"})
MIN_SECRET_BYTES = 32
MIN_SECRET_ENTROPY = 3.0  # bits per character; random base64 is near 5
_DAY = 86400


def norm_scope(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _scopes(mapping: ExportNode) -> list[str]:
    scopes = mapping.get("scopes")
    return [s for s in scopes if isinstance(s, str)] if isinstance(scopes, list) else []


def _saved_mappings(subject: AccountSubject, client_id: str) -> list[ExportNode]:
    return [m for m in subject.mappings or ()
            if m.get("clientId") == client_id and m.get("saved") is not False]


def _scoped(subject: AccountSubject, app: ExportApp) -> bool:
    return any(_scopes(m) for m in _saved_mappings(subject, app.client_id))


def _stated(app: ExportApp, key: str) -> Location:
    """Where the app states `key` (its main definition first), else its main definition."""
    for node in app.nodes:
        if key in node.data:
            return node.locate(key)
    return app.node.locate()


def _bots(subject: AccountSubject) -> dict[str, ExportBot]:
    return {b.bot_id: b for b in subject.bots if b.bot_id}


def _app_evidence(app: ExportApp, **extra: Any) -> dict[str, Any]:
    return {"clientId": app.client_id, **({"app": app.name} if app.name else {}), **extra}


@rule(code="ACC001", name="app-algorithm", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=327, subject="account")
def app_algorithm(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a JWT app that is mapped to API scopes but signs with an algorithm other than HS256.

    **Why is this bad?**

    The Kore.ai public APIs accept only HS256 tokens from API-scope apps: every call made with a
    token signed as HS512 or RS256 is refused with 401, and teams "fix" it by loosening things
    elsewhere (sharing another app's secret, widening scopes).

    **Example**

    `apps: [{clientId: cs-…, algorithm: RS256}]` with a saved `apiScopeMappings` entry for it.

    **Fix**

    Set the app's algorithm to HS256 (Bot Builder or Admin Console > API Scopes > app), or create
    a separate HS256 app for API access and keep the RS256 one for the SDK.

    **References**

    - https://developer.kore.ai/docs/bots/kore-web-sdk/apis/
    - RFC 7518 §3.2 (HMAC with SHA-2)
    """
    for app in subject.apps:
        algorithm = app.algorithm
        if algorithm and algorithm.upper() != "HS256" and _scoped(subject, app):
            yield Hit(message=f"App '{app.name or app.client_id}' is mapped to API scopes but signs with "
                              f"{algorithm[:10]}; the public APIs accept only HS256.",
                      evidence=_app_evidence(app, algorithm=algorithm[:10]),
                      location=_stated(app, "algorithm"))


@rule(code="ACC002", name="jti-not-enforced", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=294, subject="account")
def jti_not_enforced(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an app mapped to API scopes whose `jtiClaimEnforced` is false.

    **Why is this bad?**

    Without JTI enforcement the platform accepts the same token again and again for as long as
    it is valid: a token copied from a log, a proxy or a browser can be replayed against the
    admin APIs. With it, each `jti` is accepted once and `exp` must be within an hour.

    **Example**

    `apps: [{clientId: cs-…, jtiClaimEnforced: false}]` with scopes `[BotDefinition]`.

    **Fix**

    Turn on "Enforce JTI claim" for the app and put a fresh random `jti` and an `exp` at most one
    hour ahead in every token.

    **References**

    - RFC 7519 §4.1.7 (jti)
    - https://datatracker.ietf.org/doc/html/rfc8725#section-3.10
    """
    for app in subject.apps:
        if app.jti_enforced is False and _scoped(subject, app):
            yield Hit(message=f"App '{app.name or app.client_id}' has API scopes but does not enforce "
                              "JTI: its tokens can be replayed until they expire.",
                      evidence=_app_evidence(app), location=_stated(app, "jtiClaimEnforced"))


@rule(code="ACC003", name="jwe-not-enforced", severity=Severity.LOW, confidence=Confidence.MEDIUM,
      cwe=311, subject="account")
def jwe_not_enforced(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an app that does not enforce JWE while its tokens carry `privateClaims` or
    `secureCustomData` (seen in a token in the audit), or the export marks it
    `usesPrivateClaims: true`.

    **Why is this bad?**

    A JWS is only signed: anyone who sees the token (browser, proxy, log) reads its payload in
    clear. Private claims and secure custom data are meant for the bot only; without JWE they are
    readable by everyone on the way.

    **Example**

    `apps: [{clientId: cs-…, jweEncryptionEnforced: false, usesPrivateClaims: true}]`.

    **Fix**

    Enable "Enforce JWE encryption" for the app and encrypt tokens with the platform's public key
    (RSA-OAEP, A128CBC-HS256/A128GCM/A256GCM), or move the private data out of the token.

    **References**

    - RFC 7516 (JSON Web Encryption)
    - https://developer.kore.ai/docs/bots/kore-web-sdk/user-authorization-and-assertion/
    """
    for app in subject.apps:
        if app.jwe_enforced is False and app.uses_private_claims:
            yield Hit(message=f"App '{app.name or app.client_id}' sends private claims in tokens but does "
                              "not enforce JWE: the claims travel readable.",
                      evidence=_app_evidence(app), location=_stated(app, "jweEncryptionEnforced"))


@rule(code="ACC004", name="cross-account-scope", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=284, subject="account")
def cross_account_scope(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an API-scope mapping whose account differs from the account of the bot it names or of
    the app it maps.

    **Why is this bad?**

    The platform requires API scopes to be created in the same account as the bot: a mapping
    across accounts never authorises a call (401/403 for every request), and an app shared across
    accounts is a credential that reaches further than anyone intended.

    **Example**

    `apiScopeMappings: [{clientId: cs-…, accountId: 6661e1…, botId: st-…}]` where the bot's
    `accountId` is another account.

    **Fix**

    Create the app and the scope mapping in the bot's own account; delete the cross-account one.

    **References**

    - https://developer.kore.ai/docs/bots/kore-web-sdk/apis/
    - https://cwe.mitre.org/data/definitions/284.html
    """
    bots = _bots(subject)
    apps = {a.client_id: a for a in subject.apps}
    home = _text(subject.account.get("accountId")) if subject.account is not None else None
    for mapping in subject.mappings or ():
        # a mapping or app that omits its account is in the container's own account
        account = _text(mapping.get("accountId")) or home
        bot = bots.get(mapping.get("botId")) if isinstance(mapping.get("botId"), str) else None
        app = apps.get(mapping.get("clientId")) if isinstance(mapping.get("clientId"), str) else None
        others: list[tuple[str, str]] = []
        if bot is not None and bot.account_id:
            others.append(("bot", bot.account_id))
        if app is not None:
            others.extend(("app", a) for a in _declared_accounts(app, home))
        reference = account or (others[0][1] if others else None)
        mismatched = [(what, a) for what, a in others if reference and a != reference]
        if reference and mismatched:
            what, other = mismatched[0]
            yield Hit(message=f"Scope mapping for {mapping.get('clientId')} is in account {reference} but "
                              f"its {what} belongs to account {other}: the platform refuses cross-account "
                              "scopes.",
                      evidence={"clientId": mapping.get("clientId"), "mappingAccount": reference,
                                f"{what}Account": other},
                      location=(mapping.locate("accountId") if _text(mapping.get("accountId"))
                                else mapping.locate()))


def _declared_accounts(app: ExportApp, home: str | None) -> list[str]:
    """Accounts an app's own definitions name (not the accounts of bots that list it); the
    container's `apps[]` entry that omits `accountId` is in the container's account `home`."""
    out: list[str] = []
    for node in app.nodes:
        account = _text(node.get("accountId"))
        if account is None and node.pointer.startswith("/apps/") and node.path == app.node.path:
            account = home
        if account and account not in out:
            out.append(account)
    return out


@rule(code="ACC005", name="unpublished-scope", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=284, subject="account")
def unpublished_scope(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a bot-level API-scope mapping that is not published, or whose bot has no published
    version.

    **Why is this bad?**

    Bot-level scopes take effect only when the bot is published with them: until then every API
    call with the app's token is refused, and the usual workaround is to reach for a broader
    admin-level app.

    **Example**

    `apiScopeMappings: [{level: bot, botId: st-…, scopes: ["Chat History"], published: false}]`.

    **Fix**

    Publish the bot (Deploy > Publish) including the API-scope component, then check the mapping
    shows as published.

    **References**

    - https://developer.kore.ai/docs/bots/kore-web-sdk/apis/
    """
    bots = _bots(subject)
    for mapping in subject.mappings or ():
        bot_id = mapping.get("botId")
        if mapping.get("level") != "bot" and not isinstance(bot_id, str):
            continue
        bot = bots.get(bot_id) if isinstance(bot_id, str) else None
        if mapping.get("published") is False:
            yield Hit(message=f"Bot-level scope mapping for {mapping.get('clientId')} is not published: "
                              "calls with its tokens are refused until the bot is published.",
                      evidence={"clientId": mapping.get("clientId"), "botId": bot_id},
                      location=mapping.locate("published"))
        elif bot is not None and bot.published is False:
            yield Hit(message=f"Scope mapping for {mapping.get('clientId')} targets bot "
                              f"'{bot.name or bot_id}', which has no published version "
                              f"(status {str(bot.status)[:30]!r}).",
                      evidence={"clientId": mapping.get("clientId"), "botId": bot_id, "status": bot.status},
                      location=mapping.locate("botId"), related=(bot.node.locate("status"),))


@rule(code="ACC006", name="unmapped-app", severity=Severity.MEDIUM, confidence=Confidence.MEDIUM,
      cwe=1188, subject="account")
def unmapped_app(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a Builder or Admin Console app with no saved API-scope mapping that no channel uses
    either (a BotKit config or a bot's channel settings; a bot's `jwtApps` entry only repeats the
    app's definition), and any mapping marked `saved: false`. Data-tab apps are judged by their table
    grants instead: one with no grant on any table or view is flagged.

    **Why is this bad?**

    Tokens signed for such an app are refused everywhere, yet its client secret is live: it is
    an unused credential that nobody watches, or a half-finished setup where someone will soon
    paste another app's secret to "make it work".

    **Example**

    `apps: [{clientId: cs-…, createdIn: admin_console}]` and no `apiScopeMappings` entry for it.

    **Fix**

    Save the scope mapping (and publish it for bot-level scopes), or delete the app and its
    secret.

    **References**

    - https://developer.kore.ai/docs/bots/kore-web-sdk/apis/
    - https://cwe.mitre.org/data/definitions/1188.html
    """
    if subject.mappings is None:
        return
    for mapping in subject.mappings:
        if mapping.get("saved") is False:
            yield Hit(message=f"Scope mapping for {mapping.get('clientId')} was never saved: it grants "
                              "nothing.",
                      evidence={"clientId": mapping.get("clientId")}, location=mapping.locate("saved"))
    mapped = {m.get("clientId") for m in subject.mappings}
    granted = _granted_ids(subject)
    for app in subject.apps:
        if not app.node.pointer.startswith("/apps/"):
            continue  # only the container's apps list says which apps exist
        if app.created_in == "data_tables":
            if subject.tables is not None and app.client_id not in granted:
                yield Hit(message=f"Data-tab app '{app.name or app.client_id}' has no grant on any table "
                                  "or view: its tokens can do nothing.",
                          evidence=_app_evidence(app), location=app.node.locate("clientId"))
        elif app.client_id not in mapped and not app.in_channel:
            yield Hit(message=f"App '{app.name or app.client_id}' has no API-scope mapping and no channel "
                              "uses it: its tokens are refused everywhere, but its secret is live.",
                      evidence=_app_evidence(app), location=app.node.locate("clientId"))


def _grants(subject: AccountSubject) -> Iterator[tuple[ExportNode, str, str, dict[str, Any]]]:
    """(table or view node, grantee kind, pointer of the grant, grant) for every assignment."""
    for node in subject.tables or ():
        assignments = node.get("assignments")
        if not isinstance(assignments, dict):
            continue
        for kind in ("apps", "bots"):
            grants = assignments.get(kind)
            if not isinstance(grants, list):
                continue
            for index, grant in enumerate(grants):
                if isinstance(grant, dict):
                    yield node, kind, f"assignments/{kind}/{index}", grant


def _grantee(grant: dict[str, Any]) -> str | None:
    return _text(grant.get("clientId")) or _text(grant.get("botId"))


def _granted_ids(subject: AccountSubject) -> set[str]:
    return {g for _n, _k, _p, grant in _grants(subject) if (g := _grantee(grant))}


@rule(code="ACC007", name="excessive-scopes", severity=Severity.MEDIUM, confidence=Confidence.MEDIUM,
      cwe=250, subject="account")
def excessive_scopes(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an app that holds admin-wide scopes (MasterAdmin, UserManagement, ProfileManagement,
    RoleManagement …) together with bot scopes, or more scopes than `max_scopes` (default 10).

    **Why is this bad?**

    One leaked client secret then gives both the bot's data and control over the account's users
    and roles. Apps should be narrow: one job, the scopes for that job.

    **Example**

    One app mapped to `[MasterAdmin, UserManagement]` at admin level and `["Chat History"]` on a bot.

    **Fix**

    Split the app: an Admin Console app for the admin APIs it truly needs, a separate Builder app
    per bot integration; remove scopes nobody calls.

    **References**

    - https://cwe.mitre.org/data/definitions/250.html
    - https://owasp.org/Top10/A01_2021-Broken_Access_Control/
    """
    for app in subject.apps:
        mappings = _saved_mappings(subject, app.client_id)
        if not mappings:
            continue
        scopes: dict[str, str] = {}
        bot_scopes = False
        for mapping in mappings:
            for scope in _scopes(mapping):
                scopes.setdefault(norm_scope(scope), scope)
            if (mapping.get("level") == "bot" or isinstance(mapping.get("botId"), str)) and _scopes(mapping):
                bot_scopes = True
        admin = sorted(scopes[s] for s in scopes if s in ADMIN_WIDE_SCOPES)
        reasons = []
        if admin and bot_scopes:
            reasons.append(f"admin-wide scopes ({', '.join(admin)}) together with bot scopes")
        if len(scopes) > ctx.config.max_scopes:
            reasons.append(f"{len(scopes)} scopes (more than {ctx.config.max_scopes})")
        if reasons:
            yield Hit(message=f"App '{app.name or app.client_id}' holds {' and '.join(reasons)}: one leaked "
                              "secret reaches too far.",
                      evidence=_app_evidence(app, scopes=len(scopes), adminWide=admin),
                      location=mappings[0].locate("scopes"))


@rule(code="ACC008", name="builder-app-for-admin-api", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=284, subject="account")
def builder_app_for_admin_api(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a bot-level (Bot Builder) app mapped at admin level or to admin-only scopes such as
    `BotDefinition` (import bot, get bots).

    **Why is this bad?**

    Import bot and get bots accept only Admin Console apps: calls with a Builder app's token are
    refused. Worse, a Builder app's secret lives with one bot's developers, so giving it
    account-level power widens who holds admin access.

    **Example**

    `apps: [{clientId: cs-…, createdIn: bot_builder}]` with
    `apiScopeMappings: [{clientId: cs-…, level: admin, scopes: [BotDefinition]}]`.

    **Fix**

    Create an Admin Console app (Admin Console > API Scopes) for the admin APIs and keep the
    Builder app to its bot's scopes.

    **References**

    - https://developer.kore.ai/docs/bots/kore-web-sdk/apis/
    - https://cwe.mitre.org/data/definitions/284.html
    """
    for app in subject.apps:
        if app.created_in != "bot_builder":
            continue
        for mapping in _saved_mappings(subject, app.client_id):
            admin_only = sorted(s for s in _scopes(mapping) if norm_scope(s) in ADMIN_ONLY_SCOPES)
            if admin_only or mapping.get("level") == "admin":
                what = f"admin-only scopes ({', '.join(admin_only)})" if admin_only else "admin-level scopes"
                yield Hit(message=f"Bot Builder app '{app.name or app.client_id}' is mapped to {what}: these "
                                  "APIs accept only Admin Console apps.",
                          evidence=_app_evidence(app, scopes=admin_only),
                          location=mapping.locate("scopes"))


@rule(code="ACC009", name="secret-in-export", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=312, subject="account")
def secret_in_export(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags client secrets stored in clear in the export: `clientSecret` of an app or of a bot's
    `jwtApps[]` (a saved Get Bots API response carries them), and Xenioo API keys and secrets in
    the container.

    **Why is this bad?**

    An export is copied to laptops, tickets and review folders. Each clear secret in it can sign
    tokens for its app (or call Xenioo as the bot) until it is rotated.

    **Example**

    `{"bots": [{"_id": "st-…", "jwtApps": [{"clientId": "cs-…", "clientSecret": "…"}]}]}`.

    **Fix**

    Rotate the secrets that were exported, store the export without them (omit `clientSecret`, or
    keep only `clientSecretSha256`), and delete saved Get Bots responses after use.

    **References**

    - https://cwe.mitre.org/data/definitions/312.html
    - https://developer.kore.ai/docs/bots/kore-web-sdk/apis/
    """
    seen: set[tuple[str, str]] = set()
    for app in subject.apps:
        for node in (*app.nodes, *app.duplicates):
            secret = _text(node.get("clientSecret"))
            if secret is None or is_withheld(secret) or (node.path, node.pointer) in seen:
                continue
            seen.add((node.path, node.pointer))
            yield Hit(message=f"The export stores the client secret of {app.client_id} in clear; rotate it.",
                      evidence=_app_evidence(app, length=len(secret), sha256_prefix=short_hash(secret)),
                      value=secret, location=node.locate("clientSecret"))
    if subject.xenioo is not None:
        yield from _xenioo_keys(subject.xenioo)


# Xenioo's key names with case and separators dropped (`AccountAPIKey`, `account_api_key`,
# `bot-api-secret`; a saved bots list's bare `APIKey`/`APISecret`).
_XENIOO_KEYS = frozenset(("accountapikey", "apikey", "apisecret", "botapikey", "botapisecret"))


def _xenioo_keys(xenioo: ExportNode) -> Iterator[Hit]:
    stack: list[tuple[Any, tuple[Any, ...]]] = [(xenioo.data, ())]
    while stack:
        value, keys = stack.pop()
        if len(keys) > 8:
            continue
        if isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                named = normalise_key(str(key)) in _XENIOO_KEYS
                if isinstance(item, str) and item and named and not is_withheld(item):
                    yield Hit(message=f"The export stores a Xenioo {key} in clear; rotate it.",
                              evidence={"key": str(key), "length": len(item),
                                        "sha256_prefix": short_hash(item)},
                              value=item, location=xenioo.locate(*keys, key))
                else:
                    stack.append((item, (*keys, key)))
        elif isinstance(value, list):
            for index in range(len(value) - 1, -1, -1):
                stack.append((value[index], (*keys, index)))


def weak_secret_reason(secret: str, weak: frozenset[str]) -> tuple[str, bool] | None:
    """(why the secret is weak, guessable) or None."""
    if secret in weak:
        return "it is in the weak-secret list", True
    size = len(secret.encode("utf-8"))
    if size < MIN_SECRET_BYTES:
        return f"it is {size} bytes long (under {MIN_SECRET_BYTES})", False
    if shannon_entropy(secret) < MIN_SECRET_ENTROPY:
        return "it has very low entropy (repeated characters or words)", False
    return None


def _weak_list(ctx: RunContext) -> frozenset[str]:
    from jwtaudit.rules.tok import builtin_weak_secrets

    return frozenset((*builtin_weak_secrets(), *ctx.wordlist))


@rule(code="ACC010", name="weak-app-secret", severity=Severity.CRITICAL, confidence=Confidence.HIGH,
      cwe=1391, subject="account")
def weak_app_secret(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an app whose client secret is short (under 32 bytes), low-entropy, or in the
    weak-secret list (built-in list plus your wordlist). When the export holds only
    `clientSecretSha256`, the hash is compared against the hashed weak list.

    **Why is this bad?**

    The client secret is the HMAC key of every token for the app. A guessable one lets anyone
    who has seen a single token recover the key offline and mint tokens with the app's scopes.

    **Example**

    `apps: [{clientId: cs-…, clientSecret: "secret"}]`.

    **Fix**

    Regenerate the secret in the platform (it issues 32 random bytes, base64) and update every
    system that signs tokens with it; never set a secret by hand.

    **References**

    - RFC 7518 §3.2 (key of the same size as the hash output or larger)
    - https://datatracker.ietf.org/doc/html/rfc8725#section-3.5
    """
    weak = _weak_list(ctx)
    hashed: dict[str, str] | None = None
    for app in subject.apps:
        for node in app.nodes:
            secret = node.get("clientSecret")
            if isinstance(secret, str) and secret and not is_withheld(secret):
                verdict = weak_secret_reason(secret, weak)
                if verdict:
                    reason, guessable = verdict
                    yield Hit(message=f"The client secret of {app.client_id} is weak: {reason}.",
                              evidence=_app_evidence(app, length=len(secret)), value=secret,
                              guessable=guessable, location=node.locate("clientSecret"))
                    break
            digest = _text(node.get("clientSecretSha256"))
            clear = isinstance(secret, str) and secret and not is_withheld(secret)
            if digest and not clear:  # the secret is absent, masked, empty or null: judge the hash
                if hashed is None:
                    hashed = {hashlib.sha256(w.encode("utf-8", "surrogatepass")).hexdigest(): w for w in weak}
                if digest.lower() in hashed:
                    yield Hit(message=f"The client secret of {app.client_id} is in the weak-secret list "
                                      "(matched by its SHA-256).",
                              evidence=_app_evidence(app), value=hashed[digest.lower()], guessable=True,
                              location=node.locate("clientSecretSha256"))
                    break


def _parse_date(value: Any) -> int | None:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value / 1000) if value > 10**11 else int(value)
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return int(moment.timestamp())


@rule(code="ACC011", name="stale-app-secret", severity=Severity.LOW, confidence=Confidence.MEDIUM,
      cwe=324, subject="account")
def stale_app_secret(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an app whose secret is older than `max_secret_age_days` (default 365): the age is
    taken from `secretRotatedOn` when the export has it, else from `createdOn`.

    **Why is this bad?**

    A secret that never changes has been copied into more places (CI variables, laptops, old
    services) than anyone remembers; rotation bounds how long a leak stays useful.

    **Example**

    `apps: [{clientId: cs-…, createdOn: "2023-02-01T10:00:00Z"}]` audited in 2026.

    **Fix**

    Regenerate the app's secret, roll it out to the signing services, and record the date
    (`secretRotatedOn`); repeat on a schedule.

    **References**

    - https://cwe.mitre.org/data/definitions/324.html
    - https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
    """
    limit = ctx.config.max_secret_age_days
    for app in subject.apps:
        for node in app.nodes:
            key = "secretRotatedOn" if node.get("secretRotatedOn") else "createdOn"
            moment = _parse_date(node.get(key))
            if moment is None:
                continue
            elapsed = ctx.now - moment
            if elapsed > limit * _DAY:  # the exact age: 365.5 days is older than 365
                age = elapsed // _DAY
                ago = f"{age} days" if age > limit else f"more than {limit} days"
                day = dt.datetime.fromtimestamp(moment, dt.timezone.utc).date().isoformat()
                since = "last rotated" if key == "secretRotatedOn" else "created (never rotated)"
                yield Hit(message=f"The secret of {app.client_id} was {since} on {day}, {ago} ago "
                                  f"(limit {limit}).",
                          evidence=_app_evidence(app, ageDays=age, since=day), location=node.locate(key))
            break


@rule(code="ACC012", name="datatable-permission-mismatch", severity=Severity.MEDIUM,
      confidence=Confidence.HIGH, cwe=732, subject="account")
def datatable_permission_mismatch(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a data-table grant the API cannot use — delete without read (the Delete API needs
    both) — and an app or bot granted write or delete on every table of the account (two tables
    or more).

    **Why is this bad?**

    A grant that cannot work invites someone to widen it by trial and error; write or delete on
    every table means one leaked secret can wipe or rewrite all of the account's data.

    **Example**

    `assignments: {apps: [{clientId: cs-…, read: false, write: false, delete: true}]}`.

    **Fix**

    Give read together with delete where deletion is needed; grant write and delete only on the
    tables the integration really changes (use views for read-only access).

    **References**

    - https://cwe.mitre.org/data/definitions/732.html
    """
    by_grantee: dict[str, dict[str, tuple[ExportNode, str]]] = {}
    for node, kind, pointer, grant in _grants(subject):
        grantee = _grantee(grant)
        where = node.locate(*pointer.split("/"))
        if grant.get("delete") is True and grant.get("read") is not True:
            yield Hit(message=f"{'App' if kind == 'apps' else 'Bot'} {grantee or '?'} may delete on "
                              f"'{node.get('name')}' but not read: the Delete API needs both.",
                      evidence={"grantee": grantee, "table": node.get("name")}, location=where)
        changes = grant.get("write") is True or grant.get("delete") is True
        if grantee and "tables" not in node.data and changes:
            name = node.get("name")
            if isinstance(name, str):
                by_grantee.setdefault(grantee, {})[name] = (node, pointer)
    tables = set(subject.table_names)
    if len(tables) < 2:
        return
    for grantee, granted in by_grantee.items():
        if tables <= set(granted):
            ordered = [granted[name] for name in subject.table_names]
            first_node, first_pointer = ordered[0]
            yield Hit(message=f"{grantee} may write or delete on every table of the account "
                              f"({len(tables)} tables): one leaked secret can change all the data.",
                      evidence={"grantee": grantee, "tables": len(tables)},
                      anchor=f"every-table:{grantee}",
                      location=first_node.locate(*first_pointer.split("/")),
                      related=tuple(n.locate(*p.split("/")) for n, p in ordered[1:]))


@rule(code="ACC013", name="duplicate-client-id", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=694, subject="account")
def duplicate_client_id(subject: AccountSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a client id that appears in two app definitions, or under two different accounts.

    **Why is this bad?**

    Client ids are unique per app on the platform. A repeated one means an export stitched from
    different places, a copied app definition, or one app's secret reused where another was
    meant: settings, scopes and rotations then apply to the wrong thing.

    **Example**

    Two `apps[]` entries with `clientId: cs-…`, or the same `jwtApps[].clientId` on bots of two
    accounts.

    **Fix**

    Give each app its own client id (create a new app rather than copying one), and check which
    definition is real before rotating.

    **References**

    - https://cwe.mitre.org/data/definitions/694.html
    - https://developer.kore.ai/docs/bots/kore-web-sdk/apis/
    """
    for app in subject.apps:
        for node in app.duplicates:
            yield Hit(message=f"Client id {app.client_id} is defined by two apps.",
                      evidence=_app_evidence(app), location=node.locate("clientId"),
                      related=(app.node.locate("clientId"),))
        if len(app.account_ids) > 1:
            accounts = ", ".join(app.account_ids)
            yield Hit(message=f"Client id {app.client_id} appears under {len(app.account_ids)} accounts "
                              f"({accounts}).",
                      evidence=_app_evidence(app, accounts=list(app.account_ids)),
                      location=app.node.locate("clientId"),
                      related=tuple(n.locate("clientId") for n in app.also))
