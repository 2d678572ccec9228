"""The scan-wide checks give the same findings, redacted values and notes in one process or two."""

from __future__ import annotations

import base64
import hashlib

import pytest

from jwtaudit import engine, tokens
from jwtaudit.commands import scan_wide
from jwtaudit.config import Config
from jwtaudit.model import Location
from jwtaudit.redact import RecordingRedactor
from jwtaudit.rules import registry
from jwtaudit.subjects import Assignment, TokenSubject
from tests.helpers import NOW, make_token


def _material() -> tuple[list[TokenSubject], list[Assignment], tuple[str, ...]]:
    words = ("orders-bot", "Billing App", "staging")
    secrets = [Assignment(key="clientSecret", value=base64.b64encode(hashlib.sha256(str(i).encode()).digest()).decode(),
                          location=Location(path=f"config/app{i}.json", line=3, pointer="/clientSecret"), scope="")
               for i in range(40)]
    subjects = []
    for i in range(60):
        if i % 7 == 0:
            key = "orders-bot"  # a name from another file: TOK015 scan-wide
        elif i % 11 == 0:
            key = secrets[i % 40].value  # a secret of the scan: SEC009
        else:
            key = hashlib.sha256(b"strong %d" % i).hexdigest()
        raw = make_token({"alg": "HS256", "typ": "JWT"}, {"appId": f"cs-{i}", "iat": NOW}, key=key)
        subjects.append(TokenSubject(token=tokens.decode_unverified(raw), anchor="auth", stored=True,
                                     location=Location(path=f"docs/t{i % 9}.md", line=i + 1, column=5)))
    return subjects, secrets, words


def _run(jobs: int) -> tuple[list[tuple[str, str, int | None, str]], set[str], bool]:
    registry.load_for("token", "scan")
    subjects, secrets, words = _material()
    ctx = engine.RunContext(config=Config(), now=NOW, redactor=RecordingRedactor())
    findings = scan_wide.scan_wide_findings(subjects, secrets, [], ctx, context_words=words, jobs=jobs)
    rows = [(f.rule, f.location.path, f.location.line, f.message) for f in findings]
    return rows, set(ctx.redactor.seen), bool(ctx.extras.get("sec009_limited"))  # type: ignore[attr-defined]


@pytest.mark.parametrize("budget", [50_000, 300])
def test_two_processes_give_what_one_gives(monkeypatch: pytest.MonkeyPatch, budget: int) -> None:
    from jwtaudit.rules import sec

    monkeypatch.setattr(sec, "MAX_SEC009_PAIRS", budget)
    monkeypatch.setattr(scan_wide, "PARALLEL_MIN_TOKENS", 10)
    one = _run(1)
    two = _run(2)
    assert two == one
    rules = {rule for rule, *_ in one[0]}
    assert "TOK015" in rules  # the context half found something
    assert ("SEC009" in rules) == (budget > 300)  # and the rules half, unless its budget ran out first
    assert bool(one[1]) == (budget > 300)  # SEC009 reports the secret: the redactor must know it
    assert one[2] == (budget == 300)  # the budget note crosses the process boundary


@pytest.mark.parametrize(("alg", "expected"), [("HS512", [("SEC009", 4), ("TOK024", 4)]), ("HS256", [("SEC009", 4)])])
def test_a_key_sec009_proves_is_judged_by_tok024(alg: str, expected: list[tuple[str, int]]) -> None:
    """A 44-character client secret that verifies an HS512 token is shorter than the 64 bytes the
    hash needs (TOK024); the same secret is long enough for HS256."""
    registry.load_for("token", "scan")
    secret = base64.b64encode(hashlib.sha256(b"sdk app").digest()).decode()
    raw = make_token({"alg": alg, "typ": "JWT"}, {"sub": "u1", "iss": "cs-1", "iat": NOW}, key=secret)
    token = TokenSubject(token=tokens.decode_unverified(raw), anchor="token", stored=True,
                         location=Location(path="fixtures/sts.json", line=4, column=13))
    item = Assignment(key="KORE_CLIENT_SECRET", value=secret, location=Location(path=".env", line=1), scope="")
    ctx = engine.RunContext(config=Config.blank().with_overrides(select=("SEC009", "TOK024")), now=NOW,
                            redactor=RecordingRedactor())
    findings = scan_wide.scan_wide_findings([token], [item], [], ctx)
    assert [(f.rule, f.location.line) for f in findings] == expected
