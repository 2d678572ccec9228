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


# --- exports (jwtaudit audit) -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, eq=False)
class ExportNode:
    """One object inside an export file: its plain data and where it sits.

    `path` is the file relative to the audit root (`bots/support.zip!/botDefinition.json` for a
    zip entry); `pointer` the JSON pointer of the object; `spans` the file's pointer -> span map.
    """

    data: dict = field(repr=False)
    path: str
    pointer: str
    spans: dict[str, Span] = field(default_factory=dict, repr=False)

    def get(self, key: str, default: object = None) -> object:
        return self.data.get(key, default)

    def locate(self, *keys: object) -> Location:
        """The location of a descendant (keys appended to `pointer`), or of its nearest ancestor."""
        pointer = self.pointer
        for key in keys:
            pointer = pointer_join(pointer, key)
        probe = pointer
        while True:
            span = self.spans.get(probe)
            if span is not None:
                return Location(path=self.path, line=span.line, column=span.column,
                                end_line=span.end_line, end_column=span.end_column, pointer=pointer)
            if not probe:
                return Location(path=self.path, pointer=pointer)
            probe = probe.rsplit("/", 1)[0]


@dataclass(frozen=True, kw_only=True, eq=False)
class ExportApp:
    """A JWT app (client id) with everything the export says about it, merged across files.

    `node` is its main definition (the container's `apps[]` entry, else a bot's `jwtApps[]`
    entry); `also` the other places the same client id is defined. Settings are None when no
    artefact states them.
    """

    client_id: str
    node: ExportNode
    also: tuple[ExportNode, ...] = ()
    name: str | None = None
    created_in: str | None = None  # admin_console | bot_builder | data_tables
    account_ids: tuple[str, ...] = ()
    bot_ids: tuple[str, ...] = ()  # bots whose jwtApps list this app
    algorithm: str | None = None
    jti_enforced: bool | None = None
    jwe_enforced: bool | None = None
    uses_private_claims: bool = False  # container flag or a token for it with privateClaims
    in_channel: bool = False  # a bot or client configuration uses it (jwtApps, BotKit, channels)

    @property
    def nodes(self) -> tuple[ExportNode, ...]:
        return (self.node, *self.also)


@dataclass(frozen=True, kw_only=True, eq=False)
class ExportBot:
    """A bot known to the export (Get Bots item, container `bots[]`, or a bot export)."""

    bot_id: str | None
    node: ExportNode
    name: str | None = None
    account_id: str | None = None
    status: str | None = None
    published: bool | None = None  # None: the export does not say


@dataclass(frozen=True, kw_only=True, eq=False)
class AccountSubject:
    """An exported account, linked: apps, scope mappings, bots, data tables, Xenioo.

    `mappings` / `tables` are None when no artefact carries that data (rules that need it stay
    silent). `table_names` counts every table of the account (container and table definitions).
    """

    location: Location
    kind: str = "account"
    account_id: str | None = None
    name: str | None = None
    host: str | None = None
    account: ExportNode | None = None
    apps: tuple[ExportApp, ...] = ()
    mappings: tuple[ExportNode, ...] | None = None
    bots: tuple[ExportBot, ...] = ()
    tables: tuple[ExportNode, ...] | None = None  # tables and views that carry assignments
    table_names: tuple[str, ...] = ()
    xenioo: ExportNode | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class ExportField:
    """A key/value pair inside an export (a header, a payload leaf, an auth-profile field)."""

    key: str
    value: str = field(repr=False)
    location: Location
    type: str | None = None  # auth-profile field type: header | payload | query | path


@dataclass(frozen=True, kw_only=True, eq=False)
class ServiceNode:
    """A service node of a bot export, with headers (parsed from `headers.value`) and payload."""

    node: ExportNode
    name: str | None = None
    url: str | None = None
    url_location: Location | None = None
    protocol: str | None = None
    headers: tuple[ExportField, ...] = ()
    payload: tuple[ExportField, ...] = ()
    payload_text: ExportField | None = None  # a payload that is plain text (form-encoded, XML)
    idp: str | None = None
    auth_required: bool | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class BotExportSubject:
    """One bot export (zip or folder): service nodes, authorization profiles, env variables."""

    location: Location
    kind: str = "bot-export"
    name: str | None = None
    bot_id: str | None = None
    host: str | None = None  # the account's platform host, when the export is linked to one
    service_nodes: tuple[ServiceNode, ...] = ()
    auth_profiles: tuple[ExportNode, ...] = ()
    env_variables: tuple[ExportNode, ...] = ()
