"""SEC: secrets and tokens stored in files (working tree, staged content, git history).

Rules read what `jwtaudit.sources.text.analyse_text` found: a `TokenSubject` per stored token
(SEC001), a `TextSubject` per file with candidate values (SEC002–SEC008, SEC101–SEC125 through
detect-secrets' plugins), and one `ScanSubject` for the whole scan (SEC009, SEC010).
SEC003 and SEC006 live in `sec_frontend.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from jwtaudit import tokens as tk
from jwtaudit.engine import RunContext
from jwtaudit.model import Confidence, Hit, Location, Severity
from jwtaudit.redact import short_hash, token_preview
from jwtaudit.rules.registry import rule
from jwtaudit.sources import secrets as ds
from jwtaudit.sources.key_names import (
    holds_no_secret,
    is_secret_key,
    is_xenioo_key_name,
    key_before,
    names_a_digest,
    names_a_stand_in,
    names_no_secret,
    normalise_key,
)
from jwtaudit.sources.text import is_kore_secret
from jwtaudit.subjects import Assignment, ScanSubject, TextSubject, TokenSubject

CLIENT_ID_WINDOW = 3  # lines either side in which a cs- client id binds a bare secret
_TEMPLATE_MARKS = ("{{", "${", "%(", "process.env", "os.environ", "getenv", "<%", "#{", "%7b")
# A URL's value that is a regex (`token=[A-Za-z0-9\\-]+` in an API description's pattern) or a
# placeholder variable (`secret=$Base32String`, `key=:apiKey`): a URL credential is never written so
# (brackets, braces and backslashes are escaped in a real URL).
_URL_PATTERN_OR_VARIABLE = re.compile(r"[\[\]{}\\]|^[$:][A-Za-z_]")


# An `exp` beyond this (about the year 5138) is a millisecond or "max date" value: the platform reads
# `exp` as seconds, so such a token never expires (TOK012 says why).
NEVER_EXPIRES_AFTER = 10**11
_TOKEN_SHAPE = re.compile(r"ey[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.")


def _iso(epoch: float) -> str:
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):  # outside what a date can show
        return "a date outside the calendar"


def is_literal(value: str) -> bool:
    """A real value, not a template, reference or placeholder."""
    lower = value.lower()
    return not any(mark in lower for mark in _TEMPLATE_MARKS) and not ds.is_placeholder(value)


def _is_issued_key(value: str) -> bool:
    """A literal that can be a key the platform issued (Xenioo's are 32 hex digits, or UUIDs): not a
    placeholder or typed filler, not a reference to where the key is kept (`$XENIOO_KEY`,
    `%KEY%`, `$(Key)`, `__KEY__`, `{key}`, `vault:…`, `@Microsoft.KeyVault(…)`, an ARN), and not a
    name (`AccountAPIKey`, `MyAccountApiKey`, `account-api-key`), which names a key instead of being one."""
    text = value.strip()
    if len(text) < 16 or not is_literal(text) or ds.is_typed_filler(text) or _KEY_REFERENCE.match(text):
        return False
    return not (text.isalpha() or (("-" in text or "_" in text) and ds.is_name_like(text)))


# Where a key is kept, written where the key would be: an environment or build variable, a
# template field, a secret store's address (Vault, 1Password, AWS/GCP/Azure secret managers).
_KEY_REFERENCE = re.compile(
    r"\$|%\w+%$|__\w+__$|\{[^{}]*\}$|\[[^\[\]]*\]$|#\{|@Microsoft\.KeyVault|arn:"
    r"|(?:vault|secret|secrets|op|ssm|gcp|gsm|azure|akv|keyvault|sm)[\w+.-]*:", re.IGNORECASE)


def _secret_evidence(item: Assignment, **extra: Any) -> dict[str, Any]:
    evidence: dict[str, Any] = {"key": item.key[:80], "length": len(item.value),
                                "sha256_prefix": short_hash(item.value)}
    evidence.update(extra)
    return evidence


def _named(key: str) -> str:
    """` (`clientSecret`)` after a place, or nothing for a value bound to no name."""
    return f" (`{key[:60]}`)" if key else ""


def _where(location: Location) -> str:
    place = location.path
    if location.commit:
        place += f"@{location.commit[:12]}"
    if location.line:
        place += f":{location.line}"
    elif location.pointer:
        place += f" {location.pointer}"
    return place


# --- SEC001 --------------------------------------------------------------------------------------


@rule(code="SEC001", name="committed-token", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=798, subject="token")
def committed_token(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a signed JWS or a JWE that is stored in a file: source code, a JSON/YAML/`.env`
    configuration, a curl command in Markdown, a notebook, a URL's query string. The message
    says whether it never expires or until when it is valid; an expired token is reported with
    low severity. An unsigned token gets TOK002 only. Every TOK rule also runs on the token at
    the same place.

    **Why is this bad?**

    A token is a bearer credential: whoever copies it from the repository, a fork, a CI log or
    a package can call the Kore.ai public APIs (or your own API) as its subject until it
    expires — and a token without `exp` never does.

    **Example**

    `curl -H "auth: eyJhbGciOi…" https://bots.kore.ai/api/public/…` (a whole signed token)
    in a README.

    **Fix**

    Remove the token, revoke it (rotate the app's client secret if the token cannot expire),
    and mint short-lived tokens at runtime from a secret held in a secret store.

    **References**

    - https://cwe.mitre.org/data/definitions/798.html
    - RFC 8725 §3.10 (do not leak tokens)
    - https://developer.kore.ai/docs/bots/api-guide/apis/
    """
    token = subject.token
    if not subject.stored or not (token.is_jwe or token.signed):
        return
    if isinstance(token.alg, str) and token.alg.lower() == "none":
        return  # unsigned whatever its last segment holds: TOK002 only
    if not token.is_jwe and any(p.startswith(("payload is not UTF-8", "payload segment:"))
                                for p in token.problems):
        return  # the payload is not even text (a file `<header>.json.bak`): TOK001 says so
    claims = token.claims
    exp = claims.get("exp")
    severity = None
    if token.is_jwe:
        validity = "its expiry is encrypted"
    elif isinstance(exp, (int, float)) and not isinstance(exp, bool) and exp <= NEVER_EXPIRES_AFTER \
            and exp == exp:  # NaN is not a time
        if exp < ctx.now - ctx.config.clock_skew:
            validity = f"expired on {_iso(exp)}"
            severity = Severity.LOW
        else:
            validity = f"valid until {_iso(exp)}"
    else:  # no usable `exp`, or one in milliseconds (`Date.now()`): read as seconds, it never comes
        validity = "it never expires"
    kind = "JWE" if token.is_jwe else "signed JWT"
    yield Hit(
        message=f"A {kind} is stored in the file; {validity}.",
        evidence={"alg": token.alg, "kind": token.kind,
                  "profile": tk.classify(token, subject.profile, public_api=subject.public_api),
                  "claims": sorted(str(k) for k in claims)[:20], "token": token_preview(token.raw)},
        severity=severity,
        value=token.raw,
    )


# --- SEC002 --------------------------------------------------------------------------------------


def _client_id_near(subject: TextSubject, item: Assignment) -> str | None:
    """The client id the secret belongs to: its sibling in the same object of a structured file
    (`clientId` beside `clientSecret` in an app of a container, `appId` beside `apikey` in a
    per-bot BotKit block), else the nearest within a few lines."""
    line = item.location.line
    if line is None:
        return None
    pointer, doc = item.location.pointer, subject.document
    if pointer and doc is not None:
        sibling = _sibling_client_id(doc.data, pointer)
        if sibling is not None:
            return sibling
    near = sorted((abs(at - line), at, cid) for cid, at in subject.client_ids
                  if abs(at - line) <= CLIENT_ID_WINDOW)
    return near[0][2] if near else None


def _sibling_client_id(data: Any, pointer: str) -> str | None:
    """The `cs-` id under a client-id name in the object holding `pointer`'s value."""
    from jwtaudit.sources.text import node_at

    parent = node_at(data, pointer.rsplit("/", 1)[0])
    if not isinstance(parent, dict):
        return None
    for name in _CLIENT_ID_NAMES:
        value = parent.get(name)
        if isinstance(value, str) and value.lower().startswith("cs-"):
            return value
    return None


_CLIENT_ID_NAMES = ("appId", "clientId", "client_id", "clientID", "appid", "ClientId")


def _says_digest(subject: TextSubject, item: Assignment) -> bool:
    line = item.location.line
    text = subject.line_texts.get(line) if line else None
    if text is None and line:
        from jwtaudit.sources.lines import LineIndex

        text = LineIndex.of(subject.text).line_text(subject.text, line)
    return bool(text) and _DIGEST_WORDS.search(text) is not None


def _in_non_secret_column(subject: TextSubject, item: Assignment) -> bool:
    """A value in a Markdown table (with or without outer pipes) whose column header, or whose
    row's label in a two-column key/value table, names a digest, key id or public key."""
    line, column = item.location.line, item.location.column
    if not line or not column:
        return False
    row = subject.line_texts.get(line)
    if row is None:
        start = _line_start(subject.text, line)
        end = subject.text.find("\n", start)
        row = subject.text[start:] if end == -1 else subject.text[start:end]
    if "|" not in row[:column - 1]:
        return False  # not a cell of a Markdown table row: most secrets beside a client id
    label = next((cell.strip() for cell in row.split("|") if cell.strip()), "")
    if label and label not in row[column - 1:] and _names_no_secret_text(label):
        return True  # `| Public key | <value> |`
    from jwtaudit.sources.lines import LineIndex

    index = LineIndex.of(subject.text)
    header = line
    while header > 1 and "|" in index.line_text(subject.text, header - 1):
        header -= 1
    if header == line or not _TABLE_RULE.match(index.line_text(subject.text, header + 1)):
        return False
    cells = index.line_text(subject.text, header).split("|")
    cell = row[:column - 1].count("|")
    name = cells[cell].strip() if cell < len(cells) else ""
    return bool(name) and _names_no_secret_text(name)


def _names_no_secret_text(name: str) -> bool:
    return _DIGEST_WORDS.search(name) is not None or names_no_secret(name)


_TABLE_RULE = re.compile(r"[ \t|:]*-[-:| \t]*$")  # the line under a table's header (`|---|:-:|`, `-|-`)


def _line_start(text: str, line: int) -> int:
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return len(text)
    return start


_DIGEST_WORDS = re.compile(r"\b(?:sha-?(?:1|256|384|512)|hash(?:ed)?|digest|fingerprint|checksum)\b",
                           re.IGNORECASE)


def _names_a_xenioo_key(item: Assignment) -> bool:
    """Xenioo's names; a bare `APIKey`/`APISecret` only in a saved bots list (BotKit's `apikey` is Kore's)."""
    norm = normalise_key(item.key)
    if "xenioo" in norm:
        return True
    if not is_xenioo_key_name(item.key):
        return False
    pointer = item.location.pointer or ""
    return (norm not in ("apikey", "apisecret") or pointer.startswith("/Result/")
            or _in_xenioo_bots_list(pointer))


def _client_secret_key(key: str) -> bool:
    """Secret-like names a client secret is bound to (`clientSecret`, `KORE_CLIENT_SECRET`,
    BotKit's `credentials.apikey`, `legacySecret`), not every credential-like name
    (`VerificationToken`, `password`); Xenioo's names are SEC004/SEC005's."""
    norm = normalise_key(key)
    return is_secret_key(key) and ("secret" in norm or norm.endswith("apikey")) and not names_no_secret(key)


@rule(code="SEC002", name="kore-client-secret", severity=Severity.CRITICAL, confidence=Confidence.HIGH,
      cwe=798, subject="text")
def kore_client_secret(subject: TextSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a Kore.ai app client secret — 44 characters of base64 that decode to exactly 32 bytes —
    bound to a secret-like key (`clientSecret`, `client_secret`, `KORE_CLIENT_SECRET`, BotKit's
    `credentials.apikey`, `apiKey` …) or written within three lines of a `cs-` client id (a
    Markdown table, a curl example, a Get Bots response).

    **Why is this bad?**

    The client secret signs the JWTs the platform trusts. With it anyone can mint tokens for the
    app's API scopes (export or import bots, read conversation history, manage users) or
    impersonate users of the web SDK, for as long as the secret is not rotated.

    **Example**

    ```json
    {"credentials": {"appId": "cs-3f2a…", "apikey": "q0Z8m3Vt…Oy4M="}}   (all 44 characters)
    ```

    **Fix**

    Rotate the secret in the app's settings (Builder or Admin Console › API Scopes / Apps), then
    read it at runtime from an environment variable or a secret store; keep `.env` files out
    of version control.

    **References**

    - https://developer.kore.ai/docs/bots/api-guide/apis/
    - https://cwe.mitre.org/data/definitions/798.html
    """
    for item in subject.assignments:
        if item.scope in ("url-query", "url-userinfo", "pem", "public-key", "jwk-private"):
            continue
        if not is_kore_secret(item.value) or not is_literal(item.value) or ds.is_typed_filler(item.value) \
                or ds.is_fixture_stand_in(item.value, item.location.path):
            continue  # a test's `base64("test-secret-for-unit-tests-only!")` is no app's secret
        if item.key and names_a_digest(item.key):
            continue  # `clientSecretSha256`: a hash to compare with (export-format.md), 44 chars too
        if _names_a_xenioo_key(item):
            continue  # `BotAPISecret`, a bots list's `APISecret`: Xenioo's (SEC004/SEC005), not Kore's
        client_id = _client_id_near(subject, item)
        bound = _client_secret_key(item.key)
        if not bound and (client_id is None or _says_digest(subject, item) or names_no_secret(item.key)
                          or _in_non_secret_column(subject, item)):
            continue  # unbound and alone, or a digest, public key or id kept beside its client id
        reason = f"under `{item.key}`" if bound else "next to a client id"
        yield Hit(
            message=f"Kore client secret stored in the file {reason}.",
            evidence=_secret_evidence(item, client_id=client_id),
            value=item.value, location=item.location, anchor=item.location.pointer or item.key,
        )


# --- SEC004 / SEC005 ----------------------------------------------------------------------------


@rule(code="SEC004", name="xenioo-account-key", severity=Severity.CRITICAL, confidence=Confidence.HIGH,
      cwe=798, subject="text")
def xenioo_account_key(subject: TextSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a literal value for Xenioo's `AccountAPIKey` (also `account_api_key`,
    `XENIOO_ACCOUNT_API_KEY` …) in code, configuration or documentation.

    **Why is this bad?**

    The account API key authorises `POST <endpoint>/authorization/integration` for the whole
    Xenioo account: it yields tokens for every bot, including `GET /bots`, which returns every
    bot's `APIKey` and `APISecret`.

    **Example**

    `{"AccountAPIKey": "9b1c3e7f…"}` (the whole key) in a request sample.

    **Fix**

    Regenerate the key in the Xenioo account settings and load it at runtime from a secret store
    or an environment variable.

    **References**

    - https://www.xenioo.com/docs/global-platform-api/
    - https://cwe.mitre.org/data/definitions/798.html
    """
    for item in subject.assignments:
        if _xenioo_kind(item) == "account" and _is_issued_key(item.value):
            yield Hit(message=f"Xenioo account API key stored in the file under `{item.key}`.",
                      evidence=_secret_evidence(item), value=item.value, location=item.location,
                      anchor=item.location.pointer or item.key)


def _xenioo_kind(item: Assignment) -> str | None:
    """Which Xenioo key a name holds: "account" (`AccountAPIKey`; `XENIOO_API_KEY`, `xenioo.apiKey`
    — the account key is Xenioo's only non-bot key) or "bot" (`BotAPIKey`, `BotAPISecret`,
    `XENIOO_BOT_KEY`, `XENIOO_SECRET` — its only secret is a bot's), else None. A bare `APIKey` /
    `APISecret` is Xenioo's only in a bots list (SEC005 decides that)."""
    norm = normalise_key(item.key)
    if norm.endswith("accountapikey"):
        return "account"
    if norm.endswith(("botapikey", "botapisecret")):
        return "bot"
    pointer = (item.location.pointer or "").lower()
    if "xenioo" not in norm and "/xenioo" not in pointer:
        return None
    if "/bots/" in pointer:
        return None  # a bots list's members: SEC005's own test
    if "bot" in norm.replace("xenioo", "") or norm.endswith("secret"):
        return "bot" if norm.endswith(("key", "secret")) else None
    return "account" if norm.endswith("key") else None


def _xenioo_bots_list(subject: TextSubject) -> bool:
    doc = subject.document
    data = doc.data if doc is not None else None
    if not isinstance(data, dict) or not isinstance(data.get("Result"), list):
        return False
    return any(isinstance(bot, dict) and ("APIKey" in bot or "APISecret" in bot) for bot in data["Result"])


def _holds_xenioo_bots_list(subject: TextSubject) -> bool:
    """The text holds a saved `GET /bots` response somewhere else than as the whole document: in a
    Markdown code block, a test's literal, a Postman example's response body (an escaped JSON
    string): a `"Result": [` list with `APIKey`/`APISecret` members."""
    text = subject.text
    return "Result" in text and ("APISecret" in text or "APIKey" in text) \
        and _RESULT_LIST.search(text) is not None


_RESULT_LIST = re.compile(r'(?<![\w$])\\?["\']?Result\\?["\']?\s*:\s*\[')


def _in_xenioo_bots_list(pointer: str) -> bool:
    """A member of an item of a `bots` list with a `xenioo` key above it (`/xenioo/bots/0/apiKey`)."""
    parts = pointer.lower().split("/")
    return len(parts) >= 5 and parts[-2].isdigit() and parts[-3] == "bots" and "xenioo" in parts[1:-3]


@rule(code="SEC005", name="xenioo-bot-credentials", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=798, subject="text")
def xenioo_bot_credentials(subject: TextSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags literal Xenioo bot-level credentials: `BotAPIKey` / `BotAPISecret` values anywhere,
    and `APIKey` / `APISecret` in a saved Xenioo bots list (`{"Result": [{"Name", "APIKey",
    "APISecret", …}]}`, the response of `GET /bots`) or in a `bots` list under a `xenioo` key
    (an account export container's `xenioo.bots`, an app's settings).

    **Why is this bad?**

    A bot's key and secret authorise its integration API: anyone holding them can talk to the
    bot as any user and read what the integration returns.

    **Example**

    `XENIOO_BOT_API_SECRET=4f1d…` in a committed `.env`, or a saved `bots.json` from `GET /bots`.

    **Fix**

    Regenerate the bot's API key and secret in Xenioo, keep them in a secret store, and never
    commit responses of `GET /bots`.

    **References**

    - https://www.xenioo.com/docs/global-platform-api/
    - https://cwe.mitre.org/data/definitions/798.html
    """
    bots_list = _xenioo_bots_list(subject)
    saved_list: bool | None = None  # worked out only for a bare APIKey/APISecret
    for item in subject.assignments:
        norm = normalise_key(item.key)
        pointer = item.location.pointer or ""
        if _xenioo_kind(item) == "bot":
            pass
        elif bots_list and item.key in ("APIKey", "APISecret") and pointer.startswith("/Result/"):
            pass
        elif item.key in ("APIKey", "APISecret") and not bots_list and (
                saved_list if saved_list is not None else (saved_list := _holds_xenioo_bots_list(subject))):
            pass
        elif not (norm in ("apikey", "apisecret") and _in_xenioo_bots_list(pointer)):
            continue
        if _is_issued_key(item.value):
            yield Hit(message=f"Xenioo bot credential stored in the file under `{item.key}`.",
                      evidence=_secret_evidence(item), value=item.value, location=item.location,
                      anchor=item.location.pointer or item.key)


# --- SEC007 --------------------------------------------------------------------------------------


@rule(code="SEC007", name="secret-in-url", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=598, subject="text")
def secret_in_url(subject: TextSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a URL that carries a literal credential: in its query (`token=`, `api_key=`, `apikey=`,
    `access_token=`, `secret=`, `key=` …) or in its user-info (`https://user:pass@host/`).
    Templates, placeholders, regular expressions (`token=[A-Za-z0-9\\-]+` in an API
    description's pattern) and placeholder variables (`secret=$Base32String`) are not literals.

    **Why is this bad?**

    URLs are logged by proxies, web servers, browsers and CI systems and are sent on in
    `Referer` headers: a credential in a URL leaks far beyond the file it was written in.

    **Example**

    `https://bots.kore.ai/api/public/bot/st-…/history?access_token=9f2c…`

    **Fix**

    Send credentials in a header (the Kore public APIs take the JWT in the `auth` header),
    rotate the exposed value, and reference secrets through templates or environment variables.

    **References**

    - https://cwe.mitre.org/data/definitions/598.html
    - https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url
    """
    for item in subject.assignments:
        if item.scope not in ("url-query", "url-userinfo") or not is_literal(item.value) \
                or _URL_PATTERN_OR_VARIABLE.search(item.value) \
                or ds.is_fixture_stand_in(item.value, item.location.path):
            continue
        if item.value.startswith("eyJ") and item.scope == "url-query":
            place = f"query parameter `{item.key}` (a token; see SEC001)"
        elif item.scope == "url-query":
            place = f"query parameter `{item.key}`"
        else:
            place = "user-info (user:password@)"
        yield Hit(message=f"URL carries a literal credential in its {place}.",
                  evidence={"parameter": item.key[:40] if item.scope == "url-query" else None,
                            "length": len(item.value), "sha256_prefix": short_hash(item.value)},
                  value=item.value, location=item.location, anchor=item.location.pointer or item.key)


# --- SEC008 --------------------------------------------------------------------------------------


@rule(code="SEC008", name="private-key", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=321, subject="text")
def private_key(subject: TextSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a PEM private key (`-----BEGIN … PRIVATE KEY-----` with a real body), and a JWK or
    JWKS entry with private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, or `k` for an `oct` key).

    **Why is this bad?**

    A private key signs RS256/ES256 tokens (Kore SDK tokens, your identity provider's) or
    decrypts JWEs: whoever has it can mint tokens every verifier trusts.

    **Example**

    `{"keys": [{"kty": "RSA", "n": "…", "e": "AQAB", "d": "…"}]}` in `jwks.json`.

    **Fix**

    Replace the key pair, publish only the public key (JWKS without private members), and keep
    the private key in a key store or KMS.

    **References**

    - https://cwe.mitre.org/data/definitions/321.html
    - RFC 7517 §4 and RFC 7518 §6.3.2 (private JWK members)
    """
    for item in subject.assignments:
        if item.scope == "pem":
            yield Hit(message=f"Private key stored in the file ({item.key.title()}).",
                      evidence={"type": item.key, "sha256_prefix": short_hash(item.value)},
                      value=item.value, location=item.location, anchor=item.location.pointer or item.key)
        elif item.scope == "jwk-private":
            yield Hit(message=f"JWK with private members ({item.key}) stored in the file.",
                      evidence={"members": item.key.split(","), "sha256_prefix": short_hash(item.value)},
                      value=item.value, location=item.location, anchor=item.location.pointer or "jwk")


# --- SEC009 / SEC010 -------------------------------------------------------------------------------


@rule(code="SEC009", name="secret-signs-token", severity=Severity.CRITICAL, confidence=Confidence.HIGH,
      cwe=798, subject="scan")
def secret_signs_token(subject: ScanSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Tries every secret found anywhere in the scan against every HMAC-signed token found anywhere
    in the scan (and every private key, then every public key — PEM or JWK — against every
    RS/PS/ES token; an `oct` JWK's key against HMAC tokens), offline. When one verifies the
    other, it reports the token's place and names the secret's place: a private key that signed
    the token is critical, like a secret; a public key only proves the committed token genuine
    (high).

    **Why is this bad?**

    It is offline proof that the leaked secret is the live signing key: anyone who reads the
    repository can mint tokens the platform accepts, not just replay the one that was committed.
    (A public key that verifies a committed token proves the token is genuine.)

    **Example**

    `.env` holds `KORE_CLIENT_SECRET=…` and `docs/api.md` a curl command whose `auth` token was
    signed with that secret.

    **Fix**

    Rotate the secret (or key pair) now; remove both the secret and the token from the files
    and from history; mint tokens at runtime.

    **References**

    - https://cwe.mitre.org/data/definitions/798.html
    - RFC 7515 §5.2 (signature verification), RFC 8725 §3.5
    """
    secrets: dict[str, Assignment] = {}
    for item in subject.secrets:
        secrets.setdefault(item.value, item)
    hmac_tokens = [t for t in subject.tokens if t.token.alg in tk.HMAC_HASHES and t.token.signature]
    matches = _signing_secrets(hmac_tokens, secrets, ctx)
    proven: list[tuple[TokenSubject, str]] = ctx.extras.setdefault(PROVEN_KEYS, [])
    proven_inputs: set[bytes] = set()
    for token_subject in hmac_tokens:
        token = token_subject.token
        match = matches.get((token.signing_input, token.signature))
        if match is not None:
            proven.append((token_subject, match))  # TOK024 judges the key's length (scan_wide)
            proven_inputs.add(token.signing_input)
            source = secrets[match]
            yield Hit(
                message=f"The secret at {_where(source.location)}{_named(source.key)} verifies this "
                        f"{token.alg} token: the leaked secret is the live signing key.",
                evidence={"alg": token.alg, "secret_key": source.key[:80], "secret_location": _where(
                    source.location), "sha256_prefix": short_hash(match)},
                value=match, location=token_subject.location, related=(source.location,),
                anchor=token_subject.anchor,
            )
    keys = sorted(subject.public_keys, key=lambda key: key.scope == "public-key")  # a private key first
    jwks = [item for item in keys if item.scope != "pem" and item.value.startswith("{")]
    for token_subject in subject.tokens:
        token = token_subject.token
        if not token.signature or not token.alg:
            continue
        if token.alg[:2] in ("RS", "PS", "ES"):
            candidates = keys
        elif token.alg in tk.HMAC_HASHES and token_subject.token.signing_input not in proven_inputs:
            candidates = jwks  # an `oct` JWK's `k` is an HMAC key that no text secret spells
        else:
            continue
        for item in candidates:
            if not tk.verify_with_public_key(token, item.value):
                continue
            if item.scope != "public-key":  # the leaked secret is the private key: whoever reads it signs
                what = "secret key (JWK)" if token.alg in tk.HMAC_HASHES else "private key"
                yield Hit(
                    message=f"The {what} at {_where(item.location)} signs this {token.alg} token: "
                            "the leaked key is the live signing key.",
                    evidence={"alg": token.alg, "key_location": _where(item.location)},
                    value=token.raw, location=token_subject.location, related=(item.location,),
                    anchor=token_subject.anchor,
                )
            else:
                yield Hit(
                    message=f"The public key at {_where(item.location)} verifies this {token.alg} token: "
                            "the committed token is genuine.",
                    evidence={"alg": token.alg, "key_location": _where(item.location)},
                    severity=Severity.HIGH, value=token.raw, location=token_subject.location,
                    related=(item.location,), anchor=token_subject.anchor,
                )
            break


PROVEN_KEYS = "sec009_proven_keys"  # ctx.extras: (token subject, the secret that verifies it)
MAX_SEC009_PAIRS = 50_000  # HMAC checks per scan (about half a second on a slow core); closest pairs first


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _signing_secrets(tokens: list[TokenSubject], secrets: dict[str, Assignment],
                     ctx: RunContext) -> dict[tuple[bytes, bytes], str]:
    """Which secret signs which token. First pass: for every token, the secrets next to its
    client id, in its file and in its folder; second pass: every other pair, while the budget
    lasts (the scan notes when it ran out)."""
    by_client: dict[str, list[str]] = {}
    by_path: dict[str, list[str]] = {}
    by_folder: dict[str, list[str]] = {}
    for value, item in secrets.items():
        if item.client_id:
            by_client.setdefault(item.client_id, []).append(value)
        by_path.setdefault(item.location.path, []).append(value)
        by_folder.setdefault(_folder(item.location.path), []).append(value)
    macs = tk.HmacKeys()
    budget = MAX_SEC009_PAIRS
    found: dict[tuple[bytes, bytes], str] = {}
    tried: dict[tuple[bytes, bytes], set[str]] = {}
    unique: dict[tuple[bytes, bytes], TokenSubject] = {}
    for subject in tokens:
        unique.setdefault((subject.token.signing_input, subject.token.signature), subject)
    for key, subject in unique.items():
        claims = subject.token.claims
        client = next((claims[k] for k in ("appId", "iss", "kore_iss") if isinstance(claims.get(k), str)), "")
        path = subject.location.path
        done = tried.setdefault(key, set())
        for value in (*by_client.get(client, ()), *by_path.get(path, ()), *by_folder.get(_folder(path), ())):
            if value in done or budget <= 0:
                continue
            done.add(value)
            budget -= 1
            if macs.verifies(value, subject.token.alg or "", key[0], key[1]):
                found[key] = value
                break
    for key, subject in unique.items():
        if key in found:
            continue
        done = tried[key]
        for value in secrets:
            if budget <= 0:
                ctx.extras["sec009_limited"] = True
                return found
            if value in done:
                continue
            budget -= 1
            if macs.verifies(value, subject.token.alg or "", key[0], key[1]):
                found[key] = value
                break
    return found


def _strong(item: Assignment) -> bool:
    value = item.value
    if not is_literal(value) or _KEY_REFERENCE.match(value.strip()):
        return False  # `$XENIOO_ACCOUNT_API_KEY` in two compose files is one variable, not a reused key
    if ds.EXAMPLE_POINTER.search(item.location.pointer or ""):
        return False
    if _TOKEN_SHAPE.match(value.replace("%2E", ".").replace("%2e", ".")):
        return False  # a committed JWS/JWE (perhaps %2E-encoded in a URL): SEC001 reports each place
    if item.key and (holds_no_secret(item.key) or names_a_stand_in(item.key)):
        return False  # a pagination token or a test's fake, even in a client secret's shape
    if is_kore_secret(value) or (_names_a_xenioo_key(item) and _is_issued_key(value)):
        return True  # Xenioo's keys may be UUIDs, which are ids anywhere else
    return (len(value) >= 16 and ds.shannon_entropy(value) >= 3.0 and ds.looks_like_secret_value(value)
            and normalise_key(item.key) != "key" and not ds.is_fixture_stand_in(value, item.location.path))


def _environment(item: Assignment) -> str:
    """The file, and within it the section or app (`/dev`, `/jwtApps/1`) a value belongs to; the
    lines of code or text outside any section are one environment (a test file repeating one
    expected value is not reuse), and so are the places of one app (a Get Bots response lists an
    app under every bot it serves, with its client id beside its secret each time)."""
    scope = "" if item.scope.startswith(("line:", "url-")) else item.scope
    if item.client_id:
        scope = f"app:{item.client_id}"
    return f"{item.location.path}\0{item.location.commit or ''}\0{scope}"


@rule(code="SEC010", name="secret-reused", severity=Severity.MEDIUM, confidence=Confidence.MEDIUM,
      cwe=798, subject="scan")
def secret_reused(subject: ScanSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Compares every secret found in the scan (reports name it by a short keyed hash, never by
    value) and flags a value that appears in
    more than one file, or under different environments or apps of one file (`dev` and `prod`
    sections, two `jwtApps`). Lines of one file outside any section are one environment: a test
    module that repeats its signing key in each test is not reuse. A committed token is not
    compared: SEC001 reports it at every place it is stored.

    **Why is this bad?**

    One secret shared between environments or apps means a leak of the least protected copy
    (a developer's `.env`, a staging server) compromises production, and rotating it breaks
    every place at once, so it tends not to be rotated.

    **Example**

    The same `clientSecret` in `config/dev.json` and `config/prod.json`.

    **Fix**

    Give each environment and app its own secret (create a separate app per environment) and
    rotate the shared one.

    **References**

    - https://cwe.mitre.org/data/definitions/798.html
    - https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
    """
    by_value: dict[str, list[Assignment]] = {}
    for item in subject.secrets:
        by_value.setdefault(item.value, []).append(item)
    groups = [strong for items in by_value.values() if len(items) > 1  # a value seen once is no reuse
              if len(strong := [item for item in items if _strong(item)]) > 1]
    for items in groups:
        places: dict[str, Assignment] = {}
        for item in sorted(items, key=lambda a: (a.location.path, a.location.line or 0,
                                                 a.location.column or 0)):
            places.setdefault(_environment(item), item)
        if len(places) < 2:
            continue
        first, *others = places.values()
        files = sorted({i.location.path for i in places.values()})
        yield Hit(
            message=f"The same secret appears in {len(places)} places across {len(files)} file(s); "
                    f"also at {', '.join(_where(o.location) for o in others[:5])}.",
            evidence={"key": first.key[:80], "places": len(places), "files": files[:10],
                      "sha256_prefix": short_hash(first.value)},
            value=first.value, location=first.location, related=tuple(o.location for o in others),
            anchor=first.location.pointer or first.key,
        )


# --- SEC101–SEC125: detect-secrets plugins --------------------------------------------------------

_GENERIC_DOC = """**What it does**

Runs detect-secrets' `{plugin}` ({title}) on the lines of a file where its trigger words
appear, and flags what it finds after jwtaudit's false-positive filters (templates,
placeholders, UUIDs, SRI and git hashes, data URIs, notebook outputs, lock files, CSRF tokens,
and in structured files the values of `pattern`, `documentation` and pagination-token members
such as `NextToken`). The keyword and entropy detectors also pass over values that stand in
for a credential: ones that spell `password` or `secret` (`p@ssw0rd`, `superS3cret`), stored
password hashes (`pbkdf2_sha256$…`), base64 of a readable phrase, numbered names
(`FROM_CREDS_FILE_2`), values under names about a secret rather than of one
(`password_field_name`, `token_cache_key`) or that call it a test, fake, dummy, mock or
example value (`MASKED_TEST_SECRET`), and values whose only secret word is inside the value
itself. Where a specific rule (SEC001–SEC008) reports the same place, this generic finding
is dropped.

**Why is this bad?**

A credential committed to a repository is readable by everyone with access to it, its forks,
its CI logs and its packages, and stays in git history after it is deleted from the file.

**Example**

`{example}`

**Fix**

Revoke or rotate the credential with its issuer, remove it from the file (and from history),
and load it at runtime from a secret store or an environment variable.

**References**

- https://github.com/Yelp/detect-secrets
- https://cwe.mitre.org/data/definitions/798.html
"""


def _pointer_at(subject: TextSubject, line: int, column: int) -> str | None:
    """The narrowest value of the document holding (line, column): one on that line, else a value
    that spans lines (a YAML block scalar, a multi-line string), as specific rules report it."""
    doc = subject.document
    if doc is None:
        return None
    if _POINTERS[0] is not doc:  # one index per document, shared by the 25 generic rules
        from jwtaudit.sources.pointers import PointerIndex

        _POINTERS[:] = [doc, PointerIndex(doc.spans)]
    index = _POINTERS[1]
    return index.on_line(line, column) or index.spanning(line, column)


_POINTERS: list[Any] = [None, None]  # [document, its PointerIndex] for the last document asked about


def _make_generic(spec: ds.PluginSpec) -> Callable[[TextSubject, RunContext], Iterator[Hit]]:
    def check(subject: TextSubject, ctx: RunContext) -> Iterator[Hit]:
        lines = _detector_lines(subject).get(spec.code)
        if not lines or ds.is_lock_file(subject.location.path):
            return
        texts = subject.line_texts
        for line in lines:
            text = texts.get(line)
            if text is None:
                text = _line_index(subject, ctx).line_text(subject.text, line)
            for offset, segment in _segments(text, spec):
                for value, column in ds.detect(spec.code, subject.location.path, segment):
                    if spec.plugin == "PrivateKeyDetector" and "BEGIN" in value \
                            and not _key_body_follows(subject, ctx, line, segment[column + len(value):]):
                        continue  # a marker named in prose or code, no key after it (SEC008 judges keys)
                    yield from _generic_hit(spec, subject, line, column + offset, value,
                                            segment[:column])

    check.__name__ = spec.name.replace("-", "_")
    check.__doc__ = _GENERIC_DOC.format(plugin=spec.plugin, title=spec.title, example=spec.example)
    return check


def _key_body_follows(subject: TextSubject, ctx: RunContext, line: int, rest: str) -> bool:
    """A key's base64 body (or PEM/SSH2 headers) after its BEGIN marker: on the same line (after
    the armour, perhaps past an escaped newline), else on the next line."""
    rest = re.sub(r"^[-\s]*(?:\\[nr])*", "", rest).strip("'\"` ")
    if not rest:
        following = line + 1
        index = _line_index(subject, ctx)
        if following > index.line_count:
            return False
        rest = index.line_text(subject.text, following).strip().strip("'\"` ")
    return _KEY_BODY.match(rest) is not None


_KEY_BODY = re.compile(r"[A-Za-z0-9+/=]{40}|[A-Z][\w-]*: ")  # base64, or `Proc-Type:` / `Comment:`
_DETECTOR_LINES: list[Any] = [None, {}]  # [subject, {code: lines}] for the last text subject


def _detector_lines(subject: TextSubject) -> dict[str, tuple[int, ...]]:
    """`subject.detector_lines` as a dict, built once for the 25 generic rules that ask in turn."""
    if _DETECTOR_LINES[0] is not subject:
        _DETECTOR_LINES[:] = [subject, dict(subject.detector_lines)]
    lines: dict[str, tuple[int, ...]] = _DETECTOR_LINES[1]
    return lines


def _has_lines_for(code: str) -> Callable[[TextSubject], bool]:
    def applies(subject: TextSubject) -> bool:
        return code in _detector_lines(subject)

    return applies


def _line_index(subject: TextSubject, ctx: RunContext) -> Any:
    """One line index per subject, shared by the 25 generic rules that look at it in turn."""
    from jwtaudit.sources.lines import LineIndex

    cached = ctx.extras.get("sec_line_index")
    if cached is None or cached[0] is not subject:
        cached = (subject, LineIndex.of(subject.text))
        ctx.extras["sec_line_index"] = cached
    return cached[1]


LONG_LINE = 2000
_WINDOW_BEFORE, _WINDOW_AFTER = 256, 512


def _segments(line: str, spec: ds.PluginSpec) -> list[tuple[int, str]]:
    """The line itself, or for a long (minified) line the windows around its trigger words."""
    if len(line) <= LONG_LINE or not spec.words:
        return [(0, line)]
    from jwtaudit.sources.text import NATURAL_WORDS, in_blob

    low = line.lower()
    spans: list[list[int]] = []
    for word in spec.words:
        pos = low.find(word)
        while pos != -1 and len(spans) < 500:
            if not (word in NATURAL_WORDS and in_blob(low, pos, len(word))):
                spans.append([max(0, pos - _WINDOW_BEFORE), pos + _WINDOW_AFTER])
            pos = low.find(word, pos + len(word))
    spans.sort()
    merged: list[list[int]] = []
    for span in spans:
        if merged and span[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span[1])
        else:
            merged.append(span)
    return [(start, line[start:end]) for start, end in merged]


def _generic_hit(spec: ds.PluginSpec, subject: TextSubject, line: int, column: int,
                 value: str, before: str) -> Iterator[Hit]:
    pointer = _pointer_at(subject, line, column + 1)
    if pointer and ("/outputs/" in pointer or ds.EXAMPLE_POINTER.search(pointer)
                    or holds_no_secret(pointer.rsplit("/", 1)[-1])):
        return  # notebook output (images, logs), an API description's example value, a pattern …
    key = pointer.rsplit("/", 1)[-1] if pointer else key_before(before)
    if spec.by_name and (key == value or (key and names_a_stand_in(key))):
        return  # a member name, not a value; `password_field_name = "…"`, `TEST_SECRET = "…"`
    location = replace(subject.location, line=line, column=column + 1, end_line=line,
                       end_column=column + 1 + len(value), pointer=pointer)
    prefix = "Probable " if spec.confidence != "high" else ""
    yield Hit(message=f"{prefix}{spec.title} stored in the file (detect-secrets {spec.plugin}).",
              evidence={"detector": spec.plugin, "length": len(value), "sha256_prefix": short_hash(value)},
              value=value, location=location, anchor=pointer or f"{spec.code}:{short_hash(value)}")


_CONFIDENCE = {"high": Confidence.HIGH, "medium": Confidence.MEDIUM, "low": Confidence.LOW}
for _spec in ds.PLUGINS:
    rule(code=_spec.code, name=_spec.name, severity=Severity.HIGH, confidence=_CONFIDENCE[_spec.confidence],
         cwe=798, subject="text", applies=_has_lines_for(_spec.code))(_make_generic(_spec))
