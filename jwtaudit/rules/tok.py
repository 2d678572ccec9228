"""TOK: rules about one token (JWS or JWE), wherever it was found.

Each rule reads a `TokenSubject`: the parsed token plus what is known about the app it is for.
Kore-specific rules apply to the kore-api / kore-sdk profiles (or when the app's settings say
so); the generic ones to every token.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import unquote

from jwtaudit import tokens as tk
from jwtaudit.engine import RunContext
from jwtaudit.model import Confidence, Hit, Severity
from jwtaudit.redact import short_hash
from jwtaudit.rules.registry import rule
from jwtaudit.sources.key_names import key_words
from jwtaudit.subjects import TokenSubject

KORE_PROFILES = ("kore-api", "kore-sdk")
SDK_ALGORITHMS = ("HS256", "HS512", "RS256", "RS512")
KORE_JWE_ENC = ("A128CBC-HS256", "A128GCM", "A256GCM")
KORE_JWE_ALG = ("RSA-OAEP", "RSA1_5")  # the platform decrypts with its own RSA key (design.md)
MS_THRESHOLD = 10**11
JTI_MAX_LIFETIME = 3600
MAX_P2C = 1_200_000
DATE_CLAIMS = ("iat", "nbf", "exp")
_PLACEHOLDER_ID = re.compile(
    r"add-client-id-here|your[-_ ]?client[-_ ]?id|client[-_ ]?id[-_ ]?here|^<.*>$|^\$\{.*\}$|"
    r"^cs-x{8}|^cs-0{8}-0{4}|xxxx",
    re.IGNORECASE,
)
_SENSITIVE_VALUE = (
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    ("AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}")),
    ("Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("Stripe secret key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}")),
    ("JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}")),
)
# a bearer credential of another system carried inside this token's readable payload
_BEARER_TOKEN_KINDS = frozenset({"access", "refresh", "id", "auth", "bearer", "session", "api", "oauth"})
_NAME_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_NOT_SECRET_SUFFIX = re.compile(
    r"(at|on|date|time|expiry|expires|expiresin|length|policy|required|set|changed|reset|type|id|ids|"
    r"hint|question|questionanswered|enabled|configured|present|strength|version|name|url|uri|"
    r"hash|scope|scopes|ref|reference|path|file|filename|location)$"
)
# A value that names where a secret is kept rather than holding it: a secret-store reference
# (`vault://kv/kore`, `secret://…`, 1Password's `op://…`, an AWS ARN `arn:aws:secretsmanager:…`).
_SECRET_REFERENCE = re.compile(
    r"(?:vault|secret|secrets|op|ssm|secretsmanager|keyvault|azurekeyvault|gcpsm|awssm)://\S|arn:[a-z-]+:\S",
    re.IGNORECASE,
)
# a masked value shown in place of the secret (`********`, `••••`, `xxxxxxxx`)
_MASK_CHARS = frozenset("*\u2022\u25cfxX")
_KID_PROBLEMS = (
    ("path traversal", re.compile(r"\.\.[/\\]|[/\\]\.\.")),
    ("a file path", re.compile(
        r"^(?:/|\\|[A-Za-z]:[\\/]|\./|~/)|/(?:etc|dev|proc|tmp|var|home|root)/|"
        r"\.(?:pem|key|crt|cer|der|json|txt|pub)$", re.IGNORECASE)),
    ("a URL", re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^file:", re.IGNORECASE)),
    ("SQL metacharacters", re.compile(r"['\"`;]|--|/\*|\b(?:union|select|or|and)\b\s", re.IGNORECASE)),
    ("shell metacharacters", re.compile(r"[|&$<>\x60]|\$\(")),
    ("CR/LF", re.compile(r"[\r\n]")),
    ("a NUL byte", re.compile(r"\x00")),
)

# --- shared helpers --------------------------------------------------------------------------


def profile_of(subject: TokenSubject, ctx: RunContext) -> str:
    """The token's profile: `--profile` wins; a token sent to the public APIs (`auth` header,
    `/api/public/` URL) is kore-api whatever its claims say; otherwise its claims decide."""
    return tk.classify(subject.token, subject.profile or ctx.config.profile, public_api=subject.public_api)


def _forced_generic(subject: TokenSubject, ctx: RunContext) -> bool:
    """`--profile generic` (or `profile = "generic"` in config) overrides what the claims, the
    header or an export suggest: the Kore-specific rules stay silent (rules.md, token profiles)."""
    return (subject.profile or ctx.config.profile) == "generic"


def _is_kore(subject: TokenSubject, ctx: RunContext) -> bool:
    if _forced_generic(subject, ctx):
        return False
    return profile_of(subject, ctx) in KORE_PROFILES or subject.app is not None


def _kore_context(subject: TokenSubject, ctx: RunContext) -> bool:
    """The token is known to be for Kore from outside its claims (option, header, URL, export)."""
    if _forced_generic(subject, ctx):
        return False
    return (subject.profile or ctx.config.profile) in KORE_PROFILES or subject.public_api or (
        subject.app is not None)


def _has_jti(claims: dict[str, Any], *, sdk: bool = True) -> bool:
    """A `jti` (or, for SDK tokens, `kore_jti`) that identifies something: null or an empty
    string is no id at all. The public APIs read only `jti`."""
    for name in ("jti", "kore_jti") if sdk else ("jti",):
        value = claims.get(name)
        if value is None or isinstance(value, str) and not value.strip():
            continue
        return True
    return False


def _alg_problem(header: dict[str, Any] | None) -> str | None:
    """Why the header's `alg` is unusable (missing, null, not a string, empty), or None."""
    if header is None:
        return None
    if "alg" not in header:
        return "header has no 'alg'"
    alg = header["alg"]
    if not isinstance(alg, str):
        return f"header 'alg' is {_json_type(alg)}, not a string"
    if not alg.strip():
        return "header 'alg' is empty"
    return None


def _json_type(value: Any) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "not a finite number"
    return {"str": "a string", "float": "a float", "bool": "a boolean", "NoneType": "null",
            "dict": "an object", "list": "an array", "int": "an integer"}.get(type(value).__name__,
                                                                                type(value).__name__)


def _finite(value: Any) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def _hit(subject: TokenSubject, message: str, severity: Severity | None = None, *, part: str = "",
         **evidence: Any) -> Hit:
    """A hit on this token; `part` tells apart several hits of one rule (a claim, a parameter)."""
    base: dict[str, Any] = {"token": f"sha256:{short_hash(subject.token.raw)}"}
    if subject.token.alg is not None:
        base["alg"] = subject.token.alg[:40]
    base.update(evidence)
    anchor = f"{subject.anchor}#{part}" if part else None
    return Hit(message=message, evidence=base, severity=severity, value=subject.token.raw, anchor=anchor)


def _int_date(claims: dict[str, Any], name: str) -> int | None:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


_NUMERIC_TEXT = re.compile(r"\s*-?[0-9]{1,30}(?:\.[0-9]{0,30})?\s*")


