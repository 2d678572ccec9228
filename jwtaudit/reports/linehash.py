"""Per-line facts that SARIF needs but reporters must not compute: GitHub line hashes, UTF-16 columns.

Reporters never read files (the staged or historical text may differ from the working tree), so
the command layer, which holds the exact text it scanned, calls `sarif_properties(findings,
text_of)` and merges the returned dict into `Result.properties`. The SARIF reporter then looks
values up with `line_key` / `column_key`; a finding without an entry simply has no
`primaryLocationLineHash` (the upload action computes it) and code-point columns are assumed to be
UTF-16 columns (true for ASCII and the Basic Multilingual Plane).

`line_hashes` reproduces `hash()` in github/codeql-action `src/fingerprints.ts`: a rolling hash
(base 37, 64-bit wrap-around) over the first 100 UTF-16 code units of each line, counted from the
line start after dropping spaces and tabs and normalising CR / CRLF to LF; an EOF marker (65535)
and zero padding close the file; repeated values get `:2`, `:3` … in line order.
"""

from __future__ import annotations

import array
import operator
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from jwtaudit.model import Finding, Location

BLOCK_SIZE = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, BLOCK_SIZE, 1 << 64)
_EOF = 0xFFFF
_LF = 0x0A
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_DROP_BLANKS = str.maketrans("", "", " \t")


def _code_units(text: str) -> array.array[int]:
    """The text as UTF-16 code units, as JavaScript's `charCodeAt` sees it."""
    units = array.array("H")
    units.frombytes(text.encode("utf-16-le", "surrogatepass"))
    if sys.byteorder == "big":
        units.byteswap()
    return units


