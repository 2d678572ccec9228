"""Sweep 2 regressions: the public-API profile, JWE enforcement facts, lenient dates, exact
messages. Each test pairs the finding (rule, location, message) with a near miss."""

from __future__ import annotations

import os

from jwtaudit import tokens
from jwtaudit.config import Config
from jwtaudit.model import Severity
from jwtaudit.subjects import AppSettings
from tests.helpers import CLIENT_ID, NOW, b64, check, good_payload, make_token, segment, subject_for


def rows(findings) -> list[tuple[str, str]]:
    return sorted((f.rule, f.location.path) for f in findings)


def messages(findings, code: str) -> list[str]:
    return [f.message for f in findings if f.rule == code]


def jwe(header: dict) -> str:
    return ".".join([segment(header), b64(os.urandom(32)), b64(os.urandom(12)), b64(os.urandom(40)),
                     b64(os.urandom(16))])


# --- 1/2. a token sent to the public APIs is a kore-api token ---------------------------------


def test_classify_public_api_is_kore_api_unless_forced() -> None:
    generic = tokens.decode_unverified(make_token({"alg": "HS256"}, {"sub": "u"}))
    sdk = tokens.decode_unverified(make_token({"alg": "HS256"}, {"sub": "u", "iss": CLIENT_ID}))
    assert tokens.classify(generic, public_api=True) == "kore-api"
    assert tokens.classify(sdk, public_api=True) == "kore-api"
    # near misses: without the context the claims decide; a forced profile wins
    assert tokens.classify(generic) == "generic"
    assert tokens.classify(sdk) == "kore-sdk"
    assert tokens.classify(generic, "generic", public_api=True) == "generic"


def test_curl_auth_header_generic_claims_gets_tok005_and_tok007() -> None:
    raw = make_token({"alg": "HS256"}, {"sub": "svc", "iat": NOW - 60, "exp": NOW + 600})
    findings = check(subject_for(raw, public_api=True))
    assert rows(findings) == [("TOK005", "<argument>"), ("TOK007", "<argument>")]
    assert check(subject_for(raw, public_api=True, profile="generic")) == []
    assert check(subject_for(raw)) == []


def test_public_api_token_with_iss_only_gets_tok005_and_hs256_rule() -> None:
    payload = {"sub": "svc", "iss": CLIENT_ID, "jti": "j", "iat": NOW - 60, "exp": NOW + 600}
    findings = check(subject_for(make_token({"alg": "HS512"}, payload), public_api=True))
    assert rows(findings) == [("TOK003", "<argument>"), ("TOK005", "<argument>")]
    assert messages(findings, "TOK003") == ["Kore API token signed with HS512; the platform accepts only HS256."]
    # near miss: the same token outside the public APIs is an SDK token, HS512 allowed, no appId needed
    assert check(subject_for(make_token({"alg": "HS512"}, payload))) == []


def test_kore_jti_only_on_api_token_is_tok007_high_when_enforced() -> None:
    raw = make_token({"alg": "HS256"}, good_payload(jti=..., kore_jti="k-1"))
    app = AppSettings(client_id=CLIENT_ID, jti_enforced=True)
    (finding,) = check(subject_for(raw, public_api=True, app=app))
    assert (finding.rule, finding.severity) == ("TOK007", Severity.HIGH)
    assert finding.message == "Kore API token has 'kore_jti' but no 'jti': the public APIs read only 'jti'."
    # near miss: an SDK token may carry kore_jti instead of jti
    sdk = make_token({"alg": "HS256"}, {"sub": "u", "iss": CLIENT_ID, "kore_jti": "k-1", "iat": NOW,
                                        "exp": NOW + 600})
    assert check(subject_for(sdk, app=app)) == []


# --- 3. JWE enforcement facts -----------------------------------------------------------------


