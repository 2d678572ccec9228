"""Runs rules over subjects and makes every decision in one place.

Selection by code or prefix, severity overrides, locations, fingerprints, the SEC1xx-vs-specific
dedupe, inline suppressions and the baseline all happen here, before any reporter runs.
Rules say what is wrong; this module says where.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from jwtaudit.config import Config
from jwtaudit.model import Finding, Hit, Location, RuleInfo, Severity
from jwtaudit.redact import Redactor, keyed_hash
from jwtaudit.rules import registry


class Subject(Protocol):
    """What a family of rules looks at. `kind` matches the rule's `subject`."""

    kind: str
    location: Location


@dataclass
class RunContext:
    """Per-run state shared by rules: config, the clock, the redactor and scan-wide extras."""

    config: Config
    now: int
    redactor: Redactor = field(default_factory=Redactor)
    wordlist: tuple[str, ...] = ()
    extras: dict[str, Any] = field(default_factory=dict)
    # the scan root's path inside its git work tree (`services/bot/`): fingerprints name files from
    # the repository root, so a baseline matches whichever folder of the repository is scanned
    path_prefix: str = ""
    # (subject kind, rules registered) -> (the config they were selected for, rules); selected_rules
    selected: dict[tuple[str, int], tuple[Config, list[Any]]] = field(default_factory=dict, repr=False)
    # (subject kind, generic or not, id of the selected list) -> (that list, its generic or other rules)
    split_rules: dict[tuple[str, bool, int], tuple[list[Any], list[Any]]] = field(default_factory=dict,
                                                                                  repr=False)


def is_selected(code: str, config: Config) -> bool:
    """ruff-style: the most specific matching prefix among select/ignore decides."""
    best_len, selected = -1, not config.select
    for prefix in config.select:
        if code.startswith(prefix) and len(prefix) > best_len:
            best_len, selected = len(prefix), True
    for prefix in config.ignore:
        if code.startswith(prefix) and len(prefix) >= best_len:
            best_len, selected = len(prefix), False
    return selected


def fingerprint(code: str, path: str, anchor: str, value: str | None, guessable: bool) -> str:
    """Stable across line moves; changes when the secret changes (see design.md)."""
    value_part = "" if (value is None or guessable) else keyed_hash(value)
    data = "\0".join((code, normalise_path(path), anchor, value_part))
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def normalise_path(path: str) -> str:
    return path.replace("\\", "/").removeprefix("./")


def _locate(subject: Any, hit: Hit) -> Location:
    if hit.location is not None:
        return hit.location
    if hit.pointer is not None:
        locate = getattr(subject, "locate", None)
        if callable(locate):
            return locate(hit.pointer)
        return replace(subject.location, pointer=hit.pointer)
    return subject.location


def _anchor(subject: Any, hit: Hit, location: Location) -> str:
    if hit.anchor is not None:
        return hit.anchor
    if location.pointer:
        return location.pointer
    return getattr(subject, "anchor", "") or ""


def make_finding(info: RuleInfo, hit: Hit, subject: Any, config: Config, path_prefix: str = "") -> Finding:
    location = _locate(subject, hit)
    severity = config.severity.get(info.code) or hit.severity or info.severity
    return Finding(
        rule=info.code,
        name=info.name,
        severity=severity,
        confidence=info.confidence,
        message=hit.message,
        location=location,
        evidence=dict(hit.evidence),
        fingerprint=fingerprint(
            info.code, path_prefix + location.path, _anchor(subject, hit, location), hit.value, hit.guessable
        ),
        related=hit.related,
        value_sha1=_sha1(hit.value),
    )


def _sha1(value: str | None) -> str | None:
    """detect-secrets' `hashed_secret` of a value (for baseline import only; see Finding)."""
    return hashlib.sha1(value.encode("utf-8", "surrogatepass")).hexdigest() if value else None


def selected_rules(kind: str, ctx: RunContext) -> list[registry.Rule]:
    """The selected rules for a subject kind, worked out once per run (a scan asks for every
    subject of every file)."""
    key = (kind, registry.registered_count())
    cached = ctx.selected.get(key)
    if cached is not None and cached[0] is ctx.config:
        return cached[1]
    rules = [item for item in registry.rules_for(kind) if is_selected(item.info.code, ctx.config)]
    ctx.selected[key] = (ctx.config, rules)
    return rules


def _rules_of(kind: str, ctx: RunContext, generic: bool | None) -> list[registry.Rule]:
    """`selected_rules`, or only its generic (SEC1xx) or only its other rules, split once per run."""
    rules = selected_rules(kind, ctx)
    if generic is None:
        return rules
    key = (kind, generic, id(rules))
    cached = ctx.split_rules.get(key)
    if cached is None or cached[0] is not rules:
        cached = (rules, [item for item in rules if _is_generic(item.info.code) == generic])
        ctx.split_rules[key] = cached
    return cached[1]


def check_subject(subject: Any, ctx: RunContext, *, generic: bool | None = None) -> list[Finding]:
    """Run every selected rule for this subject's kind (only the generic SEC1xx rules with
    `generic=True`, only the others with `generic=False`)."""
    findings: list[Finding] = []
    for item in _rules_of(subject.kind, ctx, generic):
        if item.applies is not None and not item.applies(subject):
            continue
        for hit in item.check(subject, ctx):
            if hit.value:
                ctx.redactor.add(hit.value)
            findings.append(make_finding(item.info, hit, subject, ctx.config, ctx.path_prefix))
    return findings


