"""Loading exports: recognising each artefact, schema errors with pointers, hostile input, linking."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from jwtaudit.errors import InputError
from jwtaudit.sources import export, export_link
from jwtaudit.sources.export import app_settings_from_export, kind_of

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme-export"
HEAD = "format: jwtaudit-account-export/v1\naccount: {accountId: 6661e128d3203924648c10bf, name: T}\n"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("a.yaml", {"format": "jwtaudit-account-export/v1"}, "container"),
    ("r.json", {"total": 1, "bots": [{"_id": "st-1", "jwtApps": []}]}, "get-bots"),
    ("x/botDefinition.json", {"name": "B"}, "bot-definition"),
    ("any.json", {"dialogComponents": []}, "bot-definition"),
    ("x/config.json", {"envVariables": []}, "bot-config"),
    ("tableDefinition_customers_1730000000000.json", {"name": "customers", "schemaDef": []}, "table-definition"),
    ("config.json", {"credentials": {"apikey": "k", "appId": "cs-1"}}, "botkit"),
    ("config.json", {"credentials": {"st-1": {"apikey": "k", "appId": "cs-1"}}}, "botkit"),
    ("jwt.json", {"jwt": {"jwtAlgorithm": "HS256"}}, "botkit"),
    ("bots.json", {"Result": [{"Name": "W", "APIKey": "k", "APISecret": "s", "Channels": []}]}, "xenioo"),
    ("package.json", {"name": "x", "dependencies": {}}, "other"),
])
def test_recognised_by_content(name: str, data: object, kind: str) -> None:
    assert kind_of(name, data) == kind


def test_example_artefacts() -> None:
    found = [(a.path, a.kind) for a in export.load(EXAMPLE)]
    assert found == [
        ("account.yaml", "container"),
        ("botkit/config.json", "botkit"),
        ("bots/orders/botDefinition.json", "bot-definition"),
        ("bots/orders/config.json", "bot-config"),
        ("bots/support.zip!/botDefinition.json", "bot-definition"),
        ("bots/support.zip!/config.json", "bot-config"),
        ("get-bots-response.json", "get-bots"),
    ]


def test_linking_of_the_example() -> None:
    linked = export_link.link(export.load(EXAMPLE))
    account = linked.account
    assert account is not None and account.account_id == "6661e128d3203924648c10bf"
    support = next(b for b in linked.bot_exports if b.name == "Support")
    assert support.location.path == "bots/support.zip"
    assert support.bot_id == "st-5a1e0000-0000-4000-8000-00000000000a"
    assert support.host == "https://platform.kore.ai"
    orders = next(b for b in linked.bot_exports if b.name == "Orders")
    assert orders.location.path == "bots/orders"
    assert [v.get("key") for v in orders.env_variables][:2] == ["ORDERS_API_TOKEN", "ERP_SECRET"]
    history = support.service_nodes[0]
    assert [(h.key, h.location.pointer, h.location.line) for h in history.headers] == [
        ("auth", "/dialogComponents/0/headers/value/auth", 17),
        ("content-type", "/dialogComponents/0/headers/value/content-type", 17),
    ]
    apps = {a.client_id: a for a in account.apps}
    sdk = apps["cs-a11ce000-0000-4000-8000-000000000003"]
    assert sdk.account_ids == ("6661e128d3203924648c10bf", "7772f239e4314a35759d21c0")
    # Get Bots jwtApps entries repeat its definition: they are not channel use
    assert not sdk.in_channel and sdk.uses_private_claims
    token = next(t for t in linked.tokens if t.location.path == "bots/support.zip!/botDefinition.json")
    assert token.public_api and token.stored
    assert token.app is not None and token.app.jti_enforced is True and token.app.api_scopes is True
    assert token.app.secrets == ("RkFLRS1hY21lLXN1cHBvcnQtYXBpLXNlY3JldC0wMSE=",)


def test_app_settings_from_export() -> None:
    settings = app_settings_from_export(EXAMPLE)
    orders = settings["cs-a11ce000-0000-4000-8000-000000000008"]
    assert (orders.algorithm, orders.jti_enforced, orders.jwe_enforced) == ("HS512", False, True)
    assert orders.secrets == ("RkFLRS1hY21lLW9yZGVycy1zZGstc2VjcmV0LTAwMyE=",)
    assert orders.secret_source == "export get-bots-response.json#/bots/1/jwtApps/0/clientSecret"
    assert settings["cs-a11ce000-0000-4000-8000-000000000006"].api_scopes is False
    assert "RkFLRS" not in repr(orders)


# --- malformed and hostile input -----------------------------------------------------------


def _error(path: Path) -> str:
    start = time.monotonic()
    with pytest.raises(InputError) as info:
        export.load(path)
    assert time.monotonic() - start < 5
    return str(info.value)


def test_unknown_format_version(tmp_path: Path) -> None:
    path = write(tmp_path, "account.yaml", "format: jwtaudit-account-export/v2\n")
    assert _error(path) == ("account.yaml: unsupported export format 'jwtaudit-account-export/v2' at /format "
                            "(this jwtaudit reads jwtaudit-account-export/v1)")


@pytest.mark.parametrize(("body", "message"), [
    ("apps: {clientId: cs-1}\n", "account.yaml: expected array at /apps"),
    ("apps: [{name: no-id}]\n", "account.yaml: missing required key 'clientId' at /apps/0"),
    ("apps: [{clientId: cs-1, jtiClaimEnforced: 'no'}]\n",
     "account.yaml: expected boolean or null at /apps/0/jtiClaimEnforced"),
    ("apps: [{clientId: cs-1, createdIn: portal}]\n",
     "account.yaml: value must be one of admin_console, bot_builder, data_tables at /apps/0/createdIn"),
])
def test_schema_errors_name_the_pointer(tmp_path: Path, body: str, message: str) -> None:
    assert _error(write(tmp_path, "account.yaml", HEAD + body)) == message


def test_schema_error_never_repeats_a_value(tmp_path: Path) -> None:
    path = write(tmp_path, "account.yaml", HEAD + "apps: [{clientId: cs-1, clientSecret: 12345678901234}]\n")
    assert "12345678901234" not in _error(path)


def test_invalid_json_names_file_and_place(tmp_path: Path) -> None:
    path = write(tmp_path, "bots/x/botDefinition.json", '{"name": "x",\n  "dialogComponents": [}\n')
    assert _error(tmp_path).startswith("bots/x/botDefinition.json: invalid JSON at line 2 column")
    assert path.exists()


def test_json_nested_10000_deep(tmp_path: Path) -> None:
    write(tmp_path, "deep.json", "[" * 10_000 + "]" * 10_000)
    assert _error(tmp_path).startswith("deep.json: ")


def test_invalid_utf8(tmp_path: Path) -> None:
    write(tmp_path, "botDefinition.json", b'{"name": "caf\xe9"}')
    assert _error(tmp_path) == "botDefinition.json: not valid UTF-8 (byte 13)"


def test_yaml_custom_tag_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "account.yaml", HEAD + "apps: !!python/object/apply:os.system ['echo pwned']\n")
    assert _error(tmp_path) == ("account.yaml: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' "
                                "at line 3 is not allowed (safe loading only)")
    write(tmp_path, "account.yaml", HEAD + "apps: !Ref Something\n")
    assert "YAML tag '!Ref' at line 3 is not allowed" in _error(tmp_path)


def test_yaml_alias_bomb(tmp_path: Path) -> None:
    lines = ["format: jwtaudit-account-export/v1", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        prev = f"*a{n - 1}"
        lines.append(f"a{n}: &a{n} [{', '.join([prev] * 9)}]")
    write(tmp_path, "account.yaml", "\n".join(lines) + "\n")
    assert _error(tmp_path) == "account.yaml: YAML aliases expand too far (alias bomb?) or nest too deeply"


def test_file_over_the_size_cap(tmp_path: Path) -> None:
    write(tmp_path, "big.json", "[" + "1," * 600 + "1]")
    with pytest.raises(InputError, match=r"^big\.json: file is 1203 bytes, over the 1000-byte cap$"):
        export.load(tmp_path, max_file_size=1000)


def test_zip_slip_in_an_export_folder(tmp_path: Path) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../outside.json", "{}")
    write(tmp_path, "bots/evil.zip", buffer.getvalue())
    assert _error(tmp_path) == "bots/evil.zip: zip entry '../../outside.json' escapes the archive (zip slip)"
    assert not (tmp_path.parent / "outside.json").exists()


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside", "secret.json", json.dumps({"dialogComponents": []}))
    export_dir = tmp_path / "export"
    export_dir.mkdir()
    (export_dir / "link.json").symlink_to(outside)
    assert export.load(export_dir) == []


def test_missing_path() -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        export.load(Path("/nonexistent/export"))


# --- fuzzing: any bytes give artefacts or an InputError naming the file, never anything else ---

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(name=st.sampled_from(["a.json", "a.yaml", "botDefinition.json", "x.zip"]), content=st.binary(max_size=400))
def test_any_bytes_load_or_raise_input_error(tmp_path_factory: pytest.TempPathFactory, name: str,
                                             content: bytes) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / name).write_bytes(content)
    try:
        export_link.link(export.load(folder))
    except InputError as exc:
        assert str(exc).startswith(name)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                        st.sampled_from(["bots", "jwtApps", "clientId", "_id", "dialogComponents", "headers",
                                         "value", "endPoint", "idpConfigurations", "envVariables", "oauth",
                                         "fields", "apps", "format", "credentials", "appId"]), inner,
                        max_size=5), max_leaves=30))
def test_any_json_shape_links_and_checks_without_crashing(data: object) -> None:
    from jwtaudit.model import Location
    from jwtaudit.sources.export import Artefact, kind_of
    from jwtaudit.subjects import DocumentSubject

    if isinstance(data, dict) and data.get("format") is not None:
        return  # containers are schema-checked before linking
    name = "bots/x/botDefinition.json"
    document = DocumentSubject(location=Location(path=name), format="json", data=data, spans={}, text="")
    art = Artefact(path=name, kind=kind_of(name, data), data=data, spans={}, document=document)
    linked = export_link.link([art])
    from jwtaudit import engine
    from jwtaudit.config import Config

    subjects = [*([linked.account] if linked.account else []), *linked.bot_exports]
    engine.run(subjects, engine.RunContext(config=Config(select=("ACC", "BOT")), now=1795300000))


# --- YAML variants, Get Bots types, what a bot export holds besides JSON ----------------------


def test_unquoted_yaml_timestamps_read_as_their_iso_text(tmp_path: Path) -> None:
    path = write(tmp_path, "account.yaml", HEAD + "exportedAt: 2026-11-03T13:38:49Z\n"
                 "apps: [{clientId: cs-1, createdOn: 2024-10-23T06:56:29Z, secretRotatedOn: 2025-01-01}]\n")
    data = export.load(path)[0].data
    assert data["exportedAt"] == "2026-11-03T13:38:49Z"
    assert (data["apps"][0]["createdOn"], data["apps"][0]["secretRotatedOn"]) == ("2024-10-23T06:56:29Z",
                                                                                  "2025-01-01")


@pytest.mark.parametrize(("body", "message"), [
    ("apps:\n  - clientId: cs-1\n    createdOn: 2024-02-30T06:56:29Z\n",
     "account.yaml: not a valid date at /apps/0/createdOn (line 5)"),
    ("apps: [{clientId: cs-1, createdOn: 2024-13-45, secretRotatedOn: yesterday}]\n",
     "account.yaml: not a valid date at /apps/0/createdOn (line 3)"),
    ("exportedAt: 2026-02-30T10:00:00Z\napps: []\n", "account.yaml: not a valid date at /exportedAt (line 3)"),
    ("apps: []\nnotes: {a: [2024-02-28], 2024-02-31 : y}\n",
     "account.yaml: not a valid date in a key of /notes (line 4)"),
    ("apps: []\nnotes: {? [2024-02-30]: x}\n", "account.yaml: not a valid date in a key of /notes (line 4)"),
])
def test_impossible_yaml_date_names_its_pointer(tmp_path: Path, body: str, message: str) -> None:
    assert _error(write(tmp_path, "account.yaml", HEAD + body)) == message


def test_quoted_or_wordy_yaml_dates_are_text(tmp_path: Path) -> None:
    path = write(tmp_path, "account.yaml", HEAD + "apps: [{clientId: cs-1, createdOn: '2024-02-30', "
                 "secretRotatedOn: yesterday, note: [2024-02-28, 2024-02-30x]}]\n")
    app = export.load(path)[0].data["apps"][0]
    assert (app["createdOn"], app["secretRotatedOn"], app["note"]) == (
        "2024-02-30", "yesterday", ["2024-02-28", "2024-02-30x"])


def test_multi_document_yaml_is_named_as_such(tmp_path: Path) -> None:
    path = write(tmp_path, "multi.yaml", HEAD + "---\n" + HEAD)
    art = export.load(path)[0]
    assert (art.kind, export.why_unrecognised(art.data, art.documents)) == (
        "other", "the file holds 2 YAML documents, where every export artefact is one document")
    single = export.load(write(tmp_path, "list.yaml", "- 1\n"))[0]
    assert export.why_unrecognised(single.data, single.documents) == (
        "the top level is a list, where every export artefact is an object")


def test_algorithm_letter_case_is_accepted_and_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "account.yaml", HEAD + "apps: [{clientId: cs-1, algorithm: hs256}]\n")
    assert export_link.link(export.load(path)).app_settings["cs-1"].algorithm == "HS256"
    write(tmp_path, "account.yaml", HEAD + "apps: [{clientId: cs-1, algorithm: hs257}]\n")
    assert _error(tmp_path).startswith("account.yaml: value must be one of HS256")


def test_schema_error_pointer_is_made_of_key_names(tmp_path: Path) -> None:
    path = write(tmp_path, "a10b.yaml", HEAD + "apps:\n  - {clientId: cs-1, clientSecretSha256: xyz}\n")
    assert _error(path) == "a10b.yaml: value has the wrong format at /apps/0/clientSecretSha256"


@pytest.mark.parametrize(("body", "message"), [
    ({"bots": [{"_id": "st-1", "jwtApps": "cs-123"}]}, "r.json: expected array or null at /bots/0/jwtApps"),
    ({"bots": [{"_id": "st-1", "jwtApps": [{"clientId": "cs-1", "jweEncryptionEnforced": "yes"}]}]},
     "r.json: expected boolean or null at /bots/0/jwtApps/0/jweEncryptionEnforced"),
    ({"bots": [{"_id": "st-1", "jwtApps": [{"clientSecret": "x"}]}]},
     "r.json: missing required key 'clientId' at /bots/0/jwtApps/0"),
    ({"total": "1", "bots": [{"_id": "st-1", "jwtApps": []}]}, "r.json: expected integer or null at /total"),
])
def test_get_bots_wrong_types_name_the_pointer(tmp_path: Path, body: object, message: str) -> None:
    assert _error(write(tmp_path, "r.json", json.dumps(body))) == message


def test_bot_export_text_files_and_skips(tmp_path: Path) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("botDefinition.json", "{}")
        archive.writestr("botFunctions.js", "var a = 1;\n")
        archive.writestr("icon.png", b"\x89PNG\r\n\x1a\n\0\0")
    write(tmp_path, "bots/b.zip", buffer.getvalue())
    write(tmp_path, "bots/c/botDefinition.json", "{}")
    write(tmp_path, "bots/c/botFunctions/custom.js", "var b = 2;\n")
    write(tmp_path, "notes/outside.js", "var c = 3;\n")
    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").close()
    write(tmp_path, "empty.zip", empty.getvalue())
    loaded = export.load_export(tmp_path)
    assert [t.path for t in loaded.texts] == ["bots/b.zip!/botFunctions.js", "bots/c/botFunctions/custom.js",
                                              "notes/outside.js"]
    assert [(s.path, s.reason) for s in loaded.skipped] == [("empty.zip", "the zip archive holds no files")]
    assert loaded.others == ["bots/b.zip!/icon.png"]


def test_container_exports_followed_and_reported(tmp_path: Path) -> None:
    write(tmp_path, "acct/account.yaml", HEAD + "bots:\n"
          "  - {_id: st-1, export: bots/b/}\n  - {_id: st-2, export: bots/gone.zip}\n"
          "  - {_id: st-4, export: bots/empty}\n")
    write(tmp_path, "acct/bots/b/botDefinition.json", "{}")
    (tmp_path / "acct/bots/empty").mkdir()
    loaded = export.load_export(tmp_path / "acct" / "account.yaml")
    assert [(a.path, a.kind) for a in loaded.artefacts] == [("account.yaml", "container"),
                                                            ("bots/b/botDefinition.json", "bot-definition")]
    assert [(s.path, s.location.pointer if s.location else None, s.unreadable, s.reason)
            for s in loaded.skipped] == [
        ("bots/gone.zip", "/bots/1/export", True, "bot export 'bots/gone.zip' does not exist"),
        ("bots/empty", "/bots/2/export", False, "bot export 'bots/empty' holds no botDefinition.json"),
    ]


@pytest.mark.parametrize("link", ["../../etc", "/etc/passwd", "../acct2/bots/b"])
def test_container_export_leaving_the_folder_is_an_input_error(tmp_path: Path, link: str) -> None:
    write(tmp_path, "acct/account.yaml", HEAD + f"bots:\n  - {{_id: st-1, export: bots/b/}}\n"
                                                f"  - {{_id: st-2, export: '{link}'}}\n")
    write(tmp_path, "acct/bots/b/botDefinition.json", "{}")
    write(tmp_path, "acct2/bots/b/botDefinition.json", "{}")
    assert _error(tmp_path / "acct" / "account.yaml") == (
        f"account.yaml: bot export path '{link}' at /bots/1/export leaves the audited folder")


# --- wrong types in a bot export: the fields the BOT rules read ---------------------------------

SERVICE = {"type": "service", "name": "n", "endPoint": {"host": "api.example.com", "protocol": "https"}}


@pytest.mark.parametrize(("files", "message"), [
    ({"botDefinition.json": {"name": "x", "dialogComponents": {"GetOrders": {"type": "service"}}}},
     "botDefinition.json: expected array or null at /dialogComponents"),
    ({"botDefinition.json": {"name": "x", "dialogComponents": ["service", None, 5]}},
     "botDefinition.json: expected object at /dialogComponents/0"),
    ({"botDefinition.json": {"name": "x", "idpConfigurations": "none"}},
     "botDefinition.json: expected array or null at /idpConfigurations"),
    ({"botDefinition.json": {"name": "x", "dialogComponents": [
        {**SERVICE, "endPoint": {"host": 12345, "protocol": None}}]}},
     "botDefinition.json: expected string or null at /dialogComponents/0/endPoint/host"),
    ({"botDefinition.json": {"name": "x", "dialogComponents": [
        {**SERVICE, "endPoint": {"host": "a.com", "headers": {"value": 5}}}]}},
     "botDefinition.json: expected string or object or array or null at /dialogComponents/0/endPoint/headers/value"),
    ({"botDefinition.json": {"name": "x", "dialogComponents": [{**SERVICE, "authRequired": "yes"}]}},
     "botDefinition.json: expected boolean or null at /dialogComponents/0/authRequired"),
    ({"botDefinition.json": {"name": "x", "idpConfigurations": [
        {"_id": "ap-1", "sso_type": "oauth2", "oauth": {"clientId": 123}}]}},
     "botDefinition.json: expected string or null at /idpConfigurations/0/oauth/clientId"),
    ({"botDefinition.json": {"name": "x", "idpConfigurations": [{"_id": "ap-1", "fields": "y"}]}},
     "botDefinition.json: expected array or null at /idpConfigurations/0/fields"),
    ({"botDefinition.json": {"name": "x"}, "config.json": {"envVariables": "API_KEY=AKd83jfK29dkfjJH38dkKDJ2"}},
     "config.json: expected array or object or null at /envVariables"),
    ({"botDefinition.json": {"name": "x"}, "config.json": {"envVariables": [{"key": "K", "value": {"v": 1}}]}},
     "config.json: expected string or number or boolean or null at /envVariables/0/value"),
    ({"botDefinition.json": [1, 2, 3]}, "botDefinition.json: expected object at / (a bot definition)"),
])
def test_bot_export_wrong_types_name_the_pointer(tmp_path: Path, files: dict, message: str) -> None:
    for name, body in files.items():
        write(tmp_path, name, json.dumps(body))
    assert _error(tmp_path) == message


def test_bot_export_with_nulls_extra_keys_and_every_header_shape_loads(tmp_path: Path) -> None:
    write(tmp_path, "botDefinition.json", json.dumps({
        "_id": "st-1", "name": "x", "channels": [{"type": "rtm"}], "localeData": {"en": {}},
        "dialogComponents": [
            {**SERVICE, "headers": {"value": "{\"a\": \"b\"}"}, "payload": {"value": {"k": "v"}}, "idp": None,
             "authRequired": None, "extra": [1, {"x": None}]},
            {**SERVICE, "headers": [{"key": "a", "value": "b"}], "payload": "a=b", "idp": {"_id": "ap-1"}},
            {"type": "intent", "name": None, "endPoint": None, "headers": None},
        ],
        "idpConfigurations": [{"_id": "ap-1", "name": "p", "sso_type": None, "oauth": None, "fields": None,
                               "connectorEnabled": False, "hasTenancy": True, "state": "published"}],
    }))
    write(tmp_path, "config.json", json.dumps({"envVariables": {"PORT": {"value": 8080, "isSecured": "false"}},
                                               "languages": ["en"]}))
    assert [a.kind for a in export.load(tmp_path)] == ["bot-definition", "bot-config"]


def test_botkit_credentials_hold_apikey_with_app_id() -> None:
    from jwtaudit.sources.export import BOTKIT, OTHER, kind_of

    botkit = {"credentials": {"apikey": "x", "appId": "cs-1"}}
    per_bot = {"credentials": {"st-0b0b0000-0000-4000-8000-000000000001": {"apikey": "x", "appId": "cs-1"}}}
    ibm = {"credentials": {"apikey": "x", "iam_apikey_name": "svc"}, "api_key": "y"}
    assert (kind_of("config.json", botkit), kind_of("b.json", per_bot), kind_of("ibm.json", ibm)) == (
        BOTKIT, BOTKIT, OTHER)
