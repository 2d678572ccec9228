"""Structured files (JSON, YAML, TOML, .env, INI/properties, notebooks) with key paths and places.

Rules about configuration need to know the key a value sits under (`credentials.apikey`) and
where it is. `parse_document` turns a file's text into a `DocumentSubject` whose `spans` map a
JSON pointer to the exact place of the value. Nothing here raises on bad content: a file that
does not parse gives `None` and is scanned as plain text by the caller.

Span conventions (1-based, end exclusive): a quoted string value spans its contents without the
quotes; an unquoted scalar spans its text; a container spans the key it sits under (the opening
bracket for array items and the root).
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
    """SafeLoader that reads unknown tags (`!Ref`, `!Sub` …) as plain values instead of failing."""
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
    index = LineIndex.of(text)
    spans: Spans = {}
    seen: set[int] = set()
    if len(nodes) == 1:
        _yaml_spans(nodes[0], "", None, index, spans, seen, yaml)
        return docs[0], spans
    for number, node in enumerate(nodes):
        _yaml_spans(node, f"/{number}", None, index, spans, seen, yaml)
    return (docs if docs else None), spans


def _yaml_scalar_span(node: Any, index: LineIndex) -> Span:
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ('"', "'") and node.start_mark.line == node.end_mark.line and end - start >= 2:
        start, end = start + 1, end - 1
    return index.span(start, end)


def _yaml_spans(node: Any, pointer: str, key_node: Any, index: LineIndex, spans: Spans,
                seen: set[int], yaml: Any) -> None:
    """Record spans along the first path to each node (aliases are not walked twice)."""
    if isinstance(node, yaml.ScalarNode):
        spans[pointer] = _yaml_scalar_span(node, index)
        return
    if key_node is not None and isinstance(key_node, yaml.ScalarNode):
        spans[pointer] = _yaml_scalar_span(key_node, index)
    else:
        spans[pointer] = index.span(node.start_mark.index, node.start_mark.index + 1)
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            _yaml_spans(item, pointer_join(pointer, number), None, index, spans, seen, yaml)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                _yaml_spans(value, pointer_join(pointer, key.value), key, index, spans, seen, yaml)


# --- TOML ------------------------------------------------------------------------------------

_TOML_KEY_PART = re.compile(r'\s*(?:([A-Za-z0-9_-]+)|"((?:[^"\\\n]|\\.)*)"|\'([^\'\n]*)\')\s*')
_TOML_HEADER = re.compile(r"\s*(\[\[?)")


def _toml_key(line: str, pos: int) -> tuple[list[str], int] | None:
    """Parse a (dotted) key starting at `pos`; return its parts and the offset after it."""
    parts: list[str] = []
    while True:
        match = _TOML_KEY_PART.match(line, pos)
        if not match or match.end() == pos:
            return None
        bare, basic, literal = match.groups()
        if basic is not None:
            try:
                parts.append(json.loads(f'"{basic}"'))
            except ValueError:
                parts.append(basic)
        else:
            parts.append(bare if bare is not None else literal)
        pos = match.end()
        if pos < len(line) and line[pos] == ".":
            pos += 1
            continue
        return parts, pos


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


def _toml_value_span(line: str, pos: int) -> tuple[int, int, str | None]:
    """(start, end, opener) of the value text on this line; opener names a multi-line value."""
    if line.startswith(('"""', "'''"), pos):
        rest = line.find(line[pos:pos + 3], pos + 3)
        if rest == -1:
            return pos + 3, len(line.rstrip("\r")), line[pos:pos + 3]
        return pos + 3, rest, None
    if pos < len(line) and line[pos] in "\"'":
        quote = line[pos]
        end = pos + 1
        while end < len(line) and line[end] != quote:
            end += 2 if (quote == '"' and line[end] == "\\") else 1
        return pos + 1, min(end, len(line)), None
    end = len(line.rstrip("\r"))
    comment = line.find(" #", pos)
    if comment != -1 and line[pos] != "[" and line[pos] != "{":
        end = comment
    text = line[pos:end].rstrip()
    opener = None
    if text.startswith(("[", "{")) and _bracket_balance(text) > 0:
        opener = "["
    return pos, pos + len(text), opener


def _bracket_balance(text: str) -> int:
    depth, quote = 0, ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth


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
    index = LineIndex.of(text)
    spans: Spans = {}
    table: Any = data
    table_pointer = ""
    skip_until: str | None = None
    depth = 0
    current: dict[str, int] = {}  # array-of-tables pointer -> index of the element being filled
    for number in range(index.line_count):
        start = index.line_start(number + 1)
        end = text.find("\n", start)
        line = text[start:] if end == -1 else text[start:end]
        if skip_until is not None:
            if skip_until in ('"""', "'''"):
                if skip_until in line:
                    skip_until = None
            else:
                depth += _bracket_balance(line)
                if depth <= 0:
                    skip_until = None
            continue
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        header = _TOML_HEADER.match(line)
        if header:
            parsed = _toml_key(line, header.end())
            if parsed is None:
                continue
            parts, _after = parsed
            resolved = _toml_resolve(data, parts, "", current)
            if resolved is None:
                continue
            table, table_pointer = resolved
            key_at = line.find(parts[-1], header.end()) if parts else -1
            if header.group(1) == "[[" and isinstance(table, list) and table:
                at = min(current.get(table_pointer, -1) + 1, len(table) - 1)
                current[table_pointer] = at
                table_pointer = pointer_join(table_pointer, at)
                table = table[at]
            if key_at != -1:
                spans.setdefault(table_pointer, index.span(start + key_at, start + key_at + len(parts[-1])))
            continue
        parsed = _toml_key(line, 0)
        if parsed is None:
            continue
        parts, after = parsed
        if after >= len(line) or line[after] != "=":
            continue
        resolved = _toml_resolve(table, parts, table_pointer, current)
        if resolved is None:
            continue
        value_at = after + 1
        while value_at < len(line) and line[value_at] in " \t":
            value_at += 1
        value_start, value_end, opener = _toml_value_span(line, value_at)
        spans[resolved[1]] = index.span(start + value_start, start + value_end)
        if opener == "[":
            skip_until, depth = "[", _bracket_balance(line[value_at:])
        elif opener:
            skip_until = opener
    return data, spans


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


_PARSERS: dict[str, Callable[[str], tuple[Any, Spans]]] = {
    "json": _parse_json,
    "notebook": _parse_json,
    "yaml": _parse_yaml,
    "toml": _parse_toml,
    "env": _parse_env,
    "ini": _parse_ini,
}
