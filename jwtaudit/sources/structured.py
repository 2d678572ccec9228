"""Structured files (JSON, YAML, TOML, .env, INI/properties, notebooks) with key paths and places.

Rules about configuration need to know the key a value sits under (`credentials.apikey`) and
where it is. `parse_document` turns a file's text into a `DocumentSubject` whose `spans` map a
JSON pointer to the exact place of the value. Nothing here raises on bad content: a file that
does not parse gives `None` and is scanned as plain text by the caller.

Span conventions (1-based, end exclusive): a quoted string value spans its contents without the
quotes; an unquoted scalar spans its text; a YAML block scalar (`|`, `>`) or a TOML multi-line
string spans its text from the first to the last non-blank character, not its header; a
container spans the key it sits under (the opening bracket for array items and the root), also
a TOML inline table or array, each value inside which has its own span. A finding inside a value
over several lines takes that value's pointer (`pointers.PointerIndex`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jwtaudit.model import Location
from jwtaudit.sources.lines import LineIndex
from jwtaudit.subjects import DocumentSubject, Span, pointer_join

MAX_DEPTH = 256
MAX_YAML_NODES = 1_000_000  # after alias expansion: an alias bomb is refused, not expanded

# `.jwk` / `.jwks`: a JSON Web Key (set), RFC 7517
JSON_SUFFIXES = frozenset({".json", ".har", ".webmanifest", ".jsonld", ".geojson", ".avsc", ".jwk", ".jwks"})
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
INI_SUFFIXES = frozenset({".ini", ".cfg", ".properties", ".npmrc", ".pypirc"})
LOCK_FILES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "composer.lock", "pipfile.lock", "poetry.lock",
    "yarn.lock", "pnpm-lock.yaml", "cargo.lock", "gemfile.lock", "uv.lock", "bun.lock",
})

Spans = dict[str, Span]


class LazySpans(Mapping[str, Span]):
    """Spans computed on first use: most documents never need a location, and the C JSON parser
    is far faster than the position-recording one."""

    def __init__(self, compute: Callable[[], Spans]) -> None:
        self._compute: Callable[[], Spans] | None = compute
        self._spans: Spans = {}

    def _load(self) -> Spans:
        if self._compute is not None:
            compute, self._compute = self._compute, None
            try:
                self._spans = compute()
            except (ValueError, RecursionError, MemoryError):
                self._spans = {}
        return self._spans

    def __getitem__(self, key: str) -> Span:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:
        return f"LazySpans({'pending' if self._compute else len(self._spans)})"


class StructuredError(ValueError):
    """The text is not valid in its format (message names line and column, never a value)."""


# --- format detection ------------------------------------------------------------------------


def document_format(rel_path: str) -> str | None:
    """The structured format of a file from its name, or None (lock files are not parsed)."""
    lower = rel_path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if lower in LOCK_FILES:
        return None
    dot = lower.rfind(".")
    suffix = lower[dot:] if dot > 0 else ""
    if suffix == ".ipynb":
        return "notebook"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in YAML_SUFFIXES:
        return "yaml"
    if suffix == ".toml":
        return "toml"
    if lower == ".env" or lower.startswith(".env.") or suffix == ".env":
        return "env"
    if suffix in INI_SUFFIXES or lower in INI_SUFFIXES:
        return "ini"
    android_values = suffix == ".xml" and "/res/values" in "/" + rel_path.replace("\\", "/").lower()
    if suffix == ".plist" or android_values:
        return "xml-values"  # an app's settings: an iOS property list, Android resources
    return None


def parse_document(rel_path: str, text: str, *, commit: str | None = None) -> DocumentSubject | None:
    """A `DocumentSubject` for a structured file, or None (not structured, or does not parse)."""
    fmt = document_format(rel_path)
    if fmt is None:
        return None
    parser = _PARSERS[fmt]
    try:
        data, spans = parser(text)
    except (StructuredError, ValueError, RecursionError, MemoryError, TypeError):
        return None
    except Exception:  # third-party parsers raise their own error types on hostile input
        return None
    return DocumentSubject(
        location=Location(path=rel_path, commit=commit),
        format=fmt,
        data=data,
        spans=spans,
        text=text,
    )


# --- JSON ------------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERALS = (("true", True), ("false", False), ("null", None),
             ("NaN", float("nan")), ("Infinity", float("inf")), ("-Infinity", float("-inf")))


def parse_json_with_spans(text: str, *, max_depth: int = MAX_DEPTH) -> tuple[Any, Spans]:
    """Parse JSON and record the span of every value by JSON pointer.

    Linear time, iterative (no recursion), nesting bounded by `max_depth`. Raises
    `StructuredError` (a ValueError) on invalid JSON. Duplicate keys: the last one wins, as in
    `json.loads`.
    """
    from json.decoder import scanstring

    index = LineIndex.of(text)
    spans: Spans = {}
    length = len(text)
    pos = 1 if text.startswith("\ufeff") else 0

    def fail(at: int, problem: str) -> StructuredError:
        line, column = index.position(min(at, length))
        return StructuredError(f"invalid JSON at line {line} column {column}: {problem}")

    def skip(at: int) -> int:
        return _WS.match(text, at).end()  # type: ignore[union-attr]

    def scalar(at: int) -> tuple[Any, int, int, int]:
        """(value, end, span_start, span_end) of the scalar at `at`."""
        char = text[at]
        if char == '"':
            try:
                value, end = scanstring(text, at + 1, True)
            except ValueError:
                raise fail(at, "bad string") from None
            return value, end, at + 1, end - 1
        match = _NUMBER.match(text, at)
        if match and match.end() > at and not text.startswith("-Infinity", at):
            literal = match.group()
            number: Any = float(literal) if any(c in literal for c in ".eE") else int(literal)
            return number, match.end(), at, match.end()
        for word, value in _LITERALS:
            if text.startswith(word, at):
                return value, at + len(word), at, at + len(word)
        raise fail(at, "expected a value")

    # stack frames: [container, pointer, next_index_or_None]
    stack: list[list[Any]] = []
    root: Any = None
    have_root = False
    pending_pointer = ""  # pointer of the value about to be read
    pending_key_span: tuple[int, int] | None = None

    def attach(value: Any, pointer: str) -> None:
        nonlocal root, have_root
        if not stack:
            root, have_root = value, True
            return
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
        else:
            container[frame[2]] = value

    pos = skip(pos)
    expect_value = True
    while True:
        if expect_value:
            if pos >= length:
                raise fail(pos, "unexpected end of input")
            char = text[pos]
            if char in "{[":
                if len(stack) >= max_depth:
                    raise fail(pos, f"nested deeper than {max_depth} levels")
                container: Any = {} if char == "{" else []
                key_span = pending_key_span or (pos, pos + 1)
                spans[pending_pointer] = index.span(*key_span)
                attach(container, pending_pointer)
                stack.append([container, pending_pointer, None])
                pos = skip(pos + 1)
                closer = "}" if char == "{" else "]"
                if pos < length and text[pos] == closer:
                    stack.pop()
                    pos = skip(pos + 1)
                    expect_value = False
                else:
                    if char == "{":
                        pos = _read_key(text, pos, stack[-1], fail, skip, index, scanstring)
                        pending_pointer = pointer_join(stack[-1][1], stack[-1][2])
                        pending_key_span = stack[-1][3]
                    else:
                        pending_pointer = pointer_join(stack[-1][1], 0)
                        pending_key_span = None
                    continue
            else:
                value, end, start_span, end_span = scalar(pos)
                spans[pending_pointer] = index.span(start_span, end_span)
                attach(value, pending_pointer)
                pos = skip(end)
                expect_value = False
            if not stack:
                break
            continue
        # after a value inside a container: ',' or the closer
        frame = stack[-1]
        container = frame[0]
        if pos >= length:
            raise fail(pos, "unexpected end of input")
        char = text[pos]
        closer = "]" if isinstance(container, list) else "}"
        if char == ",":
            pos = skip(pos + 1)
            if isinstance(container, list):
                pending_pointer = pointer_join(frame[1], len(container))
                pending_key_span = None
            else:
                pos = _read_key(text, pos, frame, fail, skip, index, scanstring)
                pending_pointer = pointer_join(frame[1], frame[2])
                pending_key_span = frame[3]
            expect_value = True
            continue
        if char == closer:
            stack.pop()
            pos = skip(pos + 1)
            if not stack:
                break
            continue
        raise fail(pos, f"expected ',' or '{closer}'")
    if not have_root:
        raise fail(pos, "no value")
    if pos != length:
        raise fail(pos, "extra data after the value")
    return root, spans


def _read_key(text: str, pos: int, frame: list[Any], fail: Callable[[int, str], StructuredError],
              skip: Callable[[int], int], index: LineIndex, scanstring: Any) -> int:
    """Read `"key" :` at `pos` into the object frame; return the offset of the value."""
    if pos >= len(text) or text[pos] != '"':
        raise fail(pos, "expected a key")
    try:
        key, end = scanstring(text, pos + 1, True)
    except ValueError:
        raise fail(pos, "bad key string") from None
    after = skip(end)
    if after >= len(text) or text[after] != ":":
        raise fail(after, "expected ':'")
    del frame[2:]
    frame.extend((key, (pos + 1, end - 1)))
    return skip(after + 1)


def _parse_json(text: str) -> tuple[Any, Spans]:
    """Data from the C parser now; spans from the position-recording parser when first asked."""
    data = json.loads(text[1:] if text.startswith("\ufeff") else text)
    return data, LazySpans(lambda: parse_json_with_spans(text)[1])  # type: ignore[return-value]


# --- YAML ------------------------------------------------------------------------------------

_YAML_LOADER: Any = None


def _yaml_loader_class() -> Any:
    """SafeLoader that reads unknown tags (`!Ref`, `!Sub` …) as plain values instead of failing,
    and timestamps as their text."""
    global _YAML_LOADER
    if _YAML_LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

        class Loader(base):  # type: ignore[valid-type, misc]
            pass

        def unknown(loader: Any, node: Any) -> Any:
            if isinstance(node, yaml.ScalarNode):
                return loader.construct_scalar(node)
            if isinstance(node, yaml.SequenceNode):
                return loader.construct_sequence(node, deep=True)
            return loader.construct_mapping(node, deep=True)

        Loader.add_constructor(None, unknown)
        # dates stay the text they are written as: JSON has none, and an impossible one
        # (`2024-02-30`) would otherwise fail the whole document
        Loader.add_constructor("tag:yaml.org,2002:timestamp",
                               lambda loader, node: loader.construct_scalar(node))
        _YAML_LOADER = Loader
    return _YAML_LOADER


def _yaml_expanded_size(node: Any, memo: dict[int, int], active: set[int]) -> int:
    """Number of nodes after alias expansion; refuses cycles and bombs."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise StructuredError("recursive YAML alias")
    active.add(key)
    total = 1
    value = node.value
    if isinstance(value, list):
        for item in value:
            if isinstance(item, tuple):
                total += _yaml_expanded_size(item[0], memo, active)
                total += _yaml_expanded_size(item[1], memo, active)
            else:
                total += _yaml_expanded_size(item, memo, active)
            if total > MAX_YAML_NODES:
                raise StructuredError("YAML expands to too many nodes (alias bomb?)")
    active.discard(key)
    memo[key] = total
    return total


