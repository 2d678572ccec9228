"""`jwtaudit token`: decode tokens given as arguments or on stdin and run every TOK rule.

The app's client secret comes from an environment variable, a file or an export (never echoed);
app settings (JTI/JWE enforcement) from flags or the export.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from jwtaudit import engine, tokenview
from jwtaudit.config import Config
from jwtaudit.errors import InputError, TokenError, UsageError
from jwtaudit.model import Location, Result
from jwtaudit.redact import Redactor
from jwtaudit.subjects import AppSettings, TokenSubject
from jwtaudit.tokens import app_id_variants, classify, decode_unverified

if TYPE_CHECKING:
    from jwtaudit.sources.export_link import LinkedExport

MAX_STDIN_BYTES = 10 * 1024 * 1024
# a pasted header line: `Authorization: Bearer x`, `auth: x` (the Kore public APIs' header),
# `Bearer x`, and the same with the name and scheme in any case or without the colon
_HEADER_NAME = re.compile(r"^(?:authorization|auth)(?:\s*:\s*|\s+)", re.IGNORECASE)
_SCHEME = re.compile(r"^(?:bearer|jwt)(?:\s*:\s*|\s+)", re.IGNORECASE)
# the public APIs' `auth` header: a token pasted with it is judged as an API token (TOK003/TOK005)
_AUTH_HEADER = re.compile(r"^\s*['\"]?auth\s*:", re.IGNORECASE)
# what a token looks like once the text before it is cut off: dotted base64url, 3 or 5 parts
_TOKEN_SHAPED = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}")
_NAME_BEFORE = re.compile(r"[A-Za-z][\w.-]*\s*[:=]\s*")


@dataclass(frozen=True, kw_only=True)
class TokenOptions:
    tokens: tuple[str, ...] = ()
    secret_env: str | None = None
    secret_file: str | None = None
    secret: str | None = None
    enforce_jti: bool = False
    enforce_jwe: bool = False
    export_path: str | None = None
    now: str | None = None


def parse_now(text: str | None) -> int:
    """Epoch seconds, or ISO 8601 (a date alone means midnight UTC); default: the real clock."""
    if text is None:
        return int(dt.datetime.now(dt.timezone.utc).timestamp())
    value = text.strip()
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now: {text!r} is neither epoch seconds nor an ISO 8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return int(parsed.timestamp())


def load_wordlist(path: str | None) -> tuple[str, ...]:
    if not path:
        return ()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read wordlist: {exc.strerror or exc}") from None
    text = data.decode("utf-8", errors="replace")
    return tuple(line.rstrip("\r") for line in text.split("\n") if line.rstrip("\r"))


def read_secret(options: TokenOptions) -> tuple[tuple[str, ...], str | None]:
    """The app secret(s) from --secret-env / --secret-file / --secret, and where they came from."""
    secrets: list[str] = []
    source = None
    if options.secret_env:
        value = os.environ.get(options.secret_env)
        if value is None:
            raise UsageError(f"--secret-env: environment variable {options.secret_env} is not set")
        if not value.strip():  # verifying against nothing would pass silently
            raise UsageError(f"--secret-env: environment variable {options.secret_env} is empty")
        secrets.append(value.strip())
        source = f"${options.secret_env}"
    if options.secret_file:
        try:
            value = Path(options.secret_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not readable as UTF-8 text"
            raise UsageError(f"{options.secret_file}: cannot read secret file: {reason}") from None
        if not value:
            raise UsageError(f"{options.secret_file}: the secret file is empty")
        secrets.append(value)
        source = options.secret_file
    if options.secret:
        secrets.append(options.secret)
        source = "--secret"
    return tuple(s for s in secrets if s), source


def _clean(raw: str) -> str:
    """The token out of a pasted line: quotes, a header name and an auth scheme come off."""
    text = raw.strip().strip("'\"").strip()
    text = _HEADER_NAME.sub("", text, count=1)
    text = _SCHEME.sub("", text, count=1)
    return text.strip().strip("'\"").strip()


def text_before_token(raw: str) -> str | None:
    """What kind of text is left before a token once `_clean` took off what it knows (an
    `auth:`/`Authorization:` header name, a Bearer/JWT scheme), or None. Only the shape is named,
    never the text (it may hold part of a credential). A token wrapped over two lines (a space
    inside it, nothing name-like before) is not this: TOK001 reports its whitespace."""
    text = raw.strip().strip("'\"").strip()
    header = _HEADER_NAME.match(text)
    cleaned = _clean(raw)
    cut = max(cleaned.rfind(mark) for mark in (" ", "\t", ":", "="))
    if cut <= 0 or not _TOKEN_SHAPED.fullmatch(cleaned, cut + 1):
        return None
    before = cleaned[:cut + 1]
    named = _NAME_BEFORE.match(text)
    if named is not None and "=" in named.group():
        return "an assignment ('NAME=TOKEN')"
    if header is not None and not _NAME_BEFORE.match(before):
        return "an auth/Authorization header whose scheme is not Bearer ('NAME: SCHEME TOKEN')"
    if not _NAME_BEFORE.match(before):
        return None
    return "a header or field other than auth/Authorization ('NAME: TOKEN')"


def collect_inputs(options: TokenOptions, stdin: IO[str] | None) -> list[tuple[str, Location, bool]]:
    """(token, where it came from, whether it was pasted as an `auth:` header line)."""
    args = [t for t in options.tokens if t != "-"]
    use_stdin = not options.tokens or "-" in options.tokens
    for index, raw in enumerate(args, start=1):
        _refuse_text_before(raw, f"<argument> argument {index}")
    items: list[tuple[str, Location, bool]] = [
        (_clean(raw), Location(path="<argument>"), bool(_AUTH_HEADER.match(raw))) for raw in args
    ]
    if use_stdin:
        if stdin is None or (hasattr(stdin, "isatty") and stdin.isatty() and not args):
            raise UsageError("no token given: pass tokens as arguments or pipe them on stdin ('-')")
        text = stdin.read(MAX_STDIN_BYTES + 1)
        if len(text) > MAX_STDIN_BYTES:
            raise InputError("<stdin>: input is larger than 10 MB")
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                _refuse_text_before(stripped, f"<stdin> line {number}")
                items.append((_clean(stripped), Location(path="<stdin>", line=number),
                              bool(_AUTH_HEADER.match(stripped))))
    if not items:
        raise UsageError("no token given: pass tokens as arguments or pipe them on stdin ('-')")
    return items


def _refuse_text_before(raw: str, where: str) -> None:
    """Input error (exit 2, as for any input that is not a token) for a token pasted after text
    this command does not recognise: judging `x-auth: eyJ…` as one token would report only its
    whitespace (TOK001) and hide every real finding."""
    shape = text_before_token(raw)
    if shape is not None:
        raise InputError(f"{where}: text before the token, {shape}; pass the token alone, or as "
                         "'auth: TOKEN' or 'Authorization: Bearer TOKEN'")


def app_for(claims: dict[str, object], options: TokenOptions, secrets: tuple[str, ...], source: str | None,
            exported: dict[str, AppSettings]) -> AppSettings | None:
    # the client id the token names: `appId`, else a miscased `appid` (TOK004: the export still
    # tells which app it was meant for), else the SDK's `iss` / `kore_iss`
    names = ("appId", *app_id_variants(claims), "iss", "kore_iss")
    client_id = next((v for v in (claims.get(n) for n in names) if isinstance(v, str) and v), None)
    app = exported.get(client_id) if isinstance(client_id, str) else None
    if app is None and not (secrets or options.enforce_jti or options.enforce_jwe):
        return None
    base = app or AppSettings(client_id=client_id if isinstance(client_id, str) else None)
    return AppSettings(
        client_id=base.client_id,
        name=base.name,
        algorithm=base.algorithm,
        jti_enforced=True if options.enforce_jti else base.jti_enforced,
        jwe_enforced=True if options.enforce_jwe else base.jwe_enforced,
        api_scopes=base.api_scopes,
        secrets=secrets or base.secrets,
        secret_source=source if secrets else base.secret_source,
    )


@dataclass(frozen=True, kw_only=True)
class ExportContext:
    """What `--export` tells about the tokens: app settings by client id, the names a weak
    secret may be made of (TOK015), and the secrets the export holds (for the redactor)."""

    apps: dict[str, AppSettings]
    words: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()


MAX_EXPORT_WORDS = 400


def load_export(path: str | None) -> ExportContext:
    if not path:
        return ExportContext(apps={})
    try:
        from jwtaudit.sources.export import load_export as read_export
        from jwtaudit.sources.export import not_an_export
        from jwtaudit.sources.export_link import link
    except ImportError:
        raise UsageError("--export is not available in this build") from None
    loaded = read_export(Path(path))
    if not loaded.recognised:  # no app context: judging the token without it would mislead
        raise not_an_export(Path(path), loaded)
    linked = link(loaded.artefacts)
    return ExportContext(apps=linked.app_settings, words=export_words(linked),
                         sensitive=tuple(linked.sensitive))


def export_words(linked: LinkedExport) -> tuple[str, ...]:
    """App, bot and account names, client ids and environment names from an export: the same
    names `scan` tries on a token found beside the export's files."""
    from jwtaudit.sources.text import name_values

    words: list[str] = []
    account = linked.account
    if account is not None:
        words.append(account.name or "")
        for app in account.apps:
            words.extend((app.client_id, app.name or ""))
        words.extend(bot.name or "" for bot in account.bots)
    for settings in linked.app_settings.values():
        words.extend((settings.client_id or "", settings.name or ""))
    words.extend(bot.name or "" for bot in linked.bot_exports)
    for document in linked.documents:
        words.extend(name_values(document.data))
    unique = dict.fromkeys(w for w in words if isinstance(w, str) and 2 < len(w) <= 64)
    return tuple(unique)[:MAX_EXPORT_WORDS]


