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


def test_line_facts_worked_out_in_two_processes_give_the_same_sarif(tmp_path, monkeypatch) -> None:
    import jwtaudit.cli as cli_module

    token = make_token({"alg": "none"}, good_payload(), None)
    for index in range(6):  # several files, one with characters outside the BMP, repeated lines
        prefix = "😀 " * index
        (tmp_path / f"doc{index}.md").write_text(f"# {index}\n{prefix}token: {token}\nsame\nsame\n"
                                                 f"{prefix}again: {token}\n", encoding="utf-8")

    def sarif(name: str) -> dict:
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--now", str(NOW), "--format", "sarif",
                                          "-o", str(out), "--select", "TOK002", "--jobs", "1"])
        assert result.exit_code == 1, result.output
        data = json.loads(out.read_text())
        out.unlink()
        return data

    serial = sarif("serial.sarif")
    from jwtaudit.commands import workers

    forks: list[int] = []
    real = workers.ordered_results
    monkeypatch.setattr(workers, "ordered_results", lambda *args: forks.append(1) or real(*args))
    monkeypatch.setattr(cli_module, "_PARALLEL_LINE_FACTS", 1)
    monkeypatch.setattr(cli_module.os, "cpu_count", lambda: 2)
    parallel = sarif("parallel.sarif")
    assert forks == [1]  # the two-process path ran
    assert parallel == serial
    results = serial["runs"][0]["results"]
    assert len(results) == 12 and all("primaryLocationLineHash" in r["partialFingerprints"] for r in results)
