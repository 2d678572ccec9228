"""Compact JWS/JWE tokens in text, with their exact offsets.

`find_tokens(text)` finds every token whose header decodes to a JOSE header: compact `{"…`
headers (`eyJ`) with one pattern that has a literal prefix, and any other JSON header (`{ "alg"`,
pretty-printed, after leading whitespace) from the base64 of `"alg"` every JOSE header carries.
Both passes are linear in the text, whatever it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_SEP = r"(?:\.|%2[Ee])"
_SEG = r"[A-Za-z0-9_-]*"
# Starts only where a base64url run starts (or after %XX): one attempt per run, linear time. The
# check follows the literal "eyJ" so that the engine jumps from one "eyJ" to the next (20x faster).
_TOKEN_START = r"(?:(?<![A-Za-z0-9_-]eyJ)|(?<=%[0-9A-Fa-f]{2}eyJ))"
TOKEN_RE = re.compile(rf"eyJ{_TOKEN_START}{_SEG}{_SEP}{_SEG}{_SEP}{_SEG}(?:{_SEP}{_SEG}{_SEP}{_SEG})?")
_B64URL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


@dataclass(frozen=True, kw_only=True)
class FoundToken:
    raw: str = field(repr=False)
    start: int
    end: int
    token: Any = field(default=None, repr=False, compare=False)  # the ParsedToken


def find_tokens(text: str) -> list[FoundToken]:
    """Every compact JWS/JWE in the text whose header decodes to a JOSE header: the compact
    `{"…` headers (`eyJ`) by one pattern with a literal prefix, any other JSON header
    (`{ "alg"` → `eyAi`, `{\\n  "alg"` → `ewog`, leading whitespace) from the base64 of `"alg"`
    that every JOSE header carries, found with substring searches."""
    found: list[FoundToken] = []
    if "eyJ" in text:
        for match in TOKEN_RE.finditer(text):
            start = match.start()
            if start and text[start - 1] in _B64URL_CHARS and not (start >= 3 and text[start - 3] == "%"):
                continue
            if _truncated(text, match.group(), match.end()) or _placeholder_signature(text, match):
                continue
            item = _accepted_token(match.group(), start, match.end())
            if item is not None:
                found.append(item)
    if any(mark in text for mark in _HEADER_MARKS):
        found = _loose_header_tokens(text, found)
    return found


def _truncated(text: str, encoded: str, end: int) -> bool:
    """A token cut short in documentation (`eyJhbGci…fQ.SflKxw...`, `eyJhbGciOiJIUzI1NiJ9...`):
    three dots in a row, or an ellipsis, where it ends. A sentence's full stop after a whole token
    (`… eyJ….sig.`) is not one, nor is a detached payload (`header..signature`)."""
    tail = encoded[-3:] + text[end:end + 3]
    return "..." in tail or text[end:end + 1] == "\u2026"


# Where documentation shows the signature's place with a word: `signature`, `sig`, `SIGNATURE_HERE`,
# `your-signature-here`, `your_jwt_signature`, or a run of x. A real signature is base64url of 32+
# bytes (43+ characters for HS256), never one of these.
_PLACEHOLDER_WORD = re.compile(
    r"(?i)(?:your[-_])?(?:[a-z0-9]+[-_])?(?:sig|signature)(?:[-_]here)?|x{3,}|your[-_][a-z0-9_-]*[-_]here"
)
# A placeholder written as markup or a variable right after the dot: `<signature>`, `{sig}`,
# `[signature]`, `$SIGNATURE`, `${SIG}`.
_PLACEHOLDER_OPENERS = frozenset("<{[$")


def _placeholder_signature(text: str, match: re.Match[str]) -> bool:
    """A token whose signature's place holds a placeholder (`header.payload.<signature>`,
    `….{sig}`, `….$SIGNATURE`, `….SIGNATURE`, `….xxxxx`, `….your-signature-here`): an example of
    the format in documentation, not a token. An empty signature followed by a quote, a space or
    the end (`header.payload.`) is a real unsigned token and is kept."""
    last = re.split(_SEP, match.group())[-1]
    if not last:
        return text[match.end():match.end() + 1] in _PLACEHOLDER_OPENERS
    return len(last) < 43 and _PLACEHOLDER_WORD.fullmatch(last) is not None


# `"alg"` base64url-encoded at each of the three byte alignments: the characters that depend on
# those bytes alone. `alg` is required in every JWS and JWE header (RFC 7515 §4.1.1, RFC 7516
# §4.1.1), so every JOSE header's encoding holds one of them.
_HEADER_MARKS = ("JhbGci", "ImFsZy", "iYWxnI")
_B64URL_STRING = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_TOKEN_AT = re.compile(rf"{_SEG}{_SEP}{_SEG}{_SEP}{_SEG}(?:{_SEP}{_SEG}{_SEP}{_SEG})?")
_MAX_HEADER = 16384  # characters looked back from a mark for the start of its header


def _loose_header_tokens(text: str, found: list[FoundToken]) -> list[FoundToken]:
    """`found` plus the tokens whose header is not compact JSON, in text order. Marks inside a
    token already found, or inside a run already tried, are skipped: each character is looked at
    a bounded number of times (linear on hostile text)."""
    import bisect

    marks: list[int] = []
    for mark in _HEADER_MARKS:
        pos = text.find(mark)
        while pos != -1 and len(marks) < 100_000:
            marks.append(pos)
            pos = text.find(mark, pos + 1)
    marks.sort()
    starts = [item.start for item in found]
    extra: list[FoundToken] = []
    covered = 0  # text before this offset has been tried
    for pos in marks:
        if pos < covered:
            continue
        index = bisect.bisect_right(starts, pos) - 1
        if index >= 0 and pos < found[index].end:
            covered = found[index].end
            continue
        run_end = _RUN_END.match(text, pos).end()
        covered = run_end
        before = text[max(0, pos - _MAX_HEADER):pos]
        start = pos - (len(before) - len(before.rstrip(_B64URL_STRING)))
        if start >= 1 and text[start - 1] == "%" and pos - start > 2:
            start += 2  # after a %XX escape (`%22ewog…`)
        elif start >= 1 and text[start - 1] in _B64URL_CHARS:
            continue  # a run longer than any header
        if text.startswith("eyJ", start):
            continue  # tried by the pattern
        match = _TOKEN_AT.match(text, start)
        if match is None or match.end() <= run_end:
            continue  # no dot after the run holding the mark: it is not a header
        covered = match.end()
        if _truncated(text, match.group(), match.end()) or _placeholder_signature(text, match):
            continue
        item = _accepted_token(match.group(), start, match.end())
        if item is not None:
            extra.append(item)
    if not extra:
        return found
    return sorted([*found, *extra], key=lambda item: item.start)


_RUN_END = re.compile(r"[A-Za-z0-9_-]*")


def _accepted_token(encoded: str, start: int, end: int) -> FoundToken | None:
    """The token a dotted base64url run at `start` holds (5 parts, else its first 3), when its
    header is a JOSE header."""
    from jwtaudit.errors import TokenError
    from jwtaudit.tokens import decode_unverified

    raw = encoded
    if "%" in raw:
        raw = raw.replace("%2E", ".").replace("%2e", ".")
    parts = raw.split(".")
    candidates = [raw]
    if len(parts) == 5:
        candidates.append(".".join(parts[:3]))
    for candidate in candidates:
        try:
            token = decode_unverified(candidate)
        except TokenError:
            continue
        header = token.header
        if not isinstance(header, dict) or not ({"alg", "enc"} & set(header)):
            continue
        if token.kind == "jwe" and "enc" not in header:
            continue
        stop = end if candidate is raw else start + _encoded_length(encoded, len(candidate))
        return FoundToken(raw=candidate, start=start, end=stop, token=token)
    return None


def _encoded_length(encoded: str, decoded_length: int) -> int:
    """Length in the original text of the first `decoded_length` characters after %2E decoding."""
    if "%" not in encoded:
        return decoded_length
    pos = count = 0
    while count < decoded_length and pos < len(encoded):
        pos += 3 if encoded.startswith(("%2E", "%2e"), pos) else 1
        count += 1
    return pos