def run_token_command(
    options: TokenOptions, config: Config, stdin: IO[str] | None
) -> tuple[Result, Redactor]:
    redactor = Redactor()
    secrets, source = read_secret(options)
    redactor.add_all(secrets)
    export = load_export(options.export_path)
    exported = export.apps
    for app in exported.values():
        redactor.add_all(app.secrets)
    redactor.add_all(export.sensitive)
    wordlist = load_wordlist(config.wordlist)
    ctx = engine.RunContext(config=config, now=parse_now(options.now), redactor=redactor, wordlist=wordlist)
    inputs = collect_inputs(options, stdin)
    for raw, _, _ in inputs:
        redactor.add(raw)
        redactor.add_all(raw.split(".")[2:])  # signature / JWE parts
    subjects = []
    for index, (raw, location, in_auth_header) in enumerate(inputs, start=1):
        try:
            token = decode_unverified(raw)
        except TokenError as exc:
            where = f"line {location.line}" if location.line else f"argument {index}"
            raise InputError(f"{location.path} {where}: {exc}") from None
        subjects.append(TokenSubject(
            token=token,
            location=location,
            anchor=f"#{index}",
            profile=config.profile,
            public_api=in_auth_header,
            app=app_for(token.claims, options, secrets, source, exported),
            context_words=export.words,
        ))
    findings = engine.run(subjects, ctx)
    views = tuple(_views(subjects, config, ctx.now))
    result = Result(
        mode="token",
        findings=tuple(findings),
        files_scanned=len(subjects),
        tokens=views,
        rules=engine.rule_infos(findings),
    )
    return result, redactor


def _views(subjects: Iterable[TokenSubject], config: Config, now: int) -> Iterable[dict[str, object]]:
    for index, subject in enumerate(subjects, start=1):
        loc = subject.location
        label = f"token {index}" + (f" (stdin line {loc.line})" if loc.line else "")
        yield tokenview.build(
            subject.token,
            label=label,
            location=loc.to_dict(),
            profile=classify(subject.token, subject.profile or config.profile, public_api=subject.public_api),
            now=now,
        )
