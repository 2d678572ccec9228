"""The small frozen value types every layer shares: severities, locations, hits and findings.

Rules produce `Hit`s (what is wrong); the engine turns them into `Finding`s (where, how bad,
fingerprinted). Nothing here does I/O or holds a secret in a field that a reporter renders.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """Ordered so that `a >= b` means "at least as bad as"."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


class Confidence(enum.IntEnum):
    LOW = 0
    MEDIUM = 1
    HIGH = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, kw_only=True)
class Location:
    """Where a finding is. Lines and columns are 1-based; `end_column` is exclusive (SARIF)."""

    path: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    pointer: str | None = None
    commit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "pointer": self.pointer,
            "commit": self.commit,
        }


@dataclass(frozen=True, kw_only=True)
class Hit:
    """What a rule returns: the problem, not its place.

    `value` is the offending raw value (a token, a secret) used only for the keyed fingerprint
    hash and for redaction; it is never rendered. `guessable=True` means the value comes from a
    public list (a weak secret), so the fingerprint uses the anchor only. `location` overrides the
    subject's location (cross-subject rules such as SEC009); `pointer` refines it inside a
    structured subject; `span` is an (offset, length) inside the subject's text.
    """

    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity | None = None
    value: str | None = field(default=None, repr=False)
    guessable: bool = False
    anchor: str | None = None
    location: Location | None = None
    pointer: str | None = None
    related: tuple[Location, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    confidence: Confidence
    message: str
    location: Location
    evidence: Mapping[str, Any]
    fingerprint: str
    related: tuple[Location, ...] = ()
    status: str = "new"  # new | baseline | suppressed
    # sha1 of the raw offending value, only so that `jwtaudit baseline import` can match a
    # detect-secrets baseline (which stores exactly that); never rendered, never written.
    value_sha1: str | None = field(default=None, repr=False, compare=False)

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location
        return (
            loc.path,
            loc.commit or "",
            loc.line or 0,
            loc.column or 0,
            loc.pointer or "",
            self.rule,
            self.fingerprint,
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.label,
            "confidence": self.confidence.label,
            "message": self.message,
            "location": self.location.to_dict(),
            "evidence": dict(self.evidence),
            "fingerprint": self.fingerprint,
        }
        if self.related:
            data["related"] = [r.to_dict() for r in self.related]
        if self.status != "new":
            data["status"] = self.status
        return data


@dataclass(frozen=True, kw_only=True)
class RuleInfo:
    code: str
    name: str
    severity: Severity
    confidence: Confidence
    cwe: int
    subject: str
    doc: str
    kore_only: bool = False

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")

    @property
    def summary(self) -> str:
        """The first sentence of "What it does"."""
        section = self.section("What it does")
        first = section.split("\n\n")[0].replace("\n", " ").strip()
        return first

    def section(self, heading: str) -> str:
        from jwtaudit.rules.registry import doc_section

        return doc_section(self.doc, heading)


@dataclass(frozen=True, kw_only=True)
class InputError:
    """A file that could not be (fully) read; reported in the summary and as META002.

    `unreadable` marks an input the scan should have read but could not (permission, I/O
    error): the run is partial, and the CLI says so in its exit code. Deliberate skips (binary
    files, the size cap, links out of the root) are not."""

    path: str
    message: str
    unreadable: bool = False


@dataclass(frozen=True, kw_only=True)
class Result:
    """Everything a reporter may render; already filtered, sorted and redacted."""

    mode: str  # token | scan | history | audit
    findings: tuple[Finding, ...]
    files_scanned: int = 0
    errors: tuple[InputError, ...] = ()
    tokens: tuple[Mapping[str, Any], ...] = ()  # decoded views for `jwtaudit token`
    overview: Mapping[str, Any] | None = None  # account overview for `jwtaudit audit`
    rules: Mapping[str, RuleInfo] = field(default_factory=dict)
    properties: Mapping[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status == "new")

    def by_severity(self) -> dict[str, int]:
        counts = {s.label: 0 for s in sorted(Severity, reverse=True)}
        for f in self.active:
            counts[f.severity.label] += 1
        return counts
