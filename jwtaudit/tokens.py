"""Compact JWS/JWE parsing without verification, profile classification and signature checks.

Nothing here trusts a token: `decode_unverified` says so in its name. HMAC checks use `hmac`
directly so that a 100,000-word list costs well under a second; RSA/EC checks go through PyJWT's
algorithm objects, imported only when needed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jwtaudit.errors import TokenError

_WHITESPACE = re.compile(r"\s")  # the characters str.isspace() accepts
MAX_TOKEN_LENGTH = 1_000_000
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
# the platform's prefix is exactly `cs-` (`CS-…` is a copy/format slip); UUID hex digits are
# case-insensitive on input (RFC 9562 §4), so upper-case hex still names the same id
_CLIENT_ID = re.compile(r"^cs-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_CLIENT_ID_ANY_CASE = re.compile(_CLIENT_ID.pattern, re.IGNORECASE)
HMAC_HASHES = {"HS256": "sha256", "HS384": "sha384", "HS512": "sha512"}
HMAC_MIN_KEY_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}
SDK_CLAIMS = ("isAnonymous", "kore_jti", "kore_iss", "kore_sub", "kore_aud")
IDPROXY_AUDIENCES = (
    "https://idproxy.kore.com/authorize",
    "https://idproxy.kore.ai/authorize",
)


class _DuplicateKeys(Exception):
    pass


@dataclass(frozen=True, kw_only=True)
class ParsedToken:
    """A compact JWS (3 parts) or JWE (5 parts), decoded but not verified.

    `problems` lists why the token is malformed (TOK001), in words safe to show.
    The raw token and signature are kept out of `repr` so they never leak into a traceback.
    """

    raw: str = field(repr=False)
    kind: str  # "jws" | "jwe"
    header: dict[str, Any] | None
    payload: dict[str, Any] | None
    problems: tuple[str, ...]
    signing_input: bytes = field(repr=False)
    signature: bytes = field(repr=False)
    signature_text: str = field(repr=False)

    @property
    def alg(self) -> str | None:
        value = (self.header or {}).get("alg")
        return value if isinstance(value, str) else None

    @property
    def claims(self) -> dict[str, Any]:
        return self.payload or {}

    @property
    def is_jwe(self) -> bool:
        return self.kind == "jwe"

    @property
    def signed(self) -> bool:
        return self.kind == "jws" and bool(self.signature_text)


def b64url_decode(segment: str) -> bytes:
    """Decode one base64url segment, tolerating missing padding (RFC 7515 strips it)."""
    text = segment.rstrip("=")
    if not _B64URL.match(text):
        raise ValueError("characters outside the base64url alphabet")
    if len(text) % 4 == 1:
        raise ValueError("impossible base64 length")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKeys(key)
        seen[key] = value
    return seen


def _non_json_constant(found: list[str]) -> Any:
    """Python's json accepts NaN/Infinity/-Infinity; JSON (RFC 8259) does not. Keep the value (so
    the other rules still see the claims) and remember the literal (TOK001)."""

    def parse_constant(name: str) -> float:
        found.append(name)
        return float(name)

    return parse_constant


def _decode_json_segment(segment: str, label: str, problems: list[str]) -> dict[str, Any] | None:
    if segment != segment.rstrip("="):
        problems.append(f"{label} segment has base64 padding ('='), which compact JWS forbids")
    try:
        data = b64url_decode(segment)
    except ValueError as exc:
        problems.append(f"{label} segment: {exc}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(f"{label} is not UTF-8")
        return None
    constants: list[str] = []
    parse_constant = _non_json_constant(constants)
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=parse_constant,
                           parse_int=_parse_int)
    except _DuplicateKeys as exc:
        problems.append(f"{label} has a duplicate JSON key {str(exc)[:40]!r}")
        try:
            value = json.loads(text, parse_constant=parse_constant, parse_int=_parse_int)
        except (ValueError, RecursionError):
            return None
    except (ValueError, RecursionError):
        problems.append(f"{label} is not JSON")
        return None
    if constants:
        problems.append(f"{label} uses {constants[0]}, which is not a JSON value")
    if not isinstance(value, dict):
        problems.append(f"{label} is JSON but not an object")
        return None
    return value


def _parse_int(digits: str) -> int | float:
    """A JSON integer; one longer than Python converts (4,300 digits) is infinitely far off, not
    a reason to call the payload "not JSON"."""
    if len(digits) > 4000:
        return float("-inf") if digits.startswith("-") else float("inf")
    return int(digits)


def looks_like_token(text: str) -> bool:
    parts = text.split(".")
    return len(parts) in (3, 5) and parts[0].startswith("eyJ")


def decode_unverified(raw: str) -> ParsedToken:
    """Parse a compact JWS or JWE WITHOUT verifying anything.

    Raises TokenError only when the text is not token-shaped at all (not 3 or 5 dot-separated
    parts, or absurdly long); every other defect is recorded in `problems`.
    """
    if not isinstance(raw, str):
        raise TokenError("token must be text")
    text = raw.strip()
    if len(text) > MAX_TOKEN_LENGTH:
        raise TokenError(f"token is too long ({len(text)} characters)")
    if not text:
        raise TokenError("empty token")
    parts = text.split(".")
    if len(parts) not in (3, 5):
        raise TokenError(
            f"not a compact JWS or JWE: {len(parts)} dot-separated parts (expected 3 or 5)"
        )
    if not parts[0]:
        raise TokenError("not a compact JWS or JWE: the header segment is empty")
    problems: list[str] = []
    if _WHITESPACE.search(text):
        problems.append("token contains whitespace")
    header = _decode_json_segment(parts[0], "header", problems)
    kind = "jwe" if len(parts) == 5 else "jws"
    payload: dict[str, Any] | None = None
    signature = b""
    signature_text = ""
    if kind == "jws":
        payload = _decode_json_segment(parts[1], "payload", problems)
        signature_text = parts[2]
        if signature_text:
            try:
                signature = b64url_decode(signature_text)
            except ValueError as exc:
                problems.append(f"signature segment: {exc}")
    else:
        for index, label in ((1, "encrypted key"), (2, "IV"), (3, "ciphertext"), (4, "tag")):
            try:
                b64url_decode(parts[index])
            except ValueError as exc:
                problems.append(f"JWE {label} segment: {exc}")
        if not parts[3]:
            problems.append("JWE ciphertext segment is empty")
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii", "replace")
    return ParsedToken(
        raw=text,
        kind=kind,
        header=header,
        payload=payload,
        problems=tuple(problems),
        signing_input=signing_input,
        signature=signature,
        signature_text=signature_text,
    )


def is_client_id(value: Any) -> bool:
    """The platform's format: `cs-` (lower case) + a UUID."""
    return isinstance(value, str) and bool(_CLIENT_ID.fullmatch(value))