def _parse_yaml(text: str) -> tuple[Any, Spans]:
    import yaml

    loader = _yaml_loader_class()(text)
    try:
        nodes = []
        while loader.check_node():
            nodes.append(loader.get_node())
        memo: dict[int, int] = {}
        total = sum(_yaml_expanded_size(node, memo, set()) for node in nodes)
        if total > MAX_YAML_NODES:
            raise StructuredError("YAML expands to too many nodes (alias bomb?)")
        docs = [loader.construct_document(node) for node in nodes]
    except yaml.YAMLError as exc:
        raise StructuredError("invalid YAML") from exc
    finally:
        loader.dispose()
    walk = _YamlSpans(text, yaml)
    if len(nodes) == 1:
        walk.record(nodes[0], "", None)
        return docs[0], walk.spans
    for number, node in enumerate(nodes):
        walk.record(node, f"/{number}", None)
    return (docs if docs else None), walk.spans


class _YamlSpans:
    """The spans of a composed YAML document's nodes by pointer."""

    def __init__(self, text: str, yaml: Any) -> None:
        self.text = text
        self.index = LineIndex.of(text)
        self.yaml = yaml
        self.spans: Spans = {}
        self.seen: set[int] = set()
        self.scalars: dict[int, Span] = {}  # an aliased scalar's span, worked out once

    def record(self, node: Any, pointer: str, key_node: Any) -> None:
        """Record spans along the first path to each node (aliases are not walked twice)."""
        yaml, spans = self.yaml, self.spans
        if isinstance(node, yaml.ScalarNode):
            spans[pointer] = self.scalar(node)
            return
        if key_node is not None and isinstance(key_node, yaml.ScalarNode):
            spans[pointer] = self.scalar(key_node)
        else:
            spans[pointer] = self.index.span(node.start_mark.index, node.start_mark.index + 1)
        if id(node) in self.seen:
            return
        self.seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            for number, item in enumerate(node.value):
                self.record(item, pointer_join(pointer, number), None)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    self.record(value, pointer_join(pointer, key.value), key)

    def scalar(self, node: Any) -> Span:
        """A quoted scalar's contents without the quotes, a block scalar's text under its header
        (`|`, `>`: its first to last non-blank character), a plain one's text."""
        span = self.scalars.get(id(node))
        if span is None:
            start, end = node.start_mark.index, node.end_mark.index
            if node.style in ('"', "'") and end - start >= 2:
                start, end = start + 1, end - 1
            elif node.style in ("|", ">"):
                start, end = _block_text(self.text, start, end)
            span = self.scalars[id(node)] = self.index.span(start, end)
        return span


