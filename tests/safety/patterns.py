"""Every compiled regex in the `jwtaudit` package, and adversarial long lines to run them on.

Shared by `test_regex_safety.py` (one test per pattern) and `benchmarks/regex.py` (timings).
Patterns are found by importing every module and walking module globals, class attributes
and the lists, tuples, sets and dicts they hold, so a new pattern is covered without listing it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwtaudit

LINE_SIZE = 1_000_000  # characters per adversarial line (the benchmark and the long profile)
CI_LINE_SIZE = 128_000  # default test profile: a quadratic pattern still takes 10 s to minutes here
_CALL = re.compile(r"\b(?P<name>[A-Za-z_][A-Za-z0-9_]*)\.(?P<method>match|fullmatch|search|finditer|findall|sub|subn|split)"
                   r"\((?P<arg>[^,)]*)")
_SLICE = re.compile(r"\[(?:-(\d+):|:(\d+))\]$")


@dataclass(frozen=True, kw_only=True)
class Pattern:
    where: str  # module.NAME or module.Class.attr[index]
    regex: re.Pattern[str]
    anchored: bool = False  # the code only ever calls .match/.fullmatch on it
    bound: int | None = None  # every call site slices its input to at most this many characters

    @property
    def id(self) -> str:
        return self.where


def _modules() -> Iterator[Any]:
    yield jwtaudit
    for info in pkgutil.walk_packages(jwtaudit.__path__, prefix="jwtaudit."):
        if info.name.endswith("__main__"):
            continue
        yield importlib.import_module(info.name)


def _walk(value: Any, where: str, depth: int, seen: set[int]) -> Iterator[tuple[str, re.Pattern[Any]]]:
    if depth > 4 or id(value) in seen:
        return
    if isinstance(value, re.Pattern):
        seen.add(id(value))
        yield where, value
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        seen.add(id(value))
        for index, item in enumerate(value):
            yield from _walk(item, f"{where}[{index}]", depth + 1, seen)
    elif isinstance(value, dict):
        seen.add(id(value))
        for key, item in list(value.items())[:10_000]:
            yield from _walk(item, f"{where}[{key!r}]", depth + 1, seen)
    elif hasattr(value, "__dict__") and not inspect.ismodule(value) and not callable(value):
        # a dataclass instance holding patterns (e.g. a plugin spec table)
        seen.add(id(value))
        for name, item in vars(value).items():
            yield from _walk(item, f"{where}.{name}", depth + 1, seen)


def usage(module: Any, name: str) -> tuple[bool, int | None]:
    """How the module calls the pattern bound to `name`: (only match/fullmatch, input bound).

    Read from the source, so a call site that drops its slice or starts searching makes the
    test exercise the pattern the harder way."""
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return False, None
    calls = [m for m in _CALL.finditer(source) if m.group("name") == name]
    if not calls:
        return False, None
    anchored = all(m.group("method") in ("match", "fullmatch") for m in calls)
    bounds = []
    for m in calls:
        sliced = _SLICE.search(m.group("arg").strip())
        bounds.append(int(sliced.group(1) or sliced.group(2)) if sliced else None)
    bound = max(bounds) if bounds and all(b is not None for b in bounds) else None  # type: ignore[type-var]
    return anchored, bound


def collect() -> list[Pattern]:
    """Every distinct compiled pattern defined in jwtaudit (by first place found)."""
    found: dict[tuple[Any, int], Pattern] = {}
    seen: set[int] = set()
    for module in _modules():
        for name, value in sorted(vars(module).items()):
            owner = getattr(value, "__module__", module.__name__)
            if inspect.isclass(value):
                if owner != module.__name__:
                    continue
                for attr, item in sorted(vars(value).items()):
                    for where, regex in _walk(item, f"{module.__name__}.{name}.{attr}", 0, seen):
                        found.setdefault((regex.pattern, regex.flags), Pattern(where=where, regex=regex))
                continue
            for where, regex in _walk(value, f"{module.__name__}.{name}", 0, seen):
                anchored, bound = usage(module, name) if where.endswith(f".{name}") else (False, None)
                found.setdefault((regex.pattern, regex.flags),
                                 Pattern(where=where, regex=regex, anchored=anchored, bound=bound))
    return [p for p in found.values() if isinstance(p.regex.pattern, str)]


def _literals(regex: re.Pattern[str]) -> list[str]:
    """Literal runs in the pattern source (`eyJ`, `-----BEGIN `, `jwtaudit:`): near-miss seeds."""
    source = regex.pattern
    runs = re.findall(r"(?:\\.|[A-Za-z0-9_:=@/\- ])+", source)
    out = []
    for run in runs:
        text = re.sub(r"\\([^A-Za-z0-9])", r"\1", run)
        if re.search(r"\\[A-Za-z]", text):
            continue
        if 2 <= len(text) <= 40:
            out.append(text)
    return sorted(set(out), key=lambda s: (-len(s), s))[:6]


GENERIC = {
    "letters": "a",
    "upper": "A",
    "digits": "0",
    "hex": "f",
    "spaces": " ",
    "tabs": "\t",
    "dashes": "-",
    "underscores": "_",
    "plus": "+",
    "slashes": "/",
    "equals": "=",
    "dots": ".",
    "colons": ":",
    "at": "@",
    "dquotes": '"',
    "squotes": "'",
    "backslashes": "\\",
    "braces": "{",
    "brackets": "[",
    "percent41": "%41",
    "jwt-near-miss": "eyJa.",
    "jwt-prefix": "eyJ",
    "pem-begin": "-----BEGIN ",
    "pem-end": "-----END ",
    "json-open": '{"a":',
    "json-escapes": '"\\u00e9\\"',
    "client-id": "cs-0",
    "url-scheme": "http://",
    "userinfo": "://a:",
    "query": "?token=",
    "assign": "a=",
    "key-assign": "secret=",
    "directive": "jwtaudit: ignore[",
    "export": "export ",
    "base64-mix": "aZ09+/",
    "b64url-mix": "aZ09_-",
    "word-space": "word ",
}


def adversarial_inputs(pattern: Pattern, size: int = LINE_SIZE) -> dict[str, str]:
    """Named lines of about `size` characters: each character class repeated, near misses of
    the token/PEM/URL shapes, and the pattern's own literals repeated without what completes them."""
    inputs = {name: (unit * (size // len(unit) + 1))[:size] for name, unit in GENERIC.items()}
    inputs["eyJ+a.*N"] = "eyJ" + ("a." * (size // 2))[: size - 3]
    inputs["no-terminator"] = '"' + "a" * (size - 1)
    inputs["ini-open-section"] = "[" + "a" * (size - 1)
    for index, literal in enumerate(_literals(pattern.regex)):
        inputs[f"literal{index}"] = (literal * (size // len(literal) + 1))[:size]
        inputs[f"literal{index}+a"] = ((literal + "a") * (size // (len(literal) + 1) + 1))[:size]
    return inputs


def exercise(pattern: Pattern, line: str) -> int:
    """What the tool does with the pattern on a line: match at the start (anchored use), or scan
    every match (search/finditer/sub use; a search is never slower than the full scan)."""
    if pattern.bound is not None:
        line = line[: pattern.bound]
    if pattern.anchored:
        pattern.regex.fullmatch(line)
        return 0 if pattern.regex.match(line) is None else 1
    return sum(1 for _ in pattern.regex.finditer(line))