def is_client_id_any_case(value: Any) -> bool:
    """`cs-` / `CS-` + a UUID: enough to tell a token is meant for Kore, not enough to be valid."""
    return isinstance(value, str) and bool(_CLIENT_ID_ANY_CASE.fullmatch(value))


def app_id_variants(claims: dict[str, Any]) -> list[str]:
    """Claim names that mean appId but are not spelled exactly `appId`."""
    return [
        name
        for name in claims
        if name != "appId" and re.sub(r"[^a-z]", "", name.lower()) == "appid"
    ]


def looks_like_kore_app_id(value: Any) -> bool:
    """A client id (`cs-…`, even malformed) or a documentation placeholder for one."""
    if not isinstance(value, str):
        return False
    lowered = value.strip().lower()
    return lowered.startswith("cs-") or "client-id" in lowered or "client id" in lowered or (
        lowered.startswith("<") and lowered.endswith(">"))


FOREIGN_IDP_CLAIMS = ("tid", "oid", "appidacr", "azpacr", "xms_tcdt")


def issued_by_other_idp(claims: dict[str, Any]) -> bool:
    """Signs of another identity provider's token (Azure AD's `appid`, `tid`, an `iss` URL that
    is not Kore's): its `appid` claim is that IdP's, not a Kore mistake."""
    iss = claims.get("iss")
    if isinstance(iss, str) and iss.startswith(("https://", "http://")) and "kore" not in iss.lower():
        return True
    return any(name in claims for name in FOREIGN_IDP_CLAIMS)


