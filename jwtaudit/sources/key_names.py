"""Key names: what a name says about the value bound to it.

`key_before` finds the name a value is bound to on its line; `is_secret_key` says whether that
name is a secret's (`clientSecret`, `KORE_CLIENT_SECRET`, `credentials.apikey`) rather than
something about one (`token_url`, `clientSecretSha256`, `nextToken`); `names_a_stand_in` and
`holds_no_secret` name the values that never are credentials. Every source and rule that
judges a value by its name asks here, so they agree.
"""

from __future__ import annotations

import re
from functools import lru_cache

_KEY_BEFORE = re.compile(
    r"""["']?([A-Za-z_$@][\w$.\-]*)(?:\\?["']\s*\]|\\?["'\]])?(?:\s*:\s*[A-Za-z_][\w.]*(?:\[[\w., |]*\])?)?"""
    r"""\s*(?:=>|:::=|::=|:=|[?+!]=|=|:)\s*(?:\\?["'`]\s*)?(?:(?:Bearer|JWT|Token)\s+)?$""",
    re.IGNORECASE,
)
# `os.environ.get("NAME", "…")`, `os.getenv("NAME", default="…")`, `process.env.NAME || "…"` (also `??`),
# the shell's `${NAME:-…}` default, Dockerfile `ENV NAME …` and fish/csh `set -gx NAME …`/`setenv NAME …`
_ENV_DEFAULT_BEFORE = re.compile(
    r"""(?:(?:environ\.get|getenv|environ\.setdefault)\(\s*\\?["']([A-Za-z_][\w.\-]*)\\?["']\s*,\s*"""
    r"""(?:default\s*=\s*)?\\?"""
    r"""|(?:environ\.get|getenv)\(\s*["']([A-Za-z_][\w.\-]*)["']\s*\)\s*(?:or|\|\||\?\?)\s*"""
    # environs / python-decouple: `env.str("NAME", default="…")`, `config("NAME", default="…")`
    r"""|(?:\benv\.\w{1,12}|\bconfig)\(\s*["']([A-Za-z_][\w.\-]*)["']\s*,\s*(?:default\s*=\s*)?"""
    r"""|process\.env\.([A-Za-z_$][\w$]*)\s*(?:\|\||\?\?)\s*"""
    r"""|process\.env\[\s*["']([\w$.\-]+)["']\s*\]\s*(?:\|\||\?\?)\s*)["'`]?$"""
)
_SPACED_BEFORE = re.compile(
    r"""(?:["']([A-Za-z_][\w.\-]*)["']\s*,\s*["']"""  # a name/value pair: `Add("X", "…")`, `{ "X", "…" }`
    # pydantic: `client_secret: SecretStr = SecretStr("…")`, `= Field(default="…")`
    r"""|\b([A-Za-z_]\w*)\s*(?::\s*[\w.\[\]]{1,40}\s*)?=\s*(?:SecretStr|SecretBytes|Secret|Field)\(\s*"""
    r"""(?:default\s*=\s*)?["']"""
    r"""|\bkey\s*=\s*["']([A-Za-z_][\w.\-:]*)["']\s+value\s*=\s*["']"""  # `<add key="X" value="…"/>`
    r"""|\$\{([A-Za-z_]\w*):?[-=]"""
    r"""|^\s*(?:ENV|ARG|env|arg)\s+([A-Za-z_][\w.\-]*)\s+["']?"""
    r"""|(?:^|[;&|]\s*)(?:set(?:\s+--?[A-Za-z][A-Za-z-]*)*|setenv)\s+([A-Za-z_]\w*)\s+["']?)$"""
)
_SECRET_KEY_PARTS = ("secret", "password", "passwd", "pwd", "apikey", "token", "privatekey", "signingkey",
                     "jwtkey", "hmackey", "clientkey", "accesskey", "authkey", "credential", "apisecret")


def key_before(prefix: str) -> str:
    """The name a value is bound to, from the text before it on its line ("" when none); the
    default of an environment lookup is bound to the variable's name."""
    tail = prefix[-160:]  # every pattern below reads at most these 160 characters
    lookup = "env" in tail or "config(" in tail
    match = _ENV_DEFAULT_BEFORE.search(prefix[-160:]) if lookup else None  # before `default=`'s own name
    if match is None:
        plain = _KEY_BEFORE.search(prefix[-160:])
        if plain and plain.start(1) and tail[plain.start(1) - 1] == "\\" and plain.group(1)[:1] in "ntr":
            return plain.group(1)[1:]  # `\nclient_secret = …` in a JSON string: the `n` is the escape's
        if plain and plain.group(1).lower() not in ("value", "default"):
            return plain.group(1)
        if " " in tail or "{" in tail or "," in tail or "(" in tail:  # `value="…"` after `key="X"` is X's,
            match = _SPACED_BEFORE.search(prefix[-160:])  # `Field(default="…")` the field's
        if match is None and plain:
            return plain.group(1)
    return next((name for name in match.groups() if name), "") if match else ""


@lru_cache(maxsize=65536)  # key names, asked many times per file
def normalise_key(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.rsplit("/", 1)[-1].lower())


