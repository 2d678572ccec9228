"""`jwtaudit token`: exact output, exit codes, secrets never shown."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from jwtaudit.cli import cli
from jwtaudit.redact import short_hash
from tests.helpers import CLIENT_ID, NOW, STRONG_SECRET, good_payload, make_token

SAMPLE = make_token({"alg": "HS256", "typ": "JWT"},
                    {"sub": "1234567890", "name": "John Doe", "iat": 1516239022}, "your-256-bit-secret")
GOOD = make_token({"alg": "HS256", "typ": "JWT"}, good_payload())


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    runner = CliRunner()
    return runner.invoke(cli, ["token", "--now", str(NOW), *args], input=input, env=env,
                         catch_exceptions=False)


def test_jwt_io_sample_text_report_is_exact() -> None:
    result = run(SAMPLE)
    assert result.exit_code == 1
    expected = f"""\
── token 1: JWS, HS256, profile generic, 155 chars (sha256:{short_hash(SAMPLE)})
Header:
  {{
    "alg": "HS256",
    "typ": "JWT"
  }}
Payload:
  {{
    "sub": "1234567890",
    "name": "John Doe",
    "iat": 1516239022
  }}
  iat: 2018-01-18 01:30:22 UTC (8 years ago)
Signature: 32 bytes
Findings (4):
  MEDIUM   TOK009 no-expiry: Token has no 'exp': it never expires.
           fix: Add `exp` (seconds since the epoch), e.g. `iat + 1800`.