def run(subjects: Iterable[Any], ctx: RunContext) -> list[Finding]:
    findings: list[Finding] = []
    for subject in subjects:
        findings.extend(check_subject(subject, ctx))
    return finalize(findings)


def value_key(finding: Finding) -> tuple[str, int | None, str | None]:
    return (finding.location.path, finding.location.line, finding.location.pointer)


def finalize(findings: Iterable[Finding]) -> list[Finding]:
    """Dedupe, drop generic SEC1xx where a specific rule (or a more confident detector) reported
    the same place, sort."""
    unique: dict[tuple[Any, ...], Finding] = {}
    for f in findings:
        key = (f.rule, f.fingerprint, f.location.path, f.location.line, f.location.column,
               f.location.pointer, f.location.commit)
        unique.setdefault(key, f)
    kept = _one_generic_per_value(without_covered_generics(list(unique.values())))
    return sorted(kept, key=Finding.sort_key)


def _one_generic_per_value(findings: list[Finding]) -> list[Finding]:
    """Where several generic detectors report one value at one place (`ghp_…` is a GitHub token to
    SEC107, a keyword value to SEC111 and high-entropy base64 to SEC124), only the most confident
    of them: the detector that knows what the value is, then the keyword, then entropy."""
    best: dict[tuple[Any, ...], int] = {}
    keys: list[tuple[Any, ...] | None] = []
    for f in findings:
        digest = f.evidence.get("sha256_prefix") if _is_generic(f.rule) else None
        key = (f.location.path, f.location.commit, f.location.line, digest) if digest else None
        keys.append(key)
        if key is not None:
            best[key] = max(best.get(key, 0), int(f.confidence))
    return [f for f, key in zip(findings, keys, strict=True) if key is None or int(f.confidence) == best[key]]


def without_covered_generics(findings: list[Finding]) -> list[Finding]:
    """The findings less each generic SEC1xx one at the place of a specific finding. A worker
    applies it to one file's findings before sending them home (`finalize` would drop those
    anyway: what a file's own findings cover, all the scan's findings cover).

    The place is the same path, line and pointer, or a pointer inside the generic one on the
    same line: a JSON string holding JSON (a service node's `headers.value`) is one value to the
    generic detectors (`/headers/value`) and decoded for the specific rules
    (`/headers/value/Authorization`)."""
    specific = {value_key(f) for f in findings if _covers_generics(f.rule)}
    if not specific:
        return findings
    inner: dict[tuple[str, int], list[str]] = {}
    for path, line, pointer in specific:
        if line is not None and pointer:
            inner.setdefault((path, line), []).append(pointer)
    return [f for f in findings if not (_is_generic(f.rule) and _covered(f, specific, inner))]


def _covered(finding: Finding, specific: set[tuple[str, int | None, str | None]],
             inner: dict[tuple[str, int], list[str]]) -> bool:
    if value_key(finding) in specific:
        return True
    loc = finding.location
    if loc.line is None or not loc.pointer:
        return False
    prefix = loc.pointer.rstrip("/") + "/"
    return any(p.startswith(prefix) for p in inner.get((loc.path, loc.line), ()))


def lines_without_pointer(findings: Iterable[Finding], path: str) -> set[int]:
    """Lines of `path` where a specific (non-SEC1xx) finding has no pointer: `finalize` drops
    every generic finding there, so a scan need not run the generic detectors on them."""
    return {f.location.line for f in findings
            if f.location.line and f.location.pointer is None and f.location.path == path
            and not _is_generic(f.rule)}


def _is_generic(code: str) -> bool:
    return code.startswith("SEC1")


def _covers_generics(code: str) -> bool:
    """A rule that reports what a value is (SEC001-SEC008, BOT001, TOK …): its finding makes a
    generic one at the same place redundant. SEC009/SEC010 report how values relate across the
    scan (SEC010 sits at the first copy of a reused secret) and META rules report on the input:
    the secret's own finding stays beside them."""
    return not (_is_generic(code) or code in ("SEC009", "SEC010") or code.startswith("META"))


def exit_code(findings: Iterable[Finding], fail_on: Severity) -> int:
    """1 when a new finding is at or above `fail_on`. META002 lists inputs, not problems: a binary
    or oversized file is a deliberate skip, and one that could not be read makes the run partial
    (exit 2, decided by the command), whatever `--fail-on` says."""
    failing = (f for f in findings if f.status == "new" and f.rule != "META002")
    return 1 if any(f.severity >= fail_on for f in failing) else 0


def mark(findings: Iterable[Finding], status_of: Callable[[Finding], str | None]) -> list[Finding]:
    """Set `status` (baseline/suppressed) for findings the predicate names."""
    out = []
    for f in findings:
        status = status_of(f)
        out.append(replace(f, status=status) if status else f)
    return out


def rule_infos(findings: Iterable[Finding]) -> Mapping[str, RuleInfo]:
    findings = list(findings)
    rules = registry.loaded()
    if any(f.rule not in rules for f in findings):
        rules = registry.load_all()
    return {f.rule: rules[f.rule].info for f in findings if f.rule in rules}
