"""JavaScript/TypeScript/TSX analysis with tree-sitter: token calls, headers, config literals.

Reduces one parsed file to `CodeCall`s (jsonwebtoken, jose, jwt-simple, jsrsasign), `CodeHeader`s
and a document of literal configuration objects. Data flow is deliberately simple: a name is
followed to its last assignment in the enclosing function (or an outer scope), a payload object
to its literal and to `payload.x = ...` mutations. tree-sitter is imported lazily.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from jwtaudit.sources.code import is_credentials_apikey
from jwtaudit.sources.code_common import (
    DEFAULT_ALGORITHM,
    IDENTITY_NAMES,
    IDENTITY_TARGETS,
    JWT_SHAPE,
    KORE_SECRET,
    MAX_DEPTH,
    LineIndex,
    add_scale,
    divisor_steps,
    is_placeholder,
    is_public_key_material,
    normalise,
    url_value,
)
from jwtaudit.subjects import CodeCall, CodeClaim, CodeHeader, Span

PARSE_TIMEOUT_SECONDS = 3.0
MAX_DOC_ENTRIES = 20_000
_SCOPES = frozenset(
    {
        "program", "function_declaration", "function_expression", "arrow_function", "function",
        "method_definition", "generator_function_declaration", "generator_function",
    }
)
_WRAPPERS = frozenset(
    {
        "parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
        "type_assertion", "await_expression",
    }
)
_TRANSPARENT_CALLS = frozenset(
    {"math.floor", "math.round", "math.ceil", "math.trunc", "parseint", "number", "parsefloat"}
)
_SIGNING_MODULES = ("jsonwebtoken", "jose", "jwt-simple", "jsrsasign", "jws", "express-jwt")
_FRONTEND_MODULES = (
    "react", "react-dom", "react-native", "vue", "@angular/", "svelte", "preact", "expo",
    "rn-kore", "kore-web-sdk", "@koredotcom", "next/router", "next/navigation",
)
_SERVER_FRAMEWORKS = (
    "express", "koa", "fastify", "@hapi/hapi", "hapi", "restify", "@nestjs/", "next/server",
    "http", "https", "node:http", "node:https", "aws-lambda",
    "serverless-http", "botkit", "@azure/functions", "firebase-functions",
)
# Node JWT libraries: usually a server's, but a browser bundle can import them too (to read its
# own token), so they alone do not make a file with browser code run on a server.
_SERVER_MODULES = (*_SERVER_FRAMEWORKS, "jsonwebtoken", "jwt-simple")
_BROWSER_GLOBALS = frozenset({"window", "document", "localStorage", "sessionStorage", "navigator"})
_FRONTEND_DIRS = frozenset(
    {"public", "static", "www", "assets", "client", "frontend", "browser", "webapp", "web",
     "widgets", "ios", "android", "ui"}
)


_INDEXED = frozenset(
    {"pair", "shorthand_property_identifier", "call_expression", "new_expression",
     "assignment_expression", "variable_declarator", "public_field_definition", "field_definition",
     "jsx_attribute", "export_statement"}
)


class ParseFailure(Exception):
    """The file could not be analysed as code; the message is the reason (no file content)."""


@dataclass
class JsFacts:
    calls: list[CodeCall] = field(default_factory=list)
    headers: list[CodeHeader] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)
    frontend: bool = False
    server: bool = False


def _language(name: str) -> Any:
    import tree_sitter

    if name == "javascript":
        import tree_sitter_javascript

        return tree_sitter.Language(tree_sitter_javascript.language())
    import tree_sitter_typescript

    if name == "tsx":
        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    return tree_sitter.Language(tree_sitter_typescript.language_typescript())


def parse(data: bytes, language: str) -> Any:
    """Parse with a wall-clock limit; raise ParseFailure on timeout or syntax errors."""
    import time

    import tree_sitter

    parser = tree_sitter.Parser(_language(language))
    deadline = time.monotonic() + PARSE_TIMEOUT_SECONDS

    def read(offset: int, _point: Any) -> bytes:
        return data[offset : offset + 65536]

    def progress(*_args: Any) -> bool:
        return time.monotonic() > deadline

    try:
        tree = parser.parse(read, progress_callback=progress)
    except ValueError:
        raise ParseFailure(f"parsing took longer than {PARSE_TIMEOUT_SECONDS:g}s") from None
    if tree is None:
        raise ParseFailure("parsing was cancelled")
    root = tree.root_node
    if root.has_error:
        bad = _first_error(root)
        where = f" near line {bad.start_point[0] + 1}" if bad is not None else ""
        raise ParseFailure(f"syntax error{where}")
    return tree


def _first_error(root: Any) -> Any:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


def _walk(root: Any) -> Iterator[Any]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.named_children))


class Analysis:
    """One parsed file: scopes, bindings, and the fact extractors."""

    def __init__(self, data: bytes, tree: Any, rel_path: str, language: str) -> None:
        self.data = data
        self.root = tree.root_node
        self.lines = LineIndex(data)
        self.rel_path = rel_path
        self.language = language
        self.assigns: dict[tuple[int, str], list[tuple[int, Any]]] = {}
        self.mutations: dict[str, list[tuple[int, str | None, Any, Any]]] = {}
        self.members: dict[str, list[Any]] = {}
        self.merges: dict[str, list[tuple[int, Any]]] = {}
        self.stores: dict[str, list[Any]] = {}  # name -> `obj.member = name` assignments
        self.nodes: list[Any] = []  # the node kinds later passes need, in source order
        self.bindings: dict[str, tuple[str, str | None]] = {}
        self.calls: list[Any] = []
        self.modules: set[str] = set()
        self.browser_globals = False
        self.facts = JsFacts()
        self._doc_entries = 0

    # --- basics -----------------------------------------------------------------------------

    def text(self, node: Any) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def span(self, node: Any) -> Span:
        return self.lines.span(node.start_point, node.end_point)

    def scope_of(self, node: Any) -> Any:
        current = node.parent
        while current is not None and current.type not in _SCOPES:
            current = current.parent
        return current if current is not None else self.root

    def unwrap(self, node: Any) -> Any:
        depth = 0
        while node is not None and node.type in _WRAPPERS and depth < MAX_DEPTH:
            inner = [c for c in node.named_children if c.type not in ("comment",)]
            if not inner:
                break
            # `<T>expr` (a .ts type assertion) writes the type first; the other wrappers the value
            node = inner[-1] if node.type == "type_assertion" else inner[0]
            depth += 1
        return node

    # --- collection -------------------------------------------------------------------------

    def collect(self) -> None:
        wanted = _INDEXED
        for node in _walk(self.root):
            kind = node.type
            if kind in wanted:
                self.nodes.append(node)
            if kind == "variable_declarator":
                self._declarator(node)
            elif kind == "assignment_expression":
                self._assignment(node)
            elif kind in ("call_expression", "new_expression"):
                self.calls.append(node)
                if kind == "call_expression":
                    self._require(node)
                    self._merge(node)
            elif kind == "import_statement":
                self._import(node)
            elif kind in ("member_expression", "subscript_expression"):
                self._member(node)
            elif kind == "formal_parameters":
                self._parameters(node)
            elif kind == "identifier" and self.text(node) in _BROWSER_GLOBALS:
                parent = node.parent
                if parent is not None and parent.type == "member_expression":
                    self.browser_globals = True

    def _merge(self, node: Any) -> None:
        func = node.child_by_field_name("function")
        if func is None or func.type != "member_expression" or self.text(func) != "Object.assign":
            return
        args = self.args(node)
        target = self.unwrap(args[0]) if args else None
        if target is not None and target.type == "identifier":
            self.merges.setdefault(self.text(target), []).append((node.start_byte, target))

    def _record(self, scope: Any, name: str, position: int, value: Any) -> None:
        self.assigns.setdefault((scope.id, name), []).append((position, value))

    def _declarator(self, node: Any) -> None:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return
        scope = self.scope_of(node)
        if name.type == "identifier":
            self._record(scope, self.text(name), node.start_byte, value)
        elif name.type == "object_pattern" and value is not None:
            self._destructure(name, value, scope)

    def _destructure(self, pattern: Any, value: Any, scope: Any) -> None:
        module = self._required_module(self.unwrap(value))
        for child in pattern.named_children:
            if child.type == "shorthand_property_identifier_pattern":
                local = imported = self.text(child)
            elif child.type == "pair_pattern":
                key, target = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key is None or target is None or target.type != "identifier":
                    continue
                imported, local = self.text(key), self.text(target)
            else:
                continue
            if module is not None:
                self.bindings[local] = (module, imported)
            self._record(scope, local, pattern.start_byte, None)

    def _assignment(self, node: Any) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None:
            return
        if left.type == "identifier":
            self._record(self.scope_of(node), self.text(left), node.start_byte, right)
        elif left.type in ("member_expression", "subscript_expression"):
            obj = left.child_by_field_name("object")
            if obj is not None and obj.type == "identifier":
                key = self._member_key(left)
                self.mutations.setdefault(self.text(obj), []).append(
                    (node.start_byte, key, right, left)
                )
            value = self.unwrap(right) if right is not None else None
            if value is not None and value.type == "identifier":  # `req.user = decoded`
                self.stores.setdefault(self.text(value), []).append(node)

    def _member_key(self, node: Any) -> str | None:
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            return self.text(prop) if prop is not None else None
        index = node.child_by_field_name("index")
        if index is not None:
            index = self.unwrap(index)
            if index.type == "string":
                return self.string_value(index)
        return None

    def _member(self, node: Any) -> None:
        obj = node.child_by_field_name("object")
        depth = 0
        while obj is not None and obj.type in ("member_expression", "subscript_expression") and depth < 8:
            obj = obj.child_by_field_name("object")
            depth += 1
        if obj is not None and obj.type == "identifier":
            self.members.setdefault(self.text(obj), []).append(node)

    def _parameters(self, node: Any) -> None:
        scope = node.parent if node.parent is not None else self.root
        for param in node.named_children:
            target = param
            if param.type in ("required_parameter", "optional_parameter"):
                target = param.child_by_field_name("pattern") or param
            if target.type == "assignment_pattern":
                target = target.child_by_field_name("left") or target
            if target.type == "identifier":
                self._record(scope, self.text(target), -1, None)

    def _required_module(self, node: Any) -> str | None:
        if node is None or node.type != "call_expression":
            return None
        func = node.child_by_field_name("function")
        if func is None or self.text(func) != "require":
            return None
        args = self.args(node)
        if args and args[0].type == "string":
            return self.string_value(args[0])
        return None

    def _require(self, node: Any) -> None:
        module = self._required_module(node)
        if module is None:
            return
        self.modules.add(module)
        parent = node.parent
        if parent is not None and parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                self.bindings[self.text(name)] = (module, None)

    def _import(self, node: Any) -> None:
        source = node.child_by_field_name("source")
        if source is None:
            return
        module = self.string_value(source) or ""
        self.modules.add(module)
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.bindings[self.text(part)] = (module, None)
                elif part.type == "namespace_import":
                    for ident in part.named_children:
                        if ident.type == "identifier":
                            self.bindings[self.text(ident)] = (module, None)
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is not None and alias is not None:
                            self.bindings[self.text(alias)] = (module, self.text(name))

    # --- values -----------------------------------------------------------------------------

    def string_value(self, node: Any) -> str | None:
        node = self.unwrap(node)
        if node is None:
            return None
        if node.type == "string":
            parts = []
            for child in node.named_children:
                if child.type == "string_fragment":
                    parts.append(self.text(child))
                elif child.type == "escape_sequence":
                    parts.append(_unescape(self.text(child)))
            return "".join(parts)
        if node.type == "template_string":
            if any(c.type == "template_substitution" for c in node.named_children):
                return None
            raw = self.text(node)
            return raw[1:-1]
        return None

    def resolve(self, node: Any, depth: int = 0) -> Any:
        """Follow identifiers to the value last assigned to them (bounded)."""
        node = self.unwrap(node)
        while node is not None and node.type in _NAME_NODES and depth < MAX_DEPTH:
            value = self.lookup(node)
            if value is None:
                return node
            node = self.unwrap(value)
            depth += 1
        return node

    def lookup(self, ident: Any) -> Any:
        found = self._entry(ident)
        return found[2] if found is not None else None

    def binding(self, ident: Any) -> tuple[int, int] | None:
        """(scope, position) of the declaration or assignment a name reads: two reads of the same
        name see the same object exactly when their bindings are equal."""
        found = self._entry(ident)
        return (found[0], found[1]) if found is not None else None

    def _entry(self, ident: Any) -> tuple[int, int, Any] | None:
        name = self.text(ident)
        use = ident.start_byte
        scope = self.scope_of(ident)
        nested = False
        while True:
            entries = self.assigns.get((scope.id, name))
            if entries:
                before = [e for e in entries if e[0] < use]
                if before:
                    return scope.id, before[-1][0], before[-1][1]
                if nested:
                    return scope.id, entries[0][0], entries[0][1]
            if scope.type == "program" or scope.parent is None:
                return None
            scope = self.scope_of(scope)
            nested = True

    def strings(self, node: Any) -> tuple[str, ...] | None:
        """A string or an array of strings, resolved; None when any element is unknown."""
        node = self.resolve(node)
        if node is None:
            return None
        single = self.string_value(node)
        if single is not None:
            return (single,)
        if node.type == "array":
            out = []
            for item in node.named_children:
                value = self.string_value(self.resolve(item))
                if value is None:
                    return None
                out.append(value)
            return tuple(out)
        return None

    def object_pairs(self, node: Any, depth: int = 0) -> tuple[dict[str, tuple[Any, Any]], bool] | None:
        """Key -> (key node, value node) of an object literal (spreads followed, and for a name
        the `name.key = value` assignments to the same object before this read), and whether
        every key is known. None when `node` is not an object."""
        use = self.unwrap(node)
        node = self.resolve(node)
        if node is None:
            return None
        if node.type == "call_expression":
            func = node.child_by_field_name("function")
            args = self.args(node)
            if func is not None and self.text(func) == "JSON.stringify" and args:
                return self.object_pairs(args[0], depth + 1)
            return None
        if node.type != "object" or depth > MAX_DEPTH:
            return None
        pairs: dict[str, tuple[Any, Any]] = {}
        complete = True
        for child in node.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                name = self._key_name(key)
                if name is None:
                    complete = False
                    continue
                pairs[name] = (key, value)
            elif child.type == "shorthand_property_identifier":
                pairs[self.text(child)] = (child, child)
            elif child.type == "spread_element":
                inner = child.named_children[0] if child.named_children else None
                nested = self.object_pairs(inner, depth + 1) if inner is not None else None
                if nested is None:
                    complete = False
                else:
                    for name, item in nested[0].items():
                        pairs.setdefault(name, item)
                    complete = complete and nested[1]
        if use is not None and use.type == "identifier":
            complete = self._member_assignments(use, pairs) and complete
        return pairs, complete

    def _member_assignments(self, use: Any, pairs: dict[str, tuple[Any, Any]]) -> bool:
        """Adds `name.key = value` / `name["key"] = value` made before `use` to the object that
        `use` reads (the target stands for the key node); False when one of them, or an
        `Object.assign(name, …)`, adds keys that cannot be named."""
        name = self.text(use)
        complete = True
        binding: Any = _NOTHING_YET
        for position, key, value, target in self.mutations.get(name, ()):
            if position >= use.start_byte:
                break  # collected in source order
            if binding is _NOTHING_YET:
                binding = self.binding(use)
            if self.binding(target.child_by_field_name("object")) != binding:
                continue  # the same name in another function
            if key is None:
                complete = False
            else:
                pairs[key] = (target, value)
        for position, target in self.merges.get(name, ()):
            if position >= use.start_byte:
                break
            if binding is _NOTHING_YET:
                binding = self.binding(use)
            if self.binding(target) == binding:
                complete = False
        return complete

    def _key_name(self, key: Any) -> str | None:
        if key is None:
            return None
        if key.type in ("property_identifier", "number", "private_property_identifier"):
            return self.text(key)
        if key.type == "string":
            return self.string_value(key)
        if key.type == "computed_property_name":
            inner = key.named_children[0] if key.named_children else None
            return self.string_value(self.resolve(inner)) if inner is not None else None
        return None

    def args(self, call: Any) -> list[Any]:
        args = call.child_by_field_name("arguments")
        if args is None:
            return []
        return [a for a in args.named_children if a.type != "comment"]

    def scale(self, node: Any, depth: int = 0) -> int | None:
        """Clock unit of an expression: 0 s, 1 ms, 3 ns; None when not a clock reading."""
        node = self.unwrap(node)
        if node is None or depth > MAX_DEPTH:
            return None
        kind = node.type
        if kind in _NAME_NODES:  # also `{ sub, exp }`: the shorthand names the variable
            value = self.lookup(node)
            return self.scale(value, depth + 1) if value is not None else None
        if kind == "call_expression":
            func = node.child_by_field_name("function")
            if func is None:
                return None
            name = self.text(func)
            lowered = name.lower()
            args = self.args(node)
            if name in ("Date.now", "Date.parse", "Date.UTC", "performance.timeOrigin"):
                return 1
            if func.type == "member_expression":
                prop = self.text(func.child_by_field_name("property"))
                if prop == "getTime":
                    return 1
                if prop == "toMillis":
                    return 1
                if prop == "valueOf":
                    return 1 if self._is_clock(func.child_by_field_name("object")) else None
                if prop in ("unix", "toSeconds"):
                    return 0
            if lowered in _TRANSPARENT_CALLS and args:
                return self.scale(args[0], depth + 1)
            if name == "Number" and args:
                return 1 if self._is_date(args[0]) else self.scale(args[0], depth + 1)
            return None
        if kind == "unary_expression":
            operator = node.child_by_field_name("operator")
            argument = node.child_by_field_name("argument")
            if operator is not None and self.text(operator) == "+" and self._is_date(argument):
                return 1
            if operator is not None and self.text(operator) in ("~", "+"):
                return self.scale(argument, depth + 1)
            return None
        if kind == "binary_expression":
            operator = self.text(node.child_by_field_name("operator"))
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if operator in ("+", "-"):
                return add_scale(self.scale(left, depth + 1), self.scale(right, depth + 1))
            if operator in ("|", ">>", ">>>"):
                return self.scale(left, depth + 1)
            if operator in ("/", "*"):
                base = self.scale(left, depth + 1)
                factor = self._number(right)
                if base is None:
                    base, factor = self.scale(right, depth + 1), self._number(left)
                    if operator == "/":
                        return None
                if base is None or factor is None:
                    return base
                steps = divisor_steps(factor)
                if steps is None:
                    return base
                return base - steps if operator == "/" else base + steps
        return None

    def _is_clock(self, node: Any) -> bool:
        """A Date, or a moment/dayjs/luxon chain (whose valueOf() is milliseconds)."""
        if self._is_date(node):
            return True
        root = self.resolve(node)
        depth = 0
        while root is not None and root.type in ("call_expression", "member_expression") and depth < 12:
            inner = root.child_by_field_name("function") or root.child_by_field_name("object")
            if inner is None:
                break
            root = self.unwrap(inner)
            depth += 1
        return root is not None and self.text(root) in ("moment", "dayjs", "DateTime")

    def _is_date(self, node: Any) -> bool:
        node = self.resolve(node)
        if node is None or node.type != "new_expression":
            return False
        ctor = node.child_by_field_name("constructor")
        return ctor is not None and self.text(ctor) == "Date"

    def _number(self, node: Any) -> float | None:
        node = self.resolve(node)
        if node is None:
            return None
        if node.type == "number":
            try:
                return float(self.text(node).replace("_", ""))
            except ValueError:
                return None
        if node.type == "binary_expression" and self.text(node.child_by_field_name("operator")) == "*":
            left = self._number(node.child_by_field_name("left"))
            right = self._number(node.child_by_field_name("right"))
            if left is not None and right is not None:
                return left * right
        return None

    def truthy_literal(self, node: Any) -> bool | None:
        node = self.resolve(node)
        if node is None:
            return None
        if node.type == "true":
            return True
        if node.type in ("false", "null", "undefined"):
            return False
        if node.type == "number":
            return self.text(node) not in ("0", "0.0")
        return None

    # --- payloads and keys ------------------------------------------------------------------

    def claims(self, payload: Any, call: Any) -> tuple[tuple[CodeClaim, ...] | None, bool]:
        found = self.object_pairs(payload)
        if found is None:
            return None, False
        pairs, complete = found
        claims = [
            CodeClaim(name=name, span=self.span(key), scale=self.scale(value), value_hint=self.hint(value))
            for name, (key, value) in pairs.items()
        ]
        return tuple(claims), complete

    def hint(self, node: Any) -> str:
        """The value's source (and a constant's value), normalised; for Kore-context checks."""
        if node is None or node.end_byte - node.start_byte > 400:
            return ""
        text = self.text(node)
        resolved = self.resolve(node)
        if resolved is not None and resolved is not node and resolved.end_byte - resolved.start_byte <= 400:
            text += " " + self.text(resolved)
        return text.lower()

    def key_literal(self, node: Any, depth: int = 0) -> tuple[str | None, bool]:
        """The literal a signing key is, through simple wrappers; (value, is_fallback)."""
        node = self.resolve(node)
        if node is None or depth > MAX_DEPTH:
            return None, False
        value = self.string_value(node)
        if value is not None:
            return value, False
        if node.type == "binary_expression":
            operator = self.text(node.child_by_field_name("operator"))
            if operator in ("||", "??"):
                right, _ = self.key_literal(node.child_by_field_name("right"), depth + 1)
                if right is not None:
                    return right, True
            return None, False
        if node.type in ("call_expression", "new_expression"):
            func = node.child_by_field_name("function") or node.child_by_field_name("constructor")
            args = self.args(node)
            name = self.text(func) if func is not None else ""
            last = name.rsplit(".", 1)[-1]
            if args and (last in ("from", "createSecretKey", "encode") or name == "Buffer"):
                return self.key_literal(args[0], depth + 1)
            return None, False
        if node.type == "object":
            found = self.object_pairs(node)
            if found:
                for name in ("utf8", "rstr", "hex", "b64", "b64u", "k"):
                    if name in found[0]:
                        return self.key_literal(found[0][name][1], depth + 1)
        return None, False


_NOTHING_YET = object()
# A variable read: a plain identifier, or the shorthand property `{ exp }` (the value of `exp`)
_NAME_NODES = frozenset({"identifier", "shorthand_property_identifier"})


def _unescape(text: str) -> str:
    simple = {"\\n": "\n", "\\t": "\t", "\\r": "\r", "\\'": "'", '\\"': '"', "\\\\": "\\", "\\/": "/"}
    return simple.get(text, text[1:] if len(text) == 2 else text)


# --- classification of calls ----------------------------------------------------------------


def _callee(an: Analysis, call: Any) -> tuple[str, str] | None:
    """(api, function) for a call to a known JWT library, else None."""
    func = an.unwrap(call.child_by_field_name("function"))
    if func is None:
        return None
    if func.type == "identifier":
        binding = an.bindings.get(an.text(func))
        if binding and binding[0] == "express-jwt":
            return "express-jwt", "expressjwt"
        if binding and binding[1] and binding[0] in _SIGNING_MODULES:
            return binding[0], binding[1]
        return None
    if func.type != "member_expression":
        return None
    obj = an.unwrap(func.child_by_field_name("object"))
    prop = an.text(func.child_by_field_name("property"))
    text = an.text(func).replace(" ", "").replace("\n", "")
    if text.endswith(("jws.JWS.sign", "jws.JWS.verify", "jws.JWS.verifyJWT")):
        return "jsrsasign", prop
    if obj is None:
        return None
    module = an._required_module(obj)
    if module is None and obj.type == "identifier":
        name = an.text(obj)
        binding = an.bindings.get(name)
        if binding is not None:
            module = binding[0] if binding[1] is None else None
        elif name in ("jwt", "jsonwebtoken", "JWT"):
            if prop == "encode":
                module = "jwt-simple"
            elif prop == "decode" and len(an.args(call)) >= 2:
                second = an.resolve(an.args(call)[1])
                module = "jsonwebtoken" if second is not None and second.type == "object" else "jwt-simple"
            else:
                module = "jsonwebtoken"
        elif name == "jose":
            module = "jose"
    if module in _SIGNING_MODULES:
        return module, prop
    return None


def _jose_chain(an: Analysis, call: Any) -> tuple[str, Any, list[tuple[str, Any]]] | None:
    """For `new SignJWT(p).setProtectedHeader(...)....sign(key)`: (ctor, new node, methods)."""
    func = call.child_by_field_name("function")
    if func is None or func.type != "member_expression":
        return None
    if an.text(func.child_by_field_name("property")) not in ("sign", "encode"):
        return None
    methods: list[tuple[str, Any]] = []
    node = an.unwrap(func.child_by_field_name("object"))
    depth = 0
    while node is not None and depth < MAX_DEPTH:
        if node.type == "new_expression":
            ctor = node.child_by_field_name("constructor")
            name = an.text(ctor).rsplit(".", 1)[-1] if ctor is not None else ""
            binding = an.bindings.get(an.text(ctor)) if ctor is not None else None
            from_jose = binding is None or binding[0] == "jose" or an.text(ctor).startswith("jose.")
            if name in ("SignJWT", "UnsecuredJWT") and from_jose:
                return name, node, methods
            return None
        if node.type == "call_expression":
            inner = node.child_by_field_name("function")
            if inner is None or inner.type != "member_expression":
                return None
            methods.append((an.text(inner.child_by_field_name("property")), node))
            node = an.unwrap(inner.child_by_field_name("object"))
        elif node.type == "identifier":
            node = an.resolve(node)
            if node is None or node.type == "identifier":
                return None
        else:
            return None
        depth += 1
    return None


def _option(an: Analysis, node: Any, name: str) -> tuple[Any, Any] | None:
    found = an.object_pairs(node) if node is not None else None
    if found is None:
        return None
    return found[0].get(name)


def _sign_call(an: Analysis, call: Any, api: str, payload: Any, key: Any,
               algorithm_node: Any, *, expiry: bool, callee: str) -> CodeCall:
    claims, complete = an.claims(payload, call) if payload is not None else (None, False)
    algorithms = an.strings(algorithm_node) if algorithm_node is not None else None
    literal, fallback = an.key_literal(key) if key is not None else (None, False)
    return CodeCall(
        op="sign",
        api=api,
        callee=callee,
        span=an.span(call),
        claims=claims,
        claims_complete=complete,
        algorithms=algorithms,
        algorithm_given=algorithm_node is not None,
        algorithm_default=DEFAULT_ALGORITHM.get(api),
        algorithm_span=an.span(algorithm_node) if algorithm_node is not None else None,
        key_literal=literal,
        key_span=an.span(key) if key is not None and literal is not None else None,
        key_fallback=fallback,
        expiry_option=expiry,
    )


def _verify_call(an: Analysis, call: Any, api: str, key: Any, algorithm_node: Any, *,
                 callee: str, required: bool, disabled: tuple[str, Any] | None = None,
                 options_unknown: bool = False) -> CodeCall:
    if algorithm_node is not None and _token_chosen(an, algorithm_node, call):
        algorithm_node = None  # the token's own header picks the algorithm: no allow-list at all
    algorithms = an.strings(algorithm_node) if algorithm_node is not None else None
    literal, fallback = an.key_literal(key) if key is not None else (None, False)
    if literal is not None and is_public_key_material(literal):
        literal = None
    return CodeCall(
        op="verify",
        api=api,
        callee=callee,
        span=an.span(call),
        algorithms=algorithms,
        algorithm_given=algorithm_node is not None or options_unknown,
        algorithm_span=an.span(algorithm_node) if algorithm_node is not None else None,
        key_literal=literal,
        key_span=an.span(key) if key is not None and literal is not None else None,
        key_fallback=fallback,
        verification_disabled=disabled[0] if disabled else None,
        disabled_span=an.span(disabled[1]) if disabled else None,
        allow_list_required=required,
    )


_MEMBERS = ("member_expression", "subscript_expression")
_COMPARISONS = frozenset({"===", "!==", "==", "!="})
_MEMBERSHIP = frozenset({"includes", "indexOf", "has"})


def _token_chosen(an: Analysis, algorithms: Any, call: Any) -> bool:
    """An allow-list built from the token's own unverified header (`algorithms:
    [jwt.decode(token, { complete: true }).header.alg]`, or through a variable) that no
    comparison checked beforehand."""
    node = an.resolve(algorithms)
    if node is None:
        return False
    items = node.named_children if node.type == "array" else [algorithms]
    for item in items:
        alg = an.resolve(item)
        if _header_alg_read(an, alg) and not _alg_checked(an, call, {an.text(an.unwrap(item)), an.text(alg)}):
            return True
    return False


def _header_alg_read(an: Analysis, node: Any) -> bool:
    """`decoded.header.alg` of an unverified decode (`jwt.decode(t, { complete: true })`,
    `jws.decode(t)`), or `.alg` of a decoded header (jose `decodeProtectedHeader(t)`, jwt-decode
    `jwtDecode(t, { header: true })`); directly or through variables."""
    if node is None or node.type not in _MEMBERS or an._member_key(node) != "alg":
        return False
    base = an.resolve(node.child_by_field_name("object"))
    if base is None:
        return False
    if base.type == "call_expression":
        name = _called_name(an, base)
        args = an.args(base)
        header = _option(an, args[1], "header") if len(args) > 1 else None
        return name == "decodeProtectedHeader" or (
            "decode" in name.lower() and header is not None and an.truthy_literal(header[1]) is True)
    if base.type not in _MEMBERS or an._member_key(base) != "header":
        return False
    owner = an.resolve(base.child_by_field_name("object"))
    return (owner is not None and owner.type == "call_expression"
            and "decode" in _called_name(an, owner).lower())


def _called_name(an: Analysis, call: Any) -> str:
    """The last name of a call's function (`decode` for `jwt.decode(…)`)."""
    func = an.unwrap(call.child_by_field_name("function"))
    if func is None:
        return ""
    if func.type == "member_expression":
        prop = func.child_by_field_name("property")
        return an.text(prop) if prop is not None else ""
    return an.text(func) if func.type == "identifier" else ""


def _alg_checked(an: Analysis, call: Any, texts: set[str]) -> bool:
    """A check before `call` in its function of the header's algorithm against known ones
    (`if (decoded.header.alg !== "RS256") throw …`, `if (!ALLOWED.includes(alg)) …`)."""
    for node in _walk(an.scope_of(call)):
        if node.start_byte >= call.start_byte:
            continue
        if node.type == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is None or an.text(operator) not in _COMPARISONS:
                continue
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None:
                continue
            if an.text(an.unwrap(left)) in texts:
                other = right
            elif an.text(an.unwrap(right)) in texts:
                other = left
            else:
                continue
            value = an.string_value(an.resolve(other))
            if value is not None and value.lower() != "none":
                return True
        elif node.type == "call_expression":
            func = node.child_by_field_name("function")
            if func is None or func.type != "member_expression":
                continue
            prop = func.child_by_field_name("property")
            if prop is not None and an.text(prop) in _MEMBERSHIP and any(
                    an.text(an.unwrap(arg)) in texts for arg in an.args(node)):
                return True
    return False


def _identity_use(an: Analysis, call: Any) -> bool:
    node = call
    parent = node.parent
    depth = 0
    while parent is not None and parent.type in _WRAPPERS and depth < 8:
        node, parent = parent, parent.parent
        depth += 1
    if parent is None:
        return False
    if parent.type in ("member_expression", "subscript_expression"):
        key = an._member_key(parent)
        return key is not None and normalise(key) in IDENTITY_NAMES
    target = None
    if parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
    elif parent.type == "assignment_expression":
        target = parent.child_by_field_name("left")
        if target is not None and target.type != "identifier":
            last = normalise(an.text(target).rsplit(".", 1)[-1])
            return last in IDENTITY_TARGETS
    if target is None:
        return False
    if target.type == "object_pattern":
        for child in target.named_children:
            name_node = child if child.type == "shorthand_property_identifier_pattern" else (
                child.child_by_field_name("key") if child.type == "pair_pattern" else None)
            if name_node is not None and normalise(an.text(name_node)) in IDENTITY_NAMES:
                return True
        return False
    if target.type != "identifier":
        return False
    name = an.text(target)
    for member in an.members.get(name, ()):
        if member.start_byte <= call.start_byte:
            continue
        key = an._member_key(member)
        if key is not None and normalise(key) in IDENTITY_NAMES:
            return True
    return _stored_as_identity(an, name, (an.scope_of(parent).id, parent.start_byte), call)


def _stored_as_identity(an: Analysis, name: str, binding: tuple[int, int], call: Any) -> bool:
    """`req.user = decoded` (`res.locals.user`, `ctx.state.claims` …) after `decoded` was set
    to the call's result: the decoded claims become the caller's identity."""
    for assignment in an.stores.get(name, ()):
        if assignment.start_byte <= call.start_byte:
            continue
        left = assignment.child_by_field_name("left")
        right = an.unwrap(assignment.child_by_field_name("right"))
        if left is None or right is None or an.binding(right) != binding:
            continue
        key = an._member_key(left)
        if key is not None and normalise(key) in IDENTITY_TARGETS:
            return True
    return False


def _nestjs(an: Analysis, call: Any) -> CodeCall | None:
    """@nestjs/jwt: `JwtModule.register({secret, signOptions})` sets the key and algorithm that
    `JwtService.sign` uses; `jwtService.sign(payload, {secret, algorithm, expiresIn})` signs.
    The module options are not visible at a `sign` call, so its expiry is taken as set."""
    func = call.child_by_field_name("function")
    if func is None or func.type != "member_expression":
        return None
    prop = an.text(func.child_by_field_name("property"))
    owner = an.text(func.child_by_field_name("object"))
    args = an.args(call)
    if not args:
        return None
    if prop == "register" and owner == "JwtModule":
        options, payload = args[0], None
        sign_options = _option(an, options, "signOptions")
        alg = _option(an, sign_options[1], "algorithm") if sign_options else None
    elif prop in ("sign", "signAsync") and "jwtservice" in normalise(owner.rsplit(".", 1)[-1]):
        options = args[1] if len(args) > 1 else None
        payload = args[0]
        alg = _option(an, options, "algorithm")
    else:
        return None
    secret = _option(an, options, "secret") or _option(an, options, "privateKey")
    return _sign_call(an, call, "@nestjs/jwt", payload, secret[1] if secret else None,
                      alg[1] if alg else None, expiry=True, callee=an.text(func))


def classify(an: Analysis, call: Any) -> CodeCall | None:
    if call.type == "call_expression":
        chain = _jose_chain(an, call)
        if chain is not None:
            return _jose_sign(an, call, *chain)
    if call.type != "call_expression":
        return None
    if "@nestjs/jwt" in an.modules:
        nest = _nestjs(an, call)
        if nest is not None:
            return nest
    found = _callee(an, call)
    if found is None:
        return None
    api, fn = found
    args = an.args(call)
    callee = an.text(call.child_by_field_name("function"))

    def arg(i: int) -> Any:
        return args[i] if len(args) > i else None

    if api == "jsonwebtoken":
        options = arg(2)
        if options is not None and an.resolve(options) is not None and an.resolve(options).type in (
            "arrow_function", "function_expression", "function"
        ):
            options = None
        if fn == "sign":
            alg = _option(an, options, "algorithm")
            found = an.object_pairs(options) if options is not None else None
            unknown = options is not None and (found is None or not found[1])
            expiry = _option(an, options, "expiresIn") is not None or unknown
            return _sign_call(an, call, api, arg(0), arg(1), alg[1] if alg else None,
                              expiry=expiry, callee=callee)
        if fn == "verify":
            alg = _option(an, options, "algorithms")
            unknown = options is not None and an.object_pairs(options) is None
            return _verify_call(an, call, api, arg(1), alg[1] if alg else None, callee=callee,
                                required=True, options_unknown=unknown)
        if fn == "decode":
            return CodeCall(op="decode", api=api, callee=callee, span=an.span(call),
                            identity_use=_identity_use(an, call))
        return None
    if api == "jose":
        if fn == "jwtVerify":
            alg = _option(an, arg(2), "algorithms")
            return _verify_call(an, call, api, arg(1), alg[1] if alg else None, callee=callee,
                                required=False)
        if fn == "decodeJwt":
            return CodeCall(op="decode", api=api, callee=callee, span=an.span(call),
                            identity_use=_identity_use(an, call))
        return None
    if api == "jwt-simple":
        if fn == "encode":
            return _sign_call(an, call, api, arg(0), arg(1), arg(2), expiry=False, callee=callee)
        if fn == "decode":
            no_verify = an.truthy_literal(arg(2)) if arg(2) is not None else False
            disabled = ("noVerify = true", arg(2)) if no_verify else None
            return _verify_call(an, call, api, arg(1), arg(3), callee=callee, required=True,
                                disabled=disabled)
        return None
    if api == "jws":
        if fn == "sign" or fn == "createSign":
            header = _option(an, arg(0), "header")
            alg = _option(an, header[1], "alg") if header else None
            payload = _option(an, arg(0), "payload")
            key = _option(an, arg(0), "secret") or _option(an, arg(0), "privateKey")
            return _sign_call(an, call, api, payload[1] if payload else None, key[1] if key else None,
                              alg[1] if alg else None, expiry=False, callee=callee)
        if fn == "verify":
            return _verify_call(an, call, api, arg(2), arg(1), callee=callee, required=True)
        if fn == "decode":
            return CodeCall(op="decode", api=api, callee=callee, span=an.span(call),
                            identity_use=_identity_use(an, call))
        return None
    if api == "express-jwt":
        secret = _option(an, arg(0), "secret")
        algs = _option(an, arg(0), "algorithms")
        unknown = arg(0) is not None and an.object_pairs(arg(0)) is None
        return _verify_call(an, call, api, secret[1] if secret else None, algs[1] if algs else None,
                            callee=callee, required=True, options_unknown=unknown)
    if api == "jsrsasign":
        if fn == "sign":
            header = an.object_pairs(arg(1)) if arg(1) is not None else None
            alg_node = arg(0)
            if (alg_node is None or an.resolve(alg_node).type == "null") and header and "alg" in header[0]:
                alg_node = header[0]["alg"][1]
            return _sign_call(an, call, api, arg(2), arg(3), alg_node, expiry=False, callee=callee)
        if fn == "verifyJWT":
            alg = _option(an, arg(2), "alg")
            return _verify_call(an, call, api, arg(1), alg[1] if alg else None, callee=callee,
                                required=False)
        if fn == "verify":
            return _verify_call(an, call, api, arg(1), arg(2), callee=callee, required=True)
    return None


def _jose_sign(an: Analysis, call: Any, ctor: str, new: Any, methods: list[tuple[str, Any]]) -> CodeCall:
    payload = an.args(new)[0] if an.args(new) else None
    if ctor == "UnsecuredJWT":
        claims, complete = an.claims(payload, call) if payload is not None else (None, False)
        return CodeCall(op="sign", api="jose", callee="new UnsecuredJWT().encode", span=an.span(call),
                        claims=claims, claims_complete=complete, algorithms=("none",),
                        algorithm_given=True, algorithm_span=an.span(new),
                        expiry_option=any(name == "setExpirationTime" for name, _ in methods))
    alg_node = None
    expiry = False
    clock: list[CodeClaim] = []
    claim_setters = {"setIssuedAt": "iat", "setExpirationTime": "exp", "setNotBefore": "nbf"}
    for name, node in methods:
        args = an.args(node)
        if name == "setProtectedHeader" and args:
            found = _option(an, args[0], "alg")
            if found:
                alg_node = found[1]
        if name == "setExpirationTime":
            expiry = True
        if name in claim_setters and args:
            prop = node.child_by_field_name("function").child_by_field_name("property")
            span = an.lines.span(prop.start_point, node.end_point)
            clock.append(CodeClaim(name=claim_setters[name], span=span, scale=an.scale(args[0])))
    key = an.args(call)[0] if an.args(call) else None
    result = _sign_call(an, call, "jose", payload, key, alg_node, expiry=expiry, callee="new SignJWT().sign")
    return replace(result, clock_args=tuple(clock))


# --- headers (CFG004) -----------------------------------------------------------------------


def _headers(an: Analysis) -> list[CodeHeader]:
    out: list[CodeHeader] = []
    mentions_kore = b"kore" in an.data.lower()
    for node in an.nodes:
        if node.type == "pair":
            key = node.child_by_field_name("key")
            name = an._key_name(key)
            if name is None or name.lower() != "apikey" or not _in_headers(an, node):
                continue
            value = node.child_by_field_name("value")
        elif node.type == "shorthand_property_identifier":
            name = an.text(node)
            if name.lower() != "apikey" or not _in_headers(an, node):
                continue
            value, key = node, node
        elif node.type == "call_expression":
            func = node.child_by_field_name("function")
            args = an.args(node)
            if func is None or func.type != "member_expression" or len(args) < 2:
                continue
            method = an.text(func.child_by_field_name("property"))
            header = an.string_value(args[0])
            if method not in ("setHeader", "set", "append", "header", "setRequestHeader"):
                continue
            if header is None or header.lower() != "apikey":
                continue
            key, value, name = args[0], args[1], header
        elif node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            if left is None or left.type not in ("member_expression", "subscript_expression"):
                continue
            name = an._member_key(left) or ""
            obj = left.child_by_field_name("object")
            if name.lower() != "apikey" or obj is None or "header" not in an.text(obj).lower():
                continue
            key, value = left, node.child_by_field_name("right")
        else:
            continue
        ref = _secret_ref(an, value, mentions_kore)
        if ref is not None:
            literal, _ = an.key_literal(value)
            out.append(CodeHeader(name=name, span=an.span(key), secret_ref=ref, value=literal))
    return out


def _in_headers(an: Analysis, pair: Any) -> bool:
    obj = pair.parent
    if obj is None or obj.type != "object":
        return False
    holder = obj.parent
    if holder is None:
        return False
    if holder.type == "pair":
        name = an._key_name(holder.child_by_field_name("key"))
        return name is not None and "header" in name.lower()
    if holder.type == "variable_declarator":
        name = holder.child_by_field_name("name")
        return name is not None and "header" in an.text(name).lower()
    if holder.type == "assignment_expression":
        left = holder.child_by_field_name("left")
        return left is not None and "header" in an.text(left).lower()
    return False


def _secret_ref(an: Analysis, value: Any, mentions_kore: bool) -> str | None:
    if value is None:
        return None
    literal, _ = an.key_literal(value)
    if literal is not None:
        if is_placeholder(literal) or JWT_SHAPE.match(literal):
            return None
        if KORE_SECRET.match(literal):
            return "a literal with the shape of a Kore client secret"
        return "a literal value" if mentions_kore else None
    source = an.text(an.unwrap(value))
    if "secret" in normalise(source):
        return "a value named like the client secret"
    resolved = an.resolve(value)
    if is_credentials_apikey(source) or (resolved is not None and is_credentials_apikey(an.text(resolved))):
        return "the BotKit credentials.apikey (the client secret)"
    if _credentials_apikey_member(an, resolved):
        return "the BotKit credentials.apikey (the client secret)"
    return None


def _credentials_apikey_member(an: Analysis, node: Any) -> bool:
    """`creds.apikey` where `creds` holds BotKit's credentials: `config.credentials`, one bot's
    `config.credentials[botId]`, an `||` of them, or what a function of the file returns
    (`getCredentials(botId)`)."""
    if node is None or node.type not in ("member_expression", "subscript_expression"):
        return False
    if (an._member_key(node) or "").lower() != "apikey":
        return False
    return _holds_credentials(an, node.child_by_field_name("object"), 0)


def _holds_credentials(an: Analysis, node: Any, depth: int) -> bool:
    node = an.resolve(node)
    if node is None or depth > 8:
        return False
    if _is_credentials(an, node):
        return True
    kind = node.type
    if kind == "subscript_expression":  # `credentials[botId]`: one bot's credentials
        return _is_credentials(an, an.unwrap(node.child_by_field_name("object")))
    if kind == "binary_expression":
        operator = node.child_by_field_name("operator")
        if operator is None or an.text(operator) not in ("||", "??"):
            return False
        return any(_holds_credentials(an, node.child_by_field_name(side), depth + 1)
                   for side in ("left", "right"))
    if kind == "ternary_expression":
        return any(_holds_credentials(an, node.child_by_field_name(side), depth + 1)
                   for side in ("consequence", "alternative"))
    if kind == "call_expression":
        return any(_holds_credentials(an, returned, depth + 1) for returned in _returns(an, node))
    return False


def _is_credentials(an: Analysis, node: Any) -> bool:
    """`config.credentials`, `config["credentials"]`, or a name `credentials` (a parameter, a
    destructured binding)."""
    if node is None:
        return False
    if node.type == "identifier":
        return an.text(node).lower() == "credentials"
    if node.type in ("member_expression", "subscript_expression"):
        return (an._member_key(node) or "").lower() == "credentials"
    return False


_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function", "function"})
_MAX_RETURNS = 20


def _returns(an: Analysis, call: Any) -> list[Any]:
    """The values a function of the file called by name returns (`function getCredentials(id)
    { return … }`, `const getCredentials = (id) => …`); [] for anything else."""
    func = an.unwrap(call.child_by_field_name("function"))
    if func is None or func.type != "identifier":
        return []
    name = an.text(func)
    target = an.resolve(func)
    if target is None or target.type not in _FUNCTIONS:
        target = next((node for node in _walk(an.root) if node.type == "function_declaration"
                       and an.text(node.child_by_field_name("name") or node) == name), None)
    body = target.child_by_field_name("body") if target is not None else None
    if body is None:
        return []
    if body.type != "statement_block":
        return [body]  # `(id) => config.credentials[id]`
    out: list[Any] = []
    stack = list(body.named_children)
    while stack and len(out) < _MAX_RETURNS:
        node = stack.pop()
        if node.type == "return_statement":
            out.extend(node.named_children[:1])
        elif node.type not in _FUNCTIONS and node.type != "class_declaration":
            stack.extend(node.named_children)
    return out


# --- literal configuration objects (document view) -------------------------------------------


def _config_document(an: Analysis) -> None:
    for node in an.nodes:
        kind = node.type
        path: list[str] | None = None
        value = None
        anchor = node
        if kind == "variable_declarator":
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if name is not None and name.type == "identifier":
                path, anchor = [an.text(name)], name
        elif kind == "assignment_expression":
            left = node.child_by_field_name("left")
            value = node.child_by_field_name("right")
            path = _member_path(an, left) if left is not None else None
            anchor = left
        elif kind == "export_statement" and node.child_by_field_name("value") is not None:
            # `export default { jwtServerUrl: … }`: the config object has no name of its own
            path, anchor, value = ["default"], node, node.child_by_field_name("value")
        elif kind in ("public_field_definition", "field_definition"):
            name = node.child_by_field_name("name") or node.child_by_field_name("property")
            value = node.child_by_field_name("value")
            if name is not None:
                path, anchor = [an.text(name)], name
        elif kind == "jsx_attribute":
            children = node.named_children
            if len(children) == 2 and children[1].type == "jsx_expression" and children[1].named_children:
                path, anchor, value = [an.text(children[0])], children[0], children[1].named_children[0]
        elif kind in ("call_expression", "new_expression") and not _is_require(an, node):
            func = node.child_by_field_name("function") or node.child_by_field_name("constructor")
            if func is None:
                continue
            name = an.text(func) if func.end_byte - func.start_byte <= 80 else "<expression>"
            name = " ".join(name.split()) + "()"
            for index, arg in enumerate(an.args(node)):
                arg = an.unwrap(arg)
                if arg is None:
                    continue
                if arg.type == "object":
                    _put(an, [name], arg, func)
                elif arg.type in ("string", "template_string", "binary_expression"):
                    url = _scalar(an, arg)
                    if isinstance(url, str) and url_value(url, built=False) is not None:
                        label = ("new " if kind == "new_expression" else "") + name[:-2]
                        _put(an, [name, _argument_key(an, name, label, index)], arg, arg)
            continue
        if path and value is not None:
            value = an.unwrap(value)
            if value is not None and (value.type == "object" or _scalar(an, value) is not _NOTHING):
                _put(an, path, value, anchor)


def _argument_key(an: Analysis, container: str, label: str, index: int) -> str:
    """The key a URL argument of a call is kept under, which names the call (`the URL passed to
    fetch`); a later call of the same name gets the next number (`… #2`), not the same key."""
    key = f"the URL passed to {label}" if index == 0 else f"argument {index + 1} of {label}"
    taken = an.facts.data.get(container)
    base, number = key, 2
    while isinstance(taken, dict) and key in taken:
        key, number = f"{base} #{number}", number + 1
    return key


