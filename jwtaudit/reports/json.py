"""The JSON report: a public interface (design.md), stable keys, deterministic order."""

from __future__ import annotations

from typing import Any

from jwtaudit import __version__
from jwtaudit.model import Result
from jwtaudit.reports import pretty_json


def to_data(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = {
        "tool": "jwtaudit",
        "version": __version__,
        "mode": result.mode,
        "findings": [f.to_dict() for f in result.findings],
        "summary": {
            "files_scanned": result.files_scanned,
            "findings": len(result.active),
            "by_severity": result.by_severity(),
            "errors": [{"path": e.path, "message": e.message} for e in result.errors],
        },
    }
    accepted = len(result.findings) - len(result.active)
    if accepted:
        data["summary"]["accepted"] = accepted
    if result.tokens:
        data["tokens"] = list(result.tokens)
    if result.overview is not None:
        data["overview"] = result.overview
    return data


def render(result: Result) -> str:
    return pretty_json.dumps(to_data(result), default=str) + "\n"
