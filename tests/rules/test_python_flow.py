"""Python data flow the SRC/CFG rules depend on: `**mapping` keyword arguments, an allow-list taken
from the token's own header, a headers dict held in a variable (exact rule, line, column)."""

from __future__ import annotations

from tests.rules.code_fixtures import FIXTURES, findings


def places(fixture: str, rule: str) -> list[tuple[str, int | None, int | None]]:
    hits = findings(FIXTURES / fixture, rule)
    return sorted((f.rule, f.location.line, f.location.column) for f in hits)


def test_src002_algorithm_from_a_kwargs_mapping() -> None:
    # **SIGN_OPTS (module), **{...} inline, opts["algorithm"] = ... before the call; not HS256 that
    # way, not an opaque **kwargs
    assert places("SRC002/kwargs_options.py", "SRC002") == [
        ("SRC002", 8, 27), ("SRC002", 19, 81), ("SRC002", 25, 25)]
