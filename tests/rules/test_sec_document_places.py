"""Findings inside a TOML inline table or array, or inside a YAML value that spans lines, carry
that value's own place and pointer: the specific finding, its generic duplicate (dropped beside
it) and a second copy of the same secret (SEC010) all agree on one place."""

from __future__ import annotations

from pathlib import Path

import pytest

from jwtaudit.commands.scan import ScanRequest, run_scan
from jwtaudit.config import Config
from tests.helpers import NOW

SECRET = "Q4mALYNLWIvHF9knXNV6YZX+P76lhMn/MDXSSPDsEO0="  # 32 bytes, base64: a client secret's shape
GITHUB = "ghp_R8kq2Lm4Nw7Zp1Xy5Tb9Vc3Hd6Jf0Gs8Ae2U"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1IiwiYXBwSWQiOiJjcy04YWYyNTc3MC0yMzAzLTQwZWItYWEz"
       "MC05NDFlMzY3MjQ0ZmQiLCJpYXQiOjE3OTY0NzgxOTksImV4cCI6MTc5NjQ4MTE5OSwianRpIjoieCJ9"
       ".UUnu-xE4Qc3zPiyJ6VGjLokLJP9fjHk2_dORgL1XNsY")


def scan(tmp_path: Path, name: str, text: str, select: tuple[str, ...] | None = None) -> list[tuple]:
    (tmp_path / name).write_text(text)
    config = Config.blank() if select is None else Config.blank().with_overrides(select=select)
    result, _ = run_scan(ScanRequest(paths=(str(tmp_path),), jobs=1, now=NOW), config)
    return [(f.rule, f.location.line, f.location.column, f.location.end_column, f.location.pointer)
            for f in result.findings]


# --- TOML inline tables and arrays ------------------------------------------------------------


def test_a_secret_in_a_toml_inline_table_is_one_finding_at_its_value(tmp_path: Path) -> None:
    text = f'kore = {{ client_secret = "{SECRET}" }}\n'
    assert scan(tmp_path, "a.toml", text) == [("SEC002", 1, 27, 71, "/kore/client_secret")]


@pytest.mark.parametrize(("text", "line", "column", "pointer"), [
    (f'kore.client_secret = "{SECRET}"\n', 1, 23, "/kore/client_secret"),  # a dotted key
    (f'[kore]\nclient_secret = "{SECRET}"\n', 2, 18, "/kore/client_secret"),  # an ordinary table
    (f'bots = [\n  {{ name = "a" }},\n  {{ name = "b", client_secret = "{SECRET}" }},\n]\n', 3, 34,
     "/bots/1/client_secret"),  # an array of inline tables
])
def test_near_misses_keep_one_finding_at_the_value(tmp_path: Path, text: str, line: int, column: int,
                                                   pointer: str) -> None:
    assert scan(tmp_path, "a.toml", text) == [("SEC002", line, column, column + 44, pointer)]


def test_a_generic_finding_in_an_inline_table_names_the_value_not_the_table(tmp_path: Path) -> None:
    text = f'[servers]\nalpha = {{ host = "a", token = "{GITHUB}" }}\nbeta = ["x", "{GITHUB}"]\n'
    assert scan(tmp_path, "a.toml", text, select=("SEC107",)) == [
        ("SEC107", 2, 32, 72, "/servers/alpha/token"), ("SEC107", 3, 15, 55, "/servers/beta/1")]


# --- YAML values over several lines -----------------------------------------------------------


def test_findings_in_a_block_scalar_carry_its_pointer_and_drop_the_generic_copy(tmp_path: Path) -> None:
    text = ("steps:\n  - run: |\n      echo start\n"
            f'      curl --header "auth: {JWT}" https://bots.kore.ai/api/public/x\n'
            f"      export KORE_CLIENT_SECRET={SECRET}\n")
    assert scan(tmp_path, "ci.yml", text, select=("SEC001", "SEC002", "SEC1")) == [
        ("SEC001", 4, 28, 249, "/steps/0/run"), ("SEC002", 5, 33, 77, "/steps/0/run")]


@pytest.mark.parametrize("head", [">", "|-", "|+", "|2", "", '"', "'"])
def test_every_kind_of_scalar_over_lines_gives_its_pointer(tmp_path: Path, head: str) -> None:
    """Folded, literal (strip, keep, indentation indicator), plain and quoted over two lines."""
    indent = "        " if head == "|2" else "      "
    close = head if head in ('"', "'") else ""
    block = head in (">", "|-", "|+", "|2")
    text = (f"steps:\n  - run: {head}{chr(10) + indent if block else ''}echo start\n"
            f"{indent}export KORE_CLIENT_SECRET={SECRET}{close}\n")
    line = 4 if block else 3
    column = len(indent) + 27
    assert scan(tmp_path, "ci.yml", text, select=("SEC002", "SEC1")) == [
        ("SEC002", line, column, column + 44, "/steps/0/run")]


def test_a_flow_mapping_gives_each_value_its_pointer(tmp_path: Path) -> None:
    text = f"a:\n  b: {{x: 1, token: {GITHUB}}}\n"
    assert scan(tmp_path, "c.yml", text, select=("SEC107",)) == [("SEC107", 2, 20, 60, "/a/b/token")]
