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
    text = key if type(key) is str else str(key)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def pointer_join(base: str, key: object) -> str:
    text = key if type(key) is str else str(key)
    if "~" in text or "/" in text:
        text = text.replace("~", "~0").replace("/", "~1")
    return f"{base}/{text}"


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
    duplicates: tuple[ExportNode, ...] = ()  # further `apps[]` entries with the same client id

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


@dataclass(frozen=True, kw_only=True)
class CodeClaim:
    """One key of a token payload built in code. `scale` is the clock unit of its value when it
    is built from a clock: 0 seconds, 1 milliseconds, 2 microseconds, 3 nanoseconds (powers of
    1000); None when not built from a clock or unknown."""

    name: str
    span: Span
    scale: int | None = None
    value_hint: str = field(default="", repr=False)  # the value's source, normalised, for context


@dataclass(frozen=True, kw_only=True)
class CodeCall:
    """A call that signs, verifies or decodes a token, with what same-module data flow resolved.

    `op` is "sign", "verify" or "decode" (decode = read without verifying). `algorithms` holds
    the literal algorithm(s) passed (the one signing algorithm, or the verify allow-list);
    None when no algorithm argument was given or it could not be resolved (`algorithm_given`
    tells which). `claims` is None when the payload could not be resolved; `claims_complete` is
    False when it may hold keys the analysis could not see (a spread, an unknown update).
    """

    op: str
    api: str  # pyjwt, python-jose, authlib, joserfc, jwcrypto, jsonwebtoken, jose, jwt-simple, jsrsasign
    callee: str
    span: Span
    claims: tuple[CodeClaim, ...] | None = None
    claims_complete: bool = False
    algorithms: tuple[str, ...] | None = None
    algorithm_given: bool = False
    algorithm_default: str | None = None  # what the library uses when no algorithm is given
    algorithm_span: Span | None = None
    key_literal: str | None = field(default=None, repr=False)
    key_span: Span | None = None
    key_fallback: bool = False  # the literal is a fallback (`env || "literal"`, `getenv(k, "lit")`)
    expiry_option: bool = False  # expiresIn / setExpirationTime / an `exp` option
    verification_disabled: str | None = None  # how, e.g. "verify_signature: False"
    disabled_span: Span | None = None
    allow_list_required: bool = False  # this API picks the algorithm from the token without one
    identity_use: bool = False  # an unverified decode whose result is used as the user's identity
    clock_args: tuple[CodeClaim, ...] = ()  # jose setIssuedAt/setExpirationTime(...) arguments


@dataclass(frozen=True, kw_only=True)
class CodeHeader:
    """A request header set in code. `secret_ref` says why the value looks like the client
    secret (a literal of the secret's shape, or a reference named like it)."""

    name: str
    span: Span
    secret_ref: str
    value: str | None = field(default=None, repr=False)
    pointer: str | None = None  # where the header sits in a structured file (a gateway config)


@dataclass(frozen=True, kw_only=True)
class CodeSubject:
    """A Python or JavaScript/TypeScript source file, reduced to the facts the SRC rules read.

    Built by `jwtaudit.sources.code.subjects_for`. `unparsed` holds the reason when the file
    could not be analysed as code (syntax error, minified bundle, too large): its facts are then
    empty and the text is still scanned for secrets.
    """

    location: Location
    language: str  # python | javascript | typescript | tsx
    calls: tuple[CodeCall, ...] = ()
    headers: tuple[CodeHeader, ...] = ()
    unparsed: str | None = None
    kore_context: bool = False  # the file mentions Kore, a client id (cs-…) or a bot id (st-…)
    kind: str = "code"


@dataclass(frozen=True, kw_only=True)
class CodeDocumentSubject(DocumentSubject):
    """Literal configuration objects found in a source file (`botOptions = {...}`, React Native
    `botConfig`, module constants), as a document so that the document rules (SEC003, SEC006,
    CFG) read them with JSON pointers such as `/botOptions/clientSecret`.

    `format` is "javascript" (parsed) or "javascript-text" (recovered from an unparsed file by a
    bounded text scan). `frontend` is True when the file runs in a browser or mobile app;
    `server` when it is clearly server code (an HTTP framework, a signing library).
    """

    language: str = "javascript"
    frontend: bool = False
    server: bool = False


@dataclass(frozen=True, kw_only=True)
class Assignment:
    """A value bound to a name in a file: `"clientSecret": "…"`, `KEY=…`, `apikey: …`, or a bare
    literal (`key` empty). `location` is the value's span (with a pointer in structured files);
    `scope` names the object or section it sits in, so neighbours can be told apart."""

    key: str
    value: str = field(repr=False)
    location: Location
    scope: str = ""
    client_id: str | None = None  # a `cs-` client id next to the value, if any


@dataclass(frozen=True, kw_only=True)
class TextSubject:
    """One text file as the SEC rules see it, built by `jwtaudit.sources.text.analyse_text`.

    `assignments` are the candidate values the cheap whole-file pass found (bound to secret-like
    names, Kore-secret shaped, Xenioo keys, URLs with credentials, key blocks); `detector_lines`
    maps a generic detector's code (SEC1xx) to the 1-based lines where it should run;
    `client_ids` the `cs-` ids in the file with their lines. `document` is the parsed structured
    file, when there is one.
    """

    location: Location
    text: str = field(default="", repr=False)
    format: str | None = None
    assignments: tuple[Assignment, ...] = ()
    detector_lines: tuple[tuple[str, tuple[int, ...]], ...] = ()
    line_texts: dict[int, str] = field(default_factory=dict, repr=False)  # the detector lines' text
    client_ids: tuple[tuple[str, int], ...] = ()
    document: DocumentSubject | None = field(default=None, repr=False)
    kind: str = "text"


@dataclass(frozen=True, kw_only=True)
class ScanSubject:
    """The whole scan, for rules that relate findings across files (SEC009, SEC010).

    `secrets` are values that are probably secrets (bound to secret-like names or in a known
    secret format); `public_keys` PEM/JWK public keys and the private PEM keys whose public half
    verifies (scope `pem`); `tokens` every signed token found.
    """

    location: Location
    tokens: tuple[TokenSubject, ...] = ()
    secrets: tuple[Assignment, ...] = ()
    public_keys: tuple[Assignment, ...] = ()
    kind: str = "scan"


@dataclass(frozen=True, kw_only=True)
class SkippedFile:
    """A file the scan could not (fully) read: binary, too large, undecodable, unreadable."""

    location: Location
    reason: str
    kind: str = "skipped"
