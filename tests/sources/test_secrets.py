"""What the generic detectors take for a credential: values and names that stand in for one in
tests and documentation are not reported; issued and random values are."""
from __future__ import annotations

import base64
import random

import pytest

from jwtaudit.sources import secrets as ds
from jwtaudit.sources.key_names import holds_no_secret, is_secret_key, names_a_stand_in


@pytest.mark.parametrize("value", [
    "pbkdf2_sha256$30000$Vo0VlMnkR4Bk$qEvtdyZRWTcOsCnI/oQ7fVOu1XAURIZYoOZ3iq8Dr4M=",
    "bcrypt$$2b$12$abcdefghijklmnopqrstuv", "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
    "$6$rounds=656000$TT4O7jz2M57npccl$33LF6FcUMSW11qrESXL1HX0BS.bsiT6aenFLLiVpsQh6hDtI9pJh5iY7x8J7ePkN4fP8h",
    "$2b$12$KIXQJQm8FZ9l6x0f2mYJhOvQbq7a1S9c3Z2e4R5t6Y7u8I9o0P1a2",
    "YSBzZWNyZXQ=",  # base64 of "a secret"
    "eW91J3JlIG5vdCBzdXBwb3NlZCB0byBkZWNvZGUgdGhpcyE=",  # "you're not supposed to decode this!"
])
def test_password_hashes_and_encoded_phrases_are_stand_ins_anywhere(value: str) -> None:
    assert ds.is_stand_in_value(value)
    assert not ds.looks_like_secret_value(value)


FIXTURE_VALUES = ["password1", "superS3cret", "p@ssw0rd", "EXPRESS_53cr37", "my-test-secret-value", "03#pa33w0rd",
               "$ecret k3y", "passwd", "P@ssw0rd2024!", "hunter42", "Summer2024"]


@pytest.mark.parametrize("value", FIXTURE_VALUES)
@pytest.mark.parametrize("path", ["tests/test_views.py", "src/app/tests/conftest.py", "docs/topics/multi-db.txt",
                                  "README.md", "pkg/auth_test.go", "web/login.spec.ts", "spec/fixtures/users.yml"])
def test_self_naming_and_word_number_values_are_fixtures_in_tests_and_docs(value: str, path: str) -> None:
    assert ds.is_fixture_stand_in(value, path)


@pytest.mark.parametrize("value", FIXTURE_VALUES)
@pytest.mark.parametrize("path", ["settings.py", "config/production.yaml", ".env", "src/latest/db.js",
                                  "contest/app.py", "protest.py"])
def test_the_same_values_in_application_code_are_reported(value: str, path: str) -> None:
    assert not ds.is_fixture_stand_in(value, path)
    assert not ds.is_stand_in_value(value)


@pytest.mark.parametrize("value", [
    "FROM_CREDS_FILE_2", "FORBIDDEN_VALUE2", "françois", "access_key/20140101/myregion/myservice/aws4_request",
    "a06b-c462cffae87a",  # short hex grouped like the tail of a UUID: an id
])
def test_numbered_names_and_short_hex_ids_are_not_secret_values(value: str) -> None:
    assert not ds.looks_like_secret_value(value)


@pytest.mark.parametrize("value", [
    "Summer2024", "Welcome123", "Blue-Ocean-42", "Monkey.Banana.77", "Tiger*Lily2024",
    "django-insecure-k9*w!x2(ab7-qz=+4mfe^t8#n0r$vhl1u6y@o3pd5sj_i)gc", "/q3Zt8vWm1XkR9pLs2NfYb7HcJd4GaEo6TuIy0KrVw==",
])
def test_weak_and_punctuated_passwords_are_secret_values(value: str) -> None:
    """Words and digits run together or joined by `-`/`.`, a `*` between letters, a base64 value
    starting with `/`: how real passwords and keys look, not names, globs or paths."""
    assert ds.looks_like_secret_value(value)


@pytest.mark.parametrize("value", ["/etc/app/secret.key", "arn:aws:secretsmanager:*:*:secret:*", "*.example.com",
                                   "module_utils", "FORBIDDEN_VALUE2"])
def test_paths_globs_and_identifiers_are_not_secret_values(value: str) -> None:
    assert not ds.looks_like_secret_value(value)


@pytest.mark.parametrize("value", [
    "Wq8#zT4kmK2pLx9v", "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", "hunter2-Prod-6JC5kV",
    "dXNlcjpwYXNzd29yZA==",  # base64 of "user:password": a Basic credential, no phrase
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
])
def test_issued_and_random_values_are_not_stand_ins(value: str) -> None:
    assert not ds.is_stand_in_value(value)


def test_random_keys_are_never_stand_ins() -> None:
    rng = random.Random(20261205)
    for _ in range(3000):
        raw = bytes(rng.getrandbits(8) for _ in range(rng.choice((16, 24, 32, 48))))
        for value in (base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("="),
                      raw.hex()):
            assert not ds.is_stand_in_value(value), value


@pytest.mark.parametrize(("value", "filler"), [
    ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ=", True), ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg=", True),
    ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=", True),
    ("XgrwP5vcJUpYhG/aGiKErUGg3d88fA8XFJNu2qMOSO4=", False), ("abcdefghijk+Zq9T", False),
])
def test_typed_filler(value: str, filler: bool) -> None:
    assert ds.is_typed_filler(value) is filler


