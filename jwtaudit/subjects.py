"""Subjects: what sources hand to rules. One frozen dataclass per kind of input.

Sources build these; rules read them. Neither side needs to know how the other works.
Fields holding raw secrets are kept out of `repr`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jwtaudit.model import Location
from jwtaudit.tokens import ParsedToken


@dataclass(frozen=True, kw_only=True)
class AppSettings:
    """What is known about the Kore app a token is for (from options or an export)."""

    client_id: str | None = None
    name: str | None = None
    algorithm: str | None = None
    jti_enforced: bool | None = None
    jwe_enforced: bool | None = None
    api_scopes: bool | None = None  # mapped to API scopes
    secrets: tuple[str, ...] = field(default=(), repr=False)
    secret_source: str | None = None  # where the secret came from, e.g. "--secret-env KORE_SECRET"


@dataclass(frozen=True, kw_only=True)
class TokenSubject:
    """One token and the context it was found in."""

    token: ParsedToken
    location: Location
    kind: str = "token"
    anchor: str = ""  # enclosing key or pointer, for fingerprints
    profile: str | None = None  # explicit --profile override
    app: AppSettings | None = None
    public_api: bool = False  # sent in an `auth` header or to a /api/public/ URL
    stored: bool = False  # found in a file (SEC001 applies)
    context_words: tuple[str, ...] = ()  # app/bot/account names, client ids, env names


@dataclass(frozen=True, kw_only=True)
class Span:
    """1-based line/column of a value in its file; `end_column` exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, kw_only=True)
class DocumentSubject:
    """A parsed structured file (JSON, YAML, TOML, .env, INI/properties, notebook).

    `data` is the plain parsed value. `spans` maps a JSON pointer ("/credentials/apikey") to the
    span of the value (for scalars) or of the key (for containers) in the file, so rules can
    report exact places. Built by `jwtaudit.sources.structured.parse_document`.
    """

    location: Location
    format: str  # json | yaml | toml | env | ini | notebook
    data: object
    spans: dict[str, Span] = field(default_factory=dict, repr=False)
    kind: str = "document"
    text: str = field(default="", repr=False)

    def locate(self, pointer: str) -> Location:
        """The location of `pointer`, or of its nearest ancestor that has a span."""
        probe = pointer
        while True:
            span = self.spans.get(probe)
            if span is not None:
                return Location(
                    path=self.location.path,
                    line=span.line,
                    column=span.column,
                    end_line=span.end_line,
                    end_column=span.end_column,
                    pointer=pointer,
                    commit=self.location.commit,
                )
            if not probe:
                return Location(path=self.location.path, pointer=pointer, commit=self.location.commit)
            probe = probe.rsplit("/", 1)[0]


def pointer_escape(key: object) -> str:
    """RFC 6901 escaping of one reference token."""
    return str(key).replace("~", "~0").replace("/", "~1")


def pointer_join(base: str, key: object) -> str:
    return f"{base}/{pointer_escape(key)}"
