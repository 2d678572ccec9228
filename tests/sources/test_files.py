"""The walker: git semantics, excludes, size cap, binaries, symlinks, vanished and unreadable files."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from jwtaudit.sources.files import FileEntry, collect, read_file


def tree(root: Path, files: dict[str, bytes | str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def names(root: Path, exclude: tuple[str, ...] = ()) -> tuple[list[str], list[tuple[str, str]]]:
    entries, skipped = collect([str(root)], root, exclude)
    return [e.rel_path for e in entries], [(s.rel_path, s.reason) for s in skipped]


def test_plain_folder_every_file_sorted_without_dot_git(tmp_path: Path) -> None:
    tree(tmp_path, {"b.txt": "b", "a/c.py": "c", ".git/config": "x", ".env": "K=v"})
    assert names(tmp_path)[0] == [".env", "a/c.py", "b.txt"]


def test_git_repository_tracked_plus_untracked_not_ignored(tmp_path: Path) -> None:
    tree(tmp_path, {".gitignore": "build/\n*.log\n", "src/a.py": "a", "build/out.js": "x", "debug.log": "l",
                    "new.txt": "n"})
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "src/a.py", ".gitignore"], check=True)
    assert names(tmp_path)[0] == [".gitignore", "new.txt", "src/a.py"]


def test_config_excludes_are_gitwildmatch(tmp_path: Path) -> None:
    tree(tmp_path, {"tests/fixtures/x.json": "{}", "src/a.py": "a", "vendor/lib.min.js": "v"})
    assert names(tmp_path, ("tests/fixtures", "*.min.js"))[0] == ["src/a.py"]


def test_config_excludes_are_relative_to_the_config_folder_whatever_is_scanned(tmp_path: Path) -> None:
    """`tests/fixtures/**` in the repository's config excludes those files when `tests`, the
    fixtures folder itself or one fixture is what is scanned; paths stay relative to the scan root."""
    tree(tmp_path, {"tests/fixtures/tok.json": "{}", "tests/test_a.py": "a", "vendor/k.env": "K=v",
                    "src/vendor/keep.py": "k"})
    exclude = ("tests/fixtures/**", "/vendor")

    def scanned(*paths: str) -> list[str]:
        root = tmp_path / paths[0] if len(paths) == 1 else tmp_path
        entries, _ = collect([str(tmp_path / p) for p in paths], root, exclude, exclude_base=tmp_path)
        return [e.rel_path for e in entries]

    assert scanned("tests") == ["test_a.py"]
    assert scanned("tests/fixtures") == []
    assert scanned("vendor") == []
    assert scanned("src") == ["vendor/keep.py"]  # `/vendor` is anchored at the config's folder
    assert scanned("tests/fixtures/tok.json", "tests/test_a.py") == ["tests/test_a.py"]
    entries, _ = collect([str(tmp_path / "tests")], tmp_path / "tests", exclude)  # no config folder:
    assert [e.rel_path for e in entries] == ["fixtures/tok.json", "test_a.py"]  # the scan root's paths


def test_symlink_out_of_root_is_skipped_inside_is_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "root"
    tree(outside, {"secret.env": "K=v"})
    tree(root, {"real.txt": "r", "dir/x.txt": "x"})
    os.symlink(outside / "secret.env", root / "leak.env")
    os.symlink(root / "real.txt", root / "alias.txt")
    os.symlink(root / "dir", root / "dirlink")
    os.symlink(root / "loop", root / "loop")
    found, skipped = names(root)
    assert found == ["alias.txt", "dir/x.txt", "real.txt"]
    assert skipped == [("leak.env", "symlink pointing outside the scan root"),
                       ("loop", "symlink loop: cannot be read")]


def test_read_file_reasons(tmp_path: Path) -> None:
    tree(tmp_path, {"a.png": b"\x89PNG", "nul.dat2": b"abc\0def", "big.txt": "x" * 101, "ok.txt": "hello",
                    "u16.txt": "hi".encode("utf-16")})
    entry = lambda rel: FileEntry(rel_path=rel, abs_path=str(tmp_path / rel))  # noqa: E731
    assert read_file(entry("a.png"), 100) == (None, "binary file type (.png)")
    assert read_file(entry("nul.dat2"), 100) == (None, "binary file (NUL bytes)")
    assert read_file(entry("big.txt"), 100)[1].startswith("larger than the size cap (101 bytes > 100)")
    assert read_file(entry("ok.txt"), 100) == (b"hello", None)
    assert read_file(entry("u16.txt"), 100)[1] is None  # UTF-16 with BOM has NULs but is text
    assert read_file(entry("gone.txt"), 100) == (None, "file vanished during the scan")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tmp_path: Path) -> None:
    tree(tmp_path, {"locked.txt": "x"})
    (tmp_path / "locked.txt").chmod(0)
    assert read_file(FileEntry(rel_path="locked.txt", abs_path=str(tmp_path / "locked.txt")), 100) == (
        None, "permission denied")


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    from jwtaudit.errors import UsageError

    with pytest.raises(UsageError, match="no such file"):
        collect([str(tmp_path / "nope")], tmp_path)


def test_a_dangling_symlink_is_a_deliberate_skip_a_loop_makes_the_scan_partial(tmp_path: Path) -> None:
    from jwtaudit.sources.files import collect, is_unreadable

    tree(tmp_path, {"ok.txt": "x"})
    os.symlink(tmp_path / "build" / "out.js", tmp_path / "dangling.js")
    os.symlink(tmp_path / "loop-b", tmp_path / "loop-a")
    os.symlink(tmp_path / "loop-a", tmp_path / "loop-b")
    _, skipped = collect((str(tmp_path),), tmp_path)
    assert [(s.rel_path, s.reason, is_unreadable(s.reason)) for s in skipped] == [
        ("dangling.js", "broken symlink", False),
        ("loop-a", "symlink loop: cannot be read", True),
        ("loop-b", "symlink loop: cannot be read", True)]


def test_config_discovery_survives_a_symlink_loop_given_as_the_path(tmp_path: Path) -> None:
    from jwtaudit.config import find_config_file

    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    (tmp_path / ".jwtaudit.toml").write_text("[tool.jwtaudit]\n")
    assert find_config_file(tmp_path / "a") == tmp_path / ".jwtaudit.toml"


def test_a_folder_we_may_not_look_into_is_no_internal_error(tmp_path: Path, monkeypatch) -> None:
    """Without read permission on a path argument, `stat` of the config and `.git` candidates
    inside it raises PermissionError: discovery goes on above it and the walk reports it."""
    from jwtaudit.config import find_config_file
    from jwtaudit.sources import files

    locked = tmp_path / "noperm"
    tree(locked, {"f.py": "y = 1"})
    (tmp_path / ".jwtaudit.toml").write_text("[tool.jwtaudit]\n")
    real_stat = Path.stat

    def refusing_stat(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.parent == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", refusing_stat)
    assert find_config_file(locked) == tmp_path / ".jwtaudit.toml"
    assert files._git_files(locked) is None
