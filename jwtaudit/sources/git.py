"""Git access for `scan --staged`, `--history` and `--diff`: which blobs to read, and reading them.

Everything goes through plain `git` plumbing in a subprocess (argument lists, never a shell):

- staged: `git diff-index --cached -z` (all staged changes) or `git ls-files --stage -z` (the paths
  pre-commit passes) give index blob ids; the working tree is never read, so a secret that was
  staged and then edited away in the work tree is still caught, and the cost does not depend on
  the size of the repository.
- history: `git rev-list --reverse --topo-order REVS | git diff-tree --stdin -r --root -c -z` lists
  every blob each commit introduced (merges: only content that differs from every parent, i.e.
  conflict resolutions), oldest first; the first introduction of a blob is where it appeared.
- blobs: one `git cat-file --batch` process streams every wanted blob once, by id.

Why plumbing rather than pygit2 or dulwich — measured on this machine (2 shared cores) on the
2,000-commit, 400-file repository of benchmarks/history.py (4,490 distinct blobs, 11 MB):

| layer                                    | list introduced blobs | read them |
| ---------------------------------------- | --------------------- | --------- |
| rev-list piped to diff-tree -c, cat-file | 0.14-0.24 s           | 0.25-0.5 s |
| pygit2 1.21 (walk + diff_to_tree)        | 0.40 s                | 0.40 s    |
| dulwich 1.2 (get_walker + tree_changes)  | 2.69 s                | 0.42 s    |

Plumbing is as fast as libgit2 and ten times faster than dulwich's tree diffs, adds no dependency
(every user of a pre-commit hook has git; pygit2 is a compiled wheel), follows the user's git
configuration and object formats exactly, and its `-z` output keeps paths with spaces, newlines
and non-ASCII characters unambiguous.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from jwtaudit.errors import InputError, UsageError

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
REGULAR_MODES = frozenset({"100644", "100755"})
_ZERO = "0" * 40
_SHA = re.compile(r"^[0-9a-f]{40}$")
_TIMEOUT = 600


@dataclass(frozen=True, kw_only=True)
class BlobRef:
    """A regular file's content in git: its path (from the repository root, forward slashes)."""

    path: str
    blob: str


@dataclass(frozen=True, kw_only=True)
class Introduction:
    """A commit that introduced `blob` at `path` (added it, or changed the file to it)."""

    commit: str
    date: str  # author date, ISO 8601
    path: str
    blob: str
    order: int  # position of the commit, oldest first (topological)
    old_blob: str | None = None  # the version it replaced (single-parent commits only)


@dataclass(frozen=True, kw_only=True)
class Change:
    """A file that differs between two commits; `old_blob` is None for an added file."""

    path: str
    old_path: str | None
    old_blob: str | None
    blob: str


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_OPTIONAL_LOCKS"] = "0"  # never rewrite the index behind a running `git commit`
    env.setdefault("LC_ALL", "C")
    return env


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def run(args: Sequence[str], cwd: Path | str, stdin: bytes | None = None, check: bool = True) -> bytes:
    """Run one git command; a failure becomes an InputError naming the command, not the input."""
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, env=_env(),
                              timeout=_TIMEOUT, check=False)
    except FileNotFoundError:
        raise InputError("git: the git command was not found (install git, or scan without git options)") \
            from None
    except subprocess.TimeoutExpired:
        raise InputError(f"git {args[0]}: timed out after {_TIMEOUT} s") from None
    except OSError as exc:
        raise InputError(f"git {args[0]}: cannot run git ({exc.strerror or exc})") from None
    if check and proc.returncode != 0:
        message = _decode(proc.stderr).strip().splitlines()
        raise InputError(f"git {args[0]}: {message[0] if message else f'exit {proc.returncode}'}")
    return proc.stdout


def toplevel(start: Path | str) -> Path:
    """The root of the work tree containing `start`."""
    try:
        out = run(["rev-parse", "--show-toplevel"], cwd=start)
    except InputError:
        raise InputError(f"{start}: not inside a git work tree") from None
    return Path(_decode(out).strip())