"""
    expected += """\
  CRITICAL TOK015 weak-hmac-secret: Signature verifies with a guessable secret from the built-in weak-secret list: anyone can forge tokens.
           fix: Rotate the secret now. Use the platform-generated client secret (32 random bytes) or another secret of at least 32 random bytes, kept out of code.
  MEDIUM   TOK017 placeholder-claims: Token carries sample values from documentation (sub/name, iat).
           fix: Build the payload from the real user and app (`sub` = user id, `appId` = your client id) and current timestamps.
  MEDIUM   TOK024 short-hmac-key: The HS256 key is 19 bytes; at least 32 are required.
           fix: Use at least 32 random bytes for HS256 (the platform's client secrets are 32 bytes).

4 findings (1 critical, 3 medium) in 1 token.
"""
    assert result.output == expected


def test_correct_token_is_silent_and_exits_zero() -> None:
    result = run(GOOD)
    assert result.exit_code == 0
    assert "No findings." in result.output
    assert result.output.endswith("0 findings in 1 token.\n")
    assert f'"appId": "{CLIENT_ID}"' in result.output
    assert "exp: 2026-11-21 22:55:40 UTC (in 29 min)" in result.output


def test_json_report_shape_and_locations_from_stdin() -> None:
    unsigned = make_token({"alg": "none"}, good_payload(), None)
    result = run("--format", "json", "-", input=f"# tokens\n{GOOD}\n\n{unsigned}\n")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["tool"] == "jwtaudit" and data["mode"] == "token"
    assert [(f["rule"], f["location"]["path"], f["location"]["line"]) for f in data["findings"]] == [
        ("TOK002", "<stdin>", 4)]
    finding = data["findings"][0]
    assert finding["name"] == "unsigned-token" and finding["severity"] == "critical"
    assert set(finding) >= {"rule", "name", "severity", "confidence", "message", "location", "evidence",
                            "fingerprint"}
    assert data["summary"] == {"files_scanned": 2, "findings": 1,
                               "by_severity": {"critical": 1, "high": 0, "medium": 0, "low": 0, "info": 0},
                               "errors": []}
    assert [t["location"]["line"] for t in data["tokens"]] == [2, 4]


def test_user_cases_from_the_issue_get_the_right_codes() -> None:
    cases = {
        "TOK002": make_token({"alg": "nOnE"}, good_payload(), None),
        "TOK004": make_token({"alg": "HS256"}, good_payload(appId=..., **{"App ID": CLIENT_ID})),
        "TOK003": make_token({"alg": "HS512"}, good_payload()),
        "TOK012": make_token({"alg": "HS256"}, good_payload(iat=NOW * 1000, exp=(NOW + 600) * 1000)),
        "TOK008": make_token({"alg": "HS256"}, good_payload(exp=NOW - 60 + 7200)),
        "TOK015": SAMPLE,
    }
    for code, token in cases.items():
        data = json.loads(run("--format", "json", token).output)
        assert code in [f["rule"] for f in data["findings"]], code
    data = json.loads(run("--format", "json", "--enforce-jwe", GOOD).output)
    assert [f["rule"] for f in data["findings"]] == ["TOK018"]


def test_enforce_jti_raises_severity() -> None:
    token = make_token({"alg": "HS256"}, good_payload(jti=...))
    plain = json.loads(run("--format", "json", token).output)["findings"]
    enforced = json.loads(run("--format", "json", "--enforce-jti", token).output)["findings"]
    assert [(f["rule"], f["severity"]) for f in plain] == [("TOK007", "medium")]
    assert [(f["rule"], f["severity"]) for f in enforced] == [("TOK007", "high")]


def test_fail_on_threshold() -> None:
    token = make_token({"alg": "HS256"}, good_payload(jti=...))  # TOK007 medium only
    assert run("--fail-on", "high", token).exit_code == 0
    assert run("--fail-on", "medium", token).exit_code == 1


def test_secret_env_checks_signature_and_is_never_printed() -> None:
    canary = "CANARY-" + "k" * 37
    token = make_token({"alg": "HS256"}, good_payload(), canary)
    ok = run("--format", "json", "--secret-env", "KORE_SECRET", token, env={"KORE_SECRET": canary})
    assert ok.exit_code == 0
    bad = run("--secret-env", "KORE_SECRET", GOOD, env={"KORE_SECRET": canary})
    assert bad.exit_code == 1 and "TOK016 signature-mismatch" in bad.output
    signature = token.split(".")[2]
    for output in (ok.output, bad.output):
        assert canary not in output and signature not in output and token not in output


def test_secret_on_command_line_warns() -> None:
    result = CliRunner().invoke(cli, ["token", "--secret", STRONG_SECRET, GOOD])
    assert "visible to other users" in result.stderr
    assert STRONG_SECRET not in result.output


def test_missing_secret_env_is_a_usage_error() -> None:
    result = run("--secret-env", "NOPE_NOT_SET_1", GOOD, env={})
    assert result.exit_code == 2
    assert result.output == "jwtaudit: error: --secret-env: environment variable NOPE_NOT_SET_1 is not set\n"


def test_empty_secret_env_or_file_is_a_usage_error_not_a_silent_pass(tmp_path) -> None:
    result = run("--secret-env", "KORE_SECRET_EMPTY_1", GOOD, env={"KORE_SECRET_EMPTY_1": "  "})
    assert result.exit_code == 2
    assert result.output == "jwtaudit: error: --secret-env: environment variable KORE_SECRET_EMPTY_1 is empty\n"
    empty = tmp_path / "secret.txt"
    empty.write_text("\n")
    result = run("--secret-file", str(empty), GOOD)
    assert result.exit_code == 2 and result.output.endswith(": the secret file is empty\n")


def test_not_a_token_is_a_one_line_error() -> None:
    result = run("hello-world")
    assert result.exit_code == 2
    assert result.output == ("jwtaudit: error: <argument> argument 1: not a compact JWS or JWE: 1 "
                             "dot-separated parts (expected 3 or 5)\n")


def test_bearer_prefix_is_accepted() -> None:
    assert run(f"Bearer {GOOD}").exit_code == 0


def test_report_to_file(tmp_path) -> None:
    out = tmp_path / "r.json"
    result = run("-o", str(out), SAMPLE)
    assert result.exit_code == 1 and result.output == ""
    assert json.loads(out.read_text())["summary"]["findings"] == 4


def test_unwritable_output_is_exit_2(tmp_path) -> None:
    result = run("-o", str(tmp_path / "missing" / "r.json"), SAMPLE)
    assert result.exit_code == 2
    assert "cannot write report" in result.output


def test_bad_now_is_exit_2() -> None:
    result = CliRunner().invoke(cli, ["token", "--now", "yesterday", GOOD])
    assert result.exit_code == 2 and "--now" in result.output


def test_wordlist_option(tmp_path) -> None:
    token = make_token({"alg": "HS256"}, good_payload(), "acme-internal-2025!")
    words = tmp_path / "words.txt"
    words.write_text("foo\nacme-internal-2025!\n")
    data = json.loads(run("--format", "json", "--wordlist", str(words), token).output)
    assert [f["rule"] for f in data["findings"]] == ["TOK015", "TOK024"]
    assert data["findings"][0]["evidence"]["source"] == "your wordlist"


def test_rules_and_explain() -> None:
    runner = CliRunner()
    listing = runner.invoke(cli, ["rules"])
    assert listing.exit_code == 0
    assert "TOK002   unsigned-token" in listing.output
    as_json = json.loads(runner.invoke(cli, ["rules", "--format", "json"]).output)
    assert {"code": "TOK015", "name": "weak-hmac-secret"}.items() <= next(
        r for r in as_json if r["code"] == "TOK015").items()
    page = runner.invoke(cli, ["explain", "tok002"])
    assert page.exit_code == 0
    assert page.output.startswith("TOK002 unsigned-token  (severity critical, confidence high, CWE-347)")
    for heading in ("What it does", "Why is this bad?", "Example", "Fix", "References"):
        assert f"**{heading}**" in page.output
    unknown = runner.invoke(cli, ["explain", "TOK999"])
    assert unknown.exit_code == 2 and "unknown rule code" in unknown.output


def test_config_unknown_key_is_exit_2(tmp_path) -> None:
    cfg = tmp_path / ".jwtaudit.toml"
    cfg.write_text('fail-on = "high"\nmax_lifetyme = "2h"\n')
    result = CliRunner().invoke(cli, ["token", "--config", str(cfg), GOOD])
    assert result.exit_code == 2
    assert "unknown key max_lifetyme" in result.output


def test_python_dash_m_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "jwtaudit", "token", "--now", str(NOW), GOOD],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("0 findings in 1 token.\n")


def test_internal_error_exits_2_without_traceback(monkeypatch) -> None:
    from jwtaudit.commands import token as token_command

    def boom(*args, **kwargs):
        raise ValueError("secret-value-that-must-not-show")

    monkeypatch.setattr(token_command, "run_token_command", boom)
    monkeypatch.delenv("JWTAUDIT_DEBUG", raising=False)
    result = CliRunner().invoke(cli, ["token", GOOD])
    assert result.exit_code == 2
    assert result.output.startswith("jwtaudit: error: internal error (ValueError at ")
    assert "Traceback" not in result.output and "secret-value" not in result.output


# --- regressions from the black-box sweep -----------------------------------------------------


def rows_of(result) -> list[tuple[str, str, int | None]]:
    data = json.loads(result.output, parse_constant=lambda name: pytest.fail(f"report holds {name}"))
    return [(f["rule"], f["location"]["path"], f["location"]["line"]) for f in data["findings"]]


def raw_payload_token(payload_text: str) -> str:
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(b'{"alg":"HS256","typ":"JWT"}')
    body = b64(payload_text.encode())
    sig = hmac.new(STRONG_SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(sig)}"


@pytest.mark.parametrize(("value", "expect"), [
    ("999999999999999999999999999999", ["TOK012"]),
    ("1e400", ["TOK012", "TOK013"]),
    ("Infinity", ["TOK001", "TOK012", "TOK013"]),
    ("NaN", ["TOK001", "TOK013"]),
    (str(NOW + 600), []),
])
def test_huge_and_non_finite_dates_never_crash_any_format(value: str, expect: list[str]) -> None:
    token = raw_payload_token(f'{{"sub":"u","iat":{NOW - 60},"exp":{value}}}')
    assert rows_of(run("--format", "json", token)) == [(code, "<argument>", None) for code in expect]
    for fmt in ("text", "json", "sarif", "markdown", "html"):
        result = run("--format", fmt, token)
        assert result.exit_code == (1 if expect else 0), (fmt, result.output[-300:])
        assert "internal error" not in result.output and "Traceback" not in result.output
        assert token not in result.output and token.split(".")[2] not in result.output
    both = raw_payload_token(f'{{"sub":"u","iat":{value},"exp":{value},"nbf":{value}}}')
    assert run("--format", "json", both).exit_code in (0, 1)


def test_text_view_shows_non_finite_exp_safely() -> None:
    output = run(raw_payload_token('{"sub":"u","exp":Infinity}')).output
    assert "  exp: Infinity (not a finite number)\n" in output
    assert '"exp": "Infinity"' in output


def test_alg_null_gets_malformed_and_api_algorithm() -> None:
    token = make_token({"alg": None, "typ": "JWT"}, good_payload())
    assert rows_of(run("--format", "json", token)) == [("TOK001", "<argument>", None),
                                                       ("TOK003", "<argument>", None)]


def test_jwt_io_current_default_secret_is_weak() -> None:
    token = make_token({"alg": "HS256", "typ": "JWT"}, {"sub": "u", "exp": NOW + 600},
                       "a-string-secret-at-least-256-bits-long")
    assert rows_of(run("--format", "json", token)) == [("TOK015", "<argument>", None)]
    near = make_token({"alg": "HS256", "typ": "JWT"}, {"sub": "u", "exp": NOW + 600},
                      "a-string-secret-at-least-256-bits-longer")
    assert rows_of(run("--format", "json", near)) == []


def test_profile_generic_turns_off_miscased_app_id() -> None:
    token = make_token({"alg": "HS256"}, good_payload(appId=..., appid=CLIENT_ID))
    assert rows_of(run("--format", "json", token)) == [("TOK004", "<argument>", None)]
    assert rows_of(run("--format", "json", "--profile", "generic", token)) == []


WEAK = make_token({"alg": "HS256", "typ": "JWT"}, {"sub": "u", "exp": NOW + 600}, "secret")


@pytest.mark.parametrize("template", [
    "Authorization: Bearer {}", "authorization:bearer {}", "AUTHORIZATION: BEARER {}", "auth: {}",
    "Bearer {}", '"Authorization: Bearer {}"', "  auth:{}  ",
])
def test_pasted_header_line_on_stdin_and_as_argument(template: str) -> None:
    """The header name comes off; Kore's `auth` header also says the token is for the public APIs,
    which need `appId` (TOK005), as `scan` judges a token it finds after `auth:`."""
    line = template.format(WEAK)
    api = [("TOK005",), ("TOK007",)] if template.strip().lower().startswith("auth:") else []
    from_stdin = run("--format", "json", "-", input=line + "\n")
    assert rows_of(from_stdin) == [(*r, "<stdin>", 1) for r in api] + [("TOK015", "<stdin>", 1),
                                                                        ("TOK024", "<stdin>", 1)]
    as_argument = run("--format", "json", line)
    assert rows_of(as_argument) == [(*r, "<argument>", None) for r in api] + [
        ("TOK015", "<argument>", None), ("TOK024", "<argument>", None)]
    for result in (from_stdin, as_argument):
        assert WEAK not in result.output and WEAK.split(".")[2] not in result.output


def test_pasted_header_line_near_misses() -> None:
    assert run("-", input=f"Authorization: Bearer {GOOD}\n").exit_code == 0
    other_scheme = run("Authorization: Basic dXNlcjpwYXNz")
    assert other_scheme.exit_code == 2 and "not a compact JWS or JWE" in other_scheme.output


@pytest.mark.parametrize(("template", "shape"), [
    ("x-auth: {}", "a header or field other than auth/Authorization ('NAME: TOKEN')"),
    ("oauth: {}", "a header or field other than auth/Authorization ('NAME: TOKEN')"),
    ("auth = {}", "an assignment ('NAME=TOKEN')"),
    ("token={}", "an assignment ('NAME=TOKEN')"),
    ("authorization: auth {}", "an auth/Authorization header whose scheme is not Bearer ('NAME: SCHEME TOKEN')"),
    ("Authorization: Basic {}", "an auth/Authorization header whose scheme is not Bearer ('NAME: SCHEME TOKEN')"),
])
def test_text_before_the_token_is_an_input_error_naming_its_shape(template: str, shape: str) -> None:
    """Not TOK001 'token contains whitespace' for a header this command does not know: exit 2,
    as for any input that is not a token, naming the prefix's shape and never the token."""
    for result, where in ((run(template.format(GOOD)), "<argument> argument 1"),
                          (run("-", input="# c\n" + template.format(GOOD) + "\n"), "<stdin> line 2")):
        assert result.exit_code == 2
        assert result.output == (f"jwtaudit: error: {where}: text before the token, {shape}; pass the token "
                                 "alone, or as 'auth: TOKEN' or 'Authorization: Bearer TOKEN'\n")


def test_text_before_the_token_near_misses() -> None:
    """Known header shapes come off; a token with a space inside (wrapped) is a malformed token."""
    for line in (f"auth: {GOOD}", f"Authorization: Bearer {GOOD}", f"jwt {GOOD}", f"'{GOOD}'"):
        assert run(line).exit_code == 0, line
    head, rest = GOOD[:4], GOOD[4:]
    wrapped = run("--format", "json", f"{head} {rest}")
    assert rows_of(wrapped)[0] == ("TOK001", "<argument>", None) and wrapped.exit_code == 1


def test_heading_shows_the_profile_an_auth_header_gives() -> None:
    """`auth: TOKEN` is judged as a public-API token (TOK005 without appId): the heading says so."""
    no_app_id = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(appId=...))
    pasted = run(f"auth: {no_app_id}")
    assert "profile kore-api" in pasted.output.splitlines()[0] and "TOK005" in pasted.output
    bare = run(no_app_id)
    assert "profile generic" in bare.output.splitlines()[0] and "TOK005" not in bare.output


