"""SRC: code that mints or verifies tokens (Python, JavaScript/TypeScript).

Each rule reads a `CodeSubject` (built by `jwtaudit.sources.code`): the signing, verifying and
decoding calls of one file with their payload keys, algorithms, keys and options resolved by
simple same-module data flow. Rules only judge those facts; every hit points at the exact call,
argument or payload key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from jwtaudit.engine import RunContext
from jwtaudit.model import Confidence, Hit, Location, Severity
from jwtaudit.redact import short_hash
from jwtaudit.rules.registry import rule
from jwtaudit.subjects import CodeCall, CodeClaim, CodeSubject, Span
from jwtaudit.tokens import FOREIGN_IDP_CLAIMS

SDK_ALGORITHMS = ("HS256", "HS512", "RS256", "RS512")
DATE_CLAIMS = ("iat", "exp", "nbf")
_UNITS = {1: "milliseconds", 2: "microseconds", 3: "nanoseconds"}
_KORE_VALUE = re.compile(r"cs-[0-9a-f]{8}|client_?id|kore", re.IGNORECASE)


def at(subject: CodeSubject, span: Span | None) -> Location:
    """The exact place of `span` in the subject's file (the whole file when unknown)."""
    if span is None:
        return subject.location
    return Location(path=subject.location.path, line=span.line, column=span.column,
                    end_line=span.end_line, end_column=span.end_column,
                    commit=subject.location.commit)


def _calls(subject: CodeSubject, op: str | None = None) -> Iterator[CodeCall]:
    if subject.unparsed:
        return
    for call in subject.calls:
        if op is None or call.op == op:
            yield call


def _is_app_id_variant(name: str) -> bool:
    return name != "appId" and "".join(ch for ch in name.lower() if ch.isalpha()) == "appid"


def _claim_names(call: CodeCall) -> set[str]:
    return {c.name for c in call.claims or ()}


def _kore_claim(subject: CodeSubject, call: CodeCall, claim: CodeClaim) -> bool:
    """An appId-like claim of a Kore API token, as the token profiles decide it (rules.md): exact
    `appId` always; a miscased one (`appid`, `app_id`) unless the payload is visibly another
    identity provider's (Azure AD's `appid` beside `tid`/`oid`, an `iss` URL that is not Kore's)
    in a file that does not mention Kore and with a value that is not a client id."""
    if claim.name == "appId" or subject.kore_context or _KORE_VALUE.search(claim.value_hint):
        return True
    names = _claim_names(call)
    if any(name in names for name in FOREIGN_IDP_CLAIMS):
        return False
    issuer = next((c.value_hint for c in call.claims or () if c.name == "iss"), "")
    return not _FOREIGN_ISSUER.search(issuer)


_FOREIGN_ISSUER = re.compile(r"https?://(?!(?:[\w.-]*\.)?kore)", re.IGNORECASE)


def _is_sdk_payload(names: set[str]) -> bool:
    return "isAnonymous" in names or any(n.startswith("kore_") for n in names)


def _hit(subject: CodeSubject, call: CodeCall, span: Span | None, message: str, part: str,
         **evidence: Any) -> Hit:
    base: dict[str, Any] = {"call": call.callee[:80], "library": call.api}
    base.update(evidence)
    return Hit(message=message, evidence=base, location=at(subject, span),
               anchor=f"{call.callee}:{part}")


@rule(code="SRC001", name="miscased-claim-in-code", severity=Severity.HIGH,
      confidence=Confidence.HIGH, cwe=287, subject="code", kore_only=True)
