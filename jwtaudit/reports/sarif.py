"""SARIF 2.1.0 that GitHub code scanning understands fully: rule help, security-severity, stable
fingerprints, no snippets.

Choices that matter for GitHub:
- one `rules[]` entry per rule with a result, with help from the rule's page, and
  `security-severity` and the default level from the highest severity its results have in this
  run (so a config override or a context rise is never understated, and the two agree);
  `defaultSeverity` is the catalog's;
- `partialFingerprints`: `primaryLocationLineHash` from `Result.properties["line_hashes"]`
  (computed by the command layer with `jwtaudit.reports.linehash`, never by reading files here)
  and `jwtaudit/v1`, our content fingerprint, which survives line moves;
- paths relative to the repository root when the scan root is a folder inside a git work tree
  (`Result.properties["sarif_uri_prefix"]`), since GitHub resolves them against its checkout;
- regions in UTF-16 code units (`Result.properties["utf16_columns"]` when they differ);
- baseline-accepted and suppressed findings are left out unless
  `Result.properties["sarif_include_suppressed"]` (GitHub shows SARIF suppressions as open alerts);
- GitHub's limits (25,000 results a run, 10 MB gzipped): past them the most severe results are
  kept, and `run.properties` and stderr say so.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from jwtaudit import __version__
from jwtaudit.model import Finding, Location, Result, RuleInfo, Severity
from jwtaudit.reports import pretty_json
from jwtaudit.reports.linehash import column_key, line_key

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/jwtaudit/jwtaudit"
FINGERPRINT_KEY = "jwtaudit/v1"
SRCROOT = "%SRCROOT%"
MAX_RESULTS = 25_000
MAX_GZIP_BYTES = 10 * 1000 * 1000
MAX_RELATED = 1000
MAX_DESCRIPTION = 1024
INCLUDE_SUPPRESSED = "sarif_include_suppressed"
URI_PREFIX = "sarif_uri_prefix"  # the scan root's path in its repository (`services/bot/`), or absent

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
PRECISION = {"high": "high", "medium": "medium", "low": "low"}
SUPPRESSIONS = {
    "baseline": {
        "kind": "external",
        "status": "accepted",
        "justification": "Accepted in the jwtaudit baseline file.",
    },
    "suppressed": {
        "kind": "inSource",
        "status": "accepted",
        "justification": "Suppressed by an inline 'jwtaudit: ignore[...]' comment.",
    },
}
# Neither part crosses a "[": each match attempt stops at the next one, so the scan stays
# linear on a line of unclosed brackets.
_LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^)\s\[]*)\)")
_SENTENCE_END = (".", "!", "?")


def with_include_suppressed(result: Result, include: bool) -> Result:
    """The CLI's `--sarif-include-suppressed`: a copy of `result` that says so in its properties."""
    if not include:
        return result
    return replace(result, properties={**result.properties, INCLUDE_SUPPRESSED: True})


def render(result: Result) -> str:
    log, notes = build(result)
    for note in notes:
        print(f"jwtaudit: warning: {note}", file=sys.stderr)
    return pretty_json.dumps(log) + "\n"


