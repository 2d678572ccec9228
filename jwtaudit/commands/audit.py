"""`jwtaudit audit PATH`: read an exported account and run ACC, BOT, TOK, SEC and CFG rules on it.

Sources load and link the export; this module runs the engine over every subject (account, bot
exports, tokens found in them with their app's settings, every file read — artefact or not — as
a document and as text for the TOK/SEC/CFG rules, and the scan-wide SEC009/SEC010 pass) and
builds the account overview that the text and HTML reports show. Secrets and tokens seen are
handed to the redactor first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jwtaudit import engine
from jwtaudit.config import Config
from jwtaudit.model import Finding, Location, Result
from jwtaudit.model import InputError as InputErrorRecord
from jwtaudit.redact import Redactor
from jwtaudit.sources import export, export_link
from jwtaudit.subjects import AccountSubject, AppSettings, Assignment, SkippedFile, TokenSubject


@dataclass(frozen=True, kw_only=True)
class AuditOptions:
    path: str
    now: str | None = None


def run_audit_command(options: AuditOptions, config: Config) -> tuple[Result, Redactor]:
    from jwtaudit.commands.scan import scan_wide_findings
    from jwtaudit.commands.token import load_wordlist, parse_now
    from jwtaudit.sources.text import ScanOptions, analyse_text

    redactor = Redactor()
    path = Path(options.path)
    loaded = export.load_export(path, max_file_size=config.max_file_size)
    if not loaded.recognised:
        _single_file_not_an_export(path, loaded)
    if not loaded.artefacts and not loaded.texts:
        return _nothing_read(loaded), redactor
    artefacts = loaded.artefacts
    linked = export_link.link(artefacts)
    # link() reads the first account container with everything else; a further container (another
    # account, or another snapshot) is audited as an account of its own rather than dropped
    extra = [export_link.link([art]) for art in
             [a for a in artefacts if a.kind == export.CONTAINER][1:]]
    for part in (linked, *extra):
        redactor.add_all(part.sensitive)
        for app in part.app_settings.values():
            redactor.add_all(app.secrets)
    for token in linked.tokens:
        redactor.add_all(token.token.raw.split(".")[2:])
    ctx = engine.RunContext(config=config, now=parse_now(options.now), redactor=redactor,
                            wordlist=load_wordlist(config.wordlist))
    subjects: list[Any] = []
    subjects.extend(part.account for part in (linked, *extra) if part.account is not None)
    subjects.extend(linked.bot_exports)
    subjects.extend(linked.tokens)
    tokens: list[TokenSubject] = list(linked.tokens)
    secrets: list[Assignment] = []
    public_keys: list[Assignment] = []
    texts = [(art.path, art.document.text, art) for art in artefacts]
    texts += [(item.path, item.text, None) for item in loaded.texts]
    for rel_path, text, art in texts:
        analysis = analyse_text(rel_path, text, ScanOptions(code_subjects=False))
        if art is not None and art.kind != export.CONTAINER:
            # the container is jwtaudit's own format: the ACC rules read its settings, so the
            # document rules (CFG) would only repeat them; its text still goes to SEC
            subjects.append(art.document)
        # a text file that is no artefact (.env, .toml) is a document for CFG, as in `scan`
        kinds = ("text",) if art is not None else ("text", "document")
        subjects.extend(s for s in analysis.subjects if s.kind in kinds)
        if art is None:  # a bot-function file: its tokens are found here, not by the linker
            found = [_with_app(t, linked.app_settings) for t in analysis.tokens]
            subjects.extend(found)
            tokens.extend(found)
        secrets.extend(analysis.secrets)
        public_keys.extend(analysis.public_keys)
        redactor.add_all(analysis.sensitive)
    for skip in loaded.skipped:
        subjects.append(SkippedFile(location=skip.location or Location(path=skip.path), reason=skip.reason))
    findings = [f for subject in subjects for f in engine.check_subject(subject, ctx)]
    findings.extend(scan_wide_findings(tokens, secrets, public_keys, ctx))
    findings = engine.finalize(findings)
    result = Result(
        mode="audit",
        findings=tuple(findings),
        files_scanned=len(artefacts) + len(loaded.texts),
        errors=tuple(_error(skip) for skip in loaded.skipped),
        rules=engine.rule_infos(findings),
        overview=overview(linked, findings),
    )
    return result, redactor


def _error(skip: export.Skip) -> InputErrorRecord:
    return InputErrorRecord(path=skip.path, message=skip.reason, unreadable=skip.unreadable)


def _with_app(token: TokenSubject, settings: Mapping[str, AppSettings]) -> TokenSubject:
    """A token found in a bot-function file, judged with its app's settings from the export."""
    claims = token.token.claims
    client_id = next((c for c in (claims.get("appId"), claims.get("iss"), claims.get("kore_iss"))
                      if isinstance(c, str) and c in settings), None)
    return replace(token, app=settings[client_id]) if client_id else token


