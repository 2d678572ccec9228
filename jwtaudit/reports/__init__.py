"""Reporters: pure `render(result) -> str`, one module per format, imported only when used."""

from __future__ import annotations

import importlib

from jwtaudit.model import Result

FORMATS = ("text", "json", "sarif", "html", "markdown")
EXTENSIONS = {
    ".txt": "text",
    ".json": "json",
    ".sarif": "sarif",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
}


def render(fmt: str, result: Result, *, color: bool = False) -> str:
    module = importlib.import_module(f"jwtaudit.reports.{fmt}")
    if fmt == "text":
        return module.render(result, color=color)
    return module.render(result)
