"""Read what `jwtaudit audit` is pointed at: every artefact of ../shared/export-format.md.

A file, a zip or a folder is read into memory (zips through `archive`, never extracted), every
JSON/YAML file is parsed with spans, and each is recognised by its content: the account export
container, a saved Get Bots response, a bot export (`botDefinition.json` + `config.json`), a
data-table definition, a BotKit config, a saved Xenioo bots list. Every other text file
(bot-function `.js`, notes, `.env`) is kept as text for the per-file analysis, wherever it sits,
and a container's `bots[].export` paths are followed. Linking them into subjects is
`export_link`'s job. Malformed input (including wrong types in a container, a Get Bots response
or the bot-export fields the rules read) raises `InputError("<file>: <problem> at <pointer>")`.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from jwtaudit.errors import InputError
from jwtaudit.model import Location
from jwtaudit.sources import archive
from jwtaudit.subjects import AppSettings, DocumentSubject, Span

FORMAT_V1 = "jwtaudit-account-export/v1"
FORMAT_PREFIX = "jwtaudit-account-export/"
SCHEMA_FILE = "account-export-v1.schema.json"
MAX_FILES = 5_000
MAX_DEPTH = 256
STRUCTURED_SUFFIXES = (".json", ".yaml", ".yml")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv"})
_YAML_STANDARD_TAG = "tag:yaml.org,2002:"
_YAML_SAFE_TYPES = frozenset({"str", "int", "float", "bool", "null", "map", "seq", "timestamp",
                              "binary", "merge", "value", "set", "omap", "pairs"})

# artefact kinds
CONTAINER = "container"
GET_BOTS = "get-bots"
BOT_DEFINITION = "bot-definition"
BOT_CONFIG = "bot-config"
TABLE_DEFINITION = "table-definition"
BOTKIT = "botkit"
XENIOO = "xenioo"
OTHER = "other"


@dataclass(frozen=True, kw_only=True, eq=False)
class Artefact:
    """One parsed file of the export and what it was recognised as."""

    path: str  # display path relative to the audit root (`a.zip!/botDefinition.json`)
    kind: str
    data: Any = field(repr=False)
    spans: dict[str, Span] = field(repr=False)
    document: DocumentSubject = field(repr=False)
    documents: int = 1  # YAML documents in the file (a multi-document file parses to their list)

    @property
    def folder(self) -> str:
        """The folder (or zip) the file sits in: bot-export files are grouped by it."""
        head, _, _ = self.path.rpartition("/")
        return head


@dataclass(frozen=True, kw_only=True)
class TextFile:
    """A text file that is not JSON/YAML (bot-function `.js`, notes, `.env`): analysed as text,
    as `scan` would, wherever it sits in the folder or zip."""

    path: str
    text: str = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class Skip:
    """A file or path the audit could not use, with why; `location` is where the export names it
    (a container's `bots[].export`). `unreadable` marks input the audit should have read."""

    path: str
    reason: str
    unreadable: bool = False
    location: Location | None = None


@dataclass(frozen=True, kw_only=True)
class Export:
    """Everything read from the audit path."""

    artefacts: list[Artefact]
    texts: list[TextFile] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    # files that are no export artefact: parsed ones that were not recognised, binary ones not read
    others: list[str] = field(default_factory=list)

    @property
    def recognised(self) -> bool:
        return any(a.kind != OTHER for a in self.artefacts)


@dataclass(frozen=True, kw_only=True)
class _Entry:
    name: str  # display path
    data: bytes | None = field(default=None, repr=False)  # None: a file on disk, read only if needed
    disk: Path | None = None


def load(path: Path, *, max_file_size: int = 5 * 1024 * 1024) -> list[Artefact]:
    """Every structured file under `path`, parsed and recognised, in a stable order."""
    return load_export(path, max_file_size=max_file_size).artefacts


def load_export(path: Path, *, max_file_size: int = 5 * 1024 * 1024) -> Export:
    """Read `path` (file, zip or folder): artefacts, the other text files, and what was skipped.

    A container's `bots[].export` paths are followed (relative to the container; one leaving the
    folder audited or, for a single file, the file's folder, is an input error) and a missing one
    is reported.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    base = path if path.is_dir() else path.parent
    skipped: list[Skip] = []
    entries = list(_files(path, max_file_size, skipped))
    lenient = path.is_dir() or is_zip_file(path)  # a folder's other files may be anything
    unparsed: set[str] = set()
    artefacts = [a for e in entries if _structured(e.name)
                 if (a := _recognise_or_none(e, lenient, unparsed)) is not None]
    followed = _follow_exports(artefacts, base, {e.name for e in entries} | {s.path for s in skipped},
                               max_file_size, skipped)
    artefacts.extend(a for e in followed if _structured(e.name)
                     if (a := _recognise_or_none(e, True, unparsed)) is not None)
    entries.extend(followed)
    texts: list[TextFile] = []
    others = [a.path for a in artefacts if a.kind == OTHER]
    for entry in entries:
        if _structured(entry.name) and entry.name not in unparsed:
            continue
        before = len(skipped)
        if (text := _text_file(entry, max_file_size, skipped)) is not None:
            texts.append(text)
        elif len(skipped) == before:
            others.append(entry.name)  # binary (an icon): not read
    named = {s.path for s in skipped}
    skipped.extend(s for s in _exports_without_bot(artefacts) if s.path not in named)
    return Export(artefacts=sorted(artefacts, key=lambda a: a.path),
                  texts=sorted(texts, key=lambda t: t.path), skipped=skipped, others=sorted(set(others)))


def _follow_exports(artefacts: list[Artefact], base: Path, seen: set[str], max_file_size: int,
                    skipped: list[Skip]) -> list[_Entry]:
    """Read the `bots[].export` paths of each container that the walk did not reach (the audit
    was pointed at the container itself); a missing one is a Skip. One leaving `base` (or its
    zip) is an input error, as a zip entry escaping its archive is."""
    followed: list[_Entry] = []
    for art in [a for a in artefacts if a.kind == CONTAINER]:
        for target, pointer, export in _export_paths(art):
            outside = InputError(f"{art.path}: bot export path {_shown(export)} at {pointer} leaves the "
                                 "audited folder")
            if target is None:
                raise outside
            if _covered(target, seen):
                continue
            disk = base / target
            if "!/" not in art.path and _escapes(disk, base):
                raise outside
            where = art.document.locate(pointer)
            if "!/" in art.path or not (disk.exists() or disk.is_symlink()):
                skipped.append(Skip(path=target, location=where, unreadable=True,
                                    reason=f"bot export {_shown(export)} does not exist"))
                continue
            more = list(_files(disk, max_file_size, skipped, display=target))
            followed.extend(more)
            seen.update(e.name for e in more)
    return followed


def _exports_without_bot(artefacts: list[Artefact]) -> Iterator[Skip]:
    """A `bots[].export` that exists but holds no bot definition: nothing of the bot was audited."""
    roots = [a.path for a in artefacts if a.kind == BOT_DEFINITION]
    for art in [a for a in artefacts if a.kind == CONTAINER]:
        for target, pointer, export in _export_paths(art):
            if target is not None and not any(r.startswith((target + "/", target + "!/")) for r in roots):
                yield Skip(path=target, location=art.document.locate(pointer),
                           reason=f"bot export {_shown(export)} holds no botDefinition.json")


def _structured(name: str) -> bool:
    return name.lower().endswith(STRUCTURED_SUFFIXES)


def _recognise_entry(entry: _Entry) -> Artefact:
    return recognise(entry.name, text_of(entry.name, entry.data or b""))


class MalformedSyntax(InputError):
    """A JSON or YAML syntax error (not a hostile structure: those stay plain input errors)."""


def _recognise_or_none(entry: _Entry, lenient: bool, unparsed: set[str]) -> Artefact | None:
    """The entry's artefact; in a folder or zip, None (and its name in `unparsed`, to be read as
    text the way `scan` reads it) for a file that does not parse and shows no sign of being an
    export artefact: a `tsconfig.json` with comments or a truncated `package.json` beside an
    export is not malformed export input. A broken file that may be an artefact is still an
    input error."""
    if not lenient:
        return _recognise_entry(entry)
    try:
        return _recognise_entry(entry)
    except MalformedSyntax:
        raw = entry.data or b""
        if _may_be_artefact(entry.name, raw[:65536].decode("utf-8", "replace")):
            raise
        unparsed.add(entry.name)
        return None


_ARTEFACT_SIGNS = ("jwtaudit-account-export", "jwtapps", "bots", "dialogcomponents", "idpconfigurations",
                   "envvariables", "credentials", "jwtalgorithm", "result", "schemadef")


def _may_be_artefact(name: str, text: str) -> bool:
    base = PurePosixPath(name.rpartition("!/")[2]).name.lower()
    if base in ("botdefinition.json", "config.json") or base.startswith("tabledefinition_"):
        return True
    low = text[:65536].lower()
    return any(sign in low for sign in _ARTEFACT_SIGNS)


def _shown(export: str) -> str:
    return repr(export[:120].encode("ascii", "backslashreplace").decode("ascii"))


def _covered(target: str, seen: set[str]) -> bool:
    return any(name == target or name.startswith((target + "/", target + "!/")) for name in seen)


def _escapes(disk: Path, base: Path) -> bool:
    try:
        disk.resolve().relative_to(base.resolve())
    except (ValueError, OSError, RuntimeError):
        return True
    return False


def _export_paths(art: Artefact) -> Iterator[tuple[str | None, str, str]]:
    """(target display path or None when it leaves the folder, pointer, raw value) for each
    `bots[].export` of a container."""
    bots = art.data.get("bots") if isinstance(art.data, dict) else None
    if not isinstance(bots, list):
        return
    for index, bot in enumerate(bots):
        export = bot.get("export") if isinstance(bot, dict) else None
        if not isinstance(export, str) or not export.strip():
            continue
        raw = export.strip().replace("\\", "/")
        pointer = f"/bots/{index}/export"
        if raw.startswith("/") or re.match(r"^[A-Za-z]:", raw) or "\0" in raw:
            yield None, pointer, export
            continue
        head = art.folder
        joined = posixpath.normpath(posixpath.join(head, raw)) if head else posixpath.normpath(raw)
        inside_zip = "!/" in art.path
        if joined == ".." or joined.startswith("../") or (
                inside_zip and not joined.startswith(art.path.rsplit("!/", 1)[0] + "!")):
            yield None, pointer, export
            continue
        yield joined, pointer, export


def _text_file(entry: _Entry, max_file_size: int, skipped: list[Skip]) -> TextFile | None:
    """A file as text; None for binary files (icons) and, with a Skip, what cannot be read."""
    from jwtaudit.sources.files import BINARY_SUFFIXES
    from jwtaudit.sources.text import decode_bytes

    suffix = PurePosixPath(entry.name.rpartition("!/")[2]).suffix.lower()
    if suffix in BINARY_SUFFIXES:
        return None
    data = entry.data
    if data is None and entry.disk is not None:
        try:
            if entry.disk.stat().st_size > max_file_size:
                skipped.append(Skip(path=entry.name, reason=f"file is over the {max_file_size}-byte cap"))
                return None
            data = entry.disk.read_bytes()
        except OSError as exc:
            skipped.append(Skip(path=entry.name, unreadable=True,
                                reason=f"cannot read: {exc.strerror or type(exc).__name__}"))
            return None
    if data is None or b"\0" in data[:8192]:
        return None
    text, _encoding = decode_bytes(data)
    return TextFile(path=entry.name, text=text)


def _files(path: Path, max_file_size: int, skipped: list[Skip],
           display: str | None = None) -> Iterator[_Entry]:
    limits = archive.Limits(max_file_bytes=max_file_size)
    if path.is_file():
        name = display or path.name
        if path.is_symlink():
            return
        is_zip = _zip_magic(path) or name.lower().endswith(".zip")
        if not (is_zip or _structured(name)):
            yield _Entry(name=name, disk=path)
            return
        yield from _expand(name, _read_file(path, name, max_file_size, zip_ok=is_zip), limits, skipped)
        return
    count = 0
    for folder, dirs, names in os.walk(path, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(names):
            full = Path(folder) / name
            rel = full.relative_to(path).as_posix()
            if display:
                rel = f"{display.rstrip('/')}/{rel}"
            lower = name.lower()
            if full.is_symlink():
                continue
            count += 1
            if count > MAX_FILES:
                raise InputError(f"{path}: more than {MAX_FILES} files to read")
            if not (lower.endswith(STRUCTURED_SUFFIXES) or lower.endswith(".zip")):
                yield _Entry(name=rel, disk=full)
                continue
            yield from _expand(rel, _read_file(full, rel, max_file_size, zip_ok=lower.endswith(".zip")),
                               limits, skipped)


def is_zip_file(path: Path) -> bool:
    """A zip archive given as the audit path (by its magic bytes or its name)."""
    return path.is_file() and (_zip_magic(path) or path.name.lower().endswith(".zip"))


def _zip_magic(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return archive.is_zip(handle.read(4))
    except OSError:
        return False


def _read_file(full: Path, rel: str, max_file_size: int, *, zip_ok: bool) -> bytes:
    cap = archive.MAX_TOTAL_BYTES if zip_ok else max_file_size
    try:
        size = full.stat().st_size
        if size > cap:
            raise InputError(f"{rel}: file is {size} bytes, over the {cap}-byte cap")
        with full.open("rb") as handle:
            data = handle.read(cap + 1)
    except OSError as exc:
        raise InputError(f"{rel}: cannot read: {exc.strerror or type(exc).__name__}") from None
    if len(data) > cap:
        raise InputError(f"{rel}: file is over the {cap}-byte cap")
    return data


def _expand(rel: str, content: bytes, limits: archive.Limits, skipped: list[Skip]) -> Iterator[_Entry]:
    if archive.is_zip(content):
        entries = archive.read_zip(content, rel, limits)
        if not entries:
            skipped.append(Skip(path=rel, reason="the zip archive holds no files"))
        for name, data in entries:
            yield _Entry(name=name, data=data)
        return
    if rel.lower().endswith(".zip"):
        raise InputError(f"{rel}: not a readable zip archive")
    if len(content) > limits.max_file_bytes:
        raise InputError(f"{rel}: file is over the {limits.max_file_bytes}-byte cap")
    yield _Entry(name=rel, data=content)


def text_of(name: str, content: bytes) -> str:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not valid UTF-8 (byte {exc.start})") from None
    return text.removeprefix("\ufeff")


def parse(name: str, text: str) -> tuple[Any, dict[str, Span]]:
    """Parse one JSON or YAML file with spans; InputError naming the file on any problem."""
    data, spans, _documents = _parse(name, text)
    return data, spans


def _parse(name: str, text: str) -> tuple[Any, dict[str, Span], int]:
    from jwtaudit.sources import structured

    is_yaml = name.lower().endswith((".yaml", ".yml")) or (
        not name.lower().endswith(".json") and not text.lstrip().startswith(("{", "[")))
    if not is_yaml:
        try:
            return (*structured.parse_json_with_spans(text, max_depth=MAX_DEPTH), 1)
        except (ValueError, RecursionError) as exc:
            problem = str(exc).splitlines()[0] if str(exc) else "invalid JSON"
            hostile = isinstance(exc, RecursionError) or "nested deeper" in problem
            raise (InputError if hostile else MalformedSyntax)(f"{name}: {problem}") from None
    documents = _check_yaml(name, text)
    document = structured.parse_document(_as_yaml_name(name), text)
    if document is None:
        raise InputError(f"{name}: YAML aliases expand too far (alias bomb?) or nest too deeply")
    return _dates_as_text(document.data), document.spans, documents


def _dates_as_text(data: Any) -> Any:
    """YAML reads an unquoted `2024-10-23T06:56:29Z` as a timestamp: keep it as the ISO text it
    was written as (`Z` for UTC), the type a JSON export holds, so both spellings mean the same."""
    def text(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0):
                return value.replace(tzinfo=None).isoformat() + "Z"
            return value.isoformat()
        return value.isoformat() if isinstance(value, dt.date) else value

    stack = [data]
    while stack:
        item = stack.pop()
        pairs = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(item, list) else ()
        for key, value in list(pairs):
            if isinstance(value, (dict, list)):
                stack.append(value)
            elif isinstance(value, dt.date):
                item[key] = text(value)
    return text(data)


def _as_yaml_name(name: str) -> str:
    return name if name.lower().endswith((".yaml", ".yml")) else f"{name}.yaml"


def _check_yaml(name: str, text: str) -> int:
    """Safe loading only: any tag outside YAML's standard types is refused, as is bad syntax and
    an unquoted date no calendar has (`2024-02-30`), named by its pointer. The number of YAML
    documents in the file."""
    import yaml

    where = _YamlPlace()
    documents = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            tag = getattr(event, "tag", None)
            if tag and tag != "!" and not (
                tag.startswith(_YAML_STANDARD_TAG) and tag[len(_YAML_STANDARD_TAG):] in _YAML_SAFE_TYPES
            ):
                line = event.start_mark.line + 1
                raise InputError(f"{name}: YAML tag {tag[:60]!r} at line {line} is not allowed "
                                 "(safe loading only)")
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
            pointer, in_key = where.step(event, yaml)
            if len(where.frames) > MAX_DEPTH:
                raise InputError(f"{name}: YAML nested more than {MAX_DEPTH} deep")
            if isinstance(event, yaml.ScalarEvent) and not _yaml_date_ok(event, yaml):
                what = "in a key of" if in_key else "at"
                raise InputError(f"{name}: not a valid date {what} {pointer or '/'} "
                                 f"(line {event.start_mark.line + 1})")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise MalformedSyntax(f"{name}: invalid YAML{where}: {exc.problem or 'syntax error'}") from None
    except yaml.YAMLError:
        raise MalformedSyntax(f"{name}: invalid YAML") from None
    return documents


class _YamlPlace:
    """The JSON pointer of each node as the YAML events go by; for a node in a mapping key, the
    pointer of that mapping and True."""

    def __init__(self) -> None:
        # per open collection: [is_mapping, at_key, key or index]
        self.frames: list[list[Any]] = []

    def step(self, event: Any, yaml: Any) -> tuple[str, bool]:
        if isinstance(event, yaml.DocumentStartEvent):
            self.frames = []
        elif isinstance(event, yaml.CollectionEndEvent):
            if self.frames:
                self.frames.pop()
            self._done()
        if not isinstance(event, yaml.NodeEvent):
            return "", False
        place = self.pointer()
        top = self.frames[-1] if self.frames else None
        if top is not None and top[0] and top[1] and isinstance(event, yaml.ScalarEvent):
            top[2] = event.value
        if isinstance(event, yaml.CollectionStartEvent):
            self.frames.append([isinstance(event, yaml.MappingStartEvent), True, 0])
        else:
            self._done()
        return place

    def pointer(self) -> tuple[str, bool]:
        parts = []
        for is_mapping, at_key, key in self.frames:
            if is_mapping and at_key:
                return "".join(parts), True
            parts.append(f"/{_escape(key)}")
        return "".join(parts), False

    def _done(self) -> None:
        """A node ended: a mapping moves between key and value, a sequence to its next item."""
        if self.frames:
            top = self.frames[-1]
            if top[0]:
                top[1] = not top[1]
            else:
                top[2] += 1


def _yaml_date_ok(event: Any, yaml: Any) -> bool:
    """False for a plain scalar YAML reads as a timestamp that is no real date or time."""
    if event.style is not None or not event.implicit[0] or not event.value[:1].isdigit():
        return True
    if yaml.resolver.Resolver().resolve(yaml.ScalarNode, event.value, (True, False)) != \
            _YAML_STANDARD_TAG + "timestamp":
        return True
    try:
        yaml.SafeLoader("").construct_yaml_timestamp(yaml.ScalarNode(_YAML_STANDARD_TAG + "timestamp",
                                                                     event.value))
    except (ValueError, OverflowError):
        return False
    return True


def recognise(name: str, text: str) -> Artefact:
    """Parse one file and tell what it is (by content, and by name for bot-export files)."""
    data, spans, documents = _parse(name, text)
    kind = kind_of(name, data) if documents <= 1 else OTHER
    if kind == CONTAINER:
        validate_container(name, data)
    elif kind == GET_BOTS:
        validate_get_bots(name, data)
    elif kind == BOT_DEFINITION:
        _validate(name, data, BOT_DEFINITION_SCHEMA)
    elif kind == BOT_CONFIG:
        _validate(name, data, BOT_CONFIG_SCHEMA)
    elif PurePosixPath(name.rpartition("!/")[2]).name == "botDefinition.json":
        raise InputError(f"{name}: expected object at / (a bot definition)")
    fmt = "yaml" if name.lower().endswith((".yaml", ".yml")) else "json"
    document = DocumentSubject(location=Location(path=name), format=fmt, data=data, spans=spans,
                               text=text)
    return Artefact(path=name, kind=kind, data=data, spans=spans, document=document, documents=documents)


def kind_of(name: str, data: Any) -> str:
    base = PurePosixPath(name.rpartition("!/")[2]).name
    if not isinstance(data, dict):
        return OTHER
    fmt = data.get("format")
    if isinstance(fmt, str) and fmt.startswith(FORMAT_PREFIX):
        return CONTAINER
    bots = data.get("bots")
    if isinstance(bots, list) and any(isinstance(b, dict) and "jwtApps" in b for b in bots):
        return GET_BOTS
    if base == "botDefinition.json" or "dialogComponents" in data or "idpConfigurations" in data:
        return BOT_DEFINITION
    if "envVariables" in data:
        return BOT_CONFIG
    if "schemaDef" in data or re.match(r"tableDefinition_.+\.json$", base):
        return TABLE_DEFINITION
    result = data.get("Result")
    if isinstance(result, list) and any(
        isinstance(b, dict) and ("APIKey" in b or "APISecret" in b or "Channels" in b) for b in result
    ):
        return XENIOO
    credentials = data.get("credentials")
    jwt = data.get("jwt")
    if (isinstance(credentials, dict) and _has_botkit_keys(credentials)) or (
        isinstance(jwt, dict) and "jwtAlgorithm" in jwt
    ):
        return BOTKIT
    return OTHER


def why_unrecognised(data: Any, documents: int = 1) -> str:
    """Why a parsed file is none of the artefacts of export-format.md (never quoting a value)."""
    if documents > 1:
        return f"the file holds {documents} YAML documents, where every export artefact is one document"
    if isinstance(data, list):
        return "the top level is a list, where every export artefact is an object"
    if not isinstance(data, dict):
        return f"the top level is a {_type_name(data)}, where every export artefact is an object"
    return ("no account container 'format', Get Bots 'bots[]' with 'jwtApps', bot definition, data-table "
            "'schemaDef', BotKit 'credentials' or Xenioo 'Result[]'")


def not_an_export(path: Path, loaded: Export) -> InputError:
    """The one-line error for `path` when it holds no export artefact: a single file (not a zip)
    is named with why it is none; a folder or zip is named as holding none."""
    if path.is_file() and not is_zip_file(path):
        if loaded.artefacts:
            art = loaded.artefacts[0]
            why = why_unrecognised(art.data, art.documents)
            return InputError(f"{art.path}: not a recognised export: {why}")
        return InputError(f"{path.name}: not a recognised export: not a JSON, YAML or zip file")
    return InputError(f"{path}: no export artefact found")


def _type_name(value: Any) -> str:
    return {str: "string", bool: "boolean", int: "number", float: "number", type(None): "null"}.get(
        type(value), type(value).__name__)


def _has_botkit_keys(credentials: dict[str, Any]) -> bool:
    """BotKit's `credentials`: `apikey` with `appId`, at the top or in per-bot blocks (an IBM Cloud
    or other service's credentials file has an `apikey` alone)."""
    if "apikey" in credentials and "appId" in credentials:
        return True
    return any(isinstance(v, dict) and "apikey" in v and "appId" in v for v in credentials.values())


