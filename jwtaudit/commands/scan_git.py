"""`jwtaudit scan --staged | --history | --diff BASE`: the scan over git blobs instead of files.

Each blob goes through the same per-file analysis as a working-tree scan
(`sources.text.analyse_text` + `commands.scan.outcome_of`); this module decides which blobs,
reads them through `sources.git`, and shapes the result:

- staged: index blobs of the files pre-commit passes (or of every staged change).
- diff: blobs changed from the merge base of BASE and HEAD to HEAD; a finding whose fingerprint
  the old version of the same file (followed across renames) already had is not "introduced".
- history: every blob introduced by every commit, each unique blob analysed once; findings are
  aggregated per secret (rule + value hash, else fingerprint) with the first commit, author
  date, path and line where it appeared, how many commits introduced it, and whether HEAD still
  has it.

Inline suppressions and the baseline apply to all three, as in a working-tree scan.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from jwtaudit import baseline as baselines
from jwtaudit import engine, suppressions
from jwtaudit.config import Config
from jwtaudit.errors import InputError as InputProblem
from jwtaudit.errors import UsageError
from jwtaudit.model import Finding, InputError, Result
from jwtaudit.redact import Redactor
from jwtaudit.sources import git
from jwtaudit.subjects import Assignment, TokenSubject

SNIFF_BYTES = 8192
_TEXT_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")


@dataclass(frozen=True, kw_only=True)
class GitScanRequest:
    mode: str  # staged | history | diff
    paths: tuple[str, ...] = ()  # staged: files (as pre-commit passes them); else one folder in the repo
    since: str | None = None
    branches: tuple[str, ...] = ()
    base: str | None = None
    now: int = 0
    baseline: str | None = None  # a file; None: `.jwtaudit-baseline.json` at the root if present
    jobs: int | None = None  # worker processes for --history (None: see `_jobs`)


@dataclass(kw_only=True)
class _BlobResult:
    outcome: Any = None  # commands.scan.FileOutcome
    directives: tuple[suppressions.Directive, ...] = ()
    skipped: str | None = None


_BlobItem = tuple[str, str, "bytes | None", int, "str | None"]  # key, path, data, size, commit
_CHUNK = 32
_WORKER_ANALYSER: Any = None


def _analyse_chunk(items: list[_BlobItem]) -> list[tuple[str, _BlobResult]]:
    analyser = _WORKER_ANALYSER
    return [(key, analyser.analyse(path, data, size, commit)) for key, path, data, size, commit in items]


def _jobs(requested: int | None, blobs: int) -> int:
    """Worker processes for a history scan. Most versions are carried (see `_Delta`), so the
    fork and pickling cost pays off only for very large histories unless `--jobs` asks."""
    if requested is not None:
        return requested
    return 1 if blobs < _PARALLEL_MIN_BLOBS else min(os.cpu_count() or 1, 8)


_PARALLEL_MIN_BLOBS = 20000


@dataclass
class _Analyser:
    """Runs the per-file analysis on blobs and keeps what the whole scan needs."""

    config: Config
    now: int
    redactor: Redactor = field(default_factory=Redactor)
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    tokens: list[TokenSubject] = field(default_factory=list)
    secrets: list[Assignment] = field(default_factory=list)
    public_keys: list[Assignment] = field(default_factory=list)
    directives: list[suppressions.Directive] = field(default_factory=list)
    scanned: int = 0
    skipped: int = 0
    report_skipped: bool = True

    def __post_init__(self) -> None:
        from jwtaudit.commands.token import load_wordlist
        from jwtaudit.sources.text import ScanOptions

        self.ctx = engine.RunContext(config=self.config, now=self.now,
                                     wordlist=load_wordlist(self.config.wordlist))
        self.options = ScanOptions(profile=self.config.profile)
        from jwtaudit.sources.files import excluder

        self.spec = excluder(self.config.exclude)

    def wanted(self, path: str) -> bool:
        """Not excluded by config and not a known binary type (those are never read)."""
        from jwtaudit.sources.files import BINARY_SUFFIXES

        if self.spec is not None and self.spec.match_file(path):
            return False
        if PurePosixPath(path.lower()).suffix in BINARY_SUFFIXES:
            self._skip(path, f"binary file type ({PurePosixPath(path.lower()).suffix})")
            return False
        return True

    def _skip(self, path: str, reason: str) -> list[Finding]:
        from jwtaudit.commands.scan import skipped_outcome

        self.skipped += 1
        if not self.report_skipped:
            return []
        outcome = skipped_outcome(path, reason, self.ctx)
        self.errors.append(InputError(path=path, message=reason))
        self.findings.extend(outcome.findings)
        return outcome.findings

    def analyse(self, path: str, data: bytes | None, size: int, commit: str | None = None) -> _BlobResult:
        """One blob as the file `path`, without touching the scan-wide state (runs in workers)."""
        from jwtaudit.commands.scan import outcome_of
        from jwtaudit.sources.text import analyse_text, decode_bytes

        if data is None:
            cap = self.config.max_file_size
            return _BlobResult(skipped=f"larger than the size cap ({size} bytes > {cap})")
        head = data[:SNIFF_BYTES]
        if b"\0" in head and not head.startswith(_TEXT_BOMS) and not head.startswith(b"\x00\x00\xfe\xff"):
            return _BlobResult(skipped="binary file (NUL bytes)")
        text, _encoding = decode_bytes(data)
        analysis = analyse_text(path, text, self.options, commit=commit)
        directives = suppressions.parse(path, text, commit)
        return _BlobResult(outcome=outcome_of(analysis, self.ctx), directives=directives)

    def take(self, path: str, result: _BlobResult) -> list[Finding]:
        """Merge one blob's result into the scan; returns its per-file findings."""
        if result.skipped is not None or result.outcome is None:
            return self._skip(path, result.skipped or "unreadable")
        outcome = result.outcome
        self.scanned += 1
        self.redactor.add_all(outcome.sensitive)
        self.tokens.extend(outcome.tokens)
        self.secrets.extend(outcome.secrets)
        self.public_keys.extend(outcome.public_keys)
        self.directives.extend(result.directives)
        self.findings.extend(outcome.findings)
        return outcome.findings

    def blob(self, path: str, data: bytes | None, size: int, commit: str | None = None) -> list[Finding]:
        return self.take(path, self.analyse(path, data, size, commit))

    def many(self, items: Iterable[_BlobItem], jobs: int) -> Iterator[tuple[str, list[Finding]]]:
        """(key, findings) per item, in order; with `jobs` > 1 the analysis runs in worker
        processes (fork), the merge here, so the result does not depend on `jobs`."""
        if jobs <= 1:
            for key, path, data, size, commit in items:
                yield key, self.blob(path, data, size, commit)
            return
        import multiprocessing

        global _WORKER_ANALYSER
        _WORKER_ANALYSER = self
        pending: dict[str, str] = {}

        def chunks() -> Iterator[list[_BlobItem]]:
            chunk: list[_BlobItem] = []
            for item in items:
                pending[item[0]] = item[1]
                chunk.append(item)
                if len(chunk) >= _CHUNK:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for results in pool.imap(_analyse_chunk, chunks()):
                for key, result in results:
                    yield key, self.take(pending.pop(key), result)

    def scan_wide(self) -> list[Finding]:
        from jwtaudit.commands.scan_wide import scan_wide_findings

        self.ctx.redactor = self.redactor  # scan-wide rules add the values they report straight here
        return scan_wide_findings(self.tokens, self.secrets, self.public_keys, self.ctx)


