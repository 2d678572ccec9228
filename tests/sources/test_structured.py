"""Structured documents: data equal to the reference parsers, exact spans by JSON pointer."""

from __future__ import annotations

import json
from collections.abc import Iterator

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


def test_toml_inline_tables_and_arrays_give_each_value_its_own_place() -> None:
    text = ('kore = { client_secret = "Q4m=" }\n'
            "[servers]\n"
            "alpha = { token = \"ghp_x\", ip = '10.0.0.1', deep.er = { k = 1 } }\n"
            'arr = [1, "two", { k = "v" }, [ "in" ]]\n'
            "pts = [\n  { x = 1 }, # c\n  { x = 2, y = \"\"\"\n  s\n\"\"\" },\n]\n")
    doc = parse_document("a.toml", text)
    assert doc is not None
    spans = dict(doc.spans)
    assert spans["/kore"] == at(1, 1, 1, 5)  # a container spans its key, never a scalar's text
    assert spans["/kore/client_secret"] == at(1, 27, 1, 31)
    assert spans["/servers/alpha"] == at(3, 1, 3, 6)
    assert spans["/servers/alpha/token"] == at(3, 20, 3, 25)
    assert spans["/servers/alpha/ip"] == at(3, 34, 3, 42)
    assert spans["/servers/alpha/deep"] == at(3, 45, 3, 49)  # dotted inside an inline table
    assert spans["/servers/alpha/deep/er/k"] == at(3, 61, 3, 62)
    assert spans["/servers/arr"] == at(4, 1, 4, 4)
    assert spans["/servers/arr/1"] == at(4, 12, 4, 15)
    assert spans["/servers/arr/2"] == at(4, 18, 4, 19)  # an array item container: its bracket
    assert spans["/servers/arr/2/k"] == at(4, 25, 4, 26)
    assert spans["/servers/arr/3/0"] == at(4, 34, 4, 36)
    assert spans["/servers/pts/0/x"] == at(6, 9, 6, 10)
    assert spans["/servers/pts/1/x"] == at(7, 9, 7, 10)
    assert spans["/servers/pts/1/y"] == at(8, 3, 8, 4)  # a multi-line string: its text


def test_toml_dotted_keys_strings_and_arrays_of_tables_keep_their_places() -> None:
    text = ('kore.client_secret = "s1"  # c\n"quoted.key" = { "in\\u00e9" = 1 }\n'
            '[[srv]]\nhosts = [\n  "h1", # c\n  "h2",\n]\n[srv.sub]\nn = """a\\""""\nm = \'\'\'\nx\n  y\n\'\'\'\n'
            "d = 1979-05-27 07:32:00Z\n")
    doc = parse_document("a.toml", text)
    assert doc is not None
    assert doc.data["srv"][0]["sub"]["n"] == 'a"'
    spans = dict(doc.spans)
    assert spans["/kore"] == at(1, 1, 1, 5)
    assert spans["/kore/client_secret"] == at(1, 23, 1, 25)
    assert spans["/quoted.key/iné"] == at(2, 31, 2, 32)  # a quoted key with an escape
    assert spans["/srv/0"] == spans["/srv"] == at(3, 3, 3, 6)
    assert spans["/srv/0/hosts/0"] == at(5, 4, 5, 6)
    assert spans["/srv/0/hosts/1"] == at(6, 4, 6, 6)
    assert spans["/srv/0/sub/n"] == at(9, 8, 9, 11)  # up to the last three of the closing quotes
    assert spans["/srv/0/sub/m"] == at(11, 1, 12, 4)
    assert spans["/srv/0/sub/d"] == at(14, 5, 14, 25)


_TOML_WORDS = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)


@st.composite
def toml_values(draw: st.DrawFn, depth: int = 0) -> tuple[str, object]:
    """(TOML text, the value it reads as) of a string, number, inline table or array; strings
    hold unique words so that a span's text names its value."""
    kind = draw(st.sampled_from(("basic", "literal", "number", "table", "array") if depth < 3
                                else ("basic", "literal", "number")))
    if kind in ("basic", "literal", "number"):
        word = f"v{draw(st.integers(0, 10**6))}"
        if kind == "number":
            return str(len(word)), len(word)
        return (f'"{word}"' if kind == "basic" else f"'{word}'"), word
    gap = draw(st.sampled_from((" ", "", "\n  ", " # note\n  "))) if kind == "array" else " "
    if kind == "table":
        keys = draw(st.lists(_TOML_WORDS, max_size=3, unique=True))
        items = [(key, draw(toml_values(depth + 1))) for key in keys]
        quote = draw(st.sampled_from(("", '"')))
        body = ", ".join(f"{quote}{key}{quote} = {text}" for key, (text, _) in items)
        return "{" + gap + body + gap + "}", {key: value for key, (_, value) in items}
    items = draw(st.lists(toml_values(depth + 1), max_size=3))
    body = ("," + gap).join(text for text, _ in items)
    return "[" + gap + body + gap + "]", [value for _, value in items]