def _is_require(an: Analysis, node: Any) -> bool:
    func = node.child_by_field_name("function")
    return func is not None and an.text(func) == "require"


def _member_path(an: Analysis, node: Any) -> list[str] | None:
    parts: list[str] = []
    depth = 0
    while node is not None and depth < 12:
        node = an.unwrap(node)
        if node.type == "identifier" or node.type == "this":
            parts.append(an.text(node))
            return list(reversed(parts))
        if node.type in ("member_expression", "subscript_expression"):
            key = an._member_key(node)
            if key is None:
                return None
            parts.append(key)
            node = node.child_by_field_name("object")
        else:
            return None
        depth += 1
    return None


_NOTHING = object()


def _scalar(an: Analysis, node: Any) -> Any:
    if node.type in ("string", "template_string", "binary_expression"):
        value = an.string_value(node)
        if value is None and node.type != "string":
            built = _built_url(an, node)
            return _NOTHING if built is None else built[0]
        return _NOTHING if value is None else value
    if node.type == "number":
        text = an.text(node).replace("_", "")
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return _NOTHING
    if node.type in ("true", "false"):
        return node.type == "true"
    if node.type == "null":
        return None
    return _NOTHING


def _put(an: Analysis, path: list[str], value: Any, anchor: Any) -> None:
    from jwtaudit.subjects import pointer_join

    facts = an.facts
    container: dict[str, Any] = facts.data
    pointer = ""
    for part in path[:-1]:
        pointer = pointer_join(pointer, part)
        existing = container.get(part)
        if not isinstance(existing, dict):
            existing = {}
            container[part] = existing
            facts.spans.setdefault(pointer, an.span(anchor))
        container = existing
    pointer = pointer_join(pointer, path[-1])
    _store(an, container, path[-1], pointer, value, anchor, 0)


