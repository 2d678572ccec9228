"""The file walker: which files a scan reads, and reading one file safely.

Inside a git work tree the scan takes what git would: tracked files plus untracked ones that
`.gitignore` does not exclude (`git ls-files --cached --others --exclude-standard`); elsewhere
every file. Then the config's `exclude` globs, the size cap, binary detection, and symlinks that
point out of the scan root. A file that cannot be read is reported, never a crash.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

BINARY_SUFFIXES = frozenset("""
.png .jpg .jpeg .gif .bmp .ico .icns .webp .tif .tiff .psd .heic .avif .pdf .zip .gz .tgz .bz2 .xz
.zst .7z .rar .tar .jar .war .ear .class .so .dylib .dll .exe .o .a .lib .obj .pyc .pyo .pyd .whl
.egg .woff .woff2 .ttf .otf .eot .mp3 .mp4 .m4a .mov .avi .mkv .webm .wav .flac .ogg .sqlite
.sqlite3 .db .bin .dat .pkl .pickle .npy .npz .h5 .parquet .onnx .pt .wasm .iso .dmg .msi .deb .rpm
.apk .ipa .keystore .jks .p12 .pfx .der
""".split())
SNIFF_BYTES = 8192
_TEXT_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")


@dataclass(frozen=True, kw_only=True)
class FileEntry:
    """A file to scan: its path relative to the scan root (forward slashes) and on disk."""

    rel_path: str
    abs_path: str


@dataclass(frozen=True, kw_only=True)
class Skipped:
    rel_path: str
    reason: str


def scan_root(paths: Sequence[str]) -> Path:
    """The folder findings are relative to: the one directory given, else the working folder."""
    if len(paths) == 1 and _is_dir(Path(paths[0])):
        return Path(paths[0])
    return Path.cwd()


def _is_dir(path: Path) -> bool:
    """is_dir() that is False (not an OSError) for a name too long or otherwise unusable."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _rel(path: Path, root: Path) -> str:
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive on Windows
        rel = str(path)
    rel = rel.replace(os.sep, "/")
    return str(path).replace(os.sep, "/") if rel.startswith("../") else rel


def in_work_tree(folder: Path) -> bool:
    """`folder` or a folder above it holds `.git` (asked before starting any git process)."""
    try:
        if (folder / ".git").exists():
            return True
        probe = folder.resolve()
        return any((parent / ".git").exists() for parent in (probe, *probe.parents))
    except (OSError, RuntimeError):  # a folder we may not look into: walked, and reported there
        return False


