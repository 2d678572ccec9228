"""`jwtaudit scan`: find and judge every token and secret in a tree.

Files are analysed independently (in worker processes with `--jobs N`), each by
`jwtaudit.sources.text.analyse_text`; per-file rules run in the worker. The scan-wide rules
(SEC009 secret-signs-token, SEC010 secret-reused) run after the merge, and `engine.finalize`
sorts everything, so `--jobs 2` and `--jobs 1` give identical reports.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jwtaudit import engine, suppressions
from jwtaudit.commands.scan_wide import scan_wide_findings
from jwtaudit.config import Config
from jwtaudit.model import Finding, InputError, Location, Result
from jwtaudit.redact import RecordingRedactor, Redactor, scrubbable
from jwtaudit.sources.files import FileEntry, collect, is_unreadable, read_file, scan_root
from jwtaudit.sources.text import FileAnalysis, ScanOptions, analyse_text, decode_bytes
from jwtaudit.subjects import Assignment, SkippedFile, TextSubject, TokenSubject

CHUNK = 64
PARALLEL_MIN_FILES = 200


@dataclass(frozen=True, kw_only=True)
class ScanRequest:
    paths: tuple[str, ...] = (".",)
    jobs: int | None = None
    now: int = field(default_factory=lambda: int(time.time()))  # tokens are judged at this time
    progress: bool = False


@dataclass(kw_only=True)
class FileOutcome:
    """What a worker sends back for one file (all picklable)."""

    findings: list[Finding] = field(default_factory=list)
    tokens: list[TokenSubject] = field(default_factory=list)
    secrets: list[Assignment] = field(default_factory=list)
    public_keys: list[Assignment] = field(default_factory=list)
    sensitive: list[str] = field(default_factory=list)
    error: InputError | None = None
    scanned: bool = False
    directives: tuple[Any, ...] = ()  # inline ignore comments (jwtaudit.suppressions)
    context_words: tuple[str, ...] = ()  # names other files' tokens may be signed with (TOK015)


# --- per-file work (runs in workers) ----------------------------------------------------------------

_WORKER: dict[str, Any] = {}
SCAN_SUBJECT_KINDS = ("token", "text", "scan", "document", "code", "skipped", "suppression")


def _init_worker(config: Config, options: ScanOptions, now: int, wordlist: tuple[str, ...],
                 path_prefix: str = "") -> None:
    from jwtaudit.rules import registry

    registry.load_for(*SCAN_SUBJECT_KINDS)  # warm up before forking; no audit (account/bot) rules
    _WORKER.update(config=config, options=options, now=now, wordlist=wordlist, path_prefix=path_prefix)
    _WORKER.pop("ctx", None)  # a context from an earlier in-process run holds the old config


def _init_pool_worker(*init_args: Any) -> None:
    _init_worker(*init_args)
    gc.freeze()  # what the worker inherited and warmed up lives as long as it does: never collect it


def _context() -> engine.RunContext:
    ctx = _WORKER.get("ctx")
    if ctx is None:
        ctx = engine.RunContext(config=_WORKER["config"], now=_WORKER["now"], wordlist=_WORKER["wordlist"],
                                path_prefix=_WORKER.get("path_prefix", ""),
                                redactor=RecordingRedactor())
        _WORKER["ctx"] = ctx
    return ctx


def analyse_entry(entry: FileEntry) -> FileOutcome:
    config: Config = _WORKER["config"]
    ctx = _context()
    data, reason = read_file(entry, config.max_file_size)
    if data is None:
        return skipped_outcome(entry.rel_path, reason or "unreadable", ctx)
    text, _encoding = decode_bytes(data)
    analysis = analyse_text(entry.rel_path, text, _WORKER["options"])
    outcome = outcome_of(analysis, ctx)
    outcome.directives = suppressions.parse(entry.rel_path, text)
    return outcome


def outcome_of(analysis: FileAnalysis, ctx: engine.RunContext) -> FileOutcome:
    """Run the per-file rules on one file's subjects."""
    collector = RecordingRedactor()
    ctx.redactor = collector
    findings: list[Finding] = []
    for subject in analysis.subjects:
        if isinstance(subject, TextSubject) and subject.document is None and subject.detector_lines:
            # Specific rules first; then the generic detectors only on lines no specific finding
            # holds (outside a parsed document every finding on a line has the same place, and
            # `engine.finalize` would drop the generic ones there anyway).
            findings.extend(engine.check_subject(subject, ctx, generic=False))
            covered = engine.lines_without_pointer(findings, subject.location.path)
            if covered:
                subject = replace(subject, detector_lines=tuple(
                    (code, kept) for code, lines in subject.detector_lines
                    if (kept := tuple(n for n in lines if n not in covered))))
            findings.extend(engine.check_subject(subject, ctx, generic=True))
            continue
        findings.extend(engine.check_subject(subject, ctx))
    return FileOutcome(findings=engine.without_covered_generics(findings), tokens=analysis.tokens,
                       secrets=analysis.secrets, public_keys=analysis.public_keys,
                       sensitive=scrubbable(analysis.sensitive + collector.seen), scanned=True,
                       context_words=analysis.context_words)


