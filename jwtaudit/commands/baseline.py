"""`jwtaudit baseline create | update | import`: write the baseline file from a working-tree scan.

Each subcommand runs the same scan as `jwtaudit scan PATHS` (same config, select and ignore) and
turns its findings into baseline entries (fingerprints and rule codes, see `jwtaudit.baseline`).
The summary line goes to stderr and names counts and files only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jwtaudit import baseline as baselines
from jwtaudit import engine
from jwtaudit.config import Config
from jwtaudit.errors import UsageError
from jwtaudit.model import Finding


@dataclass(frozen=True, kw_only=True)
class BaselineOptions:
    paths: tuple[str, ...] = (".",)
    output: str = baselines.DEFAULT_PATH
    now: int | None = None  # for generated_at (tests); None: the clock


def _scan(options: BaselineOptions, config: Config) -> list[Finding]:
    from jwtaudit.commands.scan import ScanRequest, run_scan

    request = ScanRequest(paths=options.paths or (".",))  # tokens judged now, as `scan` judges them
    if options.now is not None:
        request = ScanRequest(paths=request.paths, now=options.now)
    result, _redactor = run_scan(request, config)
    if result.files_scanned == 0 and not result.findings:
        raise UsageError("nothing was scanned: no baseline written")
    return list(result.findings)


def create(options: BaselineOptions, config: Config) -> str:
    accepted = baselines.create(_scan(options, config), now=options.now)
    baselines.save(accepted, options.output)
    return f"baseline: {len(accepted.entries)} findings accepted, written to {options.output}"


def update(options: BaselineOptions, config: Config) -> str:
    old = baselines.load(options.output)
    new, changes = baselines.update(old, _scan(options, config), now=options.now,
                                    ran=lambda code: engine.is_selected(code, config))
    baselines.save(new, options.output)
    return (f"baseline: {changes.kept} kept, {changes.added} added, {changes.removed} removed "
            f"({len(new.entries)} in {options.output})")


def import_detect_secrets(source: str, options: BaselineOptions, config: Config) -> tuple[str, list[str]]:
    """Adopt a detect-secrets baseline: (summary, one line per entry that matched no finding)."""
    entries = baselines.read_detect_secrets(source)
    existing = baselines.load(options.output) if Path(options.output).is_file() else None
    adopted, unmatched = baselines.adopt_detect_secrets(entries, _scan(options, config), existing,
                                                        now=options.now)
    baselines.save(adopted, options.output)
    added = len(adopted.entries) - (len(existing.entries) if existing else 0)
    summary = (f"baseline: imported {len(entries) - len(unmatched)} of {len(entries)} detect-secrets entries "
               f"from {source} ({added} findings accepted, written to {options.output})")
    return summary, [_describe(e) for e in unmatched]


def _describe(entry: baselines.SecretsBaselineEntry) -> str:
    where = f"{entry.path}:{entry.line}" if entry.line else entry.path
    return f"not found (gone, or not a secret jwtaudit reports): {where} {entry.type}"


def check_paths(paths: Sequence[str]) -> tuple[str, ...]:
    for path in paths:
        if not Path(path).exists():
            raise UsageError(f"{path}: no such file or directory")
    return tuple(paths) or (".",)
