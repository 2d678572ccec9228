"""Every finding `jwtaudit scan` makes on a real code base, for a reader to judge one by one.

A real code base (an unpacked source distribution: Django, botocore, SymPy, ansible-core …) has
no truth file: what it should produce is findings that are real, and nothing else. This prints
the count per rule and each finding (rule, confidence, place, message) outside META002 (binary
files skipped), so a change to a filter can be judged on what it adds and removes.

    python benchmarks/precision.py /tmp/real/mix
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def findings(tree: Path, jobs: int | None) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "report.json"
        command = [sys.executable, "-m", "jwtaudit", "scan", str(tree), "--format", "json", "-o", str(out),
                   "--fail-on", "critical"]
        if jobs:
            command += ["--jobs", str(jobs)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode not in (0, 1):
            sys.exit(f"jwtaudit scan failed ({done.returncode}): {done.stderr.strip()}")
        report = json.loads(out.read_text())
    return [f for f in report["findings"] if f["rule"] != "META002"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    found = findings(args.tree, args.jobs)
    counts = collections.Counter(str(f["rule"]) for f in found)
    by_rule = ", ".join(f"{rule} {n}" for rule, n in counts.most_common())
    print(f"{len(found)} findings outside META002: {by_rule}")
    for finding in found:
        location = finding["location"]
        assert isinstance(location, dict)
        place = f"{location['path']}:{location['line']}" if location.get("line") else str(location["path"])
        print(f"{finding['rule']:7} {finding['confidence']:6} {place}  {str(finding['message'])[:90]}")


if __name__ == "__main__":
    main()