def skipped_outcome(rel_path: str, reason: str, ctx: engine.RunContext) -> FileOutcome:
    subject = SkippedFile(location=Location(path=rel_path), reason=reason)
    return FileOutcome(findings=engine.check_subject(subject, ctx),
                       error=InputError(path=rel_path, message=reason, unreadable=is_unreadable(reason)))


def _analyse_chunk(entries: list[FileEntry]) -> list[FileOutcome]:
    return [analyse_entry(entry) for entry in entries]


# --- orchestration -------------------------------------------------------------------------------

# A scan allocates millions of short-lived objects that hold no cycles (locations, findings, parsed
# documents). With CPython's default thresholds (700, 10, 10) the cycle collector runs every few
# hundred allocations and keeps walking what lives long (modules, compiled patterns, caches, the
# results merged so far): about a tenth of the scan's CPU. Run it far less often.
COLLECTOR_THRESHOLDS = (50_000, 100, 100)


@contextmanager
def tuned_collector() -> Iterator[None]:
    """For one scan (and the workers it forks): what is alive at the start (imported modules,
    compiled patterns) is left out of every collection and collections are rarer; restored after."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


def _chunks(items: Sequence[FileEntry], size: int, sizes: dict[str, int] | None = None
            ) -> Iterator[list[FileEntry]]:
    """Runs of up to `size` files, a run closed early once it holds CHUNK_BYTES: with the
    largest files first (`_dispatch_order`) each large file travels alone and the workers
    finish together instead of one of them ending on a run of large API descriptions."""
    chunk: list[FileEntry] = []
    total = 0
    for entry in items:
        chunk.append(entry)
        total += sizes.get(entry.abs_path, 0) if sizes else 0
        if len(chunk) >= size or total >= CHUNK_BYTES:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


CHUNK_BYTES = 256 * 1024


def _file_sizes(entries: Sequence[FileEntry]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for entry in entries:
        try:
            sizes[entry.abs_path] = os.stat(entry.abs_path).st_size
        except OSError:
            sizes[entry.abs_path] = 0
    return sizes


def _dispatch_order(entries: Sequence[FileEntry], sizes: dict[str, int]) -> list[FileEntry]:
    """Largest files first (then by path), the same order for `--jobs 1` and `--jobs N`: the
    report does not depend on it (everything is sorted after the merge), the wall time does."""
    return sorted(entries, key=lambda entry: (-sizes.get(entry.abs_path, 0), entry.rel_path))


class _Progress:
    """A one-line counter on stderr, only on a terminal and only once the scan passes a second."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.enabled = total, 0, enabled
        self.started = time.monotonic()
        self.shown = False

    def advance(self, count: int) -> None:
        self.done += count
        if self.enabled and time.monotonic() - self.started > 1.0:
            self.shown = True
            sys.stderr.write(f"\rjwtaudit: scanned {self.done}/{self.total} files")
            sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


# Samples are split into pieces so that this file holds no token or secret-shaped literal.
_WARM_UP = {
    "warm.json": '{"clientSecret": "x", "auth": "' + ".".join(("eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiJ3YXJtIn0",
                                                                "c2lnbmF0dXJl")) + '"}',
    "warm.txt": ".".join(("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkExMjhHQ00ifQ", "a2V5", "aXY", "Y2lwaGVy",
                          "dGFn")) + "\n" + "pass" + "word = " + "'w4rm-up-v4lue'",
    "warm.yaml": "botOptions:\n  JWTUrl: http://example.test/sts\n",
    "warm.py": "import jwt\njwt.encode({'appId': 'x'}, 'k', algorithm='HS256')\n",
    "warm.js": "const jwt = require('jsonwebtoken');\njwt.sign({appId: 'x'}, 'k');\n",
    "warm.ts": "const botOptions = {clientSecret: 'x'};\n",
}


