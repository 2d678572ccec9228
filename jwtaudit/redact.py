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


class Redactor:
    """Remembers sensitive values and removes them from any text before it is written."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, *values: str | None) -> None:
        for value in values:
            if value and len(value) >= MIN_SCRUB_LENGTH and value not in self._values:
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
            ordered = sorted(self._values, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(v) for v in ordered))
        return self._pattern.sub(lambda m: mask(m.group(0)), text)
