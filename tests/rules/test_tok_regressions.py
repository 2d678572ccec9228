"""TOK regressions from the black-box sweep: hostile numeric dates, non-string `alg`, the profile
override, empty `jti`, bearer tokens in payloads, `CS-` client ids, unprotected JWEs."""

from __future__ import annotations

import hashlib
import hmac
import json
import os

import pytest

from jwtaudit import tokens, tokenview
from jwtaudit.config import Config
from jwtaudit.rules import registry
from jwtaudit.subjects import AppSettings
from tests.helpers import (
    CLIENT_ID,
    NOW,
    STRONG_SECRET,
    b64,
    check,
    good_payload,
    make_token,
    segment,
    subject_for,
)

HOSTILE_DATES = ["999999999999999999999999999999", "9" * 400, "1e400", "-1e400", "Infinity", "-Infinity",
                 "NaN", "-999999999999999999999999"]


def signed_raw_payload(payload_text: str, header: dict | None = None) -> str:
    head = segment(header or {"alg": "HS256", "typ": "JWT"})
    body = b64(payload_text.encode())
    sig = hmac.new(STRONG_SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(sig)}"


def rows(findings) -> list[tuple[str, str]]:
    return sorted((f.rule, f.location.path) for f in findings)


# --- 1. hostile numeric dates never crash, in the rules or the view --------------------------


@pytest.mark.parametrize("value", HOSTILE_DATES, ids=lambda v: v if len(v) < 32 else f"{len(v)}-digits")
@pytest.mark.parametrize("claims", [("exp",), ("iat",), ("iat", "exp", "nbf")])
def test_hostile_numeric_dates_never_raise_and_view_stays_json(value: str, claims: tuple[str, ...]) -> None:
    members = [f'"sub":"svc","appId":"{CLIENT_ID}","jti":"j-1"'] + [f'"{name}":{value}' for name in claims]
    raw = signed_raw_payload("{" + ",".join(members) + "}")
    subject = subject_for(raw)
    findings = check(subject)
    assert all(f.location.path == "<argument>" for f in findings)
    view = tokenview.build(subject.token, label="t", location={}, profile="kore-api", now=NOW)
    text = json.dumps(view, allow_nan=False)  # a report must stay valid JSON
    assert raw not in text and raw.split(".")[2] not in text


@pytest.mark.parametrize(("value", "expect"), [
    ("999999999999999999999999999999", ["TOK012"]),
    ("1e400", ["TOK012", "TOK013"]),
    ("Infinity", ["TOK001", "TOK012", "TOK013"]),
    ("NaN", ["TOK001", "TOK013"]),
    ("-1e400", ["TOK013"]),
    ("1795301740", []),  # near miss: an ordinary exp
    ("1795301740000", ["TOK012"]),  # near miss for the new wording: real milliseconds
])
def test_hostile_exp_findings_are_exact(value: str, expect: list[str]) -> None:
    raw = signed_raw_payload(f'{{"sub":"user","iat":{NOW - 60},"exp":{value}}}')
    findings = check(subject_for(raw))
    assert rows(findings) == [(code, "<argument>") for code in expect]


def test_tok012_says_milliseconds_only_when_the_value_is_milliseconds() -> None:
    ms = check(subject_for(make_token({"alg": "HS256"}, {"sub": "u", "exp": (NOW + 600) * 1000})))
    assert [f.message for f in ms] == ["'exp' is in milliseconds, not seconds: the token never expires."]
    huge = check(subject_for(signed_raw_payload('{"sub":"u","exp":1e400}')))
    assert [f.message for f in huge if f.rule == "TOK012"] == [
        "'exp' is beyond any date (neither seconds nor milliseconds): the token never expires."]
    assert [f.message for f in huge if f.rule == "TOK013"] == [
        "'exp' is not a finite number, not an integer number of seconds."]


def test_tok008_with_a_400_digit_exp_does_not_overflow() -> None:
    raw = signed_raw_payload(f'{{"sub":"svc","appId":"{CLIENT_ID}","jti":"j","iat":{NOW},"exp":{"9" * 400}}}')
    (tok008,) = [f for f in check(subject_for(raw)) if f.rule == "TOK008"]
    assert "far too long" in tok008.message


def test_view_renders_non_finite_and_huge_dates_as_text() -> None:
    raw = signed_raw_payload('{"sub":"u","iat":NaN,"nbf":-Infinity,"exp":' + "9" * 400 + "}")
    view = tokenview.build(tokens.decode_unverified(raw), label="t", location={}, profile="generic", now=NOW)
    assert view["times"]["iat"] == {"epoch": "NaN", "iso": None, "relative": "not a finite number",
                                    "milliseconds": False}
    assert view["times"]["nbf"]["epoch"] == "-Infinity"
    assert view["times"]["exp"]["iso"] is None
    assert view["times"]["exp"]["relative"] == "more than 10000 years ahead"
    assert view["claims"]["iat"] == "NaN"


