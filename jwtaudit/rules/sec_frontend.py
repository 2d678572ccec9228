"""SEC003 and SEC006: secrets and token services in browser/mobile client configuration.

Both read documents: structured files (`DocumentSubject`) and the literal config objects of
JS/TS files (`CodeDocumentSubject`, with `frontend`/`server` hints from the file's imports,
path and browser globals). They apply to web SDK `botOptions`, `kore-config.js/ts`, React
Native / mobile bot configs, `.env` keys that bundlers inline into client code, and bundles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from jwtaudit.engine import RunContext
from jwtaudit.model import Confidence, Hit, Severity
from jwtaudit.redact import short_hash
from jwtaudit.rules.cfg import (
    SDK_MARKERS,
    file_name,
    is_botkit_config,
    is_loopback,
    is_sdk_shaped,
    normalise,
    place,
    text_lacks,
    text_lacks_match,
    unescaped_lacks_match,
    walk,
)
from jwtaudit.rules.registry import rule
from jwtaudit.sources.key_names import is_secret_key
from jwtaudit.sources.secrets import is_placeholder, looks_like_secret_value
from jwtaudit.subjects import CodeDocumentSubject, DocumentSubject

# Bundlers inline variables with these prefixes into the code shipped to browsers and apps.
PUBLIC_ENV_PREFIXES = (
    "REACT_APP_", "VITE_", "NEXT_PUBLIC_", "EXPO_PUBLIC_", "GATSBY_", "VUE_APP_", "NUXT_PUBLIC_",
    "NG_APP_", "PUBLIC_", "STORYBOOK_", "SNOWPACK_PUBLIC_", "PARCEL_PUBLIC_",
)
FRONTEND_DIRS = frozenset(
    {"public", "static", "www", "assets", "client", "frontend", "browser", "webapp", "widgets",
     "ios", "android", "res", "raw"}
)
# Kore's sample token services: the hosted demo API gateway and the sample path.
DEMO_HOSTS = frozenset({"mk2r2rmj21.execute-api.us-east-1.amazonaws.com", "demo.kore.net"})
DEMO_PATH = re.compile(r"/users/sts/?$", re.IGNORECASE)
_DEMO_PATH_TEXT = re.compile(r"users\\?/sts")  # in lowercased text, where "/" may be written "\/"
# "secret" as `normalise` finds it in a key: any characters but letters and digits between its
# letters (in unescaped lowercased text; linear: no run of them can hold another "s")
_SECRET_IN_TEXT = re.compile(r"[\W_]*".join("secret"))
_PLACEHOLDER = ("please", "enter", "your", "changeme", "replace", "placeholder", "xxxx", "****",
                "<", "${", "{{", "%(", "todo", "example", "dummy", "insert", "process.env")
_JWT = re.compile(r"^eyJ[A-Za-z0-9_-]+\.")


@lru_cache(maxsize=65536)
def _is_secret_key(key: str) -> bool:
    """A name of the client secret itself: `clientSecret`, `KORE_CLIENT_SECRET`, `appSecret`; not
    one about it (`clientSecretName`, `clientSecretRef`, `clientSecretKey` of a Kubernetes Secret)."""
    norm = normalise(key)
    kore_secret = norm.endswith("secret") and "kore" in norm
    named = "clientsecret" in norm or norm.endswith("appsecret") or kore_secret
    if not named:
        return False  # not `clientSecret`, `KORE_APP_SECRET`, `VITE_KORE_SECRET`
    return is_secret_key(key) and not norm.endswith(_ABOUT_THE_SECRET)


_ABOUT_THE_SECRET = ("ref", "reference", "key", "keyname", "secretname", "vault", "source", "from")


def _real_secret(value: Any) -> bool:
    if not isinstance(value, str) or len(value.strip()) < 8 or _JWT.match(value):
        return False
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER):
        return False
    return looks_like_secret_value(value) and not is_placeholder(value)


# Settings only a web or mobile SDK bot config has. `botId`/`botName` are not among them for data
# files: a server's settings (`kore: {botId, clientId, clientSecret}`) name the bot too.
_CLIENT_ONLY_MARKERS = SDK_MARKERS - {"botid", "botname"}


def _client_sdk_shaped(parent: Any) -> bool:
    return isinstance(parent, dict) and any(normalise(k) in _CLIENT_ONLY_MARKERS for k in parent)


_EXPO_CONFIGS = frozenset(("app.config.js", "app.config.ts", "app.config.mjs", "app.config.cjs"))


@lru_cache(maxsize=4096)  # one answer per file, asked for each of its secrets
def _frontend_path(path: str) -> bool:
    parts = PurePosixPath(path.replace("\\", "/").lower()).parts
    return bool(set(parts[:-1]) & FRONTEND_DIRS)


def _where(subject: DocumentSubject, key: str, parent: Any) -> str | None:
    """Why this secret ships to a client, or None when it stays on a server."""
    if isinstance(subject, CodeDocumentSubject):
        if getattr(subject, "frontend", False):
            return "a browser or mobile source file"
        if file_name(subject.location.path) in _EXPO_CONFIGS:  # `extra` reaches the app as expoConfig
            return "an Expo app config (bundled into the app)"
        if is_sdk_shaped(parent) and not getattr(subject, "server", False):
            return "a web/mobile SDK bot configuration"
        return None
    if subject.format == "env":
        prefix = next((p for p in PUBLIC_ENV_PREFIXES if key.upper().startswith(p)), None)
        if prefix is not None:  # the whole prefix: "REACT_APP_", not "REACT_"
            return f"a {prefix} variable that the bundler inlines into client code"
        return None
    if is_botkit_config(subject):
        return None
    if _client_sdk_shaped(parent):
        return "a web/mobile SDK bot configuration"
    data = subject.data
    if (isinstance(data, dict) and "expo" in data) or file_name(subject.location.path) in _EXPO_CONFIGS:
        return "an Expo app config (bundled into the app)"
    if _frontend_path(subject.location.path):
        return "a file served to browsers or packaged into a mobile app"
    return None


@rule(code="SEC003", name="client-secret-in-frontend", severity=Severity.CRITICAL,
      confidence=Confidence.HIGH, cwe=798, subject="document", kore_only=True)
def client_secret_in_frontend(subject: DocumentSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a literal client secret in configuration that runs in a browser or a mobile app: web
    SDK `botOptions.clientSecret` (`kore-config.js/ts`, widget configs, React components),
    React Native / mobile `botConfig.clientSecret`, JSON configs served from `public/` or
    packaged under `assets/`, `.env` keys that bundlers inline (`REACT_APP_`, `VITE_`,
    `NEXT_PUBLIC_`, `EXPO_PUBLIC_` …), and minified bundles. Placeholders such as
    `PLEASE_ENTER_CLIENT_SECRET` and server-side files (an Express token service, BotKit
    `config.json`) are not flagged here (SEC002 covers secrets on servers).

    **Why is this bad?**

    Everything shipped to a client is public: any visitor can open the bundle, read the secret
    and mint tokens for the app (any user identity, any bot the app is mapped to).

    **Example**

    ```js
    botOptions.clientId = "cs-1e845b00-81ad-5757-a1e7-d0f6fea227e9";
    botOptions.clientSecret = "<the app's 44-character client secret>";
    ```

    **Fix**

    Move the secret to the server and mint the token there: host a JWT service (set
    `botOptions.JWTUrl` to it) that signs the SDK token with the secret, remove
    `clientSecret` from the client config, and rotate the exposed secret.

    **References**

    - https://developer.kore.ai/docs/bots/sdks/user-authorization-and-assertion/
    - https://cwe.mitre.org/data/definitions/798.html
    """
    if unescaped_lacks_match(subject, _SECRET_IN_TEXT):
        return  # no key can name a client or app secret
    for pointer, key, value, parent in walk(subject.data):
        if not _is_secret_key(key) or not _real_secret(value):
            continue
        where = _where(subject, key, parent)
        if where is None:
            continue
        yield Hit(
            message=f"Client secret '{key[:40]}' is in {where}: anyone can read it and mint tokens; "
                    "move the secret to the server, mint the token there (JWTUrl), and rotate it",
            evidence={"key": key[:40], "length": len(value), "sha256_prefix": short_hash(value)},
            value=value,
            **place(subject, pointer),
        )