def _baseline_for(request: GitScanRequest, root: Path) -> baselines.Baseline | None:
    if request.baseline:
        return baselines.load(request.baseline)
    default = root / baselines.DEFAULT_PATH
    return baselines.load(default) if default.is_file() else None


def _decide(findings: Iterable[Finding], analyser: _Analyser, base: baselines.Baseline | None,
            report_unused: bool = True) -> list[Finding]:
    """Suppressions, then the baseline, then the final order (the engine's rules, in one place)."""
    decided = suppressions.apply(engine.finalize(findings), analyser.directives, analyser.ctx,
                                 report_unused=report_unused)
    decided = baselines.apply(decided, base)
    return sorted(decided, key=Finding.sort_key)


def _result(mode: str, findings: list[Finding], analyser: _Analyser, root: Path,
            properties: dict[str, Any]) -> tuple[Result, Redactor]:
    result = Result(mode=mode, findings=tuple(findings), files_scanned=analyser.scanned,
                    errors=tuple(sorted(analyser.errors, key=lambda e: e.path)),
                    rules=engine.rule_infos(findings), properties={"root": str(root), **properties})
    return result, analyser.redactor


def _folder(request: GitScanRequest) -> Path:
    if len(request.paths) > 1:
        raise UsageError(f"--{request.mode}: give at most one folder inside the repository")
    folder = Path(request.paths[0]) if request.paths else Path.cwd()
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    return folder