def toml_leaves(value: object, pointer: str) -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from toml_leaves(inner, f"{pointer}/{key}")
    elif isinstance(value, list):
        for number, inner in enumerate(value):
            yield from toml_leaves(inner, f"{pointer}/{number}")
    else:
        yield pointer, value


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_TOML_WORDS, toml_values()), min_size=1, max_size=4, unique_by=lambda kv: kv[0]),
       st.sampled_from(("", "[tab]\n", "[[tabs]]\n")))
def test_toml_every_value_spans_its_own_text(pairs: list[tuple[str, tuple[str, object]]], header: str) -> None:
    text = header + "".join(f"{key} = {value_text}\n" for key, (value_text, _) in pairs)
    doc = parse_document("gen.toml", text)
    assert doc is not None
    table = {key: value for key, (_, value) in pairs}
    base, data = {"": ("", table), "[tab]\n": ("/tab", {"tab": table}),
                  "[[tabs]]\n": ("/tabs/0", {"tabs": [table]})}[header]
    assert doc.data == data
    lines = text.split("\n")
    spans = dict(doc.spans)
    for pointer, value in toml_leaves(table, base):
        span = spans[pointer]
        assert span.line == span.end_line
        assert lines[span.line - 1][span.column - 1:span.end_column - 1] == str(value)


def test_yaml_block_and_multi_line_scalars_span_their_text() -> None:
    text = ("a: |\n  x\n\n# c\n"
            "b: >-\n  x\n  y\n"
            "c: |+\n  x\n\n\n"
            "d: |2\n   x\n"
            "e: | # note\n\n  x\n"
            "f: plain\n  more\n"
            'g: "q\n  r"\n'
            "h: |\n"
            "i: {k: 1, token: t}\n")
    doc = parse_document("x.yml", text)
    assert doc is not None
    spans = dict(doc.spans)
    assert spans["/a"] == at(2, 3, 2, 4)  # the text under the header, not the `|`
    assert spans["/b"] == at(6, 3, 7, 4)
    assert spans["/c"] == at(9, 3, 9, 4)
    assert spans["/d"] == at(13, 4, 13, 5)  # an indentation indicator: the text after its blanks
    assert spans["/e"] == at(16, 3, 16, 4)  # a header comment and a blank line before the text
    assert spans["/f"] == at(17, 4, 18, 7)
    assert spans["/g"] == at(19, 5, 20, 4)  # multi-line quoted: without its quotes
    assert spans["/h"] == at(21, 4, 21, 5)  # empty: the indicator
    assert spans["/i"] == at(22, 1, 22, 2) and spans["/i/token"] == at(22, 18, 22, 19)


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


def test_yaml_dates_are_their_text_and_an_impossible_one_does_not_lose_the_document() -> None:
    doc = parse_document("a.yaml", "created: 2024-10-23T06:56:29Z\nbad: 2024-02-30\nday: 2024-10-23\n")
    assert doc is not None
    assert doc.data == {"created": "2024-10-23T06:56:29Z", "bad": "2024-02-30", "day": "2024-10-23"}


def test_app_settings_in_xml_are_named_values_at_their_places() -> None:
    plist = ("<plist><dict>\n\t<key>KoreClientSecret</key>\n\t<string>abc&amp;def</string>\n"
             "\t<key>Count</key><integer>3</integer>\n</dict></plist>\n")
    doc = parse_document("ios/App/Info.plist", plist)
    assert doc is not None and doc.data == {"KoreClientSecret": "abc&amp;def", "Count": "3"}
    span = doc.spans["/KoreClientSecret"]
    assert (span.line, span.column, span.end_column) == (3, 10, 21)
    values = '<resources>\n  <string name="kore_secret" translatable="false">s3cr3t</string>\n</resources>\n'
    doc = parse_document("app/src/main/res/values/strings.xml", values)
    assert doc is not None and doc.data == {"kore_secret": "s3cr3t"}
    assert parse_document("app/src/main/AndroidManifest.xml", values) is None  # only resource values
    assert parse_document("ios/App/Empty.plist", "<plist><dict/></plist>") is None
