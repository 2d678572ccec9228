"""The real pre-commit, running this repository's `jwtaudit` hook in a scratch repository.

`pre-commit try-repo` installs this repository (its HEAD commit) into a fresh virtualenv, exactly
as a user's `.pre-commit-config.yaml` would, then runs the hook on the staged files. Installing
needs a package index for the dependencies; without one the test skips and says so.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.git_helpers import Repo, git_env
from tests.helpers import CLIENT_ID, good_payload, make_token

PROJECT = Path(__file__).resolve().parents[1]
NO_INDEX = ("Could not find a version that satisfies", "No matching distribution found",
            "Failed to establish a new connection", "Temporary failure in name resolution",
            "Network is unreachable", "ProxyError", "Could not fetch URL")

pytestmark = pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def project_head() -> str:
    if not (PROJECT / ".git").exists():
        pytest.skip("the project is not a git checkout: try-repo needs one")
    proc = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT, capture_output=True, text=True,
                          env=git_env(), check=False)
    if proc.returncode != 0:
        pytest.skip("the project checkout has no commit")
    ls = subprocess.run(["git", "cat-file", "-e", "HEAD:.pre-commit-hooks.yaml"], cwd=PROJECT,
                        env=git_env(), check=False)
    assert ls.returncode == 0, ".pre-commit-hooks.yaml must be committed at the repository root"
    return proc.stdout.strip()


def try_repo(repo: Repo, home: Path) -> subprocess.CompletedProcess[str]:
    env = git_env()
    env["PRE_COMMIT_HOME"] = str(home)
    env.pop("PRE_COMMIT", None)
    proc = subprocess.run(
        ["pre-commit", "try-repo", str(PROJECT), "jwtaudit", "--ref", project_head(), "--color", "never"],
        cwd=repo.path, env=env, capture_output=True, text=True, timeout=900, check=False,
    )
    output = proc.stdout + proc.stderr
    ran = "- hook id: jwtaudit" in output or "Passed" in output
    if proc.returncode not in (0, 1) or not ran:
        if any(marker in output for marker in NO_INDEX):
            pytest.skip("pre-commit could not install the hook's dependencies: no package index reachable")
        pytest.fail(f"pre-commit try-repo failed to run (exit {proc.returncode}):\n{output[-3000:]}")
    return proc


def test_hook_fails_on_a_leaked_token_and_prints_no_secret(tmp_path: Path, home: Path) -> None:
    repo = Repo(tmp_path / "scratch")
    repo.write("README.md", "scratch\n")
    repo.commit("init")
    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(exp=4102444800))
    repo.write("src/client config.js", f"const clientId = '{CLIENT_ID}';\nconst auth = '{token}';\n")
    repo.git("add", "-A")
    proc = try_repo(repo, home)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "Failed" in output and "SEC001" in output and "src/client config.js:2" in output
    assert token not in output and token.split(".")[2] not in output


def test_hook_passes_on_a_clean_commit(tmp_path: Path, home: Path) -> None:
    repo = Repo(tmp_path / "scratch")
    repo.write("README.md", "scratch\n")
    repo.commit("init")
    repo.write("src/app.py", "import os\n\nSECRET = os.environ['KORE_CLIENT_SECRET']\n")
    repo.git("add", "-A")
    proc = try_repo(repo, home)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "jwtaudit (leaked tokens and secrets in staged files)" in output and "Passed" in output
    repo.commit("clean commit")  # and the commit itself goes through