ACCOUNT_EXPORT = f"""\
format: jwtaudit-account-export/v1
host: https://platform.kore.ai
account: {{accountId: 6661e128d3203924648c10bf, name: Acme Support}}
apps:
  - {{clientId: {CLIENT_ID}, name: ci-exporter, createdIn: admin_console, algorithm: HS256}}
bots:
  - {{_id: st-0b0b0000-0000-4000-8000-000000000001, accountId: 6661e128d3203924648c10bf, name: Helpdesk,
     status: published, jwtApps: [{{clientId: {CLIENT_ID}}}]}}
"""


@pytest.mark.parametrize("name", ["ci-exporter", "Acme Support", "acme-support", "Helpdesk"])
def test_export_names_are_weak_secret_candidates(tmp_path, name: str) -> None:
    export = tmp_path / "acct.yaml"
    export.write_text(ACCOUNT_EXPORT)
    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(), name)
    result = run("--format", "json", "--export", str(export), token)
    findings = json.loads(result.output)["findings"]
    assert [(f["rule"], f["location"]["path"]) for f in findings] == [("TOK015", "<argument>"),
                                                                      ("TOK024", "<argument>")]
    assert findings[0]["evidence"]["source"] == "names from the scanned context"
    assert token not in result.output and token.split(".")[2] not in result.output


