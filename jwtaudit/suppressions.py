"""Inline suppressions: `jwtaudit: ignore[CODE,…]` comments, parsed from a file's text and applied.

A directive sits in a comment of any syntax (`#`, `//`, `/* */`, `<!-- -->`, `--`) and names the
rule codes or prefixes it silences: `jwtaudit: ignore[SEC001]` on the offending line, or
`jwtaudit: ignore-next-line[SEC001,TOK]` on the line above it. A code is required — a bare
`jwtaudit: ignore` silences nothing (a blanket ignore would hide the next, different secret on the
same line) and is itself reported as META001, as is a directive that matched no finding, so stale
ones get cleaned up. Suppressed findings stay in the report with `status="suppressed"`; the engine's
exit code counts only `status="new"`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jwtaudit import engine
from jwtaudit.model import Finding, Location

# Linear: a literal, optional literal suffix, and a bracket body that excludes its terminator.
_DIRECTIVE = re.compile(
    r"jwtaudit:[ \t]*ignore(?P<next>-next-line)?(?![\w-])(?:\[(?P<codes>[^\]\n]{0,200})\])?"
)
_CODE = re.compile(r"^(TOK|SEC|SRC|CFG|ACC|BOT|META)\d{0,3}$")
_SHOWABLE = re.compile(r"^[A-Za-z]{1,8}\d{0,4}$")
_COMMENT_OPENERS = ("#", "//", "/*", "<!--", "--")
MARKER = "jwtaudit:"
# In documentation a directive inside a fenced code block is an example of one, not one.
_DOCUMENT_SUFFIXES = (".md", ".markdown", ".mdx", ".rst")


@dataclass(frozen=True, kw_only=True)
class Directive:
    """One `jwtaudit: ignore…` comment. `line` is where it is written, `target` the line it covers."""

    path: str
    line: int
    column: int
    end_column: int
    target: int
    next_line: bool
    codes: tuple[str, ...]  # valid codes or prefixes, upper case
    invalid: tuple[str, ...] = ()  # entries that are not rule codes (shown only if harmless)
    commit: str | None = None

    @property
    def label(self) -> str:
        kind = "ignore-next-line" if self.next_line else "ignore"
        return f"{kind}[{','.join(self.codes)}]" if self.codes else kind

    def location(self) -> Location:
        return Location(path=self.path, line=self.line, column=self.column, end_line=self.line,
                        end_column=self.end_column, commit=self.commit)

    def covers(self, finding: Finding) -> bool:
        loc = finding.location
        if loc.path != self.path or loc.commit != self.commit or loc.line is None:
            return False
        if not (loc.line <= self.target <= (loc.end_line or loc.line)):
            return False
        return any(finding.rule.startswith(code) for code in self.codes)


@dataclass(frozen=True, kw_only=True)
class SuppressionSubject:
    """A directive that did nothing, as the META001 rule sees it.

    `problem` is "no-code" (a bare `jwtaudit: ignore`, or only entries that are not rule codes)
    or "unused" (it names codes but no finding with one of them is on its target line).
    """

    location: Location
    label: str
    codes: tuple[str, ...]
    invalid: tuple[str, ...]
    problem: str
    kind: str = "suppression"


def _in_comment(prefix: str) -> bool:
    if any(opener in prefix for opener in _COMMENT_OPENERS):
        return True
    return prefix.lstrip().startswith("*")  # continuation line of a /* … */ block


def _split_codes(body: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if body is None:
        return (), ()
    valid: list[str] = []
    invalid: list[str] = []
    for item in re.split(r"[,\s]+", body):
        if not item:
            continue
        code = item.upper()
        if _CODE.match(code):
            if code not in valid:
                valid.append(code)
        else:
            invalid.append(item if _SHOWABLE.match(item) else "<not a code>")
    return tuple(valid), tuple(invalid)


def parse(rel_path: str, text: str, commit: str | None = None) -> tuple[Directive, ...]:
    """Every directive in `text` (one per line at most: the first in a comment wins); in Markdown
    only in an HTML comment, and none inside a fenced code block (an example of the syntax)."""
    if MARKER not in text:
        return ()
    found: list[Directive] = []
    start = 0
    line_no = 0
    length = len(text)
    document = rel_path.lower().endswith(_DOCUMENT_SUFFIXES)
    fence: str | None = None  # the fence of the Markdown code block the line is in
    while start <= length:
        end = text.find("\n", start)
        if end == -1:
            end = length
        line_no += 1
        line = text[start:end]
        if document and ("`" in line or "~" in line):
            opener = line.lstrip()[:3]
            if fence is None and opener in ("```", "~~~"):
                fence = opener
            elif fence is not None and opener == fence:
                fence = None
        if MARKER in line and fence is None:
            for match in _DIRECTIVE.finditer(line):
                before = line[: match.start()]
                if not (_in_html_comment(before, line) if document else _in_comment(before)):
                    continue
                next_line = match.group("next") is not None
                codes, invalid = _split_codes(match.group("codes"))
                found.append(Directive(
                    path=rel_path, line=line_no, column=match.start() + 1, end_column=match.end() + 1,
                    target=line_no + 1 if next_line else line_no, next_line=next_line,
                    codes=codes, invalid=invalid, commit=commit,
                ))
                break
        start = end + 1
    return tuple(found)


def _in_html_comment(before: str, line: str) -> bool:
    """Markdown's only comment is HTML's: `<!-- jwtaudit: ignore[…] -->` (a `# …` line is a
    heading). An `<!--` inside an inline code span (`` `<!-- jwtaudit: ignore[…] -->` ``) renders
    as literal text: it shows the syntax and opens no comment."""
    opened = before.rfind("<!--")
    if opened == -1 or "-->" in before[opened:]:
        return False
    return "`" not in before or not any(start <= opened < end for start, end in _code_spans(line))


_BACKTICKS = re.compile(r"`+")


def _code_spans(line: str) -> list[tuple[int, int]]:
    """The inline code spans of a Markdown line, as (start, end) of their content: a run of
    backticks opens one that the next run of exactly as many closes (CommonMark 6.1); a run
    with no such partner is literal text. Each run is looked at once (a bisection per run)."""
    import bisect

    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        after = bisect.bisect_right(same, index)
        if after == len(same):
            index += 1  # no closing run: literal backticks
            continue
        closer = same[after]
        spans.append((end, runs[closer][0]))
        index = closer + 1
    return spans


def _ran(code: str, ctx: engine.RunContext) -> bool:
    """Whether some rule under `code` (a code or prefix) was selected for this run."""
    if engine.is_selected(code, ctx.config):
        return True
    return any(s.startswith(code) for s in ctx.config.select)


def apply(
    findings: Iterable[Finding],
    directives: Sequence[Directive],
    ctx: engine.RunContext,
    *,
    report_unused: bool = True,
) -> list[Finding]:
    """Mark covered findings `suppressed`; add META001 for bare and unused directives.

    `report_unused=False` (history scans) only applies directives: an old version's comment
    that no longer matches anything is not worth a finding.
    """
    items = list(findings)
    if not directives:
        return items
    by_place: dict[tuple[str, str | None], list[Directive]] = {}
    for directive in directives:
        if directive.codes:
            by_place.setdefault((directive.path, directive.commit), []).append(directive)
    used: set[Directive] = set()

    def status_of(finding: Finding) -> str | None:
        if finding.status != "new" or finding.rule == "META001":
            return None
        for directive in by_place.get((finding.location.path, finding.location.commit), ()):
            if directive.covers(finding):
                used.add(directive)
                return "suppressed"
        return None

    marked = engine.mark(items, status_of)
    if not report_unused:
        return marked
    meta: list[Finding] = []
    for directive in directives:
        if directive.codes:
            if directive in used or not any(_ran(c, ctx) for c in directive.codes):
                continue  # a suppression for rules that did not run is not stale
            problem = "unused"
        else:
            problem = "no-code"
        subject = SuppressionSubject(location=directive.location(), label=directive.label,
                                     codes=directive.codes, invalid=directive.invalid, problem=problem)
        meta.extend(engine.check_subject(subject, ctx))
    return marked + meta
