"""The baseline file: findings a team has accepted, as fingerprints and rule codes, never secrets.

Format (version 1, JSON, sorted, one entry per accepted finding):

    {"version": 1, "tool": "jwtaudit", "generated_at": "2026-11-22T01:00:00Z",
     "findings": [{"fingerprint": "…32 hex…", "rule": "SEC002", "path": "config.json"}]}

The key is the engine's fingerprint: rule code, normalised path, structural anchor (enclosing key or
JSON pointer, never a line number) and a keyed hash of the value. So moving code around leaves the
file unchanged, while a different secret at an accepted place has a different fingerprint and is a
new finding (gitleaks' line-based keys hide exactly that case). `rule` and `path` are there for the
people reading the diff of the file; an entry may also carry a free-text `note`, which `update`
keeps.

detect-secrets import: a `.secrets.baseline` stores `hashed_secret` = sha1 of the secret per file.
The engine carries that same sha1 on each `Finding` (`value_sha1`, never rendered or written), so
`adopt_detect_secrets` accepts the current findings whose file and sha1 match an entry and writes
their fingerprints: the new file holds no detect-secrets hash at all.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jwtaudit import engine
from jwtaudit.errors import InputError, UsageError
from jwtaudit.model import Finding

VERSION = 1
DEFAULT_PATH = ".jwtaudit-baseline.json"
_FINGERPRINT = re.compile(r"^[0-9a-f]{16,64}$")
_RULE = re.compile(r"^(TOK|SEC|SRC|CFG|ACC|BOT|META)\d{3}$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$")
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class Entry:
    fingerprint: str
    rule: str
    path: str
    note: str | None = None

    def to_dict(self) -> dict[str, str]:
        data = {"fingerprint": self.fingerprint, "rule": self.rule, "path": self.path}
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True, kw_only=True)
class Baseline:
    entries: tuple[Entry, ...] = ()
    generated_at: str | None = None
    fingerprints: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fingerprints", frozenset(e.fingerprint for e in self.entries))

    def accepts(self, finding: Finding) -> bool:
        return finding.fingerprint in self.fingerprints


@dataclass(frozen=True, kw_only=True)
class Changes:
    kept: int
    added: int
    removed: int


@dataclass(frozen=True, kw_only=True)
class SecretsBaselineEntry:
    """One `results` item of a detect-secrets `.secrets.baseline` (its hash stays in memory)."""

    path: str
    type: str
    line: int | None
    hashed_secret: str = field(repr=False)
    is_secret: bool | None = None


def now_text(now: int | None = None) -> str:
    utc = dt.timezone.utc
    moment = dt.datetime.now(utc) if now is None else dt.datetime.fromtimestamp(now, utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def baselinable(finding: Finding) -> bool:
    """Findings a baseline may accept: real findings, not suppressed ones or notes about the scan."""
    return finding.status != "suppressed" and not finding.rule.startswith("META")


def _entry(finding: Finding) -> Entry:
    return Entry(fingerprint=finding.fingerprint, rule=finding.rule,
                 path=engine.normalise_path(finding.location.path))


def _sorted(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    unique: dict[str, Entry] = {}
    for entry in entries:
        unique.setdefault(entry.fingerprint, entry)
    return tuple(sorted(unique.values(), key=lambda e: (e.path, e.rule, e.fingerprint)))


def create(findings: Iterable[Finding], now: int | None = None) -> Baseline:
    entries = _sorted(_entry(f) for f in findings if baselinable(f))
    return Baseline(entries=entries, generated_at=now_text(now))


def update(
    old: Baseline,
    findings: Iterable[Finding],
    now: int | None = None,
    *,
    ran: Callable[[str], bool] = lambda code: True,
) -> tuple[Baseline, Changes]:
    """Keep entries still found, add new findings, drop entries that are gone.

    Entries of rules that did not run this time (`ran(code)` False, e.g. under `--select`) are
    kept: not looking is not the same as gone. Notes on kept entries survive.
    """
    current = {f.fingerprint: f for f in findings if baselinable(f)}
    entries: list[Entry] = []
    kept = removed = 0
    for entry in old.entries:
        if entry.fingerprint in current or not ran(entry.rule):
            entries.append(entry)
            kept += 1
        else:
            removed += 1
    added = [_entry(f) for fp, f in current.items() if fp not in old.fingerprints]
    baseline = Baseline(entries=_sorted(entries + added), generated_at=now_text(now))
    return baseline, Changes(kept=kept, added=len({e.fingerprint for e in added}), removed=removed)


def apply(findings: Iterable[Finding], baseline: Baseline | None) -> list[Finding]:
    """Mark accepted findings `status="baseline"` (suppressed ones stay suppressed)."""
    if baseline is None:
        return list(findings)
    return engine.mark(findings, lambda f: "baseline" if f.status == "new" and baseline.accepts(f) else None)


# --- file I/O --------------------------------------------------------------------------------


def dumps(baseline: Baseline) -> str:
    data = {
        "version": VERSION,
        "tool": "jwtaudit",
        "generated_at": baseline.generated_at or now_text(),
        "findings": [e.to_dict() for e in baseline.entries],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def save(baseline: Baseline, path: str | Path) -> None:
    target = Path(path)
    try:
        target.write_text(dumps(baseline), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{target}: cannot write baseline: {exc.strerror or exc}") from None


def _read_json(path: str | Path, what: str) -> Any:
    source = Path(path)
    try:
        if source.stat().st_size > MAX_BYTES:
            raise InputError(f"{source}: {what} is larger than {MAX_BYTES // (1024 * 1024)} MB")
        raw = source.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{source}: {what} not found") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read {what}: {exc.strerror or exc}") from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InputError(f"{source}: {what} is not valid JSON{where}") from None


def load(path: str | Path) -> Baseline:
    data = _read_json(path, "baseline")
    if not isinstance(data, dict) or data.get("tool") != "jwtaudit" or "findings" not in data:
        raise InputError(f"{path}: not a jwtaudit baseline (expected keys tool, version, findings)")
    if data.get("version") != VERSION:
        raise InputError(f"{path}: unsupported baseline version {data.get('version')!r} (this jwtaudit "
                         f"reads version {VERSION})")
    items = data["findings"]
    if not isinstance(items, list):
        raise InputError(f"{path}: findings must be a list")
    entries = []
    for index, item in enumerate(items):
        where = f"{path}: findings[{index}]"
        if not isinstance(item, dict):
            raise InputError(f"{where} must be an object")
        fingerprint, rule, rel = item.get("fingerprint"), item.get("rule"), item.get("path")
        if not isinstance(fingerprint, str) or not _FINGERPRINT.match(fingerprint):
            raise InputError(f"{where}: fingerprint must be a hex string")
        if not isinstance(rule, str) or not _RULE.match(rule):
            raise InputError(f"{where}: rule must be a rule code such as SEC002")
        if not isinstance(rel, str):
            raise InputError(f"{where}: path must be a string")
        note = item.get("note")
        entries.append(Entry(fingerprint=fingerprint, rule=rule, path=rel,
                             note=note if isinstance(note, str) else None))
    generated = data.get("generated_at")
    return Baseline(entries=_sorted(entries), generated_at=generated if isinstance(generated, str) else None)


# --- detect-secrets --------------------------------------------------------------------------


def read_detect_secrets(path: str | Path) -> list[SecretsBaselineEntry]:
    """The entries of a detect-secrets baseline (`results`: file -> [{type, hashed_secret, …}])."""
    data = _read_json(path, "detect-secrets baseline")
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict):
        raise InputError(f"{path}: not a detect-secrets baseline (no 'results' object)")
    entries = []
    for filename, items in results.items():
        if not isinstance(items, list):
            raise InputError(f"{path}: results[{filename!r}] must be a list")
        for item in items:
            hashed = item.get("hashed_secret") if isinstance(item, dict) else None
            if not isinstance(hashed, str) or not _SHA1.match(hashed.lower()):
                raise InputError(f"{path}: results[{filename!r}]: entry without a sha1 hashed_secret")
            line = item.get("line_number")
            secret = item.get("is_secret")
            entries.append(SecretsBaselineEntry(
                path=engine.normalise_path(str(item.get("filename") or filename)),
                type=str(item.get("type") or "secret"), line=line if isinstance(line, int) else None,
                hashed_secret=hashed.lower(), is_secret=secret if isinstance(secret, bool) else None,
            ))
    return entries


def adopt_detect_secrets(
    entries: Sequence[SecretsBaselineEntry],
    findings: Iterable[Finding],
    existing: Baseline | None = None,
    now: int | None = None,
) -> tuple[Baseline, list[SecretsBaselineEntry]]:
    """Accept every finding whose file and value sha1 match an entry; return the unmatched entries.

    Matching is per file, as detect-secrets does: the same secret pasted into another file is a
    new finding. Every jwtaudit finding on a matched value is accepted (a token reported by
    SEC001 and several TOK rules is one detect-secrets entry).
    """
    wanted = {(e.path, e.hashed_secret) for e in entries}
    matched: set[tuple[str, str]] = set()
    accepted: list[Entry] = list(existing.entries) if existing else []
    for finding in findings:
        if not baselinable(finding) or not finding.value_sha1:
            continue
        key = (engine.normalise_path(finding.location.path), finding.value_sha1)
        if key in wanted:
            matched.add(key)
            accepted.append(_entry(finding))
    unmatched = [e for e in entries if (e.path, e.hashed_secret) not in matched]
    return Baseline(entries=_sorted(accepted), generated_at=now_text(now)), unmatched