def test_export_names_near_misses(tmp_path) -> None:
    export = tmp_path / "acct.yaml"
    export.write_text(ACCOUNT_EXPORT)
    named = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(), "ci-exporter")
    assert rows_of(run("--format", "json", named)) == []  # without the export the name is unknown
    other = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(), "ci-exporter-prod")
    assert rows_of(run("--format", "json", "--export", str(export), other)) == []


SCOPED_EXPORT = f"""\
format: jwtaudit-account-export/v1
host: https://platform.kore.ai
account: {{accountId: 6661e128d3203924648c10bf, name: Acme Support}}
apps:
  - {{clientId: {CLIENT_ID}, name: ci-exporter, createdIn: admin_console, algorithm: HS256,
     jtiClaimEnforced: true}}
apiScopeMappings:
  - {{clientId: {CLIENT_ID}, level: admin, accountId: 6661e128d3203924648c10bf, scopes: [BotDefinition],
     saved: true, published: true}}
"""


def rule_severities(result) -> list[tuple[str, str]]:
    data = json.loads(result.output)
    return sorted((f["rule"], f["severity"]) for f in data["findings"])


def test_export_ties_an_iss_only_token_to_its_api_scope_app(tmp_path) -> None:
    export = tmp_path / "acct.yaml"
    export.write_text(SCOPED_EXPORT)
    token = make_token({"alg": "HS256"}, {"sub": "svc", "iss": CLIENT_ID, "jti": "j", "iat": NOW - 60,
                                          "exp": NOW + 600})
    assert rows_of(run("--format", "json", "--export", str(export), token)) == [("TOK005", "<argument>", None)]
    # near miss: without the export nothing says the token is for the public APIs
    assert rows_of(run("--format", "json", token)) == []


