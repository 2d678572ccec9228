"""scan/audit pass GitHub's line hashes and UTF-16 columns to the SARIF reporter."""

from __future__ import annotations

import json

from click.testing import CliRunner

from jwtaudit.cli import cli
from jwtaudit.reports.linehash import line_hashes
from tests.helpers import NOW, good_payload, make_token


def test_scan_sarif_carries_primary_location_line_hash_and_utf16_columns(tmp_path) -> None:
    token = make_token({"alg": "none"}, good_payload(), None)
    text = f"# notes\nemoji 😀😀 then token: {token}\n"
    (tmp_path / "notes.md").write_text(text, encoding="utf-8")
    out = tmp_path / "r.sarif"
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--now", str(NOW), "--format", "sarif",
                                      "-o", str(out), "--select", "TOK002"])
    assert result.exit_code == 1, result.output
    (res,) = json.loads(out.read_text())["runs"][0]["results"]
    assert res["partialFingerprints"]["primaryLocationLineHash"] == line_hashes(text)[1]
    region = res["locations"][0]["physicalLocation"]["region"]
    code_point_column = text.splitlines()[1].index("eyJ") + 1
    assert region["startLine"] == 2
    assert region["startColumn"] == code_point_column + 2  # two astral characters: 2 extra UTF-16 units


def test_no_hashing_without_a_sarif_report(tmp_path) -> None:
    token = make_token({"alg": "none"}, good_payload(), None)
    (tmp_path / "a.txt").write_text(token)
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--now", str(NOW), "--format", "json"])
    assert "line_hashes" not in result.output