def _git_files(folder: Path) -> list[str] | None:
    """Files git would consider in `folder` (relative to it), or None outside a work tree."""
    if not in_work_tree(folder):
        return None
    try:
        proc = subprocess.run(
            ["git", "-C", str(folder), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True, timeout=120, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    names = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({n for n in names if n})


def _walk_all(folder: Path, unreadable: list[tuple[str, str]] | None = None) -> Iterable[str]:
    """Every file under `folder`; folders that cannot be listed go to `unreadable` (rel, reason)."""
    base = str(folder)

    def failed(exc: OSError) -> None:
        if unreadable is not None and exc.filename is not None:
            rel = os.path.relpath(exc.filename, base).replace(os.sep, "/")
            problem = (exc.strerror or type(exc).__name__).lower()
            unreadable.append((rel, f"folder cannot be read ({problem})"))

    for current, dirs, files in os.walk(folder, followlinks=False, onerror=failed):
        dirs[:] = sorted(d for d in dirs if d != ".git" and not os.path.islink(os.path.join(current, d)))
        prefix = os.path.relpath(current, base).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for name in sorted(files):
            yield prefix + name


def excluder(patterns: Sequence[str]):  # type: ignore[no-untyped-def]
    """A gitignore-style matcher for the config's `exclude` globs, or None without any."""
    if not patterns:
        return None
    import pathspec
    from pathspec import patterns as available

    style = "gitignore" if "gitignore" in getattr(available, "__all__", ()) or hasattr(
        pathspec, "GitIgnoreSpec") else "gitwildmatch"
    try:
        return pathspec.PathSpec.from_lines(style, patterns)
    except KeyError:  # an older pathspec without the "gitignore" factory
        return pathspec.PathSpec.from_lines("gitwildmatch", patterns)


def collect(paths: Sequence[str], root: Path, exclude: Sequence[str] = (),
            exclude_base: Path | None = None) -> tuple[list[FileEntry], list[Skipped]]:
    """Every file to scan under `paths`, in a stable order, and the ones skipped while walking.

    `exclude` globs are matched, gitignore-style, against paths relative to `exclude_base` (the
    folder of the config file that holds them; default the scan root): `tests/fixtures/**` in the
    repository's config keeps excluding those files when `tests` is the folder scanned."""
    spec = excluder(exclude)
    base = exclude_base if exclude_base is not None else root
    root_real = root.resolve()
    entries: dict[str, FileEntry] = {}
    skipped: dict[str, Skipped] = {}
    for arg in paths or (".",):
        target = Path(arg)
        try:
            target.lstat()
        except OSError as exc:
            from jwtaudit.errors import UsageError

            if not isinstance(exc, FileNotFoundError) and exc.strerror:
                raise UsageError(f"{arg}: {exc.strerror.lower()}") from None
        if _is_dir(target):
            listed = _git_files(target)
            unreadable: list[tuple[str, str]] = []
            names = listed if listed is not None else list(_walk_all(target, unreadable))
            base_rel = _rel(target, root)
            base_rel = "" if base_rel == "." else base_rel + "/"
            for name, reason in unreadable:
                rel = base_rel + name if name != "." else base_rel.rstrip("/") or "."
                skipped[rel] = Skipped(rel_path=rel, reason=reason)
            outside = _rel(target, base)
            from_base = None if outside.startswith(("../", "/")) else "" if outside == "." else outside + "/"
            candidates = [(os.path.join(arg, name), base_rel + name,
                           None if from_base is None else from_base + name) for name in names]
        elif target.exists() or target.is_symlink():
            outside = _rel(target, base)
            candidates = [(arg, _rel(target, root), None if outside.startswith(("../", "/")) else outside)]
        else:
            from jwtaudit.errors import UsageError

            raise UsageError(f"{arg}: no such file or directory")
        for full, rel, probe in candidates:
            if spec is not None and probe is not None:
                if spec.match_file(probe) or spec.match_file(probe + "/"):
                    continue
            try:
                mode = os.lstat(full).st_mode
            except OSError:
                continue  # tracked by git but deleted in the work tree
            if stat.S_ISLNK(mode):
                try:
                    real = Path(full).resolve(strict=True)
                except FileNotFoundError:
                    skipped[rel] = Skipped(rel_path=rel, reason="broken symlink")  # a deliberate skip
                    continue
                except (OSError, RuntimeError):  # ELOOP: hostile input, the scan is partial
                    skipped[rel] = Skipped(rel_path=rel, reason="symlink loop: cannot be read")
                    continue
                if not real.is_relative_to(root_real):
                    skipped[rel] = Skipped(rel_path=rel, reason="symlink pointing outside the scan root")
                    continue
                if real.is_dir():
                    continue  # a symlink to a folder inside the root: not followed
            elif stat.S_ISDIR(mode):
                continue  # a submodule
            entries.setdefault(rel, FileEntry(rel_path=rel, abs_path=full))
    return [entries[k] for k in sorted(entries)], [skipped[k] for k in sorted(skipped)]


def _suffix(rel_path: str) -> str:
    """Lowercased suffix of the file name ("" for none or a dot-file), without pathlib's cost."""
    name = rel_path.rsplit("/", 1)[-1].lower()
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


UNREADABLE_REASONS = ("permission denied", "cannot read", "folder cannot be read", "symlink loop")


def is_unreadable(reason: str) -> bool:
    """A skip reason that means the scan is partial (as opposed to a deliberate skip)."""
    return reason.startswith(UNREADABLE_REASONS)


def read_file(entry: FileEntry, max_size: int) -> tuple[bytes | None, str | None]:
    """(content, None), or (None, reason) for a file the scan must skip."""
    suffix = _suffix(entry.rel_path)
    if suffix in BINARY_SUFFIXES:
        return None, f"binary file type ({suffix})"
    try:
        with open(entry.abs_path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_size:
                return None, f"larger than the size cap ({size} bytes > {max_size})"
            data = handle.read(size + 1)  # a buffer the size of the cap per file costs more than the read
            if len(data) > size:  # the file grew since fstat: read on, up to the cap, as a single read would
                data += handle.read(max_size + 1 - len(data))
    except FileNotFoundError:
        return None, "file vanished during the scan"
    except PermissionError:
        return None, "permission denied"
    except IsADirectoryError:
        return None, "is a directory"
    except OSError as exc:
        return None, f"cannot read ({exc.strerror or type(exc).__name__})"
    if len(data) > max_size:
        return None, f"larger than the size cap (> {max_size} bytes)"
    head = data[:SNIFF_BYTES]
    if b"\0" in head and not head.startswith(_TEXT_BOMS) and not head.startswith(b"\x00\x00\xfe\xff"):
        return None, "binary file (NUL bytes)"
    return data, None
