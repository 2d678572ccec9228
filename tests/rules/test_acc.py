"""ACC001-ACC013 on account exports in the platform's shapes: positives and near misses."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from tests.export_helpers import FIXTURES, hits

POSITIVE = {
    "ACC001": ("positive.yaml", ["/apps/0/algorithm", "/apps/1/algorithm"]),
    "ACC002": ("positive.yaml", ["/apps/0/jtiClaimEnforced", "/bots/0/jwtApps/0/jtiClaimEnforced"]),
    "ACC004": ("positive.yaml", ["/apiScopeMappings/0/accountId", "/apiScopeMappings/1"]),
    "ACC005": ("positive.yaml", ["/apiScopeMappings/0/published", "/apiScopeMappings/1/botId"]),
    "ACC006": ("positive.yaml", ["/apps/0/clientId", "/apps/2/clientId", "/apiScopeMappings/0/saved"]),
    "ACC007": ("positive.yaml", ["/apiScopeMappings/0/scopes", "/apiScopeMappings/2/scopes"]),
    "ACC008": ("positive.yaml", ["/apiScopeMappings/0/scopes", "/apiScopeMappings/1/scopes"]),
    "ACC009": ("positive.yaml", ["/apps/0/clientSecret", "/xenioo/AccountAPIKey", "/xenioo/bots/0/APISecret"]),
    "ACC010": ("positive.yaml", ["/apps/0/clientSecret", "/apps/1/clientSecret", "/apps/2/clientSecret",
                                 "/apps/3/clientSecretSha256"]),
    "ACC011": ("positive.yaml", ["/apps/0/createdOn", "/apps/1/secretRotatedOn"]),
    "ACC012": ("positive.yaml", ["/dataTables/tables/0/assignments/apps/0",
                                 "/dataTables/tables/0/assignments/apps/1"]),
    "ACC013": ("positive.yaml", ["/apps/1/clientId", "/bots/0/jwtApps/0/clientId"]),
}


@pytest.mark.parametrize("code", sorted(POSITIVE))
def test_positive(code: str) -> None:
    name, pointers = POSITIVE[code]
    assert hits(FIXTURES / code / name, code) == [(code, name, p) for p in pointers]


@pytest.mark.parametrize("code", [f"ACC{n:03d}" for n in range(1, 14)])
def test_near_miss(code: str) -> None:
    path = FIXTURES / code / "near_miss"
    path = path if path.is_dir() else path.with_suffix(".yaml")
    assert hits(path, code) == []


def test_acc003_flag_and_token_with_private_claims() -> None:
    assert hits(FIXTURES / "ACC003" / "positive", "ACC003") == [
        ("ACC003", "account.yaml", "/apps/0/jweEncryptionEnforced"),
        ("ACC003", "account.yaml", "/apps/1/jweEncryptionEnforced"),
    ]


def test_acc006_silent_without_mapping_data() -> None:
    assert hits(FIXTURES / "ACC006" / "no_mapping_data.yaml", "ACC006") == []


def test_acc007_max_scopes_is_configurable() -> None:
    path = FIXTURES / "ACC007" / "near_miss.yaml"
    assert hits(path, "ACC007", max_scopes=9) == [("ACC007", "near_miss.yaml", "/apiScopeMappings/2/scopes")]


def test_acc009_saved_get_bots_response() -> None:
    assert hits(FIXTURES / "ACC009" / "get-bots-response.json", "ACC009") == [
        ("ACC009", "get-bots-response.json", "/bots/0/jwtApps/0/clientSecret"),
    ]


def test_acc009_xenioo_keys_in_any_case_and_separator() -> None:
    """`account_api_key`, `api-secret`, `bot_api_key` are Xenioo's keys written snake or kebab case;
    `account_api_key_env`, `api_key_header`, `api_secret_ref` and a masked value hold no key."""
    assert hits(FIXTURES / "ACC009" / "xenioo-separators.json", "ACC009") == [
        ("ACC009", "xenioo-separators.json", pointer)
        for pointer in ("/xenioo/account_api_key", "/xenioo/bots/0/api_key", "/xenioo/bots/0/api-secret",
                        "/xenioo/bots/1/bot_api_key")
    ]


def test_acc009_a_saved_xenioo_bots_list_stores_keys_in_clear() -> None:
    """A saved `GET /bots` response audited alone is an export that stores keys, like a saved Get
    Bots response of Kore's; an empty or masked key is withheld."""
    assert hits(FIXTURES / "ACC009" / "xenioo-bots.json", "ACC009") == [
        ("ACC009", "xenioo-bots.json", "/Result/0/APIKey"), ("ACC009", "xenioo-bots.json", "/Result/0/APISecret")]