def kore_app_id_variants(claims: dict[str, Any]) -> list[str]:
    """Miscased appId claims that are Kore mistakes: any whose value is a Kore client id, and
    otherwise all of them unless the token is visibly another IdP's (Azure AD puts a bare GUID
    in its own `appid`)."""
    variants = app_id_variants(claims)
    kore_like = [name for name in variants if looks_like_kore_app_id(claims[name])]
    if kore_like or issued_by_other_idp(claims):
        return kore_like
    return variants


def is_idproxy_audience(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and v.rstrip("/") in IDPROXY_AUDIENCES for v in values)


def idproxy_audience_problem(value: Any) -> str | None:
    """Why an SDK token's `aud` is not exactly an idproxy authorize URL, or None. RFC 7519 §4.1.3
    compares audiences as exact strings: a trailing slash or another case is another audience,
    and an array must name nothing but idproxy."""
    values = value if isinstance(value, list) else [value]
    if not values:
        return "is an empty array"
    for item in values:
        if not isinstance(item, str):
            return "holds a value that is not a string"
        if item not in IDPROXY_AUDIENCES:
            if item.rstrip("/") in IDPROXY_AUDIENCES or item.lower().rstrip("/") in IDPROXY_AUDIENCES:
                return "differs from the idproxy authorize URL (audiences compare as exact strings)"
            return "names an audience other than idproxy" if isinstance(value, list) else (
                "is not the idproxy authorize URL")
    return None


def classify(token: ParsedToken, override: str | None = None, *, public_api: bool = False) -> str:
    """kore-api, kore-sdk or generic (rules.md, "Token profiles").

    `override` (`--profile`) wins. Otherwise a token sent to the Kore public APIs (`auth` header,
    `/api/public/` URL) is a kore-api token whatever its claims say: that is what the platform
    will check it as."""
    if override:
        return override
    if public_api:
        return "kore-api"
    claims = token.claims
    sdk = (
        any(name in claims for name in SDK_CLAIMS)
        or any(name.startswith("kore_") for name in claims)
        or is_idproxy_audience(claims.get("aud"))
        or is_client_id_any_case(claims.get("iss"))
    )
    if sdk:
        return "kore-sdk"
    if "appId" in claims or kore_app_id_variants(claims):
        return "kore-api"
    return "generic"


# --- signatures -------------------------------------------------------------------------------


def verify_hmac(token: ParsedToken, secret: str | bytes) -> bool:
    hash_name = HMAC_HASHES.get(token.alg or "")
    if hash_name is None or not token.signature:
        return False
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    digest = hmac.digest(key, token.signing_input, hash_name)
    return hmac.compare_digest(digest, token.signature)


class HmacKeys:
    """HMAC with the key schedule (inner and outer pads) computed once per secret, so checking a
    secret against another token costs two hash copies instead of a full HMAC set-up: about half
    the time. Bounded: past `max_keys` secrets it falls back to plain `hmac.digest`."""

    def __init__(self, max_keys: int = 20_000) -> None:
        self._pads: dict[tuple[str, str], tuple[Any, Any]] = {}
        self._lists: dict[tuple[tuple[str, ...], str], list[tuple[str, Any, Any]]] = {}
        self._max_keys = max_keys

    def _key_pads(self, secret: str, hash_name: str) -> tuple[Any, Any]:
        key = secret.encode("utf-8", "surrogatepass")
        block = hashlib.new(hash_name).block_size
        if len(key) > block:
            key = hashlib.new(hash_name, key).digest()
        key = key.ljust(block, b"\0")
        return hashlib.new(hash_name, key.translate(_IPAD)), hashlib.new(hash_name, key.translate(_OPAD))

    def first_match(self, candidates: tuple[str, ...], hash_name: str, message: bytes,
                    expected: bytes) -> str | None:
        """The first of a fixed list of candidates (the built-in list) whose HMAC of `message` is
        `expected`: the pads of the whole list are kept together, so the loop is six C calls per
        candidate and nothing else."""
        pads = self._lists.get((candidates, hash_name))
        if pads is None:
            if len(self._lists) >= 64:  # a list seen once is not worth keeping: one digest per key
                cached = self.digest
                return next((c for c in candidates if cached(c, hash_name, message) == expected), None)
            pads = [(c, *self._key_pads(c, hash_name)) for c in candidates]
            self._lists[(candidates, hash_name)] = pads
        for candidate, inner_pad, outer_pad in pads:
            inner = inner_pad.copy()
            inner.update(message)
            outer = outer_pad.copy()
            outer.update(inner.digest())
            if outer.digest() == expected:
                return candidate
        return None

    def digest(self, secret: str, hash_name: str, message: bytes) -> bytes:
        pads = self._pads.get((secret, hash_name))
        if pads is None:
            if len(self._pads) >= self._max_keys:
                return hmac.digest(secret.encode("utf-8", "surrogatepass"), message, hash_name)
            pads = self._key_pads(secret, hash_name)
            self._pads[(secret, hash_name)] = pads
        inner = pads[0].copy()
        inner.update(message)
        outer = pads[1].copy()
        outer.update(inner.digest())
        return outer.digest()

    def verifies(self, secret: str, alg: str, message: bytes, signature: bytes) -> bool:
        hash_name = HMAC_HASHES.get(alg)
        if hash_name is None or not signature:
            return False
        return hmac.compare_digest(self.digest(secret, hash_name, message), signature)


