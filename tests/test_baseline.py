"""Baseline file: create/load/update/apply, strict loading, no secrets, detect-secrets import."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from jwtaudit import baseline, engine
from jwtaudit.errors import InputError
from jwtaudit.model import Confidence, Finding, Location, Severity

SECRET = "q0Z8m3Vt4Yc1Rk9Wn2Lp6Xs5Hd7Jf0Ga8Bu3Ei1Oy4M="  # fake
OTHER = "Zr7Qp2Lx9Vn4Tk1Bw8Hs3Jd6Fg0Cm5Ya2Ue7Io4Pq1N="
NOW = 1795300000


def finding(rule: str = "SEC002", path: str = "config.json", line: int = 3, value: str = SECRET,
            anchor: str = "/credentials/apikey", status: str = "new") -> Finding:
    return Finding(rule=rule, name="x", severity=Severity.CRITICAL, confidence=Confidence.HIGH, message="m",
                   location=Location(path=path, line=line), evidence={},
                   fingerprint=engine.fingerprint(rule, path, anchor, value, False), status=status,
                   value_sha1=hashlib.sha1(value.encode()).hexdigest())


def test_create_writes_fingerprints_rules_and_paths_only(tmp_path: Path) -> None:
    base = baseline.create([finding(), finding(rule="META001"), finding(rule="SEC001", status="suppressed")],
                           now=NOW)
    target = tmp_path / "b.json"
    baseline.save(base, target)
    text = target.read_text()
    assert SECRET not in text and hashlib.sha1(SECRET.encode()).hexdigest() not in text
    assert '"line"' not in text
    data = json.loads(text)
    assert data == {"version": 1, "tool": "jwtaudit", "generated_at": "2026-11-21T22:26:40Z",
                    "findings": [{"fingerprint": finding().fingerprint, "rule": "SEC002", "path": "config.json"}]}
    assert baseline.load(target) == base


def test_moved_code_is_accepted_and_a_replaced_secret_is_new() -> None:
    base = baseline.create([finding(line=3)])
    moved = baseline.apply([finding(line=40)], base)
    replaced = baseline.apply([finding(line=3, value=OTHER)], base)
    assert [f.status for f in moved] == ["baseline"]
    assert [f.status for f in replaced] == ["new"]
    assert engine.exit_code(moved, Severity.LOW) == 0
    assert engine.exit_code(replaced, Severity.LOW) == 1


def test_apply_leaves_suppressed_findings_alone() -> None:
    base = baseline.create([finding()])
    (out,) = baseline.apply([finding(status="suppressed")], base)
    assert out.status == "suppressed"


def test_update_keeps_adds_drops_and_keeps_notes_and_unrun_rules(tmp_path: Path) -> None:
    gone = finding(path="old.json")
    tok = finding(rule="TOK004", path="t.txt")
    target = tmp_path / "b.json"
    baseline.save(baseline.create([finding(), gone, tok], now=NOW), target)
    data = json.loads(target.read_text())
    data["findings"][0]["note"] = "rotated 2026-11, test tenant"
    target.write_text(json.dumps(data))
    old = baseline.load(target)
    new_one = finding(path="new.json")
    updated, changes = baseline.update(old, [finding(), new_one], now=NOW, ran=lambda code: code != "TOK004")
    assert (changes.kept, changes.added, changes.removed) == (2, 1, 1)
    assert [(e.path, e.rule, e.note) for e in updated.entries] == [
        ("config.json", "SEC002", "rotated 2026-11, test tenant"), ("new.json", "SEC002", None),
        ("t.txt", "TOK004", None)]


@pytest.mark.parametrize("content, message", [
    ("{", "not valid JSON (line 1)"),
    ("[]", "not a jwtaudit baseline"),
    ('{"tool": "jwtaudit", "version": 2, "findings": []}', "unsupported baseline version 2"),
    ('{"tool": "jwtaudit", "version": 1, "findings": [{"fingerprint": "zz", "rule": "SEC002", "path": "a"}]}',
     "findings[0]: fingerprint must be a hex string"),
    ('{"tool": "jwtaudit", "version": 1, "findings": [{"fingerprint": "0123456789abcdef", "rule": "X1", "path": "a"}]}',
     "findings[0]: rule must be a rule code"),
])
def test_load_rejects_bad_files_with_one_line(tmp_path: Path, content: str, message: str) -> None:
    target = tmp_path / "b.json"
    target.write_text(content)
    with pytest.raises(InputError) as info:
        baseline.load(target)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="baseline not found"):
        baseline.load(tmp_path / "nope.json")


def write_ds(tmp_path: Path, results: dict) -> Path:
    target = tmp_path / ".secrets.baseline"
    target.write_text(json.dumps({"version": "1.5.0", "plugins_used": [], "filters_used": [],
                                  "results": results, "generated_at": "2024-01-01T00:00:00Z"}))
    return target


def test_detect_secrets_import_accepts_matching_findings_only(tmp_path: Path) -> None:
    sha = hashlib.sha1(SECRET.encode()).hexdigest()
    ds = write_ds(tmp_path, {
        "config.json": [{"type": "Secret Keyword", "filename": "config.json", "hashed_secret": sha,
                         "is_verified": False, "line_number": 3, "is_secret": False}],
        "other.env": [{"type": "Base64 High Entropy String", "filename": "other.env",
                       "hashed_secret": hashlib.sha1(b"gone").hexdigest(), "is_verified": False,
                       "line_number": 1}],
    })
    entries = baseline.read_detect_secrets(ds)
    assert [(e.path, e.type, e.line) for e in entries] == [("config.json", "Secret Keyword", 3),
                                                           ("other.env", "Base64 High Entropy String", 1)]
    same = finding()
    token_rule = finding(rule="TOK004", anchor="x")
    elsewhere = finding(path="copy.json")  # same secret, other file: not accepted
    changed = finding(value=OTHER)
    adopted, unmatched = baseline.adopt_detect_secrets(entries, [same, token_rule, elsewhere, changed], now=NOW)
    assert {e.fingerprint for e in adopted.entries} == {same.fingerprint, token_rule.fingerprint}
    assert [e.path for e in unmatched] == ["other.env"]
    assert sha not in baseline.dumps(adopted)


def test_detect_secrets_import_rejects_other_json(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    target.write_text('{"results": {"a": [{"type": "x"}]}}')
    with pytest.raises(InputError, match="without a sha1 hashed_secret"):
        baseline.read_detect_secrets(target)
    target.write_text('{"version": 1}')
    with pytest.raises(InputError, match="not a detect-secrets baseline"):
        baseline.read_detect_secrets(target)


def test_baseline_create_judges_tokens_at_the_real_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`baseline create` accepts what `scan` reports now: an expired token's TOK010, never a
    TOK014 ('issued in the future') that judging at the epoch would invent."""
    import time

    from click.testing import CliRunner

    from jwtaudit.cli import cli
    from tests.helpers import good_payload, make_token

    now = int(time.time())
    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(iat=now - 7200, exp=now - 3600))
    (tmp_path / "app.py").write_text(f'TOKEN = "{token}"\n')
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    created = runner.invoke(cli, ["baseline", "create", "-o", "b.json"], catch_exceptions=False)
    assert created.exit_code == 0, created.output
    rules = sorted(entry["rule"] for entry in json.loads((tmp_path / "b.json").read_text())["findings"])
    assert "TOK010" in rules and "TOK014" not in rules
    scanned = runner.invoke(cli, ["scan", ".", "--baseline", "b.json", "--format", "json", "--fail-on", "info"],
                            catch_exceptions=False)
    assert scanned.exit_code == 0, scanned.output