def test_acc011_age_limit_is_configurable() -> None:
    path = FIXTURES / "ACC011" / "positive.yaml"
    assert hits(path, "ACC011", max_secret_age_days=2000) == []


def test_acc012_messages_name_both_problems() -> None:
    from tests.export_helpers import audit

    messages = [f.message for f in audit(FIXTURES / "ACC012" / "positive.yaml", ("ACC012",))]
    assert any("may delete on 'customers' but not read" in m for m in messages)
    assert any("every table of the account (2 tables)" in m for m in messages)


def test_acc013_names_both_accounts() -> None:
    from tests.export_helpers import audit

    found = audit(FIXTURES / "ACC013" / "positive.yaml", ("ACC013",))
    assert [f.message for f in found] == [
        "Client id cs-0f0f0000-0000-4000-8000-000000000001 is defined by two apps.",
        "Client id cs-0f0f0000-0000-4000-8000-000000000002 appears under 2 accounts "
        "(6661e128d3203924648c10bf, 7772f239e4314a35759d21c0).",
    ]


def test_acc009_acc010_silent_on_withheld_secrets() -> None:
    """Redaction markers, stand-ins and references hold no secret; a weak word (`changeme`) is
    still a secret someone set (the last app of the fixture)."""
    path = FIXTURES / "ACC009" / "masked.yaml"
    assert hits(path, "ACC009") == [("ACC009", "masked.yaml", "/apps/10/clientSecret")]
    assert hits(path, "ACC010") == [("ACC010", "masked.yaml", "/apps/10/clientSecret")]


@pytest.mark.parametrize(("value", "masked"), [
    ("<redacted>", True), ("REDACTED", True), ("[REDACTED]", True), ("<hidden>", True), ("HIDDEN", True),
    ("<client-secret>", True), ("${KORE_CLIENT_SECRET}", True), ("$KORE_CLIENT_SECRET", True),
    ("%KORE_CLIENT_SECRET%", True), ("***", True), ("xxxxxxxx", True), ("Zr7Q****Pq1N=", True),
    ("<redacted: 44 chars, sha256:71f8c99a>", True),
    ("secret", False), ("changeme", False), ("your-256-bit-secret", False), ("$up3rS3cret9", False),
    ("Zr7Qp2Lx9Vn4Tk1Bw8Hs3Jd6Fg0Cm5Ya2Ue7Io4Pq1N=", False), ("hidden-gem-2024", False),
])
def test_is_masked(value: str, masked: bool) -> None:
    from jwtaudit.sources.export_link import is_masked

    assert is_masked(value) is masked


# --- sweep 2 -----------------------------------------------------------------------------------

_ACCOUNT = "6661e128d3203924648c10bf"
_OTHER = "7772f239e4314a35759d21c0"
_CID = "cs-0f0f0000-0000-4000-8000-000000000001"
_BID = "st-0b0b0000-0000-4000-8000-000000000001"


def _container(tmp_path: Path, apps: list[dict[str, object]], mappings: list[dict[str, object]],
               bots: list[dict[str, object]] | None = None) -> Path:
    data = {"format": "jwtaudit-account-export/v1", "account": {"accountId": _ACCOUNT, "name": "Acme"},
            "apps": apps, "apiScopeMappings": mappings, "bots": bots or []}
    path = tmp_path / "account.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def _app(**extra: object) -> dict[str, object]:
    return {"clientId": _CID, "name": "ci", "createdIn": "admin_console", "algorithm": "HS256", **extra}