_IPAD = bytes(b ^ 0x36 for b in range(256))
_OPAD = bytes(b ^ 0x5C for b in range(256))
SHARED_HMAC_KEYS = HmacKeys()


def crack_hmac(token: ParsedToken, candidates: Iterable[str], keys: HmacKeys | None = None) -> str | None:
    """The first candidate secret that verifies an HS* token, or None.

    With `keys` (e.g. `SHARED_HMAC_KEYS` for the built-in list, reused across many tokens) the
    key schedules are cached; without, each candidate costs one `hmac.digest` (best for a long
    wordlist tried once)."""
    hash_name = HMAC_HASHES.get(token.alg or "")
    if hash_name is None or not token.signature:
        return None
    message = token.signing_input
    expected = token.signature
    if len(expected) != hashlib.new(hash_name).digest_size:
        return None
    if keys is not None and isinstance(candidates, tuple):
        return keys.first_match(candidates, hash_name, message, expected)
    if keys is not None:
        cached = keys.digest
        for candidate in candidates:
            if cached(candidate, hash_name, message) == expected:
                return candidate
        return None
    digest = hmac.digest
    for candidate in candidates:
        if digest(candidate.encode("utf-8", "surrogatepass"), message, hash_name) == expected:
            return candidate
    return None


def verify_with_public_key(token: ParsedToken, key_pem: str) -> bool:
    """Verify an RS*/PS*/ES* token with a PEM or JWK public key (or the public half of a private
    one), and an HS* token with an `oct` JWK (its `k` is the HMAC key), through PyJWT's algorithms."""
    alg = token.alg or ""
    if not token.signature or alg.lower() == "none":
        return False
    is_jwk = key_pem.lstrip().startswith("{")
    if alg.upper().startswith("HS") and not is_jwk:
        return False  # a PEM is never an HMAC key (that is the alg-confusion attack, not a proof)
    try:
        from jwt.algorithms import get_default_algorithms

        algorithm = get_default_algorithms().get(alg)
        if algorithm is None:
            return False
        key = algorithm.from_jwk(key_pem) if is_jwk else algorithm.prepare_key(key_pem)
        if not hasattr(key, "verify") and hasattr(key, "public_key"):
            key = key.public_key()  # a private key verifies through its public half
        if algorithm.verify(token.signing_input, key, token.signature):
            return True
        if isinstance(key, bytes):  # some libraries (jwcrypto's get_op_key) sign with `k`'s text itself
            text = json.loads(key_pem).get("k")
            return isinstance(text, str) and bool(algorithm.verify(token.signing_input, text.encode(),
                                                                   token.signature))
        return False
    except Exception:
        return False


def jwe_header_problems(token: ParsedToken) -> tuple[str, ...]:
    """Structural problems jwcrypto finds in a compact JWE (empty when it deserialises)."""
    if not token.is_jwe:
        return ()
    try:
        from jwcrypto import jwe
        from jwcrypto.common import JWException

        jwe.JWE().deserialize(token.raw)
    except JWException:
        return ("JWE does not deserialise",)
    except Exception:
        return ("JWE does not deserialise",)
    return ()
