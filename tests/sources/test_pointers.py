"""The pointer index answers as the plain definition does: the narrowest value on the place's
line that holds it (the first of equal ones), else the narrowest value spanning lines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jwtaudit.sources.pointers import PointerIndex
from jwtaudit.subjects import Span


def plain_on_line(spans: dict[str, Span], line: int, column: int) -> str | None:
    best: tuple[int, str] | None = None
    for pointer, span in spans.items():
        if span.line == line == span.end_line and span.column <= column < max(span.end_column, span.column + 1):
            if best is None or span.end_column - span.column < best[0]:
                best = (span.end_column - span.column, pointer)
    return best[1] if best else None


def nested(draw: st.DrawFn, start: int, end: int, depth: int, prefix: str, out: dict[str, Span]) -> None:
    """Values nested like a document's: children inside their parent, side by side."""
    position = start
    for index in range(draw(st.integers(0, 4 if depth < 3 else 0))):
        if position >= end:
            return
        child_start = draw(st.integers(position, end))
        child_end = draw(st.integers(child_start, end))
        pointer = f"{prefix}/{index}"
        out[pointer] = Span(line=1, column=child_start, end_line=1, end_column=child_end)
        nested(draw, child_start + 1, child_end, depth + 1, pointer, out)
        position = child_end


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Span]:
    out: dict[str, Span] = {}
    nested(draw, 1, 200, 0, "", out)
    if draw(st.booleans()):  # an alias: a second pointer with the same span as the first value
        first = next(iter(out.items()), None)
        if first is not None:
            out["/alias"] = first[1]
    return out


@settings(max_examples=300, deadline=None)
@given(documents(), st.lists(st.integers(0, 205), min_size=1, max_size=20))
def test_on_line_is_the_plain_narrowest_value(spans: dict[str, Span], columns: list[int]) -> None:
    index = PointerIndex(spans)
    for column in columns:
        assert index.on_line(1, column) == plain_on_line(spans, 1, column)


def test_spanning_values_answer_places_between_their_lines() -> None:
    spans = {"/jwt": Span(line=2, column=1, end_line=6, end_column=3),
             "/jwt/privateKey": Span(line=3, column=15, end_line=5, end_column=30),
             "/other": Span(line=7, column=1, end_line=7, end_column=9)}
    index = PointerIndex(spans)
    assert index.spanning(4, 5) == "/jwt/privateKey"
    assert index.on_line(4, 5) == "/jwt/privateKey"  # no one-line value holds it: the spanning one
    assert index.spanning(3, 3) == "/jwt"  # before the key's block starts on its first line
    assert index.on_line(7, 3) == "/other"
    assert index.on_line(7, 12) is None and index.spanning(7, 12) is None


def plain_spanning(spans: dict[str, Span], line: int, column: int) -> str | None:
    best: tuple[tuple[int, int], str] | None = None
    for pointer, span in spans.items():
        if span.line < span.end_line and (span.line, span.column) <= (line, column) < (span.end_line, span.end_column):
            key = (span.end_line - span.line, -len(pointer))
            if best is None or key < best[0]:
                best = (key, pointer)
    return best[1] if best else None


def nested_lines(draw: st.DrawFn, start: tuple[int, int], end: tuple[int, int], depth: int, prefix: str,
                 out: dict[str, Span]) -> None:
    """Values over several lines nested like a document's (block scalars side by side, code
    blocks inside blocks), with one-line values among them."""
    places = st.tuples(st.integers(1, 30), st.integers(1, 9))
    position = start
    for index in range(draw(st.integers(0, 4 if depth < 3 else 0))):
        first = draw(places.filter(lambda p, lo=position: lo <= p <= end))
        last = draw(places.filter(lambda p, lo=first: lo <= p <= end))
        pointer = f"{prefix}/{index}"
        out[pointer] = Span(line=first[0], column=first[1], end_line=last[0], end_column=last[1])
        nested_lines(draw, first, last, depth + 1, pointer, out)
        position = last


@st.composite
def multi_line_documents(draw: st.DrawFn) -> dict[str, Span]:
    out: dict[str, Span] = {}
    nested_lines(draw, (1, 1), (30, 9), 0, "", out)
    return out


@settings(max_examples=300, deadline=None)
@given(multi_line_documents(), st.lists(st.tuples(st.integers(1, 31), st.integers(1, 10)), min_size=1, max_size=20))
def test_spanning_is_the_plain_narrowest_value_over_lines(spans: dict[str, Span],
                                                           places: list[tuple[int, int]]) -> None:
    index = PointerIndex(spans)
    for line, column in places:
        assert index.spanning(line, column) == plain_spanning(spans, line, column)
        assert index.on_line(line, column) == (plain_on_line(spans, line, column)
                                               or plain_spanning(spans, line, column))
