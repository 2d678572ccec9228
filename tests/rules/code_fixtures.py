"""Run the SRC/CFG/SEC003/SEC006 rules over fixture files; read `expect: CODE` line markers."""

from __future__ import annotations

import re
from pathlib import Path

from jwtaudit import engine
from jwtaudit.config import Config
from jwtaudit.model import Finding, Location
from jwtaudit.sources import code
from jwtaudit.sources.structured import parse_document

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_MARK = re.compile(r"expect:((?:\s+[A-Z]{3,4}\d{3})+)")


def subjects(path: Path) -> list[object]:
    rel = path.relative_to(FIXTURES).as_posix()
    text = path.read_text(encoding="utf-8")
    if code.language_for(rel):
        return code.subjects_for(rel, text, Location(path=rel))
    document = parse_document(rel, text)
    assert document is not None, f"{rel} does not parse"
    return [document]


def findings(path: Path, select: str) -> list[Finding]:
    config = Config.blank().with_overrides(select=(select,))
    ctx = engine.RunContext(config=config, now=1795300000)
    return engine.run(subjects(path), ctx)


def lines(path: Path, rule: str) -> set[int]:
    return {f.location.line for f in findings(path, rule) if f.rule == rule and f.location.line}


def expected_lines(path: Path, rule: str) -> set[int]:
    out = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _MARK.search(line)
        if match and rule in match.group(1).split():
            out.add(number)
    return out


def code_files(rule: str) -> list[Path]:
    return sorted(p for p in (FIXTURES / rule).rglob("*")
                  if p.is_file() and code.language_for(p.name) and ".min." not in p.name)


def pointers(path: Path, rule: str) -> set[str]:
    return {f.location.pointer or "" for f in findings(path, rule) if f.rule == rule}

