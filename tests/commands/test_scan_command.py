"""`jwtaudit scan` end to end: exit codes, exact findings, --jobs determinism, hostile files."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from jwtaudit.cli import cli
from jwtaudit.commands import scan as scan_module
from jwtaudit.commands.scan import ScanRequest, run_scan
from jwtaudit.config import Config
from jwtaudit.sources.files import FileEntry
from tests.helpers import CLIENT_ID, NOW, STRONG_SECRET, good_payload, make_token

TOKEN = make_token({"alg": "HS256", "typ": "JWT"}, good_payload())


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    return root


def invoke(*args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(cli, ["scan", *args, "--now", str(NOW)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def findings(stdout: str) -> list[tuple[str, str, int | None]]:
    return [(f["rule"], f["location"]["path"], f["location"]["line"]) for f in json.loads(stdout)["findings"]]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write(tmp_path / "repo", {
        ".env": f"KORE_CLIENT_ID={CLIENT_ID}\nKORE_CLIENT_SECRET={STRONG_SECRET}\n",
        "docs/api.md": f"```sh\ncurl -H 'auth: {TOKEN}' https://bots.kore.ai/api/public/bot/st-1/export\n```\n",
        "logo.png": b"\x89PNG\r\n\x1a\n\0\0",
        "src/app.py": "def main():\n    return 0\n",
    })


def test_json_report_exact_findings_and_exit_1(repo: Path) -> None:
    code, out, err = invoke(str(repo), "--format", "json", "--select", "SEC,META", "--jobs", "1")
    assert code == 1, err
    assert findings(out) == [
        ("SEC002", ".env", 2),
        ("SEC001", "docs/api.md", 2),
        ("SEC009", "docs/api.md", 2),
        ("META002", "logo.png", None),
    ]
    summary = json.loads(out)["summary"]
    assert summary["files_scanned"] == 3
    assert summary["errors"] == [{"path": "logo.png", "message": "binary file type (.png)"}]


def test_no_secret_in_any_format(repo: Path, tmp_path: Path) -> None:
    for fmt in ("text", "json", "sarif"):
        code, out, err = invoke(str(repo), "--format", fmt, "--jobs", "1")
        assert code == 1
        for canary in (STRONG_SECRET, TOKEN, TOKEN.split(".")[2]):
            assert canary not in out and canary not in err


def test_fail_on_and_select(repo: Path) -> None:
    assert invoke(str(repo), "--select", "META", "--jobs", "1")[0] == 0  # info only, below --fail-on low
    assert invoke(str(repo), "--select", "SEC001", "--fail-on", "critical", "--jobs", "1")[0] == 0
    assert invoke(str(repo), "--select", "SEC002", "--fail-on", "critical", "--jobs", "1")[0] == 1


def test_nothing_scanned_exits_3(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = invoke(str(tmp_path / "empty"))
    assert code == 3 and "nothing was scanned" in err


def test_missing_path_exits_2(tmp_path: Path) -> None:
    code, _, err = invoke(str(tmp_path / "nope"))
    assert code == 2 and "no such file or directory" in err


def test_jobs_2_and_jobs_1_give_identical_json(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"pkg/m{i:03d}.py": f"def f{i}():\n    return {i}\n" for i in range(260)}
    files.update({f"cfg/app{i}.json": json.dumps({"clientId": CLIENT_ID, "clientSecret": STRONG_SECRET}, indent=2)
                  for i in range(3)})
    files.update({f"docs/t{i}.md": f"auth: {TOKEN}\n" for i in range(3)})
    root = write(tmp_path / "big", files)
    one = invoke(str(root), "--format", "json", "--jobs", "1")
    two = invoke(str(root), "--format", "json", "--jobs", "2")
    assert one[0] == two[0] == 1
    assert one[1] == two[1]
    assert ("SEC010", "cfg/app0.json", 3) in findings(one[1])
    assert "scanned" not in two[2]  # no progress bar when stderr is not a terminal


def test_minified_5mb_single_line_file(tmp_path: Path) -> None:
    filler = "var a=function(b){return b+1};" * 160_000
    text = filler + f'var c={{apiKey:"{TOKEN}"}};' + filler[:100_000]
    root = write(tmp_path / "min", {"dist/app.min.js": text})
    started = time.monotonic()
    result, _ = run_scan(ScanRequest(paths=(str(root),), jobs=1, now=NOW), Config.blank().with_overrides(select=("SEC",)))
    assert time.monotonic() - started < 30
    assert [(f.rule, f.location.line, f.location.column) for f in result.findings] == [
        ("SEC001", 1, len(filler) + 16)]


def test_file_over_size_cap_is_meta002(tmp_path: Path) -> None:
    root = write(tmp_path / "cap", {"big.log": "x" * 2000, "ok.txt": "fine"})
    config = Config.blank().with_overrides(max_file_size=1000)
    result, _ = run_scan(ScanRequest(paths=(str(root),), jobs=1, now=NOW), config)
    assert [(f.rule, f.location.path) for f in result.findings] == [("META002", "big.log")]
    assert result.files_scanned == 1
    assert "size cap" in result.errors[0].message


def test_file_vanishing_mid_scan_and_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path / "v", {"a.txt": "a", "locked.txt": "b"})
    real_collect = scan_module.collect

    def collect_with_ghost(paths, base, exclude, exclude_base=None):  # type: ignore[no-untyped-def]
        entries, skipped = real_collect(paths, base, exclude, exclude_base)
        return [*entries, FileEntry(rel_path="ghost.txt", abs_path=str(root / "ghost.txt"))], skipped

    real_open = open

    def guarded_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(scan_module, "collect", collect_with_ghost)
    monkeypatch.setattr("jwtaudit.sources.files.open", guarded_open, raising=False)
    result, _ = run_scan(ScanRequest(paths=(str(root),), jobs=1, now=NOW), Config.blank())
    assert [(e.path, e.message) for e in result.errors] == [
        ("ghost.txt", "file vanished during the scan"), ("locked.txt", "permission denied")]
    assert [(f.rule, f.location.path) for f in result.findings] == [("META002", "ghost.txt"), ("META002", "locked.txt")]
    assert result.files_scanned == 1


def test_encodings_never_crash(tmp_path: Path) -> None:
    root = write(tmp_path / "enc", {
        "utf16.txt": "\ufeff".encode("utf-16-le") + f"token = '{TOKEN}'\n".encode("utf-16-le"),
        "latin1.txt": "café = 'x'\n".encode("latin-1") + f"auth: {TOKEN}\n".encode(),
        "bad-utf8.json": b'{"a": "\xff\xfe"}',
    })
    result, _ = run_scan(ScanRequest(paths=(str(root),), jobs=1, now=NOW), Config.blank().with_overrides(select=("SEC001",)))
    assert [(f.location.path, f.location.line) for f in result.findings] == [("latin1.txt", 2), ("utf16.txt", 1)]
    assert result.files_scanned == 3


def test_a_name_under_a_key_named_key_does_not_mangle_report_paths(tmp_path: Path) -> None:
    """`- {key: module_utils}` in a settings file must not make the redactor scrub every path
    through a `module_utils` directory."""
    root = write(tmp_path / "repo", {
        "config/base.yml": "ini:\n  - {key: module_utils, section: defaults}\n",
        "lib/module_utils/auth.env": f"KORE_CLIENT_ID={CLIENT_ID}\nKORE_CLIENT_SECRET={STRONG_SECRET}\n",
    })
    code, out, err = invoke(str(root), "--format", "json", "--select", "SEC002", "--jobs", "1")
    assert code == 1, err
    assert findings(out) == [("SEC002", "lib/module_utils/auth.env", 2)]
    assert STRONG_SECRET not in out


def test_deliberate_skips_never_fail_the_run_and_alone_are_nothing_scanned(tmp_path: Path) -> None:
    """README: binary files and files over the size cap are listed (META002), not failing — at any
    --fail-on; a folder holding only such files has nothing scanned (3)."""
    (tmp_path / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert invoke(str(tmp_path), "--fail-on", "info")[0] == 3
    (tmp_path / "notes.txt").write_text("nothing secret here\n")
    code, out, _ = invoke(str(tmp_path), "--fail-on", "info", "--format", "json")
    assert code == 0 and [f["rule"] for f in json.loads(out)["findings"]] == ["META002"]
