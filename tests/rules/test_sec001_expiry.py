"""SEC001 on the `exp` values real integrations get wrong or hostile input carries: milliseconds
and "max date" values never expire for the platform, absurd numbers never crash the scan, and a
token whose `alg` is `none` in any case is TOK002's alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from jwtaudit.commands.scan import ScanRequest, run_scan
from jwtaudit.config import Config
from tests.helpers import NOW, good_payload, make_token


def sec001(tmp_path: Path, payload: object, header: dict | None = None) -> list[tuple[str, int | None, str, str]]:
    token = make_token(header or {"alg": "HS256", "typ": "JWT"}, payload)
    if header and str(header.get("alg", "")).lower() == "none":
        token = token.rsplit(".", 1)[0] + ".c2lnbmF0dXJlLWJ5dGVz"
    (tmp_path / "client.js").write_text(f'const token = "{token}";\n')
    config = Config.blank().with_overrides(select=("SEC001", "TOK002"))
    result, _ = run_scan(ScanRequest(paths=(str(tmp_path),), jobs=1, now=NOW), config)
    return [(f.rule, f.location.line, f.severity.label, f.message) for f in result.findings]


@pytest.mark.parametrize("exp", [
    (NOW - 86400) * 1000,  # `Date.now()` a day ago: read as seconds, tens of thousands of years away
    (NOW + 1800) * 1000,
    253402300799,  # .NET DateTimeOffset.MaxValue
    10**30, 10**4000, 1e400, float("nan"),
])
def test_millisecond_max_and_absurd_exp_never_expire_and_keep_high_severity(tmp_path: Path, exp: float) -> None:
    [(rule, line, severity, message)] = sec001(tmp_path, good_payload(exp=exp))
    assert (rule, line, severity) == ("SEC001", 1, "high")
    assert message.endswith("it never expires.")


def test_seconds_exp_is_valid_until_or_expired(tmp_path: Path) -> None:
    [(_, _, severity, message)] = sec001(tmp_path, good_payload(exp=NOW + 1800))
    assert severity == "high" and "valid until 2026-11-21T22:56:40Z" in message
    [(_, _, severity, message)] = sec001(tmp_path, good_payload(exp=NOW - 86400))
    assert severity == "low" and "expired on 2026-11-20T22:26:40Z" in message
    for absurd in (-10**30, -10**4000, float("-inf")):
        [(_, _, severity, message)] = sec001(tmp_path, good_payload(exp=absurd))
        assert severity == "low" and "expired on a date outside the calendar" in message


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_alg_none_with_a_signature_segment_is_tok002_only(tmp_path: Path, alg: str) -> None:
    findings = sec001(tmp_path, good_payload(), header={"alg": alg, "typ": "JWT"})
    assert [(rule, line) for rule, line, _, _ in findings] == [("TOK002", 1)]


def test_a_dotted_name_that_decodes_to_no_text_is_no_committed_token(tmp_path: Path) -> None:
    """`eyJhbGciOiJIUzI1NiJ9.json.bak` (a backup file named after a header) has a JOSE header but
    a payload that is not even text: TOK001 describes it; a JWS with a text payload is still one."""
    import jwt

    text_payload = jwt.api_jws.encode(b"hello world", "k" * 32, algorithm="HS256")
    (tmp_path / "files.txt").write_text(f"eyJhbGciOiJIUzI1NiJ9.json.bak\n{text_payload}\n")
    config = Config.blank().with_overrides(select=("SEC001", "TOK001"))
    result, _ = run_scan(ScanRequest(paths=(str(tmp_path),), jobs=1, now=NOW), config)
    assert [(f.rule, f.location.line) for f in result.findings] == [("TOK001", 1), ("SEC001", 2), ("TOK001", 2)]
