"""The token parser: hostile input never raises anything but TokenError; JSON round-trips."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jwtaudit import engine, tokens
from jwtaudit.config import Config
from jwtaudit.errors import TokenError
from jwtaudit.model import Location
from jwtaudit.subjects import TokenSubject
from tests.helpers import NOW, STRONG_SECRET, make_token, segment

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
json_objects = st.dictionaries(st.text(max_size=10), json_values, max_size=6)
token_alphabet = st.sampled_from(list("eyJhbGciOiJIUzI1NiJ9.-_+/=ABCxyz019 \n\x00é"))


@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_token_error(text: str) -> None:
    try:
        parsed = tokens.decode_unverified(text)
    except TokenError:
        return
    assert parsed.kind in ("jws", "jwe")


@given(st.lists(token_alphabet, max_size=200).map("".join))
def test_token_shaped_noise_raises_only_token_error(text: str) -> None:
    try:
        tokens.decode_unverified(text)
    except TokenError:
        pass


@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_latin1(data: bytes) -> None:
    try:
        tokens.decode_unverified(data.decode("latin-1"))
    except TokenError:
        pass


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(json_objects, json_objects)
def test_header_and_payload_round_trip(header: dict, payload: dict) -> None:
    raw = f"{segment(header)}.{segment(payload)}.c2ln"
    parsed = tokens.decode_unverified(raw)
    assert parsed.header == json.loads(json.dumps(header))
    assert parsed.payload == json.loads(json.dumps(payload))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(json_objects, json_objects)
def test_findings_are_deterministic(header: dict, payload: dict) -> None:
    raw = f"{segment(header)}.{segment(payload)}.c2ln"
    runs = []
    for _ in range(2):
        subject = TokenSubject(token=tokens.decode_unverified(raw), location=Location(path="x"))
        ctx = engine.RunContext(config=Config.blank(), now=NOW)
        runs.append([f.to_dict() for f in engine.finalize(engine.check_subject(subject, ctx))])
    assert runs[0] == runs[1]


def test_hmac_crack_of_100k_words_is_fast() -> None:
    import time

    token = tokens.decode_unverified(make_token({"alg": "HS256"}, {"sub": "x"}, "word-99999"))
    words = [f"word-{i}" for i in range(100_000)]
    start = time.perf_counter()
    assert tokens.crack_hmac(token, words) == "word-99999"
    # generous bound: the benchmark measures; this only catches a regression to PyJWT-per-word
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("raw", ["", "   ", "a.b", "a.b.c.d", "a.b.c.d.e.f", "." * 2, ".x.y"])
def test_not_token_shaped(raw: str) -> None:
    with pytest.raises(TokenError):
        tokens.decode_unverified(raw)


def test_repr_never_shows_raw_token_or_signature() -> None:
    raw = make_token({"alg": "HS256"}, {"sub": "x"}, STRONG_SECRET)
    parsed = tokens.decode_unverified(raw)
    assert raw not in repr(parsed)
    assert raw.split(".")[2] not in repr(parsed)


def test_classification() -> None:
    api = tokens.decode_unverified(make_token({"alg": "HS256"}, {"sub": "a", "appId": "cs-x"}))
    sdk = tokens.decode_unverified(make_token({"alg": "HS256"}, {"sub": "a", "isAnonymous": False}))
    sdk_aud = tokens.decode_unverified(make_token({"alg": "HS256"}, {"aud": "https://idproxy.kore.ai/authorize"}))
    generic = tokens.decode_unverified(make_token({"alg": "HS256"}, {"sub": "a"}))
    assert [tokens.classify(t) for t in (api, sdk, sdk_aud, generic)] == [
        "kore-api", "kore-sdk", "kore-sdk", "generic"]
    assert tokens.classify(generic, "kore-api") == "kore-api"


def test_rsa_signature_verification_with_public_key() -> None:
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    raw = jwt.encode({"sub": "x"}, key, algorithm="RS256")
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode({"sub": "x"}, other, algorithm="RS256")
    assert tokens.verify_with_public_key(tokens.decode_unverified(raw), pem)
    assert not tokens.verify_with_public_key(tokens.decode_unverified(forged), pem)


def test_cached_key_schedule_matches_hmac_for_every_hash_and_key_size() -> None:
    import hashlib
    import hmac as std_hmac

    keys = tokens.HmacKeys(max_keys=3)
    message = b"header.payload"
    for name in ("sha256", "sha384", "sha512"):
        for secret in ("", "short", "k" * 64, "k" * 200, "ünïcødé-ключ"):
            expected = std_hmac.new(secret.encode(), message, getattr(hashlib, name)).digest()
            assert keys.digest(secret, name, message) == expected


hostile_numbers = (st.floats(allow_nan=True, allow_infinity=True)
                   | st.integers(min_value=-(10**400), max_value=10**400)
                   | st.sampled_from([10**11 + 1, 10**14 + 1, -(10**24), 1e308, 1e-308]))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=80)
@given(st.dictionaries(st.sampled_from(["iat", "exp", "nbf", "jti", "p2c"]), hostile_numbers, max_size=5),
       st.sampled_from([{"sub": "u"}, {"sub": "u", "appId": "cs-3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"},
                        {"iss": "cs-3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "isAnonymous": True}]))
def test_hostile_numeric_claims_never_raise_in_rules_or_view(dates: dict, base: dict) -> None:
    from jwtaudit import tokenview

    raw = make_token({"alg": "HS256"}, {**base, **dates})  # json.dumps writes NaN/Infinity as given
    subject = TokenSubject(token=tokens.decode_unverified(raw), location=Location(path="x"))
    ctx = engine.RunContext(config=Config.blank(), now=NOW)
    findings = engine.finalize(engine.check_subject(subject, ctx))
    json.dumps([f.to_dict() for f in findings], allow_nan=False)
    view = tokenview.build(subject.token, label="t", location={}, profile="generic", now=NOW)
    json.dumps(view, allow_nan=False)


def test_an_integer_too_long_to_convert_is_a_number_not_broken_json() -> None:
    import base64 as b64
    import json as js

    def seg(obj: object) -> str:
        return b64.urlsafe_b64encode(js.dumps(obj).encode()).rstrip(b"=").decode()

    payload = '{"sub": "u", "iat": ' + "9" * 5000 + "}"
    raw = f"{seg({'alg': 'HS256'})}.{b64.urlsafe_b64encode(payload.encode()).rstrip(b'=').decode()}.c2ln"
    token = tokens.decode_unverified(raw)
    assert token.problems == () and token.claims["iat"] == float("inf")
