"""The one explicit rule registry: a decorator that validates metadata at import time.

Families are imported by `load_all()` from an explicit list (no package scanning), so the
registry is complete and deterministic, and importing one family stays cheap.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from jwtaudit.model import Confidence, Hit, RuleInfo, Severity

FAMILY_MODULES = (
    "jwtaudit.rules.tok",
    "jwtaudit.rules.sec",
    "jwtaudit.rules.sec_frontend",
    "jwtaudit.rules.src",
    "jwtaudit.rules.cfg",
    "jwtaudit.rules.acc",
    "jwtaudit.rules.bot",
    "jwtaudit.rules.meta",
)

DOC_HEADINGS = ("What it does", "Why is this bad?", "Example", "Fix", "References")
_CODE = re.compile(r"^(TOK|SEC|SRC|CFG|ACC|BOT|META)\d{3}$")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

RuleFunc = Callable[..., Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    info: RuleInfo
    check: RuleFunc
    # A cheap test of whether the rule can say anything about a subject (None: always run). The
    # 25 detect-secrets rules use it so that a file runs only the detectors it has lines for.
    applies: Callable[[Any], bool] | None = None


_REGISTRY: dict[str, Rule] = {}


def rule(
    *,
    code: str,
    name: str,
    severity: Severity,
    confidence: Confidence,
    cwe: int,
    subject: str,
    kore_only: bool = False,
    applies: Callable[[Any], bool] | None = None,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule. `subject` names the kind of subject the function takes."""

    def register(func: RuleFunc) -> RuleFunc:
        if not _CODE.match(code):
            raise ValueError(f"bad rule code {code!r}")
        if not _NAME.match(name):
            raise ValueError(f"bad rule name {name!r} for {code}")
        if code in _REGISTRY and _REGISTRY[code].check is not func:
            raise ValueError(f"duplicate rule code {code}")
        doc = inspect.cleandoc(func.__doc__ or "")
        info = RuleInfo(
            code=code,
            name=name,
            severity=severity,
            confidence=confidence,
            cwe=cwe,
            subject=subject,
            doc=doc,
            kore_only=kore_only,
        )
        _REGISTRY[code] = Rule(info=info, check=func, applies=applies)
        return func

    return register


def load_all() -> dict[str, Rule]:
    for module in FAMILY_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a family not written yet
            if exc.name != module:
                raise
    return dict(sorted(_REGISTRY.items()))


def load_for(*kinds: str) -> None:
    """Import the families that check these subject kinds (all families for an unknown kind)."""
    for kind in kinds:
        modules = SUBJECT_FAMILIES.get(kind)
        if modules is None:
            load_all()
            return
        for module in modules:
            importlib.import_module(module)


def load_family(module: str) -> dict[str, Rule]:
    importlib.import_module(module)
    return dict(sorted(_REGISTRY.items()))


# Which family modules register rules for which subject kind, so that `jwtaudit token` imports
# only the token families (start-up time; a test keeps this map complete).
SUBJECT_FAMILIES: dict[str, tuple[str, ...]] = {
    "token": ("jwtaudit.rules.tok", "jwtaudit.rules.sec"),
    "text": ("jwtaudit.rules.sec",),
    "scan": ("jwtaudit.rules.sec",),
    "document": ("jwtaudit.rules.cfg", "jwtaudit.rules.sec_frontend"),
    "code": ("jwtaudit.rules.src", "jwtaudit.rules.cfg"),
    "account": ("jwtaudit.rules.acc",),
    "bot-export": ("jwtaudit.rules.bot",),
    "skipped": ("jwtaudit.rules.meta",),
    "suppression": ("jwtaudit.rules.meta",),
}
_BY_SUBJECT: dict[str, list[Rule]] = {}
_BY_SUBJECT_KEY: dict[str, int] = {}


def rules_for(subject: str) -> list[Rule]:
    """Rules for one subject kind; cached (the engine asks once per subject, scans ask millions
    of times), rebuilt whenever a rule was registered since."""
    if _BY_SUBJECT_KEY.get(subject) != len(_REGISTRY):
        load_for(subject)
        _BY_SUBJECT[subject] = [r for _, r in sorted(_REGISTRY.items()) if r.info.subject == subject]
        _BY_SUBJECT_KEY[subject] = len(_REGISTRY)
    return list(_BY_SUBJECT.get(subject, ()))


def registered_count() -> int:
    """How many rules are registered (changes when a family is imported)."""
    return len(_REGISTRY)


def loaded() -> dict[str, Rule]:
    """The rules registered so far (without importing more families)."""
    return dict(_REGISTRY)


def get(code: str) -> Rule | None:
    return load_all().get(code.upper())


def doc_section(doc: str, heading: str) -> str:
    """Text under a `**Heading**` or `## Heading` line of a rule docstring."""
    lines = doc.splitlines()
    out: list[str] = []
    inside = False
    for line in lines:
        stripped = line.strip().strip("#").strip().strip("*").strip().rstrip(":")
        if stripped in DOC_HEADINGS:
            if inside:
                break
            inside = stripped == heading
            continue
        if inside:
            out.append(line)
    return "\n".join(out).strip()


def rule_dict(info: RuleInfo) -> dict[str, Any]:
    return {
        "code": info.code,
        "name": info.name,
        "severity": info.severity.label,
        "confidence": info.confidence.label,
        "cwe": info.cwe,
        "family": info.family,
        "subject": info.subject,
        "summary": info.summary,
    }
