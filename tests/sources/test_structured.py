"""Structured documents: data equal to the reference parsers, exact spans by JSON pointer."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jwtaudit.sources.structured import (
    StructuredError,
    document_format,
    parse_document,
    parse_json_with_spans,
)
from jwtaudit.subjects import Span


def at(line: int, column: int, end_line: int, end_column: int) -> Span:
    return Span(line=line, column=column, end_line=end_line, end_column=end_column)


def test_json_nested_keys_escapes_unicode_crlf() -> None:
    text = '{\r\n  "a": {"b\\u00e9": [1, "x\\"y", {"c": null}], "e": []},\r\n  "ünï": "vä", "n": -1.5e3\n}'
    data, spans = parse_json_with_spans(text)
    assert data == json.loads(text)
    assert spans["/a"] == at(2, 4, 2, 5)  # container: its key
    assert spans["/a/bé"] == at(2, 10, 2, 17)  # the raw key text, escapes included
    assert spans["/a/bé/0"] == at(2, 21, 2, 22)
    assert spans["/a/bé/1"] == at(2, 25, 2, 29)  # string contents without quotes
    assert spans["/a/bé/2/c"] == at(2, 38, 2, 42)
    assert spans["/a/e"] == at(2, 47, 2, 48)
    assert spans["/ünï"] == at(3, 11, 3, 13)  # columns count characters, not bytes
    assert spans["/n"] == at(3, 21, 3, 27)


def test_json_pointer_escaping_and_duplicates() -> None:
    data, spans = parse_json_with_spans('{"a/b": 1, "m~n": 2, "d": 1, "d": 2}')
    assert data == {"a/b": 1, "m~n": 2, "d": 2}
    assert spans["/a~1b"] == at(1, 9, 1, 10)
    assert spans["/m~0n"] == at(1, 19, 1, 20)
    assert spans["/d"] == at(1, 35, 1, 36)  # last one wins, as in json.loads


@pytest.mark.parametrize(
    "text",
    ["", "{", '{"a":1,}', "[1 2]", '{"a" 1}', '"\x01"', "1 2", "[" * 300 + "]" * 300, "{'a': 1}", "[1,]"],
)
def test_json_invalid(text: str) -> None:
    with pytest.raises(StructuredError):
        parse_json_with_spans(text)


def test_json_depth_bound_is_an_error_not_a_crash() -> None:
    with pytest.raises(StructuredError, match="nested deeper"):
        parse_json_with_spans("[" * 100_000)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values, st.sampled_from([None, 2]), st.booleans())
def test_json_agrees_with_json_module(value: object, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    data, spans = parse_json_with_spans(text)
    assert data == json.loads(text)
    assert "" in spans


def test_notebook_cell_source_lines_map_to_file_lines() -> None:
    text = json.dumps({"cells": [{"cell_type": "code", "source": ["import os\n", "tok = 'x'\n"],
                                  "outputs": []}], "nbformat": 4}, indent=1)
    doc = parse_document("nb/analysis.ipynb", text)
    assert doc is not None and doc.format == "notebook"
    line_of = {i + 1: line for i, line in enumerate(text.splitlines())}
    span = doc.spans["/cells/0/source/1"]
    assert "tok = 'x'" in line_of[span.line]
    assert doc.locate("/cells/0/source/1").line == span.line


def test_yaml_spans_quotes_aliases_and_unknown_tags() -> None:
    text = "a: &x\n  b: 'hi'\n  c: [1, 2]\nd: *x\nk: !Ref foo\n"
    doc = parse_document("deploy/app.yaml", text)
    assert doc is not None and doc.format == "yaml"
    assert doc.data == {"a": {"b": "hi", "c": [1, 2]}, "d": {"b": "hi", "c": [1, 2]}, "k": "foo"}
    assert doc.spans["/a/b"] == at(2, 7, 2, 9)
    assert doc.spans["/a/c/1"] == at(3, 10, 3, 11)
    assert doc.spans["/d"] == at(4, 1, 4, 2)
    assert doc.spans["/k"] == at(5, 4, 5, 12)


def test_yaml_multiple_documents_are_indexed() -> None:
    doc = parse_document("k8s.yml", "a: 1\n---\nb: 2\n")
    assert doc is not None
    assert doc.data == [{"a": 1}, {"b": 2}]
    assert doc.spans["/1/b"] == at(3, 4, 3, 5)


def test_yaml_alias_bomb_is_refused() -> None:
    lines = ["a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    assert parse_document("bomb.yaml", "\n".join(lines) + "\n") is None


def test_yaml_invalid_and_deep_give_none() -> None:
    assert parse_document("bad.yaml", "a: [1, 2\nb: : :\n") is None
    assert parse_document("deep.yaml", "[" * 5000) is None


def test_toml_tables_arrays_of_tables_and_dotted_keys() -> None:
    text = ('[tool.x]\nkey = "val" # c\n[[srv]]\nname = "a"\n[[srv.p]]\nz=1\n[[srv]]\nname = "b"\n'
            "[srv.sub]\nq.r = 'lit'\nm = \"\"\"\nkey = 1\n\"\"\"\n")
    doc = parse_document("pyproject.toml", text)
    assert doc is not None and doc.format == "toml"
    assert doc.spans["/tool/x/key"] == at(2, 8, 2, 11)
    assert doc.spans["/srv/0/name"] == at(4, 9, 4, 10)
    assert doc.spans["/srv/0/p/0/z"] == at(6, 3, 6, 4)
    assert doc.spans["/srv/1/name"] == at(8, 9, 8, 10)
    assert doc.spans["/srv/1/sub/q/r"] == at(10, 8, 10, 11)
    assert "/srv/1/sub/key" not in doc.spans  # text inside a multi-line string is not a key


def test_env_quotes_export_comments_multiline() -> None:
    text = 'export A="x\\ny"\nB=plain # c\n# C=no\nD=\'q\'\nE="multi\nline"\nF=\n'
    doc = parse_document("config/.env.production", text)
    assert doc is not None and doc.format == "env"
    assert doc.data == {"A": "x\ny", "B": "plain", "D": "q", "E": "multi\nline", "F": ""}
    assert doc.spans["/A"] == at(1, 11, 1, 15)
    assert doc.spans["/B"] == at(2, 3, 2, 8)
    assert doc.spans["/D"] == at(4, 4, 4, 5)
    assert doc.spans["/E"] == at(5, 4, 6, 5)


def test_ini_and_properties() -> None:
    doc = parse_document("app.properties", "a.b=1\n[s]\nk : 'v'\n//reg/:_authToken=abc\n")
    assert doc is not None and doc.format == "ini"
    assert doc.data == {"a.b": "1", "s": {"k": "v", "//reg/:_authToken": "abc"}}
    assert doc.spans["/a.b"] == at(1, 5, 1, 6)
    assert doc.spans["/s/k"] == at(3, 6, 3, 7)
    assert doc.spans["/s/~1~1reg~1:_authToken"] == at(4, 19, 4, 22)


@pytest.mark.parametrize(
    ("path", "fmt"),
    [("a/b.json", "json"), ("x.ipynb", "notebook"), (".env", "env"), (".env.local", "env"),
     ("prod.env", "env"), ("c.YML", "yaml"), ("setup.cfg", "ini"), (".npmrc", "ini"),
     ("package-lock.json", None), ("yarn.lock", None), ("main.py", None), ("README.md", None)],
)
def test_document_format(path: str, fmt: str | None) -> None:
    assert document_format(path) == fmt


def test_unparsable_json_is_none_and_text_kept() -> None:
    assert parse_document("a.json", '{"a": 1,, }') is None
    doc = parse_document("a.json", '{"a": 1}', commit="abc123")
    assert doc is not None and doc.text == '{"a": 1}' and doc.location.commit == "abc123"