_NON_BLANK = re.compile(r"\S")


def _block_text(text: str, header: int, end: int) -> tuple[int, int]:
    """The first to the last non-blank character of a block scalar (its header at `header`, its
    end mark at `end`); the header's indicator for an empty one."""
    body = text.find("\n", header, end)
    first = _NON_BLANK.search(text, body, end) if body != -1 else None
    if first is None:
        return header, header + 1
    last = end
    while last > first.start() and text[last - 1].isspace():
        last -= 1
    return first.start(), last


# --- TOML ------------------------------------------------------------------------------------

_TOML_SPACE = re.compile(r"[ \t]*")
_TOML_GAP = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")  # blanks, line ends and comments
_TOML_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# a number, boolean, date or time (a date and its time may be apart by one space)
_TOML_SCALAR = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[^\s,\]}#]*|[^\s,\]}#]+")
_TOML_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_TOML_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b", '"': '"', "\\": "\\"}

KeyPart = tuple[str, int, int]  # a key's name, and the offsets of its text (without quotes)


class _TomlStop(Exception):
    """The text does not read as the parser read it (or nests too deep): spans stop here."""


def _parse_toml(text: str) -> tuple[Any, Spans]:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(text.lstrip("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise StructuredError("invalid TOML") from exc
    return data, LazySpans(lambda: _toml_spans(text, data))  # type: ignore[return-value]


def _toml_spans(text: str, data: Any) -> Spans:
    """The spans of a TOML text (the tables of its headers found in `data`, by key and length)."""
    walk = _TomlSpans(text, data)
    try:
        walk.run()
    except _TomlStop:
        pass
    return walk.spans


class _TomlSpans:
    """The spans of a parsed TOML text, read again from its characters: the values of every
    key/value pair, and inside inline tables and arrays (on one line or many) each value its own.

    The parser has already accepted the text, so this reads it without judging it; a table's
    pointer comes from the parsed data (`[a.b]` after `[[a]]` is in the last `a`)."""

    def __init__(self, text: str, data: Any) -> None:
        self.text = text
        self.data = data
        self.index = LineIndex.of(text)
        self.spans: Spans = {}

    def run(self) -> None:
        text = self.text
        pos = 1 if text.startswith("\ufeff") else 0
        table_pointer: str | None = ""
        current: dict[str, int] = {}  # array-of-tables pointer -> index of the element being filled
        while True:
            pos = _TOML_GAP.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= len(text):
                return
            if text[pos] == "[":
                double = text.startswith("[[", pos)
                parts, after = self.key(pos + (2 if double else 1))
                table_pointer = self.table(parts, double, current)
                pos = after
            else:
                parts, after = self.key(pos)
                if after >= len(text) or text[after] != "=":
                    raise _TomlStop
                value_at = _TOML_SPACE.match(text, after + 1).end()  # type: ignore[union-attr]
                if table_pointer is None:
                    pos = self.value(value_at, None, parts[-1], 0)
                else:
                    pointer = self.dotted(table_pointer, parts)
                    pos = self.value(value_at, pointer, parts[-1], 0)
            end = text.find("\n", pos)  # the rest of the line: a closing bracket, blanks, a comment
            pos = len(text) if end == -1 else end + 1

    def table(self, parts: list[KeyPart], double: bool, current: dict[str, int]) -> str | None:
        """The pointer of the table a `[header]` or `[[header]]` opens (its key's span recorded)."""
        resolved = _toml_resolve(self.data, [part[0] for part in parts], "", current)
        if resolved is None:
            return None
        table, pointer = resolved
        span = self.index.span(parts[-1][1], parts[-1][2])
        if double and isinstance(table, list) and table:
            at = min(current.get(pointer, -1) + 1, len(table) - 1)
            current[pointer] = at
            self.spans.setdefault(pointer_join(pointer, at), span)  # (first: the element's, at its key)
            self.spans.setdefault(pointer, span)
            return pointer_join(pointer, at)
        self.spans.setdefault(pointer, span)
        return pointer

    def dotted(self, base: str, parts: list[KeyPart]) -> str:
        """The pointer of `a.b.c = …` under `base`; the tables it names on the way span their keys."""
        pointer = base
        for name, start, end in parts[:-1]:
            pointer = pointer_join(pointer, name)
            self.spans.setdefault(pointer, self.index.span(start, end))
        return pointer_join(pointer, parts[-1][0])

    def key(self, pos: int) -> tuple[list[KeyPart], int]:
        """The parts of the (dotted) key at `pos` and the offset after it and its blanks."""
        text = self.text
        parts: list[KeyPart] = []
        while True:
            pos = _TOML_SPACE.match(text, pos).end()  # type: ignore[union-attr]
            char = text[pos:pos + 1]
            if char in ('"', "'"):
                close = _toml_closing(text, pos + 1, char)
                raw = text[pos + 1:close]
                parts.append((_toml_unescape(raw) if char == '"' else raw, pos + 1, close))
                pos = close + 1
            else:
                match = _TOML_BARE_KEY.match(text, pos)
                if match is None:
                    raise _TomlStop
                parts.append((match.group(), pos, match.end()))
                pos = match.end()
            pos = _TOML_SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if not text.startswith(".", pos):
                return parts, pos
            pos += 1

    def value(self, pos: int, pointer: str | None, key: KeyPart, depth: int) -> int:
        """Record the span of the value at `pos` (and of all it holds) under `pointer`; a container
        spans `key`. None records nothing (a table the data does not name). The offset after it."""
        if depth > MAX_DEPTH:
            raise _TomlStop
        text = self.text
        char = text[pos:pos + 1]
        if char in ("{", "["):
            if pointer is not None:
                self.spans[pointer] = self.index.span(key[1], key[2])
            return self.container(pos, pointer, depth)
        if char in ('"', "'"):
            delimiter = text[pos:pos + 3] if text.startswith(char * 3, pos) else char
            close = _toml_closing(text, pos + len(delimiter), delimiter)
            start = pos + len(delimiter)
            if len(delimiter) == 3:  # its text: from the first to the last non-blank character
                start, end = _toml_trimmed(text, start, close)
            else:
                end = close
            if pointer is not None:
                self.spans[pointer] = self.index.span(start, end)
            return close + len(delimiter)
        match = _TOML_SCALAR.match(text, pos)
        if match is None:
            raise _TomlStop
        if pointer is not None:
            self.spans[pointer] = self.index.span(pos, match.end())
        return match.end()

    def container(self, pos: int, pointer: str | None, depth: int) -> int:
        """Record the values of the inline table or array opening at `pos`; the offset after it."""
        text = self.text
        table = text[pos] == "{"
        closer = "}" if table else "]"
        number = 0
        pos += 1
        while True:
            pos = _TOML_GAP.match(text, pos).end()  # type: ignore[union-attr]
            char = text[pos:pos + 1]
            if not char:
                raise _TomlStop
            if char == closer:
                return pos + 1
            if char == ",":
                pos += 1
                continue
            if table:
                parts, after = self.key(pos)
                if not text.startswith("=", after):
                    raise _TomlStop
                value_at = _TOML_SPACE.match(text, after + 1).end()  # type: ignore[union-attr]
                inner = self.dotted(pointer, parts) if pointer is not None else None
                pos = self.value(value_at, inner, parts[-1], depth + 1)
            else:
                inner = pointer_join(pointer, number) if pointer is not None else None
                pos = self.value(pos, inner, ("", pos, pos + 1), depth + 1)  # an item spans its bracket
                number += 1


def _toml_closing(text: str, pos: int, delimiter: str) -> int:
    """The offset of the delimiter closing a string whose text starts at `pos` (of the last three
    of a longer run for a multi-line one: `""""` ends its text with a quote)."""
    while True:
        close = text.find(delimiter, pos)
        if close == -1:
            raise _TomlStop
        backslashes = 0
        while delimiter[0] == '"' and close - backslashes > pos and text[close - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            break
        pos = close + 1
    if len(delimiter) == 3:
        run = close + 3
        while run < len(text) and run - close < 5 and text[run] == delimiter[0]:
            run += 1
        close = run - 3
    return close


def _toml_trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The first to the last non-blank character of `text[start:end]`; all of it if blank."""
    first = _NON_BLANK.search(text, start, end)
    if first is None:
        return start, end
    last = end
    while text[last - 1].isspace():
        last -= 1
    return first.start(), last


def _toml_unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _TOML_ESCAPES.get(code, match.group())

    return _TOML_ESCAPE.sub(one, raw)


def _toml_resolve(data: Any, parts: list[str], base: str,
                  current: dict[str, int]) -> tuple[Any, str] | None:
    """Follow keys from `data`, stepping into the current element of arrays of tables."""
    pointer, node = base, data
    for part in parts:
        if isinstance(node, list):
            if not node:
                return None
            at = min(current.get(pointer, len(node) - 1), len(node) - 1)
            pointer, node = pointer_join(pointer, at), node[at]
        if not isinstance(node, dict) or part not in node:
            return None
        pointer, node = pointer_join(pointer, part), node[part]
    return node, pointer


# --- .env ------------------------------------------------------------------------------------

_ENV_LINE = re.compile(r"[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*")


def _parse_env(text: str) -> tuple[Any, Spans]:
    index = LineIndex.of(text)
    data: dict[str, str] = {}
    spans: Spans = {}
    pos = 1 if text.startswith("\ufeff") else 0
    length = len(text)
    while pos < length:
        line_end = text.find("\n", pos)
        if line_end == -1:
            line_end = length
        match = _ENV_LINE.match(text, pos, line_end)
        next_pos = line_end + 1
        if match:
            key = match.group(1)
            at = match.end()
            if at < line_end and text[at] in "\"'":
                quote = text[at]
                close = _find_closing_quote(text, at + 1, quote)
                if close == -1:  # unterminated: take the rest of the line
                    close = len(text[:line_end].rstrip("\r"))
                else:
                    after_close = text.find("\n", close)
                    next_pos = length + 1 if after_close == -1 else after_close + 1
                raw = text[at + 1:close]
                value = _unescape_env(raw) if quote == '"' else raw
                span = (at + 1, close)
            else:
                raw_line = text[at:line_end].rstrip("\r")
                comment = raw_line.find(" #")
                if raw_line.startswith("#"):
                    comment = 0
                value = (raw_line if comment == -1 else raw_line[:comment]).strip()
                span = (at, at + len(value))
            data[key] = value
            spans[pointer_join("", key)] = index.span(*span)
        pos = next_pos
    return data, spans


def _find_closing_quote(text: str, pos: int, quote: str) -> int:
    while True:
        close = text.find(quote, pos)
        if close == -1:
            return -1
        backslashes = 0
        probe = close - 1
        while quote == '"' and probe >= pos and text[probe] == "\\":
            backslashes += 1
            probe -= 1
        if backslashes % 2 == 0:
            return close
        pos = close + 1


def _unescape_env(raw: str) -> str:
    if "\\" not in raw:
        return raw
    return re.sub(r"\\([nrt\"\\$])", lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(1), m.group(1)),
                  raw)


# --- INI / properties ------------------------------------------------------------------------

_INI_SECTION = re.compile(r"[ \t]*\[([^\]\n]+)\][ \t]*(?:[#;].*)?\r?$")


def _parse_ini(text: str) -> tuple[Any, Spans]:
    index = LineIndex.of(text)
    data: dict[str, Any] = {}
    spans: Spans = {}
    section: dict[str, Any] = data
    section_pointer = ""
    for number in range(index.line_count):
        start = index.line_start(number + 1)
        end = text.find("\n", start)
        line = (text[start:] if end == -1 else text[start:end]).rstrip("\r")
        if number == 0 and line.startswith("\ufeff"):
            line, start = line[1:], start + 1
        stripped = line.strip()
        if not stripped or stripped[0] in "#;!":
            continue
        header = _INI_SECTION.match(line)
        if header:
            name = header.group(1).strip()
            existing = data.get(name)
            section = existing if isinstance(existing, dict) else {}
            data[name] = section
            section_pointer = pointer_join("", name)
            key_at = line.find(name)
            spans[section_pointer] = index.span(start + key_at, start + key_at + len(name))
            continue
        if line[:1] in " \t" and section is not data and not ("=" in line or ":" in line):
            continue  # continuation line
        sep = line.find("=")
        if sep == -1:
            sep = line.find(":")
        if sep <= 0:
            continue
        key = line[:sep].strip()
        if not key:
            continue
        value_at = sep + 1
        while value_at < len(line) and line[value_at] in " \t":
            value_at += 1
        value = line[value_at:].rstrip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value_at += 1
            value = value[1:-1]
        section[key] = value
        value_end = start + value_at + len(value)
        spans[pointer_join(section_pointer, key)] = index.span(start + value_at, value_end)
    return data, spans


# --- named values of XML app settings (iOS Info.plist, Android res/values/*.xml) ---------------
# `<key>KoreClientSecret</key> <string>…</string>` and `<string name="kore_client_secret">…</string>`:
# each value under its name, as written (no entity decoding: the text is what rules read). Found by
# two linear patterns rather than an XML parser: no entities, no DTDs, nothing to expand.
_PLIST_PAIR = re.compile(r"<key>([^<>]{1,200})</key>\s{0,200}<(string|integer|real)>([^<>]{0,4096})</\2>")
_ANDROID_VALUE = re.compile(r"""<(string|item)\s[^<>]{0,200}?\bname\s*=\s*"([^"<>]{1,200})"[^<>]{0,200}>"""
                            r"""([^<>]{0,4096})</\1>""")


def _parse_xml_values(text: str) -> tuple[Any, Spans]:
    data: dict[str, Any] = {}
    spans: Spans = {}
    index = LineIndex.of(text)
    for pattern, name_group, value_group in ((_PLIST_PAIR, 1, 3), (_ANDROID_VALUE, 2, 3)):
        for match in pattern.finditer(text):
            if len(data) >= 10_000:
                break
            name, value = match.group(name_group).strip(), match.group(value_group)
            stripped = value.strip()
            if not name or name in data:
                continue
            data[name] = stripped
            start = match.start(value_group) + (len(value) - len(value.lstrip()))
            spans[pointer_join("", name)] = index.span(start, start + len(stripped))
    if not data:
        raise StructuredError("no named values")
    return data, spans


_PARSERS: dict[str, Callable[[str], tuple[Any, Spans]]] = {
    "xml-values": _parse_xml_values,
    "json": _parse_json,
    "notebook": _parse_json,
    "yaml": _parse_yaml,
    "toml": _parse_toml,
    "env": _parse_env,
    "ini": _parse_ini,
}
