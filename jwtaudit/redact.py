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
    return hmac.digest(_FINGERPRINT_KEY, data, "sha256").hex()  # one-shot: no HMAC object per value


def mask(value: str) -> str:
    """Describe a secret without showing any of it."""
    return f"<redacted: {len(value)} chars, sha256:{short_hash(value)}>"


def token_preview(raw: str) -> str:
    """A token as it may be shown: the start of its (public) header and its size."""
    head = raw[:10]
    return f"{head}… ({len(raw)} chars, sha256:{short_hash(raw)})"


_PLAIN_WORD = re.compile(r"[A-Za-z]{1,24}|[A-Z][A-Z0-9]{0,30}(?:_[A-Z0-9]{1,30}){1,8}")


def _plain_word(value: str) -> bool:
    """A bare dictionary-like word ("Authorization") or an environment variable name
    ("ORDERS_API_TOKEN"): scrubbing it would mangle report text, and detectors that mistake a
    name for a value should not blank the name out of every message."""
    return _PLAIN_WORD.fullmatch(value) is not None


_UNKNOWN_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){1,4}")
_UNKNOWN_RUN = re.compile(r"[A-Za-z0-9+/_=-]{16,}")


# A name made of words of three letters or more, each perhaps numbered (`clientSecretSha256`,
# `Base64HighEntropyString`): what a JSON pointer or an option names, not a random credential.
# (0.03 % of random 16-character strings of letters and digits take this shape.)
_IDENTIFIER = re.compile(r"[A-Za-z][a-z]{2,}\d{0,3}(?:(?:[A-Z][a-z]{2,}|_[a-z]{2,})\d{0,3})*")


def _credential_like(run: str) -> bool:
    """A path part or a whole run (a base64 value split by "/") that looks random."""
    def random_looking(part: str, length: int, entropy: float) -> bool:
        classes = sum(bool(re.search(p, part)) for p in ("[a-z]", "[A-Z]", "[0-9]"))
        return (len(part) >= length and classes == 3 and shannon(part) >= entropy
                and not _IDENTIFIER.fullmatch(part))

    return (any(random_looking(part, 16, 3.5) for part in run.split("/"))
            or random_looking(run.replace("/", ""), 40, 4.5))


def shannon(value: str) -> float:
    import math

    counts = {c: value.count(c) for c in set(value)}
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values()) if value else 0.0


def mask_unknown(text: str) -> str:
    """Mask token-shaped and credential-shaped runs the Redactor was never told about.

    Error messages echo what the user typed (a path, an option value, a config value), and a
    token pasted as `jwtaudit scan eyJ…` is echoed before any source has seen it. Mixed-case,
    digit-bearing, high-entropy runs of 16+ characters are masked; client ids, hex ids, words and
    ordinary path parts are kept.
    """
    text = _UNKNOWN_TOKEN.sub(lambda m: mask(m.group(0)), text)
    return _UNKNOWN_RUN.sub(lambda m: mask(m.group(0)) if _credential_like(m.group(0)) else m.group(0), text)


def scrubbable(values: Iterable[str | None]) -> list[str]:
    """The distinct values a `Redactor` would keep (long enough, not a plain word), in order."""
    out: dict[str, None] = {}
    for value in values:
        if value and len(value) >= MIN_SCRUB_LENGTH and value not in out and not _plain_word(value):
            out[value] = None
    return list(out)


class Redactor:
    """Remembers sensitive values and removes them from any text before it is written."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._by_atom: dict[bytes, list[str]] = {}
        self._loose: set[str] = set()

    def add(self, *values: str | None) -> None:
        for value in values:
            if not value or len(value) < MIN_SCRUB_LENGTH or value in self._values:
                continue
            if not _plain_word(value):
                self._values.add(value)
                self._pattern = None

    def add_all(self, values: Iterable[str | None]) -> None:
        self.add(*values)

    def add_scrubbable(self, values: Iterable[str]) -> None:
        """Add values already passed through `scrubbable` (a scan worker does that for its file,
        so that the parent, busy receiving from every worker, only merges sets)."""
        before = len(self._values)
        self._values.update(values)
        if len(self._values) != before:
            self._pattern = None

    def __len__(self) -> int:
        return len(self._values)

    def scrub(self, text: str) -> str:
        if not self._values or not text:
            return text
        if self._pattern is None:
            self._pattern, self._by_atom, self._loose = _index(self._values)
        by_atom = self._by_atom
        found = {v for atom in _atom_runs(text) & by_atom.keys() for v in by_atom[atom]}
        if not found and not self._loose:
            return text
        pattern = _trie_pattern(found | self._loose) if found else self._pattern
        return pattern.sub(lambda m: mask(m.group(0)), text)


_ATOM = re.compile(r"[A-Za-z0-9_\-]{8,}")
_ATOM_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_NOT_ATOM_TO_SPACE = bytes(c if c in _ATOM_BYTES else 32 for c in range(256))


class RecordingRedactor(Redactor):
    """A redactor that also remembers, in order, the values rules reported (a scan worker, or a
    forked half of the scan-wide checks, sends them home in `seen`)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def add(self, *values: str | None) -> None:
        self.seen.extend(v for v in values if v)
        super().add(*values)


def _atom_runs(text: str) -> set[bytes]:
    """Every maximal run of atom characters in the text (of any length), as ASCII bytes: atom
    characters are ASCII, so in the UTF-8 bytes every other byte becomes a space and the rest
    splits, in C. The runs of eight or more are `_ATOM.findall(text)`; the index keys are such runs."""
    return set(text.encode("utf-8", "surrogatepass").translate(_NOT_ATOM_TO_SPACE).split())


def _index(values: set[str]) -> tuple[re.Pattern[str], dict[bytes, list[str]], set[str]]:
    """Index values by their longest alphanumeric run ("atom"), so that a scrub regex is built
    only from the few values whose atom occurs in the text; values without such a run (short,
    punctuation-heavy passwords) are always part of it."""
    by_atom: dict[bytes, list[str]] = {}
    loose: set[str] = set()
    for value in values:
        atoms = _ATOM.findall(value)
        if atoms:
            by_atom.setdefault(max(atoms, key=len).encode("ascii"), []).append(value)
        else:
            loose.add(value)
    return _trie_pattern(loose) if loose else re.compile(r"(?!)"), by_atom, loose


def _trie_pattern(values: Iterable[str]) -> re.Pattern[str]:
    """One regex matching the longest known value at each place, as a prefix trie.

    A flat alternation of thousands of values tries every branch at every position; the trie
    tries one branch per character. Falls back to the flat form when the trie would nest too
    deeply for the regex compiler.
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
                ((next_char, child),) = child.items()
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
