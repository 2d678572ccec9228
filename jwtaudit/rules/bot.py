"""BOT: rules about one bot export — service nodes, authorization profiles, environment variables.

Each rule reads a `BotExportSubject` built by `sources.export_link` from `botDefinition.json`
and `config.json`; headers held as JSON strings (`headers.value`) arrive already parsed, each
field with its own pointer. A value written as `{{…}}` is a template, never a literal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from jwtaudit.engine import RunContext
from jwtaudit.model import Confidence, Hit, Location, Severity
from jwtaudit.redact import short_hash
from jwtaudit.rules.registry import rule
from jwtaudit.sources.export_link import is_template, is_withheld
from jwtaudit.sources.key_names import is_secret_key
from jwtaudit.sources.secrets import shannon_entropy
from jwtaudit.subjects import BotExportSubject, ExportNode, ServiceNode

PLATFORM_CALLBACK = "https://idp.kore.ai/workflows/callback/"
MAX_OAUTH_ID = 255
MAX_OAUTH_URL = 3000
OAUTH_URL_KEYS = ("authorizationUrl", "tokenUrl", "refreshTokenUrl")
_SECRET_NAME = re.compile(r"secret|passw|passphrase|pwd|token|apikey|accesskey|privatekey|credential|"
                          r"subscriptionkey|auth|bearer|signingkey|clientkey")
_NOT_SECRET_NAME = re.compile(r"(url|uri|endpoint|host|id|name|type|expiry|expiresin|expires|ttl|length|"
                              r"header|enabled|required|method|mode|scheme|path|field|hint|version|author|"
                              r"authorized|authrequired|authtype|authorization_type)$")
_SCHEME_CREDENTIAL = re.compile(r"^\s*(bearer|basic|token|digest|apikey)\s+(\S+)", re.IGNORECASE)
# A token starts where a base64url run starts (or after %XX): one attempt per run, so linear.
_JWT = re.compile(r"(?:(?<![A-Za-z0-9_-])|(?<=%[0-9A-Fa-f]{2}))"
                  r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")
_QUERY_CREDENTIAL = re.compile(
    r"[?&;](token|api_key|apikey|api-key|access_token|secret|client_secret|key|auth|password|sig)=([^&#\s]+)",
    re.IGNORECASE)
_KNOWN_SECRET = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|"
                           r"\bgh[pousr]_[A-Za-z0-9]{30,}|\bxox[abprs]-[A-Za-z0-9-]{10,}|"
                           r"\b[sr]k_live_[A-Za-z0-9]{16,}|\bAIza[0-9A-Za-z_-]{35}")
_QUERY_TYPES = frozenset({"query", "querystring", "queryparam", "path", "pathparam", "pathparameter"})
_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_LOOPBACK = re.compile(r"^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0)$", re.IGNORECASE)


# --- value helpers ---------------------------------------------------------------------------


def secret_name(name: str) -> bool:
    if about_a_secret(name):
        return False
    norm = re.sub(r"[^a-z0-9_]", "", name.lower()).replace("_", "")
    return (bool(_SECRET_NAME.search(norm)) and not _NOT_SECRET_NAME.search(norm)) or is_secret_key(name)


def about_a_secret(name: str) -> bool:
    """A name about a secret, not of one: `PASSWORD_POLICY`, `SECRET_MANAGER_REGION`,
    `ACCESS_TOKEN_SCOPE`, `TOKEN_URL` — a secret word that `sources.key_names.is_secret_key` (the
    scan's judgement, shared) refuses only for what follows it."""
    return not is_secret_key(name) and is_secret_key(f"{name}_value")


# Values no one uses as a credential: cloud regions (`us-east-1`, `westeurope`), OAuth scopes
# (`read:orders`, `openid profile email`), durations (`3600s`, `24h`).
_DIRECTION = r"(?:north|south|east|west|central|northeast|northwest|southeast|southwest)"
_AREA = r"(?:us|eu|europe|asia|uk|uae|india|japan|australia|canada|brazil|korea|france|germany|africa)"
_VERB = r"(?:read|write|readwrite|delete|create|update|manage|view|list|all|\*)"
_SCOPE = rf"(?:{_VERB}s?:[a-z0-9_.*/-]+|[a-z][a-z0-9_/-]*[:.]{_VERB}|openid|profile|email|offline_access)"
_NOT_A_SECRET_VALUE = re.compile(
    rf"(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov)?-{_DIRECTION}-\d"  # AWS
    rf"|(?:{_AREA}|northamerica|southamerica|me)-{_DIRECTION}\d"  # Google Cloud
    rf"|{_DIRECTION}{_AREA}\d?|{_AREA}{_DIRECTION}\d?"  # Azure
    rf"|{_SCOPE}(?:[ ,]{_SCOPE})*"  # OAuth scopes
    r"|\d+(?:ms|s|m|h|d|w)?", re.IGNORECASE)


def plain_value(value: str) -> bool:
    """A value that is obviously not a secret, whatever its name says."""
    text = value.strip()
    return (text.lower() in ("true", "false", "null", "none", "undefined") or text.isdigit()
            or _NOT_A_SECRET_VALUE.fullmatch(text) is not None)


def looks_secret(value: str) -> bool:
    """A value that is a credential by its shape alone: scheme credential, JWT, known key format."""
    if not value or is_withheld(value):
        return False
    match = _SCHEME_CREDENTIAL.match(value)
    if match:
        return not is_withheld(match.group(2)) and len(match.group(2)) >= 8
    return bool(_JWT.search(value) or _KNOWN_SECRET.search(value))


def random_secret(value: str) -> bool:
    """Probable random key: 20+ characters mixing upper case, lower case and digits, high entropy.

    UUIDs, hex digests and words do not qualify (they are ids, hashes and names far more often).
    """
    text = value.strip()
    if len(text) < 20 or len(text) > 4096 or _UUID.match(text):
        return False
    if any(c.isspace() for c in text) or "://" in text or "/" in text.rstrip("="):
        return False
    return (any(c.isdigit() for c in text) and any(c.islower() for c in text)
            and any(c.isupper() for c in text) and shannon_entropy(text) >= 3.5)


def literal_credential(name: str, value: Any) -> bool:
    """A literal (not templated) value that is a credential by its shape or by its name."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or is_withheld(text):
        return False
    if looks_secret(text):
        return True
    norm = re.sub(r"[^a-z0-9]", "", name.lower())
    if _NOT_SECRET_NAME.search(norm) or about_a_secret(name):
        return False
    if secret_name(name):
        return not plain_value(text) and len(text) >= 6 and "://" not in text
    return random_secret(text)


def _loopback(host: str | None) -> bool:
    return bool(host) and bool(_LOOPBACK.match(host or ""))


def _host(url: str) -> str | None:
    try:
        return urlsplit(url.strip()).hostname
    except ValueError:
        return None


def _describe(value: str) -> dict[str, Any]:
    return {"length": len(value), "sha256_prefix": short_hash(value)}


def _jwt_in(value: str) -> str | None:
    match = _JWT.search(value)
    return match.group(0) if match else None


def _norm_key(key: str) -> str:
    return re.sub(r"[^a-z]", "", key.lower())


def _node_label(node: ServiceNode) -> str:
    return f"Service node '{node.name[:60]}'" if node.name else "A service node"


# --- service nodes ---------------------------------------------------------------------------


@rule(code="BOT001", name="hardcoded-service-credential", severity=Severity.HIGH,
      confidence=Confidence.MEDIUM, cwe=798, subject="bot-export")
def hardcoded_service_credential(subject: BotExportSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a service node whose headers, URL or payload hold a literal credential — an
    `Authorization: Bearer …`/`Basic …` value, an `apikey`/`auth`/`x-api-key` header, a
    `?token=`/`?api_key=` query parameter, a secret-named payload field — instead of a reference
    such as `{{env.API_KEY}}`.

    **Why is this bad?**

    The bot definition is exported, imported, versioned and shared with every developer of the
    bot; a literal credential in it travels with every copy and cannot be rotated without
    editing and republishing the bot.

    **Example**

    `"headers": {"value": "{\\"Authorization\\": \\"Basic c3ZjOmh1bnRlcjI=\\"}"}`.

    **Fix**

    Store the credential in a secured environment variable and reference it
    (`Bearer {{env.ORDERS_TOKEN}}`), or use an authorization profile.

    **References**

    - https://cwe.mitre.org/data/definitions/798.html
    - https://docs.kore.ai/ai-for-service/app-settings/variables/using-bot-variables
    """
    for node in subject.service_nodes:
        for field in node.headers:
            if _norm_key(field.key) in ("auth", "authorization") and _jwt_in(field.value):
                continue  # BOT012
            if literal_credential(field.key, field.value):
                header = f"'{field.key[:40]}' header" if field.key else "headers"
                yield Hit(message=f"{_node_label(node)} sends a literal credential in its {header}.",
                          evidence={"header": field.key[:40], **_describe(field.value)},
                          value=field.value, location=field.location)
        if node.url and node.url_location:
            for match in _QUERY_CREDENTIAL.finditer(node.url):
                if not is_template(match.group(2)):
                    yield Hit(message=f"{_node_label(node)} puts a literal credential in the "
                                      f"URL query ('{match.group(1)}=').",
                              evidence={"parameter": match.group(1), **_describe(match.group(2))},
                              value=match.group(2), location=node.url_location)
        for field in node.payload:
            named = secret_name(field.key) or looks_secret(field.value)
            if named and literal_credential(field.key, field.value):
                yield Hit(message=f"{_node_label(node)} sends a literal credential in payload "
                                  f"field '{field.key[:40]}'.",
                          evidence={"field": field.key[:40], **_describe(field.value)},
                          value=field.value, location=field.location)
        if node.payload_text is not None:
            for match in _QUERY_CREDENTIAL.finditer("&" + node.payload_text.value):
                if not is_template(match.group(2)):
                    yield Hit(message=f"{_node_label(node)} sends a literal credential in its "
                                      f"payload ('{match.group(1)}=').",
                              evidence={"parameter": match.group(1), **_describe(match.group(2))},
                              value=match.group(2), location=node.payload_text.location)


@rule(code="BOT002", name="plain-http-service", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=319, subject="bot-export")
def plain_http_service(subject: BotExportSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a service node that calls `http://` — by its protocol field or its URL — to a host
    other than loopback.

    **Why is this bad?**

    Requests and responses of a service node usually carry credentials and customer data; over
    plain HTTP anyone on the path reads and changes them.

    **Example**

    `"endPoint": {"url": "http://orders.example.com/api/v1/orders", "protocol": "http"}`.

    **Fix**

    Call the service over `https://` (fix its certificate if that is why HTTP was chosen).

    **References**

    - https://cwe.mitre.org/data/definitions/319.html
    - RFC 9110 §4.2.2 (https URI scheme)
    """
    for node in subject.service_nodes:
        url = (node.url or "").strip()
        host = _host(url if "://" in url else "//" + url) if url else None
        plain_url = url.lower().startswith("http://")
        plain_protocol = (node.protocol or "").lower().rstrip(":/") == "http" and not url.lower().startswith("https://")
        if (plain_url or plain_protocol) and not _loopback(host):
            if plain_url and node.url_location:
                where = node.url_location
            elif "protocol" in (node.node.get("endPoint") or {}):
                where = node.node.locate("endPoint", "protocol")
            else:
                where = node.node.locate("protocol")
            yield Hit(message=f"{_node_label(node)} calls {host or 'its service'} over plain "
                              "HTTP.",
                      evidence={"host": host}, location=where)


@rule(code="BOT011", name="unknown-auth-profile", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=306, subject="bot-export")
def unknown_auth_profile(subject: BotExportSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a service node whose `idp` names an authorization profile that the export does not
    define (by `_id` or by name).

    **Why is this bad?**

    After import the node has no authorization: calls go out unauthenticated and fail, or
    someone "fixes" them by pasting a token into the headers. It also shows the export is not
    the complete bot.

    **Example**

    `{"type": "service", "authRequired": true, "idp": "ap-0b1c…"}` with no such
    `idpConfigurations[]._id`.

    **Fix**

    Export the bot together with its authorization profiles, or re-link the node to an existing
    profile before publishing.

    **References**

    - https://cwe.mitre.org/data/definitions/306.html
    """
    known: set[str] = set()
    for profile in subject.auth_profiles:
        for key in ("_id", "name"):
            value = profile.get(key)
            if isinstance(value, str):
                known.add(value)
    for node in subject.service_nodes:
        if node.idp and not is_template(node.idp) and node.idp not in known:
            yield Hit(message=f"{_node_label(node)} uses authorization profile "
                              f"'{node.idp[:60]}', which the export does not define.",
                      evidence={"idp": node.idp[:60]}, location=_idp_location(node))


def _idp_location(node: ServiceNode) -> Location:
    """Where the node names its profile: beside `endPoint` or inside it."""
    if node.node.get("idp") is None and isinstance(node.node.get("endPoint"), dict):
        return node.node.locate("endPoint", "idp")
    return node.node.locate("idp")


@rule(code="BOT012", name="token-in-service-node", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=798, subject="bot-export")
def token_in_service_node(subject: BotExportSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a service node whose `auth` or `Authorization` header holds a literal JWT. The token is
    also checked by every TOK rule at the same place.

    **Why is this bad?**

    A JWT pasted into a bot is a long-lived bearer credential shared with everyone who can see
    the bot definition; Kore API tokens in particular are often minted without `exp`, so the
    pasted one works forever.

    **Example**

    `"headers": {"value": "{\\"auth\\": \\"eyJhbGciOiJIUzI1NiJ9.eyJhcHBJZCI6…\\"}"}`.

    **Fix**

    Mint a short-lived token at run time (a script node signing with a secured env variable), or
    use an authorization profile; rotate the client secret that signed the exported token.

    **References**

    - https://datatracker.ietf.org/doc/html/rfc8725
    - https://developer.kore.ai/docs/bots/kore-web-sdk/apis/
    """
    for node in subject.service_nodes:
        for field in node.headers:
            if _norm_key(field.key) in ("auth", "authorization"):
                token = _jwt_in(field.value)
                if token and not is_template(field.value):
                    yield Hit(message=f"{_node_label(node)} sends a hard-coded JWT in its "
                                      f"'{field.key[:20]}' header.",
                              evidence={"header": field.key[:20], **_describe(token)},
                              value=token, location=field.location)


# --- environment variables -------------------------------------------------------------------


def _env_name(node: ExportNode) -> str:
    for key in ("key", "name", "variableName"):
        value = node.get(key)
        if isinstance(value, str):
            return value
    return ""


def _secured(node: ExportNode) -> bool:
    """`isSecured: true` (also the string "true" that hand-edited or YAML-converted exports hold)."""
    flag = node.get("isSecured")
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")


def _env_value_location(node: ExportNode) -> Location:
    return node.locate("value") if "value" in node.data else node.locate()


@rule(code="BOT003", name="unsecured-secret-variable", severity=Severity.HIGH, confidence=Confidence.MEDIUM,
      cwe=312, subject="bot-export")
def unsecured_secret_variable(subject: BotExportSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an environment variable in `config.json` whose name or value looks like a secret
    (`API_KEY`, `CLIENT_SECRET`, a bearer token, a random key) while `isSecured` is false or
    missing.

    **Why is this bad?**

    Unsecured variables are shown to every bot developer and exported in clear with the bot.
    Secured variables are masked in the builder and exported without their value.

    **Example**

    `{"key": "ORDERS_API_KEY", "value": "k3y-8f2a…", "isSecured": false}`.

    **Fix**

    Mark the variable as secured (Build > Configurations > Environment Variables > Secure
    variable), rotate the exposed value, and set it again in each environment.

    **References**

    - https://docs.kore.ai/ai-for-service/app-settings/variables/using-bot-variables
    - https://cwe.mitre.org/data/definitions/312.html
    """
    for node in subject.env_variables:
        if _secured(node):
            continue
        name, value = _env_name(node), node.get("value")
        if isinstance(value, str) and literal_credential(name, value):
            yield Hit(message=f"Environment variable '{name[:60]}' holds a secret but is not secured: it is "
                              "exported and shown in clear.",
                      evidence={"variable": name[:60], **_describe(value)}, value=value,
                      location=_env_value_location(node))


@rule(code="BOT004", name="secured-variable-with-value", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=200, subject="bot-export")
def secured_variable_with_value(subject: BotExportSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an environment variable marked `isSecured: true` that nevertheless has a non-empty
    value in the export.

    **Why is this bad?**

    The platform exports secured variables with an empty value. A value here means the file was
    edited or produced by another tool, and the secret the flag promises to protect is sitting in
    the export in clear.

    **Example**

    `{"key": "CRM_TOKEN", "value": "3f9c…", "isSecured": true}`.

    **Fix**

    Rotate the value, remove it from the export file, and set it in the target environment
    after import.

    **References**

    - https://docs.kore.ai/ai-for-service/app-settings/variables/using-bot-variables
    - https://cwe.mitre.org/data/definitions/200.html
    """
    for node in subject.env_variables:
        value = node.get("value")
        if _secured(node) and isinstance(value, str) and value.strip() and not is_withheld(value):
            name = _env_name(node)
            yield Hit(message=f"Secured environment variable '{name[:60]}' still has a value in the export.",
                      evidence={"variable": name[:60], **_describe(value)}, value=value,
                      location=_env_value_location(node))


# --- authorization profiles ------------------------------------------------------------------


def _oauth(profile: ExportNode) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The OAuth settings of a profile and the keys leading to them (`oauth`, or the profile)."""
    block = profile.get("oauth")
    if isinstance(block, dict):
        return block, ("oauth",)
    return profile.data, ()


def _get_ci(block: dict[str, Any], name: str) -> tuple[str | None, Any]:
    """Case-insensitive key lookup (`tokenUrl`, `tokenURL`, `token_url`)."""
    wanted = _norm_key(name)
    for key, value in block.items():
        if isinstance(key, str) and _norm_key(key) == wanted:
            return key, value
    return None, None


def _carries_oauth_urls(block: dict[str, Any]) -> bool:
    """The profile holds its OAuth endpoints (any of the authorization, token, refresh-token or
    callback URL keys). The platform's own exports leave them out, so a profile without them
    says nothing about refresh."""
    return any(_get_ci(block, name)[0] for name in (*OAUTH_URL_KEYS, "callbackUrl"))


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _sso_type(profile: ExportNode) -> str:
    value = profile.get("sso_type")
    return value.lower().strip() if isinstance(value, str) else ""


def _profile_label(profile: ExportNode) -> str:
    name = profile.get("name")
    return f"Authorization profile '{name[:60]}'" if isinstance(name, str) else "An authorization profile"


def _fields_of(profile: ExportNode) -> Iterator[tuple[int, dict[str, Any]]]:
    fields = profile.get("fields")
    if isinstance(fields, list):
        for index, item in enumerate(fields):
            if isinstance(item, dict):
                yield index, item


def _field_type(item: dict[str, Any]) -> str:
    value = item.get("type")
    return re.sub(r"[^a-z]", "", value.lower()) if isinstance(value, str) else ""


@rule(code="BOT005", name="auth-profile-plain-http", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=319, subject="bot-export")
def auth_profile_plain_http(subject: BotExportSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an authorization profile whose authorization, token or refresh-token URL uses
    `http://`.

    **Why is this bad?**

    These URLs carry authorization codes, client secrets, access and refresh tokens; over plain
    HTTP they can be read or replaced on the way (RFC 6749 requires TLS for them).

    **Example**

    `"oauth": {"tokenUrl": "http://login.example.com/oauth/token"}`.

    **Fix**

    Use the identity provider's `https://` endpoints.

    **References**

    - RFC 6749 §3.1 and §3.2 (TLS required)
    - https://datatracker.ietf.org/doc/html/rfc6749#section-3.2
    """
    for profile in subject.auth_profiles:
        block, keys = _oauth(profile)
        for name in OAUTH_URL_KEYS:
            key, value = _get_ci(block, name)
            if key and isinstance(value, str) and value.strip().lower().startswith("http://"):
                yield Hit(message=f"{_profile_label(profile)} sends OAuth traffic to {name} over plain HTTP.",
                          evidence={"setting": name, "host": _host(value)},
                          location=profile.locate(*keys, key))


@rule(code="BOT006", name="auth-profile-field-limits", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=20, subject="bot-export")
def auth_profile_field_limits(subject: BotExportSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an OAuth authorization profile whose client id or client secret is longer than 255
    characters, or whose authorization, token, refresh or callback URL is longer than 3000.

    **Why is this bad?**

    The platform refuses such values: importing the export fails, or the profile silently keeps
    an older value, and authorization breaks at run time.

    **Example**

    A `clientSecret` of 300 characters (often a whole JSON credential file pasted in).

    **Fix**

    Paste only the client id and secret themselves; shorten URLs by moving long static query
    parameters into the profile's fields.

    **References**

    - https://cwe.mitre.org/data/definitions/20.html
    """
    for profile in subject.auth_profiles:
        block, keys = _oauth(profile)
        for name, limit in (("clientId", MAX_OAUTH_ID), ("clientSecret", MAX_OAUTH_ID),
                            *((u, MAX_OAUTH_URL) for u in (*OAUTH_URL_KEYS, "callbackUrl"))):
            key, value = _get_ci(block, name)
            if key and isinstance(value, str) and len(value) > limit:
                yield Hit(message=f"{_profile_label(profile)} has {_article(name)} {name} of {len(value)} "
                                  "characters; the "
                                  f"platform accepts at most {limit}.",
                          evidence={"setting": name, "length": len(value), "limit": limit},
                          location=profile.locate(*keys, key))


@rule(code="BOT007", name="auth-profile-query-secret", severity=Severity.HIGH, confidence=Confidence.MEDIUM,
      cwe=598, subject="bot-export")
def auth_profile_query_secret(subject: BotExportSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an authorization-profile field of type Query String (or Path Param) whose value is a
    literal secret.

    **Why is this bad?**

    URLs are written to access logs, proxy logs, browser history and error reports: a key in the
    query string or path leaks to all of them.

    **Example**

    `"fields": [{"type": "query", "key": "api_key", "value": "9f8e7d6c5b4a…"}]`.

    **Fix**

    Send the credential in a header field instead, and reference a secured environment variable
    (`{{env.API_KEY}}`) rather than the value; rotate the exposed key.

    **References**

    - https://cwe.mitre.org/data/definitions/598.html
    - https://datatracker.ietf.org/doc/html/rfc6750#section-2.3
    """
    for profile in subject.auth_profiles:
        for index, item in _fields_of(profile):
            key, value = str(item.get("key") or ""), item.get("value")
            if _field_type(item) in _QUERY_TYPES and literal_credential(key, value):
                yield Hit(message=f"{_profile_label(profile)} sends a literal secret in the URL "
                                  f"({item.get('type')} field '{key[:40]}').",
                          evidence={"field": key[:40], "type": item.get("type"), **_describe(value)},
                          value=value, location=profile.locate("fields", index, "value"))


@rule(code="BOT008", name="auth-profile-literal-secret", severity=Severity.HIGH, confidence=Confidence.MEDIUM,
      cwe=798, subject="bot-export")
def auth_profile_literal_secret(subject: BotExportSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an authorization profile whose OAuth client secret, or whose header/payload field
    value, is a literal secret in the export rather than a template (`{{env.…}}`).

    **Why is this bad?**

    The profile's secret is exported with the bot and visible to everyone who can open the
    export; it cannot differ between environments, and rotating it means editing the bot.

    **Example**

    `"oauth": {"clientSecret": "S3cr3t-9f8e…"}` or
    `"fields": [{"type": "header", "key": "Authorization", "value": "Basic c3ZjOnB3ZA=="}]`.

    **Fix**

    Reference a secured environment variable for the value, and rotate the exported secret.

    **References**

    - https://cwe.mitre.org/data/definitions/798.html
    """
    for profile in subject.auth_profiles:
        block, keys = _oauth(profile)
        key, secret = _get_ci(block, "clientSecret")
        if key and isinstance(secret, str) and secret.strip() and not is_withheld(secret):
            yield Hit(message=f"{_profile_label(profile)} stores its OAuth client secret in the export.",
                      evidence={"setting": "clientSecret", **_describe(secret)}, value=secret,
                      location=profile.locate(*keys, key))
        for index, item in _fields_of(profile):
            name, value = str(item.get("key") or ""), item.get("value")
            if _field_type(item) not in _QUERY_TYPES and literal_credential(name, value):
                yield Hit(message=f"{_profile_label(profile)} field '{name[:40]}' holds a literal secret.",
                          evidence={"field": name[:40], **_describe(str(value))}, value=str(value),
                          location=profile.locate("fields", index, "value"))


@rule(code="BOT009", name="auth-profile-missing-refresh", severity=Severity.LOW, confidence=Confidence.MEDIUM,
      cwe=613, subject="bot-export")
def auth_profile_missing_refresh(subject: BotExportSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an OAuth v2 authorization profile (authorization code or password grant) that holds
    its OAuth endpoints (authorization, token or callback URL) but no refresh-token URL.
    Client-credentials profiles are not flagged: that grant issues no refresh tokens. Nor is a
    profile without any OAuth URL: the platform's exports leave those settings out.

    **Why is this bad?**

    Without refresh, users are sent through the login again whenever the access token expires,
    which pushes teams to request long-lived access tokens from the identity provider instead.

    **Example**

    `{"sso_type": "oauth2", "oauth": {"tokenUrl": "https://…/token"}}` with no `refreshTokenUrl`.

    **Fix**

    Set the refresh-token URL (usually the token URL) so short-lived access tokens are renewed.

    **References**

    - RFC 6749 §1.5 and §6 (refresh tokens)
    - https://datatracker.ietf.org/doc/html/rfc6749#section-6
    """
    for profile in subject.auth_profiles:
        kind = _sso_type(profile)
        if not kind.startswith("oauth2") or "client" in kind:
            continue
        block, _keys = _oauth(profile)
        if not _carries_oauth_urls(block):
            continue  # real exports leave the OAuth settings out: nothing to judge
        _key, value = _get_ci(block, "refreshTokenUrl")
        if not (isinstance(value, str) and value.strip()):
            yield Hit(message=f"{_profile_label(profile)} (OAuth v2) has no refresh-token URL.",
                      evidence={"sso_type": kind}, location=profile.locate("sso_type"))


@rule(code="BOT010", name="auth-profile-callback", severity=Severity.LOW, confidence=Confidence.MEDIUM,
      cwe=601, subject="bot-export")
def auth_profile_callback(subject: BotExportSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an OAuth v2 authorization-code profile whose callback URL is not the platform's
    `https://idp.kore.ai/workflows/callback/` (or `<account host>/workflows/callback/` for an
    export that names its on-premises host). Client-credentials and password grants have no
    callback and are not checked.

    **Why is this bad?**

    The authorization code is delivered to the callback. Any other URL either breaks the login
    or sends codes to a server the platform does not control.

    **Example**

    `"callbackUrl": "https://oauth.example-tools.io/callback"`.

    **Fix**

    Register `https://idp.kore.ai/workflows/callback/` with the identity provider and use it in
    the profile.

    **References**

    - RFC 6749 §3.1.2 (redirection endpoint)
    - https://datatracker.ietf.org/doc/html/rfc9700#section-4.1
    """
    allowed = {_norm_url(PLATFORM_CALLBACK)}
    if subject.host:
        allowed.add(_norm_url(subject.host.rstrip("/") + "/workflows/callback/"))
    for profile in subject.auth_profiles:
        kind = _sso_type(profile)
        if not kind.startswith("oauth2") or "client" in kind or "password" in kind:
            continue  # only the authorization-code grant redirects to a callback
        block, keys = _oauth(profile)
        key, value = _get_ci(block, "callbackUrl")
        if key and isinstance(value, str) and value.strip() and not is_template(value) \
                and _norm_url(value) not in allowed:
            yield Hit(message=_callback_message(profile, value, allowed),
                      evidence={"host": _host(value), "scheme": _scheme(value)},
                      location=profile.locate(*keys, key))


def _scheme(url: str) -> str | None:
    try:
        return urlsplit(url.strip()).scheme.lower() or None
    except ValueError:
        return None


def _callback_message(profile: ExportNode, value: str, allowed: set[str]) -> str:
    """Name what is wrong: the scheme alone (the platform's callback over http://), or the URL."""
    label, scheme, host = _profile_label(profile), _scheme(value), _host(value)
    if scheme and scheme != "https" and _norm_url("https" + value.strip()[len(scheme):]) in allowed:
        return (f"{label} uses the platform's callback over {scheme}:// instead of https:// "
                f"({PLATFORM_CALLBACK}).")
    shown = f"{scheme}://{host}" if scheme and host and scheme != "https" else host or "URL"
    return f"{label} uses callback {shown} instead of the platform's {PLATFORM_CALLBACK}."


def _norm_url(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    # scheme and host are case-insensitive and a trailing slash is tolerated; a query or fragment
    # (even an empty one) makes it another URL
    text = url.strip()
    query = f"?{parts.query}" if "?" in text else ""
    fragment = f"#{parts.fragment}" if "#" in text else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}{query}{fragment}"