def test_non_json_constants_are_malformed_but_still_read() -> None:
    parsed = tokens.decode_unverified(signed_raw_payload('{"sub":"u","exp":Infinity}'))
    assert parsed.problems == ("payload uses Infinity, which is not a JSON value",)
    assert parsed.payload is not None and parsed.payload["sub"] == "u"
    # near miss: 1e400 is JSON grammar (only out of a double's range)
    assert tokens.decode_unverified(signed_raw_payload('{"sub":"u","exp":1e400}')).problems == ()


# --- 2. alg that is not a string -------------------------------------------------------------


@pytest.mark.parametrize("alg", [None, 256, True, ["HS256"], {"name": "HS256"}])
def test_non_string_alg_is_malformed_and_wrong_for_a_kore_api_token(alg: object) -> None:
    raw = signed_raw_payload(json.dumps(good_payload()), header={"alg": alg, "typ": "JWT"})
    findings = check(subject_for(raw))
    assert rows(findings) == [("TOK001", "<argument>"), ("TOK003", "<argument>")]
    tok001 = next(f for f in findings if f.rule == "TOK001")
    assert tok001.message.startswith("Malformed token: header 'alg' is ")
    assert "alg" not in next(f for f in findings if f.rule == "TOK003").evidence


def test_string_alg_near_miss() -> None:
    assert rows(check(subject_for(make_token({"alg": "HS256"}, good_payload())))) == []
    generic = make_token({"alg": None}, {"sub": "u", "exp": NOW + 600})
    assert rows(check(subject_for(generic))) == [("TOK001", "<argument>")]


# --- 4. --profile generic silences every Kore-specific rule -----------------------------------

SDK = {"iss": CLIENT_ID, "sub": "user-1", "aud": "https://idproxy.kore.com/authorize", "isAnonymous": False,
       "jti": "j-1", "iat": NOW - 60, "exp": NOW + 600}
# one token per Kore-specific rule that fires it under its natural (or kore) profile
KORE_TRIGGERS = {
    "TOK003": (make_token({"alg": "HS512"}, good_payload()), None, {}),
    "TOK004": (make_token({"alg": "HS256"}, good_payload(appId=..., appid=CLIENT_ID)), None, {}),
    "TOK005": (make_token({"alg": "HS256"}, {"sub": "u", "jti": "j", "iat": NOW, "exp": NOW + 600}), None,
               {"public_api": True}),
    "TOK006": (make_token({"alg": "HS256"}, good_payload(appId="CS-" + CLIENT_ID[3:])), None, {}),
    "TOK007": (make_token({"alg": "HS256"}, good_payload(jti=...)), None, {}),
    "TOK008": (make_token({"alg": "HS256"}, good_payload(exp=NOW + 7200)), None, {}),
    "TOK023": (make_token({"alg": "HS256"}, {**SDK, "isAnonymous": "false"}), None, {}),
}


def test_every_kore_only_rule_has_a_profile_case() -> None:
    kore_only = sorted(code for code, rule in registry.load_all().items()
                       if code.startswith("TOK") and rule.info.kore_only)
    assert kore_only == sorted(KORE_TRIGGERS)


@pytest.mark.parametrize("code", sorted(KORE_TRIGGERS))
def test_profile_generic_turns_off_kore_rules(code: str) -> None:
    raw, _, context = KORE_TRIGGERS[code]
    assert code in [f.rule for f in check(subject_for(raw, **context))]
    forced = check(subject_for(raw, profile="generic", **context))
    assert not {f.rule for f in forced} & set(KORE_TRIGGERS)
    via_config = check(subject_for(raw, **context), Config(profile="generic"))
    assert not {f.rule for f in via_config} & set(KORE_TRIGGERS)


def test_profile_generic_beats_app_settings_for_kore_rules_only() -> None:
    app = AppSettings(client_id=CLIENT_ID, jti_enforced=True, jwe_enforced=True)
    raw = make_token({"alg": "HS256"}, {"sub": "u", "iat": NOW, "exp": NOW + 7200})
    assert rows(check(subject_for(raw, app=app))) == [("TOK007", "<argument>"), ("TOK018", "<argument>")]
    # TOK018 is a generic rule about the app's settings: it stays
    assert rows(check(subject_for(raw, app=app, profile="generic"))) == [("TOK018", "<argument>")]


def test_profile_generic_silences_the_kore_enc_check_of_tok025() -> None:
    raw = ".".join([segment({"alg": "RSA-OAEP", "enc": "A192GCM", "kid": "kore-platform"}), b64(os.urandom(32)),
                    b64(os.urandom(12)),
                    b64(os.urandom(40)), b64(os.urandom(16))])
    app = AppSettings(client_id=CLIENT_ID)
    assert rows(check(subject_for(raw, app=app))) == [("TOK025", "<argument>")]
    assert rows(check(subject_for(raw, app=app, profile="generic"))) == []


