"""Link the artefacts of an export into subjects: one account, its bot exports, their tokens.

Apps are merged by client id across the container, Get Bots items and BotKit configs; bots by
id; a bot export is tied to its bot through the container's `bots[].export` path, the bot id or
the bot name. Every JWT found in any string (including JSON held in strings, such as a service
node's `headers.value`) becomes a `TokenSubject` carrying its app's settings, so the TOK rules
judge it in context.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from jwtaudit.errors import TokenError
from jwtaudit.model import Location
from jwtaudit.sources.export import (
    BOT_CONFIG,
    BOT_DEFINITION,
    BOTKIT,
    CONTAINER,
    GET_BOTS,
    TABLE_DEFINITION,
    XENIOO,
    Artefact,
)
from jwtaudit.subjects import (
    AccountSubject,
    AppSettings,
    BotExportSubject,
    DocumentSubject,
    ExportApp,
    ExportBot,
    ExportField,
    ExportNode,
    ServiceNode,
    TokenSubject,
    pointer_join,
)
from jwtaudit.tokens import decode_unverified

MAX_WALK_DEPTH = 256
MAX_EMBEDDED_JSON = 1024 * 1024
# A token starts where a base64url run starts (or after %XX): one attempt per run, so linear.
_JWT = re.compile(r"(?:(?<![A-Za-z0-9_-])|(?<=%[0-9A-Fa-f]{2}))"
                  r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*"
                  r"(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?")
_CLIENT_ID_IN_TEXT = re.compile(r"cs-[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_SECRET_KEYS = re.compile(r"secret|apikey|api_key|password|passwd|token|private", re.IGNORECASE)
_TABLE_FILE = re.compile(r"^tableDefinition_(.+)_\d+\.json$")
PRIVATE_CLAIMS = ("privateClaims", "secureCustomData")


@dataclass(frozen=True, kw_only=True)
class LinkedExport:
    """Everything the audit runs rules on, plus what the report and redactor need."""

    account: AccountSubject | None
    bot_exports: tuple[BotExportSubject, ...]
    tokens: tuple[TokenSubject, ...]
    documents: tuple[DocumentSubject, ...]
    app_settings: dict[str, AppSettings] = field(repr=False)
    sensitive: tuple[str, ...] = field(repr=False)  # raw secrets and tokens, for the redactor
    files: int = 0


@dataclass
class _App:
    client_id: str
    nodes: list[ExportNode] = field(default_factory=list)
    duplicates: list[ExportNode] = field(default_factory=list)
    defined: bool = False
    name: str | None = None
    created_in: str | None = None
    account_ids: list[str] = field(default_factory=list)
    bot_ids: list[str] = field(default_factory=list)
    algorithm: str | None = None
    jti: bool | None = None
    jwe: bool | None = None
    private: bool = False
    in_channel: bool = False
    secrets: list[tuple[str, str]] = field(default_factory=list)  # (secret, where)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _node(art: Artefact, pointer: str, data: dict[str, Any]) -> ExportNode:
    return ExportNode(data=data, path=art.path, pointer=pointer, spans=art.spans)


def _items(art: Artefact, base: str, value: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield pointer_join(base, index), item


def _unique(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


def link(artefacts: list[Artefact]) -> LinkedExport:
    by_kind: dict[str, list[Artefact]] = {}
    for art in artefacts:
        by_kind.setdefault(art.kind, []).append(art)
    containers = by_kind.get(CONTAINER, [])
    container = containers[0] if containers else None
    cdata: dict[str, Any] = container.data if container else {}

    apps: dict[str, _App] = {}
    bots: dict[str, ExportBot] = {}
    anonymous_bots: list[ExportBot] = []

    def app(client_id: str) -> _App:
        return apps.setdefault(client_id, _App(client_id=client_id))

    def add_bot(art: Artefact, pointer: str, item: dict[str, Any]) -> None:
        bot_id = _str(item.get("_id"))
        status = _str(item.get("status"))
        published = (status.lower() == "published") if status else _bool(item.get("isPublished"))
        bot = ExportBot(bot_id=bot_id, node=_node(art, pointer, item), name=_str(item.get("name")),
                        account_id=_str(item.get("accountId")), status=status, published=published)
        if bot_id is None:
            anonymous_bots.append(bot)
        elif bot_id not in bots:
            bots[bot_id] = bot
        for app_pointer, entry in _items(art, pointer_join(pointer, "jwtApps"), item.get("jwtApps")):
            client_id = _str(entry.get("clientId"))
            if client_id is None:
                continue
            record = app(client_id)
            record.nodes.append(_node(art, app_pointer, entry))
            _unique(record.account_ids, _str(entry.get("accountId")) or bot.account_id)
            _unique(record.bot_ids, bot_id)
            # a jwtApps entry repeats the app's definition (Get Bots); it says nothing of channel use
            _merge_settings(record, entry)
            _collect_secret(record, entry, art.path, app_pointer)

    # the container's apps first: they are the main definitions
    if container is not None:
        for pointer, entry in _items(container, "/apps", cdata.get("apps")):
            client_id = _str(entry.get("clientId"))
            if client_id is None:
                continue
            record = app(client_id)
            node = _node(container, pointer, entry)
            if record.defined:
                record.duplicates.append(node)
            else:
                record.defined = True
                record.nodes.insert(0, node)
                record.name = _str(entry.get("name"))
                record.created_in = _str(entry.get("createdIn"))
                record.algorithm = _algorithm(entry.get("algorithm"))
            _unique(record.account_ids, _str(entry.get("accountId")))
            record.private = record.private or entry.get("usesPrivateClaims") is True
            _merge_settings(record, entry)
            _collect_secret(record, entry, container.path, pointer)
        for pointer, item in _items(container, "/bots", cdata.get("bots")):
            add_bot(container, pointer, item)
    # further containers (other accounts) are audited on their own; here they only tell which of
    # this account's client ids another account also defines (ACC013)
    for other in containers[1:]:
        other_account = other.data.get("account")
        other_id = _str(other_account.get("accountId")) if isinstance(other_account, dict) else None
        for _pointer, entry in _items(other, "/apps", other.data.get("apps")):
            client_id = _str(entry.get("clientId"))
            if client_id in apps:
                _unique(apps[client_id].account_ids, _str(entry.get("accountId")) or other_id)
    for art in by_kind.get(GET_BOTS, []):
        for pointer, item in _items(art, "/bots", art.data.get("bots")):
            add_bot(art, pointer, item)
    for art in by_kind.get(BOTKIT, []):
        for client_id, secret, pointer in _botkit_credentials(art.data):
            record = app(client_id)
            record.in_channel = True
            if secret:
                record.secrets.append((secret, f"{art.path}#{pointer}"))
    for art in by_kind.get(BOT_DEFINITION, []):
        for client_id in _client_ids(art.data.get("channels")):
            app(client_id).in_channel = True

    account_info = cdata.get("account") if isinstance(cdata.get("account"), dict) else {}
    host = _str(cdata.get("host"))
    mappings = None
    if container is not None and isinstance(cdata.get("apiScopeMappings"), list):
        mappings = tuple(_node(container, p, m) for p, m in _items(container, "/apiScopeMappings",
                                                                  cdata["apiScopeMappings"]))
    settings = _settings(apps, mappings)
    context_words = _context_words(apps, list(bots.values()) + anonymous_bots, account_info)

    tokens, sensitive = _tokens(artefacts, settings, context_words)
    for token in tokens:
        claims = token.token.claims
        if any(name in claims for name in PRIVATE_CLAIMS) and token.app and token.app.client_id:
            apps[token.app.client_id].private = True
    for record in apps.values():
        sensitive.extend(secret for secret, _ in record.secrets)

    account = None
    saved_lists = by_kind.get(XENIOO, [])  # a saved Xenioo GET /bots response: its keys in clear
    if container is not None or by_kind.get(GET_BOTS) or by_kind.get(TABLE_DEFINITION) or apps or saved_lists:
        tables, table_names = _tables(container, by_kind.get(TABLE_DEFINITION, []))
        xenioo = cdata.get("xenioo")
        root = container.path if container else (artefacts[0].path if artefacts else "")
        account_ids = {b.account_id for b in bots.values() if b.account_id}
        account = AccountSubject(
            location=Location(path=root),
            account_id=_str(account_info.get("accountId")) or (
                next(iter(account_ids)) if len(account_ids) == 1 else None),
            name=_str(account_info.get("name")),
            host=host,
            account=_node(container, "/account", account_info) if container and account_info else None,
            apps=tuple(_export_app(r) for r in apps.values() if r.nodes),
            mappings=mappings,
            bots=tuple(bots.values()) + tuple(anonymous_bots),
            tables=tables,
            table_names=table_names,
            xenioo=_node(container, "/xenioo", xenioo) if container and isinstance(xenioo, dict)
            else _node(saved_lists[0], "", saved_lists[0].data) if saved_lists else None,
        )
    bot_exports = _bot_exports(artefacts, container, list(bots.values()), host)
    return LinkedExport(
        account=account,
        bot_exports=bot_exports,
        tokens=tuple(tokens),
        documents=tuple(a.document for a in artefacts),
        app_settings=settings,
        sensitive=tuple(sensitive),
        files=len(artefacts),
    )


def _merge_settings(record: _App, entry: dict[str, Any]) -> None:
    if record.jti is None:
        record.jti = _bool(entry.get("jtiClaimEnforced"))
    if record.jwe is None:
        record.jwe = _bool(entry.get("jweEncryptionEnforced"))
    if record.algorithm is None:
        record.algorithm = _algorithm(entry.get("algorithm"))


_ALGORITHMS = ("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "PS256")


def _algorithm(value: Any) -> str | None:
    """The app's algorithm in the platform's spelling (`hs256` in a hand-written container is HS256)."""
    text = _str(value)
    if text is None:
        return None
    return next((name for name in _ALGORITHMS if name == text.strip().upper()), text)


def _collect_secret(record: _App, entry: dict[str, Any], path: str, pointer: str) -> None:
    secret = _str(entry.get("clientSecret"))
    if secret and not is_withheld(secret):
        record.secrets.append((secret, f"{path}#{pointer}/clientSecret"))


def is_template(value: str) -> bool:
    """A `{{…}}` value (`{{env.API_KEY}}`, `{{context.x}}`): a reference, not a literal."""
    return "{{" in value and "}}" in value


def is_masked(value: str) -> bool:
    """A value that stands in for a secret the export withholds, so no secret is in it: blanked
    (`********`, `xxxxxxxx`, `••••`, `q7Vt****yBk=`), a redaction marker (`<redacted>`, `REDACTED`,
    `[REDACTED]`, `<hidden>`, jwtaudit's own `<redacted: 44 chars, …>`), a named stand-in in angle
    brackets (`<client-secret>`), or a reference resolved elsewhere (`${KORE_CLIENT_SECRET}`,
    `$KORE_CLIENT_SECRET`, `%KORE_CLIENT_SECRET%`, `{{env.X}}`).

    Not a weak secret that merely reads like a word (`secret`, `changeme`, `your-256-bit-secret`):
    those are values someone may really have set, and ACC010/TOK015 judge them.
    """
    text = value.strip().strip("'\"`").strip()
    if not text:
        return False
    if set(text) <= _BLANK_CHARS or _PARTLY_BLANKED.search(text):
        return True
    if is_template(text) or _REFERENCE.fullmatch(text) or _ANGLE_STAND_IN.fullmatch(text):
        return True
    # "REDACTED-BY-EXPORT", "(secret redacted)": the word says it; a key never spells it by chance
    return "redacted" in _MARKER_SPLIT.split(text.lower()) or (
        _MARKER_SPLIT.sub("", text.lower()) in _REDACTION_WORDS)


def is_withheld(value: str) -> bool:
    """A template or a masked value: not a literal secret (see `is_template`, `is_masked`)."""
    return is_template(value) or is_masked(value)


_BLANK_CHARS = frozenset("*xX\u2022\u25cf#")
_PARTLY_BLANKED = re.compile(r"\*{3,}|\u2022{3,}|\u25cf{3,}|x{5,}|X{5,}|\.\.\.|\u2026")
# ${name} in any case; bare $NAME and %NAME% only as upper-case environment names (a password may
# start with "$")
_REFERENCE = re.compile(r"\$\{[^{}\s]{1,200}\}|\$[A-Z_][A-Z0-9_]{1,200}|%[A-Z_][A-Z0-9_]{1,200}%")
_ANGLE_STAND_IN = re.compile(r"<[^<>\n]{1,80}>")
_MARKER_SPLIT = re.compile(r"[^a-z]+")
_REDACTION_WORDS = frozenset({"redacted", "hidden", "masked", "removed", "omitted", "withheld", "elided",
                              "sanitized", "sanitised", "scrubbed", "obfuscated", "censored", "concealed",
                              "notshown", "notexported", "secretremoved", "secrethidden"})


def _export_app(record: _App) -> ExportApp:
    return ExportApp(
        client_id=record.client_id,
        node=record.nodes[0],
        also=tuple(record.nodes[1:]),
        name=record.name,
        created_in=record.created_in,
        account_ids=tuple(record.account_ids),
        bot_ids=tuple(record.bot_ids),
        algorithm=record.algorithm,
        jti_enforced=record.jti,
        jwe_enforced=record.jwe,
        uses_private_claims=record.private,
        in_channel=record.in_channel,
        duplicates=tuple(record.duplicates),
    )


def _settings(apps: dict[str, _App], mappings: tuple[ExportNode, ...] | None) -> dict[str, AppSettings]:
    scoped: set[str] = set()
    for mapping in mappings or ():
        client_id = _str(mapping.get("clientId"))
        if client_id and mapping.get("saved") is not False and mapping.get("scopes"):
            scoped.add(client_id)
    out = {}
    for client_id, record in apps.items():
        secrets = tuple(dict.fromkeys(secret for secret, _ in record.secrets))
        out[client_id] = AppSettings(
            client_id=client_id,
            name=record.name,
            algorithm=record.algorithm,
            jti_enforced=record.jti,
            jwe_enforced=record.jwe,
            api_scopes=(client_id in scoped) if mappings is not None else None,
            secrets=secrets,
            secret_source=f"export {record.secrets[0][1]}" if record.secrets else None,
        )
    return out


def _botkit_credentials(data: dict[str, Any]) -> Iterator[tuple[str, str | None, str]]:
    credentials = data.get("credentials")
    if not isinstance(credentials, dict):
        return
    blocks = [("/credentials", credentials)]
    blocks += [(pointer_join("/credentials", k), v) for k, v in credentials.items() if isinstance(v, dict)]
    for pointer, block in blocks:
        client_id = _str(block.get("appId")) or _str(block.get("clientId"))
        if client_id:
            secret = _str(block.get("apikey")) or _str(block.get("clientSecret"))
            yield client_id, (secret if secret and not is_withheld(secret) else None), pointer


def _client_ids(value: Any) -> set[str]:
    found: set[str] = set()
    for _pointer, _key, text, _parent in _walk(value, ""):
        found.update(_CLIENT_ID_IN_TEXT.findall(text))
    return found


def _context_words(apps: dict[str, _App], bots: list[ExportBot], account: dict[str, Any]) -> tuple[str, ...]:
    words: list[str] = []
    for record in apps.values():
        _unique(words, record.client_id)
        _unique(words, record.name)
    for bot in bots:
        _unique(words, bot.name)
    _unique(words, _str(account.get("name")))
    return tuple(words)


def _tables(container: Artefact | None,
            definitions: list[Artefact]) -> tuple[tuple[ExportNode, ...] | None, tuple[str, ...]]:
    nodes: list[ExportNode] = []
    names: list[str] = []
    present = False
    if container is not None and isinstance(container.data.get("dataTables"), dict):
        present = True
        section = container.data["dataTables"]
        for pointer, table in _items(container, "/dataTables/tables", section.get("tables")):
            nodes.append(_node(container, pointer, table))
            _unique(names, _str(table.get("name")))
        for pointer, view in _items(container, "/dataTables/views", section.get("views")):
            nodes.append(_node(container, pointer, view))
    for art in definitions:
        present = True
        match = _TABLE_FILE.match(PurePosixPath(art.path.rpartition("!/")[2]).name)
        name = _str(art.data.get("name")) or (match.group(1) if match else None)
        _unique(names, name)
        if isinstance(art.data.get("assignments"), dict):
            nodes.append(_node(art, "", art.data))
    return (tuple(nodes) if present else None), tuple(names)


# --- bot exports ---------------------------------------------------------------------------------


def _bot_exports(artefacts: list[Artefact], container: Artefact | None, bots: list[ExportBot],
                 host: str | None) -> tuple[BotExportSubject, ...]:
    configs = {a.folder: a for a in artefacts if a.kind == BOT_CONFIG}
    out = []
    for art in artefacts:
        if art.kind != BOT_DEFINITION:
            continue
        folder = art.folder
        root = folder.removesuffix("!") or art.path
        bot = _match_bot(art, root, container, bots)
        config = configs.get(folder)
        env: list[ExportNode] = []
        if config is not None:
            env = list(_env_variables(config))
        data = art.data
        out.append(BotExportSubject(
            location=Location(path=root),
            name=(bot.name if bot else None) or _str(data.get("name")),
            bot_id=bot.bot_id if bot else _str(data.get("_id")),
            host=host,
            service_nodes=tuple(_service_nodes(art)),
            auth_profiles=tuple(_node(art, p, item) for p, item in
                                _items(art, "/idpConfigurations", data.get("idpConfigurations"))),
            env_variables=tuple(env),
        ))
    return tuple(out)


def _match_bot(art: Artefact, root: str, container: Artefact | None,
               bots: list[ExportBot]) -> ExportBot | None:
    if container is not None:
        base = container.folder
        for bot in bots:
            export = _str(bot.node.get("export"))
            if export and bot.node.path == container.path:
                target = str(PurePosixPath(base, export.strip("/"))) if base else export.strip("/")
                if target == root or target == root.removesuffix(".zip") or f"{target}.zip" == root:
                    return bot
    data = art.data
    for key in ("_id", "botId", "streamId"):
        bot_id = _str(data.get(key))
        for bot in bots:
            if bot_id and bot.bot_id == bot_id:
                return bot
    name = _str(data.get("name"))
    matches = [b for b in bots if name and b.name and b.name.casefold() == name.casefold()]
    return matches[0] if len(matches) == 1 else None


def _env_variables(art: Artefact) -> Iterator[ExportNode]:
    variables = art.data.get("envVariables")
    if isinstance(variables, list):
        for pointer, item in _items(art, "/envVariables", variables):
            yield _node(art, pointer, item)
    elif isinstance(variables, dict):
        for key, item in variables.items():
            pointer = pointer_join("/envVariables", key)
            if isinstance(item, dict):
                yield _node(art, pointer, {"key": key, **item})


def _service_nodes(art: Artefact) -> Iterator[ServiceNode]:
    for pointer, item in _items(art, "/dialogComponents", art.data.get("dialogComponents")):
        if item.get("type") != "service" and not isinstance(item.get("endPoint"), dict):
            continue
        node = _node(art, pointer, item)
        endpoint = item.get("endPoint") if isinstance(item.get("endPoint"), dict) else {}
        end_pointer = pointer_join(pointer, "endPoint")
        url, url_pointer = None, None
        for container_pointer, source in ((end_pointer, endpoint), (pointer, item)):
            for key in ("url", "host"):
                if _str(source.get(key)):
                    url, url_pointer = source[key], pointer_join(container_pointer, key)
                    path = _str(source.get("path"))
                    if key == "host" and path and "://" not in url:
                        # real exports split the URL: host "api.example.com", path "/v1/x?key=…"
                        url = url.rstrip("/") + "/" + path.lstrip("/")
                        if "?" in path:
                            url_pointer = pointer_join(container_pointer, "path")
                    break
            if url:
                break
        headers: list[ExportField] = []
        payload: list[ExportField] = []
        payload_text = None
        for base, source in ((pointer, item), (end_pointer, endpoint)):
            headers.extend(_fields(art, pointer_join(base, "headers"), source.get("headers")))
            raw = source.get("payload")
            fields, text = _payload(art, pointer_join(base, "payload"), raw)
            payload.extend(fields)
            payload_text = payload_text or text
        # idp and authRequired sit beside endPoint or inside it, like host, headers and payload
        idp = _either(item, endpoint, "idp")
        if isinstance(idp, dict):
            idp = _str(idp.get("_id")) or _str(idp.get("name"))
        if isinstance(idp, str) and idp.strip().lower() in ("none", "null", ""):
            idp = None  # real exports write "idp": "none" for a node without authorization
        yield ServiceNode(
            node=node,
            name=_str(item.get("name")),
            url=url,
            url_location=art.document.locate(url_pointer) if url_pointer else None,
            protocol=_str(endpoint.get("protocol")) or _str(item.get("protocol")),
            headers=tuple(headers),
            payload=tuple(payload),
            payload_text=payload_text,
            idp=_str(idp),
            auth_required=_bool(_either(item, endpoint, "authRequired")),
        )


def _either(item: dict[str, Any], endpoint: dict[str, Any], key: str) -> Any:
    """A service-node setting from the node, else from its `endPoint`."""
    value = item.get(key)
    return endpoint.get(key) if value is None else value


def _embedded(value: Any) -> Any:
    """The JSON a string holds (`headers.value`), or the value itself."""
    if isinstance(value, str) and len(value) <= MAX_EMBEDDED_JSON and value.lstrip().startswith(("{", "[")):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return value
    return value


def _fields(art: Artefact, pointer: str, value: Any) -> Iterator[ExportField]:
    """Headers as {name: value}, [{key, value}] or [[name, value]], bare or under
    {"value": …} (the platform's shape, there a JSON string; hand-edited and converted exports
    hold the object or list itself). A string that is not JSON is read as `name: value` text,
    so a literal credential in a broken header string is still seen."""
    if isinstance(value, dict) and "value" in value and set(value) <= {"value", "type"}:
        pointer, value = pointer_join(pointer, "value"), _embedded(value["value"])
    if isinstance(value, str):
        yield from _loose_fields(art, pointer, value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                where = pointer_join(pointer, key)
                yield ExportField(key=str(key), value=item, location=art.document.locate(where))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict) and isinstance(item.get("value"), str):
                where = pointer_join(pointer_join(pointer, index), "value")
                yield ExportField(key=str(item.get("key") or item.get("name") or ""), value=item["value"],
                                  location=art.document.locate(where))
            elif isinstance(item, list) and len(item) == 2 and all(isinstance(p, str) for p in item):
                where = pointer_join(pointer_join(pointer, index), 1)
                yield ExportField(key=item[0], value=item[1], location=art.document.locate(where))


# `Name: value` / `"Name": "value"` / `name=value` in a header string that is not JSON (bounded
# repetitions: one linear pass)
_LOOSE_PAIR = re.compile(r"[\"']?([A-Za-z][\w-]{0,80})[\"']?[ \t]{0,20}[:=][ \t]{0,20}[\"']?"
                         r"([^\"'\r\n,;\[\]]{1,4096})")


def _loose_fields(art: Artefact, pointer: str, text: str) -> Iterator[ExportField]:
    if not text.strip() or len(text) > MAX_EMBEDDED_JSON:
        return
    location = art.document.locate(pointer)
    found = False
    for match in _LOOSE_PAIR.finditer(text):
        value = match.group(2).strip()
        if value:
            found = True
            yield ExportField(key=match.group(1), value=value, location=location)
    if not found:
        yield ExportField(key="", value=text.strip(), location=location)


def _payload(art: Artefact, pointer: str, value: Any) -> tuple[list[ExportField], ExportField | None]:
    if isinstance(value, dict) and isinstance(value.get("value"), str):
        pointer, value = pointer_join(pointer, "value"), value["value"]
    parsed = _embedded(value)
    if isinstance(parsed, str):
        if not parsed:
            return [], None
        return [], ExportField(key="payload", value=parsed, location=art.document.locate(pointer))
    fields = [ExportField(key=key, value=text, location=art.document.locate(where))
              for where, key, text, _parent in _walk(parsed, pointer) if key is not None]
    return fields, None


# --- walking and tokens --------------------------------------------------------------------------


def _walk(value: Any, pointer: str) -> Iterator[tuple[str, str | None, str, dict[str, Any] | None]]:
    """Every string leaf: (pointer, key it sits under, text, parent object). Iterative, bounded.

    Strings that hold JSON objects or arrays are parsed and walked into.
    """
    stack: list[tuple[Any, str, str | None, dict[str, Any] | None, int]] = [(value, pointer, None, None, 0)]
    while stack:
        item, where, key, parent, depth = stack.pop()
        if depth > MAX_WALK_DEPTH:
            continue
        if isinstance(item, str):
            inner = _embedded(item)
            if inner is not item and isinstance(inner, (dict, list)):
                stack.append((inner, where, key, parent, depth + 1))
            else:
                yield where, key, item, parent
        elif isinstance(item, dict):
            for k, v in reversed(list(item.items())):
                stack.append((v, pointer_join(where, k), str(k), item, depth + 1))
        elif isinstance(item, list):
            for index in range(len(item) - 1, -1, -1):
                child = item[index]
                stack.append((child, pointer_join(where, index), key, parent, depth + 1))


def _tokens(artefacts: list[Artefact], settings: dict[str, AppSettings],
            context_words: tuple[str, ...]) -> tuple[list[TokenSubject], list[str]]:
    tokens: list[TokenSubject] = []
    sensitive: list[str] = []
    for art in artefacts:
        for pointer, key, text, parent in _walk(art.data, ""):
            if key and _SECRET_KEYS.search(key) and not is_template(text):
                sensitive.append(text)
            if "eyJ" not in text:
                continue
            for match in _JWT.finditer(text):
                raw = match.group(0)
                try:
                    parsed = decode_unverified(raw)
                except TokenError:
                    continue
                sensitive.append(raw)
                claims = parsed.claims
                client_id = next((c for c in (claims.get("appId"), claims.get("iss"), claims.get("kore_iss"))
                                  if isinstance(c, str) and c in settings), None)
                tokens.append(TokenSubject(
                    token=parsed,
                    location=art.document.locate(pointer),
                    anchor=pointer,
                    app=settings.get(client_id) if client_id else None,
                    public_api=_sent_to_public_api(key, parent),
                    stored=True,
                    context_words=context_words,
                ))
    return tokens, sensitive


def _sent_to_public_api(key: str | None, parent: Any) -> bool:
    """In an `auth` header (as a key, or a {key: "auth", value} item) or beside a /api/public/ URL."""
    if key and key.lower() == "auth":
        return True
    if isinstance(parent, dict):
        label = parent.get("key") or parent.get("name")
        if isinstance(label, str) and label.lower() == "auth":
            return True
        return any(isinstance(v, str) and "/api/public/" in v for v in parent.values())
    return False