def validate_container(name: str, data: dict[str, Any]) -> None:
    """Check the container against the packaged JSON Schema; the error names the pointer."""
    fmt = data.get("format")
    if fmt != FORMAT_V1:
        raise InputError(f"{name}: unsupported export format {str(fmt)[:60]!r} at /format "
                         f"(this jwtaudit reads {FORMAT_V1})")
    import json
    from importlib import resources


    schema = json.loads(resources.files("jwtaudit").joinpath("schemas", SCHEMA_FILE).read_text("utf-8"))
    _validate(name, data, schema)


_FLAG = {"type": ["boolean", "null"]}
_TEXT = {"type": ["string", "null"]}
# The Get Bots API response (export-format.md): only what the rules read is typed; other keys
# (and other bot settings) pass, as later platform versions add them.
GET_BOTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "total": {"type": ["integer", "null"]},
        "bots": {"type": "array", "items": {"type": "object", "properties": {
            "_id": _TEXT, "accountId": _TEXT, "name": _TEXT, "status": _TEXT,
            "isPublished": _FLAG,
            "jwtApps": {"type": ["array", "null"], "items": {
                "type": "object", "required": ["clientId"], "properties": {
                    "clientId": {"type": "string"}, "clientSecret": _TEXT, "jtiClaimEnforced": _FLAG,
                    "jweEncryptionEnforced": _FLAG, "accountId": _TEXT,
                    "createdOn": {"type": ["string", "number", "null"]}}}},
        }}},
    },
}


