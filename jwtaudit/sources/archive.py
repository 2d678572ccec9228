"""Safe, in-memory reading of zip archives (bot exports, zipped account folders).

Exports come from outside, so a zip is hostile until proven otherwise: entries that escape the
folder (zip slip), symlinks, encrypted entries, bombs (the expanded size is counted as it is
read, not trusted from the header), too many entries, and zips nested inside zips beyond a small
depth are all input errors that name the file. Nothing is ever extracted to disk.
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass, field

from jwtaudit.errors import InputError

MAX_ENTRIES = 2_000
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 3  # an account zip holding bot zips holding ... at most this many levels
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_CHUNK = 64 * 1024


@dataclass(frozen=True, kw_only=True)
class Limits:
    max_file_bytes: int = 5 * 1024 * 1024
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_entries: int = MAX_ENTRIES
    max_depth: int = MAX_DEPTH


@dataclass
class _Budget:
    """Shared across nested zips so a bomb cannot hide in many small archives."""

    limits: Limits
    total: int = 0
    entries: int = 0
    seen: set[str] = field(default_factory=set)


def is_zip(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC) or data.startswith(EMPTY_ZIP_MAGIC)


def read_zip(data: bytes, display: str, limits: Limits | None = None) -> list[tuple[str, bytes]]:
    """Every regular file in the zip (and in zips inside it) as `(display path, content)`.

    Display paths join levels with `!/`: `bots/support.zip!/botDefinition.json`.
    """
    budget = _Budget(limits=limits or Limits())
    out: list[tuple[str, bytes]] = []
    _read(data, display, 1, budget, out)
    return out


def _read(data: bytes, display: str, depth: int, budget: _Budget, out: list[tuple[str, bytes]]) -> None:
    limits = budget.limits
    if depth > limits.max_depth:
        raise InputError(f"{display}: zip archives nested more than {limits.max_depth} deep")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # BadZipFile, NotImplementedError ("zip file version 23.5"), struct.error …
        raise InputError(f"{display}: not a readable zip archive") from None
    with archive:
        infos = archive.infolist()
        budget.entries += len(infos)
        if budget.entries > limits.max_entries:
            raise InputError(f"{display}: zip has more than {limits.max_entries} entries (zip bomb?)")
        for info in infos:
            name = safe_entry_name(info.filename, display)
            if name is None:
                continue
            where = f"{display}!/{name}"
            if info.flag_bits & 0x1:
                raise InputError(f"{where}: encrypted zip entry")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise InputError(f"{where}: symbolic link inside a zip archive")
            if where in budget.seen:
                raise InputError(f"{where}: duplicate zip entry")
            budget.seen.add(where)
            content = _read_entry(archive, info, where, budget)
            if is_zip(content):
                _read(content, where, depth + 1, budget, out)
            else:
                out.append((where, content))


def safe_entry_name(raw: str, display: str) -> str | None:
    """The entry's relative path, None for a directory; InputError when it escapes (zip slip)."""
    name = raw.replace("\\", "/")
    if name.endswith("/"):
        return None
    parts = name.split("/")
    if (
        name.startswith("/")
        or (len(parts[0]) >= 2 and parts[0][1] == ":")
        or any(part == ".." for part in parts)
        or "\0" in name
    ):
        shown = name[:80].encode("ascii", "backslashreplace").decode("ascii")
        raise InputError(f"{display}: zip entry {shown!r} escapes the archive (zip slip)")
    cleaned = "/".join(part for part in parts if part not in ("", "."))
    # Control characters (a newline in an entry name) would split report lines and error messages.
    cleaned = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in cleaned)
    return cleaned or None


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: _Budget) -> bytes:
    limits = budget.limits
    if info.file_size > limits.max_file_bytes:
        raise InputError(f"{where}: expands to {info.file_size} bytes, over the "
                         f"{limits.max_file_bytes}-byte file cap")
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as handle:
            while True:
                chunk = handle.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                budget.total += len(chunk)
                if size > limits.max_file_bytes:
                    raise InputError(f"{where}: expands past the {limits.max_file_bytes}-byte "
                                     "file cap (zip bomb?)")
                if budget.total > limits.max_total_bytes:
                    raise InputError(f"{where}: archive expands past {limits.max_total_bytes} "
                                     "bytes in total (zip bomb?)")
                chunks.append(chunk)
    except InputError:
        raise
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError):
        raise InputError(f"{where}: corrupt or unsupported zip entry") from None
    except Exception:  # zlib.error and friends
        raise InputError(f"{where}: corrupt zip entry") from None
    return b"".join(chunks)