def test_export_links_a_miscased_appid_to_its_app(tmp_path) -> None:
    export = tmp_path / "acct.yaml"
    export.write_text(SCOPED_EXPORT)
    token = make_token({"alg": "HS256"}, {"sub": "svc", "appid": CLIENT_ID, "iat": NOW - 60, "exp": NOW + 600})
    result = run("--format", "json", "--export", str(export), token)
    # the app enforces JTI: the missing jti is rejected outright (high), not just a replay risk
    assert rule_severities(result) == [("TOK004", "high"), ("TOK007", "high")]
    # near miss: an appid naming another client id is not linked to the exported app
    other = make_token({"alg": "HS256"}, {"sub": "svc", "appid": "cs-00000000-1111-4222-8333-444444444444",
                                          "iat": NOW - 60, "exp": NOW + 600})
    result = run("--format", "json", "--export", str(export), other)
    assert rule_severities(result) == [("TOK004", "high"), ("TOK007", "medium")]


@pytest.mark.parametrize(("files", "target", "message"), [
    ({"package.json": '{"name": "x", "dependencies": {}}'}, "package.json",
     "package.json: not a recognised export: no account container 'format', Get Bots 'bots[]' with 'jwtApps', "
     "bot definition, data-table 'schemaDef', BotKit 'credentials' or Xenioo 'Result[]'"),
    ({"notes.txt": "hello\n"}, "notes.txt", "notes.txt: not a recognised export: not a JSON, YAML or zip file"),
    ({"notes.txt": "hello\n", "package.json": "{}"}, "", "{root}: no export artefact found"),
    ({}, "", "{root}: no export artefact found"),
])
def test_export_that_holds_no_export_is_an_input_error(tmp_path, files: dict, target: str, message: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    path = tmp_path / target if target else tmp_path
    result = run("--format", "json", "--export", str(path), GOOD)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"jwtaudit: error: {message.format(root=tmp_path)}\n")


def test_export_folder_with_an_artefact_beside_other_files_is_used(tmp_path) -> None:
    (tmp_path / "acct.yaml").write_text(ACCOUNT_EXPORT)
    (tmp_path / "notes.txt").write_text("hello\n")
    token = make_token({"alg": "HS256", "typ": "JWT"}, good_payload(), "ci-exporter")
    assert rows_of(run("--format", "json", "--export", str(tmp_path), token)) == [
        ("TOK015", "<argument>", None), ("TOK024", "<argument>", None)]
