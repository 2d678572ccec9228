"""The command line's own edges, in a real process: a reader that leaves early (`jwtaudit rules |
head`) ends the command quietly with the SIGPIPE status; a usage error is one line and exit 2."""

from __future__ import annotations

import subprocess
import sys


def test_closed_stdout_is_not_an_internal_error() -> None:
    child = subprocess.Popen([sys.executable, "-m", "jwtaudit", "rules"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before it writes anything: every write fails with EPIPE
    error = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141
    assert error == ""


def test_usage_errors_are_one_line_with_exit_2() -> None:
    for args in (["scan", "--fail-on", "HIGHX"], ["scan", "--bogus"], ["scan", "-j", "0"]):
        done = subprocess.run([sys.executable, "-m", "jwtaudit", *args], capture_output=True, text=True,
                              timeout=60, check=False)
        assert done.returncode == 2, args
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("jwtaudit: error: "), done.stderr
        assert "(see `jwtaudit scan --help`)" in done.stderr
