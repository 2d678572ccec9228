"""`jwtaudit audit PATH`: read an exported account and run ACC, BOT, TOK, SEC and CFG rules on it.

Sources load and link the export; this module runs the engine over every subject (account, bot
exports, tokens found in them with their app's settings, the platform files as documents and as
text for the SEC rules, and the scan-wide SEC009/SEC010 pass) and builds the account overview
that the text and HTML reports show. Secrets and tokens seen are handed to the redactor first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jwtaudit import engine
from jwtaudit.config import Config
from jwtaudit.model import Finding, Result
from jwtaudit.redact import Redactor
from jwtaudit.sources import export, export_link
from jwtaudit.subjects import AccountSubject


@dataclass(frozen=True, kw_only=True)
class AuditOptions:
    path: str
    now: str | None = None


def run_audit_command(options: AuditOptions, config: Config) -> tuple[Result, Redactor]:
    from jwtaudit.commands.scan import scan_wide_findings
    from jwtaudit.commands.token import load_wordlist, parse_now
    from jwtaudit.sources.text import ScanOptions, analyse_text

    redactor = Redactor()
    artefacts = export.load(Path(options.path), max_file_size=config.max_file_size)
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
    secrets, public_keys = [], []
    for art in artefacts:
        if art.kind == export.CONTAINER:
            continue  # jwtaudit's own format: the ACC rules read it with the mappings in view
        subjects.append(art.document)
        analysis = analyse_text(art.path, art.document.text, ScanOptions(code_subjects=False))
        subjects.extend(s for s in analysis.subjects if s.kind == "text")
        secrets.extend(analysis.secrets)
        public_keys.extend(analysis.public_keys)
        redactor.add_all(analysis.sensitive)
    findings = [f for subject in subjects for f in engine.check_subject(subject, ctx)]
    findings.extend(scan_wide_findings(list(linked.tokens), secrets, public_keys, ctx))
    findings = engine.finalize(findings)
    result = Result(
        mode="audit",
        findings=tuple(findings),
        files_scanned=linked.files,
        rules=engine.rule_infos(findings),
        overview=overview(linked, findings),
    )
    return result, redactor


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