def test_a_baseline_matches_whichever_folder_of_the_repository_is_scanned(tmp_path: Path, monkeypatch) -> None:
    """Fingerprints name files from the repository root: a baseline made from `.` accepts the same
    findings when `services/bot` is scanned, and one made from the subfolder works from the root;
    outside git they stay relative to the scan root."""
    from click.testing import CliRunner

    from jwtaudit.cli import cli
    from tests.git_helpers import repo_with_a_service_folder

    repo = repo_with_a_service_folder(tmp_path / "repo", monkeypatch)

    def invoke(*args: str) -> int:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False).exit_code

    assert invoke("baseline", "create", ".", "-o", "root.json") == 0
    assert invoke("baseline", "create", "services/bot", "-o", "sub.json") == 0
    fingerprints = [[e["fingerprint"] for e in json.loads(Path(name).read_text())["findings"]]
                    for name in ("root.json", "sub.json")]
    assert fingerprints[0] == fingerprints[1] and len(fingerprints[0]) == 1
    assert invoke("scan", "services/bot", "--baseline", "root.json") == 0
    assert invoke("scan", ".", "--baseline", "sub.json") == 0
    assert invoke("scan", "services/bot") == 1  # without a baseline the finding is there
    sarif = tmp_path / "r.sarif"
    repo.write("services/bot/extra.env", "GITHUB_TOKEN=ghp_MbJmTPSIAoCLrZ3aWZkSBvrjn9Wvgfygw2wM\n")
    assert invoke("scan", "services/bot", "--baseline", "root.json", "--format", "sarif", "-o", str(sarif)) == 1
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(sarif.read_text())["runs"][0]["results"]}
    assert uris == {"services/bot/extra.env"}
