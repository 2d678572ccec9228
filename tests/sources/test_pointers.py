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
    assert index.on_line(4, 5) is None
    assert index.spanning(4, 5) == "/jwt/privateKey"
    assert index.spanning(3, 3) == "/jwt"  # before the key's block starts on its first line
    assert index.on_line(7, 3) == "/other"
