"""Filesystem faults during `jwtaudit scan`: symlink loops, symlinks out of the root, unreadable
files and folders, files that vanish mid-scan, and a full output disk.

The tests run as root here, and root reads a `chmod 000` file anyway: each permission case
tries `chmod 000` first and, when the file is still readable, simulates the refusal by
patching the walker's `open`/`os.scandir` for that one path. Folders are scanned outside git
(plain walk), as a scan of an unpacked download or a CI workspace would be.
"""

from __future__ import annotations

import builtins
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from jwtaudit.cli import cli
from jwtaudit.sources import files
from tests.helpers import CLIENT_ID, STRONG_SECRET, make_token

SECRET_ENV = f"KORE_CLIENT_ID={CLIENT_ID}\nKORE_CLIENT_SECRET={STRONG_SECRET}\n"


def scan(root: Path, *extra: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(cli, ["scan", str(root), "-j", "1", "--format", "json", *extra],
                                catch_exceptions=False)
    report = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, report, result.stderr


def findings(report: dict) -> set[tuple[str, str]]:
    return {(f["rule"], f["location"]["path"]) for f in report.get("findings", [])}


def meta002(report: dict) -> dict[str, str]:
    return {f["location"]["path"]: f["evidence"]["reason"] for f in report["findings"] if f["rule"] == "META002"}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "app").mkdir(parents=True)
    (root / "app" / ".env").write_text(SECRET_ENV)
    return root


def deny(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make `path` unreadable: chmod 000, and, if that does not stop us (root), refuse in open()."""
    path.chmod(0)
    if os.access(path, os.R_OK):
        real_open = builtins.open

        def refusing_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
            if isinstance(file, (str, os.PathLike)) and os.fspath(file) == os.fspath(path):
                raise PermissionError(13, "Permission denied", os.fspath(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", refusing_open)


def test_symlink_loop_is_reported_and_the_scan_continues(tree: Path) -> None:
    (tree / "loop-a").symlink_to(tree / "loop-b")
    (tree / "loop-b").symlink_to(tree / "loop-a")
    (tree / "app" / "up").symlink_to(tree, target_is_directory=True)  # a folder loop
    code, report, stderr = scan(tree)
    assert code == 1, stderr
    assert ("SEC002", "app/.env") in findings(report)
    assert meta002(report) == {"loop-a": "symlink loop: cannot be read", "loop-b": "symlink loop: cannot be read"}


def test_symlink_out_of_the_scan_root_is_not_followed(tree: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "leak.env").write_text(SECRET_ENV.replace(STRONG_SECRET, STRONG_SECRET[::-1]))
    (tree / "linked.env").symlink_to(outside / "leak.env")
    (tree / "linked-dir").symlink_to(outside, target_is_directory=True)
    code, report, _ = scan(tree)
    assert findings(report) - {("META002", "linked.env")} == {("SEC002", "app/.env")}
    assert meta002(report) == {"linked.env": "symlink pointing outside the scan root"}


def test_unreadable_file_is_meta002_and_the_rest_is_scanned(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tree / "locked.env"
    locked.write_text(SECRET_ENV)
    deny(monkeypatch, locked)
    code, report, _ = scan(tree)
    assert code == 1
    assert meta002(report) == {"locked.env": "permission denied"}
    assert ("SEC002", "app/.env") in findings(report)
    assert [e["path"] for e in report["summary"]["errors"]] == ["locked.env"]


def test_partial_scan_exits_2_unless_findings_already_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreadable input makes an otherwise clean run exit 2 (design.md: "unreadable file");
    findings at --fail-on still exit 1; the META002 listing of skipped inputs is never such a
    finding (at any --fail-on); deliberate skips (binary files) alone are nothing scanned."""
    root = tmp_path / "root"
    root.mkdir()
    (root / "locked.env").write_text(SECRET_ENV)
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0")
    (root / "notes.txt").write_text("auth: " + make_token({"alg": "HS256"}, {"sub": "u"}, "k" * 40) + "\n")
    deny(monkeypatch, root / "locked.env")
    assert scan(root, "--fail-on", "low")[0] == 1
    assert scan(root, "--fail-on", "critical")[0] == 2
    (root / "notes.txt").unlink()
    assert scan(root, "--fail-on", "info")[0] == 2
    (root / "locked.env").unlink()
    assert scan(root)[0] == 3


def test_unreadable_folder_is_reported_not_silently_skipped(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hidden = tree / "private"
    hidden.mkdir()
    (hidden / "secret.env").write_text(SECRET_ENV)
    hidden.chmod(0)
    if os.access(hidden, os.R_OK):
        real_scandir = os.scandir

        def refusing_scandir(path="."):  # type: ignore[no-untyped-def]
            if os.fspath(path) == os.fspath(hidden):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", refusing_scandir)
    try:
        code, report, _ = scan(tree)
    finally:
        hidden.chmod(0o755)
    assert code == 1
    assert meta002(report) == {"private": "folder cannot be read (permission denied)"}
    assert ("SEC002", "app/.env") in findings(report)


def test_file_vanishing_mid_scan_is_reported(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "gone.env").write_text(SECRET_ENV)
    real_read = files.read_file

    def vanish_then_read(entry: files.FileEntry, max_size: int):  # type: ignore[no-untyped-def]
        if entry.rel_path == "gone.env":
            Path(entry.abs_path).unlink()
        return real_read(entry, max_size)

    monkeypatch.setattr("jwtaudit.commands.scan.read_file", vanish_then_read)
    code, report, _ = scan(tree)
    assert code == 1
    assert meta002(report) == {"gone.env": "file vanished during the scan"}
    assert ("SEC002", "app/.env") in findings(report)


def test_file_growing_past_the_cap_mid_scan_is_skipped_not_half_read(tree: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The size is taken from the open handle and the read is capped: a file that grows between
    the walk and the read is skipped as too large, not read past the cap."""
    grow = tree / "grow.txt"
    grow.write_text("small\n")
    real_read = files.read_file

    def grow_then_read(entry: files.FileEntry, max_size: int):  # type: ignore[no-untyped-def]
        if entry.rel_path == "grow.txt":
            Path(entry.abs_path).write_text("x" * (max_size + 10))
        return real_read(entry, max_size)

    monkeypatch.setattr("jwtaudit.commands.scan.read_file", grow_then_read)
    (tree / ".jwtaudit.toml").write_text("max_file_size = 1000\n")
    code, report, stderr = scan(tree)
    assert code == 1, stderr
    assert meta002(report)["grow.txt"].startswith("larger than the size cap")


def test_file_changing_mid_scan_is_judged_on_the_bytes_read(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    changing = tree / "changing.env"
    changing.write_text("NOTHING=here\n")
    real_read = files.read_file

    def change_then_read(entry: files.FileEntry, max_size: int):  # type: ignore[no-untyped-def]
        if entry.rel_path == "changing.env":
            Path(entry.abs_path).write_text(SECRET_ENV)
        return real_read(entry, max_size)

    monkeypatch.setattr("jwtaudit.commands.scan.read_file", change_then_read)
    code, report, _ = scan(tree)
    assert ("SEC002", "changing.env") in findings(report)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("fmt", ["json", "sarif", "html", "markdown", "text"])
def test_full_output_disk_is_one_line_exit_2(tree: Path, fmt: str) -> None:
    result = CliRunner().invoke(cli, ["scan", str(tree), "-j", "1", "--format", fmt, "-o", "/dev/full"],
                                catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == "jwtaudit: error: /dev/full: cannot write report: No space left on device\n"
