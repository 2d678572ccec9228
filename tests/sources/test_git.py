"""sources.git: index blobs, introduced blobs per commit, diffs, trees, blob streaming."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from jwtaudit.errors import InputError, UsageError
from jwtaudit.sources import git
from tests.git_helpers import Repo


@pytest.fixture(autouse=True)
def _no_outer_git(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def blobs(root: Path, ids: list[str], cap: int = 1 << 20) -> list[bytes | None]:
    return [data for _, data, _ in git.read_blobs(root, ids, cap)]


def test_staged_reads_the_index_not_the_work_tree(repo: Repo) -> None:
    repo.write("a.txt", "committed\n")
    repo.commit()
    repo.write("a.txt", "staged\n")
    repo.write("dir with space/ñandú €.txt", "new\n")
    repo.git("add", "-A")
    repo.write("a.txt", "edited away\n")
    repo.write("untracked.txt", "never staged\n")
    refs = git.staged(repo.path)
    assert [r.path for r in refs] == ["a.txt", "dir with space/ñandú €.txt"]
    assert blobs(repo.path, [r.blob for r in refs]) == [b"staged\n", b"new\n"]


def test_staged_paths_as_pre_commit_passes_them(repo: Repo) -> None:
    repo.write("a.txt", "a\n")
    repo.write("b [1].txt", "b\n")
    repo.write("sub/c.txt", "c\n")
    repo.git("add", "-A")
    refs = git.staged(repo.path, ["b [1].txt", "sub/c.txt", "not-tracked.txt"])
    assert [r.path for r in refs] == ["b [1].txt", "sub/c.txt"]  # brackets are literal, not a glob
    # relative to a sub folder, reported from the root
    refs = git.staged(repo.path, ["c.txt"], cwd=repo.path / "sub")
    assert [r.path for r in refs] == ["sub/c.txt"]


def test_staged_leaves_out_deletions_symlinks_and_renamed_away_paths(repo: Repo) -> None:
    repo.write("gone.txt", "x\n")
    repo.write("old name.txt", "y\n")
    repo.commit()
    repo.git("rm", "-q", "gone.txt")
    repo.git("mv", "old name.txt", "new name.txt")
    (repo.path / "link").symlink_to("new name.txt")
    repo.git("add", "link")
    assert [r.path for r in git.staged(repo.path)] == ["new name.txt"]


def test_empty_repository(repo: Repo) -> None:
    assert git.head(repo.path) is None
    assert git.staged(repo.path) == []
    assert git.history(repo.path, []) == []


def test_history_lists_introduced_blobs_oldest_first(repo: Repo) -> None:
    repo.write("secret.env", "one\n")
    first = repo.commit("add")
    repo.git("rm", "-q", "secret.env")
    repo.write("other.txt", "two\n")
    second = repo.commit("delete")
    intros = git.history(repo.path, [])
    assert [(i.commit, i.path, i.order) for i in intros] == [(first, "secret.env", 0), (second, "other.txt", 1)]
    assert intros[0].date == "2026-01-01T00:00:01+00:00"
    assert "secret.env" not in git.tree(repo.path, "HEAD")


def test_history_renames_and_merges(repo: Repo) -> None:
    repo.write("a.txt", "base\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("a.txt", "side\n")
    side = repo.commit("side")
    repo.git("checkout", "-q", "main")
    repo.write("a.txt", "main\n")
    repo.commit("main")
    with pytest.raises(subprocess.CalledProcessError):  # a conflict, resolved with new content
        repo.git("merge", "-q", "side", "-m", "merge")
    repo.write("a.txt", "resolved\n")
    merge = repo.commit("merge")
    repo.git("mv", "a.txt", "b.txt")
    renamed = repo.commit("rename")
    intros = git.history(repo.path, [])
    resolved = git.tree(repo.path, "HEAD")["b.txt"]
    assert [(i.commit, i.path) for i in intros if i.blob == resolved] == [(merge, "a.txt"), (renamed, "b.txt")]
    assert any(i.commit == side for i in intros)
    # --branch side only: the side commit and its parent
    side_only = git.history(repo.path, [git.resolve_commit(repo.path, "side", "--branch")])
    assert {i.path for i in side_only} == {"a.txt"} and len(side_only) == 2
    # since the side commit: excludes what side reaches
    since = git.history(repo.path, [], [side])
    assert side not in {i.commit for i in since}


def test_clean_merge_introduces_nothing_of_its_own(repo: Repo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit()
    repo.git("checkout", "-q", "-b", "side")
    repo.write("b.txt", "b\n")
    repo.commit()
    repo.git("checkout", "-q", "main")
    repo.write("c.txt", "c\n")
    repo.commit()
    repo.git("merge", "-q", "--no-edit", "side")
    merge = repo.git("rev-parse", "HEAD")
    assert merge not in {i.commit for i in git.history(repo.path, [])}


def test_changed_follows_renames(repo: Repo) -> None:
    repo.write("conf/a.env", "A=1\nB=2\nC=3\nD=4\n")
    repo.write("keep.txt", "same\n")
    base = repo.commit()
    repo.git("mv", "conf/a.env", "conf/b.env")
    repo.write("new.txt", "n\n")
    head = repo.commit()
    changes = git.changed(repo.path, base, head)
    assert [(c.path, c.old_path, c.old_blob is not None) for c in changes] == [
        ("conf/b.env", "conf/a.env", True), ("new.txt", None, False)]


def test_read_blobs_streams_binary_and_caps_size(repo: Repo) -> None:
    repo.write("bin.dat", b"\x00\x01\x02" * 10)
    repo.write("big.txt", "x" * 5000)
    repo.commit()
    tree = git.tree(repo.path, "HEAD")
    out = list(git.read_blobs(repo.path, [tree["bin.dat"], tree["big.txt"], tree["bin.dat"]], 4096))
    assert [(data, size) for _, data, size in out] == [(b"\x00\x01\x02" * 10, 30), (None, 5000),
                                                       (b"\x00\x01\x02" * 10, 30)]


def test_revisions_are_checked(repo: Repo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit()
    with pytest.raises(UsageError, match="--since: unknown revision 'nope'"):
        git.resolve_commit(repo.path, "nope", "--since")
    with pytest.raises(UsageError, match="is not a revision"):
        git.resolve_commit(repo.path, "--all", "--branch")


def test_outside_a_repository(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not inside a git work tree"):
        git.toplevel(tmp_path)