def _warm_up(init_args: tuple[Any, ...]) -> None:
    """Before forking: run the pipeline once on tiny samples so that every lazily imported
    module (detect-secrets' compiled patterns, jwcrypto, tree-sitter grammars, YAML) is loaded
    once in the parent and shared by the workers, not loaded again in each. Results discarded."""
    from jwtaudit.sources import secrets as detectors

    _init_worker(*init_args)
    for spec in detectors.PLUGINS:
        detectors.plugin(spec.code)
    ctx = _context()
    for rel_path, text in _WARM_UP.items():
        try:
            outcome_of(analyse_text(rel_path, text, _WORKER["options"]), ctx)
        except Exception:  # warming up must never fail a scan
            continue
    _init_worker(*init_args)  # a fresh context for the real work


def _outcomes(entries: list[FileEntry], jobs: int, progress: _Progress,
              init_args: tuple[Any, ...], sizes: dict[str, int] | None = None) -> Iterator[FileOutcome]:
    if jobs <= 1 or len(entries) < PARALLEL_MIN_FILES:
        _init_worker(*init_args)
        for chunk in _chunks(entries, CHUNK):
            yield from _analyse_chunk(chunk)
            progress.advance(len(chunk))
        return
    import multiprocessing

    from jwtaudit.commands.workers import ordered_results
    from jwtaudit.rules import registry

    registry.load_all()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        _warm_up(init_args)
    size = max(8, min(CHUNK, len(entries) // (jobs * 8) or 8))
    chunks = list(_chunks(entries, size, sizes))
    for chunk_result in ordered_results(_analyse_chunk, chunks, jobs, _init_pool_worker, init_args, method):
        yield from chunk_result
        progress.advance(len(chunk_result))


def run_scan(request: ScanRequest, config: Config) -> tuple[Result, Redactor]:
    from jwtaudit.commands.token import load_wordlist

    redactor = Redactor()
    root = scan_root(request.paths)
    config_folder = Path(config.source).parent if config.source else None
    entries, walk_skipped = collect(request.paths, root, config.exclude, exclude_base=config_folder)
    sizes = _file_sizes(entries)
    entries = _dispatch_order(entries, sizes)
    jobs = request.jobs or os.cpu_count() or 1
    wordlist = load_wordlist(config.wordlist)
    options = ScanOptions(profile=config.profile)
    init_args = (config, options, request.now, wordlist, _repository_prefix(root))
    _init_worker(*init_args)
    ctx = _context()
    findings: list[Finding] = []
    errors: list[InputError] = []
    tokens: list[TokenSubject] = []
    secrets: list[Assignment] = []
    public_keys: list[Assignment] = []
    directives: list[suppressions.Directive] = []
    words: dict[str, None] = {}
    scanned = 0
    for item in walk_skipped:
        outcome = skipped_outcome(item.rel_path, item.reason, ctx)
        findings.extend(outcome.findings)
        errors.append(outcome.error)  # type: ignore[arg-type]
    progress = _Progress(len(entries), request.progress and sys.stderr.isatty())
    try:
        for outcome in _outcomes(entries, jobs, progress, init_args, sizes):
            findings.extend(outcome.findings)
            if outcome.error is not None:
                errors.append(outcome.error)
            scanned += outcome.scanned
            tokens.extend(outcome.tokens)
            secrets.extend(outcome.secrets)
            public_keys.extend(outcome.public_keys)
            redactor.add_scrubbable(outcome.sensitive)
            directives.extend(outcome.directives)
            words.update(dict.fromkeys(outcome.context_words))
    finally:
        progress.close()
    ctx.redactor = RecordingRedactor()
    findings.extend(scan_wide_findings(tokens, secrets, public_keys, ctx,
                                       context_words=tuple(sorted(words))[:MAX_CONTEXT_WORDS], jobs=jobs))
    redactor.add_all(ctx.redactor.seen)  # type: ignore[attr-defined]
    final = sorted(suppressions.apply(engine.finalize(findings), directives, ctx), key=Finding.sort_key)
    result = Result(
        mode="scan",
        findings=tuple(final),
        files_scanned=scanned,
        errors=tuple(sorted(errors, key=lambda e: e.path)),
        rules=engine.rule_infos(final),
        properties={"root": str(root),
                    # SEC009 ran out of its HMAC budget: not every secret met every token
                    **({"sec009_limited": True} if ctx.extras.get("sec009_limited") else {})},
    )
    return result, redactor


def _repository_prefix(root: Path) -> str:
    """The scan root's path in its git work tree, for fingerprints (`engine.RunContext.path_prefix`);
    "" at the work tree's root and outside git (no git process is started there)."""
    from jwtaudit.sources.files import in_work_tree
    from jwtaudit.sources.git import prefix_in_work_tree

    return prefix_in_work_tree(root) if in_work_tree(root) else ""


MAX_CONTEXT_WORDS = 200  # names tried against every HS* token: about the built-in list again
