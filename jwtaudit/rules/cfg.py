"""CFG: client configuration (BotKit config.json, web/mobile SDK configs, .env files).

CFG001-CFG003 read structured documents: `DocumentSubject`s from JSON/YAML/.env files and
`CodeDocumentSubject`s holding the literal config objects of JS/TS files (`botOptions = {...}`).
CFG004 reads `CodeSubject` request headers. The helpers here (document walk, Kore context,
SDK shape) are shared with `sec_frontend`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from jwtaudit.engine import RunContext
from jwtaudit.model import Confidence, Hit, Location, Severity
from jwtaudit.redact import short_hash
from jwtaudit.rules.registry import rule
from jwtaudit.sources.text import list_binding, lowered
from jwtaudit.subjects import CodeDocumentSubject, CodeSubject, DocumentSubject, pointer_join

MAX_WALK_DEPTH = 64
MAX_WALK_ENTRIES = 50_000
BOTKIT_ALGORITHMS = ("HS256", "HS512")
SDK_ALGORITHMS = ("HS256", "HS512", "RS256", "RS512")
# Keys BotKit reads, by normalised spelling: a near-identical key is silently ignored.
BOTKIT_READ_KEYS = {
    "jwtexpiry": "jwtExpiry",
    "jwtalgorithm": "jwtAlgorithm",
    "apikey": "apikey",
    "appid": "appId",
    "apiprefix": "apiPrefix",
}
_BOTKIT_SECTIONS = {"apikey": "/credentials/", "appId": "/credentials/", "apiPrefix": "/app/"}
SDK_MARKERS = frozenset(
    {"jwturl", "koreapiurl", "botinfo", "jwtserverurl", "valueaud", "iswebhook", "useridentity",
     "brandingapiurl", "botname", "botid"}
)
_ALGORITHM_VALUE = re.compile(r"^(?:[HRPE]S(?:256|384|512)|none|EdDSA|ES256K)$", re.IGNORECASE)
_CLIENT_ID = re.compile(r"\bcs-[0-9a-f]{8}-[0-9a-f]{4}-", re.IGNORECASE)
_BOT_ID = re.compile(r"\bst-[0-9a-f]{8}-[0-9a-f]{4}-", re.IGNORECASE)
_KORE_HOST = re.compile(r"(?:^|\.)kore\.(?:ai|com|net)$", re.IGNORECASE)


@lru_cache(maxsize=65536, typed=True)  # key names, asked by every rule of the family (a large API
# description has tens of thousands of distinct ones)
def normalise(name: object) -> str:
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


_WALKED: list[Any] = [None, []]  # [data, entries] of the last document walked


def walk(data: Any) -> Iterator[tuple[str, str, Any, Any]]:
    """(pointer, key, value, parent) for every entry of a document, bounded in depth and size.
    The entries of the last document are kept: five rules walk each document in turn."""
    if _WALKED[0] is not data:
        _WALKED[:] = [data, _entries(data)]
    return iter(_WALKED[1])


def _entries(data: Any) -> list[tuple[str, str, Any, Any]]:
    """The entries `walk` gives, built in one loop (a generator costs more per entry, and a large
    API description has hundreds of thousands)."""
    out: list[tuple[str, str, Any, Any]] = []
    append = out.append
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack and len(out) < MAX_WALK_ENTRIES:
        pointer, node, depth = stack.pop()
        if depth > MAX_WALK_DEPTH:
            continue
        if isinstance(node, dict):
            items: Any = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            continue
        bindings: dict[str, str] | None = None
        for key, value in items:  # a node is walked whole, as before the cap is checked again
            key = key if type(key) is str else str(key)
            child = pointer_join(pointer, key)
            if type(value) is str and "=" in value and type(node) is list:
                binding = list_binding(value)
                if binding is not None:  # `- NAME=value` (docker-compose `environment:` as a list)
                    if bindings is None:
                        bindings = _list_bindings(node)
                    append((child, binding[0], binding[1], bindings))
                    continue
            append((child, key, value, node))
            if isinstance(value, (dict, list)):
                stack.append((child, value, depth + 1))
    return out


def _list_bindings(node: list[Any]) -> dict[str, str]:
    """The `NAME=value` items of a list as the mapping they stand for (the parent of each)."""
    out: dict[str, str] = {}
    for item in node:
        if type(item) is str and "=" in item:
            binding = list_binding(item)
            if binding is not None:
                out[binding[0]] = binding[1]
    return out


def strings_in(data: Any) -> Iterator[str]:
    for _pointer, key, value, _parent in walk(data):
        yield key
        if isinstance(value, str):
            yield value


def is_kore_context(subject: DocumentSubject) -> bool:
    """The document configures a Kore.ai client: a client/bot id, a Kore host or a `kore` key."""
    return is_botkit_config(subject) or _has_bot_options(subject) or _mentions_kore(subject)


def _mentions_kore(subject: DocumentSubject) -> bool:
    """A key or string of the document holds `kore` or a client or bot id."""
    if _KORE_CONTEXT[0] is not subject:  # CFG002 and CFG003 both ask, one after the other
        if _plainly_not_kore(subject):
            _KORE_CONTEXT[:] = [subject, False]
            return False
        text = "\n".join(strings_in(subject.data))  # no pattern matches across a newline
        low, ascii_only = text.lower(), text.isascii()
        # in ASCII text an id pattern can match only where its lowercase prefix is: skip the slow search
        found = "kore" in low or any((not ascii_only or prefix in low) and pattern.search(text)
                                     for prefix, pattern in (("cs-", _CLIENT_ID), ("st-", _BOT_ID)))
        _KORE_CONTEXT[:] = [subject, bool(found)]
    return bool(_KORE_CONTEXT[1])


_KORE_CONTEXT: list[Any] = [None, False]  # [subject, answer] for the last document asked about
# Formats whose data holds each key and string as written (notebooks join each cell's source
# lines, so a word can span two strings of the text: their data is written out instead).
_PARSED_FORMATS = frozenset({"json", "yaml", "toml", "env", "ini", "xml-values"})


def _has_bot_options(subject: DocumentSubject) -> bool:
    """A source file's `botOptions` object: the Kore web SDK's configuration (its chat window
    reads `botOptions`), even in a bare `kore-config.js` that sets nothing else Kore-specific."""
    data = subject.data
    return isinstance(subject, CodeDocumentSubject) and isinstance(data, dict) and any(
        isinstance(value, dict) and normalise(key) == "botoptions" for key, value in data.items())


def _plainly_not_kore(subject: DocumentSubject) -> bool:
    """The answer for a large document without joining all its strings (see `_searchable_lower`);
    the id patterns are searched without their word boundary (an escaped newline before an id is
    a boundary in the string but a letter in the text)."""
    low = _searchable_lower(subject)
    return low is not None and "kore" not in low and not any(
        p in low and pattern.search(low) for p, pattern in _ID_PREFIXES)


def text_lacks(subject: DocumentSubject, *needles: str) -> bool:
    """True when no key or string of the document can contain any of these lowercase needles,
    in any case: rules that look for them can skip walking a large document. A needle holds no
    slash, quote, backslash or control character (the text may write those escaped)."""
    low = _searchable_lower(subject)
    return low is not None and not any(needle in low for needle in needles)


def text_lacks_match(subject: DocumentSubject, pattern: re.Pattern[str]) -> bool:
    """`text_lacks` for a pattern over the lowercased text (the pattern allows for escapes)."""
    low = _searchable_lower(subject)
    return low is not None and pattern.search(low) is None


def unescaped_lacks_match(subject: DocumentSubject, pattern: re.Pattern[str]) -> bool:
    """`text_lacks_match` on the lowercased text with each escape sequence read as one space
    (none stands for a letter or digit there): for a pattern that skips over any character that
    is not a letter or digit. Only text whose escapes are JSON's, read from left to right, is
    unescaped; other text with a backslash is not judged (False)."""
    low = _searchable_lower(subject)
    if low is None:
        return False
    if "\\" in low:
        if not _VERBATIM[2]:
            return False  # YAML/TOML/INI: a backslash may be a plain character there
        low = _JSON_ESCAPE.sub(" ", low)
    return pattern.search(low) is None


_JSON_ESCAPE = re.compile(r"\\(?:u[0-9a-f]{4}|.)", re.DOTALL)


def no_string_starts_with(subject: DocumentSubject, prefix: str) -> bool:
    """True when no key or string of the document can start with this lowercase prefix (no
    slash, quote, backslash or control character in it). In JSON text every string opens with a
    quote, so a prefix met only inside prose does not count there."""
    low = _searchable_lower(subject)
    if low is None:
        return False
    return (f'"{prefix}' if _VERBATIM[2] else prefix) not in low


def _searchable_lower(subject: DocumentSubject) -> str | None:
    """Lowercased text in which every key and string of the document appears whole, apart from
    a slash, quote, backslash or control character that may be written escaped; None when there
    is none. The file's own text when it is verbatim (parsed formats whose only escapes cannot
    spell a letter: no `\\u`/`\\x` escape, backslash line continuation or character that
    case-folds to an ASCII letter, the long s), else the data written out as JSON (the C
    encoder escapes nothing else with `ensure_ascii=False`): one pass in C instead of a walk.
    Kept for the last document: several rules ask in turn."""
    if _VERBATIM[0] is not subject:
        text = subject.text
        if (subject.format in _PARSED_FORMATS and bool(text) and "\u017f" not in text
                and ("\\" not in text or _LETTER_ESCAPE.search(text) is None)):
            _VERBATIM[:] = [subject, lowered(text), subject.format == "json"]
        else:
            _VERBATIM[:] = [subject, _dumped_lower(subject.data), True]
    low: str | None = _VERBATIM[1]
    return low


def _dumped_lower(data: Any) -> str | None:
    import json

    try:  # a value JSON cannot hold (a YAML date) is written as str(): more text, never less
        dumped = json.dumps(data, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):  # a key JSON cannot hold, a cycle, deep nesting
        return None
    return None if "\u017f" in dumped else dumped.lower()


_VERBATIM: list[Any] = [None, None, False]  # [subject, its searchable text or None, strings quoted]
_LETTER_ESCAPE = re.compile(r"\\[uUxX\s]")
_ID_PREFIXES = (("cs-", re.compile(r"cs-[0-9a-f]{8}-[0-9a-f]{4}-")),
                ("st-", re.compile(r"st-[0-9a-f]{8}-[0-9a-f]{4}-")))


def is_sdk_shaped(parent: Any) -> bool:
    """A dict that looks like a Kore web/mobile SDK bot config (`botOptions`, RN `botConfig`)."""
    return isinstance(parent, dict) and any(normalise(k) in SDK_MARKERS for k in parent)


def _credentials_like(value: Any) -> bool:
    """BotKit's `credentials`: the app's client id and secret together (`appId` and `apikey`, in
    any spelling CFG001 reports), or per-bot blocks under `st-` ids holding them. One `apikey`
    alone is any service's credential (an IBM Cloud credentials file)."""
    if not isinstance(value, dict):
        return False
    keys = {normalise(k) for k in value}
    if {"apikey", "appid"} <= keys:
        return True
    return any(isinstance(k, str) and k.lower().startswith("st-") and _credentials_like(v)
               for k, v in value.items())


