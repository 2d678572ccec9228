"""Token analysis rate: `jwtaudit token` on N tokens, and the weak-secret crack rate.

    python benchmarks/tokens.py [--tokens 2000] [--words 20000]

Prints tokens/second for the whole command in-process (decode, classify, every TOK rule,
the built-in weak-secret list, report rendering) and for a subprocess reading the tokens from
stdin, then the HMAC crack rate (candidate secrets tried per second) of `tokens.crack_hmac`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time

NOW = 1795300000


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_tokens(count: int) -> list[str]:
    out = []
    for i in range(count):
        header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = b64(json.dumps({"sub": f"user-{i}", "appId": "cs-3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b",
                                  "jti": f"j-{i}", "iat": NOW - 60, "exp": NOW + 1800}).encode())
        sig = hmac.new(os.urandom(32), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        out.append(f"{header}.{payload}.{b64(sig)}")
    return out


def in_process(tokens: list[str]) -> float:
    from click.testing import CliRunner

    from jwtaudit.cli import cli

    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["token", "--now", str(NOW), "--format", "json", "-"],
                                input="\n".join(tokens) + "\n")
    elapsed = time.perf_counter() - start
    assert result.exit_code in (0, 1), result.output[-500:]
    return elapsed


def subprocess_run(tokens: list[str]) -> float:
    start = time.perf_counter()
    command = [sys.executable, "-m", "jwtaudit", "token", "--now", str(NOW), "--format", "json", "-"]
    proc = subprocess.run(command, input="\n".join(tokens) + "\n", capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - start
    assert proc.returncode in (0, 1), proc.stderr[-500:]
    return elapsed


def crack_rate(words: int) -> float:
    from jwtaudit.tokens import crack_hmac, decode_unverified

    token = decode_unverified(make_tokens(1)[0])
    candidates = [f"candidate-{i}" for i in range(words)]
    start = time.perf_counter()
    assert crack_hmac(token, candidates) is None
    return words / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--words", type=int, default=20000)
    args = parser.parse_args()
    tokens = make_tokens(args.tokens)
    t_in = in_process(tokens)
    t_sub = subprocess_run(tokens)
    print(f"jwtaudit token, {args.tokens} tokens in-process: {t_in:.2f} s = "
          f"{args.tokens / t_in:,.0f} tokens/s")
    print(f"jwtaudit token, {args.tokens} tokens via stdin (subprocess, incl. start-up): {t_sub:.2f} s = "
          f"{args.tokens / t_sub:,.0f} tokens/s")
    print(f"HS256 crack rate (tokens.crack_hmac): {crack_rate(args.words):,.0f} candidate secrets/s")


if __name__ == "__main__":
    main()
