"""The one place where values become safe to show.

Two layers: rules and sources describe sensitive values only through `mask`, `short_hash` and
`token_preview`; and every string the CLI writes (reports, errors, logs) goes through a
`Redactor` that knows every raw token, signature and secret seen during the run and replaces any
that slipped through. Values shorter than `MIN_SCRUB_LENGTH` are not scrubbed (they would mangle
ordinary words such as "secret"); rules never put such values in text in the first place.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

MIN_SCRUB_LENGTH = 8
_FINGERPRINT_KEY = b"jwtaudit-fingerprint-v1"


def short_hash(value: str | bytes, length: int = 8) -> str:
    """A short, non-reversible hash prefix for telling values apart in reports."""
    data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
    return hashlib.sha256(data).hexdigest()[:length]


def keyed_hash(value: str | bytes) -> str:
    """Keyed hash for fingerprints and reuse detection; stable across machines and runs."""
    data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
    return hmac.new(_FINGERPRINT_KEY, data, hashlib.sha256).hexdigest()


def mask(value: str) -> str:
    """Describe a secret without showing any of it."""
    return f"<redacted: {len(value)} chars, sha256:{short_hash(value)}>"


def token_preview(raw: str) -> str:
    """A token as it may be shown: the start of its (public) header and its size."""
    head = raw[:10]
    return f"{head}… ({len(raw)} chars, sha256:{short_hash(raw)})"


_PLAIN_WORD = re.compile(r"[A-Za-z]{1,24}")


def _plain_word(value: str) -> bool:
    """A bare dictionary-like word ("Authorization", "application"): scrubbing it would mangle
    ordinary report text, and rules never put such values in text anyway."""
    return _PLAIN_WORD.fullmatch(value) is not None


class Redactor:
    """Remembers sensitive values and removes them from any text before it is written."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, *values: str | None) -> None:
        for value in values:
            if not value or len(value) < MIN_SCRUB_LENGTH or value in self._values:
                continue
            if not _plain_word(value):
                self._values.add(value)
                self._pattern = None

    def add_all(self, values: Iterable[str | None]) -> None:
        self.add(*values)

    def __len__(self) -> int:
        return len(self._values)

    def scrub(self, text: str) -> str:
        if not self._values or not text:
            return text
        if self._pattern is None:
            self._pattern = _trie_pattern(self._values)
        return self._pattern.sub(lambda m: mask(m.group(0)), text)


def _trie_pattern(values: Iterable[str]) -> re.Pattern[str]:
    """One regex matching the longest known value at each place, as a prefix trie.

    A flat alternation of thousands of tokens tries every branch at every position (seconds on
    a large report); the trie tries one branch per character. Falls back to the flat form when
    the trie would nest too deeply for the regex compiler.
    """
    trie: dict[str, dict] = {}
    for value in values:
        node = trie
        for char in value:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict], depth: int) -> str:
        if depth > 400:
            raise RecursionError
        ends = "" in node
        branches = []
        for char in sorted(k for k in node if k):
            child, literal = node[char], char
            while len(child) == 1 and "" not in child:  # compress single-child chains
                (next_char, child), = child.items()
                literal += next_char
            branches.append(re.escape(literal) + build(child, depth + 1))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    try:
        return re.compile(build(trie, 0))
    except (RecursionError, re.error):
        ordered = sorted(set(values), key=len, reverse=True)
        return re.compile("|".join(re.escape(v) for v in ordered))