def _is_jwt_url_key(key: str) -> bool:
    norm = normalise(key)
    return "jwt" in norm and any(part in norm for part in ("url", "uri", "endpoint", "server", "service"))


@rule(code="SEC006", name="demo-token-service", severity=Severity.HIGH, confidence=Confidence.HIGH,
      cwe=522, subject="document", kore_only=True)
def demo_token_service(subject: DocumentSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a JWT service URL (`JWTUrl`, `jwtServerUrl`, `JWT_URL` …) that points at a Kore
    demo/sample token service: the sample path `/users/sts`, or a known demo host such as the
    sample API gateway `mk2r2rmj21.execute-api.us-east-1.amazonaws.com` (flagged under any key).

    **Why is this bad?**

    The sample service mints tokens from the client id and secret the client posts to it: the
    app's secret goes to a third party, and production depends on a demo endpoint nobody
    operates for you.

    **Example**

    ```js
    botOptions.JWTUrl = "https://mk2r2rmj21.execute-api.us-east-1.amazonaws.com/dev/users/sts";
    ```

    **Fix**

    Run your own token service that signs with the secret kept on your server, point `JWTUrl` /
    `jwtServerUrl` at it, and rotate the secret that was sent to the demo service.

    **References**

    - https://developer.kore.ai/docs/bots/sdks/user-authorization-and-assertion/
    - https://github.com/Koredotcom/web-kore-sdk
    """
    if text_lacks(subject, *DEMO_HOSTS) and text_lacks_match(subject, _DEMO_PATH_TEXT):
        return  # neither a demo host nor the sample path can be in it
    for pointer, key, value, _parent in walk(subject.data):
        if not isinstance(value, str) or "://" not in value[:12]:
            continue
        try:
            parts = urlsplit(value.strip())
        except ValueError:
            continue
        host = (parts.hostname or "").lower()
        demo_host = host in DEMO_HOSTS
        if not demo_host and not (_is_jwt_url_key(key) and DEMO_PATH.search(parts.path or "")):
            continue
        if not demo_host and is_loopback(host):
            continue  # your own copy of the sample service, on this machine: no third party
        what = "a known Kore demo host" if demo_host else "the sample token service path /users/sts"
        yield Hit(
            message=f"'{key[:40]}' points at {what} ({host[:80]}): the client secret is posted to a "
                    "third party; run your own token service and rotate the secret",
            evidence={"key": key[:40], "host": host[:80]},
            **place(subject, pointer),
        )
