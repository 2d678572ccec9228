"""`jwtaudit scan --staged | --history | --diff`, `--baseline`, `jwtaudit baseline …`, end to end."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jwtaudit.cli import cli
from tests.git_helpers import OTHER_SECRET, STRONG_SECRET, Repo, kore_env

THIRD_SECRET = "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q="  # fake


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    made = Repo(tmp_path / "repo")
    monkeypatch.chdir(made.path)
    return made


def scan(*args: str) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(cli, ["scan", *args, "--format", "json"])
    assert STRONG_SECRET not in result.output and OTHER_SECRET not in result.output
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = {}
    return result.exit_code, report, result.output


def found(report: dict[str, Any], rule: str = "SEC002") -> list[tuple[str, int, str]]:
    return [(f["location"]["path"], f["location"]["line"], f.get("status", "new"))
            for f in report["findings"] if f["rule"] == rule]


def placed(report: dict[str, Any], rule: str) -> list[tuple[str, int, int, str | None, str]]:
    """(path, line, column, commit, status) of each finding of `rule`."""
    return [(f["location"]["path"], f["location"]["line"], f["location"]["column"], f["location"]["commit"],
             f.get("status", "new")) for f in report["findings"] if f["rule"] == rule]


def long_lived_token(sub: str = "svc-exporter") -> str:
    """An HS256 token signed with STRONG_SECRET (the secret of `kore_env()`), valid until 2100."""
    from tests.helpers import good_payload, make_token

    return make_token({"alg": "HS256", "typ": "JWT"}, good_payload(sub=sub, exp=4102444800))


# --- staged --------------------------------------------------------------------------------------


def test_staged_secret_edited_away_in_the_work_tree_is_still_caught(repo: Repo) -> None:
    repo.write("README.md", "hello\n")
    repo.commit()
    repo.write("app/my conf ü.env", kore_env())
    repo.git("add", "-A")
    repo.write("app/my conf ü.env", "KORE_CLIENT_SECRET=${KORE_CLIENT_SECRET}\n")
    code, report, _ = scan("--staged")
    assert code == 1
    assert found(report) == [("app/my conf ü.env", 2, "new")]
    assert report["summary"]["files_scanned"] == 1  # only the staged file, not README.md


def test_staged_with_files_passed_scans_only_those(repo: Repo) -> None:
    repo.write("a.env", kore_env())
    repo.write("b.env", kore_env(OTHER_SECRET))
    repo.git("add", "-A")
    code, report, _ = scan("--staged", "b.env")
    assert code == 1 and found(report) == [("b.env", 2, "new")]


def test_staged_clean_file_passes_and_nothing_staged_exits_3(repo: Repo) -> None:
    repo.write("a.txt", "nothing to see\n")
    repo.git("add", "-A")
    assert scan("--staged")[0] == 0
    repo.commit()
    code, _, output = scan("--staged")
    assert code == 3 and "nothing was scanned" in output


def test_staged_binary_blob_is_skipped_and_listed(repo: Repo) -> None:
    repo.write("blob.bin.txt", b"\x00\x01" + STRONG_SECRET.encode())
    repo.git("add", "-A")
    code, report, _ = scan("--staged")
    assert found(report, "META002") == [("blob.bin.txt", None, "new")]
    assert found(report) == [] and code == 0


def test_inline_suppression_in_a_staged_file(repo: Repo) -> None:
    repo.write("a.env", kore_env().replace(STRONG_SECRET, STRONG_SECRET + "  # jwtaudit: ignore[SEC002]"))
    repo.write("b.py", "URL = 'https://example.com'  # jwtaudit: ignore[SEC001]\n")
    repo.git("add", "-A")
    code, report, _ = scan("--staged")
    assert found(report) == [("a.env", 2, "suppressed")]
    assert found(report, "META001") == [("b.py", 1, "new")]
    assert code == 1  # the stale suppression is a (low) finding
    assert scan("--staged", "a.env")[0] == 0


def test_staged_respects_config_exclude(repo: Repo) -> None:
    repo.write(".jwtaudit.toml", 'exclude = ["fixtures/"]\n')
    repo.write("fixtures/a.env", kore_env())
    repo.git("add", "-A")
    code, report, _ = scan("--staged")
    assert found(report) == [] and code == 0


def test_the_hook_on_only_excluded_files_passes(repo: Repo) -> None:
    """pre-commit passes the staged file names; when the config excludes all of them there is
    nothing to check, which must not fail the commit (exit 0, not 3)."""
    repo.write(".jwtaudit.toml", 'exclude = ["fixtures/"]\n')
    repo.commit()
    repo.write("fixtures/g.env", kore_env())
    repo.git("add", "-A")
    code, report, output = scan("--staged", "fixtures/g.env")
    assert (code, found(report)) == (0, []), output


def test_a_diff_that_only_deletes_files_passes(repo: Repo) -> None:
    repo.write("notes.txt", "old notes\n")
    repo.commit()
    base = repo.git("rev-parse", "HEAD").strip()
    repo.git("rm", "-q", "notes.txt")
    repo.commit()
    code, report, output = scan("--diff", base)
    assert (code, found(report)) == (0, []), output


# --- history -------------------------------------------------------------------------------------


def test_history_finds_a_secret_that_was_deleted(repo: Repo) -> None:
    repo.write("README.md", "hello\n")
    repo.commit("init")
    repo.write("deploy/prod.env", kore_env())
    leaked = repo.commit("add config")
    repo.git("rm", "-q", "deploy/prod.env")
    repo.commit("oops, remove it")
    assert found(scan(".")[1]) == []  # a plain scan of the work tree does not see it
    code, report, _ = scan("--history")
    assert code == 1
    assert report["mode"] == "history"
    (item,) = [f for f in report["findings"] if f["rule"] == "SEC002"]
    assert (item["location"]["path"], item["location"]["line"], item["location"]["commit"]) == \
        ("deploy/prod.env", 2, leaked)
    assert item["evidence"]["first_commit"] == leaked
    assert item["evidence"]["first_seen"] == "2026-01-01T00:00:02+00:00"
    assert item["evidence"]["present_at_head"] is False
    assert item["evidence"]["commits"] == 1


def test_history_same_secret_in_many_commits_is_one_finding_with_a_count(repo: Repo) -> None:
    repo.write("app.env", kore_env())
    first = repo.commit("add")
    for n in range(5):
        repo.write("app.env", f"# revision {n}\n" * (n + 1) + kore_env())
        repo.commit(f"edit {n}")
    (repo.path / "renamed dir").mkdir()
    repo.git("mv", "app.env", "renamed dir/app ü.env")
    repo.commit("rename")
    code, report, _ = scan("--history")
    items = [f for f in report["findings"] if f["rule"] == "SEC002"]
    assert [(f["location"]["path"], f["location"]["line"], f["location"]["commit"]) for f in items] == \
        [("app.env", 2, first)]
    assert items[0]["evidence"]["commits"] == 7  # added, edited 5 times, renamed
    assert items[0]["evidence"]["present_at_head"] is True
    assert code == 1


def test_history_a_secret_in_two_files_of_one_commit_is_reused_once_introduced(repo: Repo) -> None:
    """README: the cross-file checks pair every blob of the history. One commit that adds the
    secret to `.env` and `Dockerfile` is one commit introducing it, and the two files held it
    side by side: SEC010, as a scan of the work tree says."""
    repo.write("README.md", "hello\n")
    repo.commit("init")
    repo.write(".env", kore_env())
    repo.write("Dockerfile", f"FROM node:20\nENV KORE_CLIENT_SECRET={STRONG_SECRET}\n")
    added = repo.commit("add config")
    repo.write("README.md", "hello again\n")
    repo.commit("docs")
    code, report, _ = scan("--history")
    assert placed(report, "SEC010") == [(".env", 2, 20, added, "new")]
    assert placed(scan(".")[1], "SEC010") == [(".env", 2, 20, None, "new")]
    (reused,) = [f for f in report["findings"] if f["rule"] == "SEC010"]
    assert [(r["path"], r["line"], r["column"], r["commit"]) for r in reused["related"]] == \
        [("Dockerfile", 2, 24, added)]
    (sec002,) = [f for f in report["findings"] if f["rule"] == "SEC002"]
    assert sec002["evidence"]["commits"] == 1
    assert code == 1


def test_history_a_copy_added_beside_the_original_is_reused(repo: Repo) -> None:
    repo.write("a.env", kore_env())
    repo.commit("a")
    repo.write("deploy/b.env", "# copy\n" + kore_env())
    copied = repo.commit("copy")
    repo.git("rm", "-q", "a.env")
    repo.commit("remove the original")
    code, report, _ = scan("--history")
    (reused,) = [f for f in report["findings"] if f["rule"] == "SEC010"]
    assert {(reused["location"]["path"], reused["location"]["line"]),
            *((r["path"], r["line"]) for r in reused["related"])} == {("a.env", 2), ("deploy/b.env", 3)}
    assert copied in {reused["location"]["commit"], *(r["commit"] for r in reused["related"])}


def test_history_a_renamed_or_edited_file_is_no_reuse(repo: Repo) -> None:
    repo.write("a.env", kore_env())
    repo.commit("add")
    repo.write("a.env", "# edited\n" + kore_env())
    repo.commit("edit")
    repo.git("mv", "a.env", "b.env")
    repo.commit("rename")
    repo.write("c.env", kore_env(OTHER_SECRET))
    repo.commit("another secret")
    code, report, _ = scan("--history")
    assert placed(report, "SEC010") == []
    assert [f["evidence"]["commits"] for f in report["findings"] if f["rule"] == "SEC002"] == [3, 1]
    assert code == 1


def test_history_since_and_branch(repo: Repo) -> None:
    repo.write("a.env", kore_env())
    old = repo.commit("old secret")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("b.env", kore_env(OTHER_SECRET))
    repo.commit("feature secret")
    repo.git("checkout", "-q", "main")
    repo.write("c.txt", "clean\n")
    repo.commit("clean")
    assert sorted(found(scan("--history")[1])) == [("a.env", 2, "new"), ("b.env", 2, "new")]
    assert found(scan("--history", "--branch", "main")[1]) == [("a.env", 2, "new")]
    code, report, _ = scan("--history", "--since", old, "--branch", "main")
    assert found(report) == [] and code == 0
    assert found(scan("--history", "--since", old)[1]) == [("b.env", 2, "new")]


def test_history_merge_resolution_and_binary_blob(repo: Repo) -> None:
    repo.write("conf.env", "A=1\n")
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00" + STRONG_SECRET.encode())
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("conf.env", "A=2\n")
    repo.commit("side")
    repo.git("checkout", "-q", "main")
    repo.write("conf.env", "A=3\n")
    repo.commit("main")
    try:
        repo.git("merge", "-q", "side", "-m", "merge")
    except Exception:  # the conflict is the point
        pass
    repo.write("conf.env", kore_env())
    merge = repo.commit("merge with a secret in the resolution")
    code, report, _ = scan("--history")
    items = [f for f in report["findings"] if f["rule"] == "SEC002"]
    assert [(f["location"]["path"], f["location"]["commit"]) for f in items] == [("conf.env", merge)]
    assert found(report, "META002") == [("logo.png", None, "new")]  # listed, as in the other modes
    assert code == 1


def test_history_a_suppression_silences_only_its_own_place(repo: Repo) -> None:
    """The same token committed with a suppression in a test fixture and without one in the
    client: the client's copy is what history reports (the fixture's sorts first)."""
    token = long_lived_token()
    repo.write("a_test_fixture.py", f'FIXTURE = "{token}"  # jwtaudit: ignore[SEC001]\n')
    repo.write("b_client.py", f'import requests\nHEADERS = {{"auth": "{token}"}}\n')
    commit = repo.commit("c1")
    code, report, _ = scan("--history", "--fail-on", "high")
    assert placed(report, "SEC001") == [("b_client.py", 2, 21, commit, "new")]
    (item,) = [f for f in report["findings"] if f["rule"] == "SEC001"]
    assert [r["path"] for r in item["related"]] == ["a_test_fixture.py"]
    assert item["evidence"]["first_commit"] == commit
    assert code == 1


def test_history_a_value_suppressed_at_every_place_stays_suppressed(repo: Repo) -> None:
    token = long_lived_token()
    repo.write("a_test_fixture.py", f'FIXTURE = "{token}"  # jwtaudit: ignore[SEC001,TOK]\n')
    repo.write("b_client.py", "import requests\n")
    first = repo.commit("c1")
    repo.write("tests/copy_fixture.py", f'# jwtaudit: ignore-next-line[SEC001,TOK]\nCOPY = "{token}"\n')
    repo.commit("c2")
    code, report, output = scan("--history", "--fail-on", "high")
    assert placed(report, "SEC001") == [("a_test_fixture.py", 1, 12, first, "suppressed")]
    assert code == 0, output


def test_history_lists_each_skipped_file_once_where_it_was_introduced(repo: Repo) -> None:
    repo.write(".jwtaudit.toml", 'max_file_size = 4000\nexclude = ["vendor/"]\n')
    repo.write("small.txt", "x" * 100 + "\n")
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00" + STRONG_SECRET.encode())
    repo.write("vendor/lib.png", b"\x89PNG\r\n\x1a\n\x00")
    repo.commit("base")
    repo.write("big.txt", "y" * 5000 + "\n")
    grown = repo.commit("big")
    repo.write("big.txt", "z" * 6000 + "\n")
    repo.commit("bigger")
    code, report, _ = scan("--history")
    base = repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    assert placed(report, "META002") == [("big.txt", None, None, grown, "new"),
                                         ("logo.png", None, None, base, "new")]
    assert [e["path"] for e in report["summary"]["errors"]] == ["big.txt", "logo.png"]
    assert report["summary"]["errors"][0]["message"] == "larger than the size cap (5001 bytes > 4000)"
    assert code == 0  # META002 is info


def test_history_baseline_accepts_findings_of_a_file_renamed_since(repo: Repo) -> None:
    """The baseline is made at HEAD, where README.md is docs/API.md; history analyses the blob
    once, at the path it had first. Pairings (SEC009) are accepted at their place too."""
    token = long_lived_token()
    repo.write("README.md", f'# API\n\ncurl -H "auth: {token}" https://example.test\n')
    repo.write("deploy/app.env", kore_env())
    first = repo.commit("c1")
    (repo.path / "docs").mkdir()
    repo.git("mv", "README.md", "docs/API.md")
    repo.git("mv", "deploy/app.env", "prod.env")
    repo.commit("c2")
    assert CliRunner().invoke(cli, ["baseline", "create"]).exit_code == 0
    code, report, output = scan("--history")
    assert placed(report, "SEC001") == [("README.md", 3, 16, first, "baseline")]
    assert placed(report, "SEC009") == [("README.md", 3, 16, first, "baseline")]
    assert placed(report, "SEC002") == [("deploy/app.env", 2, 20, first, "baseline")]
    assert code == 0, output


def test_history_baseline_of_a_renamed_file_does_not_accept_a_new_value(repo: Repo) -> None:
    repo.write("README.md", f'# API\n\ncurl -H "auth: {long_lived_token()}" https://example.test\n')
    first = repo.commit("c1")
    (repo.path / "docs").mkdir()
    repo.git("mv", "README.md", "docs/API.md")
    repo.commit("c2")
    assert CliRunner().invoke(cli, ["baseline", "create"]).exit_code == 0
    repo.write("docs/API.md", f'# API\n\ncurl -H "auth: {long_lived_token("new")}" https://example.test\n')
    swapped = repo.commit("c3")
    code, report, _ = scan("--history")
    assert placed(report, "SEC001") == [("README.md", 3, 16, first, "baseline"),
                                        ("docs/API.md", 3, 16, swapped, "new")]
    assert code == 1


def test_history_of_an_empty_repository_exits_3(repo: Repo) -> None:
    code, _, output = scan("--history")
    assert code == 3 and "nothing was scanned" in output


def test_history_with_a_baseline_accepts_any_version_of_the_secret(repo: Repo) -> None:
    repo.write("old.env", kore_env())
    repo.commit("add")
    repo.git("mv", "old.env", "new.env")
    repo.write("new.env", "# moved\n" + kore_env())
    repo.commit("move and edit")
    assert CliRunner().invoke(cli, ["baseline", "create"]).exit_code == 0
    code, report, _ = scan("--history")
    assert [s for _, _, s in found(report)] == ["baseline"] and code == 0


# --- diff ----------------------------------------------------------------------------------------


def test_diff_reports_only_what_was_introduced(repo: Repo) -> None:
    repo.write("a.env", kore_env())
    repo.write("move me.env", kore_env(OTHER_SECRET))
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "pr")
    repo.write("a.env", "# comment moves the secret down\n\n" + kore_env())  # same secret, new line
    repo.git("mv", "move me.env", "moved.env")
    repo.write("fresh.env", kore_env(THIRD_SECRET))
    repo.commit("pr")
    code, report, _ = scan("--diff", "main")
    assert found(report) == [("fresh.env", 2, "new")]
    assert code == 1
    repo.write("a.env", kore_env(OTHER_SECRET))  # a changed secret at the same place is new
    repo.git("rm", "-q", "fresh.env")
    repo.commit("swap")
    assert found(scan("--diff", "main")[1]) == [("a.env", 2, "new")]


def test_diff_pairs_a_new_token_with_a_secret_already_on_the_base(repo: Repo) -> None:
    """SEC009 on a token the branch adds is introduced by the branch, even when the secret that
    signs it was committed long before (and so is not in the diff)."""
    repo.write("config/app.env", kore_env())
    repo.write("notes.md", "notes\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("token.txt", long_lived_token() + "\n")
    repo.write("notes.md", "notes\nmore notes\n")
    repo.commit("token")
    code, report, _ = scan("--diff", "main")
    assert placed(report, "SEC009") == [("token.txt", 1, 1, None, "new")]
    assert placed(report, "SEC001") == [("token.txt", 1, 1, None, "new")]
    assert found(report) == []  # the secret itself is not new
    assert code == 1


def test_diff_does_not_report_a_pairing_that_was_already_on_the_base(repo: Repo) -> None:
    """Both files edited, the token and its signing secret unchanged: that pairing is not new."""
    from tests.helpers import good_payload, make_token

    repo.write("config/app.env", kore_env())
    repo.write("token.txt", long_lived_token() + "\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("config/app.env", "# production\n" + kore_env())
    repo.write("token.txt", "# the same token, a line down\n" + long_lived_token() + "\n")
    repo.write("other.txt", make_token({"alg": "HS256"}, good_payload(exp=4102444800), OTHER_SECRET) + "\n")
    repo.commit("edit")
    code, report, _ = scan("--diff", "main")
    assert placed(report, "SEC009") == []  # the old token's pairing is not new; other.txt has none
    assert placed(report, "SEC001") == [("other.txt", 1, 1, None, "new")] and found(report) == []


def test_diff_with_a_bad_base_is_a_usage_error(repo: Repo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit()
    code, _, output = scan("--diff", "no-such-branch")
    assert code == 2 and "--diff: unknown revision 'no-such-branch'" in output


def test_git_options_are_checked(repo: Repo) -> None:
    assert "cannot be combined" in scan("--staged", "--history")[2]
    code, _, output = scan("--since", "HEAD")
    assert code == 2 and "--since and --branch need --history" in output


# --- baselines -----------------------------------------------------------------------------------


def test_baseline_create_then_moved_code_passes_and_replaced_secret_fails(repo: Repo) -> None:
    repo.write("app/config.env", kore_env())
    runner = CliRunner()
    made = runner.invoke(cli, ["baseline", "create", "-o", "base.json"])
    assert made.exit_code == 0 and "1 findings accepted" in made.output
    text = Path("base.json").read_text()
    assert STRONG_SECRET not in text and hashlib.sha1(STRONG_SECRET.encode()).hexdigest() not in text
    before = text
    repo.write("app/config.env", "# a new first line\nOTHER=1\n\n" + kore_env())
    code, report, _ = scan(".", "--baseline", "base.json")
    assert found(report) == [("app/config.env", 5, "baseline")] and code == 0
    runner.invoke(cli, ["baseline", "update", "-o", "base.json"])
    assert json.loads(Path("base.json").read_text())["findings"] == json.loads(before)["findings"]
    repo.write("app/config.env", kore_env(OTHER_SECRET))
    code, report, _ = scan(".", "--baseline", "base.json")
    assert found(report) == [("app/config.env", 2, "new")] and code == 1
    updated = runner.invoke(cli, ["baseline", "update", "-o", "base.json"])
    assert "1 kept" not in updated.output and "1 added, 1 removed" in updated.output


def test_staged_picks_up_the_default_baseline_file(repo: Repo) -> None:
    repo.write("a.env", kore_env())
    assert CliRunner().invoke(cli, ["baseline", "create"]).exit_code == 0
    repo.git("add", "-A")
    code, report, _ = scan("--staged")
    assert found(report) == [("a.env", 2, "baseline")] and code == 0


def test_baseline_import_from_detect_secrets(repo: Repo) -> None:
    repo.write("a.env", kore_env())
    repo.write("b.env", kore_env(OTHER_SECRET))
    sha = hashlib.sha1(STRONG_SECRET.encode()).hexdigest()
    Path(".secrets.baseline").write_text(json.dumps({"version": "1.5.0", "results": {
        "a.env": [{"type": "Base64 High Entropy String", "filename": "a.env", "hashed_secret": sha,
                   "is_verified": False, "line_number": 2}],
        "gone.env": [{"type": "Secret Keyword", "filename": "gone.env",
                      "hashed_secret": hashlib.sha1(b"x").hexdigest(), "is_verified": False, "line_number": 9}],
    }}))
    out = CliRunner().invoke(cli, ["baseline", "import", ".secrets.baseline"])
    assert out.exit_code == 0, out.output
    assert "imported 1 of 2 detect-secrets entries" in out.output
    assert "gone.env:9 Secret Keyword" in out.output and sha not in out.output
    code, report, _ = scan(".", "--baseline", ".jwtaudit-baseline.json")
    assert sorted(found(report)) == [("a.env", 2, "baseline"), ("b.env", 2, "new")] and code == 1


def test_bad_baseline_file_is_exit_2(repo: Repo) -> None:
    repo.write("a.env", kore_env())
    Path("bad.json").write_text("{not json")
    code, _, output = scan(".", "--baseline", "bad.json")
    assert code == 2 and "bad.json: baseline is not valid JSON" in output


def test_plain_scan_applies_inline_suppressions(repo: Repo) -> None:
    repo.write("a.env", kore_env().replace(STRONG_SECRET, STRONG_SECRET + " # jwtaudit: ignore[SEC002]"))
    repo.write("b.js", "// jwtaudit: ignore-next-line[SEC002]\nconst url = 'https://example.com';\n")
    repo.write("c.yaml", "x: 1  # jwtaudit: ignore\n")
    code, report, _ = scan(".")
    assert found(report) == [("a.env", 2, "suppressed")]
    assert sorted(found(report, "META001")) == [("b.js", 1, "new"), ("c.yaml", 1, "new")]
    assert code == 1
    assert scan(".", "--ignore", "META001")[0] == 0


def test_history_edits_without_triggers_are_carried_but_new_secrets_are_not(repo: Repo) -> None:
    from tests.helpers import good_payload, make_token

    repo.write("src/app.js", "const a = 1;\n")
    repo.commit("add")
    for n in range(3):
        repo.write("src/app.js", f"const a = {n};\n" + "const b = 2;\n" * n)
        repo.commit(f"edit {n}")
    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(exp=4102444800))
    repo.write("src/app.js", f"const a = 9;\nconst auth = '{token}';\n")
    planted = repo.commit("token")
    repo.write("src/app.js", "const a = 10;\nconst b = 2;\n")
    repo.commit("remove it")
    code, report, output = scan("--history")
    assert token not in output
    assert [(f["location"]["path"], f["location"]["line"], f["location"]["commit"], f["evidence"]["commits"])
            for f in report["findings"] if f["rule"] == "SEC001"] == [("src/app.js", 2, planted, 1)]
    assert code == 1
