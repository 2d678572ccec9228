"""Time every regex in jwtaudit on adversarial 1 MB lines (the inputs of tests/safety).

    python benchmarks/regex.py [--size 1000000] [--top 15] [--timeout 20]

Each pattern runs in a child process, the way the code calls it (match for anchored use,
a full finditer scan otherwise, the call site's slice when it has one). Prints per pattern the
total and the worst line; a pattern over --timeout seconds on one line is marked SUPER-LINEAR.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.safety.patterns import LINE_SIZE, Pattern, adversarial_inputs, collect, exercise


def _child(pattern: Pattern, size: int, conn: Connection) -> None:
    for name, line in adversarial_inputs(pattern, size).items():
        conn.send(("start", name, 0.0))
        start = time.perf_counter()
        exercise(pattern, line)
        conn.send(("done", name, time.perf_counter() - start))
    conn.send(("end", "", 0.0))


def measure(pattern: Pattern, size: int, timeout: float) -> tuple[dict[str, float], str | None]:
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(pattern, size, send), daemon=True)
    child.start()
    times: dict[str, float] = {}
    current: str | None = None
    try:
        while True:
            if not receive.poll(timeout):
                return times, current
            kind, name, seconds = receive.recv()
            if kind == "end":
                return times, None
            if kind == "start":
                current = name
            else:
                times[name] = seconds
    finally:
        child.kill()
        child.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=LINE_SIZE)
    parser.add_argument("--top", type=int, default=0, help="show only the N slowest patterns")
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    rows = []
    for pattern in collect():
        times, hung = measure(pattern, args.size, args.timeout)
        worst = max(times, key=times.__getitem__) if times else "-"
        rows.append((sum(times.values()), pattern, worst, times.get(worst, 0.0), len(times), hung))
    rows.sort(key=lambda r: r[0], reverse=True)
    print(f"{len(rows)} patterns, {args.size:,}-character lines")
    print(f"{'total s':>8} {'worst s':>8} {'lines':>5}  {'worst line':<18} pattern")
    for total, pattern, worst, worst_s, count, hung in rows[: args.top or None]:
        flag = f"  SUPER-LINEAR on {hung!r}" if hung else ""
        print(f"{total:8.3f} {worst_s:8.3f} {count:5d}  {worst:<18} {pattern.where}{flag}")
    slow = sum(1 for r in rows if r[5])
    print(f"sum of all patterns: {sum(r[0] for r in rows):.1f} s; super-linear: {slow}")


if __name__ == "__main__":
    main()
