"""Scratch git repositories for tests: isolated from the user's git config, deterministic dates."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.helpers import CLIENT_ID, OTHER_SECRET, STRONG_SECRET


def kore_env(secret: str = STRONG_SECRET) -> str:
    """A .env file whose line 2 holds a Kore client secret (SEC002 at line 2)."""
    return f"KORE_CLIENT_ID={CLIENT_ID}\nKORE_CLIENT_SECRET={secret}\n"


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        env.pop(name, None)
    return env


class Repo:
    """A git repository in a temporary folder; `commit()` stages everything and returns the id."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.commits = 0
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")
        self.git("config", "core.autocrlf", "false")

    def git(self, *args: str) -> str:
        self.commits += args[:1] == ("commit",)
        date = f"2026-01-01T00:{self.commits // 60 % 60:02d}:{self.commits % 60:02d}+00:00"
        env = git_env()
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        proc = subprocess.run(["git", *args], cwd=self.path, env=env, capture_output=True, check=True)
        return proc.stdout.decode("utf-8", "replace").strip()

    def write(self, rel: str, content: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


def repo_with_a_service_folder(root: Path, monkeypatch) -> Repo:  # type: ignore[no-untyped-def]
    """A committed repository whose `services/bot/.env` holds a Kore client secret (SEC002 at line
    2), made the working folder, with git isolated from the user's config."""
    repo = Repo(root)
    repo.write("services/bot/.env", kore_env())
    repo.commit()
    for name, value in git_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(repo.path)
    return repo


__all__ = ["OTHER_SECRET", "STRONG_SECRET", "Repo", "git_env", "kore_env", "repo_with_a_service_folder"]