_STRUCTURED = {"type": ["string", "object", "array", "null"]}  # JSON held in a string, or the JSON itself
# headers / payload: {"value": "<JSON text>"} on the platform, or the object or list itself
_HELD = {"type": ["string", "object", "array", "null"], "properties": {"value": _STRUCTURED}}
_SERVICE_SETTINGS: dict[str, Any] = {
    "url": _TEXT, "host": _TEXT, "path": _TEXT, "protocol": _TEXT, "method": _TEXT,
    "headers": _HELD, "payload": _HELD, "idp": {"type": ["string", "object", "null"]}, "authRequired": _FLAG,
}
_OAUTH_SETTINGS: dict[str, Any] = {key: _TEXT for key in (
    "idpName", "clientId", "clientSecret", "authorizationUrl", "tokenUrl", "refreshTokenUrl", "callbackUrl")}
# A bot export's botDefinition.json and config.json (export-format.md): only what the rules read
# is typed, and null stands for absent; every other key passes.
BOT_DEFINITION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "dialogComponents": {"type": ["array", "null"], "items": {"type": "object", "properties": {
            "type": _TEXT, "name": _TEXT, **_SERVICE_SETTINGS,
            "endPoint": {"type": ["object", "null"], "properties": _SERVICE_SETTINGS},
        }}},
        "idpConfigurations": {"type": ["array", "null"], "items": {"type": "object", "properties": {
            "_id": _TEXT, "name": _TEXT, "sso_type": _TEXT, **_OAUTH_SETTINGS,
            "oauth": {"type": ["object", "null"], "properties": _OAUTH_SETTINGS},
            "fields": {"type": ["array", "null"], "items": {"type": "object", "properties": {
                "type": _TEXT, "key": _TEXT, "value": _TEXT}}},
        }}},
    },
}
_ENV_VARIABLE: dict[str, Any] = {"type": "object", "properties": {
    "key": _TEXT, "name": _TEXT, "variableName": _TEXT,
    "value": {"type": ["string", "number", "boolean", "null"]},
    "isSecured": {"type": ["boolean", "string", "null"]},  # "true" in hand-edited or converted exports
}}
BOT_CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    # [{key, value, isSecured}], or {NAME: {value, isSecured}}
    "properties": {"envVariables": {"type": ["array", "object", "null"], "items": _ENV_VARIABLE,
                                    "additionalProperties": _ENV_VARIABLE}},
}


