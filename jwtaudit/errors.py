"""The project's own exceptions; the CLI maps them to exit codes and one-line messages."""

from __future__ import annotations


class JwtauditError(Exception):
    """Base class. The message is one line, names the file or option, and holds no secret."""

    exit_code = 2


class UsageError(JwtauditError):
    """A bad flag, option value or configuration key."""


class InputError(JwtauditError):
    """Input that cannot be read or is malformed (a file, an export, a token argument)."""


class TokenError(JwtauditError):
    """Raised by the token parser for text that is not a compact JWS or JWE at all."""