def _lenient_date(claims: dict[str, Any], name: str) -> int | None:
    """The date a NumericDate claim means even when it is not an integer (TOK013 names that):
    a finite float or a numeric string (`"1795307200"`). The platform's limits apply to the value."""
    value = claims.get(name)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    if isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value):
        return int(value.strip().split(".")[0] or "0")
    return None


def _lenient_seconds(claims: dict[str, Any], name: str) -> int | None:
    value = _lenient_date(claims, name)
    if value is None or abs(value) > MS_THRESHOLD:
        return None
    return value


def _seconds_date(claims: dict[str, Any], name: str) -> int | None:
    """An integer NumericDate that is plausibly in seconds (not milliseconds)."""
    value = _int_date(claims, name)
    if value is None or abs(value) > MS_THRESHOLD:
        return None
    return value


def _readable(subject: TokenSubject) -> bool:
    return subject.token.kind == "jws" and subject.token.payload is not None


def _claim_name(name: str) -> str:
    return name if len(name) <= 40 else name[:37] + "..."


@lru_cache(maxsize=1)
def builtin_weak_secrets() -> tuple[str, ...]:
    text = resources.files("jwtaudit").joinpath("data/weak_secrets.txt").read_text("utf-8")
    words = [line for line in text.splitlines() if line and not line.startswith("# ")]
    return ("", *words)


