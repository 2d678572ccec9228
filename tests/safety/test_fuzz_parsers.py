"""hypothesis over every parser: only the project's own errors escape, and every span or line a
parser reports points inside the text it was given.

Default profile "ci" keeps this quick; HYPOTHESIS_PROFILE=long runs each test 5,000 times.
Token parsing and the export loader have their own fuzz tests (tests/test_tokens.py,
tests/sources/test_export.py); here they are driven through the text and zip layers.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jwtaudit.config import from_mapping
from jwtaudit.errors import JwtauditError
from jwtaudit.sources import archive, export, structured
from jwtaudit.sources.text import analyse_text
from jwtaudit.sources.token_finder import find_tokens
from jwtaudit.suppressions import parse as parse_suppressions

FORMAT_FILES = ("config.json", "values.yaml", "pyproject.toml", ".env", "settings.ini")

# Text that is mostly the syntax of the formats, so that parsers get past their first character.
SYNTAX = st.sampled_from(list('{}[]":,=#;\'\n\r\t -_.ab01\\/') + [
    "true", "null", "key", "- ", ": ", "= ", "[section]", "[[t]]", "export ", "&a", "*a", "!!python/object",
    "eyJhbGciOiJIUzI1NiJ9", ".", "%2E", "\ufeff", "é", "\U0001F511", "jwtaudit: ignore[SEC001]", "# ", "//",
    "clientSecret", "q0Z8m3Vt4Yc1Rk9Wn2Lp6Xs5Hd7Jf0Ga8Bu3Ei1Oy4M=",
])
syntaxy = st.lists(SYNTAX, max_size=120).map("".join)
any_text = st.one_of(syntaxy, st.text(max_size=400))


def _inside(text: str, line: int, column: int) -> bool:
    lines = text.split("\n")
    return 1 <= line <= len(lines) + 1 and 1 <= column <= len(lines[line - 1] if line <= len(lines) else "") + 2


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FORMAT_FILES), text=any_text)
def test_structured_parsers_never_crash_and_spans_point_inside(name: str, text: str) -> None:
    document = structured.parse_document(name, text)
    if document is None:
        return
    for pointer, span in document.spans.items():
        assert _inside(text, span.line, span.column), (pointer, span)
        assert (span.end_line, span.end_column) >= (span.line, span.column), (pointer, span)
        location = document.locate(pointer)
        assert location.line is None or _inside(text, location.line, location.column or 1)


@given(name=st.sampled_from((*FORMAT_FILES, "app.js", "mint.py", "notes.txt", "kore-config.ts")), text=any_text)
def test_text_analysis_never_crashes_and_locations_point_inside(name: str, text: str) -> None:
    analysis = analyse_text(name, text)
    for item in [*analysis.tokens, *analysis.secrets]:
        loc = item.location
        if loc.line is not None:
            assert _inside(text, loc.line, loc.column or 1), loc


@given(text=any_text)
def test_token_discovery_spans_are_the_token_text(text: str) -> None:
    for found in find_tokens(text):
        assert 0 <= found.start < found.end <= len(text)
        assert text[found.start:found.end].replace("%2E", ".").replace("%2e", ".").startswith(found.raw[:3])


@given(text=any_text)
def test_suppression_comments_never_crash_and_point_at_a_line(text: str) -> None:
    for directive in parse_suppressions("a.py", text):
        line = directive.location().line
        assert line is not None and 1 <= line <= text.count("\n") + 1


config_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
config_keys = st.sampled_from(["select", "ignore", "fail_on", "fail-on", "max_lifetime", "max_scopes",
                               "max_secret_age_days", "max_file_size", "clock_skew", "exclude", "profile",
                               "wordlist", "severity", "unknown_key"])


@given(st.dictionaries(config_keys, config_values, max_size=5))
def test_config_accepts_or_names_the_key(data: dict) -> None:
    try:
        from_mapping(data, source="fuzz.toml")
    except JwtauditError as exc:
        # The CLI shows the first line; it must name the config. (A key holding a newline is
        # echoed raw after it: cosmetic, reported.)
        assert str(exc).splitlines()[0].startswith("config:")


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in entries:
            try:
                zf.writestr(name, content)
            except (IndexError, ValueError):  # names zipfile itself cannot write ("", NUL-led)
                continue
    return buffer.getvalue()


zip_names = st.one_of(
    st.sampled_from(["botDefinition.json", "config.json", "../evil.json", "/abs.json", "a/../../b.json",
                     "C:\\x.json", "a\\..\\..\\b", "nested.zip", "dir/", "", "a//b.json", "\x00.json"]),
    st.text(max_size=30),
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(zip_names, st.binary(max_size=200)), max_size=5), st.data())
def test_zip_reader_refuses_or_reads_inside_the_archive(entries: list[tuple[str, bytes]], data: st.DataObject) -> None:
    blob = _zip(entries)
    if data.draw(st.booleans()):  # corrupt a byte somewhere
        at = data.draw(st.integers(0, max(0, len(blob) - 1)))
        blob = blob[:at] + bytes([blob[at] ^ 0xFF]) + blob[at + 1:] if blob else blob
    try:
        out = archive.read_zip(blob, "bot.zip")
    except JwtauditError as exc:
        assert str(exc).startswith("bot.zip") and "\n" not in str(exc)
        return
    for display, _content in out:
        assert display.startswith("bot.zip!/")
        inner = display.split("!/", 1)[1]
        assert ".." not in inner.split("/") and not inner.startswith("/")


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(entries=st.lists(st.tuples(st.sampled_from(["botDefinition.json", "config.json", "account.yaml",
                                                   "get-bots.json", "x.zip"]), syntaxy), min_size=1, max_size=3))
def test_export_loader_on_a_zipped_folder_gives_artefacts_or_one_line_error(tmp_path_factory: pytest.TempPathFactory,
                                                                             entries: list[tuple[str, str]]) -> None:
    folder = tmp_path_factory.mktemp("fz")
    path = Path(folder) / "export.zip"
    path.write_bytes(_zip([(name, text.encode("utf-8", "surrogatepass")) for name, text in entries]))
    try:
        export.load(path)
    except JwtauditError as exc:
        assert "\n" not in str(exc) and "Traceback" not in str(exc)


def test_zip_with_an_unsupported_version_field_is_an_input_error() -> None:
    """Found by the fuzzer: a flipped "version needed" byte made zipfile raise NotImplementedError."""
    blob = bytearray(_zip([("botDefinition.json", b"{}")]))
    central = blob.rfind(b"PK\x01\x02")
    blob[central + 6] = 0xEB  # "version needed to extract" = 23.5 (zipfile supports up to 6.3)
    blob[central + 7] = 0x00
    with pytest.raises(JwtauditError, match=r"^bot\.zip"):
        archive.read_zip(bytes(blob), "bot.zip")


def test_zip_entry_name_with_a_newline_cannot_split_a_report_line() -> None:
    """Found by the fuzzer: an entry named "a\\nFAKE: finding" became two lines in messages."""
    out = archive.read_zip(_zip([("a\nFAKE.json", b"{}")]), "bot.zip")
    assert [name for name, _ in out] == ["bot.zip!/a\\x0aFAKE.json"]
