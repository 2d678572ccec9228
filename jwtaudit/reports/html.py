"""A self-contained HTML report: one file, inline CSS and JS, no external fetch, readable offline.

The template is rendered by jinja2 with autoescaping always on, so a claim holding `<script>` or a
file named `"><img onerror=…>` is text. Rule pages (markdown) go through `doc_html`, which escapes
first and only then adds a few tags of its own; links are shown as text, never as `href`, so the
report fetches nothing and leaks nothing when opened. A Content-Security-Policy meta tag forbids
any network access as a second line of defence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from jwtaudit import __version__
from jwtaudit.model import Finding, Result, RuleInfo, Severity
from jwtaudit.rules.registry import rule_dict

SEVERITIES = [s.label for s in sorted(Severity, reverse=True)]
# Link parts never cross a "[" (linear on a line of unclosed brackets; see tests/safety).
_INLINE = re.compile(r"`([^`\n]+)`|\*\*([^*\n]+)\*\*|\[([^\[\]\n]*)\]\(([^)\s\[]*)\)")


def render(result: Result) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("jwtaudit.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["doc_html"] = doc_html
    env.filters["pretty"] = pretty
    template = env.get_template("report.html.j2")
    return template.render(**context(result))


def context(result: Result) -> dict[str, Any]:
    """Everything the template shows, precomputed so the template stays simple."""
    ordered = sorted(result.findings, key=lambda f: -f.severity)  # stable: most severe first
    findings = [_finding_view(f) for f in ordered]
    counts = result.by_severity()
    peak = max(counts.values()) if counts else 0
    chart = [
        {"label": label, "count": counts[label], "width": round(100 * counts[label] / peak, 1) if peak else 0}
        for label in SEVERITIES
    ]
    rules = sorted({f.rule for f in result.findings})
    return {
        "version": __version__,
        "mode": result.mode,
        "files_scanned": result.files_scanned,
        "findings": findings,
        "active_count": len(result.active),
        "hidden_count": len(result.findings) - len(result.active),
        "chart": chart,
        "severities": SEVERITIES,
        "rule_options": [(code, _rule_name(result, code)) for code in rules],
        "file_options": sorted({f.location.path for f in result.findings}),
        "rules": [_rule_view(result.rules[code]) for code in rules if code in result.rules],
        "tokens": [_token_view(t, i) for i, t in enumerate(result.tokens)],
        "overview": _overview_view(result.overview) if result.overview else None,
        "errors": [{"path": e.path, "message": e.message} for e in result.errors],
    }


def _rule_name(result: Result, code: str) -> str:
    info = result.rules.get(code)
    if info:
        return info.name
    return next((f.name for f in result.findings if f.rule == code), "")


def _finding_view(f: Finding) -> dict[str, Any]:
    loc = f.location
    where = loc.path
    if loc.line:
        where += f":{loc.line}" + (f":{loc.column}" if loc.column else "")
    evidence = [(str(k), pretty(v)) for k, v in f.evidence.items()]
    related = [
        r.path + (f":{r.line}" if r.line else "") + (f" {r.pointer}" if r.pointer else "") for r in f.related
    ]
    search = " ".join(
        [f.rule, f.name, f.message, loc.path, loc.pointer or "", loc.commit or ""]
        + [f"{k} {v}" for k, v in evidence]
        + related
    ).lower()
    return {
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity.label,
        "confidence": f.confidence.label,
        "message": f.message,
        "path": loc.path,
        "where": where,
        "pointer": loc.pointer,
        "commit": loc.commit,
        "evidence": evidence,
        "related": related,
        "status": f.status,
        "fingerprint": f.fingerprint,
        "search": search,
    }


def _rule_view(info: RuleInfo) -> dict[str, Any]:
    return {
        **rule_dict(info),
        "why": info.section("Why is this bad?"),
        "example": info.section("Example"),
        "fix": info.section("Fix"),
        "references": info.section("References"),
    }


# --- token timeline ------------------------------------------------------------------------------

_TIME_LABELS = {"iat": "issued", "nbf": "not before", "exp": "expires"}


def _seconds(entry: Mapping[str, Any]) -> float | None:
    epoch = entry.get("epoch")
    if isinstance(epoch, bool) or not isinstance(epoch, int | float):
        return None
    return epoch / 1000 if entry.get("milliseconds") or epoch > 10**11 else float(epoch)


def _token_view(token: Mapping[str, Any], index: int) -> dict[str, Any]:
    times = token.get("times") or {}
    now = token.get("now")
    marks: list[dict[str, Any]] = []
    for key in ("iat", "nbf", "exp"):
        entry = times.get(key)
        if isinstance(entry, Mapping):
            seconds = _seconds(entry)
            if seconds is not None:
                marks.append({"key": key, "label": _TIME_LABELS[key], "at": seconds,
                              "iso": entry.get("iso") or "", "relative": entry.get("relative") or ""})
    if isinstance(now, int | float) and not isinstance(now, bool) and marks:
        marks.append({"key": "now", "label": "now", "at": float(now), "iso": "", "relative": ""})
    timeline = _layout(marks)
    state = ""
    at = {m["key"]: m["at"] for m in marks}
    if "now" in at and "exp" in at:
        state = "expired" if at["now"] > at["exp"] else "valid"
    if "now" in at and "nbf" in at and at["now"] < at["nbf"]:
        state = "not yet valid"
    location = token.get("location")
    if isinstance(location, Mapping):
        where = str(location.get("path") or "") + (f":{location['line']}" if location.get("line") else "")
    else:
        where = str(location or "")
    return {
        "id": f"token-{index + 1}",
        "label": str(token.get("label") or f"token {index + 1}"),
        "where": where,
        "kind": str(token.get("kind") or ""),
        "profile": str(token.get("profile") or ""),
        "alg": str(token.get("alg") or ""),
        "header": pretty(token.get("header")) if token.get("header") is not None else "",
        "claims": pretty(token.get("claims")) if token.get("claims") is not None else "",
        "timeline": timeline,
        "state": state,
        "no_expiry": "exp" not in at,
    }


def _layout(marks: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Positions (percent of the bar) for the timeline marks, labels alternating above/below."""
    if not marks:
        return None
    low = min(m["at"] for m in marks)
    high = max(m["at"] for m in marks)
    span = high - low
    placed = []
    for i, mark in enumerate(sorted(marks, key=lambda m: (m["at"], m["key"]))):
        position = 50.0 if span <= 0 else 4 + 92 * (mark["at"] - low) / span
        align = "start" if position < 15 else "end" if position > 85 else ""
        placed.append({**mark, "pos": round(position, 2), "below": i % 2 == 1, "align": align})
    by_key = {m["key"]: m for m in placed}
    window = None
    start = by_key.get("nbf") or by_key.get("iat")
    end = by_key.get("exp")
    if start and end and end["pos"] >= start["pos"]:
        window = {"left": start["pos"], "width": round(end["pos"] - start["pos"], 2), "open": False}
    elif start and not end:
        window = {"left": start["pos"], "width": round(100 - start["pos"], 2), "open": True}
    return {"marks": placed, "window": window}


