"""The fast indented writer must give exactly what `json.dumps(indent=2, ensure_ascii=False)` gives."""

from __future__ import annotations

import enum
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jwtaudit.reports import pretty_json


class Level(enum.IntEnum):
    LOW = 1


class Label(str, enum.Enum):
    A = "a"


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.sampled_from([Level.LOW, Label.A, "\u2028", "\x00\x1f\"\\", "é😀"]),
)
keys = st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.tuples(inner, inner),
                            st.dictionaries(keys, inner, max_size=5)),
    max_leaves=40,
)


def _stdlib(value: object, **kwargs: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, **kwargs)  # type: ignore[arg-type]


@settings(max_examples=400)
@given(values)
def test_matches_the_standard_library(value: object) -> None:
    assert pretty_json.dumps(value) == _stdlib(value)


@given(st.lists(st.one_of(st.just({1, 2}), st.just(b"bytes"), st.integers()), max_size=4))
def test_default_is_applied_like_the_standard_library(value: list[object]) -> None:
    assert pretty_json.dumps(value, default=str) == _stdlib(value, default=str)


def test_a_finding_shaped_report() -> None:
    report = {"tool": "jwtaudit", "findings": [
        {"rule": "SEC002", "severity": "high", "location": {"path": "a.json", "line": 3, "commit": None},
         "evidence": {"length": 44, "ratio": 0.5, "keys": ["a", "b"], "empty": {}, "none": []}}],
        "summary": {"errors": []}}
    assert pretty_json.dumps(report) == _stdlib(report)


def test_unknown_types_and_bad_keys_fail_as_in_the_standard_library() -> None:
    with pytest.raises(TypeError):
        pretty_json.dumps({"a": object()})
    with pytest.raises(TypeError):
        pretty_json.dumps({(1, 2): "tuple key"})
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError):
        pretty_json.dumps(loop)
    assert pretty_json.dumps([math.nan, math.inf, -math.inf]) == _stdlib([math.nan, math.inf, -math.inf])