def _context_candidates(words: Iterable[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if not word:
            continue
        variants = {word, word.lower(), word.upper(), word.replace(" ", ""), word.replace(" ", "-"),
                    word.replace(" ", "_"), word.lower().replace(" ", ""), word.lower().replace(" ", "-")}
        out.extend(sorted(variants))
    return out


@lru_cache(maxsize=64)
def _scan_candidates(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_context_candidates(words)))


def _own_identifiers(payload: Any) -> list[str]:
    """String values of the token's identifier claims (client id, issuer, subject, audience)."""
    if not isinstance(payload, dict):
        return []
    names = ("appId", "iss", "kore_iss", "sub", "kore_sub", "aud", "client_id", "clientId", "azp")
    values = [payload[name] for name in names if isinstance(payload.get(name), str)]
    values += [payload[name] for name in tk.app_id_variants(payload) if isinstance(payload[name], str)]
    return list(dict.fromkeys(value for value in values if value))


def find_weak_secret(subject: TokenSubject, ctx: RunContext) -> tuple[str, str] | None:
    """(secret, source) for the first guessable secret that verifies the token, memoised per run."""
    token = subject.token
    if token.alg not in tk.HMAC_HASHES or not token.signature:
        return None
    cache = ctx.extras.setdefault("weak_secret_cache", {})
    key = (token.signing_input, token.signature, subject.context_words)
    if key in cache:
        return cache[key]
    found: tuple[str, str] | None = None
    for source, candidates, keys in (
        ("the built-in weak-secret list", builtin_weak_secrets(), tk.SHARED_HMAC_KEYS),
        ("your wordlist", ctx.wordlist, None),
        ("names from the scanned context", _context_candidates(subject.context_words), tk.SHARED_HMAC_KEYS),
        # the token's own identifiers: signing with the client id instead of the secret is common
        ("the token's own identifier claims", _own_identifiers(token.payload), None),
    ):
        match = tk.crack_hmac(token, candidates, keys)
        if match is not None:
            found = (match, source)
            break
    cache[key] = found
    return found


def _app_secret_in_use(subject: TokenSubject) -> str | None:
    if subject.app is None:
        return None
    for secret in subject.app.secrets:
        if tk.verify_hmac(subject.token, secret):
            return secret
    return None


# --- rules ------------------------------------------------------------------------------------


@rule(code="TOK001", name="malformed-token", severity=Severity.LOW, confidence=Confidence.HIGH,
      cwe=20, subject="token")
def malformed_token(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags text shaped like a JWT whose segments are not valid base64url, whose header or payload
    is not a JSON object (or uses `NaN` / `Infinity`, which JSON does not have), that contains
    characters outside base64url, whose JSON has duplicate keys, or whose `alg` is missing or not
    a string.

    **Why is this bad?**

    Libraries disagree on such tokens: one rejects it, another keeps the first duplicate `alg` or
    `appId`, a third the last. Parser differentials are how signature checks get bypassed, and
    the platform will usually answer 401 anyway.

    **Example**

    A header `{"alg":"HS256","alg":"none"}`, or a payload segment with `+` and `/` (plain base64)
    instead of `-` and `_`.

    **Fix**

    Build tokens with a maintained JWT library instead of concatenating strings; encode segments
    as unpadded base64url of a JSON object with unique keys.

    **References**

    - RFC 7515 §2 and §7.1 (compact serialization), RFC 8725 §3.12
    - https://datatracker.ietf.org/doc/html/rfc7515
    """
    token = subject.token
    problems = list(token.problems)
    alg_problem = _alg_problem(token.header)
    if alg_problem is not None and (token.kind == "jws" or "alg" in (token.header or {})):
        problems.append(alg_problem)
    if token.is_jwe and token.header is not None:
        if "enc" not in token.header:
            problems.append("JWE header has no 'enc'")
        if not problems:
            problems.extend(tk.jwe_header_problems(token))
    if problems:
        yield _hit(subject, f"Malformed token: {problems[0]}.", problems=problems[:5])


@rule(code="TOK002", name="unsigned-token", severity=Severity.CRITICAL, confidence=Confidence.HIGH,
      cwe=347, subject="token")
def unsigned_token(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a JWS or JWE whose `alg` is `none` in any letter case (`none`, `None`, `NONE`, `nOnE`),
    or a JWS whose signature segment is empty although `alg` names an algorithm.

    **Why is this bad?**

    An unsigned token proves nothing: anyone can write one with any `sub` or `appId`. Verifiers
    that accept `alg: none` (or that skip the check when the signature is empty) let an attacker
    impersonate any user or app.

    **Example**

    `eyJhbGciOiJub25lIn0.<payload>.` — header `{"alg":"none"}` and an empty third segment.

    **Fix**

    Sign every token with HS256 and the app's client secret (Kore public APIs accept only HS256
    for API-scope apps); on the verifying side pass an explicit algorithm allow-list.

    **References**

    - RFC 8725 §2.1 and §3.1
    - https://datatracker.ietf.org/doc/html/rfc8725#section-3.1
    - CVE-2015-9235 (jsonwebtoken alg none)
    """
    token = subject.token
    alg = token.alg
    if alg is not None and alg.lower() == "none" and token.is_jwe:
        yield _hit(subject, f"Unprotected JWE: 'alg' is '{alg[:10]}'; no key protects it, anyone can "
                   "forge it.")
    elif alg is not None and alg.lower() == "none":
        yield _hit(subject, f"Unsigned token: 'alg' is '{alg[:10]}'; anyone can forge it.")
    elif token.kind == "jws" and alg and not token.signature_text:
        yield _hit(subject, f"Unsigned token: 'alg' is {alg[:20]} but the signature segment is empty.")


@rule(code="TOK003", name="api-token-algorithm", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=327, subject="token", kore_only=True)
def api_token_algorithm(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a Kore public-API token (kore-api profile) whose `alg` is not HS256, and a Kore SDK
    token (kore-sdk profile) whose `alg` is not one of HS256, HS512, RS256, RS512 — including an
    `alg` that is missing, `null` or not a string.

    **Why is this bad?**

    The platform verifies API-scope tokens with HS256 and the app's client secret only; any
    other algorithm is refused (401), and an integration that "works" with another algorithm is
    not talking to the API you think. SDK tokens accept only the four listed algorithms.

    **Example**

    `{"alg":"HS512"}` on a token whose payload is `{"sub":"...","appId":"cs-..."}`.

    **Fix**

    Sign API tokens with `HS256` and the client secret, e.g. `jwt.encode(payload, secret,
    algorithm="HS256")` / `jwt.sign(payload, secret, {algorithm: "HS256"})`.

    **References**

    - Kore.ai XO Platform: API Scopes and JWT apps ("only HS256 for API-scope apps")
    - https://developer.kore.ai/docs/bots/api-guide/apis/
    """
    token = subject.token
    alg = token.alg
    if token.kind != "jws" or token.header is None or alg is not None and alg.lower() == "none":
        return
    profile = profile_of(subject, ctx)
    if not alg or not alg.strip():  # missing, null, not a string, empty: no algorithm the platform takes
        if profile in KORE_PROFILES:
            problem = _alg_problem(token.header) or "header 'alg' is unusable"
            accepted = "HS256" if profile == "kore-api" else "HS256, HS512, RS256 or RS512"
            yield _hit(subject, f"Kore {'API' if profile == 'kore-api' else 'SDK'} token: {problem}; "
                       f"the platform accepts {accepted}.", profile=profile)
        return
    if profile == "kore-api" and alg != "HS256":
        yield _hit(subject, f"Kore API token signed with {alg[:20]}; the platform accepts only HS256.",
                   profile=profile)
    elif profile == "kore-sdk" and alg not in SDK_ALGORITHMS:
        yield _hit(subject, f"Kore SDK token signed with {alg[:20]}; the platform accepts "
                   "HS256, HS512, RS256 or RS512.", profile=profile)


@rule(code="TOK004", name="app-id-claim-miscased", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=287, subject="token", kore_only=True)
def app_id_claim_miscased(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a claim spelled like `appId` but not exactly (`appid`, `AppId`, `APPID`, `appID`,
    `app_id`, `App ID`, `app ID` …) when there is no exact `appId` claim. The claim's value must
    look like a Kore client id (`cs-…` or a placeholder), or the token must be known to be for
    Kore (`--profile`, an `auth` header, a `/api/public/` URL, an export): Azure AD's `appid`
    claim holds a bare GUID and is not a Kore mistake.

    **Why is this bad?**

    The Kore platform reads the client id only from a claim named exactly `appId`; every other
    spelling is rejected and the call fails with 401, often after hours of debugging the secret.

    **Example**

    `{"sub": "svc-exporter", "App ID": "cs-0a1b2c3d-…"}`

    **Fix**

    Rename the claim to `appId` (capital I, lower-case d, no space or underscore).

    **References**

    - Kore.ai XO Platform: API Scopes — "the claim must be exactly appId"
    - https://developer.kore.ai/docs/bots/api-guide/apis/
    """
    claims = subject.token.claims
    if "appId" in claims or _forced_generic(subject, ctx):
        return
    variants = tk.kore_app_id_variants(claims)
    if not variants and _kore_context(subject, ctx):
        variants = tk.app_id_variants(claims)
    if variants:
        name = _claim_name(variants[0])
        yield _hit(subject, f"Claim '{name}' must be spelled exactly 'appId'; the platform rejects "
                   "other spellings.", claim=name)


@rule(code="TOK005", name="app-id-claim-missing", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=287, subject="token", kore_only=True)
def app_id_claim_missing(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a token known to be for the Kore public APIs — forced with `--profile kore-api`, sent
    in an `auth` header or to a `/api/public/` URL, or tied to an API-scope app by an export —
    that has neither `appId` nor a miscased variant of it (TOK004 covers those).

    **Why is this bad?**

    Without `appId` the platform cannot tell which app signed the token and refuses the call.

    **Example**

    `curl -H "auth: <token with only sub>" https://platform.kore.ai/api/public/bot/...`

    **Fix**

    Add `"appId": "<client id>"` (the app's `cs-…` client id) to the payload.

    **References**

    - Kore.ai XO Platform: API Scopes (payload `{"sub": …, "appId": <client id>}`)
    - https://developer.kore.ai/docs/bots/api-guide/apis/
    """
    token = subject.token
    if not _readable(subject) or _forced_generic(subject, ctx):
        return
    claims = token.claims
    forced = subject.profile or ctx.config.profile
    if forced:
        known = forced == "kore-api"
    else:
        # sent to the public APIs: an API token whatever its claims say (an `iss` client id too);
        # tied by an export to an API-scope app, unless it is addressed to the SDK's idproxy
        sdk_audience = tk.is_idproxy_audience(claims.get("aud"))
        scoped = bool(subject.app and subject.app.api_scopes) and not sdk_audience
        known = subject.public_api or scoped
    if not known or "appId" in claims or tk.app_id_variants(claims):
        return
    yield _hit(subject, "Kore API token without an 'appId' claim; the platform cannot identify the "
               "app and refuses it.")


@rule(code="TOK006", name="app-id-format", severity=Severity.LOW, confidence=Confidence.MEDIUM,
      cwe=20, subject="token", kore_only=True)
def app_id_format(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an `appId` claim (or, for SDK tokens, an `iss`/`kore_iss` that starts like a client id)
    that is not `cs-` (lower case) followed by a UUID, or that is a documentation placeholder such
    as `add-Client-ID-here`.

    **Why is this bad?**

    Kore client ids are always `cs-<uuid>`. Anything else is a copy-paste slip (a bot id `st-…`,
    an app name, a truncated id, the sample value from the docs) and the call will fail.

    **Example**

    `{"appId": "add-Client-ID-here"}` or `{"appId": "st-5d1c…"}`

    **Fix**

    Copy the client id of the JWT app from the XO Platform (Bot Builder → App Settings / Admin
    Console → API Scopes) into the claim.

    **References**

    - Kore.ai XO Platform: Creating a JWT app (client id format)
    - https://developer.kore.ai/docs/bots/api-guide/apis/
    """
    claims = subject.token.claims
    profile = profile_of(subject, ctx)
    if profile not in KORE_PROFILES:
        return
    checks: list[tuple[str, Any]] = []
    if "appId" in claims:
        checks.append(("appId", claims["appId"]))
    if profile == "kore-sdk":
        for name in ("iss", "kore_iss"):
            value = claims.get(name)
            if isinstance(value, str) and (value.lower().startswith("cs-") or _PLACEHOLDER_ID.search(value)):
                checks.append((name, value))
    for name, value in checks:
        if isinstance(value, str) and _PLACEHOLDER_ID.search(value):
            yield _hit(subject, f"'{name}' holds a documentation placeholder, not a real client id.",
                       claim=name, part=name)
        elif not tk.is_client_id(value):
            if not isinstance(value, str):
                shape = _json_type(value)
            elif value.lower().startswith("st-"):
                shape = "a bot id (st-…)"
            elif tk.is_client_id_any_case(value):
                shape = f"prefix '{value[:3]}'; the platform's client ids start with lower-case 'cs-'"
            else:
                shape = "not cs-<uuid>"
            yield _hit(subject, f"'{name}' is not a Kore client id ({shape}).", claim=name, part=name)


@rule(code="TOK007", name="jti-missing", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=294, subject="token", kore_only=True)
def jti_missing(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a Kore token with no `jti` claim (and, for SDK tokens, no `kore_jti`); a `jti` that is
    `null` or an empty string identifies nothing and counts as missing. Severity rises to high
    when the app is known to enforce JTI (`--enforce-jti`, or `jtiClaimEnforced` in an export).

    **Why is this bad?**

    Without a unique token id the platform cannot detect replay: a token captured from a log can
    be reused until it expires. Apps with "Enforce JTI Claim" on reject such tokens outright.

    **Example**

    `{"sub": "svc", "appId": "cs-…", "iat": 1763800000, "exp": 1763801800}`

    **Fix**

    Add `"jti": str(uuid.uuid4())` (a fresh value per token) and keep `exp` at most 1 hour ahead.

    **References**

    - Kore.ai XO Platform: JWT app settings, Enforce JTI Claim
    - RFC 7519 §4.1.7
    """
    if not _readable(subject) or _forced_generic(subject, ctx):
        return
    enforced = bool(subject.app and subject.app.jti_enforced)
    profile = profile_of(subject, ctx)
    if not enforced and profile not in KORE_PROFILES:
        return
    claims = subject.token.claims
    if _has_jti(claims, sdk=profile != "kore-api"):
        return
    if _has_jti(claims):  # a `kore_jti` only: the SDK's name, which the public APIs do not read
        yield _hit(subject, "Kore API token has 'kore_jti' but no 'jti': the public APIs read only 'jti'.",
                   Severity.HIGH if enforced else None, jti_enforced=enforced)
    elif enforced:
        yield _hit(subject, "Token has no 'jti' but the app enforces JTI: the platform rejects it.",
                   Severity.HIGH, jti_enforced=True)
    else:
        yield _hit(subject, "Token has no 'jti': nothing stops it being replayed until it expires.")


@rule(code="TOK008", name="jti-lifetime-too-long", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=613, subject="token", kore_only=True)
def jti_lifetime_too_long(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a Kore token that carries `jti` (or `kore_jti`) but has no `exp`, or whose `exp` is more
    than one hour after `iat` (or after now, without `iat`).

    **Why is this bad?**

    When JTI is enforced the platform accepts a `jti` token only if it expires within an hour;
    longer-lived tokens are refused, and a long window defeats the replay protection JTI exists for.

    **Example**

    `{"jti": "7f1c…", "iat": 1763800000, "exp": 1763807200}` — a two-hour lifetime.

    **Fix**

    Set `exp = iat + 3600` or less (e.g. 30 minutes) and mint a fresh token with a new `jti` per call.

    **References**

    - Kore.ai XO Platform: Enforce JTI Claim ("exp at most 1 hour")
    - RFC 7519 §4.1.4
    """
    if not _readable(subject):
        return
    claims = subject.token.claims
    if not (_is_kore(subject, ctx)):
        return
    if not _has_jti(claims, sdk=profile_of(subject, ctx) != "kore-api"):
        return
    if claims.get("exp") is None:  # absent, or null: no expiry either way (TOK013 names the null)
        yield _hit(subject, "Token has 'jti' but no 'exp'; the platform requires exp at most 1 hour ahead.")
        return
    # a float or numeric string (TOK013) still means a date: the 1-hour limit applies to it
    exp = _lenient_date(claims, "exp")
    if exp is None:
        return
    iat = _lenient_date(claims, "iat")
    lifetime = exp - iat if iat is not None else exp - ctx.now
    if lifetime > JTI_MAX_LIFETIME:
        basis = "iat" if iat is not None else "now"
        # compare as integers first: a 400-digit lifetime divided with / overflows a float
        text = _duration(lifetime) if lifetime < 10**6 * 3600 else "far too long"
        yield _hit(subject, f"Token has 'jti' and expires {text} after {basis}; the platform allows "
                   "at most 1 hour.", lifetime_seconds=lifetime)


@rule(code="TOK009", name="no-expiry", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=613, subject="token")
def no_expiry(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a readable token (JWS) with no `exp` claim.

    **Why is this bad?**

    A token without expiry is valid forever: once it leaks (a log line, a screenshot, a commit)
    it cannot be contained except by rotating the signing secret.

    **Example**

    The jwt.io sample payload `{"sub":"1234567890","name":"John Doe","iat":1516239022}`.

    **Fix**

    Add `exp` (seconds since the epoch), e.g. `iat + 1800`.

    **References**

    - RFC 7519 §4.1.4, RFC 8725 §3.10
    - https://datatracker.ietf.org/doc/html/rfc8725
    """
    if not _readable(subject):
        return
    claims = subject.token.claims
    if "exp" not in claims:
        yield _hit(subject, "Token has no 'exp': it never expires.")
    elif claims["exp"] is None:  # null is no expiry at all (TOK008 reads it the same way)
        yield _hit(subject, "Token's 'exp' is null: it never expires.")


@rule(code="TOK010", name="expired-token", severity=Severity.INFO, confidence=Confidence.HIGH,
      cwe=613, subject="token")
def expired_token(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Reports a token whose `exp` is in the past (beyond the configured clock skew).

    **Why is this bad?**

    It is not dangerous in itself; it explains a 401 and lowers the urgency of a leaked token
    (it still reveals claims and, if weakly signed, the secret).

    **Example**

    `{"exp": 1516242622}`

    **Fix**

    Mint a new token per call (or per short period) instead of storing one.

    **References**

    - RFC 7519 §4.1.4
    """
    if not _readable(subject):
        return
    exp = _seconds_date(subject.token.claims, "exp")
    if exp is None and (raw := _int_date(subject.token.claims, "exp")) is not None and raw < -MS_THRESHOLD:
        exp = raw  # far before 1970 whether seconds or milliseconds: long expired either way
    if exp is not None and exp < ctx.now - ctx.config.clock_skew:
        yield _hit(subject, "Token expired.", expired_at=_iso(exp))


@rule(code="TOK011", name="excessive-lifetime", severity=Severity.LOW, confidence=Confidence.HIGH,
      cwe=613, subject="token")
def excessive_lifetime(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a token whose lifetime (`exp − iat`, or `exp − now` without `iat`) exceeds
    `max_lifetime` (default 24 hours).

    **Why is this bad?**

    Long-lived bearer tokens widen the window in which a leaked token can be used.

    **Example**

    `{"iat": 1763800000, "exp": 1795336000}` — a year.

    **Fix**

    Keep tokens short-lived (minutes to hours) and mint new ones as needed.

    **References**

    - RFC 8725 §3.10
    - OWASP JWT Cheat Sheet: token lifetime
    """
    if not _readable(subject):
        return
    claims = subject.token.claims
    exp = _lenient_seconds(claims, "exp")  # a numeric string (TOK013) still means this date
    if exp is None:
        return
    iat = _lenient_seconds(claims, "iat")
    lifetime = exp - iat if iat is not None else exp - ctx.now
    if lifetime > ctx.config.max_lifetime:
        yield _hit(subject, f"Token lifetime is {_duration(lifetime)}, above the "
                   f"{_duration(ctx.config.max_lifetime)} limit.", lifetime_seconds=lifetime)


@rule(code="TOK012", name="millisecond-timestamp", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=682, subject="token")
def millisecond_timestamp(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags `iat`, `exp` or `nbf` values above 10¹¹: milliseconds where the JWT standard means
    seconds.

    **Why is this bad?**

    `Date.now()` gives milliseconds. An `exp` in milliseconds lies tens of thousands of years in
    the future, so the token effectively never expires; an `iat` in milliseconds makes the
    platform think the token was issued in the future and refuse it.

    **Example**

    `{"iat": Date.now(), "exp": Date.now() + 3600000}`

    **Fix**

    Use seconds: `Math.floor(Date.now() / 1000)` in JavaScript, `int(time.time())` in Python.

    **References**

    - RFC 7519 §2 (NumericDate is seconds)
    """
    if not _readable(subject):
        return
    claims = subject.token.claims
    # NaN compares false; +Infinity (JSON 1e400 or the non-JSON Infinity) is above any bound
    names = [n for n in DATE_CLAIMS
             if (v := _int_date(claims, n)) is not None and v > MS_THRESHOLD
             or isinstance(claims.get(n), float) and claims[n] > MS_THRESHOLD]
    if names:
        millis = [n for n in names if _finite(claims[n]) and claims[n] <= MS_THRESHOLD * 1000]
        beyond = [n for n in names if n not in millis]  # year 3000000+, or Infinity
        parts = []
        if millis:
            parts.append(f"{_names_phrase(millis)} in milliseconds, not seconds")
        if beyond:
            parts.append(f"{_names_phrase(beyond)} beyond any date (neither seconds nor milliseconds)")
        never = ": the token never expires." if "exp" in names else "."
        yield _hit(subject, "; ".join(parts) + never, claims=names)


@rule(code="TOK013", name="non-integer-numeric-date", severity=Severity.LOW, confidence=Confidence.HIGH,
      cwe=704, subject="token")
def non_integer_numeric_date(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags `iat`, `exp` or `nbf` holding a float, a string, a boolean, `null`, a number no double
    holds (`1e400`) or anything but an integer.

    **Why is this bad?**

    Verifiers differ: some reject the token, some ignore the claim (so `exp: "1763800000"` never
    expires), some coerce it. The Kore platform expects integer seconds.

    **Example**

    `{"exp": "1763801800"}` or `{"iat": 1763800000.123}`

    **Fix**

    Emit integers: `int(time.time())`, `Math.floor(Date.now() / 1000)`.

    **References**

    - RFC 7519 §2 (NumericDate), §4.1.4
    """
    if not _readable(subject):
        return
    claims = subject.token.claims
    for name in DATE_CLAIMS:
        if name in claims and _int_date(claims, name) is None:
            label = _json_type(claims[name])
            yield _hit(subject, f"'{name}' is {label}, not an integer number of seconds.", claim=name,
                       part=name)


@rule(code="TOK014", name="issued-in-future", severity=Severity.LOW, confidence=Confidence.HIGH,
      cwe=682, subject="token")
def issued_in_future(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags `iat` or `nbf` later than now plus the clock skew, and `iat` after `exp`.

    **Why is this bad?**

    The platform refuses tokens issued in the future; it usually means a clock problem on the
    minting host, or timestamps built in the wrong unit or time zone.

    **Example**

    `{"iat": 1900000000, "exp": 1900001800}` checked today.

    **Fix**

    Take `iat` from a synchronised clock (NTP) in UTC seconds; set `exp` after `iat`.

    **References**

    - RFC 7519 §4.1.5, §4.1.6
    """
    if not _readable(subject):
        return
    claims = subject.token.claims
    limit = ctx.now + ctx.config.clock_skew
    for name in ("iat", "nbf"):
        value = _seconds_date(claims, name)
        if value is not None and value > limit:
            yield _hit(subject, f"'{name}' is in the future ({_iso(value)}).", claim=name, part=name)
    iat, exp = _seconds_date(claims, "iat"), _seconds_date(claims, "exp")
    if iat is not None and exp is not None and iat > exp:
        yield _hit(subject, "'iat' is after 'exp': the token was never valid.", claim="exp",
                   part="iat>exp")


@rule(code="TOK015", name="weak-hmac-secret", severity=Severity.CRITICAL, confidence=Confidence.HIGH,
      cwe=521, subject="token")
def weak_hmac_secret(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Tries to verify an HS256/HS384/HS512 signature with guessable secrets: the built-in list
    (the jwt.io default `your-256-bit-secret`, `secret`, the empty string, framework and sample
    defaults …), your `--wordlist` / `wordlist` file, and names from the scanned context (app,
    bot and account names, client ids, environment names). A strong secret that merely sits in
    the same scan is SEC009, not this.

    **Why is this bad?**

    If the signing secret can be guessed offline, anyone holding one token can mint tokens for
    any user or app: the signature protects nothing.

    **Example**

    The jwt.io sample token, signed with `your-256-bit-secret`.

    **Fix**

    Rotate the secret now. Use the platform-generated client secret (32 random bytes) or another
    secret of at least 32 random bytes, kept out of code.

    **References**

    - RFC 8725 §3.5 (ensure HMAC keys have sufficient entropy)
    - https://datatracker.ietf.org/doc/html/rfc8725#section-3.5
    """
    found = find_weak_secret(subject, ctx)
    if found is not None:
        yield _weak_secret_hit(subject, *found)


@rule(code="TOK016", name="signature-mismatch", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=347, subject="token")
def signature_mismatch(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    When a secret is known for the token's app (`--secret-env`, `--secret-file`, or the app's
    secret in an export), checks that it verifies the token's HMAC signature, and flags it if not.

    **Why is this bad?**

    The platform will answer 401. The usual causes: the token was never signed with the app's
    secret (signed with another app's secret, a placeholder, or the client id), a typo, or a
    rotated secret still in use.

    **Example**

    A token for app `cs-1…` signed with the secret of app `cs-2…`.

    **Fix**

    Sign with the client secret of the app named in `appId` (HS256); after rotating a secret,
    update every place that mints tokens.

    **References**

    - RFC 7515 §5.2 (message signature validation)
    - Kore.ai XO Platform: JWT apps and client secrets
    """
    app = subject.app
    token = subject.token
    if app is None or not app.secrets or token.alg not in tk.HMAC_HASHES or not token.signature:
        return
    if _app_secret_in_use(subject) is None:
        where = f" (secret from {app.secret_source})" if app.secret_source else ""
        yield _hit(subject, f"Signature does not verify with the app's client secret{where}.",
                   client_id=app.client_id)


@rule(code="TOK017", name="placeholder-claims", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=1188, subject="token")
def placeholder_claims(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags documentation and jwt.io sample values: `sub` "1234567890" with `name` "John Doe",
    `iat` 1516239022, `appId` "add-Client-ID-here".

    **Why is this bad?**

    A sample token in a real integration means the code was never finished: the identity it
    asserts is fake and it is usually signed with the sample secret.

    **Example**

    `{"sub": "1234567890", "name": "John Doe", "iat": 1516239022}`

    **Fix**

    Build the payload from the real user and app (`sub` = user id, `appId` = your client id) and
    current timestamps.

    **References**

    - https://jwt.io (the sample token)
    - Kore.ai XO Platform API docs (the `add-Client-ID-here` sample)
    """
    if not _readable(subject):
        return
    claims = subject.token.claims
    found = []
    if claims.get("sub") == "1234567890" and claims.get("name") == "John Doe":
        found.append("sub/name")
    if claims.get("iat") == 1516239022:
        found.append("iat")
    app_id = claims.get("appId")
    if isinstance(app_id, str) and app_id.lower() in ("add-client-id-here", "<client-id>", "your-client-id"):
        found.append("appId")
    if found:
        yield _hit(subject, f"Token carries sample values from documentation ({', '.join(found)}).",
                   claims=found)


@rule(code="TOK018", name="jws-where-jwe-enforced", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=311, subject="token")
def jws_where_jwe_enforced(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a 3-part JWS for an app that enforces JWE (`--enforce-jwe`, or
    `jweEncryptionEnforced` in an export).

    **Why is this bad?**

    The platform rejects it; and the payload you meant to keep confidential (user data, private
    claims) travels readable by anyone who sees the token.

    **Example**

    `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOi….sig` for an app with "JWE encryption" on.

    **Fix**

    Encrypt the signed token as a compact JWE (5 parts) with the platform's public key:
    `alg` RSA-OAEP, `enc` A128CBC-HS256, A128GCM or A256GCM, and the platform `kid`.

    **References**

    - Kore.ai XO Platform: JWT app settings, JWE encryption
    - RFC 7516
    """
    if subject.app is not None and subject.app.jwe_enforced and subject.token.kind == "jws":
        yield _hit(subject, "The app enforces JWE but this token is a plain JWS: the platform "
                   "rejects it and its payload is readable.", jwe_enforced=True)


@rule(code="TOK019", name="remote-key-header", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=918, subject="token")
def remote_key_header(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a header with `jku` or `x5u`.

    **Why is this bad?**

    A verifier that honours them fetches the verification key from a URL the token itself names:
    an attacker points it at their own key (and the fetch is an SSRF vector).

    **Example**

    `{"alg": "RS256", "jku": "https://attacker.example/jwks.json"}`

    **Fix**

    Remove the parameter; verifiers should use keys configured out of band.

    **References**

    - RFC 8725 §3.10 and §4.4; RFC 7515 §4.1.2, §4.1.5
    """
    header = subject.token.header or {}
    names = [n for n in ("jku", "x5u") if n in header]
    if names:
        yield _hit(subject, f"Header has '{names[0]}': a verifier may fetch its key from a URL the "
                   "token chooses.", headers=names)


@rule(code="TOK020", name="embedded-key-header", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=347, subject="token")
def embedded_key_header(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a header with `jwk` or `x5c`.

    **Why is this bad?**

    The token carries the key it should be verified with. A verifier that uses it accepts any
    token an attacker signs with their own key (CVE-2018-0114 and many like it).

    **Example**

    `{"alg": "RS256", "jwk": {"kty": "RSA", "n": "…", "e": "AQAB"}}`

    **Fix**

    Remove the embedded key; verify with keys configured out of band and pinned per issuer.

    **References**

    - RFC 8725 §3.10; RFC 7515 §4.1.3, §4.1.6
    - CVE-2018-0114
    """
    header = subject.token.header or {}
    names = [n for n in ("jwk", "x5c") if n in header]
    if names:
        yield _hit(subject, f"Header has '{names[0]}': the token carries its own verification key.",
                   headers=names)


@rule(code="TOK021", name="suspicious-kid", severity=Severity.HIGH, confidence=Confidence.MEDIUM,
      cwe=22, subject="token")
def suspicious_kid(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a `kid` header that contains path traversal, a file path, SQL or shell
    metacharacters, a URL, CR/LF, or that is empty (or not a string).

    **Why is this bad?**

    Verifiers look keys up by `kid` in files, databases and key stores. A crafted `kid` has been
    used to read `/dev/null` as an empty HMAC key, inject SQL into the key query, or run commands.

    **Example**

    `{"alg": "HS256", "kid": "../../../../dev/null"}`

    **Fix**

    Use opaque identifiers (a UUID or a short key name) and look them up in an allow-list.

    **References**

    - RFC 7515 §4.1.4; RFC 8725 §3.10
    - https://portswigger.net/web-security/jwt
    """
    header = subject.token.header or {}
    if "kid" not in header:
        return
    kid = header["kid"]
    if not isinstance(kid, str):
        yield _hit(subject, f"Header 'kid' is {_json_type(kid)}, not a string.")
        return
    if not kid.strip():
        yield _hit(subject, "Header 'kid' is empty.", kid="")
        return
    decoded = kid
    for _ in range(3):  # `%2e%2e%2f`, and double encoding (`%252e`), reach a file lookup decoded
        step = unquote(decoded)
        if step == decoded:
            break
        decoded = step
    for text, suffix in ((kid, ""), (decoded, " (URL-encoded)")):
        if suffix and text == kid:
            break
        for label, pattern in _KID_PROBLEMS:
            if pattern.search(text):
                yield _hit(subject, f"Probable key-lookup injection: 'kid' contains {label}{suffix}.",
                           kid=_safe_kid(kid), problem=label + suffix)
                return


@rule(code="TOK022", name="sensitive-claims", severity=Severity.HIGH, confidence=Confidence.MEDIUM,
      cwe=312, subject="token")
def sensitive_claims(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a readable (JWS) payload with claims named like secrets (`password`, `secret`,
    `clientSecret`, `apikey`, `privateKey` …) or like bearer tokens of another system
    (`access_token`, `refresh_token`, `id_token`, `apiToken` …), or values a secret detector
    recognises (private keys, cloud and SaaS tokens, nested JWTs). A claim that says where a
    secret is kept (`secretRef`, `passwordFile`, a `vault://…`, `op://…` or `arn:…` value) or shows
    it masked (`********`, `••••`) holds no secret.

    **Why is this bad?**

    A JWS payload is only base64url-encoded, not encrypted: anyone who sees the token (logs,
    browsers, proxies) reads the secret.

    **Example**

    `{"sub": "svc", "appId": "cs-…", "clientSecret": "…"}`

    **Fix**

    Remove the secret from the payload. If the platform must receive confidential data, use the
    private claims with JWE encryption enforced.

    **References**

    - RFC 8725 §3.6; RFC 7519 §12
    """
    if not _readable(subject):
        return
    for path, value in _walk_claims(subject.token.claims):
        name = path.rsplit("/", 1)[-1]
        normal = re.sub(r"[^a-z]", "", name.lower())
        shown = _claim_name(path.lstrip("/"))
        secret_name = _names_a_secret(name) or _names_bearer_token(name)
        if secret_name and not _NOT_SECRET_SUFFIX.search(normal) and _secret_like(value):
            yield _hit(subject, f"Payload claim '{shown}' looks like a secret; JWS payloads are readable "
                       "by anyone.", claim=shown, part=path)
            continue
        if isinstance(value, str):
            for label, pattern in _SENSITIVE_VALUE:
                if pattern.search(value):
                    yield _hit(subject, f"Payload claim '{shown}' holds a probable {label}.",
                               claim=shown, kind=label, part=path)
                    break


@rule(code="TOK023", name="sdk-claim-types", severity=Severity.LOW, confidence=Confidence.MEDIUM,
      cwe=20, subject="token", kore_only=True)
def sdk_claim_types(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    For a Kore SDK token: flags `isAnonymous` that is not a boolean, an `aud` that is not the
    idproxy authorize URL (`https://idproxy.kore.com/authorize`, docs also show `.kore.ai`), and an
    `iss`/`kore_iss` that is not a client id at all.

    **Why is this bad?**

    The web/mobile SDK token service rejects tokens with the wrong types: `"isAnonymous": "false"`
    (a string) is truthy in some stacks and turns every user anonymous, or the other way round.

    **Example**

    `{"iss": "my-app", "aud": "https://idproxy.kore.com", "isAnonymous": "false"}`

    **Fix**

    `iss` = the app's `cs-…` client id, `aud` = `https://idproxy.kore.com/authorize`,
    `isAnonymous` = `true`/`false` (JSON booleans).

    **References**

    - Kore.ai XO Platform: Web SDK tutorial, JWT claims for the SDK
    - https://developer.kore.ai/docs/bots/sdks/user-authorization-and-assertion/
    """
    if not _readable(subject) or profile_of(subject, ctx) != "kore-sdk":
        return
    claims = subject.token.claims
    if "isAnonymous" in claims and not isinstance(claims["isAnonymous"], bool):
        yield _hit(subject, "'isAnonymous' must be a JSON boolean.", claim="isAnonymous",
                   part="isAnonymous")
    problem = tk.idproxy_audience_problem(claims["aud"]) if "aud" in claims else None
    if problem is not None:
        yield _hit(subject, f"'aud' {problem} (https://idproxy.kore.com/authorize).", claim="aud",
                   part="aud")
    for name in ("iss", "kore_iss"):
        value = claims.get(name)
        if name in claims and not (isinstance(value, str) and (value.lower().startswith("cs-")
                                                               or _PLACEHOLDER_ID.search(value))):
            yield _hit(subject, f"'{name}' must be the app's client id (cs-<uuid>).", claim=name,
                       part=name)


@rule(code="TOK024", name="short-hmac-key", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=326, subject="token")
def short_hmac_key(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    When the HMAC secret in use is known (it verifies the token: supplied with `--secret-env`,
    `--secret-file` or an export, guessed by TOK015, or found elsewhere in the scan by SEC009),
    flags it if it is shorter than the hash output: under 32 bytes for HS256, 48 for HS384, 64
    for HS512.

    **Why is this bad?**

    A key shorter than the hash makes offline brute force of the signature cheaper than it
    should be; RFC 7518 requires at least the hash size.

    **Example**

    HS256 signed with a 16-character password.

    **Fix**

    Use at least 32 random bytes for HS256 (the platform's client secrets are 32 bytes).

    **References**

    - RFC 7518 §3.2 ("a key of the same size as the hash output or larger MUST be used")
    """
    token = subject.token
    minimum = tk.HMAC_MIN_KEY_BYTES.get(token.alg or "")
    if minimum is None or not token.signature:
        return
    secret = _app_secret_in_use(subject)
    if secret is None:
        found = find_weak_secret(subject, ctx)
        secret = found[0] if found else None
    if secret is None:
        return
    hit = _short_key_hit(subject, secret)
    if hit is not None:
        yield hit


@rule(code="TOK025", name="weak-jwe-parameters", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=327, subject="token")
def weak_jwe_parameters(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    For a JWE: flags `alg` RSA1_5 or `dir`, a `zip` parameter, or a PBES2 `p2c` above 1,200,000.
    For a JWE known to be for Kore (an app enforcing JWE, `--profile`, an `auth` header or a
    `/api/public/` URL) also what the platform cannot decrypt: an `alg` other than RSA-OAEP /
    RSA1_5, an `enc` outside A128CBC-HS256 / A128GCM / A256GCM, or no `kid`.

    **Why is this bad?**

    RSA1_5 is open to Bleichenbacher padding-oracle attacks; `dir` shares one long-lived key;
    compression before encryption leaks plaintext length (CRIME-style); a huge `p2c` is a denial
    of service against the decrypting side.

    **Example**

    `{"alg": "RSA1_5", "enc": "A128CBC-HS256", "zip": "DEF"}`

    **Fix**

    Use `alg` RSA-OAEP with `enc` A256GCM and the platform's `kid`, no `zip`.

    **References**

    - RFC 8725 §3.3, §3.8; RFC 7516; RFC 7518 §4.2, §4.8
    """
    token = subject.token
    if not token.is_jwe:
        return
    header = token.header or {}
    alg, enc = header.get("alg"), header.get("enc")
    # for Kore: forced profile, an `auth` header or /api/public/ URL, an app (e.g. enforcing JWE)
    kore = _kore_context(subject, ctx)
    if alg in ("RSA1_5", "dir"):
        yield _hit(subject, f"JWE uses alg {alg}, which is weak.", parameter="alg", part="alg")
    elif kore and isinstance(alg, str) and alg not in KORE_JWE_ALG:
        yield _hit(subject, f"JWE alg {alg[:20]} is not one the platform decrypts (RSA-OAEP, RSA1_5).",
                   parameter="alg", part="alg")
    if kore and "kid" not in header:
        yield _hit(subject, "JWE has no 'kid': the platform needs its key id to pick the decryption key.",
                   parameter="kid", part="kid")
    if kore and isinstance(enc, str) and enc not in KORE_JWE_ENC:
        yield _hit(subject, f"JWE enc {enc[:20]} is not one the platform accepts "
                   "(A128CBC-HS256, A128GCM, A256GCM).", parameter="enc", part="enc")
    if "zip" in header:
        yield _hit(subject, "JWE compresses before encrypting ('zip'), leaking plaintext length.",
                   parameter="zip", part="zip")
    p2c = header.get("p2c")
    if isinstance(p2c, int) and not isinstance(p2c, bool) and p2c > MAX_P2C:
        yield _hit(subject, f"PBES2 iteration count p2c={p2c} is a denial-of-service risk.",
                   parameter="p2c", part="p2c")


@rule(code="TOK026", name="critical-header-parameter", severity=Severity.MEDIUM,
      confidence=Confidence.HIGH, cwe=20, subject="token")
def critical_header_parameter(subject: TokenSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a header with `crit`, or with `b64: false` (unencoded payload).

    **Why is this bad?**

    Verifiers must reject tokens whose critical extensions they do not understand, and many do
    not; `b64: false` changes what is signed, a classic source of verification differentials.

    **Example**

    `{"alg": "HS256", "b64": false, "crit": ["b64"]}`

    **Fix**

    Do not use critical extensions with the Kore platform; sign a normal base64url payload.

    **References**

    - RFC 7515 §4.1.11; RFC 7797
    """
    header = subject.token.header or {}
    # one finding per token: `b64: false` comes with `crit: ["b64"]` (RFC 7797), one problem
    if header.get("b64") is False:
        yield _hit(subject, "Header has 'b64': false (unencoded payload).", parameter="b64", part="b64")
    elif "crit" in header:
        yield _hit(subject, "Header has 'crit': verifiers that ignore it accept what they should "
                   "reject.", parameter="crit", part="crit")


def _weak_secret_hit(subject: TokenSubject, secret: str, source: str) -> Hit:
    where = _FOUND_IN.get(source, f"from {source}")
    return _hit(subject, f"Signature verifies with a guessable secret {where}: anyone can forge tokens.",
                source=source, secret_length=len(secret))


_FOUND_IN = {"the built-in weak-secret list": "from the built-in weak-secret list",
             "your wordlist": "from your wordlist",
             "names from the scanned context": "(a name found in the scanned files)"}


def _short_key_hit(subject: TokenSubject, secret: str) -> Hit | None:
    minimum = tk.HMAC_MIN_KEY_BYTES.get(subject.token.alg or "")
    size = len(secret.encode("utf-8"))
    if minimum is None or size >= minimum:
        return None
    return _hit(subject, f"The {subject.token.alg} key is {size} bytes; at least {minimum} are required.",
                key_bytes=size, required_bytes=minimum)


def scan_context_hits(subject: TokenSubject, words: Iterable[str], ctx: RunContext) -> list[tuple[str, Hit]]:
    """TOK015 (and TOK024) for an HS* token signed with a name found elsewhere in the scan (an app
    or bot name in another file). Only names the per-token check has not tried are cracked, so
    this adds no work for the built-in list; a duplicate of a per-token finding is deduplicated
    by the engine."""
    token = subject.token
    if token.alg not in tk.HMAC_HASHES or not token.signature:
        return []
    words = tuple(words)
    own = set(subject.context_words)
    extra = tuple(word for word in words if word not in own) if own else words
    # one candidate tuple for the many tokens that share it (their pads are then computed once)
    secret = tk.crack_hmac(token, _scan_candidates(extra), tk.SHARED_HMAC_KEYS) if extra else None
    if secret is None:
        return []
    hits = [("TOK015", _weak_secret_hit(subject, secret, "names from the scanned context"))]
    short = _short_key_hit(subject, secret)
    if short is not None:
        hits.append(("TOK024", short))
    return hits


# --- small formatting helpers -----------------------------------------------------------------


def _iso(epoch: int) -> str:
    import datetime as dt

    try:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError, TypeError):
        return str(epoch)[:40]


def _duration(seconds: int) -> str:
    """Exact enough that a value just over a limit never prints like the limit: `60 min 1 s`
    (not `1.0 h`) against 1 hour, `24 h 0 min 1 s` against 24 h."""
    seconds = int(seconds)
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    days, rest = divmod(seconds, 86400) if seconds >= 86400 * 2 else (0, seconds)
    hours, rest = divmod(rest, 3600) if seconds >= 7200 else (0, rest)
    minutes, secs = divmod(rest, 60)
    units = [(days, "days"), (hours, "h"), (minutes, "min"), (secs, "s")]
    # drop zeros after the largest unit, but keep the ones between non-zero units for reading
    while units and units[0][0] == 0 and len(units) > 1:
        units.pop(0)
    while len(units) > 1 and units[-1][0] == 0:
        units.pop()
    return sign + " ".join(f"{value} {unit}" for value, unit in units)


def _names_phrase(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    if len(quoted) == 1:
        return f"{quoted[0]} is"
    return f"{', '.join(quoted[:-1])} and {quoted[-1]} are"


def _safe_kid(kid: str) -> str:
    shown = kid.replace("\r", "\\r").replace("\n", "\\n").replace("\x00", "\\0")
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _names_bearer_token(name: str) -> bool:
    """`access_token`, `refreshToken`, `id_token`, `APIToken`, `accesstoken` … but not
    `valid_token` or `paidtoken`: the word before `token` must name a kind of bearer token."""
    words = [word.lower() for word in _NAME_WORDS.findall(name)]
    for index, word in enumerate(words):
        if word == "token" and index and words[index - 1] in _BEARER_TOKEN_KINDS:
            return True
        if word.endswith("token") and word[:-5] in _BEARER_TOKEN_KINDS:
            return True
    return False


def _is_template(value: Any) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"\s*(\{\{.*\}\}|\$\{.*\}|<[^>]*>)\s*", value))


def _names_a_secret(name: str) -> bool:
    """A claim named for a secret: a run of its words ends with one (`password`, `clientSecret`,
    `client_secret_value`, `apikey`) or is one (`pin`, `otp`); a word that merely starts so is
    another word (`secretary`, `passwordless`)."""
    words = key_words(name) or [name.lower()]
    for i in range(len(words)):
        run = ""
        for word in words[i:i + 3]:
            run += word
            if run in _SECRET_WORDS or run.endswith(_SECRET_ENDINGS):
                return True
    return False


_SECRET_ENDINGS = ("password", "passwd", "passphrase", "secret", "secretkey", "privatekey", "apikey",
                   "accesskey", "refreshtoken", "creditcard", "cardnumber")
_SECRET_WORDS = frozenset(("pwd", "pin", "ssn", "cvv", "otp"))
_NOT_VALUES = frozenset(("yes", "no", "true", "false", "on", "off", "none", "null", "set", "unset"))


def _secret_like(value: Any) -> bool:
    if isinstance(value, str):
        text = value.strip()
        return (len(text) >= 3 and not _is_template(value) and text.lower() not in _NOT_VALUES
                and not _SECRET_REFERENCE.match(text) and not set(text) <= _MASK_CHARS)
    if isinstance(value, (dict, list)):
        return bool(value)
    return False


def _walk_claims(value: Any, path: str = "", depth: int = 0) -> Iterator[tuple[str, Any]]:
    if depth > 20:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}/{key}"
            yield child, item
            if isinstance(item, (dict, list)):
                yield from _walk_claims(item, child, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value[:200]):
            if isinstance(item, (dict, list)):
                yield from _walk_claims(item, f"{path}/{index}", depth + 1)
            elif isinstance(item, str):
                yield f"{path}/{index}", item


def short_key_hit(subject: TokenSubject, secret: str) -> Hit | None:
    """TOK024's hit for a token whose signing key is known from elsewhere (SEC009 proved it)."""
    return _short_key_hit(subject, secret)
