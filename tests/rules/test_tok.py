"""Every TOK rule against its fixture cases: positives and near misses, exact rule sets."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from jwtaudit.config import Config
from jwtaudit.model import Severity
from jwtaudit.subjects import AppSettings
from tests.helpers import (
    NOW,
    OTHER_SECRET,
    STRONG_SECRET,
    b64,
    check,
    good_payload,
    make_token,
    segment,
    subject_for,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
SECRETS = {"strong": STRONG_SECRET, "other": OTHER_SECRET}


def load_cases() -> list[Any]:
    params = []
    for folder in sorted(FIXTURES.glob("TOK*")):
        data = json.loads((folder / "cases.json").read_text("utf-8"))
        for case in data["cases"]:
            params.append(pytest.param(data["rule"], case, id=f"{data['rule']}: {case['name']}"))
    return params


def build_raw(case: dict[str, Any]) -> str:
    if "raw" in case:
        return case["raw"]
    if "jwe" in case:
        parts = [segment(case["jwe"]), b64(os.urandom(32)), b64(os.urandom(12)), b64(os.urandom(40)),
                 b64(os.urandom(16))]
        return ".".join(parts)
    header = case.get("header", {"alg": "HS256", "typ": "JWT"})
    if "good" in case:
        payload = good_payload(**{k: (... if v == "-" else v) for k, v in case["good"].items()})
    else:
        payload = case.get("payload")
    key = case.get("key", "strong")
    secret = None if key == "none" else key["secret"] if isinstance(key, dict) else SECRETS[key]
    raw = make_token(header, payload, secret)
    if "raw_header" in case or "raw_payload" in case:
        head, body, _ = raw.split(".")
        head = b64(case["raw_header"].encode()) if "raw_header" in case else head
        body = b64(case["raw_payload"].encode()) if "raw_payload" in case else body
        raw = make_token({"alg": "HS256"}, {}, STRONG_SECRET).split(".")[2]
        import hashlib
        import hmac

        sig = hmac.new(STRONG_SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
        raw = f"{head}.{body}.{b64(sig)}"
    return raw


def subject_from(case: dict[str, Any]):
    context = case.get("context", {})
    app = None
    if "app" in context:
        spec = dict(context["app"])
        spec["secrets"] = tuple(SECRETS.get(s, s) for s in spec.get("secrets", ()))
        app = AppSettings(**spec)
    return subject_for(build_raw(case), profile=context.get("profile"), app=app,
                       public_api=context.get("public_api", False),
                       context_words=tuple(context.get("context_words", ())))


@pytest.mark.parametrize(("rule", "case"), load_cases())
def test_fixture_case(rule: str, case: dict[str, Any]) -> None:
    findings = check(subject_from(case), wordlist=tuple(case.get("wordlist", ())))
    got = sorted(f.rule for f in findings)
    assert got == case["expect"], case["name"]
    is_positive = rule in case["expect"]
    assert is_positive == (not case["name"].startswith("near miss")), "fixture naming convention"
    for code, severity in case.get("severity", {}).items():
        assert [f.severity for f in findings if f.rule == code] == [Severity.parse(severity)]
    for f in findings:
        assert f.location.path == "<argument>"


def test_every_tok_rule_has_positive_and_near_miss_fixtures() -> None:
    from jwtaudit.rules import registry

    tok_codes = [c for c in registry.load_all() if c.startswith("TOK")]
    assert len(tok_codes) == 26
    for code in tok_codes:
        cases = json.loads((FIXTURES / code / "cases.json").read_text("utf-8"))["cases"]
        assert any(code in c["expect"] for c in cases), f"{code} has no positive case"
        assert any(code not in c["expect"] for c in cases), f"{code} has no near miss"


def test_weak_secret_list_is_large_and_has_the_documentation_defaults() -> None:
    from jwtaudit.rules.tok import builtin_weak_secrets

    words = builtin_weak_secrets()
    assert len(words) >= 200
    for expected in ("", "your-256-bit-secret", "secret", "changeme", "shhhhh", "keyboard cat"):
        assert expected in words


def test_select_and_ignore_by_prefix() -> None:
    raw = make_token({"alg": "none"}, {"sub": "u"}, None)
    subject = subject_for(raw)
    assert [f.rule for f in check(subject)] == ["TOK002", "TOK009"]
    assert [f.rule for f in check(subject, Config(ignore=("TOK00",)))] == []
    assert [f.rule for f in check(subject, Config(select=("TOK",), ignore=("TOK009",)))] == ["TOK002"]
    assert [f.rule for f in check(subject, Config(select=("TOK009",), ignore=("TOK",)))] == ["TOK009"]


def test_severity_override_from_config() -> None:
    subject = subject_for(make_token({"alg": "HS256"}, {"sub": "u"}))
    (finding,) = check(subject, Config(severity={"TOK009": Severity.HIGH}))
    assert finding.rule == "TOK009" and finding.severity == Severity.HIGH


def test_clock_skew_and_max_lifetime_come_from_config() -> None:
    expired = subject_for(make_token({"alg": "HS256"}, {"sub": "u", "iat": NOW - 900, "exp": NOW - 300}))
    assert [f.rule for f in check(expired)] == ["TOK010"]
    assert [f.rule for f in check(expired, Config(clock_skew=600))] == []
    week = subject_for(make_token({"alg": "HS256"}, {"sub": "u", "iat": NOW, "exp": NOW + 7 * 86400}))
    assert [f.rule for f in check(week)] == ["TOK011"]
    assert [f.rule for f in check(week, Config(max_lifetime=30 * 86400))] == []


def test_kore_profile_override_turns_generic_token_into_api_token() -> None:
    raw = make_token({"alg": "HS512"}, {"sub": "u", "iat": NOW, "exp": NOW + 600})
    assert [f.rule for f in check(subject_for(raw))] == []
    assert sorted(f.rule for f in check(subject_for(raw, profile="kore-api"))) == ["TOK003", "TOK005", "TOK007"]


def test_fingerprint_stable_across_locations_and_changes_with_token() -> None:
    from jwtaudit.model import Location

    raw = make_token({"alg": "none"}, {"sub": "u", "exp": NOW + 60}, None)
    a = check(subject_for(raw, location=Location(path="a.txt", line=3)))
    b = check(subject_for(raw, location=Location(path="a.txt", line=90)))
    assert [f.fingerprint for f in a] == [f.fingerprint for f in b]
    other = make_token({"alg": "none"}, {"sub": "v", "exp": NOW + 60}, None)
    c = check(subject_for(other, location=Location(path="a.txt", line=3)))
    assert a[0].fingerprint != c[0].fingerprint
