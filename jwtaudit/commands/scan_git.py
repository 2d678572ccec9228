"""`jwtaudit scan --staged | --history | --diff BASE`: the scan over git blobs instead of files.

Each blob goes through the same per-file analysis as a working-tree scan
(`sources.text.analyse_text` + `commands.scan.outcome_of`); this module decides which blobs,
reads them through `sources.git`, and shapes the result:

- staged: index blobs of the files pre-commit passes (or of every staged change). The
  scan-wide rules pair only what is staged: the hook never reads the rest of the repository.
- diff: blobs changed from the merge base of BASE and HEAD to HEAD; a finding whose fingerprint
  the old version of the same file (followed across renames) already had is not "introduced".
  When the changed files hold tokens, secrets or keys, the scan-wide rules pair them with those
  of every other file of HEAD (on both sides of the comparison).
- history: every blob introduced by every commit, each unique blob analysed once; findings are
  aggregated per secret (rule + value hash, else fingerprint) with the first commit, author
  date, path and line where it appeared, how many commits introduced it, and whether HEAD still
  has it. Suppressions apply per place before that, so a suppressed copy never hides another.
  SEC010 compares the places of a value that one commit's tree held side by side (`_Snapshots`).

Inline suppressions, the baseline and META002 (skipped files) apply to all three, as in a
working-tree scan.
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
from jwtaudit.model import Finding, InputError, Location, Result
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


def _binary(data: bytes) -> bool:
    """NUL bytes near the start, other than in UTF-16/32 text with a byte order mark."""
    head = data[:SNIFF_BYTES]
    return b"\0" in head and not head.startswith(_TEXT_BOMS) and not head.startswith(b"\x00\x00\xfe\xff")


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

    def excluded(self, path: str) -> bool:
        return self.spec is not None and self.spec.match_file(path)

    @staticmethod
    def binary_type(path: str) -> str | None:
        """Why a file of this name is never read (a known binary type), or None."""
        from jwtaudit.sources.files import BINARY_SUFFIXES

        suffix = PurePosixPath(path.lower()).suffix
        return f"binary file type ({suffix})" if suffix in BINARY_SUFFIXES else None

    def wanted(self, path: str) -> bool:
        """Not excluded by config and not a known binary type (those are listed, never read)."""
        if self.excluded(path):
            return False
        reason = self.binary_type(path)
        if reason is not None:
            self._skip(path, reason)
            return False
        return True

    def _skip(self, path: str, reason: str, commit: str | None = None) -> list[Finding]:
        """META002 for a file (a blob, at the commit that introduced it) that was not read."""
        from jwtaudit.subjects import SkippedFile

        self.skipped += 1
        if not self.report_skipped:
            return []
        found = engine.check_subject(SkippedFile(location=Location(path=path, commit=commit), reason=reason),
                                     self.ctx)
        self.errors.append(InputError(path=path, message=reason))
        self.findings.extend(found)
        return found

    def analyse(self, path: str, data: bytes | None, size: int, commit: str | None = None) -> _BlobResult:
        """One blob as the file `path`, without touching the scan-wide state (runs in workers)."""
        from jwtaudit.commands.scan import outcome_of
        from jwtaudit.sources.text import analyse_text, decode_bytes

        if data is None:
            cap = self.config.max_file_size
            return _BlobResult(skipped=f"larger than the size cap ({size} bytes > {cap})")
        if _binary(data):
            return _BlobResult(skipped="binary file (NUL bytes)")
        text, _encoding = decode_bytes(data)
        analysis = analyse_text(path, text, self.options, commit=commit)
        directives = suppressions.parse(path, text, commit)
        return _BlobResult(outcome=outcome_of(analysis, self.ctx), directives=directives)

    def pair_only(self, path: str, data: bytes | None) -> None:
        """Only what one blob gives the scan-wide rules (its tokens, secrets and keys): no
        per-file rules run and nothing is counted as scanned."""
        from jwtaudit.sources.text import analyse_text, decode_bytes

        if data is None or _binary(data):
            return
        analysis = analyse_text(path, decode_bytes(data)[0], self.options)
        self.tokens.extend(analysis.tokens)
        self.secrets.extend(analysis.secrets)
        self.public_keys.extend(analysis.public_keys)

    def take(self, path: str, result: _BlobResult, commit: str | None = None) -> list[Finding]:
        """Merge one blob's result into the scan; returns its per-file findings."""
        if result.skipped is not None or result.outcome is None:
            return self._skip(path, result.skipped or "unreadable", commit)
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
        return self.take(path, self.analyse(path, data, size, commit), commit)

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
        pending: dict[str, tuple[str, str | None]] = {}

        def chunks() -> Iterator[list[_BlobItem]]:
            chunk: list[_BlobItem] = []
            for item in items:
                pending[item[0]] = (item[1], item[4])
                chunk.append(item)
                if len(chunk) >= _CHUNK:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for results in pool.imap(_analyse_chunk, chunks()):
                for key, result in results:
                    path, commit = pending.pop(key)
                    yield key, self.take(path, result, commit)

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
    changed_paths = {c.path for c in changes}
    _pair_with_unchanged(root, target, changed_paths, analyser, before)
    existing = {f.fingerprint for f in [*before.findings, *before.scan_wide()]}
    scan_wide = [f for f in analyser.scan_wide() if _touches(f, changed_paths)]
    introduced = [f for f in [*analyser.findings, *scan_wide] if f.fingerprint not in existing]
    findings = _decide(introduced, analyser, base)
    return _result("scan", findings, analyser, root,
                   {"git": "diff", "base": base_commit, "merge_base": start, "head": target})