def run_with_git_options(
    scan: Any, paths: tuple[str, ...], config: Config, *, staged: bool = False, history: bool = False,
    since: str | None = None, branches: tuple[str, ...] = (), diff_base: str | None = None,
    baseline_path: str | None = None,
) -> tuple[Result, Redactor]:
    """The `scan` command's git options: pick the mode, or run the plain scan with a baseline."""
    modes = [name for name, on in (("--staged", staged), ("--history", history), ("--diff", diff_base)) if on]
    if len(modes) > 1:
        raise UsageError(f"{' and '.join(modes)} cannot be combined")
    if (since or branches) and not history:
        raise UsageError("--since and --branch need --history")
    if not modes:
        from jwtaudit.commands.scan import run_scan

        result, redactor = run_scan(scan, config)
        accepted = baselines.load(baseline_path) if baseline_path else None
        return replace(result, findings=tuple(baselines.apply(result.findings, accepted))), redactor
    mode = modes[0].removeprefix("--")
    request = GitScanRequest(mode=mode, paths=paths, since=since, branches=branches, base=diff_base,
                             now=scan.now, baseline=baseline_path, jobs=scan.jobs)
    return run_git_scan(request, config)


def run_git_scan(request: GitScanRequest, config: Config) -> tuple[Result, Redactor]:
    if request.mode == "staged":
        return _staged(request, config)
    if request.mode == "diff":
        return _diff(request, config)
    if request.mode == "history":
        return _history(request, config)
    raise UsageError(f"unknown git scan mode {request.mode!r}")


# --- staged ----------------------------------------------------------------------------------


def _staged(request: GitScanRequest, config: Config) -> tuple[Result, Redactor]:
    cwd = Path.cwd()
    root = git.toplevel(cwd)
    base = _baseline_for(request, root)
    analyser = _Analyser(config=config, now=request.now)
    staged = git.staged(root, request.paths, cwd)
    refs = [r for r in staged if analyser.wanted(r.path)]
    by_blob: dict[str, list[str]] = {}
    for ref in refs:
        by_blob.setdefault(ref.blob, []).append(ref.path)
    for blob_id, data, size in git.read_blobs(root, list(by_blob), config.max_file_size):
        for path in by_blob[blob_id]:
            analyser.blob(path, data, size)
    findings = _decide([*analyser.findings, *analyser.scan_wide()], analyser, base)
    return _result("scan", findings, analyser, root, {"git": "staged", "staged_files": len(staged)})


# --- diff ------------------------------------------------------------------------------------


