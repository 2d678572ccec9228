"""Language-neutral pieces of the code analysis: spans, clock units, secret shapes, names.

Shared by `code_python` (ast) and `code_js` (tree-sitter) so that both report the same facts
in the same way. No parsing happens here.
"""

from __future__ import annotations

import re

from jwtaudit.subjects import Span

MAX_DEPTH = 40  # bound on every recursive walk over expressions
IDENTITY_NAMES = frozenset(
    {
        "sub", "user", "userid", "uid", "id", "email", "username", "identity", "appid", "role",
        "roles", "isadmin", "admin", "scope", "scopes", "permissions", "tenant", "tenantid",
        "accountid", "koresub", "login", "principal", "groups",
    }
)
IDENTITY_TARGETS = ("user", "identity", "currentuser", "principal", "auth", "claims", "session")
KORE_SECRET = re.compile(r"^[A-Za-z0-9+/]{43}=$")
JWT_SHAPE = re.compile(r"^eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*$")
PUBLIC_PEM = ("BEGIN PUBLIC KEY", "BEGIN RSA PUBLIC KEY", "BEGIN CERTIFICATE")
_PLACEHOLDER_WORDS = (
    "please", "enter", "your", "changeme", "change-me", "change_me", "replace", "placeholder",
    "xxxx", "****", "<", "${", "{{", "todo", "example", "dummy", "insert",
)


# The start of a URL up to the end of its host: `http://bots.kore.ai/` (a `/`, `?` or `#` ends the
# host, so `"http://bots." + domain` does not name one).
_URL_HOST_END = re.compile(r"^https?://[^/?#\s\\]{1,255}[/?#]", re.IGNORECASE)


def url_value(text: str, *, built: bool) -> str | None:
    """The URL a string literal is, or (`built`) the literal prefix of a URL built in code (the
    text before its first interpolation or concatenated variable) when it holds the scheme and
    the whole host; None for anything else."""
    if not text[:8].lower().startswith(("http://", "https://")):
        return None
    if built and _URL_HOST_END.match(text) is None:
        return None
    return text


def normalise(name: str) -> str:
    """`client_secret`, `clientSecret`, `CLIENT-SECRET` all become `clientsecret`."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def is_placeholder(value: str) -> bool:
    """Documentation placeholders (`PLEASE_ENTER_CLIENT_SECRET`, `<secret>`, `${SECRET}`)."""
    lowered = value.strip().lower()
    if not lowered:
        return True
    return any(word in lowered for word in _PLACEHOLDER_WORDS)


def is_public_key_material(value: str) -> bool:
    return any(marker in value for marker in PUBLIC_PEM)


class LineIndex:
    """Turns byte or character offsets into 1-based line/column spans (columns in characters)."""

    def __init__(self, data: bytes) -> None:
        self._lines = data.split(b"\n")

    def column(self, row: int, byte_col: int) -> int:
        if row >= len(self._lines):
            return byte_col + 1
        prefix = self._lines[row][:byte_col]
        if prefix.isascii():
            return byte_col + 1
        return len(prefix.decode("utf-8", "replace")) + 1

    def span(self, start: tuple[int, int], end: tuple[int, int]) -> Span:
        return Span(
            line=start[0] + 1,
            column=self.column(start[0], start[1]),
            end_line=end[0] + 1,
            end_column=self.column(end[0], end[1]),
        )


def add_scale(left: int | None, right: int | None) -> int | None:
    """Unit of `a + b` / `a - b`: a timestamp plus a duration keeps the timestamp's unit."""
    if left is None:
        return right
    if right is None:
        return left
    return max(left, right)


def divisor_steps(value: float) -> int | None:
    """1000 -> 1, 1e6 -> 2, 1e9 -> 3; other numbers are not unit conversions."""
    for steps, factor in ((1, 1e3), (2, 1e6), (3, 1e9)):
        if value == factor:
            return steps
    return None


DEFAULT_ALGORITHM = {
    "pyjwt": "HS256",
    "python-jose": "HS256",
    "jsonwebtoken": "HS256",
    "jwt-simple": "HS256",
}