def _store(an: Analysis, container: dict[str, Any] | list[Any], key: Any, pointer: str,
           value: Any, anchor: Any, depth: int) -> None:
    from jwtaudit.subjects import pointer_join

    if an._doc_entries >= MAX_DOC_ENTRIES or depth > MAX_DEPTH:
        return
    value = an.unwrap(value)
    if value is None:
        return
    if value.type == "object":
        target = container.get(key) if isinstance(container, dict) else None
        if not isinstance(target, dict):
            target = {}
        _assign(container, key, target)
        an.facts.spans[pointer] = an.span(anchor)
        an._doc_entries += 1
        for child in value.named_children:
            if child.type != "pair":
                continue
            child_key = an._key_name(child.child_by_field_name("key"))
            if child_key is None:
                continue
            _store(an, target, child_key, pointer_join(pointer, child_key),
                   child.child_by_field_name("value"), child.child_by_field_name("key"), depth + 1)
        return
    if value.type == "array":
        items: list[Any] = []
        _assign(container, key, items)
        an.facts.spans[pointer] = an.span(anchor)
        for index, item in enumerate(value.named_children):
            scalar = _scalar(an, item)
            items.append(None if scalar is _NOTHING else scalar)
            if scalar is not _NOTHING:
                an.facts.spans[pointer_join(pointer, index)] = _value_span(an, item)
        return
    scalar = _scalar(an, value)
    if scalar is _NOTHING:
        return
    _assign(container, key, scalar)
    an.facts.spans[pointer] = _value_span(an, value)
    an._doc_entries += 1