def _single_file_not_an_export(path: Path, loaded: export.Export) -> None:
    """A single file (not a zip) given directly that is no export artefact is a malformed
    export: exit 2, naming it and why. A folder or zip without one is still read for tokens
    and secrets, as every text file in it is."""
    if path.is_file() and not export.is_zip_file(path):
        raise export.not_an_export(path, loaded)


def _nothing_read(loaded: export.Export) -> Result:
    """A folder or zip with no file that could be read (empty, or only binary files): nothing
    was audited (exit 3), each file it held listed as skipped so the report names them."""
    errors = [_error(skip) for skip in loaded.skipped]
    errors += [InputErrorRecord(path=name, message="not a text file or an export artefact")
               for name in loaded.others]
    return Result(mode="audit", findings=(), files_scanned=0, errors=tuple(errors))


def overview(linked: export_link.LinkedExport, findings: Iterable[Finding]) -> dict[str, Any] | None:
    """The account at a glance for reports (never a secret): apps, bots, which findings hit which app."""
    account = linked.account
    if account is None:
        return None
    hits = _findings_by_app(account, linked, findings)
    scopes: dict[str, list[str]] = {}
    for mapping in account.mappings or ():
        client_id = mapping.get("clientId")
        raw = mapping.get("scopes")
        if isinstance(client_id, str) and isinstance(raw, list) and mapping.get("saved") is not False:
            bucket = scopes.setdefault(client_id, [])
            bucket.extend(s for s in raw if isinstance(s, str) and s not in bucket)
    apps = [{
        "clientId": app.client_id,
        "name": app.name,
        "createdIn": app.created_in,
        "algorithm": app.algorithm,
        "jtiEnforced": app.jti_enforced,
        "jweEnforced": app.jwe_enforced,
        "scopes": scopes.get(app.client_id, []),
        "findings": sorted(hits.get(app.client_id, set())),
    } for app in account.apps]
    bots = [{
        "id": bot.bot_id,
        "name": bot.name,
        "status": bot.status,
        "published": bool(bot.published),
        "apps": [a.client_id for a in account.apps if bot.bot_id and bot.bot_id in a.bot_ids],
    } for bot in account.bots]
    return {
        "account": {"accountId": account.account_id, "name": account.name, "host": account.host},
        "apps": apps,
        "bots": bots,
        "xenioo": _xenioo(account),
    }


def _findings_by_app(account: AccountSubject, linked: export_link.LinkedExport,
                     findings: Iterable[Finding]) -> dict[str, set[str]]:
    known = {a.client_id for a in account.apps}
    token_apps = {(t.location.path, t.location.pointer): t.app.client_id
                  for t in linked.tokens if t.app is not None and t.app.client_id}
    app_places: dict[tuple[str, str], str] = {}
    for app in account.apps:
        for node in (*app.nodes, *app.duplicates):
            app_places[(node.path, node.pointer)] = app.client_id
    out: dict[str, set[str]] = {}
    for finding in findings:
        evidence: Mapping[str, Any] = finding.evidence
        client_id = evidence.get("clientId")
        if client_id not in known:
            loc = finding.location
            client_id = (token_apps.get((loc.path, loc.pointer))
                         or _enclosing(app_places, loc.path, loc.pointer))
        if isinstance(client_id, str) and client_id in known:
            out.setdefault(client_id, set()).add(finding.rule)
    return out


def _enclosing(places: dict[tuple[str, str], str], path: str, pointer: str | None) -> str | None:
    probe = pointer or ""
    while probe:
        if (path, probe) in places:
            return places[(path, probe)]
        probe = probe.rsplit("/", 1)[0]
    return None


def _xenioo(account: AccountSubject) -> dict[str, Any] | None:
    if account.xenioo is None:
        return None
    data = account.xenioo.data
    bots = data.get("bots") if isinstance(data.get("bots"), list) else []
    return {
        "serviceEndpoint": endpoint if isinstance(endpoint := data.get("serviceEndpoint"), str) else None,
        "bots": [{"name": b.get("name"), "channels": b.get("channels") if isinstance(b.get("channels"), list)
                  else []} for b in bots if isinstance(b, dict)],
    }