def _diff(request: GitScanRequest, config: Config) -> tuple[Result, Redactor]:
    root = git.toplevel(_folder(request))
    target = git.head(root)
    if target is None:
        raise InputProblem(f"{root}: --diff needs a commit to compare (the repository has none)")
    base_commit = git.resolve_commit(root, request.base or "", "--diff")
    start = git.merge_base(root, base_commit, target) or base_commit
    base = _baseline_for(request, root)
    analyser = _Analyser(config=config, now=request.now)
    before = _Analyser(config=config, now=request.now, report_skipped=False, redactor=analyser.redactor)
    changes = [c for c in git.changed(root, start, target) if analyser.wanted(c.path)]
    new_paths: dict[str, list[str]] = {}
    old_paths: dict[str, list[str]] = {}
    for change in changes:
        new_paths.setdefault(change.blob, []).append(change.path)
        if change.old_blob:
            old_paths.setdefault(change.old_blob, []).append(change.path)  # judged as the new path
    for blob_id, data, size in git.read_blobs(root, list(new_paths), config.max_file_size):
        for path in new_paths[blob_id]:
            analyser.blob(path, data, size)
    for blob_id, data, size in git.read_blobs(root, list(old_paths), config.max_file_size):
        for path in old_paths[blob_id]:
            before.blob(path, data, size)
    existing = {f.fingerprint for f in before.findings}
    introduced = [f for f in [*analyser.findings, *analyser.scan_wide()] if f.fingerprint not in existing]
    findings = _decide(introduced, analyser, base)
    return _result("scan", findings, analyser, root,
                   {"git": "diff", "base": base_commit, "merge_base": start, "head": target})


# --- history ---------------------------------------------------------------------------------


def _history(request: GitScanRequest, config: Config) -> tuple[Result, Redactor]:
    root = git.toplevel(_folder(request))
    tips = [git.resolve_commit(root, ref, "--branch") for ref in request.branches]
    exclude = [git.resolve_commit(root, request.since, "--since")] if request.since else []
    base = _baseline_for(request, root)
    analyser = _Analyser(config=config, now=request.now, report_skipped=False)
    intros = git.history(root, tips, exclude)
    first: dict[str, git.Introduction] = {}
    introductions: dict[str, int] = {}
    for intro in intros:
        first.setdefault(intro.blob, intro)
        introductions[intro.blob] = introductions.get(intro.blob, 0) + 1
    wanted = [blob for blob, intro in first.items() if analyser.wanted(intro.path)]
    delta = _Delta()
    items = ((blob_id, first[blob_id].path, data, size, first[blob_id].commit)
             for blob_id, data, size in git.read_blobs(root, wanted, config.max_file_size)
             if not delta.carries(first[blob_id], data))
    per_blob = dict(analyser.many(items, _jobs(request.jobs, len(wanted))))
    for blob_id, old in delta.carried.items():  # oldest first, so `old` is already resolved
        per_blob[blob_id] = per_blob.get(old, [])
    head_commit = git.head(root)
    at_head = set(git.tree(root, head_commit).values()) if head_commit else set()
    aggregated = _aggregate(per_blob, first, introductions, at_head)
    findings = _decide([*aggregated, *_history_scan_wide(analyser)], analyser, None, report_unused=False)
    if base is not None:
        findings = _accept_groups(findings, base, per_blob, first)
    commits = len({i.commit for i in intros})
    return _result("history", findings, analyser, root,
                   {"git": "history", "commits": commits, "blobs": len(first),
                    "blobs_scanned": analyser.scanned, "blobs_carried": len(delta.carried),
                    "blobs_skipped": analyser.skipped})


_LONG_RUN = re.compile(r"[A-Za-z0-9+/=_\-]{16,}")