@lru_cache(maxsize=4096)  # asked by several rules about the same file in turn
def file_name(path: str) -> str:
    return PurePosixPath(path.replace("\\", "/")).name.lower()


def is_botkit_config(subject: DocumentSubject) -> bool:
    """BotKit's `config.json`, recognised by its content (export-format.md): Kore `credentials`
    (`apikey` and `appId`, perhaps per bot id), or a `jwt` block of BotKit's settings beside its
    `app`/`server`/`redis` blocks in a file that shows some sign of Kore (a client or bot id, a
    Kore host or key): many web servers keep a `jwt` block of their own. In a file named
    `config*` (BotKit's own name) BotKit's `jwt.jwtAlgorithm`/`jwtExpiry` is sign enough."""
    data = subject.data
    if subject.format != "json" or not isinstance(data, dict) or "envVariables" in data:
        return False
    if _credentials_like(data.get("credentials")):
        return True
    keys = {normalise(k) for k in data}
    if not keys & {"app", "server", "redis", "credentials"}:
        return False
    jwt = data.get("jwt")
    botkit_jwt = isinstance(jwt, dict) and any(normalise(k) in _BOTKIT_JWT_KEYS for k in jwt)
    if file_name(subject.location.path).startswith("config"):  # BotKit's own file name
        return botkit_jwt or (bool(keys & {"jwtexpiry", "jwt"}) and _mentions_kore(subject))
    return botkit_jwt and _mentions_kore(subject)