def line_hashes(text: str) -> list[str]:
    """`primaryLocationLineHash` of every line: item 0 is line 1 (one more after a final newline)."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROP_BLANKS)
    # Spaces and tabs between a CR and an LF are dropped by the reference after its CR/LF pairing,
    # so "\r \n" is two line breaks there; pairing before dropping blanks reproduces that.
    stream = _code_units(normalised)
    stream.append(_EOF)
    stream.extend([0] * BLOCK_SIZE)
    starts = [0]
    starts.extend(i + 1 for i, unit in enumerate(stream[: len(stream) - BLOCK_SIZE - 1]) if unit == _LF)

    hashes: list[str] = []
    counts: dict[str, int] = {}
    value = 0
    for unit in stream[:BLOCK_SIZE]:
        value = (value * _MOD + unit) & _MASK
    position = 0
    for start in starts:
        while position < start:
            value = (value * _MOD + stream[position + BLOCK_SIZE] - _FIRST_MOD * stream[position]) & _MASK
            position += 1
        digest = format(value, "x")
        counts[digest] = counts.get(digest, 0) + 1
        hashes.append(f"{digest}:{counts[digest]}")
    return hashes


_POWERS = [pow(_MOD, BLOCK_SIZE - 1 - i, 1 << 64) for i in range(BLOCK_SIZE)]


def hashes_of_lines(text: str, wanted: Iterable[int]) -> dict[int, str]:
    """`line_hashes(text)[n - 1]` for each wanted 1-based line `n` that exists, without rolling
    the hash over every character of the file (which took seconds for a SARIF report of ten
    thousand files): a line's value is the weighted sum of its 100-unit window, worked out only
    for the wanted lines, and its `:N` counts the earlier lines with the same window. (The
    reference counts equal hash values; two different windows with one 64-bit value are the only
    case where the two could differ.) Text outside the Basic Multilingual Plane, where characters
    and UTF-16 units differ, takes the full computation."""
    lines = sorted(set(wanted))
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROP_BLANKS)
    if not normalised.isascii() and len(_code_units(normalised)) != len(normalised):  # surrogate pairs
        every = line_hashes(text)
        return {n: every[n - 1] for n in lines if 1 <= n <= len(every)}
    starts = [0, *[match.end() for match in _LF_RE.finditer(normalised)]]
    lines = [n for n in lines if 1 <= n <= len(starts)]
    if not lines:
        return {}
    padded = normalised + "\uffff" + "\x00" * BLOCK_SIZE  # the reference's EOF marker and padding
    wanted_set = set(lines)
    counts: dict[str, int] = {}
    out: dict[int, str] = {}
    for number, start in enumerate(starts[: lines[-1]], 1):
        window = padded[start:start + BLOCK_SIZE]
        count = counts[window] = counts.get(window, 0) + 1
        if number in wanted_set:
            value = sum(map(operator.mul, map(ord, window), _POWERS)) & _MASK
            out[number] = f"{value:x}:{count}"
    return out


_LF_RE = re.compile("\n")


def split_lines(text: str) -> list[str]:
    """Lines as SARIF counts them (CR, LF and CRLF end a line)."""
    return _LINE_BREAK.split(text)


def utf16_column(line_text: str, column: int) -> int:
    """Convert a 1-based code-point column on `line_text` to a 1-based UTF-16 column."""
    prefix = line_text[: max(column - 1, 0)]
    if prefix.isascii():
        return column
    return column + len(_code_units(prefix)) - len(prefix)  # one more unit per surrogate pair


def line_key(location: Location) -> str:
    """Key of `properties["line_hashes"]`: the file version and the primary line."""
    return f"{location.commit or ''}:{location.line or 1}:{location.path}"


def column_key(location: Location) -> str:
    """Key of `properties["utf16_columns"]`: the file version and the whole region."""
    loc = location
    return f"{loc.commit or ''}:{loc.line}:{loc.column}:{loc.end_line}:{loc.end_column}:{loc.path}"


def _utf16_region(lines: list[str], loc: Location) -> list[int] | None:
    """[start, end] UTF-16 columns when they differ from the code-point columns, else None."""
    if loc.line is None or loc.column is None:
        return None

    def convert(line: int | None, column: int | None) -> int | None:
        if line is None or column is None or not 1 <= line <= len(lines):
            return column
        return utf16_column(lines[line - 1], column)

    start = convert(loc.line, loc.column)
    end = convert(loc.end_line or loc.line, loc.end_column)
    if start == loc.column and end == loc.end_column:
        return None
    return [start or loc.column, end if end is not None else -1]


def sarif_properties(
    findings: Iterable[Finding], text_of: Callable[[Location], str | None]
) -> dict[str, Any]:
    """What the command layer merges into `Result.properties` for the SARIF reporter.

    `text_of(location)` returns the exact text that was scanned for that location's file (and
    commit), or None when there is none (a token given on the command line, a zip member …).
    """
    findings = list(findings)
    wanted: dict[tuple[str, str], set[int]] = {}
    for finding in findings:
        loc = finding.location
        wanted.setdefault((loc.path, loc.commit or ""), set()).add(loc.line or 1)
    hashes: dict[str, str] = {}
    columns: dict[str, list[int]] = {}
    cache: dict[tuple[str, str], tuple[dict[int, str], list[str] | None] | None] = {}
    for finding in findings:
        for loc in (finding.location, *finding.related):
            ident = (loc.path, loc.commit or "")
            if ident not in cache:
                text = text_of(loc)
                # in ASCII text UTF-16 columns are the columns: no lines needed to convert them
                lines = None if text is None or text.isascii() else split_lines(text)
                cache[ident] = None if text is None else (hashes_of_lines(text, wanted.get(ident, ())), lines)
            known = cache[ident]
            if known is None:
                continue
            file_hashes, lines = known
            if loc is finding.location and (loc.line or 1) in file_hashes:
                hashes[line_key(loc)] = file_hashes[loc.line or 1]
            region = None if lines is None else _utf16_region(lines, loc)
            if region is not None:
                columns[column_key(loc)] = region
    return {"line_hashes": hashes, "utf16_columns": columns}
