"""SARIF, HTML and Markdown through the real commands: several formats in one run, schema-valid
SARIF, the --sarif-include-suppressed flag, and no canary secret or token in any output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from jwtaudit.cli import cli
from tests.helpers import NOW, good_payload, make_token
from tests.reports.sarif_schema import validate

REPO = Path(__file__).resolve().parents[2]
CANARY_SECRET = "CANARYreportQ7x2Lm9Vp4Rt8Kw3Nb6Hj1Fd5Gs0Ay2="
CANARY_CLAIM = "CANARY-report-password-51f0a2"
FORMATS = ("sarif", "html", "markdown")


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_token_every_format_in_one_run_without_canaries(tmp_path):
    token = make_token({"alg": "HS256"}, good_payload(password=CANARY_CLAIM), CANARY_SECRET)
    wrong = make_token({"alg": "HS256"}, good_payload(clientSecret=CANARY_SECRET), "x" * 40)
    files = {fmt: tmp_path / f"report.{fmt}" for fmt in FORMATS}
    args = ["token", "--now", str(NOW), "--secret-env", "S", token, wrong]
    for fmt, path in files.items():
        args += ["--format", fmt, "-o", str(path)]
    result = invoke(*args, env={"S": CANARY_SECRET})
    assert result.exit_code == 1, result.output
    texts = {fmt: path.read_text(encoding="utf-8") for fmt, path in files.items()}
    forbidden = [CANARY_SECRET, CANARY_CLAIM, token, wrong, token.split(".")[2], wrong.split(".")[2]]
    for fmt, text in [*texts.items(), ("stdout", result.output)]:
        for value in forbidden:
            assert value not in text, fmt

    run = validate(texts["sarif"])["runs"][0]
    assert run["automationDetails"]["id"] == "jwtaudit/token/"
    rule_ids = {r["ruleId"] for r in run["results"]}
    assert {"TOK016", "TOK022"} <= rule_ids
    assert "TOK016" in texts["markdown"] and "TOK022" in texts["html"]
    assert texts["html"].count("<script") == 1


def test_audit_example_sarif_html_markdown(tmp_path):
    export = REPO / "examples" / "acme-export"
    if not export.is_dir():
        pytest.skip("examples/acme-export is not in this checkout")
    out = {fmt: tmp_path / f"acme.{fmt}" for fmt in FORMATS}
    args = ["audit", str(export), "--now", str(NOW)]
    for fmt, path in out.items():
        args += ["--format", fmt, "-o", str(path)]
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    log = validate(out["sarif"].read_text(encoding="utf-8"))
    run = log["runs"][0]
    assert run["automationDetails"]["id"] == "jwtaudit/audit/"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({r["ruleId"] for r in run["results"]})
    for rule in rules:
        assert rule["help"]["markdown"].count("**Fix**") == 1, rule["id"]
        assert re.fullmatch(r"\d+\.\d", rule["properties"]["security-severity"]), rule["id"]
        assert any(t.startswith("external/cwe/cwe-") for t in rule["properties"]["tags"]), rule["id"]
    for item in run["results"]:
        uri = item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/") and ".." not in uri.split("/"), uri
    page = out["html"].read_text(encoding="utf-8")
    assert "Apps and API scopes" in page and "<h2>Bots</h2>" in page
    summary = out["markdown"].read_text(encoding="utf-8")
    assert summary.startswith("### jwtaudit: ")


def test_sarif_include_suppressed_flag_is_accepted(tmp_path):
    token = make_token({"alg": "HS256"}, good_payload())
    sarif = tmp_path / "t.sarif"
    result = invoke("token", "--now", str(NOW), "--sarif-include-suppressed", token,
                    "--format", "sarif", "-o", str(sarif))
    assert result.exit_code in (0, 1), result.output
    validate(sarif.read_text(encoding="utf-8"))


def test_sarif_to_stdout_is_the_only_stdout_output():
    token = make_token({"alg": "none"}, good_payload(), None)
    result = invoke("token", "--now", str(NOW), token, "--format", "sarif")
    assert result.exit_code == 1
    run = validate(json.loads(result.stdout))["runs"][0]
    assert "TOK002" in {r["ruleId"] for r in run["results"]}


def test_scan_every_format_without_canaries(tmp_path):
    secret = "CANARYscanQ7x2Lm9Vp4Rt8Kw3Nb6Hj1Fd5Gs0Ay2Eu="
    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(), secret)
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / ".env").write_text(
        f"KORE_CLIENT_ID=cs-3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b\nKORE_CLIENT_SECRET={secret}\n")
    (repo / "src" / "app.py").write_text(f'TOKEN = "{token}"\n')
    out = {fmt: tmp_path / f"scan.{fmt}" for fmt in FORMATS}
    args = ["scan", str(repo), "--now", str(NOW), "-j", "1"]
    for fmt, path in out.items():
        args += ["--format", fmt, "-o", str(path)]
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    texts = {fmt: path.read_text(encoding="utf-8") for fmt, path in out.items()}
    for fmt, text in texts.items():
        for value in (secret, token, token.split(".")[2]):
            assert value not in text, fmt
    run = validate(texts["sarif"])["runs"][0]
    assert run["automationDetails"]["id"] == "jwtaudit/scan/"
    found = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]}
    assert {("SEC002", ".env", 2), ("SEC009", "src/app.py", 1)} <= found
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
               for r in run["results"])


def test_sarif_of_a_subfolder_names_files_from_the_repository_root(tmp_path, monkeypatch):
    """GitHub resolves SARIF paths from the checkout root: `scan services/bot` in a repository
    reports `services/bot/.env` in SARIF, while JSON keeps paths relative to the scan root."""
    from tests.git_helpers import repo_with_a_service_folder

    repo_with_a_service_folder(tmp_path / "repo", monkeypatch)
    sarif, report = tmp_path / "r.sarif", tmp_path / "r.json"
    result = invoke("scan", "services/bot", "--format", "sarif", "-o", str(sarif),
                    "--format", "json", "-o", str(report))
    assert result.exit_code == 1, result.output
    run = validate(sarif.read_text(encoding="utf-8"))["runs"][0]
    located = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
               for r in run["results"]}
    assert located == {("SEC002", "services/bot/.env")}
    assert {(f["rule"], f["location"]["path"]) for f in json.loads(report.read_text())["findings"]} \
        == {("SEC002", ".env")}


def test_sarif_outside_git_keeps_paths_relative_to_the_scan_root(tmp_path, monkeypatch):
    from tests.git_helpers import kore_env

    (tmp_path / "tree" / "bot").mkdir(parents=True)
    (tmp_path / "tree" / "bot" / ".env").write_text(kore_env(), encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path / "tree")
    sarif = tmp_path / "r.sarif"
    result = invoke("scan", "bot", "--format", "sarif", "-o", str(sarif))
    assert result.exit_code == 1, result.output
    run = validate(sarif.read_text(encoding="utf-8"))["runs"][0]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]] \
        == [".env"]


def test_two_reports_to_one_file_is_a_usage_error_before_scanning(tmp_path):
    token = make_token({"alg": "HS256"}, good_payload(), "x" * 40)
    report = tmp_path / "r.json"
    result = invoke("token", "--now", str(NOW), token, "--format", "json", "-o", str(report),
                    "--format", "sarif", "-o", str(tmp_path / "." / "r.json"))
    assert result.exit_code == 2 and "named by two -o/--output options" in result.output
    assert not report.exists()


@pytest.mark.parametrize("link", ["file", "folder", "hard"])
def test_two_reports_to_one_file_through_a_link_is_a_usage_error(tmp_path, link):
    """`-o r1.json -o rlink.json` where rlink.json is a symbolic link to r1.json (or a folder of the
    path is one, or a hard link) would write both reports to one file."""
    token = make_token({"alg": "HS256"}, good_payload(), "x" * 40)
    (tmp_path / "out").mkdir()
    report = tmp_path / "out" / "r1.json"
    report.write_text("old\n")
    if link == "file":
        other = tmp_path / "rlink.json"
        other.symlink_to(report)
    elif link == "folder":
        (tmp_path / "outdir").symlink_to(tmp_path / "out", target_is_directory=True)
        other = tmp_path / "outdir" / "r1.json"
    else:
        other = tmp_path / "hard.json"
        other.hardlink_to(report)
    result = invoke("token", "--now", str(NOW), token, "-o", str(report), "-o", str(other))
    assert result.exit_code == 2 and "named by two -o/--output options" in result.output
    assert report.read_text() == "old\n"


def test_two_reports_to_two_files_beside_a_link_are_written(tmp_path):
    token = make_token({"alg": "HS256"}, good_payload(), "x" * 40)
    (tmp_path / "r1.json").write_text("old\n")
    (tmp_path / "rlink.json").symlink_to(tmp_path / "r1.json")
    other = tmp_path / "r2.json"
    result = invoke("token", "--now", str(NOW), token, "-o", str(tmp_path / "rlink.json"), "-o", str(other))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "r1.json").read_text())["findings"] == json.loads(other.read_text())["findings"]
