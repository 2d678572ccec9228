"""Read what `jwtaudit audit` is pointed at: every artefact of ../shared/export-format.md.

A file, a zip or a folder is read into memory (zips through `archive`, never extracted), every
JSON/YAML file is parsed with spans, and each is recognised by its content: the account export
container, a saved Get Bots response, a bot export (`botDefinition.json` + `config.json`), a
data-table definition, a BotKit config, a saved Xenioo bots list. Linking them into subjects is
`export_link`'s job. Malformed input raises `InputError("<file>: <problem> at <pointer>")`.
"""

from __future__ import annotations

import os
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

    @property
    def folder(self) -> str:
        """The folder (or zip) the file sits in: bot-export files are grouped by it."""
        head, _, _ = self.path.rpartition("/")
        return head


def load(path: Path, *, max_file_size: int = 5 * 1024 * 1024) -> list[Artefact]:
    """Every structured file under `path`, parsed and recognised, in a stable order."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    found = [recognise(name, text_of(name, content)) for name, content in _files(path, max_file_size)]
    return sorted(found, key=lambda a: a.path)


def _files(path: Path, max_file_size: int) -> Iterator[tuple[str, bytes]]:
    limits = archive.Limits(max_file_bytes=max_file_size)
    if path.is_file():
        yield from _expand(path.name, _read_file(path, path.name, max_file_size, zip_ok=_zip_magic(path)),
                           limits)
        return
    count = 0
    for folder, dirs, names in os.walk(path, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(names):
            full = Path(folder) / name
            rel = full.relative_to(path).as_posix()
            lower = name.lower()
            if full.is_symlink() or not (lower.endswith(STRUCTURED_SUFFIXES) or lower.endswith(".zip")):
                continue
            count += 1
            if count > MAX_FILES:
                raise InputError(f"{path}: more than {MAX_FILES} files to read")
            yield from _expand(rel, _read_file(full, rel, max_file_size, zip_ok=lower.endswith(".zip")),
                               limits)


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


def _expand(rel: str, content: bytes, limits: archive.Limits) -> Iterator[tuple[str, bytes]]:
    if archive.is_zip(content):
        for name, data in archive.read_zip(content, rel, limits):
            if name.lower().endswith(STRUCTURED_SUFFIXES):
                yield name, data
        return
    if len(content) > limits.max_file_bytes:
        raise InputError(f"{rel}: file is over the {limits.max_file_bytes}-byte cap")
    yield rel, content


def text_of(name: str, content: bytes) -> str:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not valid UTF-8 (byte {exc.start})") from None
    return text.removeprefix("\ufeff")


def parse(name: str, text: str) -> tuple[Any, dict[str, Span]]:
    """Parse one JSON or YAML file with spans; InputError naming the file on any problem."""
    from jwtaudit.sources import structured

    is_yaml = name.lower().endswith((".yaml", ".yml")) or (
        not name.lower().endswith(".json") and not text.lstrip().startswith(("{", "[")))
    if not is_yaml:
        try:
            return structured.parse_json_with_spans(text, max_depth=MAX_DEPTH)
        except (ValueError, RecursionError) as exc:
            raise InputError(f"{name}: {str(exc).splitlines()[0] or 'invalid JSON'}") from None
    _check_yaml(name, text)
    document = structured.parse_document(_as_yaml_name(name), text)
    if document is None:
        raise InputError(f"{name}: YAML aliases expand too far (alias bomb?) or nest too deeply")
    return document.data, document.spans


def _as_yaml_name(name: str) -> str:
    return name if name.lower().endswith((".yaml", ".yml")) else f"{name}.yaml"


def _check_yaml(name: str, text: str) -> None:
    """Safe loading only: any tag outside YAML's standard types is refused, as is bad syntax."""
    import yaml

    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            tag = getattr(event, "tag", None)
            if tag and tag != "!" and not (
                tag.startswith(_YAML_STANDARD_TAG) and tag[len(_YAML_STANDARD_TAG):] in _YAML_SAFE_TYPES
            ):
                line = event.start_mark.line + 1
                raise InputError(f"{name}: YAML tag {tag[:60]!r} at line {line} is not allowed "
                                 "(safe loading only)")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(f"{name}: YAML nested more than {MAX_DEPTH} deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise InputError(f"{name}: invalid YAML{where}: {exc.problem or 'syntax error'}") from None
    except yaml.YAMLError:
        raise InputError(f"{name}: invalid YAML") from None


def recognise(name: str, text: str) -> Artefact:
    """Parse one file and tell what it is (by content, and by name for bot-export files)."""
    data, spans = parse(name, text)
    kind = kind_of(name, data)
    if kind == CONTAINER:
        validate_container(name, data)
    fmt = "yaml" if name.lower().endswith((".yaml", ".yml")) else "json"
    document = DocumentSubject(location=Location(path=name), format=fmt, data=data, spans=spans,
                               text=text)
    return Artefact(path=name, kind=kind, data=data, spans=spans, document=document)


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


def _has_botkit_keys(credentials: dict[str, Any]) -> bool:
    if "apikey" in credentials or "appId" in credentials:
        return True
    return any(isinstance(v, dict) and ("apikey" in v or "appId" in v) for v in credentials.values())


def validate_container(name: str, data: dict[str, Any]) -> None:
    """Check the container against the packaged JSON Schema; the error names the pointer."""
    fmt = data.get("format")
    if fmt != FORMAT_V1:
        raise InputError(f"{name}: unsupported export format {str(fmt)[:60]!r} at /format "
                         f"(this jwtaudit reads {FORMAT_V1})")
    import json
    from importlib import resources

    import jsonschema

    schema = json.loads(resources.files("jwtaudit").joinpath("schemas", SCHEMA_FILE).read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data),
                    key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path]))
    if errors:
        error = errors[0]
        pointer = "".join(f"/{_escape(p)}" for p in error.absolute_path) or "/"
        raise InputError(f"{name}: {_schema_problem(error)} at {pointer}")


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
