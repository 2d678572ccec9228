"""SARIF 2.1.0 output: schema-valid, and right on every point GitHub code scanning relies on."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from jwtaudit import __version__
from jwtaudit.model import Location, Result, Severity
from jwtaudit.reports import linehash, sarif
from tests.reports.builders import CANARY_SECRET, RULES, finding, make_result
from tests.reports.sarif_schema import validate


def render(result: Result) -> dict:
    """Render through the public entry point and validate every log against the schema."""
    return validate(sarif.render(result))


def run_of(result: Result) -> dict:
    return render(result)["runs"][0]


def by_path(run: dict) -> dict[str, dict]:
    return {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in run["results"]}


def test_log_header_and_driver(sample_result):
    log = render(sample_result)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "jwtaudit"
    assert driver["semanticVersion"] == __version__
    assert driver["informationUri"].startswith("https://")


def test_one_rule_entry_per_rule_with_a_result(sample_result):
    run = run_of(sample_result)
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["SEC002", "SEC009", "TOK002", "TOK010"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_rule_descriptor_carries_help_tags_precision_and_security_severity(sample_result):
    rules = {r["id"]: r for r in run_of(sample_result)["tool"]["driver"]["rules"]}
    tok = rules["TOK002"]
    assert tok["name"] == "unsigned-token"
    assert tok["shortDescription"]["text"] == "Finds tokens whose alg is none, or whose signature is empty."
    assert tok["fullDescription"]["text"].startswith("Finds tokens whose alg is none")
    assert "**Fix**" in tok["help"]["markdown"]
    assert "Sign every token with **HS256**" in tok["help"]["markdown"]
    assert "**" not in tok["help"]["text"] and "`" not in tok["help"]["text"]
    assert "Fix\n\nSign every token with HS256" in tok["help"]["text"]
    assert "RFC 8725 (https://www.rfc-editor.org/rfc/rfc8725)" in tok["help"]["text"]
    assert tok["defaultConfiguration"]["level"] == "error"
    assert tok["properties"]["tags"][:2] == ["security", "external/cwe/cwe-347"]
    assert tok["properties"]["precision"] == "high"
    assert tok["properties"]["security-severity"] == "9.5"
    expired = rules["TOK010"]
    assert expired["defaultConfiguration"]["level"] == "note"
    assert expired["properties"]["precision"] == "medium"
    assert expired["properties"]["security-severity"] == "1.0"
    assert expired["properties"]["tags"][:2] == ["security", "external/cwe/cwe-613"]


@pytest.mark.parametrize(("severity", "level", "score"), [
    (Severity.CRITICAL, "error", "9.5"),
    (Severity.HIGH, "error", "8.0"),
    (Severity.MEDIUM, "warning", "5.5"),
    (Severity.LOW, "note", "3.0"),
    (Severity.INFO, "note", "1.0"),
])
def test_level_and_security_severity_follow_the_finding_severity(severity, level, score):
    run = run_of(make_result([finding("TOK002", severity=severity)]))
    assert run["results"][0]["level"] == level
    assert run["tool"]["driver"]["rules"][0]["properties"]["security-severity"] == score
    # a config override (TOK002 is critical in the catalog): the rule's default level agrees
    assert run["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] == level
    assert isinstance(run["tool"]["driver"]["rules"][0]["properties"]["security-severity"], str)


def test_security_severity_is_the_worst_of_the_run_for_that_rule():
    result = make_result([finding("TOK002", "a.py", 1, severity=Severity.LOW),
                          finding("TOK002", "b.py", 1, severity=Severity.HIGH)])
    rule = run_of(result)["tool"]["driver"]["rules"][0]
    assert rule["properties"]["security-severity"] == "8.0"


def test_message_first_sentence_stands_alone_and_history_names_the_commit():
    commit = "0123456789abcdef0123456789abcdef01234567"
    f = finding("SEC002", ".env", 2, message="Kore client secret bound to KORE_CLIENT_SECRET",
                location=Location(path=".env", line=2, column=1, end_line=2, end_column=60,
                                  commit=commit))
    result = render(make_result([f], mode="history"))["runs"][0]["results"][0]
    text = result["message"]["text"]
    assert text == f"Kore client secret bound to KORE_CLIENT_SECRET. Found in commit {commit}."
    assert result["properties"]["commit"] == commit


def test_location_is_relative_under_srcroot_with_a_full_region(sample_result):
    run = run_of(sample_result)
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    assert run["columnKind"] == "utf16CodeUnits"
    loc = by_path(run)["src/app.py"]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 7, "startColumn": 9, "endLine": 7, "endColumn": 40}


def test_pointer_is_a_logical_location_and_in_the_message(sample_result):
    result = by_path(run_of(sample_result))["config/tokens.json"]
    assert result["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": "/tokens/0", "kind": "member"}]
    assert result["message"]["text"].endswith("Key: /tokens/0.")


def test_location_without_line_points_at_first_line():
    run = run_of(make_result([finding("TOK002", "whole.bin", None)]))
    assert run["results"][0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}


def test_hostile_path_is_percent_encoded():
    run = run_of(make_result([finding("TOK002", 'a dir/"><img onerror=alert(1)>#?.js', 1)]))
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "a%20dir/%22%3E%3Cimg%20onerror=alert(1)%3E%23%3F.js"


def test_related_locations_are_linked_from_the_message(sample_result):
    result = by_path(run_of(sample_result))["fixtures/token.txt"]
    assert result["relatedLocations"][0]["id"] == 1
    assert result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ".env"
    assert result["message"]["text"].endswith("Related: [.env:2](1).")


def test_no_snippet_and_no_region_text_anywhere(sample_result):
    text = sarif.render(sample_result)
    assert '"snippet"' not in text
    assert '"contextRegion"' not in text


def test_partial_fingerprints_line_hash_from_properties_and_content_fingerprint():
    text = " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n"
    f = finding("TOK002", "src/greet.txt", 2)
    props = linehash.sarif_properties([f], lambda loc: text if loc.path == "src/greet.txt" else None)
    run = run_of(make_result([f], properties=props))
    fingerprints = run["results"][0]["partialFingerprints"]
    # GitHub's own test vector for line 2 of this text (codeql-action src/fingerprints.test.ts).
    assert fingerprints == {"primaryLocationLineHash": "fb7c023a8b9ccb3f:1", "jwtaudit/v1": f.fingerprint}


def test_without_line_hash_only_the_content_fingerprint_is_given(sample_result):
    for result in run_of(sample_result)["results"]:
        assert set(result["partialFingerprints"]) == {"jwtaudit/v1"}


def test_utf16_columns_from_properties():
    line = "key = '\U0001F511\U0001F511' + TOKEN"  # two astral characters before the value
    f = finding("TOK002", "emoji.py", 1,
                location=Location(path="emoji.py", line=1, column=12, end_line=1, end_column=17))
    props = linehash.sarif_properties([f], lambda loc: line + "\n")
    region = run_of(make_result([f], properties=props))["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 14, "endLine": 1, "endColumn": 19}


@pytest.mark.parametrize(("mode", "ident"), [
    ("scan", "jwtaudit/scan/"), ("history", "jwtaudit/history/"),
    ("audit", "jwtaudit/audit/"), ("token", "jwtaudit/token/"),
])
def test_automation_details_id_per_mode(mode, ident):
    assert run_of(make_result([finding("TOK002")], mode=mode))["automationDetails"] == {"id": ident}


def test_baseline_and_suppressed_findings_are_left_out_by_default(sample_result):
    run = run_of(sample_result)
    assert sorted(by_path(run)) == [".env", "config/tokens.json", "fixtures/token.txt", "src/app.py"]
    assert all("suppressions" not in r for r in run["results"])


def test_include_suppressed_keeps_them_with_suppressions(sample_result):
    run = run_of(sarif.with_include_suppressed(sample_result, True))
    results = by_path(run)
    assert sorted(results) == [".env", "config/tokens.json", "fixtures/token.txt", "old/.env",
                               "src/app.py", "src/legacy.py"]
    assert results["old/.env"]["suppressions"][0]["kind"] == "external"
    assert results["src/legacy.py"]["suppressions"][0]["kind"] == "inSource"
    assert results["src/legacy.py"]["suppressions"][0]["status"] == "accepted"
    assert "suppressions" not in results["src/app.py"]
    assert sarif.with_include_suppressed(sample_result, False) is sample_result


def test_result_limit_keeps_the_most_severe_and_says_so():
    findings = [finding("TOK010", f"f{i:02}.json", 1) for i in range(6)]
    findings += [finding("TOK002", "z.py", 1), finding("SEC002", "a.env", 9)]
    log, notes = sarif.build(make_result(findings), max_results=3)
    run = validate(log)["runs"][0]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
            for r in run["results"]] == [("TOK010", "f00.json"), ("TOK002", "z.py"), ("SEC002", "a.env")]
    assert run["properties"]["truncated"] is True
    assert (run["properties"]["resultsTotal"], run["properties"]["resultsKept"]) == (8, 3)
    assert notes and "3 most severe of 8" in notes[0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["SEC002", "TOK002", "TOK010"]


def test_compressed_size_limit_truncates(monkeypatch, capsys):
    findings = [finding("TOK010", f"dir/{i:05}-{'x' * 60}.json", i + 1) for i in range(400)]
    findings.append(finding("TOK002", "critical.py", 1))
    monkeypatch.setattr(sarif, "MAX_GZIP_BYTES", 6000)
    text = sarif.render(make_result(findings))
    run = validate(text)["runs"][0]
    assert run["properties"]["truncated"] is True
    assert 0 < len(run["results"]) < 401
    assert "critical.py" in {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                             for r in run["results"]}
    import gzip
    assert len(gzip.compress(json.dumps(json.loads(text), ensure_ascii=False).encode(), 6)) <= 6000
    assert "SARIF report truncated" in capsys.readouterr().err


def test_under_the_limits_nothing_is_said(sample_result, capsys):
    run = run_of(sample_result)
    assert "truncated" not in run["properties"]
    assert capsys.readouterr().err == ""


def test_unknown_rule_still_gets_a_descriptor():
    f = replace(finding("TOK002"), rule="META002", name="unreadable-input", severity=Severity.INFO)
    run = run_of(make_result([f], rules={}))
    assert run["tool"]["driver"]["rules"][0]["id"] == "META002"
    assert run["results"][0]["ruleIndex"] == 0


def test_input_errors_become_notifications(sample_result):
    invocation = run_of(sample_result)["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "big.bin: binary file skipped"


def test_empty_result_is_valid():
    run = run_of(make_result([]))
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []


def test_only_safe_fields_are_rendered(sample_result):
    """Reporters trust the Result; they must still not render fields outside the safe set."""
    result = replace(sample_result, properties={"raw_secret": CANARY_SECRET, "line_hashes": {}},
                     tokens=({"label": "t", "raw": CANARY_SECRET},))
    assert CANARY_SECRET not in sarif.render(result)


def test_evidence_nan_and_nested_values_stay_valid_json():
    f = finding("TOK002", evidence={"ratio": float("nan"), "claims": {"iat", "exp"}, "n": [1, (2, 3)]})
    props = run_of(make_result([f]))["results"][0]["properties"]
    assert props["evidence"] == {"ratio": "nan", "claims": ["exp", "iat"], "n": [1, [2, 3]]}


def test_rules_fixture_docs_have_every_heading():
    from jwtaudit.rules.registry import DOC_HEADINGS

    for info in RULES.values():
        assert all(info.section(h) for h in DOC_HEADINGS), info.code
