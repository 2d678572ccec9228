"""Helpers for the audit tests: load an export fixture, run one family's rules, list the hits."""

from __future__ import annotations

from pathlib import Path

from jwtaudit import engine
from jwtaudit.config import Config
from jwtaudit.model import Finding
from jwtaudit.sources import export, export_link

FIXTURES = Path(__file__).parent / "fixtures"
NOW = 1795300000  # 2026-11-21T09:46:40Z


def audit(path: Path, select: tuple[str, ...], now: int = NOW, **config: object) -> list[Finding]:
    """Findings of the selected rules for the export at `path` (account, bot exports, tokens)."""
    linked = export_link.link(export.load(path))
    subjects: list[object] = [*([linked.account] if linked.account else []), *linked.bot_exports,
                              *linked.tokens]
    ctx = engine.RunContext(config=Config(select=select, **config), now=now)  # type: ignore[arg-type]
    return engine.run(subjects, ctx)


def hits(path: Path, code: str, **config: object) -> list[tuple[str, str, str | None]]:
    """(rule, file, JSON pointer) of every finding of `code`, in report order."""
    return [(f.rule, f.location.path, f.location.pointer) for f in audit(path, (code,), **config)]
