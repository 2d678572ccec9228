"""History scan of a 2,000-commit repository against the floor: `git log -p` piped to a regex.

    python benchmarks/history.py [--commits 2000] [--files 400] [--keep DIR]

Builds a deterministic repository with `git fast-import`: a first commit with FILES source files,
then COMMITS-1 commits that each edit 1-3 files; every 25th commit plants a fake Kore client
secret in a `.env` file or a signed JWT in a `.js` file, and a later commit deletes or overwrites
some of them again. Then, in the same run, it times

- the floor: `git log -p --all` piped to `grep -E` with the two secret patterns (C speed, no
  parsing, no context), and the same stream searched with Python's `re`;
- `jwtaudit scan --history --format json`,

and checks that every planted secret is reported with the commit and path where it was planted.
Prints the numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SECRET_RE = r"[A-Za-z0-9+/]{43}=|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+"
WORDS = "order customer invoice session handler payload render widget metric cache queue bot dialog".split()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Builder:
    def __init__(self, files: int, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.files: dict[str, list[str]] = {}
        self.truth: list[dict[str, object]] = []  # {mark, path, kind}
        for n in range(files):
            ext = (".py", ".js", ".json", ".md", ".yaml")[n % 5]
            self.files[f"src/mod{n // 50}/file{n}{ext}"] = [self.line() for _ in range(60)]

    def line(self) -> str:
        a, b = self.rng.choice(WORDS), self.rng.choice(WORDS)
        return f"{a}_{b} = compute('{a}', {self.rng.randint(0, 99999)})"

    def client_id(self) -> str:
        return "cs-" + str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token(self, secret: bytes) -> str:
        head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = b64url(json.dumps({"sub": f"user-{self.rng.randint(0, 9999)}", "appId": self.client_id(),
                                  "iat": 1790000000, "exp": 1790003600}).encode())
        sig = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{b64url(sig)}"

    def stream(self, commits: int) -> bytes:
        out: list[bytes] = []

        def blob(path: str, lines: list[str]) -> None:
            data = ("\n".join(lines) + "\n").encode()
            out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

        planted_env: list[str] = []
        for mark in range(1, commits + 1):
            when = 1700000000 + mark * 3600
            message = f"commit {mark}".encode()
            out.append(f"commit refs/heads/main\nmark :{mark}\nauthor Bench <b@example.com> {when} +0000\n"
                       f"committer Bench <b@example.com> {when} +0000\ndata {len(message)}\n".encode()
                       + message + b"\n")
            if mark > 1:
                out.append(f"from :{mark - 1}\n".encode())
            if mark == 1:
                for path, lines in self.files.items():
                    blob(path, lines)
                continue
            for path in self.rng.sample(sorted(self.files), self.rng.randint(1, 3)):
                lines = self.files[path]
                lines[self.rng.randrange(len(lines))] = self.line()
                if self.rng.random() < 0.3:
                    lines.insert(self.rng.randrange(len(lines)), self.line())
                blob(path, lines)
            if mark % 25 == 0:
                if (mark // 25) % 2:
                    path = f"deploy/env{mark}.env"
                    secret = base64.b64encode(self.rng.randbytes(32)).decode()
                    blob(path, [f"KORE_CLIENT_ID={self.client_id()}", f"KORE_CLIENT_SECRET={secret}"])
                    planted_env.append(path)
                    self.truth.append({"mark": mark, "path": path, "kind": "SEC002"})
                else:
                    path = self.rng.choice([p for p in sorted(self.files) if p.endswith(".js")])
                    lines = self.files[path]
                    lines.insert(5, f"const authToken = '{self.token(self.rng.randbytes(32))}';")
                    blob(path, lines)
                    self.truth.append({"mark": mark, "path": path, "kind": "SEC001"})
            if mark % 60 == 0 and planted_env:
                out.append(f"D {planted_env.pop(0)}\n".encode())  # deleted again: only history has it
            for path, lines in self.files.items():  # remove planted tokens again some commits later
                if mark % 40 == 0 and mark % 25 and lines[5].startswith("const authToken"):
                    del lines[5]
                    blob(path, lines)
                    break
        return b"".join(out)


def build(repo: Path, commits: int, files: int) -> tuple[list[dict[str, object]], dict[int, str]]:
    builder = Builder(files)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    data = builder.stream(commits)
    marks = repo / ".git" / "bench-marks"
    subprocess.run(["git", "fast-import", "--quiet", f"--export-marks={marks}"], cwd=repo, input=data,
                   check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True)
    by_mark = {}
    for line in marks.read_text().splitlines():
        mark, sha = line.split()
        by_mark[int(mark[1:])] = sha
    return builder.truth, by_mark


def timed(label: str, func) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = func()
    elapsed = time.perf_counter() - start
    print(f"{label:<52} {elapsed:8.2f} s")
    return elapsed, value


def floor_grep(repo: Path) -> int:
    log = subprocess.Popen(["git", "log", "-p", "--all"], cwd=repo, stdout=subprocess.PIPE)
    grep = subprocess.run(["grep", "-cE", SECRET_RE], stdin=log.stdout, capture_output=True, check=False)
    log.wait()
    return int(grep.stdout.decode().strip() or 0)


def floor_python(repo: Path) -> int:
    out = subprocess.run(["git", "log", "-p", "--all"], cwd=repo, capture_output=True, check=True).stdout
    return len(re.findall(SECRET_RE.encode(), out))


def run_jwtaudit(repo: Path) -> dict[str, object]:
    exe = shutil.which("jwtaudit")
    cmd = [exe, "scan", "--history", "--format", "json"] if exe else \
        [sys.executable, "-m", "jwtaudit", "scan", "--history", "--format", "json"]
    proc = subprocess.run(cmd, cwd=repo, capture_output=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"jwtaudit failed: {proc.stderr.decode()[-500:]}")
    return json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--keep", metavar="DIR", help="build the repository here and keep it")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="jwtaudit-history-"))
    repo = work / "repo"
    if repo.exists():
        shutil.rmtree(repo)
    _, (truth, by_mark) = timed(f"build {args.commits} commits, {args.files} files (fast-import)",
                                lambda: build(repo, args.commits, args.files))
    floor, grep_hits = timed("floor: git log -p --all | grep -cE", lambda: floor_grep(repo))
    floor_py, py_hits = timed("git log -p --all | python re", lambda: floor_python(repo))
    ours, report = timed("jwtaudit scan --history", lambda: run_jwtaudit(repo))
    findings = report["findings"]  # type: ignore[index]
    reported = {(f["rule"], f["location"]["path"], f["location"]["commit"]) for f in findings}
    missing = [t for t in truth if (t["kind"], t["path"], by_mark[int(t["mark"])]) not in reported]  # type: ignore[arg-type]
    props = report.get("properties", {}) if isinstance(report, dict) else {}
    print(f"\nfloor matches: grep {grep_hits} lines, python {py_hits}")
    print(f"jwtaudit: {len(findings)} findings; planted secrets {len(truth)}, "
          f"found with commit and path {len(truth) - len(missing)}, missing {len(missing)}")
    print(f"jwtaudit / floor (grep): {ours / floor:.2f}x; jwtaudit / python-re floor: {ours / floor_py:.2f}x")
    if props:
        print(f"properties: {json.dumps(props)}")
    for item in missing[:10]:
        print(f"  missing: {item}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