def test_random_keys_are_never_typed_filler() -> None:
    rng = random.Random(20261206)
    for _ in range(20000):
        value = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(32))).decode()
        assert not ds.is_typed_filler(value), value


@pytest.mark.parametrize("key", [
    "password1_field_name", "SECRET_KEY_INSECURE_PREFIX", "password__startswith", "token_cache_key",
    "self.cached_token_key", "MASKED_TEST_SECRET2", "fakeApiKey", "dummy-password", "EXAMPLE_TOKEN",
    "mockClientSecret", "apiKeyLabel",
])
def test_names_about_a_secret_or_of_a_stand_in(key: str) -> None:
    assert names_a_stand_in(key)


@pytest.mark.parametrize("key", [
    "password", "db_password", "clientSecret", "AWS_SECRET_ACCESS_KEY", "latestApiKey", "attestation_token",
    "contestSecret", "credentials/apikey", "JWT_SIGNING_KEY", "CACHE_PASSWORD", "redisCacheSecret",
])
def test_names_of_secrets_are_not_stand_ins(key: str) -> None:
    assert not names_a_stand_in(key)
    assert is_secret_key(key)


@pytest.mark.parametrize(("key", "holds_none"), [
    ("csrf_token", True), ("XSRF-TOKEN", True), ("csrfmiddlewaretoken", True), ("authenticity_token", True),
    ("csrfSecret", False), ("CSRF_SIGNING_KEY", False), ("token", False),
])
def test_anti_forgery_nonces_hold_no_secret_but_csrf_secrets_do(key: str, holds_none: bool) -> None:
    assert holds_no_secret(key) is holds_none


@pytest.mark.parametrize(("line", "benign"), [
    ("---- BEGIN RSA PRIVATE KEY ----", True),
    ("--BEGIN PRIVATE KEY--", True),
    ("-----BEGIN RSA PRIVATE KEY-----", False),
    ("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----", False),
    ('key = "BEGIN OPENSSH PRIVATE KEY"', False),
])
def test_private_key_markers_need_pem_or_ssh2_armour(line: str, benign: bool) -> None:
    found = ds.detect("SEC115", "keys.txt", line)
    assert (not found) is benign


def test_a_secret_word_only_inside_the_value_is_no_secret_name() -> None:
    value = "q0Z8m3Vt4Yc1Rk9WTokenAbCdEf12xyzPq7Lw"
    assert ds.detect("SEC124", "service-2.json", f'"shape": "{value}",') == []
    assert ds.detect("SEC124", "service-2.json", f'"authToken": "{value}",') == [(value, 14)]


@pytest.mark.parametrize(("path", "line", "found"), [
    ("tests/test_urls.py", 'url = "https://username:password12345@foo.com/login/"', False),
    ("app/urls.py", 'url = "https://username:password12345@foo.com/login/"', True),
    ("app/urls.py", 'url = f"http://{ENCODED_USER}:{ENCODED_PASSWORD}@request.com/url.html"', False),
    ("tests/test_urls.py", 'url = "https://deploy:_aJQ9c3HWzmRR4knBNyx@gitlab.com/group/repo"', True),
])
def test_basic_auth_passes_over_fixture_passwords_and_format_fields(path: str, line: str, found: bool) -> None:
    assert bool(ds.detect("SEC104", path, line)) is found


def test_base64_of_typed_text_is_a_fixture_only_in_tests_and_docs() -> None:
    value = base64.b64encode(b"test-secret-for-unit-tests-only!").decode()  # 44 chars, like a client secret
    assert ds.is_fixture_stand_in(value, "tests/test_config.py")
    assert not ds.is_fixture_stand_in(value, "config/settings.py")
    random_key = base64.b64encode(bytes(range(7, 39))).decode()
    assert not ds.is_fixture_stand_in(random_key, "tests/test_config.py")


def test_private_key_markers_without_a_key_after_them_are_not_sec115(tmp_path) -> None:
    from jwtaudit.commands.scan import ScanRequest, run_scan
    from jwtaudit.config import Config

    (tmp_path / "README.md").write_text(
        "Put your key in a file starting with `-----BEGIN PRIVATE KEY-----` and ending with its END line.\n")
    (tmp_path / "keys.py").write_text('HEADER = "-----BEGIN RSA PRIVATE KEY-----"\nkey = open("k.pem").read()\n')
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" * 2
    (tmp_path / "leaked.txt").write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n")
    config = Config.blank().with_overrides(select=("SEC115",))
    result, _ = run_scan(ScanRequest(paths=(str(tmp_path),), jobs=1), config)
    assert [(f.rule, f.location.path, f.location.line) for f in result.findings] == [("SEC115", "leaked.txt", 1)]


def test_a_keyword_finding_points_at_the_value_not_at_the_same_text_in_the_name() -> None:
    line = '        password1_field_name="password1",'
    assert ds.detect("SEC111", "app/forms.py", line) == [("password1", 30)]
    assert ds.detect("SEC111", "app/settings.py", 'db_password: "Summer2024x"') == [("Summer2024x", 14)]


@pytest.mark.parametrize("value", ["[System.Net.CredentialCache]::DefaultCredentials", ":DefaultCredentials",
                                   "Config::SECRET_VALUE"])
def test_scoped_names_and_symbols_are_code_not_secrets(value: str) -> None:
    assert not ds.looks_like_secret_value(value)