_BOTKIT_JWT_KEYS = frozenset(("jwtalgorithm", "jwtexpiry"))
_BOTKIT_ALGORITHM = "/jwt/jwtAlgorithm"  # the one algorithm setting BotKit reads


def url_host(value: str) -> str | None:
    try:
        return urlsplit(value.strip()).hostname
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """`localhost` (and `*.localhost`, RFC 6761), an IP address in 127.0.0.0/8 or ::1 (also
    IPv4-mapped), or 0.0.0.0 (a local bind address). A DNS name that merely starts with digits
    (`127.attacker.example`, `127.0.0.1.attacker.example`) is not."""
    host = host.lower().strip("[]").rstrip(".")
    if host in ("localhost", "0.0.0.0") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def place(subject: DocumentSubject, pointer: str) -> dict[str, Any]:
    """Hit arguments for a value at `pointer`. In a source file the pointer is only an anchor:
    the finding is placed by line and column, like every other finding in code (so the generic
    SEC1xx hit on the same line is deduplicated against it)."""
    if isinstance(subject, CodeDocumentSubject):
        location = subject.locate(pointer)
        return {"location": replace(location, pointer=None), "anchor": pointer}
    return {"pointer": pointer}


# --- CFG001 --------------------------------------------------------------------------------------


@rule(code="CFG001", name="botkit-ignored-key", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=1188, subject="document", kore_only=True)
def botkit_ignored_key(subject: DocumentSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a key in a BotKit `config.json` that BotKit's code never reads while it reads a
    near-identical one: `jwt-expiry` (BotKit reads `jwtExpiry`), `jwt_algorithm` or
    `JWTAlgorithm` (`jwtAlgorithm`), `apiKey` / `api_key` (`credentials.apikey`), `AppId` /
    `app_id` (`credentials.appId`), `api-prefix` (`apiPrefix`).

    **Why is this bad?**

    The setting silently does nothing: BotKit runs on its default (a longer token lifetime, the
    default algorithm) or without the credential, while the file suggests otherwise.

    **Example**

    ```json
    {"jwt": {"jwtAlgorithm": "HS256"}, "jwt-expiry": 300}
    ```

    **Fix**

    Rename the key to the spelling BotKit reads, e.g. `jwt-expiry` to `jwtExpiry`.

    **References**

    - https://developer.kore.ai/docs/bots/sdks/botkit-sdk-installation/
    - https://github.com/Koredotcom/BotKit
    """
    if not is_botkit_config(subject):
        return
    for pointer, key, _value, parent in walk(subject.data):
        if not isinstance(parent, dict):
            continue
        canonical = BOTKIT_READ_KEYS.get(normalise(key))
        if canonical is None or key == canonical:
            continue
        section = _BOTKIT_SECTIONS.get(canonical)
        if section is not None and not pointer.startswith(section):
            continue  # `apiKey` of some other service elsewhere in the file is not BotKit's
        also = " (the correctly spelt key is also present)" if canonical in parent else ""
        yield Hit(
            message=f"BotKit never reads '{key[:40]}'; it reads '{canonical}', so this setting "
                    f"silently does nothing{also}: rename the key to '{canonical}'",
            evidence={"key": key[:40], "expected": canonical},
            **place(subject, pointer),
        )


# --- CFG002 --------------------------------------------------------------------------------------


def _is_algorithm_key(key: str) -> bool:
    norm = normalise(key)
    return norm == "alg" or norm.endswith("algorithm") or norm.endswith("jwtalg")


def _api_context(subject: DocumentSubject, key: str) -> bool:
    if "api" in normalise(key).replace("apikey", ""):
        return True
    return any("/api/public" in text or "apiscope" in normalise(text) for text in strings_in(subject.data))


@rule(code="CFG002", name="configured-algorithm", severity=Severity.HIGH, confidence=Confidence.MEDIUM,
      cwe=327, subject="document", kore_only=True)
def configured_algorithm(subject: DocumentSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags an algorithm setting in a Kore client configuration that names an algorithm the
    platform refuses for that use: BotKit `jwt.jwtAlgorithm` outside HS256/HS512 (the only
    algorithm key BotKit reads: CFG001 reports near misses such as `jwt_algorithm`); a setting for
    an API-scope client (`KORE_API_JWT_ALGORITHM`, a config calling `/api/public/`) other than
    HS256; web/mobile SDK and other Kore settings outside HS256/HS512/RS256/RS512. `none` is
    always flagged. Configurations with no sign of Kore (client id, bot id, Kore host or key)
    and JWK `alg` members are left alone.

    **Why is this bad?**

    Tokens signed with a refused algorithm are answered with 401 at run time, usually after the
    change shipped; `none` produces unsigned tokens.

    **Example**

    ```json
    {"credentials": {"appId": "cs-…", "apikey": "…"}, "jwt": {"jwtAlgorithm": "RS256"}}
    ```

    **Fix**

    Set the algorithm to HS256 (API scopes, BotKit) or to one of HS256/HS512/RS256/RS512 for
    SDK tokens.

    **References**

    - https://developer.kore.ai/docs/bots/api-guide/apis/
    - https://developer.kore.ai/docs/bots/sdks/user-authorization-and-assertion/
    """
    botkit = is_botkit_config(subject)
    kore = botkit or is_kore_context(subject)
    if not kore:
        return
    for pointer, key, value, parent in walk(subject.data):
        if not isinstance(value, str) or not _is_algorithm_key(key):
            continue
        if not _ALGORITHM_VALUE.match(value.strip()):
            continue
        if isinstance(parent, dict) and "kty" in parent:
            continue
        if isinstance(subject, CodeDocumentSubject) and pointer.split("/")[1].endswith("()"):
            continue  # options of a call in code: SRC002 judges signing calls with their payload
        if botkit and pointer != _BOTKIT_ALGORITHM:
            continue  # BotKit never reads it (CFG001 names a near miss): the setting does nothing
        if botkit:
            allowed, use = BOTKIT_ALGORITHMS, "BotKit accepts only HS256 or HS512"
        elif _api_context(subject, key):
            allowed, use = ("HS256",), "apps mapped to API scopes accept only HS256"
        else:
            allowed, use = SDK_ALGORITHMS, "Kore SDK tokens accept only HS256, HS512, RS256 or RS512"
        if botkit and value.strip().upper() in allowed and value not in allowed:
            # BotKit hands the value to jsonwebtoken, which knows only the exact names
            yield Hit(
                message=f"'{key[:40]}' is set to {value.strip()!r}: BotKit passes it to jsonwebtoken, which "
                        f"refuses any spelling but the exact '{value.strip().upper()}'; write it so",
                evidence={"key": key[:40], "alg": value[:20], "allowed": list(allowed)},
                **place(subject, pointer),
            )
            continue
        if value.strip().upper() in allowed:
            continue
        yield Hit(
            message=f"'{key[:40]}' is set to {value.strip()[:20]}: {use}; set it to HS256",
            evidence={"key": key[:40], "alg": value, "allowed": list(allowed)},
            **place(subject, pointer),
        )


# --- CFG003 --------------------------------------------------------------------------------------

_PLATFORM_URL_KEYS = frozenset(
    {"koreapiurl", "jwturl", "jwtserverurl", "brandingapiurl", "jwtgranturl", "sts", "stsurl",
     "jwtserver", "tokenserverurl", "tokenserver", "botserverurl"}  # the last four: mobile SDKs' names
)
_URL_SUFFIXES = ("url", "uri", "host", "endpoint", "server", "baseurl")


def is_platform_host(host: str) -> bool:
    """A Kore platform host (`bots.kore.ai`, `platform.kore.ai`, `*.kore.com`, an on-premise
    `bots.acme.kore.ai`), not its web pages (`www.`, `docs.`, `developer.` …)."""
    host = host.lower().rstrip(".")
    return _KORE_HOST.search(host) is not None and host.split(".", 1)[0] not in _KORE_WEB_HOSTS \
        and host.count(".") >= 2


_KORE_WEB_HOSTS = frozenset(("www", "docs", "developer", "developers", "community", "academy", "support",
                             "blog", "help", "status", "marketplace"))


def _is_platform_url_key(subject: DocumentSubject, pointer: str, key: str, parent: Any,
                         botkit: bool, kore: bool) -> bool:
    norm = normalise(key)
    if norm in _PLATFORM_URL_KEYS:
        return True
    if "kore" in norm and norm.endswith(_URL_SUFFIXES):
        return True
    if botkit and pointer == "/app/url":
        return True
    if norm == "boturl" and is_sdk_shaped(parent):
        return True
    return kore and ("callback" in norm or "webhook" in norm) and norm.endswith(_URL_SUFFIXES)


@rule(code="CFG003", name="plain-http-endpoint", severity=Severity.MEDIUM, confidence=Confidence.HIGH,
      cwe=319, subject="document", kore_only=True)
def plain_http_endpoint(subject: DocumentSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a platform URL setting that uses `http://` to a host other than loopback:
    `koreAPIUrl`, `JWTUrl` / `jwtServerUrl`, `brandingAPIUrl`, `KORE_*_URL`/`KORE_HOST`, the
    React Native `botUrl`, BotKit `app.url`, and bot callback/webhook URLs in Kore configs — and
    any setting whose URL names a Kore platform host (`http://bots.kore.ai/api/…` under `host`,
    `baseUrl`, `apiUrl` …; the company's web pages such as `docs.kore.ai` are not platform hosts).

    **Why is this bad?**

    Tokens, client ids, user identities and messages cross the network in clear text; anyone on
    the path can read or replay them. `JWTUrl` over HTTP also exposes the minted JWT.

    **Example**

    ```js
    botOptions.koreAPIUrl = "http://bots.kore.ai/api/";
    ```

    **Fix**

    Use `https://` (e.g. `https://bots.kore.ai/api/`); plain HTTP is fine only for
    `localhost` while developing.

    **References**

    - https://cwe.mitre.org/data/definitions/319.html
    - RFC 8725 §3.7 (use TLS): https://datatracker.ietf.org/doc/html/rfc8725
    """
    if no_string_starts_with(subject, "http:"):
        return
    botkit = is_botkit_config(subject)
    kore = botkit or is_kore_context(subject)
    for pointer, key, value, parent in walk(subject.data):
        if not isinstance(value, str) or not value[:7].lower() == "http://":
            continue
        host = url_host(value)
        if not host or is_loopback(host):
            continue
        if not (_is_platform_url_key(subject, pointer, key, parent, botkit, kore) or is_platform_host(host)):
            continue
        yield Hit(
            message=f"'{key[:40]}' uses http:// to {host[:80]}: tokens and messages travel in "
                    "clear text; use https://",
            evidence={"key": key[:40], "host": host[:80]},
            **place(subject, pointer),
        )


# --- CFG004 --------------------------------------------------------------------------------------


@rule(code="CFG004", name="raw-secret-header", severity=Severity.MEDIUM, confidence=Confidence.MEDIUM,
      cwe=522, subject="code", kore_only=True)
def raw_secret_header(subject: CodeSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags code that sends the client secret itself as a request header: BotKit's deprecated
    `apikey` header set from `config.credentials.apikey`, from a variable named like the
    client secret, or from a literal of the secret's shape (`headers: { apikey: ... }`,
    `req.set("apikey", ...)`, `requests.post(..., headers={"apikey": ...})`).

    **Why is this bad?**

    A signed JWT proves knowledge of the secret without sending it; the raw secret in a header
    is exposed to every proxy, log and packet capture on the way and never expires.

    **Example**

    ```js
    axios.post(url, body, { headers: { apikey: config.credentials.apikey } });
    ```

    **Fix**

    Send a short-lived JWT signed with the secret (HS256, `appId` claim) in the `auth` header
    instead, and drop the `apikey` header.

    **References**

    - https://developer.kore.ai/docs/bots/sdks/botkit-sdk-tutorial-blue-prism/
    - https://cwe.mitre.org/data/definitions/522.html
    """
    if subject.unparsed:
        return
    for header in subject.headers:
        evidence: dict[str, Any] = {"header": header.name[:40], "source": header.secret_ref}
        if header.value:
            evidence["sha256_prefix"] = short_hash(header.value)
        yield Hit(
            message=f"The client secret itself is sent in the '{header.name[:40]}' header, "
                    f"from {header.secret_ref}: send a signed JWT in the `auth` header instead",
            evidence=evidence,
            value=header.value,
            location=Location(path=subject.location.path, line=header.span.line,
                              column=header.span.column, end_line=header.span.end_line,
                              end_column=header.span.end_column, pointer=header.pointer,
                              commit=subject.location.commit),
            anchor=header.pointer or f"header:{header.name}",
        )