def _pair_with_unchanged(root: Path, target: str, changed_paths: set[str], analyser: _Analyser,
                         before: _Analyser) -> None:
    """Give the scan-wide rules (SEC009 secret signs token, SEC010 reuse) the other side of each
    pair from the files the diff did not change: a token the branch adds may be signed with a
    secret committed long ago. Read only when the changed files hold something to pair; what
    they contribute goes to both sides (they are the same at the merge base), so only pairs the
    branch made count as introduced."""
    if not (analyser.tokens or analyser.secrets or analyser.public_keys):
        return
    files = {path: blob for path, blob in git.tree(root, target).items() if path not in changed_paths
             and not analyser.excluded(path) and analyser.binary_type(path) is None}
    context = _Analyser(config=analyser.config, now=analyser.now, report_skipped=False)
    by_blob: dict[str, list[str]] = {}
    for path, blob in files.items():
        by_blob.setdefault(blob, []).append(path)
    for blob_id, data, _size in git.read_blobs(root, list(by_blob), analyser.config.max_file_size):
        for path in by_blob[blob_id]:
            context.pair_only(path, data)
    for side in (analyser, before):
        side.tokens += context.tokens
        side.secrets += context.secrets
        side.public_keys += context.public_keys


def _touches(finding: Finding, paths: set[str]) -> bool:
    """A scan-wide finding at a changed file, or naming one (a secret the branch added that
    signs an older token)."""
    return any(loc.path in paths for loc in (finding.location, *finding.related))


# --- history ---------------------------------------------------------------------------------


