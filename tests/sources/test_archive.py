"""Safe zip reading: zip slip, bombs (size and entry count), nesting, symlinks — each a clear error."""

from __future__ import annotations

import io
import stat
import time
import zipfile

import pytest

from jwtaudit.errors import InputError
from jwtaudit.sources.archive import Limits, is_zip, read_zip, safe_entry_name


def make_zip(entries: list[tuple[str, bytes]], *, symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def test_reads_entries_with_bang_paths_and_nested_zips() -> None:
    inner = make_zip([("botDefinition.json", b"{}")])
    outer = make_zip([("export/account.yaml", b"format: x"), ("bots/support.zip", inner), ("dir/", b"")])
    assert is_zip(outer)
    assert read_zip(outer, "acme.zip") == [
        ("acme.zip!/export/account.yaml", b"format: x"),
        ("acme.zip!/bots/support.zip!/botDefinition.json", b"{}"),
    ]


@pytest.mark.parametrize("name", ["../evil.json", "a/../../evil.json", "/etc/passwd", "C:/x.json",
                                  "..\\..\\evil.json"])
def test_zip_slip_is_refused(name: str) -> None:
    data = make_zip([(name, b"{}")])
    with pytest.raises(InputError, match=r"^bots/x\.zip: zip entry .* escapes the archive \(zip slip\)$"):
        read_zip(data, "bots/x.zip")


def test_safe_names_are_normalised() -> None:
    assert safe_entry_name("./a//b.json", "z") == "a/b.json"
    assert safe_entry_name("folder/", "z") is None


def test_symlink_entry_is_refused() -> None:
    with pytest.raises(InputError, match="symbolic link"):
        read_zip(make_zip([("a.json", b"{}")], symlink="link.json"), "x.zip")


def test_zip_bomb_total_size_stops_fast() -> None:
    zeros = b"\0" * (8 * 1024 * 1024)
    data = make_zip([(f"part{i}.json", zeros) for i in range(4)])
    assert len(data) < 200_000
    start = time.monotonic()
    with pytest.raises(InputError, match=r"x\.zip!/part\d\.json: archive expands past 20000000 bytes"):
        read_zip(data, "x.zip", Limits(max_file_bytes=10 * 1024 * 1024, max_total_bytes=20_000_000))
    assert time.monotonic() - start < 5


def test_entry_over_file_cap_even_when_header_lies() -> None:
    data = bytearray(make_zip([("big.json", b"a" * 5000)]))
    with pytest.raises(InputError, match="big.json: expands"):
        read_zip(bytes(data), "x.zip", Limits(max_file_bytes=1000))
    # patch the declared sizes down: the counted bytes still stop it
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    data[local + 22:local + 26] = (10).to_bytes(4, "little")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    with pytest.raises(InputError, match="big.json"):
        read_zip(bytes(data), "x.zip", Limits(max_file_bytes=1000))


def test_too_many_entries() -> None:
    data = make_zip([(f"f{i}.json", b"") for i in range(30)])
    with pytest.raises(InputError, match=r"x\.zip: zip has more than 20 entries"):
        read_zip(data, "x.zip", Limits(max_entries=20))


def test_nesting_is_bounded() -> None:
    data = make_zip([("a.json", b"{}")])
    for level in range(5):
        data = make_zip([(f"level{level}.zip", data)])
    with pytest.raises(InputError, match="nested more than 3 deep"):
        read_zip(data, "x.zip")


def test_not_a_zip() -> None:
    with pytest.raises(InputError, match=r"^x\.zip: not a readable zip archive$"):
        read_zip(b"PK\x03\x04garbage", "x.zip")
