"""One frozen Config, read from `[tool.jwtaudit]` in pyproject.toml or from .jwtaudit.toml.

Unknown keys and bad values are errors that name the key: a typo in a security gate must not
silently turn a check off.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from jwtaudit.errors import UsageError
from jwtaudit.model import Severity

PROFILES = ("kore-api", "kore-sdk", "generic")
_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
_CODE_OR_PREFIX = re.compile(r"^(TOK|SEC|SRC|CFG|ACC|BOT|META)\d{0,3}$")
# The catalog's codes (rules.md), without importing the rules (the pre-commit hook starts fast);
# tests/test_config.py checks them against the registry.
_CODE_RANGES = (("ACC", 1, 13), ("BOT", 1, 12), ("CFG", 1, 4), ("META", 1, 2), ("SEC", 1, 10),
                ("SEC", 101, 125), ("SRC", 1, 7), ("TOK", 1, 26))
RULE_CODES = tuple(f"{family}{n:03d}" for family, low, high in _CODE_RANGES for n in range(low, high + 1))


@dataclass(frozen=True, kw_only=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.LOW
    severity: Mapping[str, Severity] = field(default_factory=dict)
    max_lifetime: int = 24 * 3600
    clock_skew: int = 60
    max_scopes: int = 10
    max_secret_age_days: int = 365
    max_file_size: int = 5 * 1024 * 1024
    wordlist: str | None = None
    profile: str | None = None
    exclude: tuple[str, ...] = ()
    source: str | None = None  # the file this config came from, for messages

    @classmethod
    def blank(cls) -> Config:
        """Neutral defaults, for tests and for runs without a config file."""
        return cls()

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def parse_duration(value: Any, key: str) -> int:
    if isinstance(value, bool):
        raise UsageError(f"config: {key} must be a duration such as 3600, '60m' or '24h'")
    if isinstance(value, int):
        if value < 0:
            raise UsageError(f"config: {key} must not be negative")
        return value
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return int(match.group(1)) * _UNITS[match.group(2)]
    raise UsageError(f"config: {key} must be a duration such as 3600, '60m' or '24h', not {value!r}")


def parse_codes(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [v for v in re.split(r"[,\s]+", value) if v]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = list(value)
    else:
        raise UsageError(f"config: {key} must be a list of rule codes or prefixes")
    codes = []
    for item in items:
        code = item.strip().upper()
        if not _CODE_OR_PREFIX.match(code):
            raise UsageError(f"config: {key}: {item!r} is not a rule code or prefix (e.g. TOK, SEC001)")
        if not any(known.startswith(code) for known in RULE_CODES):
            raise UsageError(f"config: {key}: {item!r} names no rule (see `jwtaudit rules`)")
        codes.append(code)
    return tuple(codes)


def _int(value: Any, key: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise UsageError(f"config: {key} must be an integer >= {minimum}, not {value!r}")
    return value


def _severity(value: Any, key: str) -> Severity:
    if not isinstance(value, str):
        raise UsageError(f"config: {key} must be a severity name")
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise UsageError(f"config: {key}: {exc}") from None


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise UsageError(f"config: {key} must be a list of strings")


def from_mapping(data: Mapping[str, Any], source: str | None = None) -> Config:
    """Build a Config from the `[tool.jwtaudit]` table; every key is checked."""
    known = {f.name for f in fields(Config)} - {"source"}
    values: dict[str, Any] = {"source": source}
    for raw_key, value in data.items():
        key = raw_key.replace("-", "_")
        where = f"{raw_key}" if source is None else f"{raw_key} (in {source})"
        if key not in known:
            raise UsageError(f"config: unknown key {where}")
        if key in ("select", "ignore"):
            values[key] = parse_codes(value, where)
        elif key == "fail_on":
            values[key] = _severity(value, where)
        elif key == "severity":
            if not isinstance(value, Mapping):
                raise UsageError(f"config: {where} must be a table of CODE = \"severity\"")
            overrides = {}
            for code, sev in value.items():
                (checked,) = parse_codes([code], f"{where}.{code}")
                overrides[checked] = _severity(sev, f"{where}.{code}")
            values[key] = overrides
        elif key in ("max_lifetime", "clock_skew"):
            values[key] = parse_duration(value, where)
        elif key in ("max_scopes", "max_secret_age_days"):
            values[key] = _int(value, where, 1)
        elif key == "max_file_size":
            values[key] = _int(value, where, 1)
        elif key == "wordlist":
            if not isinstance(value, str):
                raise UsageError(f"config: {where} must be a path")
            values[key] = value
        elif key == "profile":
            if value not in PROFILES:
                raise UsageError(f"config: {where} must be one of {', '.join(PROFILES)}")
            values[key] = value
        elif key == "exclude":
            values[key] = _strings(value, where)
    return Config(**values)


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read config: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None


def _is_file(path: Path) -> bool:
    """is_file() that is False for a folder the user may not look into (the scan reports it)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def find_config_file(start: Path) -> Path | None:
    """The nearest .jwtaudit.toml, or pyproject.toml with a [tool.jwtaudit] table, upwards."""
    try:
        here = start.resolve()
    except (OSError, RuntimeError):  # a symlink loop, an unreadable folder: the command reports it
        here = Path(os.path.abspath(start))
    try:
        if not here.is_dir():  # a file, or a missing path: search from its folder
            here = here.parent
    except OSError:  # a name too long to be a path (a token pasted as one): the command reports it
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / ".jwtaudit.toml"
        if _is_file(candidate):
            return candidate
        pyproject = folder / "pyproject.toml"
        if _is_file(pyproject):
            try:
                text = pyproject.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if "[tool.jwtaudit" in text:
                return pyproject
        if _exists(folder / ".git"):
            break
    return None


def load(path: Path | None = None, start: Path | None = None) -> Config:
    """Load the explicit config file, or the nearest one above `start`, or the defaults."""
    if path is None:
        path = find_config_file(start or Path.cwd())
        if path is None:
            return Config.blank()
    elif not path.is_file():
        raise UsageError(f"{path}: config file not found")
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("jwtaudit", {})
    else:
        table = data.get("tool", {}).get("jwtaudit", data)
    if not isinstance(table, Mapping):
        raise UsageError(f"{path}: [tool.jwtaudit] must be a table")
    return from_mapping(table, source=str(path))