# --- 6. empty / null jti ----------------------------------------------------------------------


@pytest.mark.parametrize(("jti", "expect"), [("", ["TOK007"]), (None, ["TOK007"]), (" ", ["TOK007"]),
                                             ("j-1", []), (0, [])])
def test_empty_or_null_jti_is_missing(jti: object, expect: list[str]) -> None:
    findings = check(subject_for(make_token({"alg": "HS256"}, good_payload(jti=jti))))
    assert rows(findings) == [(code, "<argument>") for code in expect]


def test_exp_null_without_jti_gets_tok007_tok009_and_tok013() -> None:
    # the sweep's payload: `"jti": null` counted as present, so TOK007 stayed silent; a null
    # `exp` is no expiry (TOK009), as TOK008 reads it
    for jti in (None, ...):
        raw = make_token({"alg": "HS256"}, good_payload(exp=None, jti=jti))
        assert rows(check(subject_for(raw))) == [("TOK007", "<argument>"), ("TOK009", "<argument>"),
                                                 ("TOK013", "<argument>")]
    # near miss: a generic token has no JTI rule, only the null exp
    assert rows(check(subject_for(make_token({"alg": "HS256"}, {"sub": "u", "exp": None})))) == [
        ("TOK009", "<argument>"), ("TOK013", "<argument>")]


# --- 7. bearer tokens in a payload ------------------------------------------------------------


@pytest.mark.parametrize(("name", "fires"), [
    ("access_token", True), ("refresh_token", True), ("id_token", True), ("accessToken", True),
    ("IdToken", True), ("APIToken", True), ("session_token", True), ("accesstoken", True),
    ("valid_token", False), ("paidtoken", False), ("token_type", False), ("access_token_hash", False),
    ("id_token_hint", False), ("tokenCount", False),
])
def test_bearer_token_claim_names(name: str, fires: bool) -> None:
    raw = make_token({"alg": "HS256"}, good_payload(**{name: "opaque-value-1234"}))
    expected = [("TOK022", "<argument>")] if fires else []
    assert rows(check(subject_for(raw))) == expected


@pytest.mark.parametrize(("name", "value", "fires"), [
    ("password", "hunter2-prod", True), ("clientSecret", "q0Z8m3Vt4Yc1Rk9Wn2Lp", True),
    ("client_secret_value", "q0Z8m3Vt4Yc1Rk9Wn2Lp", True), ("apikey", "k-1234567890", True), ("pin", "4821", True),
    ("secretary", "Bob", False), ("secretariat", "HR", False), ("passwordless", "enabled-by-email", False),
    ("hasPassword", "yes", False), ("hasPassword", "true", False), ("password_hint", "pet name", False),
])
def test_secret_claim_names_are_words_not_prefixes(name: str, value: str, fires: bool) -> None:
    raw = make_token({"alg": "HS256"}, good_payload(**{name: value}))
    expected = [("TOK022", "<argument>")] if fires else []
    assert rows(check(subject_for(raw))) == expected


# --- 8. CS- client ids, unprotected JWE -------------------------------------------------------


def test_uppercase_cs_prefix_is_not_a_client_id() -> None:
    assert tokens.is_client_id(CLIENT_ID)
    assert tokens.is_client_id("cs-" + CLIENT_ID[3:].upper())  # UUID hex is case-insensitive
    assert not tokens.is_client_id("CS-" + CLIENT_ID[3:])
    assert not tokens.is_client_id(CLIENT_ID + "\n")
    raw = make_token({"alg": "HS256"}, good_payload(appId="CS-" + CLIENT_ID[3:]))
    (finding,) = check(subject_for(raw))
    assert finding.rule == "TOK006" and "prefix 'CS-'" in finding.message
    # still a Kore SDK token by its iss, so TOK006 (not TOK023) names the problem
    sdk = make_token({"alg": "HS256"}, {**SDK, "iss": "CS-" + CLIENT_ID[3:]})
    assert tokens.classify(tokens.decode_unverified(sdk)) == "kore-sdk"
    assert rows(check(subject_for(sdk))) == [("TOK006", "<argument>")]


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_jwe_with_alg_none_is_unprotected(alg: str) -> None:
    raw = ".".join([segment({"alg": alg, "enc": "A256GCM"}), "", b64(os.urandom(12)), b64(os.urandom(40)),
                    b64(os.urandom(16))])
    findings = check(subject_for(raw))
    assert rows(findings) == [("TOK002", "<argument>")]
    assert findings[0].message.startswith("Unprotected JWE")
    near = raw.replace(segment({"alg": alg, "enc": "A256GCM"}),
                       segment({"alg": "RSA-OAEP", "enc": "A256GCM"}))
    assert "TOK002" not in [f.rule for f in check(subject_for(near))]
