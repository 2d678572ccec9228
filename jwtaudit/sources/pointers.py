"""Which value of a parsed document holds a place (line, column): the JSON pointer a finding carries.

A minified JSON file or bundle holds thousands of values on one line and a token or secret in
many of them. Looking each place up among all the values of its line made a scan quadratic in
the line's length; here the values of each line are sorted once and a place is found by
bisection (a place inside a value, which is where tokens and secrets are, in a few steps).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping

from jwtaudit.subjects import Span

_WALK_BACK = 64  # values looked at before a place between values falls back to every value


class PointerIndex:
    """The values of one document by line, for `on_line` (the narrowest value on the place's
    line that holds it) and `spanning` (the narrowest value over several lines that does)."""

    def __init__(self, spans: Mapping[str, Span]) -> None:
        by_line: dict[int, list[tuple[int, int, int, str]]] = {}
        self._spanning: list[tuple[Span, str]] = []
        for order, (pointer, span) in enumerate(spans.items()):
            if span.line == span.end_line:  # (order keeps the first of values sharing a span: aliases)
                by_line.setdefault(span.line, []).append((span.column, span.end_column, order, pointer))
            else:
                self._spanning.append((span, pointer))
        for entries in by_line.values():
            entries.sort()
        self._by_line = by_line
        self._starts: dict[int, list[int]] = {}

    def on_line(self, line: int, column: int) -> str | None:
        entries = self._by_line.get(line)
        if not entries:
            return None
        starts = self._starts.get(line)
        if starts is None:
            starts = self._starts[line] = [entry[0] for entry in entries]
        index = bisect.bisect_right(starts, column) - 1
        # Values on a line nest: walking back from the last value starting at or before the
        # place, the first that holds it is the innermost (among equal starts, the narrowest).
        for step, position in enumerate(range(index, -1, -1)):
            if step == _WALK_BACK:
                return _narrowest(entries, column)
            start, end, _order, _pointer = entries[position]
            if start <= column < max(end, start + 1):
                first = position
                while first and entries[first - 1][0] == start:
                    first -= 1
                return _narrowest(entries[first:position + 1], column)
        return None

    def spanning(self, line: int, column: int) -> str | None:
        best: tuple[tuple[int, int], str] | None = None
        for span, pointer in self._spanning:
            if not span.line <= line <= span.end_line:
                continue
            if line == span.line and column < span.column:
                continue
            if line == span.end_line and column >= span.end_column:
                continue
            key = (span.end_line - span.line, -len(pointer))  # fewest lines, then the innermost
            if best is None or key < best[0]:
                best = (key, pointer)
        return best[1] if best else None


def _narrowest(entries: list[tuple[int, int, int, str]], column: int) -> str | None:
    best: tuple[int, str] | None = None
    for start, end, _order, pointer in entries:
        if start <= column < max(end, start + 1) and (best is None or end - start < best[0]):
            best = (end - start, pointer)
    return best[1] if best else None