def _history(request: GitScanRequest, config: Config) -> tuple[Result, Redactor]:
    root = git.toplevel(_folder(request))
    tips = [git.resolve_commit(root, ref, "--branch") for ref in request.branches]
    exclude = [git.resolve_commit(root, request.since, "--since")] if request.since else []
    base = _baseline_for(request, root)
    analyser = _Analyser(config=config, now=request.now)
    intros = git.history(root, tips, exclude)
    first: dict[str, git.Introduction] = {}
    introductions: dict[str, set[str]] = {}
    for intro in intros:
        first.setdefault(intro.blob, intro)
        introductions.setdefault(intro.blob, set()).add(intro.commit)
    per_blob, wanted = _unread_blobs(first, analyser)
    delta = _Delta()
    items = ((blob_id, first[blob_id].path, data, size, first[blob_id].commit)
             for blob_id, data, size in git.read_blobs(root, wanted, config.max_file_size)
             if not delta.carries(first[blob_id], data))
    per_blob.update(analyser.many(items, _jobs(request.jobs, len(wanted))))
    for blob_id, old in delta.carried.items():  # oldest first, so `old` is already resolved
        per_blob[blob_id] = per_blob.get(old, [])
    per_blob = _suppress_places(per_blob, analyser)
    head_commit = git.head(root)
    at_head = set(git.tree(root, head_commit).values()) if head_commit else set()
    aggregated = _aggregate(per_blob, first, introductions, at_head)
    wide = _history_scan_wide(analyser, _Snapshots(root, intros, delta.carried))
    findings = _decide([*aggregated, *wide], analyser, None, report_unused=False)
    if base is not None:
        views, places = _baseline_views(root, analyser, base, intros, per_blob, first)
        findings = _accept_groups(findings, base, [*per_blob.values(), views], places)
    analyser.errors = list({e.path: e for e in reversed(analyser.errors)}.values())  # one per file
    commits = len({i.commit for i in intros})
    return _result("history", findings, analyser, root,
                   {"git": "history", "commits": commits, "blobs": len(first),
                    "blobs_scanned": analyser.scanned, "blobs_carried": len(delta.carried),
                    "blobs_skipped": analyser.skipped})


def _unread_blobs(first: dict[str, git.Introduction], analyser: _Analyser
                  ) -> tuple[dict[str, list[Finding]], list[str]]:
    """(META002 findings of the blobs never read because of their file type, the blobs to read);
    excluded paths are in neither."""
    skipped: dict[str, list[Finding]] = {}
    wanted: list[str] = []
    for blob, intro in first.items():
        if analyser.excluded(intro.path):
            continue
        reason = analyser.binary_type(intro.path)
        if reason is None:
            wanted.append(blob)
        else:
            skipped[blob] = analyser.take(intro.path, _BlobResult(skipped=reason), intro.commit)
    return skipped, wanted


def _suppress_places(per_blob: dict[str, list[Finding]], analyser: _Analyser) -> dict[str, list[Finding]]:
    """Each blob's findings with the inline suppressions of their own place applied (a carried
    blob shares its list, and so its suppressions, with the version it was carried from)."""
    lists = list({id(found): found for found in per_blob.values()}.values())
    marked = iter(suppressions.apply([f for found in lists for f in found], analyser.directives, analyser.ctx,
                                     report_unused=False))
    by_id = {id(found): [next(marked) for _ in found] for found in lists}
    return {blob: by_id[id(found)] for blob, found in per_blob.items()}


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
               introductions: dict[str, set[str]], at_head: set[str]) -> list[Finding]:
    """One finding per group (`_group_key`): at the first place that is not suppressed (a
    suppression silences only its own place), else at the first place; the first commit,
    the number of commits, whether HEAD has it, and the first place in each other file."""
    groups: dict[tuple[str, str], list[tuple[Finding, str]]] = {}
    order = sorted(per_blob, key=lambda b: (first[b].order, first[b].path))
    for blob in order:
        for finding in sorted(per_blob[blob], key=Finding.sort_key):
            groups.setdefault(_group_key(finding), []).append((finding, blob))
    return [_representative(places, first, introductions, at_head) for places in groups.values()]


MAX_HISTORY_RELATED = 20


def _representative(places: list[tuple[Finding, str]], first: dict[str, git.Introduction],
                    introductions: dict[str, set[str]], at_head: set[str]) -> Finding:
    finding = next((f for f, _ in places if f.status == "new"), places[0][0])
    blobs = {blob for _, blob in places}
    intro = first[places[0][1]]
    evidence = dict(finding.evidence)
    evidence.update({
        "first_commit": intro.commit,
        "first_seen": intro.date,
        "commits": len(set().union(*(introductions[b] for b in blobs))),  # one commit, two files: 1
        "present_at_head": bool(blobs & at_head),
    })
    others: dict[str, Location] = {}
    for other, _ in places:
        if other.location.path != finding.location.path:
            others.setdefault(other.location.path, other.location)
    related = (*finding.related, *list(others.values())[:MAX_HISTORY_RELATED])
    return replace(finding, evidence=evidence, related=related)


