"""Python analysis with the standard `ast`: token calls and request headers.

Covers PyJWT, python-jose, authlib, joserfc and jwcrypto. Data flow is simple on purpose: a
name is followed to its last assignment before the use in the enclosing function (or to the
module's), a payload dict to its literal, `payload["exp"] = ...` and `payload.update(...)`;
keyword arguments passed as `**mapping` are read from the mapping the same way.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

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
from jwtaudit.subjects import CodeCall, CodeClaim, CodeHeader, Span, pointer_join

_MODULES = {
    "jwt": "pyjwt",
    "jose.jwt": "python-jose",
    "jose.jws": "python-jose-jws",
    "authlib.jose.jwt": "authlib",
    "authlib.jose": "authlib-pkg",
    "joserfc.jwt": "joserfc",
    "jwcrypto.jwt": "jwcrypto",
    "jwcrypto.jwk": "jwcrypto-jwk",
}
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_TRANSPARENT = frozenset({"int", "round", "math.floor", "math.ceil", "math.trunc", "float", "abs"})


class ParseFailure(Exception):
    """The file could not be analysed as Python; the message is the reason."""


@dataclass
class PyFacts:
    calls: list[CodeCall] = field(default_factory=list)
    headers: list[CodeHeader] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)


def _dotted(node: ast.AST | None) -> str:
    parts: list[str] = []
    depth = 0
    while isinstance(node, ast.Attribute) and depth < 20:
        parts.append(node.attr)
        node = node.value
        depth += 1
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


class Analysis(ast.NodeVisitor):
    def __init__(self, tree: ast.Module, data: bytes, text: str) -> None:
        self.tree = tree
        self.lines = LineIndex(data)
        self.text = text
        self.bindings: dict[str, str] = {}  # local name -> dotted origin ("jwt", "jose.jwt.encode")
        self.assigns: dict[tuple[int, str], list[tuple[tuple[int, int], ast.AST | None]]] = {}
        self.mutations: dict[tuple[int, str], list[tuple[tuple[int, int], str | None, ast.AST, ast.AST]]] = {}
        self.parents: dict[int, ast.AST] = {}
        self.scope: dict[int, ast.AST] = {}
        self.calls: list[ast.Call] = []
        self.subscripts: dict[str, list[ast.AST]] = {}
        self.header_candidates: list[ast.AST] = []
        self._source_lines = data.split(b"\n")

    # --- collection -------------------------------------------------------------------------

    def collect(self) -> None:
        stack: list[tuple[ast.AST, ast.AST]] = [(self.tree, self.tree)]
        while stack:
            node, scope = stack.pop()
            self.scope[id(node)] = scope
            inner = node if isinstance(node, _SCOPES) else scope
            if isinstance(node, _SCOPES):
                args = node.args
                for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
                    if arg is not None:
                        self._record(node, arg.arg, (0, 0), None)
            elif isinstance(node, (ast.Dict, ast.Assign)):
                self.header_candidates.append(node)
            self._visit_one(node, scope)
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node
                stack.append((child, inner))

    def _record(self, scope: ast.AST, name: str, pos: tuple[int, int], value: ast.AST | None) -> None:
        self.assigns.setdefault((id(scope), name), []).append((pos, value))

    def _visit_one(self, node: ast.AST, scope: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                self.bindings[local] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                self.bindings[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                self._target(target, node.value, node, scope)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            self._record(scope, node.target.id, _pos(node), None)
        elif isinstance(node, ast.Call):
            self.calls.append(node)
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr == "update":
                name = func.value.id
                keys = _dict_keys(node.args[0]) if node.args else []
                for kw in node.keywords:
                    keys.append((kw.arg, kw.value, kw))
                if node.args and not isinstance(node.args[0], ast.Dict):
                    keys.append((None, node, node))
                for key, value, key_node in keys:
                    entry = (_pos(node), key, value, key_node)
                    self.mutations.setdefault((id(scope), name), []).append(entry)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            self.subscripts.setdefault(node.value.id, []).append(node)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            self.subscripts.setdefault(node.value.id, []).append(node)

    def _target(self, target: ast.AST, value: ast.AST | None, stmt: ast.AST, scope: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self._record(scope, target.id, _pos(stmt), value)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and value is not None:
            key = _const_str(target.slice)
            self.mutations.setdefault((id(scope), target.value.id), []).append(
                (_pos(stmt), key, value, target)
            )
        elif isinstance(target, (ast.Tuple, ast.List)):
            for item in target.elts:
                if isinstance(item, ast.Name):
                    self._record(scope, item.id, _pos(stmt), None)

    # --- values -----------------------------------------------------------------------------

    def span(self, node: ast.AST) -> Span:
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        col = getattr(node, "col_offset", 0)
        end_col = getattr(node, "end_col_offset", None)
        end_col = col if end_col is None else end_col
        return self.lines.span((line - 1, col), (end_line - 1, end_col))

    def scope_chain(self, node: ast.AST) -> list[ast.AST]:
        chain = []
        scope = self.scope.get(id(node), self.tree)
        depth = 0
        while depth < MAX_DEPTH:
            chain.append(scope)
            if scope is self.tree:
                break
            scope = self.scope.get(id(scope), self.tree)
            depth += 1
        return chain

    def lookup(self, name_node: ast.Name) -> ast.AST | None:
        use = _pos(name_node)
        for index, scope in enumerate(self.scope_chain(name_node)):
            entries = self.assigns.get((id(scope), name_node.id))
            if not entries:
                continue
            before = sorted((e for e in entries if e[0] < use), key=lambda e: e[0])
            if before:
                return before[-1][1]
            if index > 0:
                return max(entries, key=lambda e: e[0])[1]
            return None
        return None

    def resolve(self, node: ast.AST | None, depth: int = 0) -> ast.AST | None:
        while isinstance(node, ast.Name) and depth < MAX_DEPTH:
            value = self.lookup(node)
            if value is None:
                return node
            node = value
            depth += 1
        if isinstance(node, ast.Await):
            return self.resolve(node.value, depth + 1)
        return node

    def string(self, node: ast.AST | None) -> str | None:
        node = self.resolve(node)
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            value = node.value
            return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        return None

    def strings(self, node: ast.AST | None) -> tuple[str, ...] | None:
        node = self.resolve(node)
        single = self.string(node)
        if single is not None:
            return (single,)
        if isinstance(node, ast.Constant) and node.value is None:
            return ("none",)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            out = []
            for item in node.elts:
                value = self.string(item)
                if value is None:
                    return None
                out.append(value)
            return tuple(out)
        return None

    def dict_pairs(
        self, node: ast.AST | None, depth: int = 0
    ) -> tuple[list[tuple[str, ast.AST, ast.AST]], bool] | None:
        node = self.resolve(node)
        if depth > MAX_DEPTH or node is None:
            return None
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name == "json.dumps" and node.args:
                return self.dict_pairs(node.args[0], depth + 1)
            if name == "dict":
                pairs = [(kw.arg, kw, kw.value) for kw in node.keywords if kw.arg]
                complete = not node.args and all(kw.arg for kw in node.keywords)
                return pairs, complete
            return None
        if not isinstance(node, ast.Dict):
            return None
        out: list[tuple[str, ast.AST, ast.AST]] = []
        complete = True
        for key, value in zip(node.keys, node.values, strict=False):
            if key is None:
                nested = self.dict_pairs(value, depth + 1)
                if nested is None:
                    complete = False
                else:
                    out.extend(nested[0])
                    complete = complete and nested[1]
                continue
            name = self.string(key)
            if name is None:
                complete = False
                continue
            out.append((name, key, value))
        return out, complete

    def scale(self, node: ast.AST | None, depth: int = 0) -> int | None:
        node = self.resolve(node)
        if node is None or depth > MAX_DEPTH:
            return None
        if isinstance(node, ast.Call):
            name = self._origin(_dotted(node.func))
            if name in ("time.time", "calendar.timegm"):
                return 0
            if name == "time.time_ns":
                return 3
            if isinstance(node.func, ast.Attribute) and node.func.attr == "timestamp":
                return 0
            if name in _TRANSPARENT and node.args:
                return self.scale(node.args[0], depth + 1)
            return None
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, (ast.Add, ast.Sub)):
                return add_scale(self.scale(node.left, depth + 1), self.scale(node.right, depth + 1))
            if isinstance(node.op, (ast.Mult, ast.Div, ast.FloorDiv)):
                base, factor = self.scale(node.left, depth + 1), self.number(node.right)
                if base is None and isinstance(node.op, ast.Mult):
                    base, factor = self.scale(node.right, depth + 1), self.number(node.left)
                if base is None or factor is None:
                    return base
                steps = divisor_steps(factor)
                if steps is None:
                    return base
                return base + steps if isinstance(node.op, ast.Mult) else base - steps
        return None

    def number(self, node: ast.AST | None) -> float | None:
        node = self.resolve(node)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(
            node.value, bool
        ):
            return float(node.value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Pow)):
            left, right = self.number(node.left), self.number(node.right)
            if left is not None and right is not None and abs(right) < 32:
                return left * right if isinstance(node.op, ast.Mult) else left**right
        return None

    def _origin(self, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        origin = self.bindings.get(head)
        if origin is None:
            return dotted
        return f"{origin}.{rest}" if rest else origin

    def claims(self, payload: ast.AST | None, call: ast.Call) -> tuple[tuple[CodeClaim, ...] | None, bool]:
        found = self.dict_pairs(payload)
        if found is None:
            return None, False
        pairs, complete = found
        claims = [CodeClaim(name=k, span=self.span(kn), scale=self.scale(v), value_hint=self.hint(v))
                  for k, kn, v in pairs]
        base = payload
        if isinstance(payload, ast.Call) and _dotted(payload.func) == "json.dumps" and payload.args:
            base = payload.args[0]
        for key, value, target in self.mutations_before(base, call):
            if key is None:
                complete = False
                continue
            claims.append(CodeClaim(name=key, span=self.span(target), scale=self.scale(value),
                                    value_hint=self.hint(value)))
        return tuple(claims), complete

    def mutations_before(self, base: ast.AST | None,
                         at: ast.AST) -> list[tuple[str | None, ast.AST, ast.AST]]:
        """`base[k] = v` and `base.update(...)` before `at`, in source order: (key, value, target),
        key None for an update whose keys are unknown."""
        if not isinstance(base, ast.Name):
            return []
        found = [entry for scope in self.scope_chain(base)
                 for entry in self.mutations.get((id(scope), base.id), ()) if entry[0] < _pos(at)]
        return [(key, value, target) for _pos_, key, value, target in sorted(found, key=lambda e: e[0])]

    def entry(self, mapping: ast.AST | None, name: str, at: ast.AST) -> tuple[ast.AST | None, bool]:
        """The value under `name` of a mapping as it stands at `at` (its literal, then `m[k] = v` and
        `m.update(...)` before it), and whether every key it may hold was seen."""
        found = self.dict_pairs(mapping)
        if found is None:
            return None, False
        pairs, complete = found
        value = next((v for key, _k, v in reversed(pairs) if key == name), None)
        for key, new, _target in self.mutations_before(mapping, at):
            if key is None:
                value, complete = None, False
            elif key == name:
                value = new
        return value, complete

    def source(self, node: ast.AST | None, limit: int = 300) -> str:
        """The source text of a node (at most `limit` characters; short nodes only)."""
        line, end_line = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        col, end_col = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if None in (line, end_line, col, end_col) or end_line - line > 5:
            return ""
        rows = self._source_lines[line - 1 : end_line]
        if not rows:
            return ""
        if len(rows) == 1:
            chunk = rows[0][col:end_col]
        else:
            chunk = b"\n".join([rows[0][col:], *rows[1:-1], rows[-1][:end_col]])
        return chunk[:limit].decode("utf-8", "replace")

    def hint(self, node: ast.AST | None) -> str:
        """The value's source (and a constant's value), normalised; for Kore-context checks."""
        resolved = self.resolve(node)
        parts = [self.source(node)]
        if resolved is not node:
            parts.append(self.source(resolved))
        return " ".join(parts).lower()

    def key_literal(self, node: ast.AST | None, depth: int = 0) -> tuple[str | None, bool]:
        node = self.resolve(node)
        if node is None or depth > MAX_DEPTH:
            return None, False
        value = self.string(node)
        if value is not None:
            return value, False
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and node.values:
            literal, _ = self.key_literal(node.values[-1], depth + 1)
            return (literal, True) if literal is not None else (None, False)
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            origin = self._origin(name)
            if origin in ("os.getenv", "os.environ.get") or name.endswith("environ.get"):
                default = node.args[1] if len(node.args) > 1 else next(
                    (kw.value for kw in node.keywords if kw.arg == "default"), None)
                literal, _ = self.key_literal(default, depth + 1) if default is not None else (None, False)
                return (literal, True) if literal is not None else (None, False)
            attr = node.func.attr if isinstance(node.func, ast.Attribute) else name
            if attr == "encode" and isinstance(node.func, ast.Attribute):
                return self.key_literal(node.func.value, depth + 1)
            if attr in ("from_password", "bytes", "bytearray", "import_key") and node.args:
                return self.key_literal(node.args[0], depth + 1)
            if attr in ("JWK", "construct"):
                for kw in node.keywords:
                    if kw.arg == "k":
                        return self.key_literal(kw.value, depth + 1)
        return None, False

    def truthy(self, node: ast.AST | None) -> bool | None:
        node = self.resolve(node)
        if isinstance(node, ast.Constant):
            return bool(node.value)
        return None


def _pos(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def _const_str(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _dict_keys(node: ast.AST) -> list[tuple[str | None, ast.AST, ast.AST]]:
    if not isinstance(node, ast.Dict):
        return []
    return [(_const_str(k) if k is not None else None, v, k if k is not None else v)
            for k, v in zip(node.keys, node.values, strict=False)]


# --- classification ---------------------------------------------------------------------------


def _api(an: Analysis, call: ast.Call) -> tuple[str, str] | None:
    dotted = _dotted(call.func)
    if not dotted:
        if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Call):
            inner = _dotted(call.func.value.func)
            if an._origin(inner) in ("jwt.PyJWT", "jwt.api_jwt.PyJWT"):
                return "pyjwt", call.func.attr
        return None
    head, _, rest = dotted.partition(".")
    origin = an.bindings.get(head)
    if origin is None:
        if head in ("jwt", "pyjwt") and rest in ("encode", "decode", "decode_complete"):
            return "pyjwt", rest
        return None
    full = f"{origin}.{rest}" if rest else origin
    module, _, fn = full.rpartition(".")
    if module.startswith("jwcrypto.jwt") and fn == "JWT":
        return "jwcrypto", "JWT"
    api = _MODULES.get(module)
    if api is None and module == "jwt.api_jwt":
        api = "pyjwt"
    if api is None:
        return None
    if api == "python-jose-jws":
        return "python-jose", "jws." + fn
    return api, fn


@dataclass(frozen=True)
class _Argument:
    """An argument as the call passes it: `node` when seen (directly or through a `**mapping` the
    analysis resolves); `opaque` when not seen but an unresolved `*args`/`**kwargs` may carry it."""

    node: ast.AST | None
    opaque: bool = False

    @property
    def given(self) -> bool:
        return self.node is not None or self.opaque


def _keyword(an: Analysis, call: ast.Call, name: str) -> _Argument:
    opaque = False
    for kw in call.keywords:
        if kw.arg == name:
            return _Argument(kw.value)
        if kw.arg is None:
            value, complete = an.entry(kw.value, name, call)
            if value is not None:
                return _Argument(value)
            opaque = opaque or not complete
    return _Argument(None, opaque)


def _argument(an: Analysis, call: ast.Call, index: int | None, name: str) -> _Argument:
    """Positional `index` or keyword `name` (Python forbids both, so the first found is the one)."""
    found = _keyword(an, call, name)
    if found.node is not None or index is None:
        return found
    for position, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return _Argument(None, True)
        if position == index:
            return _Argument(arg)
    return found


def _kw(an: Analysis, call: ast.Call, name: str) -> ast.AST | None:
    return _keyword(an, call, name).node


def _arg(an: Analysis, call: ast.Call, index: int, name: str) -> ast.AST | None:
    return _argument(an, call, index, name).node


def classify(an: Analysis, call: ast.Call) -> CodeCall | None:
    found = _api(an, call)
    if found is None:
        return None
    api, fn = found
    callee = _dotted(call.func) or fn
    if api in ("pyjwt", "python-jose") and fn in ("encode", "jws.sign"):
        payload, key = _arg(an, call, 0, "payload" if api == "pyjwt" else "claims"), _arg(an, call, 1, "key")
        algorithm = _argument(an, call, 2, "algorithm")
        if api == "pyjwt":
            algorithm = _pyjwt_header_alg(an, call, algorithm)
        return _sign(an, call, api, callee, payload, key, algorithm)
    if api in ("pyjwt", "python-jose") and fn in ("decode", "decode_complete", "jws.verify"):
        disabled = _disabled(an, call)
        if disabled is not None:
            return CodeCall(op="decode", api=api, callee=callee, span=an.span(call),
                            verification_disabled=disabled[0], disabled_span=an.span(disabled[1]),
                            identity_use=_identity_use(an, call))
        return _verify(an, call, api, callee, _arg(an, call, 1, "key"), _argument(an, call, 2, "algorithms"),
                       required=True)
    if api == "python-jose" and fn in ("get_unverified_claims",):
        return CodeCall(op="decode", api=api, callee=callee, span=an.span(call),
                        identity_use=_identity_use(an, call))
    if api in ("authlib", "joserfc") and fn == "encode":
        header = _arg(an, call, 0, "header")
        payload = _arg(an, call, 1, "claims" if api == "joserfc" else "payload")
        return _sign(an, call, api, callee, payload, _arg(an, call, 2, "key"), _header_alg(an, call, header))
    if api in ("authlib", "joserfc") and fn == "decode":
        return _verify(an, call, api, callee, _arg(an, call, 1, "key"), _keyword(an, call, "algorithms"),
                       required=False)
    if api == "jwcrypto":
        claims = _kw(an, call, "claims")
        if claims is not None:
            algorithm = _header_alg(an, call, _kw(an, call, "header"))
            return _sign(an, call, api, callee, claims, _jwcrypto_key(an, call), algorithm)
        if _kw(an, call, "jwt") is not None:
            return _verify(an, call, api, callee, _kw(an, call, "key"), _keyword(an, call, "algs"),
                           required=False)
    return None


def _disabled(an: Analysis, call: ast.Call) -> tuple[str, ast.AST] | None:
    """How a PyJWT / python-jose decode turns signature verification off, and where."""
    options = _kw(an, call, "options")
    flag = an.entry(options, "verify_signature", call)[0] if options is not None else None
    disabled = None
    if flag is not None and an.truthy(flag) is False:
        disabled = ("verify_signature: False", flag)
    legacy = _kw(an, call, "verify")
    if legacy is not None and an.truthy(legacy) is False:
        disabled = ("verify=False", legacy)
    return disabled


def _pyjwt_header_alg(an: Analysis, call: ast.Call, algorithm: _Argument) -> _Argument:
    """PyJWT's `encode(payload, key, algorithm, headers)` signs with `headers["alg"]` when the
    headers give one (any value but a falsy one) over `algorithm` (api_jws.encode: "Prefer
    headers values if present to function parameters"); the headers mapping is read as it
    stands at the call (a literal, `dict(...)`, a variable and its updates)."""
    headers = _arg(an, call, 3, "headers")
    if headers is None:
        return algorithm
    value, _complete = an.entry(headers, "alg", call)
    if value is None or an.truthy(value) is False:
        return algorithm
    return _Argument(value)


def _header_alg(an: Analysis, call: ast.Call, header: ast.AST | None) -> _Argument:
    """The `alg` of a protected-header mapping (authlib, joserfc, jwcrypto)."""
    if header is None:
        return _Argument(None)
    value, complete = an.entry(header, "alg", call)
    return _Argument(value, opaque=value is None and not complete)


def _jwcrypto_key(an: Analysis, call: ast.Call) -> ast.AST | None:
    """The key of `token.make_signed_token(key)` for a `token = JWT(...)` in the same scope."""
    parent = an.parents.get(id(call))
    if not isinstance(parent, ast.Assign) or not isinstance(parent.targets[0], ast.Name):
        return None
    name = parent.targets[0].id
    for other in an.calls:
        func = other.func
        if (isinstance(func, ast.Attribute) and func.attr == "make_signed_token"
                and isinstance(func.value, ast.Name) and func.value.id == name and other.args):
            return other.args[0]
    return None


def _sign(an: Analysis, call: ast.Call, api: str, callee: str, payload: ast.AST | None,
          key: ast.AST | None, given: _Argument) -> CodeCall:
    claims, complete = an.claims(payload, call) if payload is not None else (None, False)
    literal, fallback = an.key_literal(key) if key is not None else (None, False)
    algorithm = given.node
    return CodeCall(
        op="sign", api=api, callee=callee, span=an.span(call), claims=claims,
        claims_complete=complete,
        algorithms=an.strings(algorithm) if algorithm is not None else None,
        algorithm_given=given.given,
        algorithm_default=DEFAULT_ALGORITHM.get(api),
        algorithm_span=an.span(algorithm) if algorithm is not None else None,
        key_literal=literal,
        key_span=an.span(key) if key is not None and literal is not None else None,
        key_fallback=fallback,
    )


def _verify(an: Analysis, call: ast.Call, api: str, callee: str, key: ast.AST | None,
            given: _Argument, *, required: bool) -> CodeCall:
    literal, fallback = an.key_literal(key) if key is not None else (None, False)
    if literal is not None and is_public_key_material(literal):
        literal = None
    if given.node is not None and _token_chosen(an, given.node, call):
        given = _Argument(None)  # the token's own header picks the algorithm: no allow-list at all
    algorithms = given.node
    return CodeCall(
        op="verify", api=api, callee=callee, span=an.span(call),
        algorithms=an.strings(algorithms) if algorithms is not None else None,
        algorithm_given=given.given,
        algorithm_span=an.span(algorithms) if algorithms is not None else None,
        key_literal=literal,
        key_span=an.span(key) if key is not None and literal is not None else None,
        key_fallback=fallback,
        allow_list_required=required,
    )


_UNVERIFIED_HEADER = frozenset({"get_unverified_header", "get_unverified_headers"})
_CHECKS = (ast.In, ast.NotIn, ast.Eq, ast.NotEq)


def _token_chosen(an: Analysis, algorithms: ast.AST, call: ast.Call) -> bool:
    """An allow-list built from the token's own unverified header (`algorithms=[header["alg"]]`
    after `header = jwt.get_unverified_header(token)`) that no comparison checked beforehand."""
    node = an.resolve(algorithms)
    items = node.elts if isinstance(node, (ast.List, ast.Tuple, ast.Set)) else [algorithms]
    for item in items:
        alg = an.resolve(item)
        if _header_alg_read(an, alg) and not _alg_checked(an, call, {an.source(item), an.source(alg)}):
            return True
    return False


def _header_alg_read(an: Analysis, node: ast.AST | None) -> bool:
    """`header["alg"]` / `header.get("alg")` of an unverified-header call (or of that call inline)."""
    if isinstance(node, ast.Subscript):
        key, base = _const_str(node.slice), node.value
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
          and node.args):
        key, base = _const_str(node.args[0]), node.func.value
    else:
        return False
    source = an.resolve(base)
    if key != "alg" or not isinstance(source, ast.Call):
        return False
    func = source.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in _UNVERIFIED_HEADER


def _alg_checked(an: Analysis, call: ast.Call, texts: set[str]) -> bool:
    """A comparison before `call` in its function that checks the header's algorithm against known
    ones (`if header["alg"] not in ALLOWED: raise`, `assert alg == "RS256"`)."""
    texts.discard("")
    scope = an.scope.get(id(call), an.tree)
    for node in ast.walk(scope):
        if not isinstance(node, ast.Compare) or _pos(node) >= _pos(call):
            continue
        if not all(isinstance(op, _CHECKS) for op in node.ops):
            continue
        operands = [node.left, *node.comparators]
        if not any(an.source(operand) in texts for operand in operands):
            continue
        others = [an.string(o) for o in operands if an.source(o) not in texts]
        if any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops) or any(
                value is not None and value.lower() != "none" for value in others):
            return True
    return False


def _identity_use(an: Analysis, call: ast.Call) -> bool:
    parent = an.parents.get(id(call))
    if isinstance(parent, ast.Subscript) and parent.value is call:
        key = _const_str(parent.slice)
        return key is not None and normalise(key) in IDENTITY_NAMES
    if isinstance(parent, ast.Attribute) and parent.attr == "get":
        grand = an.parents.get(id(parent))
        if isinstance(grand, ast.Call) and grand.args:
            key = _const_str(grand.args[0])
            return key is not None and normalise(key) in IDENTITY_NAMES
    if isinstance(parent, ast.Assign):
        target = parent.targets[0]
        if isinstance(target, (ast.Attribute, ast.Subscript)):
            last = target.attr if isinstance(target, ast.Attribute) else _const_str(target.slice) or ""
            return normalise(last) in IDENTITY_TARGETS
        if isinstance(target, ast.Name):
            for use in an.subscripts.get(target.id, ()):
                if _pos(use) <= _pos(call):
                    continue
                if isinstance(use, ast.Subscript):
                    key = _const_str(use.slice)
                elif isinstance(use, ast.Attribute) and use.attr == "get":
                    grand = an.parents.get(id(use))
                    key = _const_str(grand.args[0]) if isinstance(grand, ast.Call) and grand.args else None
                else:
                    key = None
                if key is not None and normalise(key) in IDENTITY_NAMES:
                    return True
    return False


# --- headers ------------------------------------------------------------------------------------


def _headers(an: Analysis) -> list[CodeHeader]:
    out: list[CodeHeader] = []
    mentions_kore = "kore" in an.text.lower()
    passed = _dicts_passed_as_headers(an)
    for node in an.header_candidates:
        if isinstance(node, ast.Dict) and (id(node) in passed or _is_headers_dict(an, node, passed)):
            for key, value in zip(node.keys, node.values, strict=False):
                name = _const_str(key) if key is not None else None
                if name is not None and name.lower() == "apikey":
                    _add_header(an, out, name, key, value, mentions_kore)
        elif isinstance(node, (ast.Assign,)) and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0]
            name = _const_str(target.slice)
            if name is None or name.lower() != "apikey":
                continue
            if _names_headers(target.value) or id(an.resolve(target.value)) in passed:
                _add_header(an, out, name, target, node.value, mentions_kore)
    return out


def _dicts_passed_as_headers(an: Analysis) -> set[int]:
    """Dict literals held in a variable that is then passed as request headers (`hdrs = {...}` then
    `requests.post(url, headers=hdrs)`, `{"headers": hdrs}`, `session.headers.update(hdrs)`)."""
    passed: set[int] = set()
    for value in _header_values(an):
        if isinstance(value, ast.Name):
            resolved = an.resolve(value)
            if isinstance(resolved, ast.Dict):
                passed.add(id(resolved))
    return passed


def _header_values(an: Analysis) -> list[ast.AST]:
    values: list[ast.AST] = []
    for call in an.calls:
        values.extend(kw.value for kw in call.keywords if kw.arg and "header" in kw.arg.lower())
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "update" and _names_headers(func.value):
            values.extend(call.args[:1])
    for node in an.header_candidates:
        if isinstance(node, ast.Dict):
            values.extend(value for key, value in zip(node.keys, node.values, strict=False)
                          if key is not None and "header" in (_const_str(key) or "").lower())
    return values


def _names_headers(node: ast.AST) -> bool:
    return "header" in _dotted(node).lower()


def _is_headers_dict(an: Analysis, node: ast.Dict, passed: set[int]) -> bool:
    parent = an.parents.get(id(node))
    if isinstance(parent, ast.keyword):
        return bool(parent.arg) and "header" in parent.arg.lower()
    if isinstance(parent, ast.Assign):
        return any(_names_headers(t) for t in parent.targets)
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute):
        receiver = parent.func.value
        if parent.func.attr != "update":
            return False
        return _names_headers(receiver) or id(an.resolve(receiver)) in passed
    if isinstance(parent, ast.Dict):
        for key, value in zip(parent.keys, parent.values, strict=False):
            if value is node and key is not None:
                name = _const_str(key)
                return name is not None and "header" in name.lower()
    return False


def _add_header(an: Analysis, out: list[CodeHeader], name: str, key: ast.AST, value: ast.AST,
                mentions_kore: bool) -> None:
    literal, _ = an.key_literal(value)
    ref = None
    if literal is not None:
        if not (is_placeholder(literal) or JWT_SHAPE.match(literal)):
            if KORE_SECRET.match(literal):
                ref = "a literal with the shape of a Kore client secret"
            elif mentions_kore:
                ref = "a literal value"
    else:
        text = normalise(an.source(value))
        if "secret" in text:
            ref = "a value named like the client secret"
        elif _reads_credentials_apikey(an.source(value)):
            ref = "the BotKit credentials.apikey (the client secret)"
    if ref is not None:
        out.append(CodeHeader(name=name, span=an.span(key), secret_ref=ref, value=literal))


def _reads_credentials_apikey(source: str) -> bool:
    from jwtaudit.sources.code import is_credentials_apikey  # code.py imports this module lazily

    return is_credentials_apikey(source)


# --- literal configuration (document view) ----------------------------------------------------


@dataclass
class PyConfig:
    data: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)
    entries: int = 0


def config_document(an: Analysis) -> PyConfig:
    """Module constants and settings-class attributes holding literals (`KORE_API_URL = "..."`),
    or a URL built from a literal prefix (`f"http://bots.kore.ai/api/{bot_id}"`), and the URL
    each HTTP call is given (`requests.post("http://…")`)."""
    out = PyConfig()
    constants: set[int] = set()
    for stmt in an.tree.body:
        _config_statement(an, out, stmt, [])
        constants.add(id(stmt))
        if isinstance(stmt, ast.ClassDef):
            for inner in stmt.body:
                _config_statement(an, out, inner, [stmt.name])
                constants.add(id(inner))
    for call in sorted(an.calls, key=_pos):
        _http_call_url(an, out, call, constants)
    return out


_HTTP_MODULES = ("requests", "httpx", "aiohttp")
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"})
_HTTP_FUNCTIONS = frozenset({"urllib.request.urlopen", "urllib.request.Request", "urllib2.urlopen",
                             "urllib2.Request"})
_HTTP_CLIENTS = frozenset({"requests.Session", "requests.session", "httpx.Client", "httpx.AsyncClient",
                           "aiohttp.ClientSession", "urllib3.PoolManager"})


def _http_url_argument(an: Analysis, call: ast.Call) -> ast.AST | None:
    """The URL argument of an HTTP call: `requests.*` / `httpx.*` / `urllib.request.urlopen`, or a
    method of a client made in the file (`session = requests.Session()`; `session.get(url)`)."""
    func = call.func
    origin = an._origin(_dotted(func))
    method = origin.rsplit(".", 1)[-1]
    if origin in _HTTP_FUNCTIONS:
        index = 0
    elif method in _HTTP_METHODS and origin.split(".", 1)[0] in _HTTP_MODULES and origin.count(".") == 1:
        index = 1 if method == "request" else 0
    elif (method in _HTTP_METHODS or method == "urlopen") and isinstance(func, ast.Attribute):
        client = an.resolve(func.value)
        if not isinstance(client, ast.Call) or an._origin(_dotted(client.func)) not in _HTTP_CLIENTS:
            return None
        index = 1 if method in ("request", "urlopen") else 0
    else:
        return None
    return _arg(an, call, index, "url")


def _http_call_url(an: Analysis, out: PyConfig, call: ast.Call, constants: set[int]) -> None:
    """The URL an HTTP call is given, kept under the call's name (`the URL passed to
    requests.post`); a name read is followed to its value unless that is a module constant
    (already in the document under its own name)."""
    argument = _http_url_argument(an, call)
    if argument is None or out.entries > 20_000:
        return
    value = an.resolve(argument)
    if value is not argument and id(an.parents.get(id(value))) in constants:
        return
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        url = url_value(value.value, built=False)
        found = (url, _string_span(an, value)) if url is not None else None
    else:
        found = _built_url(an, value) if value is not None else None
    if found is None:
        return
    label = _dotted(call.func) or "a call"
    name = f"{label}()"
    container = out.data.setdefault(name, {})
    if not isinstance(container, dict):
        return
    out.spans.setdefault(f"/{name}", an.span(call.func))
    key = base = f"the URL passed to {label}"
    number = 2
    while key in container:  # a later call of the same name: the next number, not the same key
        key, number = f"{base} #{number}", number + 1
    out.entries += 1
    container[key] = found[0]
    out.spans[pointer_join(f"/{name}", key)] = found[1]


def _config_statement(an: Analysis, out: PyConfig, stmt: ast.AST, prefix: list[str]) -> None:
    if isinstance(stmt, ast.Assign):
        targets, value = stmt.targets, stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        targets, value = [stmt.target], stmt.value
    else:
        return
    for target in targets:
        if not isinstance(target, ast.Name):
            continue
        container = out.data
        pointer = ""
        for part in prefix:
            pointer = pointer_join(pointer, part)
            container = container.setdefault(part, {})
            out.spans.setdefault(pointer, an.span(stmt))
        _config_value(an, out, container, target.id, pointer_join(pointer, target.id), value, target, 0)


def _config_value(an: Analysis, out: PyConfig, container: dict[str, Any], key: str, pointer: str,
                  value: ast.AST, anchor: ast.AST, depth: int) -> None:
    if depth > MAX_DEPTH or out.entries > 20_000:
        return
    out.entries += 1
    if isinstance(value, ast.Dict):
        target: dict[str, Any] = {}
        container[key] = target
        out.spans[pointer] = an.span(anchor)
        for k, v in zip(value.keys, value.values, strict=False):
            name = _const_str(k) if k is not None else None
            if name is not None:
                _config_value(an, out, target, name, pointer_join(pointer, name), v, k, depth + 1)
    elif isinstance(value, (ast.List, ast.Tuple)):
        items: list[Any] = []
        container[key] = items
        out.spans[pointer] = an.span(anchor)
        for index, item in enumerate(value.elts):
            literal = isinstance(item, ast.Constant) and not isinstance(item.value, (bytes, complex))
            items.append(item.value if literal else None)
            if literal:
                out.spans[pointer_join(pointer, index)] = _string_span(an, item)
    elif isinstance(value, ast.Constant) and not isinstance(value.value, (bytes, complex)):
        container[key] = value.value
        out.spans[pointer] = _string_span(an, value)
    elif isinstance(value, (ast.JoinedStr, ast.BinOp, ast.Call)):
        built = _built_url(an, value)
        if built is not None:
            container[key], out.spans[pointer] = built


_TRIPLE = ("'" * 3, '"' * 3)
_MAX_CONCATENATED = 200


def _built_url(an: Analysis, node: ast.AST) -> tuple[str, Span] | None:
    """A URL built in code (`f"http://host/api/{bot_id}"`, `"http://host/api/" + bot_id`,
    `"http://host/api/%s" % x`, `"http://host/api/{}".format(x)`): the text of its literal
    prefix and the prefix's place, when the prefix holds the scheme and the whole host
    (`url_value`); strings joined with `+` alone are the URL they make."""
    leaves, built = _concatenated(node)
    if not leaves:
        return None
    parts: list[str] = []
    end: tuple[int, int] | None = None
    for leaf in leaves:
        text, stop = _literal_prefix(leaf)
        if text is None:
            built = True
            break
        parts.append(text)
        end = _prefix_end(an, leaf, stop)
        if stop is not None:
            built = True
            break
    start = _content_start(an, leaves[0])
    url = url_value("".join(parts), built=built)
    if url is None or start is None or end is None:
        return None
    return url, Span(line=start[0], column=start[1], end_line=end[0], end_column=end[1])


def _concatenated(node: ast.AST) -> tuple[list[ast.AST], bool]:
    """The operands of a `+` chain in source order, and whether the walk was cut short."""
    leaves: list[ast.AST] = []
    pending = [node]
    steps = 0
    while pending and steps < _MAX_CONCATENATED:
        steps += 1
        current = pending.pop()
        if isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
            pending += [current.right, current.left]
        else:
            leaves.append(current)
    return leaves, bool(pending)


def _literal_prefix(node: ast.AST) -> tuple[str | None, str | None]:
    """(the literal text a string expression starts with, the character in its source where a
    value is put in: `{` of an f-string or `.format`, `%` of a `%` format; None when the whole
    expression is that literal). (None, None) when it does not start with a literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, None
    if isinstance(node, ast.JoinedStr):
        parts: list[str] = []
        for value in node.values:
            if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                return "".join(parts), "{"
            parts.append(value.value)
        return "".join(parts), None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        template = _const_str(node.left)
        return (template.split("%", 1)[0], "%") if template is not None else (None, None)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        template = _const_str(node.func.value)
        return (template.split("{", 1)[0], "{") if template is not None else (None, None)
    return None, None


def _string_node(node: ast.AST) -> ast.AST:
    """The string literal of a `%` or `.format` expression (the node itself otherwise)."""
    if isinstance(node, ast.BinOp):
        return node.left
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.value
    return node


def _content_start(an: Analysis, node: ast.AST) -> tuple[int, int] | None:
    """(line, column) of the first character inside the quotes of a string literal."""
    node = _string_node(node)
    span = an.span(node)
    head = an.source(node, limit=5)
    quote = next((i for i, ch in enumerate(head) if ch in "'\""), None)
    if quote is None:
        return None
    width = 3 if head[quote : quote + 3] in _TRIPLE else 1
    return span.line, span.column + quote + width


def _prefix_end(an: Analysis, node: ast.AST, stop: str | None) -> tuple[int, int] | None:
    """(line, column) where the literal prefix of a string expression ends: before its closing
    quote, or at the `stop` character (not a doubled `{{`) in a one-line literal."""
    literal = _string_node(node)
    span = an.span(literal)
    head = an.source(literal, limit=5)
    quote = next((i for i, ch in enumerate(head) if ch in "'\""), 0)
    width = 3 if head[quote : quote + 3] in _TRIPLE else 1
    if stop is None or span.line != span.end_line:
        return span.end_line, max(span.column, span.end_column - width)
    source = an.source(literal, limit=2000)
    at = quote + width
    while at < len(source):
        if source[at] == stop:
            if isinstance(node, ast.JoinedStr) and source[at + 1 : at + 2] == "{":  # `{{` is a brace
                at += 2
                continue
            return span.line, span.column + at
        at += 1
    return span.end_line, max(span.column, span.end_column - width)


def _string_span(an: Analysis, node: ast.AST) -> Span:
    """A string's contents without prefix and quotes (as for JSON documents)."""
    span = an.span(node)
    if not isinstance(getattr(node, "value", None), str) or span.line != span.end_line:
        return span
    head = an.source(node, limit=5)
    quote = next((i for i, ch in enumerate(head) if ch in "'\""), None)
    if quote is None:
        return span
    width = 3 if head[quote : quote + 3] in _TRIPLE else 1
    start = span.column + quote + width
    return Span(line=span.line, column=start, end_line=span.end_line,
                end_column=max(start, span.end_column - width))


# --- entry ----------------------------------------------------------------------------------------


def analyse(text: str) -> PyFacts:
    data = text.encode("utf-8", "surrogatepass")
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise ParseFailure(f"syntax error near line {exc.lineno or '?'}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ParseFailure(f"cannot be parsed as Python ({type(exc).__name__})") from None
    an = Analysis(tree, data, text)
    an.collect()
    facts = PyFacts()
    for call in sorted(an.calls, key=_pos):
        found = classify(an, call)
        if found is not None:
            facts.calls.append(found)
    facts.headers = _headers(an)
    config = config_document(an)
    facts.data, facts.spans = config.data, config.spans
    return facts