def _value_span(an: Analysis, node: Any) -> Span:
    """A string's contents without its quotes (as for JSON documents), a built URL's literal
    prefix; other scalars as written."""
    if node.type in ("template_string", "binary_expression"):
        built = _built_url(an, node)
        if built is not None:
            return built[1]
    if node.type in ("string", "template_string") and node.end_byte - node.start_byte >= 2:
        start, end = node.start_point, node.end_point
        return an.lines.span((start[0], start[1] + 1), (end[0], end[1] - 1))
    return an.span(node)


def _built_url(an: Analysis, node: Any) -> tuple[str, Span] | None:
    """A URL built in code (`` `http://host/api/${id}` ``, `"http://host/api/" + id`): the text
    of its literal prefix and the prefix's place, when the prefix holds the scheme and the whole
    host (`url_value`); strings joined with `+` alone are the URL they make."""
    leaves, complete = _concatenated(an, node)
    if not leaves or leaves[0].type not in ("string", "template_string"):
        return None
    first = leaves[0]
    start = end = (first.start_point[0], first.start_point[1] + 1)
    parts: list[str] = []
    built = not complete
    for leaf in leaves:
        cut = None
        if leaf.type == "string":
            parts.append(an.string_value(leaf) or "")
        elif leaf.type == "template_string":
            cut = next((c for c in leaf.named_children if c.type == "template_substitution"), None)
            parts.append(_template_prefix(an, leaf, cut))
        else:
            built = True
            break
        if cut is not None:
            end, built = cut.start_point, True
            break
        end = (leaf.end_point[0], leaf.end_point[1] - 1)
    url = url_value("".join(parts), built=built)
    return (url, an.lines.span(start, end)) if url is not None else None