def test_enforced_jwe_with_a256kw_or_no_kid_is_tok025() -> None:
    app = AppSettings(client_id=CLIENT_ID, jwe_enforced=True)
    kw = check(subject_for(jwe({"alg": "A256KW", "enc": "A256GCM", "kid": "k"}), app=app))
    assert rows(kw) == [("TOK025", "<argument>")]
    assert messages(kw, "TOK025") == ["JWE alg A256KW is not one the platform decrypts (RSA-OAEP, RSA1_5)."]
    no_kid = check(subject_for(jwe({"alg": "RSA-OAEP", "enc": "A256GCM"}), app=app))
    assert messages(no_kid, "TOK025") == [
        "JWE has no 'kid': the platform needs its key id to pick the decryption key."]
    # near misses: what the platform takes; and the same JWE with no Kore context
    assert check(subject_for(jwe({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": "k"}), app=app)) == []
    assert check(subject_for(jwe({"alg": "A256KW", "enc": "A256GCM"}))) == []


def test_tok025_enc_check_uses_the_auth_header_context() -> None:
    raw = jwe({"alg": "RSA-OAEP", "enc": "A192GCM", "kid": "k"})
    assert rows(check(subject_for(raw, public_api=True))) == [("TOK025", "<argument>")]
    assert check(subject_for(raw, public_api=True, profile="generic")) == []


# --- 4. dates, jti, aud, kid, milliseconds -----------------------------------------------------


def test_numeric_string_exp_still_gets_the_lifetime_limits() -> None:
    raw = make_token({"alg": "HS256"}, good_payload(iat=NOW, exp=str(NOW + 86400 * 2)))
    findings = check(subject_for(raw))
    assert rows(findings) == [("TOK008", "<argument>"), ("TOK011", "<argument>"), ("TOK013", "<argument>")]
    assert messages(findings, "TOK011") == ["Token lifetime is 2 days, above the 24 h limit."]
    near = make_token({"alg": "HS256"}, good_payload(iat=NOW, exp=str(NOW + 1800)))
    assert rows(check(subject_for(near))) == [("TOK013", "<argument>")]


def test_tok012_names_every_claim_in_milliseconds() -> None:
    raw = make_token({"alg": "HS256"}, {"sub": "u", "iat": NOW * 1000, "exp": (NOW + 600) * 1000})
    assert messages(check(subject_for(raw)), "TOK012") == [
        "'iat' and 'exp' are in milliseconds, not seconds: the token never expires."]
    only_iat = make_token({"alg": "HS256"}, {"sub": "u", "iat": NOW * 1000, "exp": NOW + 600})
    assert messages(check(subject_for(only_iat)), "TOK012") == ["'iat' is in milliseconds, not seconds."]


def test_tok023_aud_compares_exactly() -> None:
    base = {"sub": "u", "iss": CLIENT_ID, "isAnonymous": False, "jti": "j", "iat": NOW, "exp": NOW + 600}
    slash = check(subject_for(make_token({"alg": "HS256"}, {**base, "aud": "https://idproxy.kore.com/authorize/"})))
    assert messages(slash, "TOK023") == [
        "'aud' differs from the idproxy authorize URL (audiences compare as exact strings) "
        "(https://idproxy.kore.com/authorize)."]
    foreign = {**base, "aud": ["https://idproxy.kore.com/authorize", "https://evil.example"]}
    assert messages(check(subject_for(make_token({"alg": "HS256"}, foreign))), "TOK023") == [
        "'aud' names an audience other than idproxy (https://idproxy.kore.com/authorize)."]
    exact = {**base, "aud": "https://idproxy.kore.com/authorize"}
    assert check(subject_for(make_token({"alg": "HS256"}, exact))) == []


def test_tok021_url_encoded_traversal() -> None:
    raw = make_token({"alg": "HS256", "kid": "%2e%2e%2f%2e%2e%2fdev%2fnull"}, good_payload())
    findings = check(subject_for(raw))
    assert rows(findings) == [("TOK021", "<argument>")]
    assert messages(findings, "TOK021") == [
        "Probable key-lookup injection: 'kid' contains path traversal (URL-encoded)."]
    near = make_token({"alg": "HS256", "kid": "key%2D2026"}, good_payload())
    assert check(subject_for(near)) == []


# --- 5. messages ------------------------------------------------------------------------------


def test_tok008_at_3601_seconds_is_not_self_contradictory() -> None:
    raw = make_token({"alg": "HS256"}, good_payload(iat=NOW, exp=NOW + 3601))
    assert messages(check(subject_for(raw)), "TOK008") == [
        "Token has 'jti' and expires 60 min 1 s after iat; the platform allows at most 1 hour."]
    assert check(subject_for(make_token({"alg": "HS256"}, good_payload(iat=NOW, exp=NOW + 3600)))) == []


def test_tok011_limit_under_two_hours_in_minutes() -> None:
    raw = make_token({"alg": "HS256"}, {"sub": "u", "iat": NOW, "exp": NOW + 3601})
    assert messages(check(subject_for(raw), Config(max_lifetime=3600)), "TOK011") == [
        "Token lifetime is 60 min 1 s, above the 60 min limit."]
    day = make_token({"alg": "HS256"}, {"sub": "u", "iat": NOW, "exp": NOW + 86401})
    assert messages(check(subject_for(day)), "TOK011") == ["Token lifetime is 24 h 0 min 1 s, above the 24 h limit."]
    assert check(subject_for(raw), Config(max_lifetime=3601)) == []


def test_tok021_non_string_kid_uses_json_type_names() -> None:
    for kid, word in ((7, "an integer"), (None, "null"), (["a"], "an array"), (True, "a boolean")):
        raw = make_token({"alg": "HS256", "kid": kid}, good_payload())
        assert messages(check(subject_for(raw)), "TOK021") == [f"Header 'kid' is {word}, not a string."]
    assert check(subject_for(make_token({"alg": "HS256", "kid": "k1"}, good_payload()))) == []