@lru_cache(maxsize=65536)  # documents repeat their key names thousands of times
def is_secret_key(key: str) -> bool:
    norm = normalise_key(key)
    if not norm:
        return False
    if any(part in norm for part in _SECRET_KEY_PARTS):
        if _is_cursor(norm) or ("cache" in norm and norm.endswith(("key", "keys", "id"))):
            return False  # pagination and request tokens (`nextToken`), cache keys (digests)
        return not norm.endswith(_ABOUT_A_SECRET)
    return norm in ("key", "auth", "pass")


# A name that ends so holds something about a secret (where it is, what it is called, how it
# starts, a hash to compare it with), not the secret: `password_field_name`, `token_url`,
# `SECRET_KEY_INSECURE_PREFIX`, `clientSecretSha256` (export-format.md's way to compare).
_DIGEST_ENDINGS = ("hash", "sha1", "sha256", "sha384", "sha512", "md5", "digest", "fingerprint", "checksum")
_ABOUT_A_SECRET = ("url", "uri", "endpoint", "path", "file", "name", "type", "id", "enabled", "expiry", "ttl",
                   "header", "env", "length", "size", "prefix", "suffix", "startswith", "endswith", "field",
                   "label", "region", "policy", "scope", "scopes", *_DIGEST_ENDINGS)
_STAND_IN_WORDS = frozenset(("test", "tests", "testing", "fake", "dummy", "mock", "example", "sample",
                             "masked", "placeholder", "bogus", "stub"))
_KEY_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def names_a_stand_in(key: str) -> bool:
    """A name that says its value is not a live credential: one about a secret rather than of
    one (`password1_field_name`, `token_cache_key`), or one that calls the value a test,
    fake, dummy, mock, example or masked value (`MASKED_TEST_SECRET`, `fakeApiKey`)."""
    name = key.rsplit("/", 1)[-1]
    norm = normalise_key(name)
    if any(part in norm for part in _SECRET_KEY_PARTS) and not is_secret_key(name):
        return True
    return any(word in _STAND_IN_WORDS for word in key_words(name))


def key_words(key: str) -> list[str]:
    """The words of a name, lowercased: `KORE_BOT_NAME` → kore, bot, name; `appName` → app, name."""
    return [word.lower() for word in _KEY_WORDS.findall(key)]


def holds_no_secret(key: str) -> bool:
    """A member whose value is never a credential: a pattern (`pattern` in JSON Schema, OpenAPI
    and AWS API descriptions), documentation prose, a pagination / request token
    (`NextToken`, `continuationToken`), or an anti-forgery nonce (`csrf_token`, `XSRF-TOKEN`)."""
    norm = normalise_key(key)
    return (norm in ("pattern", "regex", "regexp", "documentation") or _is_cursor(norm)
            or (("csrf" in norm or "xsrf" in norm) and norm.endswith("token")) or norm == "authenticitytoken")


def _is_cursor(norm: str) -> bool:
    return norm.endswith("token") and norm.startswith(_NOT_CREDENTIAL_TOKENS)


_NOT_CREDENTIAL_TOKENS = ("next", "page", "pagination", "continuation", "resum", "sync", "cursor", "input",
                          "output", "idempoten", "clientrequest", "marker")


def names_a_digest(key: str) -> bool:
    """`clientSecretSha256`, `SECRET_HASH`, `tokenHmac`: a digest kept to compare a secret with."""
    return normalise_key(key).endswith((*_DIGEST_ENDINGS, "hmac"))


def names_no_secret(key: str) -> bool:
    """A name whose 32-byte base64 value is something other than a secret: a public key or its
    pin, a digest or thumbprint (`etag`, `x5t#S256`, `integrity`), a nonce, salt or IV, or an id
    (`kid`, `keyId`, `requestId`)."""
    if not key:
        return False
    norm = normalise_key(key)
    if names_a_digest(key) or norm.startswith("x5t") or norm.endswith(("id", "ids", "etag", "initvector")) \
            or norm in ("sri", "iv"):
        return True
    return any(word in _NOT_SECRET_WORDS for word in key_words(key.rsplit("/", 1)[-1]))


_NOT_SECRET_WORDS = frozenset(("public", "pub", "pubkey", "publickey", "pin", "pins", "etag", "thumbprint",
                               "integrity", "nonce", "salt", "iv", "kid", "fingerprint", "checksum", "digest",
                               "hash", "sha", "certificate", "cert", "signature", "sig"))


def is_xenioo_key_name(key: str) -> bool:
    """Xenioo's key names (`AccountAPIKey`, `BotAPIKey`, `BotAPISecret`, and names that say Xenioo
    and end in key or secret; a saved bots list's bare `APIKey`/`APISecret`)."""
    norm = normalise_key(key)
    return norm.endswith(("accountapikey", "botapikey", "botapisecret")) or norm in ("apikey", "apisecret") \
        or ("xenioo" in norm and norm.endswith(("key", "secret")))  # `XENIOO_BOT_KEY`, `XENIOO_SECRET`