_MAX_CONCATENATED = 200


def _concatenated(an: Analysis, node: Any) -> tuple[list[Any], bool]:
    """The operands of a `+` chain in source order (a single operand for anything else), and
    whether all were read (the walk is bounded)."""
    leaves: list[Any] = []
    pending = [node]
    steps = 0
    while pending and steps < _MAX_CONCATENATED:
        steps += 1
        current = an.unwrap(pending.pop())
        if current is None:
            return leaves, False
        operator = current.child_by_field_name("operator") if current.type == "binary_expression" else None
        if operator is not None and an.text(operator) == "+":
            right, left = current.child_by_field_name("right"), current.child_by_field_name("left")
            if left is None or right is None:
                return leaves, False
            pending += [right, left]
        else:
            leaves.append(current)
    return leaves, not pending


def _template_prefix(an: Analysis, template: Any, cut: Any) -> str:
    """The text of a template literal before `cut` (its first `${…}`; all of it when None)."""
    parts: list[str] = []
    for child in template.named_children:
        if child is cut or (cut is not None and child.start_byte >= cut.start_byte):
            break
        if child.type == "string_fragment":
            parts.append(an.text(child))
        elif child.type == "escape_sequence":
            parts.append(_unescape(an.text(child)))
    return "".join(parts)