def build(
    result: Result, *, max_results: int | None = None, max_gzip_bytes: int | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The SARIF log as a dict, and the notes (truncation) the caller should show on stderr."""
    max_results = MAX_RESULTS if max_results is None else max_results
    max_gzip_bytes = MAX_GZIP_BYTES if max_gzip_bytes is None else max_gzip_bytes
    include = bool(result.properties.get(INCLUDE_SUPPRESSED))
    findings = [f for f in result.findings if include or f.status == "new"]
    total = len(findings)
    notes: list[str] = []
    kept = _most_severe(findings, max_results)
    while True:
        log = _log(result, kept, total)
        size = len(gzip.compress(json.dumps(log, ensure_ascii=False).encode("utf-8"), 6))
        if size <= max_gzip_bytes or not kept:
            break
        shrink = max(int(len(kept) * max_gzip_bytes / size * 0.95), 0)
        kept = _most_severe(kept, min(shrink, len(kept) - 1))
    if len(kept) < total:
        notes.append(
            f"SARIF report truncated to the {len(kept)} most severe of {total} results to stay "
            f"within GitHub's limits ({max_results} results a run, {max_gzip_bytes} bytes gzipped); "
            "use --format json or html for the full list"
        )
    return log, notes


def _most_severe(findings: list[Finding], limit: int) -> list[Finding]:
    if len(findings) <= limit:
        return findings
    ranked = sorted(
        range(len(findings)),
        key=lambda i: (-findings[i].severity, -findings[i].confidence, i),
    )
    keep = sorted(ranked[:limit])
    return [findings[i] for i in keep]


def _log(result: Result, findings: list[Finding], total: int) -> dict[str, Any]:
    rules, index = _rules(result, findings)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "jwtaudit",
                "fullName": "jwtaudit JWT and API-key security linter",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"jwtaudit/{result.mode}/"},
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The repository root (the scan root outside git)."}}
        },
        "columnKind": "utf16CodeUnits",
        "invocations": [_invocation(result)],
        "results": [_result(result, f, index[f.rule]) for f in findings],
        "properties": _run_properties(result, len(findings), total),
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _run_properties(result: Result, kept: int, total: int) -> dict[str, Any]:
    props: dict[str, Any] = {"mode": result.mode, "filesScanned": result.files_scanned}
    if kept < total:
        props["truncated"] = True
        props["resultsTotal"] = total
        props["resultsKept"] = kept
        props["truncationReason"] = (
            "GitHub code scanning accepts at most 25,000 results a run and 10 MB gzipped; "
            "the most severe results were kept."
        )
    return props


def _invocation(result: Result) -> dict[str, Any]:
    notifications = [
        {
            "level": "warning",
            "message": {"text": f"{err.path}: {err.message}"},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(result, err.path)}}],
        }
        for err in result.errors
    ]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


# --- rules -------------------------------------------------------------------------------------


def _rules(result: Result, findings: list[Finding]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    worst: dict[str, Finding] = {}
    for f in findings:
        if f.rule not in worst or f.severity > worst[f.rule].severity:
            worst[f.rule] = f
    descriptors = []
    index: dict[str, int] = {}
    for code in sorted(worst):
        index[code] = len(descriptors)
        descriptors.append(_descriptor(result.rules.get(code), worst[code]))
    return descriptors, index


def _descriptor(info: RuleInfo | None, sample: Finding) -> dict[str, Any]:
    severity = sample.severity  # the worst severity this rule's results have in this run
    if info is None:
        text = f"{sample.rule} {sample.name}"
        return {
            "id": sample.rule,
            "name": sample.name[:255],
            "shortDescription": {"text": text},
            "fullDescription": {"text": text},
            "help": {"text": text, "markdown": text},
            "defaultConfiguration": {"level": LEVELS[sample.severity]},
            "properties": {
                "tags": ["security"],
                "precision": PRECISION[sample.confidence.label],
                "security-severity": SECURITY_SEVERITY[severity],
            },
        }
    full = markdown_to_text(info.section("What it does")) or info.summary or info.name
    return {
        "id": info.code,
        "name": info.name[:255],
        "shortDescription": {"text": _clip(markdown_to_text(info.summary) or info.name)},
        "fullDescription": {"text": _clip(full)},
        "help": {"text": markdown_to_text(info.doc) or full, "markdown": _help_markdown(info)},
        "defaultConfiguration": {"level": LEVELS[severity]},  # as security-severity: what this run says
        "properties": {
            "tags": ["security", f"external/cwe/cwe-{info.cwe}", f"jwtaudit/{info.family.lower()}"],
            "precision": PRECISION[info.confidence.label],
            "security-severity": SECURITY_SEVERITY[severity],
            "cwe": f"CWE-{info.cwe}",
            "defaultSeverity": info.severity.label,
        },
    }


def _help_markdown(info: RuleInfo) -> str:
    head = (
        f"# {info.code} {info.name}\n\nSeverity **{info.severity.label}**, confidence "
        f"**{info.confidence.label}**, [CWE-{info.cwe}](https://cwe.mitre.org/data/definitions/{info.cwe}.html)."
    )
    return f"{head}\n\n{info.doc}".strip() + "\n"


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def markdown_to_text(markdown: str) -> str:
    """Plain text for `help.text`: headings on their own line, no emphasis or link syntax."""
    out: list[str] = []
    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            continue
        line = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(2) else m.group(1), line)
        line = line.replace("**", "").replace("`", "")
        if stripped.startswith("#"):
            line = stripped.lstrip("#").strip()
        out.append(line.rstrip())
    return "\n".join(out).strip()


# --- results -----------------------------------------------------------------------------------


def _result(result: Result, finding: Finding, rule_index: int) -> dict[str, Any]:
    related = finding.related[:MAX_RELATED]
    props: dict[str, Any] = {
        "severity": finding.severity.label,
        "confidence": finding.confidence.label,
        "security-severity": SECURITY_SEVERITY[finding.severity],
    }
    if finding.evidence:
        props["evidence"] = _jsonable(finding.evidence)
    if finding.location.pointer:
        props["pointer"] = finding.location.pointer
    if finding.location.commit:
        props["commit"] = finding.location.commit
    if finding.status != "new":
        props["status"] = finding.status

    fingerprints = {FINGERPRINT_KEY: finding.fingerprint}
    line_hash = result.properties.get("line_hashes", {}).get(line_key(finding.location))
    if line_hash:
        fingerprints = {"primaryLocationLineHash": line_hash, **fingerprints}

    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": _message(finding, related, len(finding.related))},
        "locations": [_location(result, finding.location)],
        "partialFingerprints": fingerprints,
        "properties": props,
    }
    if related:
        out["relatedLocations"] = [
            _location(result, loc, ident=i + 1, text=f"Related location {i + 1}")
            for i, loc in enumerate(related)
        ]
    suppression = SUPPRESSIONS.get(finding.status)
    if suppression is not None:
        out["suppressions"] = [dict(suppression)]
    return out


def _message(finding: Finding, related: tuple[Location, ...], related_total: int) -> str:
    """First sentence: the finding on its own. Then where exactly, the commit, related places."""
    first = " ".join(finding.message.split()) or f"{finding.rule} {finding.name}"
    if not first.endswith(_SENTENCE_END):
        first += "."
    parts = [first]
    if finding.location.pointer:
        parts.append(f"Key: {finding.location.pointer}.")
    if finding.location.commit:
        parts.append(f"Found in commit {finding.location.commit}.")
    if related:
        parts = [_escape_brackets(p) for p in parts]
        links = ", ".join(
            f"[{_escape_brackets(_describe(loc))}]({i + 1})" for i, loc in enumerate(related)
        )
        more = f" and {related_total - len(related)} more" if related_total > len(related) else ""
        parts.append(f"Related: {links}{more}.")
    return " ".join(parts)


def _escape_brackets(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _describe(loc: Location) -> str:
    where = loc.path
    if loc.line:
        where += f":{loc.line}"
    if loc.pointer:
        where += f" {loc.pointer}"
    if loc.commit:
        where += f" @{loc.commit[:12]}"
    return where


def _artifact(result: Result, path: str) -> dict[str, Any]:
    """A path relative to the scan root becomes one relative to the repository root (%SRCROOT%),
    which is what GitHub resolves against its checkout; an absolute path stays a file URI."""
    uri = quote(path.replace("\\", "/"), safe="/!$&'()*+,;=:@~-._")
    if path.startswith("/"):
        return {"uri": "file://" + uri}
    prefix = result.properties.get(URI_PREFIX, "")
    return {"uri": quote(prefix, safe="/!$&'()*+,;=:@~-._") + uri, "uriBaseId": SRCROOT}


def _location(
    result: Result, loc: Location, *, ident: int | None = None, text: str | None = None
) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact(result, loc.path),
                                "region": _region(result, loc)}
    out: dict[str, Any] = {}
    if ident is not None:
        out["id"] = ident
    out["physicalLocation"] = physical
    if loc.pointer:
        out["logicalLocations"] = [{"fullyQualifiedName": loc.pointer, "kind": "member"}]
    if text:
        out["message"] = {"text": text}
    return out


def _region(result: Result, loc: Location) -> dict[str, Any]:
    """A full region in UTF-16 columns; a location without a line points at the file's first line."""
    if not loc.line or loc.line < 1:
        return {"startLine": 1}
    region: dict[str, Any] = {"startLine": loc.line}
    start, end = loc.column, loc.end_column
    converted = result.properties.get("utf16_columns", {}).get(column_key(loc))
    if converted:
        start = converted[0]
        end = converted[1] if converted[1] != -1 else end
    end_line = loc.end_line if loc.end_line and loc.end_line >= loc.line else loc.line
    if start and start >= 1:
        region["startColumn"] = start
    region["endLine"] = end_line
    if end and end >= 1 and (end_line > loc.line or not start or end >= start):
        region["endColumn"] = end
    return region


def _jsonable(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_jsonable(v, depth + 1) for v in items]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or Infinity
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
