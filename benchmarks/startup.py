"""Cold-start cost of `jwtaudit token <t>` against `python -c pass` (the pre-commit hook pays it).

Usage: python benchmarks/startup.py [--runs N]
Prints the median and min wall time of each command and the modules `jwtaudit token` imports.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import shutil
import statistics
import subprocess
import sys
import time


def make_token() -> str:
    def seg(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    now = int(time.time())
    payload = {"sub": "bench", "appId": "cs-00000000-0000-4000-8000-000000000000", "jti": "j",
               "iat": now, "exp": now + 600}
    signing_input = f"{seg({'alg': 'HS256', 'typ': 'JWT'})}.{seg(payload)}"
    sig = hmac.new(b"k" * 32, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(sig).rstrip(b'=').decode()}"


def timed(cmd: list[str], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    token = make_token()
    exe = shutil.which("jwtaudit")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -m jwtaudit --version": [sys.executable, "-m", "jwtaudit", "--version"],
        "python -m jwtaudit token <t>": [sys.executable, "-m", "jwtaudit", "token", token],
    }
    if exe:
        commands["jwtaudit token <t> (console script)"] = [exe, "token", token]
    print(f"{'command':<40} {'median ms':>10} {'min ms':>8}")
    base = None
    for name, cmd in commands.items():
        samples = timed(cmd, args.runs)
        median = statistics.median(samples) * 1000
        base = base if base is not None else median
        extra = f"(+{median - base:.1f} ms over python)"
        print(f"{name:<40} {median:>10.1f} {min(samples) * 1000:>8.1f}   {extra}")
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "jwtaudit", "token", token],
        capture_output=True, text=True, check=False,
    )
    names = ("jwt.", "jwcrypto", "detect_secrets", "jinja2", "tree_sitter", "yaml")
    heavy = [line for line in probe.stderr.splitlines() if any(m in line for m in names)]
    print(f"heavy modules imported by `jwtaudit token`: {len(heavy)}")


if __name__ == "__main__":
    main()
