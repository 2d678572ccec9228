"""META: findings about the scan itself, so that a clean report is an honest one.

META002 reports files the scan skipped. (META001, unused inline suppressions, is added here by
the suppression work.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jwtaudit.engine import RunContext
from jwtaudit.model import Confidence, Hit, Severity
from jwtaudit.rules.registry import rule
from jwtaudit.subjects import SkippedFile

if TYPE_CHECKING:
    from jwtaudit.suppressions import SuppressionSubject


@rule(code="META002", name="unreadable-input", severity=Severity.INFO, confidence=Confidence.HIGH,
      cwe=703, subject="skipped")
def unreadable_input(subject: SkippedFile, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Lists every file the scan skipped or could not read completely: binary files (NUL bytes or
    a known binary type), files over the size cap (`max_file_size`, default 5 MB), files that
    vanished or could not be opened (permissions), symlinks pointing outside the scan root.

    **Why is this bad?**

    A secret in a skipped file is not found. Listing skipped files keeps a clean report honest
    and shows where to look by hand or what to exclude on purpose.

    **Example**

    `dist/bundle.min.js` is 7 MB: skipped (over the 5 MB size cap).

    **Fix**

    Exclude the file in `[tool.jwtaudit] exclude` if it cannot hold secrets, raise
    `max_file_size` if it can, or fix its permissions.

    **References**

    - https://cwe.mitre.org/data/definitions/703.html
    """
    yield Hit(message=f"Skipped: {subject.reason}.", evidence={"reason": subject.reason})


@rule(code="META001", name="unused-suppression", severity=Severity.LOW, confidence=Confidence.HIGH,
      cwe=1164, subject="suppression")
def unused_suppression(subject: SuppressionSubject, ctx: RunContext) -> Iterator[Hit]:
    """**What it does**

    Reports an inline `jwtaudit: ignore[CODE]` or `jwtaudit: ignore-next-line[CODE]` comment
    that silenced nothing: no finding with one of its codes is on the line it covers, or it names
    no rule code at all (a bare `jwtaudit: ignore` does nothing: a code is required).

    **Why is this bad?**

    A stale suppression waits for the next secret pasted on that line and hides it without
    anyone deciding so. A bare ignore looks like it silences findings but does not, which misleads
    the reader; a code-less blanket ignore would hide a different, later secret on the same line.

    **Example**

    ```python
    API_URL = "https://bots.kore.ai/api/public"  # jwtaudit: ignore[SEC002]
    ```

    **Fix**

    Delete the comment, or name the rule it is meant for:
    `# jwtaudit: ignore[SEC001]` on the line, `# jwtaudit: ignore-next-line[SEC001]` above it.

    **References**

    - https://cwe.mitre.org/data/definitions/1164.html
    - https://docs.astral.sh/ruff/rules/unused-noqa/
    """
    if subject.problem == "no-code":
        detail = ", ".join(subject.invalid)
        named = f" ({detail} is not a rule code)" if detail else ""
        message = (f"`jwtaudit: {subject.label}` names no rule code{named} and silences nothing; "
                   "write e.g. `jwtaudit: ignore[SEC001]`.")
    else:
        message = f"`jwtaudit: {subject.label}` matched no finding on the line it covers; remove it."
    yield Hit(message=message, anchor=subject.label,
              evidence={"directive": subject.label, "codes": list(subject.codes), "problem": subject.problem})