def prefix_in_work_tree(folder: Path | str) -> str:
    """`folder`'s path inside the git work tree holding it, with a trailing `/` (`services/bot/`),
    or "" at the work tree's root, outside git, or when git cannot tell."""
    try:
        out = run(["rev-parse", "--show-prefix"], cwd=folder, check=False)
    except InputError:
        return ""
    prefix = _decode(out).strip()
    return prefix if prefix.endswith("/") and not prefix.startswith(("/", "../")) else ""


def head(root: Path) -> str | None:
    """HEAD's commit id, or None in a repository without commits."""
    out = run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd=root, check=False)
    text = _decode(out).strip()
    return text if _SHA.match(text) else None


def resolve_commit(root: Path, rev: str, option: str) -> str:
    """A revision given by the user, as a commit id (refusing anything that looks like an option)."""
    if not rev or rev.startswith("-"):
        raise UsageError(f"{option}: {rev!r} is not a revision")
    out = run(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd=root,
              check=False)
    text = _decode(out).strip()
    if not _SHA.match(text):
        raise UsageError(f"{option}: unknown revision {rev!r}")
    return text


def merge_base(root: Path, one: str, two: str) -> str | None:
    out = run(["merge-base", one, two], cwd=root, check=False)
    text = _decode(out).strip()
    return text if _SHA.match(text) else None


# --- staged ----------------------------------------------------------------------------------


def staged(root: Path, paths: Sequence[str] = (), cwd: Path | None = None) -> list[BlobRef]:
    """Index blobs: of `paths` (relative to `cwd`, as pre-commit passes them), else of every
    file with staged changes. Deletions, symlinks and submodules are left out."""
    if paths:
        out = run(["--literal-pathspecs", "ls-files", "--stage", "-z", "--full-name", "--", *paths],
                  cwd=cwd or root)
        refs: dict[str, BlobRef] = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, blob, stage = _decode(meta).split(" ")
            if mode in REGULAR_MODES and stage in ("0", "2"):  # 2: "ours" during a conflicted merge
                refs.setdefault(_decode(raw_path), BlobRef(path=_decode(raw_path), blob=blob))
        return [refs[k] for k in sorted(refs)]
    base = head(root) or EMPTY_TREE
    out = run(["diff-index", "--cached", "-z", "--raw", "--no-renames", "--diff-filter=ACMRT", base],
              cwd=root)
    return sorted((BlobRef(path=c.path, blob=c.blob) for c in _parse_raw(out) if c.blob),
                  key=lambda r: r.path)


def _parse_raw(out: bytes) -> list[Change]:
    """`--raw -z` records (plain or with renames), regular files only."""
    tokens = out.split(b"\0")
    changes: list[Change] = []
    index = 0
    while index < len(tokens):
        meta = _decode(tokens[index]).lstrip("\n")
        index += 1
        if not meta.startswith(":"):
            continue
        fields = meta[1:].split(" ")
        old_mode, new_mode, old_blob, new_blob, status = fields[:5]
        old_path = None
        if status[:1] in ("R", "C"):
            old_path = _decode(tokens[index])
            index += 1
        path = _decode(tokens[index])
        index += 1
        if new_mode not in REGULAR_MODES or new_blob == _ZERO or status.startswith("D"):
            continue
        known_old = old_blob != _ZERO and old_mode in REGULAR_MODES
        changes.append(Change(path=path, old_path=old_path or (path if known_old else None),
                              old_blob=old_blob if known_old else None, blob=new_blob))
    return changes


# --- diff ------------------------------------------------------------------------------------


def changed(root: Path, base: str, target: str) -> list[Change]:
    """Files added or changed from `base` to `target` (renames followed, so a moved file keeps
    its old content to compare against)."""
    out = run(["diff-tree", "-r", "-z", "--raw", "-M", "--diff-filter=ACMRT", base, target], cwd=root)
    return _parse_raw(out)


def tree(root: Path, rev: str) -> dict[str, str]:
    """path -> blob id of every regular file in `rev`'s tree."""
    out = run(["ls-tree", "-r", "-z", "--full-tree", rev], cwd=root)
    files: dict[str, str] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, blob = _decode(meta).split(" ")
        if kind == "blob" and mode in REGULAR_MODES:
            files[_decode(raw_path)] = blob
    return files


# --- history ---------------------------------------------------------------------------------