def miscased_claim_in_code(subject: CodeSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a payload passed to a signing call (`jwt.encode`, `jwt.sign`, `new SignJWT(...)`,
    `jws.sign`, `jwt-simple` `encode`, jsrsasign `JWS.sign`, jwcrypto `JWT(claims=...)`,
    authlib/joserfc `jwt.encode`) whose client-id key
    is spelled like `appId` but not exactly (`appid`, `AppId`, `app_id`, `APPID`, `appID`), when
    no exact `appId` key is present. Such a payload is a Kore API token's, as the token
    profiles decide it, unless it is visibly another identity provider's (Azure AD's own
    `appid` beside `tid`/`oid`, an `iss` URL that is not Kore's) in a file that does not
    mention Kore or a `cs-` client id. The
    payload is followed through simple data flow: a dict built a few lines earlier,
    `payload["appid"] = ...`, spreads of known objects.

    **Why is this bad?**

    The Kore.ai public APIs read exactly `appId`. Any other spelling is ignored and every call
    with the token is refused with 401, which is easy to mistake for a wrong secret.

    **Example**

    ```js
    const token = jwt.sign({ sub: "svc", appID: process.env.KORE_CLIENT_ID }, secret);
    ```

    **Fix**

    Rename the key to `appId` (exact case), e.g. `{ sub: "svc", appId: clientId }`.

    **References**

    - https://developer.kore.ai/docs/bots/api-guide/apis/
    - RFC 7519 §4 (claim names are case-sensitive): https://datatracker.ietf.org/doc/html/rfc7519#section-4
    """
    for call in _calls(subject, "sign"):
        names = _claim_names(call)
        if "appId" in names:
            continue
        for claim in call.claims or ():
            if _is_app_id_variant(claim.name) and _kore_claim(subject, call, claim):
                yield _hit(subject, call, claim.span,
                           f"Payload key '{claim.name[:40]}' is a miscased appId: the Kore platform "
                           "reads exactly `appId` and refuses the token; rename the key to `appId`",
                           f"claim:{claim.name}", claim=claim.name[:40])


@rule(code="SRC002", name="api-token-algorithm-in-code", severity=Severity.HIGH,
      confidence=Confidence.HIGH, cwe=327, subject="code", kore_only=True)
def api_token_algorithm_in_code(subject: CodeSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a signing call whose payload has `appId` (a Kore public-API token, as the token
    profiles decide it; a miscased `appid` too unless the payload is visibly another identity
    provider's) and whose algorithm is anything but HS256; for an SDK token
    payload (`isAnonymous`, `kore_*` claims) anything outside HS256/HS512/RS256/RS512. The
    algorithm is resolved through constants and options objects; a call that passes no algorithm
    uses the library default (HS256 for PyJWT, python-jose, jsonwebtoken and jwt-simple) and is
    not flagged. `none` is SRC007.

    **Why is this bad?**

    Apps mapped to API scopes accept only HS256 tokens signed with the client secret. An RS256
    or HS512 token is refused with 401; with RS256 the "secret" is also misused as a PEM key.

    **Example**

    ```python
    jwt.encode({"sub": "svc", "appId": CLIENT_ID}, secret, algorithm="HS512")
    ```

    **Fix**

    Pass `algorithm="HS256"` (Python) / `{ algorithm: "HS256" }` (jsonwebtoken) /
    `setProtectedHeader({ alg: "HS256" })` (jose), signing with the app's client secret.

    **References**

    - https://developer.kore.ai/docs/bots/api-guide/apis/
    - RFC 7518 §3.2: https://datatracker.ietf.org/doc/html/rfc7518#section-3.2
    """
    for call in _calls(subject, "sign"):
        names = _claim_names(call)
        sdk = _is_sdk_payload(names)
        api = any((c.name == "appId" or _is_app_id_variant(c.name)) and _kore_claim(subject, call, c)
                  for c in call.claims or ())
        if not (sdk or api) or not call.algorithms:
            continue
        alg = call.algorithms[0]
        if alg.lower() == "none":
            continue
        allowed = SDK_ALGORITHMS if sdk else ("HS256",)
        if alg.upper() in allowed:
            continue
        kind = "an SDK token (isAnonymous/kore_* claims)" if sdk else "a Kore API token (payload has appId)"
        need = "HS256, HS512, RS256 or RS512" if sdk else "HS256"
        yield _hit(subject, call, call.algorithm_span or call.span,
                   f"Signs {kind} with {alg[:20]}: the platform accepts only {need}; "
                   "pass algorithm HS256", "alg", alg=alg[:20])


@rule(code="SRC003", name="hardcoded-signing-secret", severity=Severity.HIGH,
      confidence=Confidence.HIGH, cwe=798, subject="code")
def hardcoded_signing_secret(subject: CodeSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a string literal used as the key of a signing or HMAC-verifying call, directly or
    through a constant, `Buffer.from("...")`, `new TextEncoder().encode("...")`, `"...".encode()`,
    `JWK.from_password("...")`, or as the fallback of an environment lookup
    (`process.env.JWT_SECRET || "dev-secret"`, `os.getenv("JWT_SECRET", "dev-secret")`). Public
    keys and certificates are not secrets, and an empty string (`?? ""` to satisfy a type)
    holds nothing to leak: neither is flagged.

    **Why is this bad?**

    Whoever can read the repository (or a leaked copy, a build artefact, a bundle) can mint
    tokens the platform accepts as your app. A fallback literal is used silently whenever the
    variable is missing, so production can run on the committed default.

    **Example**

    ```js
    const token = jwt.sign(payload, "my-kore-client-secret", { algorithm: "HS256" });
    ```

    **Fix**

    Read the secret from the environment or a secret manager (`process.env.KORE_CLIENT_SECRET`,
    `os.environ["KORE_CLIENT_SECRET"]`) with no literal fallback, fail at start-up when it is
    missing, and rotate the committed secret.

    **References**

    - https://cwe.mitre.org/data/definitions/798.html
    - RFC 8725 §3.5: https://datatracker.ietf.org/doc/html/rfc8725#section-3.5
    """
    for call in _calls(subject):
        literal = call.key_literal
        if not literal or call.op == "decode":  # an empty key holds no secret to leak
            continue
        role = "signing key" if call.op == "sign" else "verification secret"
        how = ("falls back to a string literal when the environment variable is unset"
               if call.key_fallback else "is a string literal in the source")
        yield Hit(
            message=f"The {role} of {call.callee[:60]} {how} ({len(literal)} chars): move it to "
                    "the environment or a secret manager and rotate it",
            evidence={"call": call.callee[:80], "library": call.api, "length": len(literal),
                      "sha256_prefix": short_hash(literal), "fallback": call.key_fallback},
            value=literal,
            location=at(subject, call.key_span or call.span),
            anchor=f"{call.callee}:key",
        )


@rule(code="SRC004", name="no-expiry-in-code", severity=Severity.MEDIUM,
      confidence=Confidence.MEDIUM, cwe=613, subject="code")
def no_expiry_in_code(subject: CodeSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags a signing call whose payload is fully known and has no `exp` key, when the call sets
    no expiry either (jsonwebtoken `expiresIn`, jose `setExpirationTime`). Payloads that may
    hold keys the analysis cannot see (a spread of an unknown object, `payload.update(extra)`)
    and options objects it cannot resolve are not flagged.

    **Why is this bad?**

    A token without `exp` never expires: once leaked (a log line, a proxy, a browser) it works
    forever. Kore SDK tokens need `exp`, and apps that enforce JTI refuse tokens valid longer
    than an hour.

    **Example**

    ```python
    jwt.encode({"sub": user, "appId": CLIENT_ID}, secret, algorithm="HS256")
    ```

    **Fix**

    Add a short expiry: `"exp": int(time.time()) + 300` (Python), `{ expiresIn: "5m" }`
    (jsonwebtoken), `.setExpirationTime("5m")` (jose).

    **References**

    - RFC 7519 §4.1.4: https://datatracker.ietf.org/doc/html/rfc7519#section-4.1.4
    - RFC 8725 §3.10
    """
    for call in _calls(subject, "sign"):
        if call.claims is None or not call.claims_complete or call.expiry_option:
            continue
        if "exp" in _claim_names(call):
            continue
        yield _hit(subject, call, call.span,
                   f"{call.callee[:60]} signs a payload without `exp` and sets no expiry: the token "
                   "never expires; add an `exp` claim or an expiresIn option", "exp")


@rule(code="SRC005", name="verification-disabled", severity=Severity.HIGH,
      confidence=Confidence.HIGH, cwe=347, subject="code")
def verification_disabled(subject: CodeSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags code that trusts a token without checking its signature: PyJWT / python-jose
    `decode(..., options={"verify_signature": False})` or `verify=False`; jwt-simple
    `decode(token, key, true)`; the result of `jsonwebtoken.decode`, jose `decodeJwt` or
    python-jose `get_unverified_claims` used as the caller's identity (`.sub`, `.userId`,
    `req.user = ...`); and verify calls without an explicit algorithm allow-list where the
    library then takes the algorithm from the token (jsonwebtoken `verify`, PyJWT/python-jose
    `decode`, jwt-simple `decode`, jsrsasign `JWS.verify`, Node `jws.verify`, express-jwt
    without `algorithms`). A browser-only file that decodes its own token to show the user's
    name makes no trust decision and is not flagged.

    **Why is this bad?**

    An unverified token is just JSON anyone can write: the caller picks their own `sub`. Without
    an allow-list, the token's own `alg` header chooses the check (`none`, or HS256 with the RSA
    public key as the HMAC secret: algorithm confusion).

    **Example**

    ```js
    const user = jwt.decode(req.headers.authorization.slice(7));
    req.user = user.sub;
    ```

    **Fix**

    Verify before use, with the key and an explicit list: `jwt.verify(token, secret,
    { algorithms: ["HS256"] })`, `jwt.decode(token, secret, algorithms=["HS256"])`.

    **References**

    - RFC 8725 §3.1 and §3.2: https://datatracker.ietf.org/doc/html/rfc8725#section-3.1
    - CVE-2015-9235 (jsonwebtoken algorithm confusion)
    """
    for call in _calls(subject):
        if call.verification_disabled:
            yield _hit(subject, call, call.disabled_span or call.span,
                       f"{call.callee[:60]} decodes with signature verification disabled "
                       f"({call.verification_disabled}): anyone can forge the claims; verify with "
                       "the key and algorithms=[\"HS256\"]", "disabled", how=call.verification_disabled)
        elif call.op == "decode" and call.identity_use:
            yield _hit(subject, call, call.span,
                       f"The result of {call.callee[:60]} (no signature check) is used as the caller's "
                       "identity: use the verifying call (jwt.verify / jwtVerify) instead",
                       "identity")
        elif call.op == "verify" and call.allow_list_required and not call.algorithm_given:
            yield _hit(subject, call, call.span,
                       f"{call.callee[:60]} verifies without an algorithm allow-list, so the token's "
                       "own header picks the algorithm; pass algorithms [\"HS256\"]", "allow-list")


@rule(code="SRC006", name="millisecond-timestamp-in-code", severity=Severity.MEDIUM,
      confidence=Confidence.HIGH, cwe=682, subject="code")
def millisecond_timestamp_in_code(subject: CodeSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags `iat`, `exp` or `nbf` built from a millisecond clock without dividing by 1000:
    `Date.now()`, `new Date().getTime()`, `+new Date()`, `time.time() * 1000`,
    `time.time_ns()`, also through a variable (`const now = Date.now()`) and in jose's
    `setIssuedAt(...)` / `setExpirationTime(...)`. `Math.floor(Date.now() / 1000)` and
    `int(time.time())` are seconds and are not flagged.

    **Why is this bad?**

    JWT dates are seconds since the epoch. A millisecond `exp` lies 50,000 years ahead: the
    token never expires. A millisecond `iat` is "in the future" and strict verifiers (and the
    Kore SDK token check) refuse it.

    **Example**

    ```js
    jwt.sign({ sub: id, iat: Date.now(), exp: Date.now() + 3600 * 1000 }, secret);
    ```

    **Fix**

    Use seconds: `Math.floor(Date.now() / 1000)` in JavaScript, `int(time.time())` in Python,
    or let the library add `iat` and use `expiresIn`.

    **References**

    - RFC 7519 §2 (NumericDate): https://datatracker.ietf.org/doc/html/rfc7519#section-2
    """
    for call in _calls(subject, "sign"):
        for claim in (*(call.claims or ()), *call.clock_args):
            if claim.name in DATE_CLAIMS and claim.scale is not None and claim.scale >= 1:
                unit = _UNITS.get(claim.scale, "sub-second units")
                yield _hit(subject, call, claim.span,
                           f"`{claim.name}` is built from a clock in {unit}, not seconds: divide by "
                           f"{1000 ** claim.scale} (e.g. Math.floor(Date.now() / 1000), "
                           "int(time.time()))", f"clock:{claim.name}", claim=claim.name, unit=unit)


@rule(code="SRC007", name="none-algorithm-in-code", severity=Severity.CRITICAL,
      confidence=Confidence.HIGH, cwe=347, subject="code")
def none_algorithm_in_code(subject: CodeSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Flags signing with the `none` algorithm in any letter case (PyJWT `algorithm=None` or
    `"none"`, jsonwebtoken `{ algorithm: "none" }`, jose `new UnsecuredJWT(...)`), and verify
    calls whose algorithm allow-list contains `none`.

    **Why is this bad?**

    An unsigned token proves nothing; a verifier that allows `none` accepts any claims anyone
    writes, including another user's `sub` or another app's `appId`.

    **Example**

    ```js
    jwt.verify(token, secret, { algorithms: ["HS256", "none"] });
    ```

    **Fix**

    Sign with HS256 and the client secret; allow only the algorithms you issue
    (`algorithms: ["HS256"]`).

    **References**

    - RFC 8725 §3.1: https://datatracker.ietf.org/doc/html/rfc8725#section-3.1
    - CVE-2015-9235
    """
    for call in _calls(subject):
        if call.op == "decode" or not call.algorithms:
            continue
        if any(alg.lower() == "none" for alg in call.algorithms):
            what = "signs with" if call.op == "sign" else "accepts"
            yield _hit(subject, call, call.algorithm_span or call.span,
                       f"{call.callee[:60]} {what} the `none` algorithm: the token carries no "
                       "signature; use HS256 and allow only HS256", "none")