def validate_get_bots(name: str, data: dict[str, Any]) -> None:
    """Wrong types in a saved Get Bots response are an input error naming the pointer, as for
    the container: a rule must never read `"jtiClaimEnforced": "yes"` as a setting."""
    _validate(name, data, GET_BOTS_SCHEMA)


def _validate(name: str, data: Any, schema: dict[str, Any]) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted((e for e in validator.iter_errors(data) if not _case_only(e)),
                    key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path]))
    if errors:
        error = errors[0]
        pointer = "".join(f"/{_escape(p)}" for p in error.absolute_path) or "/"
        raise InputError(f"{name}: {_schema_problem(error)} at {pointer}")


def _case_only(error: Any) -> bool:
    """An algorithm written in another letter case (`hs256`): the platform's names are upper
    case, and a hand-written container that lower-cases one means the same algorithm."""
    path = list(error.absolute_path)
    return (error.validator == "enum" and bool(path) and path[-1] == "algorithm"
            and isinstance(error.instance, str)
            and error.instance.casefold() in {str(v).casefold() for v in error.validator_value})


def _escape(part: object) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _schema_problem(error: Any) -> str:
    """A short description of a schema error that never repeats an input value."""
    validator = error.validator
    if validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"expected {expected}"
    if validator == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        missing = [k for k in error.validator_value if k not in present]
        return f"missing required key {missing[0]!r}" if missing else "missing required key"
    if validator == "enum":
        return "value must be one of " + ", ".join(map(str, error.validator_value))
    if validator == "additionalProperties":
        return "unknown key"
    if validator == "pattern":
        return "value has the wrong format"
    return f"invalid value ({validator})"


def app_settings_from_export(path: Path) -> dict[str, AppSettings]:
    """Client id -> what the export at `path` says about that app (secret included if present).

    For `jwtaudit token TOKEN --export PATH`.
    """
    from jwtaudit.sources.export_link import link

    return link(load(path)).app_settings