class _Delta:
    """Skips re-analysing a file version whose changed lines cannot hold anything a rule reads.

    `git log -p` scanners read only changed lines; analysing every version of a file in full is
    what would make a history scan slow. A new version whose added and removed lines contain no
    trigger word of any detector (the same words the per-file prefilter uses), no token prefix
    and no long token-like run with a digit (every random secret format has one) has the
    findings of the version it replaced: it is "carried" (counted as another introduction of
    those findings) instead of analysed. The line sets of recent versions are kept up to a
    memory budget; a version whose parent is not kept is analysed in full.
    """

    BUDGET = 128 * 1024 * 1024

    def __init__(self) -> None:
        from jwtaudit.sources import secrets as ds
        from jwtaudit.sources import text

        self.words = tuple(sorted({*text.SECRET_FILE_WORDS, *text.CODE_WORDS, *ds.line_words(), "eyj"}))
        self.lines: dict[str, frozenset[bytes]] = {}
        self.sizes: dict[str, int] = {}
        self.used = 0
        self.carried: dict[str, str] = {}

    def carries(self, intro: git.Introduction, data: bytes | None) -> bool:
        if data is None:
            return False
        lines = frozenset(data.split(b"\n"))
        old = self.lines.get(intro.old_blob) if intro.old_blob else None
        self._keep(intro.blob, lines, len(data))
        if old is None:
            return False
        changed = b"\n".join(lines ^ old).decode("utf-8", "replace")
        low = changed.lower()
        if any(w in low for w in self.words):
            return False
        if any(any(c.isdigit() for c in m.group()) for m in _LONG_RUN.finditer(changed)):
            return False
        self.carried[intro.blob] = intro.old_blob  # type: ignore[assignment]
        return True

    def _keep(self, blob: str, lines: frozenset[bytes], size: int) -> None:
        self.lines[blob] = lines
        self.sizes[blob] = size
        self.used += size
        while self.used > self.BUDGET and self.lines:
            oldest = next(iter(self.lines))
            del self.lines[oldest]
            self.used -= self.sizes.pop(oldest)


def _group_key(finding: Finding) -> tuple[str, str]:
    """The same secret is one finding, wherever and however often it was committed."""
    if finding.value_sha1 and not finding.rule.startswith("META"):
        return finding.rule, "v:" + finding.value_sha1
    return finding.rule, "f:" + finding.fingerprint


def _aggregate(per_blob: dict[str, list[Finding]], first: dict[str, git.Introduction],
               introductions: dict[str, int], at_head: set[str]) -> list[Finding]:
    groups: dict[tuple[str, str], tuple[Finding, set[str]]] = {}
    order = sorted(per_blob, key=lambda b: (first[b].order, first[b].path))
    for blob in order:
        for finding in sorted(per_blob[blob], key=Finding.sort_key):
            key = _group_key(finding)
            if key in groups:
                groups[key][1].add(blob)
            else:
                groups[key] = (finding, {blob})
    out = []
    for finding, blobs in groups.values():
        intro = first[next(b for b in order if b in blobs)]
        evidence = dict(finding.evidence)
        evidence.update({
            "first_commit": intro.commit,
            "first_seen": intro.date,
            "commits": sum(introductions[b] for b in blobs),
            "present_at_head": bool(blobs & at_head),
        })
        out.append(replace(finding, evidence=evidence))
    return out


def _history_scan_wide(analyser: _Analyser) -> list[Finding]:
    """SEC009 (a secret verifies a token) over each distinct token and secret once. SEC010
    (reuse) cannot be told from a rename or a copy-then-delete in history, so each secret value
    takes part once: the same secret in 300 versions of a file is not 'reused'."""
    seen_tokens: set[str] = set()
    tokens = []
    for token in analyser.tokens:
        if token.token.raw not in seen_tokens:
            seen_tokens.add(token.token.raw)
            tokens.append(token)
    seen_secrets: set[str] = set()
    secrets = []
    for secret in analyser.secrets:
        if secret.value not in seen_secrets:
            seen_secrets.add(secret.value)
            secrets.append(secret)
    analyser.tokens, analyser.secrets = tokens, secrets
    return analyser.scan_wide()


def _accept_groups(findings: Sequence[Finding], base: baselines.Baseline, per_blob: dict[str, list[Finding]],
                   first: dict[str, git.Introduction]) -> list[Finding]:
    """A history finding is accepted when any version of it (any path it had) is in the baseline."""
    accepted_keys = {_group_key(f) for found in per_blob.values() for f in found if base.accepts(f)}

    def status_of(finding: Finding) -> str | None:
        if finding.status != "new":
            return None
        return "baseline" if base.accepts(finding) or _group_key(finding) in accepted_keys else None

    return engine.mark(findings, status_of)