def _mapping(**extra: object) -> dict[str, object]:
    return {"clientId": _CID, "level": "admin", "scopes": ["BotPublish"], "saved": True, "published": True,
            **extra}


@pytest.mark.parametrize("withheld", ["********", "", None])
def test_acc010_weak_hash_judged_when_the_secret_is_withheld(tmp_path: Path, withheld: object) -> None:
    weak = hashlib.sha256(b"secret").hexdigest()
    path = _container(tmp_path, [_app(clientSecret=withheld, clientSecretSha256=weak)], [_mapping()])
    assert hits(path, "ACC010") == [("ACC010", "account.json", "/apps/0/clientSecretSha256")]


@pytest.mark.parametrize("withheld", ["********", "", None])
def test_acc010_strong_hash_with_withheld_secret_is_silent(tmp_path: Path, withheld: object) -> None:
    strong = hashlib.sha256(b"q7Vt3kP0bXn2LmW8rYs5HcJ4aZe1FgD6uTi9oKw=").hexdigest()
    path = _container(tmp_path, [_app(clientSecret=withheld, clientSecretSha256=strong)], [_mapping()])
    assert hits(path, "ACC010") == []


def test_acc006_jwtapps_entry_is_not_channel_use() -> None:
    path = FIXTURES / "ACC006" / "jwtapps_only.yaml"
    assert hits(path, "ACC006") == [("ACC006", "jwtapps_only.yaml", "/apps/1/clientId")]


@pytest.mark.parametrize(("app", "mapping", "pointer"), [
    ({"accountId": _OTHER}, {}, "/apiScopeMappings/0"),  # the mapping is in the container's account
    ({}, {"accountId": _OTHER}, "/apiScopeMappings/0/accountId"),  # the app is in the container's account
])
def test_acc004_omitted_account_is_the_containers(tmp_path: Path, app: dict[str, object],
                                                  mapping: dict[str, object], pointer: str) -> None:
    path = _container(tmp_path, [_app(**app)], [_mapping(**mapping)])
    assert hits(path, "ACC004") == [("ACC004", "account.json", pointer)]


def test_acc004_bot_in_other_account_mapping_without_account(tmp_path: Path) -> None:
    bot = {"_id": _BID, "accountId": _OTHER, "name": "B", "status": "published", "jwtApps": []}
    path = _container(tmp_path, [_app()], [_mapping(level="bot", botId=_BID, scopes=["Chat History"])], [bot])
    assert hits(path, "ACC004") == [("ACC004", "account.json", "/apiScopeMappings/0")]


def test_acc004_omitted_accounts_in_the_same_account_are_silent(tmp_path: Path) -> None:
    bot = {"_id": _BID, "accountId": _ACCOUNT, "name": "B", "status": "published", "jwtApps": []}
    path = _container(tmp_path, [_app(), {**_app(clientId=_CID[:-1] + "2"), "accountId": _ACCOUNT}],
                      [_mapping(level="bot", botId=_BID, scopes=["Chat History"]),
                       _mapping(clientId=_CID[:-1] + "2")], [bot])
    assert hits(path, "ACC004") == []


def _iso(seconds: float) -> str:
    moment = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    return moment.isoformat().replace("+00:00", "Z")


def test_acc011_compares_the_exact_age(tmp_path: Path) -> None:
    from tests.export_helpers import NOW

    day = 86400
    path = _container(tmp_path, [_app(createdOn=_iso(NOW - 365 * day - day // 2))], [_mapping()])
    assert hits(path, "ACC011") == [("ACC011", "account.json", "/apps/0/createdOn")]
    exact = _container(tmp_path, [_app(createdOn=_iso(NOW - 365 * day))], [_mapping()])
    assert hits(exact, "ACC011") == []
