"""A short Markdown summary for pull-request comments and `$GITHUB_STEP_SUMMARY`.

Every value from the input (paths, messages, pointers) is escaped so that it renders as text:
no HTML, no links, no tables broken by a `|`, no `@mention` pings.
"""

from __future__ import annotations

import re

from jwtaudit import __version__
from jwtaudit.model import Finding, Result, Severity

MAX_ROWS = 25
MAX_MESSAGE = 200
ICONS = {
    Severity.CRITICAL: "🟥",
    Severity.HIGH: "🟧",
    Severity.MEDIUM: "🟨",
    Severity.LOW: "🟦",
    Severity.INFO: "⬜",
}
_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")  # what changes meaning mid-line


def escape(text: object) -> str:
    """Plain text that GitHub-flavoured Markdown shows as is, on one line, inside a table cell."""
    flat = " ".join(str(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _SPECIAL.sub(r"\\\1", flat)
    return flat.replace("@", "@\u200b")  # no @mention pings from file names or messages


def _clip(text: str, limit: int = MAX_MESSAGE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _where(finding: Finding) -> str:
    loc = finding.location
    where = loc.path + (f":{loc.line}" if loc.line else "")
    if loc.pointer:
        where += f" {loc.pointer}"
    if loc.commit:
        where += f" (commit {loc.commit[:12]})"
    return where


def render(result: Result) -> str:
    active = sorted(result.active, key=lambda f: (-f.severity, f.sort_key()))
    counts = result.by_severity()
    lines: list[str] = []
    if active:
        parts = ", ".join(f"{n} {label}" for label, n in counts.items() if n)
        plural = "s" if len(active) != 1 else ""
        lines.append(f"### jwtaudit: {len(active)} finding{plural} ({parts})")
    else:
        lines.append("### jwtaudit: no findings ✅")
    lines.append("")
    lines.append("| " + " | ".join(f"{ICONS[s]} {s.label}" for s in sorted(Severity, reverse=True)) + " |")
    lines.append("|" + "---:|" * len(Severity))
    lines.append("| " + " | ".join(str(counts[s.label]) for s in sorted(Severity, reverse=True)) + " |")

    if active:
        lines += ["", "| Severity | Rule | Location | Finding |", "| --- | --- | --- | --- |"]
        for f in active[:MAX_ROWS]:
            lines.append(
                f"| {ICONS[f.severity]} {f.severity.label} | {f.rule} {escape(f.name)} "
                f"| {escape(_where(f))} | {escape(_clip(f.message))} |"
            )
        if len(active) > MAX_ROWS:
            lines += ["", f"…and {len(active) - MAX_ROWS} more; see the full report (SARIF, HTML or JSON)."]
        fixes = _fixes(result, active[:MAX_ROWS])
        if fixes:
            lines += ["", "<details><summary>How to fix</summary>", ""]
            lines += fixes
            lines += ["", "</details>"]

    notes = []
    accepted = sum(1 for f in result.findings if f.status == "baseline")
    suppressed = sum(1 for f in result.findings if f.status == "suppressed")
    if accepted:
        notes.append(f"{accepted} accepted in the baseline")
    if suppressed:
        notes.append(f"{suppressed} suppressed inline")
    if result.errors:
        notes.append(f"{len(result.errors)} input(s) could not be read")
    footer = f"jwtaudit {__version__} · {result.mode}"
    if result.mode != "token":
        footer += f" · {result.files_scanned} file(s) scanned"
    if notes:
        footer += " · " + " · ".join(notes)
    lines += ["", f"<sub>{escape(footer)}</sub>", ""]
    return "\n".join(lines)


def _fixes(result: Result, findings: list[Finding]) -> list[str]:
    """One line per rule: the first paragraph of its Fix section."""
    out = []
    for code in sorted({f.rule for f in findings}):
        info = result.rules.get(code)
        if info is None:
            continue
        fix = info.section("Fix").split("\n\n")[0]
        if fix:
            out.append(f"- **{code} {escape(info.name)}**: {escape(_clip(_plain(fix), 300))}")
    return out


def _plain(markdown: str) -> str:
    return markdown.replace("**", "").replace("`", "")
