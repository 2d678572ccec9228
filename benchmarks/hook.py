"""Latency of the pre-commit hook (`jwtaudit scan --staged FILE…`) with 10 staged files, in a
20,000-file repository and in a 100-file one, against the process start cost.

    python benchmarks/hook.py [--files 20000] [--runs 7] [--full]

The hook must cost about the same whatever the size of the repository: it reads 10 blobs from
the index and never walks the tree. `--full` also times one whole-tree `jwtaudit scan .` for
contrast. Prints the numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def build(repo: Path, files: int, seed: int = 5) -> list[str]:
    """A repository with `files` committed files and 10 modified, staged ones (3 with a secret)."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    paths = [f"pkg{n // 200}/mod{n % 200}/file{n}.{('py', 'js', 'json', 'md')[n % 4]}" for n in range(files)]
    out = [b"commit refs/heads/main\nauthor B <b@example.com> 1700000000 +0000\n"
           b"committer B <b@example.com> 1700000000 +0000\ndata 4\ninit\n"]
    for path in paths:
        data = "".join(f"value_{rng.randint(0, 9999)} = compute({i})\n" for i in range(40)).encode()
        out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(out), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True)
    staged = rng.sample(paths, 10)
    for index, path in enumerate(staged):
        target = repo / path
        extra = ""
        if index < 3:
            secret = base64.b64encode(rng.randbytes(32)).decode()
            extra = f"KORE_CLIENT_SECRET = '{secret}'\n"
        target.write_text(target.read_text() + "new_line = 1\n" + extra)
    subprocess.run(["git", "add", "--", *staged], cwd=repo, check=True)
    return staged


def timed(cmd: list[str], cwd: Path, runs: int) -> tuple[float, float, int]:
    samples = []
    code = 0
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              check=False).returncode
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, min(samples) * 1000, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--full", action="store_true", help="also time one whole-tree scan")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jwtaudit-hook-"))
    exe = shutil.which("jwtaudit")
    jwtaudit = [exe] if exe else [sys.executable, "-m", "jwtaudit"]
    try:
        start = time.perf_counter()
        big_files = build(work / "big", args.files)
        small_files = build(work / "small", 100)
        print(f"built {args.files}-file and 100-file repositories in {time.perf_counter() - start:.1f} s\n")
        big, small, staged = work / "big", work / "small", [*jwtaudit, "scan", "--staged"]
        rows = [
            ("python -c pass", [sys.executable, "-c", "pass"], work),
            ("jwtaudit --version", [*jwtaudit, "--version"], work),
            (f"hook: 10 staged files, 3 leaks ({args.files} files)", [*staged, *big_files], big),
            ("hook: 10 staged files, 3 leaks (100 files)", [*staged, *small_files], small),
            (f"hook: 7 clean staged files ({args.files} files)", [*staged, *big_files[3:]], big),
            ("hook: 7 clean staged files (100 files)", [*staged, *small_files[3:]], small),
            (f"scan --staged, no file list ({args.files} files)", staged, big),
        ]
        print(f"{'command':<52} {'median ms':>10} {'min ms':>8} {'exit':>5}")
        base = None
        for label, cmd, cwd in rows:
            median, low, code = timed(cmd, cwd, args.runs)
            base = median if base is None else base
            print(f"{label:<52} {median:>10.1f} {low:>8.1f} {code:>5}   (+{median - base:.0f} ms)")
        if args.full:
            median, _, code = timed([*jwtaudit, "scan", ".", "-j", "2"], work / "big", 1)
            print(f"{'whole tree: scan . -j 2 (' + str(args.files) + ' files)':<52} {median:>10.1f} "
                  f"{'':>8} {code:>5}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
