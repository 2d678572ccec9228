"""engine.finalize: a generic SEC1xx finding is dropped where a specific rule reports the same value."""

from __future__ import annotations

from jwtaudit import engine
from jwtaudit.model import Confidence, Finding, Location, Severity


def _finding(rule: str, pointer: str | None, line: int | None = 13, path: str = "botDefinition.json") -> Finding:
    return Finding(rule=rule, name=rule.lower(), severity=Severity.HIGH, confidence=Confidence.HIGH,
                   message="m", location=Location(path=path, line=line, pointer=pointer), evidence={},
                   fingerprint=f"{rule}{pointer}{line}{path}")


def _rules(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(f.rule, f.location.pointer) for f in engine.finalize(findings)]


def test_generic_inside_a_decoded_json_string_is_covered() -> None:
    found = [_finding("BOT001", "/dialogComponents/0/headers/value/Authorization"),
             _finding("SEC107", "/dialogComponents/0/headers/value")]
    assert _rules(found) == [("BOT001", "/dialogComponents/0/headers/value/Authorization")]


def test_same_place_is_covered_as_before() -> None:
    found = [_finding("SEC002", "/a"), _finding("SEC120", "/a")]
    assert _rules(found) == [("SEC002", "/a")]


def test_near_misses_are_kept() -> None:
    specific = _finding("BOT001", "/dialogComponents/0/headers/value/Authorization")
    kept = [
        _finding("SEC107", "/dialogComponents/0/headers/value", line=14),  # another line
        _finding("SEC107", "/dialogComponents/0/headers/val"),  # a key that only starts the same
        _finding("SEC107", "/dialogComponents/0/headers/value/Authorization/x"),  # inside, not enclosing
        _finding("SEC107", "/dialogComponents/0/headers/value", path="other.json"),  # another file
        _finding("SEC107", None),  # no pointer: only an exact place covers it
    ]
    assert len(engine.finalize([specific, *kept])) == 1 + len(kept)


def _generic(rule: str, confidence: Confidence, digest: str, line: int = 4) -> Finding:
    return Finding(rule=rule, name=rule.lower(), severity=Severity.HIGH, confidence=confidence, message="m",
                   location=Location(path=".env", line=line, column=14), evidence={"sha256_prefix": digest},
                   fingerprint=f"{rule}{digest}{line}")


def test_one_generic_finding_per_value_the_most_confident_detector() -> None:
    findings = [_generic("SEC107", Confidence.HIGH, "aa"), _generic("SEC111", Confidence.MEDIUM, "aa"),
                _generic("SEC124", Confidence.LOW, "aa"),
                _generic("SEC111", Confidence.MEDIUM, "bb"), _generic("SEC124", Confidence.LOW, "bb"),
                _generic("SEC124", Confidence.LOW, "cc"),  # another value on the line: its own finding
                _generic("SEC124", Confidence.LOW, "aa", line=5)]  # the same value on another line
    assert sorted((f.rule, f.evidence["sha256_prefix"], f.location.line) for f in engine.finalize(findings)) == [
        ("SEC107", "aa", 4), ("SEC111", "bb", 4), ("SEC124", "aa", 5), ("SEC124", "cc", 4)]