def history(root: Path, tips: Sequence[str], exclude: Sequence[str] = ()) -> list[Introduction]:
    """Every blob introduced by every commit reachable from `tips` but not from `exclude`,
    oldest commit first. `tips` and `exclude` are commit ids (see `resolve_commit`); an empty
    `tips` means every ref (`--all`) and HEAD."""
    revs = list(tips) if tips else ["--all", *(["HEAD"] if head(root) else [])]
    revs += [f"^{rev}" for rev in exclude]
    if not tips and not head(root) and not run(["for-each-ref", "--count=1"], cwd=root).strip():
        return []  # an empty repository
    rev_list = subprocess.Popen(["git", "rev-list", "--reverse", "--topo-order", *revs], cwd=root,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    try:
        out = run(["diff-tree", "--stdin", "-r", "--root", "-c", "-z", "--raw", "--no-renames",
                   "--format=%x01%H %aI"], cwd=root, stdin=rev_list.communicate(timeout=_TIMEOUT)[0])
    finally:
        if rev_list.poll() is None:
            rev_list.kill()
            rev_list.wait()
    if rev_list.returncode not in (0, None):
        message = _decode(rev_list.stderr.read() if rev_list.stderr else b"").strip().splitlines()
        raise InputError(f"git rev-list: {message[0] if message else 'failed'}")
    return _parse_history(out)


def _parse_history(out: bytes) -> list[Introduction]:
    found: list[Introduction] = []
    commit = date = ""
    order = -1
    tokens = out.split(b"\0")
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        stripped = token.lstrip(b"\n")
        if stripped.startswith(b"\x01"):
            commit, _, date = _decode(stripped[1:]).partition(" ")
            order += 1
            continue
        if not stripped.startswith(b":"):
            continue
        path = _decode(tokens[index]) if index < len(tokens) else ""
        index += 1
        colons = len(stripped) - len(stripped.lstrip(b":"))
        fields = _decode(stripped[colons:]).split(" ")
        parents = colons  # plain records have one colon and two modes; combined ones one per parent
        modes, blobs = fields[: parents + 1], fields[parents + 1: 2 * parents + 2]
        if not blobs or modes[-1] not in REGULAR_MODES or blobs[-1] == _ZERO:
            continue
        old = blobs[0] if parents == 1 and modes[0] in REGULAR_MODES and blobs[0] != _ZERO else None
        found.append(Introduction(commit=commit, date=date, path=path, blob=blobs[-1], order=order,
                                  old_blob=old))
    return found


# --- blobs -----------------------------------------------------------------------------------


def _widen(pipe: IO[bytes]) -> None:
    """Let git run ahead of the analysis by up to 1 MB (Linux; elsewhere the default pipe)."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


def _feed(pipe: IO[bytes], ids: list[str]) -> None:
    try:
        for start in range(0, len(ids), 512):
            pipe.write("".join(f"{i}\n" for i in ids[start:start + 512]).encode())
        pipe.close()
    except (BrokenPipeError, OSError):
        pass


def read_blobs(root: Path, blob_ids: Iterable[str], max_size: int) -> Iterator[tuple[str, bytes | None, int]]:
    """(blob id, content or None when over `max_size`, size) for each id, in order, streamed
    through one `git cat-file --batch`."""
    ids = list(blob_ids)
    if not ids:
        return
    proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=root, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env())
    assert proc.stdin is not None and proc.stdout is not None
    _widen(proc.stdout)
    writer = threading.Thread(target=_feed, args=(proc.stdin, ids), daemon=True)
    writer.start()
    out = proc.stdout
    try:
        for blob_id in ids:
            header = out.readline()
            parts = _decode(header).split()
            if len(parts) != 3:
                if parts[-1:] == ["missing"]:
                    raise InputError(f"git cat-file: object {blob_id[:12]} is missing (a shallow clone?)")
                raise InputError("git cat-file: unexpected output")
            size = int(parts[2])
            if size > max_size:
                remaining = size + 1
                while remaining:
                    chunk = out.read(min(remaining, 1 << 20))
                    if not chunk:
                        break
                    remaining -= len(chunk)
                yield blob_id, None, size
                continue
            data = out.read(size + 1)
            yield blob_id, data[:size], size
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        writer.join(timeout=5)
