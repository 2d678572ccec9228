"""The human report for terminals: findings with their fix, decoded tokens, account overview.

Colour only when the CLI asks for it (stdout is a TTY and NO_COLOR is unset).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from jwtaudit.model import Finding, Result, Severity

_COLORS = {
    Severity.CRITICAL: "\x1b[1;35m",
    Severity.HIGH: "\x1b[1;31m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.LOW: "\x1b[36m",
    Severity.INFO: "\x1b[2m",
}
_RESET = "\x1b[0m"


def _paint(text: str, severity: Severity, color: bool) -> str:
    return f"{_COLORS[severity]}{text}{_RESET}" if color else text


def where(f: Finding) -> str:
    loc = f.location
    text = loc.path
    if loc.line:
        text += f":{loc.line}"
        if loc.column:
            text += f":{loc.column}"
    if loc.pointer:
        text += f" ({loc.pointer})"
    if loc.commit:
        text += f" @{loc.commit[:12]}"
    return text


def _fix(result: Result, f: Finding) -> str:
    info = result.rules.get(f.rule)
    if info is None:
        return ""
    fix = info.section("Fix").split("\n\n")[0].replace("\n", " ").strip()
    return fix


def finding_lines(result: Result, f: Finding, color: bool, indent: str = "") -> list[str]:
    label = _paint(f"{f.severity.label.upper():<8}", f.severity, color)
    status = f" [{f.status}]" if f.status != "new" else ""
    lines = [f"{indent}{label} {f.rule} {f.name}{status}: {f.message}"]
    fix = _fix(result, f)
    if fix:
        lines.append(f"{indent}         fix: {fix}")
    for rel in f.related:
        lines.append(f"{indent}         see also: {rel.path}" + (f":{rel.line}" if rel.line else ""))
    return lines


def _token_block(result: Result, view: dict[str, Any], findings: list[Finding], color: bool) -> list[str]:
    out = [f"── {view['label']}: {view['kind'].upper()}, {view.get('alg') or 'no alg'}, "
           f"profile {view['profile']}, {view['length']} chars (sha256:{view['sha256']})"]
    out.append("Header:")
    out.extend("  " + line for line in json.dumps(view["header"], indent=2, ensure_ascii=False).splitlines())
    if view["claims"] is not None:
        out.append("Payload:")
        claims = json.dumps(view["claims"], indent=2, ensure_ascii=False)
        out.extend("  " + line for line in claims.splitlines())
    elif view["kind"] == "jwe":
        out.append("Payload: encrypted (JWE)")
    for name, t in view["times"].items():
        unit = " (milliseconds!)" if t["milliseconds"] else ""
        out.append(f"  {name}: {t['iso'] or t['epoch']} ({t['relative']}){unit}")
    sig = view["signature"]
    if view["kind"] == "jws":
        out.append(f"Signature: {sig['bytes']} bytes" if sig["present"] else "Signature: none")
    if findings:
        out.append(f"Findings ({len(findings)}):")
        for f in findings:
            out.extend(finding_lines(result, f, color, indent="  "))
    else:
        out.append("No findings.")
    return out


def _overview(overview: dict[str, Any]) -> list[str]:
    out: list[str] = []
    account = overview.get("account") or {}
    if account:
        name = account.get("name") or account.get("accountId") or "account"
        ident = account.get("accountId")
        out.append(f"Account: {name}" + (f" ({ident})" if ident and ident != name else ""))
    apps = overview.get("apps") or []
    if apps:
        out.append("Apps:")
        for app in apps:
            flags = [f"alg {app['algorithm']}"] if app.get("algorithm") else []
            flags.append("JTI enforced" if app.get("jtiEnforced") else "JTI not enforced")
            flags.append("JWE enforced" if app.get("jweEnforced") else "JWE not enforced")
            scopes = ", ".join(app.get("scopes") or []) or "no scopes"
            hits = ", ".join(app.get("findings") or []) or "no findings"
            label = " ".join(str(p) for p in (app.get("clientId"), app.get("name")) if p)
            if app.get("createdIn"):
                label += f" [{app['createdIn']}]"
            out.append(f"  {label}: {'; '.join(flags)}")
            out.append(f"      scopes: {scopes}")
            out.append(f"      findings: {hits}")
    bots = overview.get("bots") or []
    if bots:
        out.append("Bots:")
        for bot in bots:
            state = "published" if bot.get("published") else (bot.get("status") or "not published")
            out.append(f"  {bot.get('id')} {bot.get('name') or ''}: {state}")
    return out


def _summary(result: Result) -> str:
    counts = result.by_severity()
    parts = [f"{n} {label}" for label, n in counts.items() if n]
    total = len(result.active)
    noun = "token" if result.mode == "token" else "file"
    scanned = f"{result.files_scanned} {noun}{'s' if result.files_scanned != 1 else ''}"
    text = f"{total} finding{'s' if total != 1 else ''}" + (f" ({', '.join(parts)})" if parts else "")
    accepted = len(result.findings) - total
    if accepted:
        text += f", {accepted} accepted (baseline/suppressed)"
    if result.errors:
        text += f", {len(result.errors)} input{'s' if len(result.errors) != 1 else ''} skipped"
    return f"{text} in {scanned}."


def render(result: Result, color: bool = False) -> str:
    out: list[str] = []
    if result.mode == "token":
        by_token: dict[str, list[Finding]] = {}
        for f in result.findings:
            by_token.setdefault(str(f.evidence.get("token", "")), []).append(f)
        for view in result.tokens:
            out.extend(_token_block(result, view, by_token.get(f"sha256:{view['sha256']}", []), color))
            out.append("")
    else:
        if result.overview:
            out.extend(_overview(dict(result.overview)))
            out.append("")
        for path, group in _group(result.findings):
            out.append(path)
            for f in group:
                lines = finding_lines(result, f, color, indent="  ")
                lines[0] = f"  {where(f)}  " + lines[0].lstrip()
                out.extend(lines)
            out.append("")
    for error in result.errors:
        out.append(f"skipped {error.path}: {error.message}")
    out.append(_summary(result))
    return "\n".join(out) + "\n"


def _group(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.location.path, []).append(f)
    return list(groups.items())