# --- audit overview ------------------------------------------------------------------------------


def _overview_view(overview: Mapping[str, Any]) -> dict[str, Any]:
    apps = [a for a in overview.get("apps") or [] if isinstance(a, Mapping)]
    scopes = sorted({str(s) for a in apps for s in (a.get("scopes") or [])})
    app_rows = []
    for app in apps:
        held = {str(s) for s in app.get("scopes") or []}
        app_rows.append({
            "name": str(app.get("name") or ""),
            "client_id": str(app.get("clientId") or ""),
            "created_in": str(app.get("createdIn") or ""),
            "algorithm": str(app.get("algorithm") or ""),
            "jti": _flag(app.get("jtiEnforced")),
            "jwe": _flag(app.get("jweEnforced")),
            "cells": [s in held for s in scopes],
            "findings": len(app.get("findings") or []),
        })
    bots = []
    for bot in overview.get("bots") or []:
        if isinstance(bot, Mapping):
            bots.append({
                "id": str(bot.get("id") or ""),
                "name": str(bot.get("name") or ""),
                "status": str(bot.get("status") or ""),
                "published": _flag(bot.get("published")),
                "apps": ", ".join(str(a) for a in bot.get("apps") or []),
            })
    account = overview.get("account")
    extra = {k: v for k, v in overview.items() if k not in ("account", "apps", "bots") and v}
    return {
        "account": [(str(k), pretty(v)) for k, v in account.items()] if isinstance(account, Mapping) else [],
        "scopes": scopes,
        "apps": app_rows,
        "bots": bots,
        "extra": [(str(k), pretty(v)) for k, v in extra.items()],
    }


def _flag(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else str(value)


# --- filters -------------------------------------------------------------------------------------


def pretty(value: Any) -> str:
    """A value as text: strings as they are, everything else as indented JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return str(value)


def doc_html(markdown: str) -> Any:
    """A rule page's markdown as HTML: escaped first, then paragraphs, lists, code and bold."""
    from markupsafe import Markup, escape

    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    fence: list[str] | None = None

    def flush() -> None:
        if paragraph:
            blocks.append("<p>" + " ".join(paragraph) + "</p>")
            paragraph.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in markdown.splitlines():
        if raw.strip().startswith("```"):
            if fence is None:
                flush()
                fence = []
            else:
                blocks.append("<pre><code>" + str(escape("\n".join(fence))) + "</code></pre>")
                fence = None
            continue
        if fence is not None:
            fence.append(raw)
            continue
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append(_inline(line[2:]))
        elif items and raw.startswith((" ", "\t")):
            items[-1] += " " + _inline(line)
        else:
            if items:
                flush()
            paragraph.append(_inline(line))
    if fence is not None:
        blocks.append("<pre><code>" + str(escape("\n".join(fence))) + "</code></pre>")
    flush()
    return Markup("\n".join(blocks))


def _inline(text: str) -> str:
    from markupsafe import escape

    out: list[str] = []
    last = 0
    for match in _INLINE.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        code, bold, label, url = match.groups()
        if code is not None:
            out.append(f"<code>{escape(code)}</code>")
        elif bold is not None:
            out.append(f"<strong>{escape(bold)}</strong>")
        else:
            shown = f"{label} ({url})" if url and label else (label or url)
            out.append(str(escape(shown)))
        last = match.end()
    out.append(str(escape(text[last:])))
    return "".join(out)
