"""Thin click layer: parse options, build the Config, call the engine, pick reporters, exit.

Exit codes (design.md): 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage,
configuration or input error (one line on stderr), 3 nothing was scanned. An internal error
exits 2 with a one-line message that names no value from the input.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from jwtaudit import __version__
from jwtaudit.config import PROFILES, Config, parse_codes
from jwtaudit.config import load as load_config
from jwtaudit.errors import JwtauditError, UsageError
from jwtaudit.model import Result, Severity
from jwtaudit.redact import Redactor, mask_unknown

SEVERITIES = [s.label for s in Severity]
EXIT_EMPTY = 3


def fail(message: str, redactor: Redactor | None = None, code: int = 2) -> NoReturn:
    text = mask_unknown(redactor.scrub(message) if redactor else message)
    click.echo(f"jwtaudit: error: {text}", err=True)
    sys.exit(code)


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Map project errors to exit 2 with one line; never let a traceback (or exit 0) out."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except JwtauditError as exc:
            fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("jwtaudit: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:  # `jwtaudit rules | head`: the reader left; stop quietly, as `cat` does
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # nothing left to flush at exit
            sys.exit(128 + 13)  # SIGPIPE
        except RecursionError:
            fail("input is nested too deeply to analyse")
        except MemoryError:
            fail("out of memory while analysing the input")
        except Exception as exc:
            if os.environ.get("JWTAUDIT_DEBUG"):
                raise
            where = ""
            tb = exc.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                where = f" at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
            fail(f"internal error ({type(exc).__name__}{where}); please report it")

    return wrapper


def build_config(
    config_path: str | None,
    start: Path,
    *,
    select: str | None = None,
    ignore: str | None = None,
    fail_on: str | None = None,
    profile: str | None = None,
    wordlist: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Config:
    config = load_config(Path(config_path) if config_path else None, start=start)
    changes: dict[str, Any] = dict(extra or {})
    if select:
        changes["select"] = parse_codes(select, "--select")
    if ignore:
        changes["ignore"] = config.ignore + parse_codes(ignore, "--ignore")
    if fail_on:
        changes["fail_on"] = Severity.parse(fail_on)
    if profile:
        changes["profile"] = profile
    if wordlist:
        changes["wordlist"] = wordlist
    return config.with_overrides(**changes)


def pair_outputs(formats: Sequence[str], outputs: Sequence[str]) -> list[tuple[str, str | None]]:
    """Pair repeated --format/-o options in order; infer a format from the file extension."""
    from jwtaudit.reports import EXTENSIONS

    formats, outputs = list(formats), list(outputs)
    if not formats and not outputs:
        return [("text", None)]
    if not formats:
        _no_file_twice(outputs)
        return [(EXTENSIONS.get(Path(o).suffix.lower(), "text"), o) for o in outputs]
    if len(outputs) > len(formats):
        raise UsageError("more -o/--output files than --format options")
    pairs: list[tuple[str, str | None]] = []
    for index, fmt in enumerate(formats):
        pairs.append((fmt, outputs[index] if index < len(outputs) else None))
    if sum(1 for _, out in pairs if out is None) > 1:
        raise UsageError("only one --format may go to standard output; give the others -o FILE")
    _no_file_twice([out for _, out in pairs if out is not None])
    return pairs


def _no_file_twice(outputs: Sequence[str]) -> None:
    """Two reports written to one file would leave only the last: refuse before scanning. One
    file is one file under any name: a symbolic link (also in a folder of the path) is followed,
    and an existing file is known by its device and inode (a hard link)."""
    seen: set[object] = set()
    for out in outputs:
        keys: set[object] = {os.path.normcase(os.path.realpath(out))}
        try:
            stat = os.stat(out)
        except OSError:
            pass  # not written yet: its resolved path is its only name
        else:
            keys.add((stat.st_dev, stat.st_ino))
        if keys & seen:
            raise UsageError(f"{out}: named by two -o/--output options; give each report its own file")
        seen |= keys


def emit(result: Result, pairs: list[tuple[str, str | None]], redactor: Redactor) -> None:
    """Render each format, scrub every known secret from it, then write it."""
    from jwtaudit import reports

    rendered = []
    for fmt, out in pairs:
        color = out is None and fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        rendered.append((redactor.scrub(reports.render(fmt, result, color=color)), out))
    for text, out in rendered:
        if out is None or out == "-":
            click.echo(text, nl=not text.endswith("\n"))
            continue
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{out}: cannot write report: {exc.strerror or exc}") from None


def finish(
    result: Result, config: Config, pairs: list[tuple[str, str | None]], redactor: Redactor
) -> NoReturn:
    from jwtaudit.engine import exit_code

    emit(result, pairs, redactor)
    code = exit_code(result.findings, config.fail_on)
    unreadable = [e for e in result.errors if e.unreadable]
    if code == 0 and unreadable:
        noun = "input" if len(unreadable) == 1 else "inputs"
        click.echo(f"jwtaudit: error: the scan is partial: {len(unreadable)} {noun} could not be read "
                   f"(first: {redactor.scrub(unreadable[0].path)}: {unreadable[0].message}); see META002",
                   err=True)
        sys.exit(2)
    # Staged files that are all excluded or binary, or a change that adds nothing to read (only
    # deletions), leave nothing to check: a clean pass for the pre-commit hook and the PR gate.
    # Nothing staged at all is still an empty selection.
    git_mode = result.properties.get("git")
    nothing_to_check = git_mode == "diff" or (git_mode == "staged" and result.properties.get("staged_files"))
    only_skips = all(f.rule == "META002" for f in result.findings)  # binary files alone: nothing read
    if result.files_scanned == 0 and result.mode in ("scan", "history", "audit") and only_skips \
            and not nothing_to_check:
        click.echo("jwtaudit: nothing was scanned", err=True)
        sys.exit(EXIT_EMPTY)
    sys.exit(code)


format_option = click.option(
    "--format", "-f", "formats", multiple=True,
    type=click.Choice(["text", "json", "sarif", "html", "markdown"]),
    help="Report format (repeat with -o for several reports).",
)
output_option = click.option(
    "--output", "-o", "outputs", multiple=True, metavar="FILE", help="Write the report to FILE."
)
fail_on_option = click.option(
    "--fail-on", type=click.Choice(SEVERITIES), default=None,
    help="Exit 1 when a finding is at or above this severity (default: low).",
)
select_option = click.option("--select", metavar="CODES", help="Only these rule codes or prefixes.")
ignore_option = click.option("--ignore", metavar="CODES", help="Skip these rule codes or prefixes.")
config_option = click.option(
    "--config", "config_path", metavar="FILE",
    help="Config file (default: nearest .jwtaudit.toml or pyproject.toml).",
)
profile_option = click.option("--profile", type=click.Choice(PROFILES), help="Force the token profile.")
sarif_suppressed_option = click.option(
    "--sarif-include-suppressed", is_flag=True,
    help="Keep baseline-accepted and suppressed findings in SARIF, marked with suppressions[].",
)


def with_line_hashes(result: Result, pairs: list[tuple[str, str | None]], root: Path) -> Result:
    """For SARIF: GitHub's primaryLocationLineHash and UTF-16 columns, from the files as they
    are on disk (only when a SARIF report is asked for: hashing costs a pass over each file)."""
    if not any(fmt == "sarif" for fmt, _ in pairs):
        return result
    from dataclasses import replace

    from jwtaudit.reports.linehash import sarif_properties
    from jwtaudit.sources.text import decode_bytes

    limit = 5 * 1024 * 1024

    def text_of(location: Any) -> str | None:
        if location.commit or location.path.startswith("<") or "!/" in location.path:
            return None
        try:
            path = root / location.path
            if path.stat().st_size > limit:
                return None
            return decode_bytes(path.read_bytes())[0]
        except (OSError, ValueError):
            return None

    import multiprocessing

    findings = result.findings
    if len(findings) < _PARALLEL_LINE_FACTS or "fork" not in multiprocessing.get_all_start_methods() \
            or (os.cpu_count() or 1) < 2:
        return replace(result, properties={**result.properties, **sarif_properties(findings, text_of)})
    from jwtaudit.commands.workers import in_forked_processes

    # Two forked processes, each for the findings of half the files (a file's findings stay
    # together, so each file is hashed once): reading and hashing ten thousand files is serial
    # work at the end of the run otherwise.
    paths = sorted({f.location.path for f in findings})
    second_half = set(paths[len(paths) // 2:])
    groups = ([f for f in findings if f.location.path not in second_half],
              [f for f in findings if f.location.path in second_half])
    halves = in_forked_processes([functools.partial(sarif_properties, group, text_of) for group in groups])
    merged = {key: {**halves[0][key], **halves[1][key]} for key in halves[0]}
    return replace(result, properties={**result.properties, **merged})


_PARALLEL_LINE_FACTS = 2000  # findings; below this a fork costs more than it saves


def with_repository_paths(result: Result, pairs: list[tuple[str, str | None]], root: Path) -> Result:
    """For SARIF: the scan root's path inside its git work tree (`scan services/bot` reports
    `app.py`; GitHub code scanning resolves SARIF paths from the repository root, so SARIF names
    it `services/bot/app.py`). Other formats keep paths relative to the scan root."""
    if not any(fmt == "sarif" for fmt, _ in pairs):
        return result
    from dataclasses import replace

    from jwtaudit.reports.sarif import URI_PREFIX
    from jwtaudit.sources.git import prefix_in_work_tree

    prefix = prefix_in_work_tree(root)
    return replace(result, properties={**result.properties, URI_PREFIX: prefix}) if prefix else result


def with_sarif_options(result: Result, include_suppressed: bool) -> Result:
    if not include_suppressed:
        return result
    from jwtaudit.reports.sarif import with_include_suppressed

    return with_include_suppressed(result, include_suppressed)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jwtaudit")
def cli() -> None:
    """Find unsigned, mis-signed and leaked JWTs and API keys in bot-platform integrations."""


@cli.command("token")
@click.argument("tokens", nargs=-1)
@click.option("--secret-env", metavar="VAR", help="Environment variable holding the app's client secret.")
@click.option("--secret-file", metavar="PATH", help="File holding the app's client secret.")
@click.option("--secret", "secret_arg", metavar="SECRET", hidden=True,
              help="Client secret (unsafe: visible in ps).")
@click.option("--enforce-jti", is_flag=True, help="The app enforces JTI.")
@click.option("--enforce-jwe", is_flag=True, help="The app enforces JWE.")
@click.option("--export", "export_path", metavar="PATH", help="Take app settings and secret from an export.")
@click.option("--now", "now_text", metavar="TIME", help="Judge times as of TIME (epoch seconds or ISO 8601).")
@click.option("--wordlist", metavar="FILE", help="Extra weak-secret candidates, one per line.")
@profile_option
@format_option
@output_option
@sarif_suppressed_option
@fail_on_option
@select_option
@ignore_option
@config_option
@guarded
def token_command(tokens: tuple[str, ...], secret_env: str | None, secret_file: str | None,
                  secret_arg: str | None, enforce_jti: bool, enforce_jwe: bool,
                  export_path: str | None, now_text: str | None, wordlist: str | None,
                  profile: str | None, formats: tuple[str, ...], outputs: tuple[str, ...],
                  sarif_include_suppressed: bool,
                  fail_on: str | None, select: str | None, ignore: str | None,
                  config_path: str | None) -> None:
    """Decode one or more tokens (arguments, or '-' / nothing for stdin) and check each."""
    from jwtaudit.commands.token import TokenOptions, run_token_command

    config = build_config(config_path, Path.cwd(), select=select, ignore=ignore, fail_on=fail_on,
                          profile=profile, wordlist=wordlist)
    pairs = pair_outputs(formats, outputs)
    if any(fmt not in ("text", "json", "sarif", "markdown", "html") for fmt, _ in pairs):
        raise UsageError("unsupported format")
    if secret_arg:
        click.echo("jwtaudit: warning: a secret on the command line is visible to other users "
                   "and in shell history; prefer --secret-env or --secret-file", err=True)
    options = TokenOptions(
        tokens=tokens, secret_env=secret_env, secret_file=secret_file, secret=secret_arg,
        enforce_jti=enforce_jti, enforce_jwe=enforce_jwe, export_path=export_path, now=now_text,
    )
    result, redactor = run_token_command(options, config, stdin=sys.stdin)
    result = with_sarif_options(result, sarif_include_suppressed)
    finish(result, config, pairs, redactor)


@cli.command("audit")
@click.argument("path")
@click.option("--now", "now_text", metavar="TIME", help="Judge ages as of TIME (epoch seconds or ISO 8601).")
@click.option("--wordlist", metavar="FILE", help="Extra weak-secret candidates, one per line.")
@format_option
@output_option
@sarif_suppressed_option
@fail_on_option
@select_option
@ignore_option
@config_option
@guarded
def audit_command(path: str, now_text: str | None, wordlist: str | None, formats: tuple[str, ...],
                  outputs: tuple[str, ...], sarif_include_suppressed: bool, fail_on: str | None,
                  select: str | None, ignore: str | None,
                  config_path: str | None) -> None:
    """Audit an exported account: a container, Get Bots response, bot export zip or folder."""
    from jwtaudit.commands.audit import AuditOptions, run_audit_command

    config = build_config(config_path, Path(path), select=select, ignore=ignore, fail_on=fail_on,
                          wordlist=wordlist)
    pairs = pair_outputs(formats, outputs)
    result, redactor = run_audit_command(AuditOptions(path=path, now=now_text), config)
    root = Path(path) if Path(path).is_dir() else Path(path).parent
    result = with_line_hashes(result, pairs, root)
    result = with_repository_paths(result, pairs, root)
    result = with_sarif_options(result, sarif_include_suppressed)
    finish(result, config, pairs, redactor)


@cli.command("scan")
@click.argument("paths", nargs=-1)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: all cores); results are identical for any N.")
@click.option("--now", "now_text", metavar="TIME", help="Judge times as of TIME (epoch seconds or ISO 8601).")
@click.option("--wordlist", metavar="FILE", help="Extra weak-secret candidates, one per line.")
@click.option("--staged", is_flag=True, help="Scan the staged content of PATHS (default: every staged file).")
@click.option("--history", is_flag=True, help="Scan every commit (every ref, or --branch) once per blob.")
@click.option("--since", metavar="REV", help="With --history: only commits not reachable from REV.")
@click.option("--branch", "branches", multiple=True, metavar="REF",
              help="With --history: commits reachable from REF (repeatable; default: every ref).")
@click.option("--diff", "diff_base", metavar="BASE",
              help="Only findings introduced from the merge base of BASE and HEAD to HEAD.")
@click.option("--baseline", "baseline_path", metavar="FILE",
              help="Findings accepted in FILE are listed as such and do not count toward the exit code.")
@profile_option
@format_option
@output_option
@sarif_suppressed_option
@fail_on_option
@select_option
@ignore_option
@config_option
@guarded
def scan_command(paths: tuple[str, ...], jobs: int | None, now_text: str | None, wordlist: str | None,
                 profile: str | None, formats: tuple[str, ...], outputs: tuple[str, ...],
                 sarif_include_suppressed: bool, fail_on: str | None, select: str | None,
                 ignore: str | None, config_path: str | None, **git_options: Any) -> None:
    """Find and judge every token and secret in PATHS (default: the current folder)."""
    from jwtaudit.commands.scan import tuned_collector

    with tuned_collector():
        _scan(paths, jobs, now_text, wordlist, profile, formats, outputs, sarif_include_suppressed, fail_on,
              select, ignore, config_path, git_options)


def _scan(paths: tuple[str, ...], jobs: int | None, now_text: str | None, wordlist: str | None,
          profile: str | None, formats: tuple[str, ...], outputs: tuple[str, ...],
          sarif_include_suppressed: bool, fail_on: str | None, select: str | None,
          ignore: str | None, config_path: str | None, git_options: dict[str, Any]) -> None:
    from jwtaudit.commands.scan import ScanRequest, run_scan
    from jwtaudit.commands.token import parse_now

    targets = paths or (".",)
    start = Path(targets[0]) if len(targets) == 1 else Path.cwd()
    config = build_config(config_path, start, select=select, ignore=ignore, fail_on=fail_on,
                          profile=profile, wordlist=wordlist)
    pairs = pair_outputs(formats, outputs)
    request = ScanRequest(paths=targets, jobs=jobs, now=parse_now(now_text), progress=True)
    git_mode = any(git_options.get(name) for name in ("staged", "history", "diff_base"))
    if any(git_options.values()):  # --staged/--history/--diff/--baseline: jwtaudit.commands.scan_git
        from jwtaudit.commands.scan_git import run_with_git_options

        result, redactor = run_with_git_options(request, paths, config, **git_options)
        if not git_mode:  # a plain scan with a baseline: paths are the scan root's, as below
            from jwtaudit.sources.files import scan_root

            result = with_line_hashes(result, pairs, scan_root(targets))
            result = with_repository_paths(result, pairs, scan_root(targets))
    else:
        from jwtaudit.sources.files import scan_root

        result, redactor = run_scan(request, config)
        result = with_line_hashes(result, pairs, scan_root(targets))
        result = with_repository_paths(result, pairs, scan_root(targets))
    result = with_sarif_options(result, sarif_include_suppressed)
    finish(result, config, pairs, redactor)


@cli.group("baseline")
def baseline_group() -> None:
    """Accept the current findings so that only new ones fail: create, update, import."""


baseline_file_option = click.option(
    "--output", "-o", "output", default=".jwtaudit-baseline.json", show_default=True, metavar="FILE",
    help="The baseline file.",
)


def _baseline_options(paths: tuple[str, ...], output: str, select: str | None, ignore: str | None,
                      config_path: str | None) -> tuple[Any, Config]:
    from jwtaudit.commands.baseline import BaselineOptions, check_paths

    targets = check_paths(paths)
    start = Path(targets[0]) if len(targets) == 1 else Path.cwd()
    config = build_config(config_path, start, select=select, ignore=ignore)
    return BaselineOptions(paths=targets, output=output), config


@baseline_group.command("create")
@click.argument("paths", nargs=-1)
@baseline_file_option
@select_option
@ignore_option
@config_option
@guarded
def baseline_create_command(paths: tuple[str, ...], output: str, select: str | None, ignore: str | None,
                            config_path: str | None) -> None:
    """Scan PATHS (default: .) and accept every finding in a new baseline file."""
    from jwtaudit.commands.baseline import create

    summary = create(*_baseline_options(paths, output, select, ignore, config_path))
    click.echo(f"jwtaudit: {summary}", err=True)


@baseline_group.command("update")
@click.argument("paths", nargs=-1)
@baseline_file_option
@select_option
@ignore_option
@config_option
@guarded
def baseline_update_command(paths: tuple[str, ...], output: str, select: str | None, ignore: str | None,
                            config_path: str | None) -> None:
    """Rescan PATHS: keep accepted findings still present, add new ones, drop the gone."""
    from jwtaudit.commands.baseline import update

    summary = update(*_baseline_options(paths, output, select, ignore, config_path))
    click.echo(f"jwtaudit: {summary}", err=True)


@baseline_group.command("import")
@click.argument("secrets_baseline", metavar="SECRETS_BASELINE")
@click.argument("paths", nargs=-1)
@baseline_file_option
@select_option
@ignore_option
@config_option
@guarded
def baseline_import_command(secrets_baseline: str, paths: tuple[str, ...], output: str, select: str | None,
                            ignore: str | None, config_path: str | None) -> None:
    """Adopt a detect-secrets .secrets.baseline: accept the findings it already lists."""
    from jwtaudit.commands.baseline import import_detect_secrets

    options, config = _baseline_options(paths, output, select, ignore, config_path)
    summary, unmatched = import_detect_secrets(secrets_baseline, options, config)
    for line in unmatched:
        click.echo(f"jwtaudit: {line}", err=True)
    click.echo(f"jwtaudit: {summary}", err=True)


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@guarded
def rules_command(fmt: str) -> None:
    """List every rule."""
    import json

    from jwtaudit.rules import registry

    infos = [r.info for r in registry.load_all().values()]
    if fmt == "json":
        click.echo(json.dumps([registry.rule_dict(i) for i in infos], indent=2))
        return
    width = max(len(i.name) for i in infos)
    for i in infos:
        click.echo(f"{i.code:<8} {i.name:<{width}}  {i.severity.label:<8}  {i.summary}")


@cli.command("explain")
@click.argument("code")
@guarded
def explain_command(code: str) -> None:
    """Print one rule's documentation."""
    from jwtaudit.rules import registry

    found = registry.get(code)
    if found is None:
        raise UsageError(f"unknown rule code {code!r} (see 'jwtaudit rules')")
    info = found.info
    click.echo(f"{info.code} {info.name}  (severity {info.severity.label}, "
               f"confidence {info.confidence.label}, CWE-{info.cwe})\n")
    click.echo(info.doc)


def main() -> None:
    """The console entry point: click's usage errors as one line (`jwtaudit: error: …`, exit 2),
    like every other error, instead of its three-line usage block."""
    try:
        code = cli.main(prog_name="jwtaudit", standalone_mode=False)
    except click.UsageError as exc:
        where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
        click.echo(f"jwtaudit: error: {exc.format_message()}{where}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"jwtaudit: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("jwtaudit: interrupted", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