def _assign(container: dict[str, Any] | list[Any], key: Any, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value


# --- entry ----------------------------------------------------------------------------------


def _frontend(an: Analysis, server: bool) -> bool:
    """Runs in a browser or app: JSX, UI imports, browser globals, SDK config names; a
    frontend-looking folder counts only when the file is not clearly server code."""
    path = an.rel_path.replace("\\", "/").lower()
    name = path.rsplit("/", 1)[-1]
    if path.endswith((".jsx", ".tsx")) or an.browser_globals:
        return True
    if "kore-config" in name or "widgets-config" in name or "botconfig" in name:
        return True
    if name.startswith("environment") and "/environments/" in f"/{path}":
        return True  # Angular's environment.ts is compiled into the browser bundle
    if any(m == f or m.startswith(f) for m in an.modules for f in _FRONTEND_MODULES):
        return True
    return not server and bool(set(path.split("/")[:-1]) & _FRONTEND_DIRS)


def _server(an: Analysis, modules: tuple[str, ...] = _SERVER_MODULES) -> bool:
    return any(m == s or m.startswith(s) for m in an.modules for s in modules)


def _browser_only(an: Analysis) -> bool:
    """Nothing but a browser or app runs the file: frontend with no server import, or a script
    that reads browser globals (`localStorage`, `document` …) and imports a JWT library but no
    server framework (JSX or a UI import alone is not enough: a page can render on the server).
    Such a file decoding its own token trusts nothing."""
    if an.facts.frontend and not an.facts.server:
        return True
    return an.browser_globals and not _server(an, _SERVER_FRAMEWORKS)


def analyse(rel_path: str, data: bytes, language: str, *, browser: bool = False) -> JsFacts:
    """The facts of one file; `browser`: the code is a page's inline scripts (runs in a browser)."""
    tree = parse(data, language)
    an = Analysis(data, tree, rel_path, language)
    an.collect()
    an.facts.server = not browser and _server(an)
    an.facts.frontend = browser or _frontend(an, an.facts.server)
    browser_only = _browser_only(an)
    for call in an.calls:
        found = classify(an, call)
        if found is None:
            continue
        if browser_only and found.identity_use:
            # A page reading its own token to show the user's name trusts nothing: no server here.
            found = replace(found, identity_use=False)
        an.facts.calls.append(found)
    an.facts.headers = _headers(an)
    _config_document(an)
    return an.facts
