"""Sweep 3 on code: BotKit's apikey header, options objects changed after creation, decoded
claims stored as the caller, browser pages, `<T>` assertions, HTML inline scripts and Android
sources; each with a near miss (exact rule, line and column)."""

from __future__ import annotations

from jwtaudit import engine
from jwtaudit.config import Config
from jwtaudit.sources.text import analyse_text
from tests.rules.code_fixtures import FIXTURES


def found(fixture: str, *rules: str) -> list[tuple[str, int | None, int | None]]:
    """(rule, line, column) of each finding of these rules in a fixture file, analysed as a scan
    analyses it (HTML and Kotlin files are not code_fixtures' documents)."""
    path = FIXTURES / fixture
    subjects = analyse_text(fixture, path.read_text(encoding="utf-8")).subjects
    ctx = engine.RunContext(config=Config.blank().with_overrides(select=rules), now=1795300000)
    return sorted((f.rule, f.location.line, f.location.column) for f in engine.run(subjects, ctx))


# --- SRC002/SRC004: an options object given members after it was made ----------------------------


def test_src002_algorithm_set_on_the_options_object() -> None:
    assert found("SRC002/mutated_options.js", "SRC002") == [("SRC002", 5, 20)]


def test_src004_expiry_set_on_the_options_object() -> None:
    # withExpiry (opts.expiresIn) and computedKey (opts[name]: not known) are not flagged
    assert found("SRC004/mutated_options.js", "SRC004") == [("SRC004", 19, 10)]


# --- SRC005: decoded claims stored as the caller; a page showing its own token --------------------


def test_src005_decoded_claims_stored_as_the_caller() -> None:
    # `reassigned` stores another object under the same name: not flagged
    assert found("SRC005/decoded_then_stored.js", "SRC005") == [("SRC005", 4, 19), ("SRC005", 11, 12)]


# --- TypeScript `<T>value` -----------------------------------------------------------------------


def test_src002_payload_behind_an_angle_bracket_assertion() -> None:
    assert found("SRC002/angle_assertion.ts", "SRC002", "SRC004") == [("SRC002", 5, 67)]
