"""Config: every key checked, errors name the key, discovery finds the nearest file."""

from __future__ import annotations

import pytest

from jwtaudit.config import Config, from_mapping, load
from jwtaudit.errors import UsageError
from jwtaudit.model import Severity


def test_defaults_match_design() -> None:
    c = Config.blank()
    assert (c.clock_skew, c.max_lifetime, c.max_scopes, c.max_secret_age_days) == (60, 86400, 10, 365)
    assert c.max_file_size == 5 * 1024 * 1024 and c.fail_on == Severity.LOW


def test_all_keys_parse() -> None:
    c = from_mapping({"select": ["TOK", "SEC001"], "ignore": "TOK010", "fail-on": "high",
                      "severity": {"TOK009": "low"}, "max_lifetime": "2h", "clock_skew": 30,
                      "max_scopes": 5, "max_secret_age_days": 90, "max_file_size": 1000,
                      "wordlist": "w.txt", "profile": "kore-api", "exclude": ["vendor/**"]})
    assert c.select == ("TOK", "SEC001") and c.ignore == ("TOK010",)
    assert c.fail_on == Severity.HIGH and c.severity == {"TOK009": Severity.LOW}
    assert c.max_lifetime == 7200 and c.clock_skew == 30 and c.exclude == ("vendor/**",)


@pytest.mark.parametrize(("data", "message"), [
    ({"max_lifetyme": 1}, "unknown key max_lifetyme"),
    ({"fail_on": "severe"}, "fail_on: unknown severity 'severe'"),
    ({"select": ["XYZ1"]}, "'XYZ1' is not a rule code or prefix"),
    ({"max_lifetime": "forever"}, "max_lifetime must be a duration"),
    ({"max_scopes": 0}, "max_scopes must be an integer >= 1"),
    ({"profile": "kore"}, "profile must be one of"),
    ({"severity": {"TOK009": "urgent"}}, "severity.TOK009: unknown severity"),
    ({"exclude": 3}, "exclude must be a list of strings"),
    ({"select": ["TOK999"]}, "'TOK999' names no rule"),  # well formed, but a typo that would select nothing
    ({"ignore": ["SEC099"]}, "'SEC099' names no rule"),
    ({"severity": {"SEC2": "low"}}, "'SEC2' names no rule"),
])
def test_bad_values_name_the_key(data: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(".", r"\.")):
        from_mapping(data)


def test_discovery_prefers_jwtaudit_toml_then_pyproject(tmp_path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.jwtaudit]\nfail_on = "medium"\n')
    sub = tmp_path / "src" / "pkg"
    sub.mkdir(parents=True)
    assert load(start=sub).fail_on == Severity.MEDIUM
    (tmp_path / "src" / ".jwtaudit.toml").write_text('fail_on = "critical"\n')
    assert load(start=sub).fail_on == Severity.CRITICAL


def test_invalid_toml_is_usage_error(tmp_path) -> None:
    bad = tmp_path / ".jwtaudit.toml"
    bad.write_text("fail_on = \n")
    with pytest.raises(UsageError, match="invalid TOML"):
        load(bad)


def test_the_codes_config_knows_are_the_registry_s() -> None:
    from jwtaudit.config import RULE_CODES
    from jwtaudit.rules import registry

    assert sorted(RULE_CODES) == sorted(registry.load_all())
