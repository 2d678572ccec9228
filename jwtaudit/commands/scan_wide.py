"""The scan-wide checks, run once every file has been analysed: SEC009/SEC010 over every secret and
token of the scan (with TOK024 for the keys SEC009 proves), and TOK015 (with TOK024) for tokens
signed with a name from another file.

The two halves are independent and each takes a few tenths of a second on a large scan, while the
rest of the machine's cores sit idle; with `--jobs` above one they run side by side in forked
processes and their findings are merged in the order one process would give.
"""

from __future__ import annotations

from typing import Any

from jwtaudit import engine
from jwtaudit.model import Finding, Location
from jwtaudit.subjects import Assignment, ScanSubject, TokenSubject

PARALLEL_MIN_TOKENS = 500  # below this the fork costs more than the half it saves


def scan_wide_findings(tokens: list[TokenSubject], secrets: list[Assignment], public_keys: list[Assignment],
                       ctx: engine.RunContext, context_words: tuple[str, ...] = (), *,
                       jobs: int = 1) -> list[Finding]:
    """SEC009/SEC010 over everything the files contributed, in a deterministic order; and TOK015
    (with TOK024) for tokens signed with a name found in another file of the scan. Values the
    rules report are added to `ctx.redactor`; SEC009's budget note to `ctx.extras`."""
    def order(item: Any) -> tuple[Any, ...]:
        loc = item.location
        return (loc.path, loc.commit or "", loc.line or 0, loc.column or 0, loc.pointer or "")

    subject = ScanSubject(
        location=Location(path="."),
        tokens=tuple(sorted(tokens, key=order)),
        secrets=tuple(sorted(secrets, key=order)),
        public_keys=tuple(sorted(public_keys, key=order)),
    )
    import multiprocessing

    if jobs < 2 or not context_words or len(tokens) < PARALLEL_MIN_TOKENS \
            or "fork" not in multiprocessing.get_all_start_methods():
        return _secret_findings(subject, ctx) + _context_findings(subject, context_words, ctx)
    from functools import partial

    from jwtaudit.commands.workers import in_forked_processes

    halves = in_forked_processes([partial(_half, part, subject, context_words, ctx) for part in (0, 1)])
    findings: list[Finding] = []
    for half_findings, values, limited in halves:
        findings.extend(half_findings)
        ctx.redactor.add(*values)
        if limited:
            ctx.extras["sec009_limited"] = True
    return findings


def _secret_findings(subject: ScanSubject, ctx: engine.RunContext) -> list[Finding]:
    """SEC009/SEC010, then TOK024 for each token whose signing key SEC009 proved: the key is
    known, so its length can be judged (as when TOK015 guesses it)."""
    from jwtaudit.rules import registry
    from jwtaudit.rules.sec import PROVEN_KEYS

    findings = engine.check_subject(subject, ctx)
    rule = registry.loaded().get("TOK024")
    proven = ctx.extras.pop(PROVEN_KEYS, [])
    if rule is None or not engine.is_selected("TOK024", ctx.config):
        return findings
    from jwtaudit.rules.tok import short_key_hit

    for token, secret in proven:
        hit = short_key_hit(token, secret)
        if hit is not None:
            findings.append(engine.make_finding(rule.info, hit, token, ctx.config, ctx.path_prefix))
    return findings


def _context_findings(subject: ScanSubject, words: tuple[str, ...], ctx: engine.RunContext) -> list[Finding]:
    if not words:
        return []
    from jwtaudit.rules import registry
    from jwtaudit.rules.tok import scan_context_hits

    findings: list[Finding] = []
    rules = registry.loaded()  # TOK is loaded: these tokens were checked per file
    for token in subject.tokens:
        for code, hit in scan_context_hits(token, words, ctx):
            rule = rules.get(code)
            if rule is not None and engine.is_selected(code, ctx.config):
                findings.append(engine.make_finding(rule.info, hit, token, ctx.config, ctx.path_prefix))
    return findings


def _half(part: int, subject: ScanSubject, words: tuple[str, ...], ctx: engine.RunContext
          ) -> tuple[list[Finding], list[str], bool]:
    """One half in a forked process: (findings, values to redact, SEC009 ran out of budget)."""
    from jwtaudit.redact import RecordingRedactor

    ctx.redactor = seen = RecordingRedactor()
    if part == 0:
        findings = _secret_findings(subject, ctx)
    else:
        findings = _context_findings(subject, words, ctx)
    return findings, seen.seen, bool(ctx.extras.get("sec009_limited"))
