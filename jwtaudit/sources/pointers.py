"""Which value of a parsed document holds a place (line, column): the JSON pointer a finding carries.

A minified JSON file or bundle holds thousands of values on one line and a token or secret in
many of them. Looking each place up among all the values of its line made a scan quadratic in
the line's length; here the values of each line are sorted once and a place is found by
bisection (a place inside a value, which is where tokens and secrets are, in a few steps).

A value may also span lines (a YAML block scalar holding a CI script, a multi-line string): a
place inside it that no one-line value holds is that value's, for every finder alike, so that a
specific finding and a generic one at the same place carry the same pointer.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping

from jwtaudit.subjects import Span

_WALK_BACK = 64  # values looked at before a place between values falls back to every value


class PointerIndex:
    """The values of one document by line, for `on_line` (the narrowest value on the place's
    line that holds it, else `spanning`) and `spanning` (the narrowest value over several lines
    that does)."""

    def __init__(self, spans: Mapping[str, Span]) -> None:
        by_line: dict[int, list[tuple[int, int, int, str]]] = {}
        spanning: list[tuple[tuple[int, int], tuple[int, int], int, str]] = []
        for order, (pointer, span) in enumerate(spans.items()):
            if span.line == span.end_line:  # (order keeps the first of values sharing a span: aliases)
                by_line.setdefault(span.line, []).append((span.column, span.end_column, order, pointer))
            else:
                spanning.append(((span.line, span.column), (span.end_line, span.end_column), order, pointer))
        for entries in by_line.values():
            entries.sort()
        spanning.sort()
        self._by_line = by_line
        self._starts: dict[int, list[int]] = {}
        self._spanning = spanning
        self._spanning_starts = [entry[0] for entry in spanning]
        # the furthest end among the values starting at or before each one: walking back from a
        # place, no earlier value can hold it once this end is at or before the place
        reach: list[tuple[int, int]] = []
        for entry in spanning:
            reach.append(max(reach[-1], entry[1]) if reach else entry[1])
        self._reach = reach

    def on_line(self, line: int, column: int) -> str | None:
        return self._one_line(line, column) or self.spanning(line, column)

    def _one_line(self, line: int, column: int) -> str | None:
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
        place = (line, column)
        best: tuple[tuple[int, int, int], str] | None = None
        for position in range(bisect.bisect_right(self._spanning_starts, place) - 1, -1, -1):
            if self._reach[position] <= place:
                break
            _start, end, order, pointer = self._spanning[position]
            if place < end:  # fewest lines, then the innermost, then the first of equal ones
                key = (end[0] - _start[0], -len(pointer), order)
                if best is None or key < best[0]:
                    best = (key, pointer)
        return best[1] if best else None


def _narrowest(entries: list[tuple[int, int, int, str]], column: int) -> str | None:
    best: tuple[int, str] | None = None
    for start, end, _order, pointer in entries:
        if start <= column < max(end, start + 1) and (best is None or end - start < best[0]):
            best = (end - start, pointer)
    return best[1] if best else None
