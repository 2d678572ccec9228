"""Offsets to 1-based line/column, shared by every source so that all of them count alike.

A line ends at "\\n" (a "\\r" before it belongs to the line ending, so CRLF files give the same
columns as LF files). Columns count characters (code points), 1-based; end columns are exclusive.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import partial
from typing import Any

from jwtaudit.subjects import Span

_NEWLINE = re.compile("\n")
_LAST: list[Any] = [None, None]  # [text, its index]: the text is held, so identity cannot be reused


class LineIndex:
    """Maps character offsets in one text to (line, column), in O(log lines) per lookup."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        self._starts = [0, *[m.end() for m in _NEWLINE.finditer(text)]]

    @classmethod
    def of(cls, text: str) -> LineIndex:
        """The index of `text`, shared by everything that asks about the same text in turn (the
        file analysis, the document parser, the detectors): built once per file, not three times."""
        if _LAST[0] is not text:
            _LAST[:] = [text, cls(text)]
        index: LineIndex = _LAST[1]
        return index

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based `line`."""
        return self._starts[line - 1]

    def line_text(self, text: str, line: int) -> str:
        """The text of 1-based `line` of `text` (the text this index was built from), without EOL."""
        start = self._starts[line - 1]
        end = text.find("\n", start)
        return (text[start:] if end == -1 else text[start:end]).rstrip("\r")

    def lines_at(self, offsets: Iterable[int]) -> set[int]:
        """The 1-based lines of many offsets at once (one C call per offset)."""
        return set(map(partial(bisect_right, self._starts), offsets))

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line=line, column=column, end_line=end_line, end_column=end_column)