def _history_scan_wide(analyser: _Analyser, snapshots: _Snapshots) -> list[Finding]:
    """SEC009 (a secret verifies a token) over each distinct token once. Each secret value takes
    part with the places of one snapshot of the repository (`_Snapshots.places`): the same secret
    in 300 versions of a file, or in a file renamed since, is not 'reused' (SEC010), but in
    `.env` and `Dockerfile` side by side in one commit it is."""
    seen_tokens: set[str] = set()
    tokens = []
    for token in analyser.tokens:
        if token.token.raw not in seen_tokens:
            seen_tokens.add(token.token.raw)
            tokens.append(token)
    by_value: dict[str, list[Assignment]] = {}
    for secret in analyser.secrets:
        by_value.setdefault(secret.value, []).append(secret)
    secrets = [place for places in by_value.values() for place in snapshots.places(places)]
    analyser.tokens, analyser.secrets = tokens, secrets
    return analyser.scan_wide()


class _Snapshots:
    """Where one secret value sat at the same time. History analyses each blob once, at the
    commit that introduced it; a value found at two paths was reused only if some commit's tree
    held both (one commit adding `.env` and `Dockerfile`, a copy beside the original), not if
    one replaced the other (a rename, a move). Trees are read only for values found at two
    paths or more, at the commits that introduced one of their blobs (the later of two files
    that coexist was introduced while the other was there), up to `MAX_TREES` in all."""

    MAX_TREES = 64

    def __init__(self, root: Path, intros: Sequence[git.Introduction], carried: dict[str, str]) -> None:
        self.root = root
        self.blob_at = {(i.commit, i.path): i.blob for i in intros}
        self.commits_of: dict[str, list[git.Introduction]] = {}
        for intro in intros:
            self.commits_of.setdefault(intro.blob, []).append(intro)
        self.carried_to: dict[str, list[str]] = {}
        for new, old in carried.items():
            self.carried_to.setdefault(old, []).append(new)
        self.trees: dict[str, dict[str, str]] = {}

    def places(self, places: list[Assignment]) -> list[Assignment]:
        """The places of one value to compare for reuse: those of the first snapshot in which
        two files held it, else those of the first blob that held it (its environments)."""
        by_blob: dict[str, list[Assignment]] = {}
        for place in places:
            blob = self.blob_at.get((place.location.commit or "", place.location.path))
            if blob is not None:
                by_blob.setdefault(blob, []).append(place)
        first = places[0]
        alone = [p for p in places if (p.location.commit, p.location.path) ==
                 (first.location.commit, first.location.path)]
        if len({p.location.path for p in places}) < 2:
            return alone
        holders = self._holders(by_blob)  # every blob holding the value -> the blob analysed
        for commit in self._commits(holders):
            tree = self._tree(commit)
            if tree is None:
                break
            present = {path: holders[blob] for path, blob in tree.items() if blob in holders}
            if len(present) >= 2:
                return [replace(place, location=replace(place.location, path=path, commit=commit))
                        if place.location.path != path else place
                        for path, source in present.items() for place in by_blob[source]]
        return alone

    def _holders(self, by_blob: dict[str, list[Assignment]]) -> dict[str, str]:
        """Each blob that holds the value (analysed, or carried from one that was) -> the one analysed."""
        holders: dict[str, str] = {}
        stack = [(blob, blob) for blob in by_blob]
        while stack:
            blob, source = stack.pop()
            if blob not in holders:
                holders[blob] = source
                stack.extend((new, source) for new in self.carried_to.get(blob, ()))
        return holders

    def _commits(self, holders: dict[str, str]) -> list[str]:
        intros = [i for blob in holders for i in self.commits_of.get(blob, ())]
        return list(dict.fromkeys(i.commit for i in sorted(intros, key=lambda i: i.order)))

    def _tree(self, commit: str) -> dict[str, str] | None:
        if commit not in self.trees:
            if len(self.trees) >= self.MAX_TREES:
                return None
            self.trees[commit] = git.tree(self.root, commit)
        return self.trees[commit]


