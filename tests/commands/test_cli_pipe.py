"""A reader that leaves early (`jwtaudit rules | head`) ends the command quietly, with the SIGPIPE
status, instead of an internal error."""

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
