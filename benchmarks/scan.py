"""Benchmark `jwtaudit scan` against detect-secrets and plain-regex floors on one tree, in one run.

    python benchmarks/make_tree.py /tmp/tree --files 2000
    python benchmarks/scan.py /tmp/tree [--jobs 2] [--skip-detect-secrets]

Prints, for each tool: wall time, CPU time (children), peak RSS of the largest process, and —
from `/tmp/tree.truth.json` when the tree has one — recall for every planted kind (jwt,
client_secret, xenioo_key) and the share of decoys flagged. A planted item counts as found when
the tool reports anything on its file and line. Any folder can be measured (a real code base has
no truth file: timings and finding counts only). Floors: reading every file in Python; one regex
per file in Python plus decoding each hit; ripgrep for JWT-shaped strings when `rg` is
installed. gitleaks runs too when `gitleaks` is on PATH or `GITLEAKS=/path/to/gitleaks` is set
(`gitleaks dir`, its default rules).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

JWT_RE = re.compile(rb"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
MUST_FIND = ("jwt", "client_secret", "xenioo_key")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: Path | None = None
          ) -> tuple[float, float, float, subprocess.CompletedProcess[bytes]]:
    """(wall s, CPU s, peak RSS MB of the largest process of the command's tree, process).

    The peak is each process's high-water mark (VmHWM) read from /proc while the command runs.
    `getrusage(RUSAGE_CHILDREN).ru_maxrss` is not used: Linux hands a process its parent's
    children-maximum at fork, so it reports whatever the invoking shell ran before, if larger."""
    cpu0, wall0 = children_cpu(), time.perf_counter()
    with subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as popen:
        peak = [0]
        watcher = threading.Thread(target=_watch_peak, args=(popen.pid, peak), daemon=True)
        watcher.start()
        out, err = popen.communicate()
        watcher.join()
    proc = subprocess.CompletedProcess(cmd, popen.returncode, out, err)
    wall, cpu = time.perf_counter() - wall0, children_cpu() - cpu0
    return wall, cpu, peak[0] / 1024, proc


def _watch_peak(pid: int, peak: list[int]) -> None:
    """Largest VmHWM (kB) of `pid` and its descendants, sampled every 20 ms until `pid` exits."""
    while os.path.exists(f"/proc/{pid}"):
        pending, seen = [pid], set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            try:
                status = Path(f"/proc/{current}/status").read_text()
                children = " ".join(Path(task, "children").read_text()
                                    for task in Path(f"/proc/{current}/task").iterdir())
            except OSError:
                continue
            if "State:\tZ" in status:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]))
            pending.extend(int(child) for child in children.split())
        time.sleep(0.02)


def score(hits: set[tuple[str, int]], truth: list[dict[str, object]]) -> dict[str, str]:
    totals, found = Counter(), Counter()
    for item in truth:
        kind = str(item["kind"])
        totals[kind] += 1
        if (item["path"], item["line"]) in hits:
            found[kind] += 1
    out = {}
    for kind in sorted(totals):
        label = "recall" if kind in MUST_FIND else "flagged"
        out[kind] = f"{label} {found[kind]}/{totals[kind]} ({100 * found[kind] / totals[kind]:.1f}%)"
    return out


def run_jwtaudit(tree: Path, jobs: int | None) -> tuple[dict[str, float], set[tuple[str, int]]]:
    out = tree.parent / f"{tree.name}.jwtaudit.json"
    cmd = [sys.executable, "-m", "jwtaudit", "scan", str(tree), "--format", "json", "-o", str(out),
           "--now", "2026-11-22"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    wall, cpu, rss, proc = timed(cmd)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"jwtaudit failed: {proc.stderr.decode()[-500:]}")
    report = json.loads(out.read_text())
    hits = {(f["location"]["path"], f["location"]["line"]) for f in report["findings"]}
    return {"wall": wall, "cpu": cpu, "rss": rss, "findings": len(report["findings"])}, hits


def run_detect_secrets(tree: Path) -> tuple[dict[str, float], set[tuple[str, int]]] | None:
    exe = shutil.which("detect-secrets")
    if exe is None:
        return None
    wall, cpu, rss, proc = timed([exe, "scan", "--all-files"], cwd=tree)
    data = json.loads(proc.stdout or b"{}")
    hits = {(path, item["line_number"]) for path, items in data.get("results", {}).items() for item in items}
    return {"wall": wall, "cpu": cpu, "rss": rss, "findings": len(hits)}, hits


def run_gitleaks(tree: Path) -> tuple[dict[str, float], set[tuple[str, int]]] | None:
    exe = os.environ.get("GITLEAKS") or shutil.which("gitleaks")
    if not exe:
        return None
    out = tree.parent / f"{tree.name}.gitleaks.json"
    wall, cpu, rss, proc = timed([exe, "dir", str(tree), "--no-banner", "--exit-code", "0", "-f", "json",
                                  "-r", str(out)])
    if proc.returncode != 0:
        raise SystemExit(f"gitleaks failed: {proc.stderr.decode()[-500:]}")
    data = json.loads(out.read_text() or "[]")
    hits = {(os.path.relpath(item["File"], tree), item["StartLine"]) for item in data}
    return {"wall": wall, "cpu": cpu, "rss": rss, "findings": len(data)}, hits


def python_floors(tree: Path) -> dict[str, float]:
    from jwtaudit.errors import TokenError
    from jwtaudit.tokens import decode_unverified

    files = [os.path.join(d, f) for d, _, names in os.walk(tree) for f in names]
    start = time.perf_counter()
    total = 0
    for path in files:
        with open(path, "rb") as handle:
            total += len(handle.read())
    read = time.perf_counter() - start
    start = time.perf_counter()
    decoded = 0
    for path in files:
        with open(path, "rb") as handle:
            data = handle.read()
        for match in JWT_RE.finditer(data):
            try:
                decode_unverified(match.group().decode("ascii"))
                decoded += 1
            except TokenError:
                pass
    regex = time.perf_counter() - start
    return {"files": len(files), "bytes": total, "read": read, "regex": regex, "tokens": decoded}


def show(label: str, stats: dict[str, float], hits: set[tuple[str, int]], truth: list[dict[str, object]],
         unit: str, rss: bool = False) -> None:
    """One tool's line (wall, CPU, [peak RSS], count) and its recall / decoys per planted kind."""
    print(f"{label}: {stats['wall']:.2f} s wall, {stats['cpu']:.2f} s CPU, "
          + (f"peak RSS {stats['rss']:.0f} MB, " if rss else "") + f"{stats['findings']} {unit}")
    for kind, text in score(hits, truth).items():
        print(f"    {kind:<18} {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--skip-detect-secrets", action="store_true")
    args = parser.parse_args()
    tree = args.tree.resolve()
    truth_file = Path(f"{tree}.truth.json")
    truth = json.loads(truth_file.read_text()) if truth_file.exists() else []
    floors = python_floors(tree)
    print(f"tree: {floors['files']} files, {floors['bytes'] / 1e6:.1f} MB, {len(truth)} planted items")
    print(f"floor  read every file (python):        {floors['read']:.2f} s")
    print(f"floor  one regex per file + decode:     {floors['regex']:.2f} s ({floors['tokens']} tokens)")
    rg = shutil.which("rg")
    rg_wall = None
    if rg:
        pattern = r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\."
        rg_wall, _, _, _ = timed([rg, "-c", "--no-ignore", "-e", pattern, str(tree)])
        print(f"floor  ripgrep JWT-shaped strings:      {rg_wall:.2f} s")
    else:
        print("floor  ripgrep: not installed")
    stats, hits = run_jwtaudit(tree, args.jobs)
    show(f"jwtaudit scan (--jobs {args.jobs or 'all'})", stats, hits, truth, "findings", rss=True)
    gitleaks = run_gitleaks(tree)
    if gitleaks is None:
        print("gitleaks: not installed (set GITLEAKS=/path/to/gitleaks)")
    else:
        gl_stats, gl_hits = gitleaks
        show("gitleaks dir", gl_stats, gl_hits, truth, "findings")
    result = None
    if not args.skip_detect_secrets:
        result = run_detect_secrets(tree)
        if result is None:
            print("detect-secrets: not installed")
        else:
            ds_stats, ds_hits = result
            show("detect-secrets scan --all-files", ds_stats, ds_hits, truth, "flagged lines")
    if gitleaks is not None:
        print(f"speed: gitleaks / jwtaudit = {gl_stats['wall'] / stats['wall']:.2f}x (wall)")
    if rg_wall is not None:
        print(f"speed: jwtaudit = {stats['wall'] / max(rg_wall, 1e-9):.0f}x the ripgrep floor")
    print(f"speed: jwtaudit = {stats['wall'] / max(floors['regex'], 1e-9):.1f}x the python regex floor"
          + (f", detect-secrets / jwtaudit = {ds_stats['wall'] / stats['wall']:.0f}x"
             if result else ""))


if __name__ == "__main__":
    main()