def _accept_groups(findings: Sequence[Finding], base: baselines.Baseline, found: Iterable[Sequence[Finding]],
                   places: frozenset[tuple[Any, ...]] = frozenset()) -> list[Finding]:
    """A history finding is accepted when the baseline accepts the same rule for the same value
    at any place it had (`_group_key`): the secret the team accepted, wherever it was committed.
    A scan-wide finding (a pairing of two values) is accepted at its own place (`places`,
    `_place_key`). A value the baseline never saw stays new."""
    accepted_keys = {_group_key(f) for items in found for f in items if base.accepts(f)}

    def status_of(finding: Finding) -> str | None:
        if finding.status != "new":
            return None
        if base.accepts(finding) or _group_key(finding) in accepted_keys or _place_key(finding) in places:
            return "baseline"
        return None

    return engine.mark(findings, status_of)


def _place_key(finding: Finding, path: str | None = None, commit: str | None = None) -> tuple[Any, ...]:
    loc = finding.location
    return (finding.rule, finding.value_sha1, path or loc.path, loc.line, loc.column, loc.pointer,
            commit or loc.commit)


def _baseline_views(root: Path, analyser: _Analyser, base: baselines.Baseline,
                    intros: Sequence[git.Introduction], per_blob: dict[str, list[Finding]],
                    first: dict[str, git.Introduction]) -> tuple[list[Finding], frozenset[tuple[Any, ...]]]:
    """What the baseline accepts of blobs seen at the other paths they had: a blob is analysed
    once, at its first path, while the fingerprints in the baseline are of the path the file had
    when it was made (a file renamed since). Returns the per-file findings of those views (for
    `_group_key`) and the places, moved back to the path the blob was analysed at, of the view
    findings the baseline accepts (scan-wide pairings, findings without a value)."""
    paths = {entry.path for entry in base.entries}
    pairs: dict[str, set[str]] = {}
    for intro in intros:
        found = per_blob.get(intro.blob)
        if not found or not _baselined_path(intro.path, paths):
            continue
        if any(f.location.path == intro.path for f in found):
            continue
        pairs.setdefault(intro.blob, set()).add(intro.path)
    view = _Analyser(config=analyser.config, now=analyser.now, report_skipped=False)
    for blob_id, data, size in git.read_blobs(root, list(pairs), analyser.config.max_file_size):
        for path in sorted(pairs[blob_id]):
            view.blob(path, data, size, commit=blob_id)  # the blob id stands in for the commit
    if not view.findings:
        return [], frozenset()
    accepted = [f for f in [*view.findings, *_view_scan_wide(view, analyser, base)]
                if f.location.commit in pairs and base.accepts(f)]
    places = frozenset(_place_key(f, first[f.location.commit].path, first[f.location.commit].commit)
                       for f in accepted)
    return view.findings, places


def _baselined_path(path: str, paths: set[str]) -> bool:
    """`path` (from the repository root) is a path of the baseline, also when the baseline was
    made in a folder of the repository (its paths relative to that folder)."""
    return path in paths or any(path[i + 1:] in paths for i, c in enumerate(path) if c == "/")


_SCAN_WIDE_RULES = ("SEC009", "SEC010", "TOK015", "TOK024")


def _view_scan_wide(view: _Analyser, analyser: _Analyser, base: baselines.Baseline) -> list[Finding]:
    """The scan-wide findings the views take part in (paired with what history found), only
    when the baseline has such findings at all."""
    if not any(e.rule in _SCAN_WIDE_RULES for e in base.entries):
        return []
    if not (view.tokens or view.secrets or view.public_keys):
        return []
    view.tokens += analyser.tokens
    view.secrets += analyser.secrets
    view.public_keys += analyser.public_keys
    return view.scan_wide()
