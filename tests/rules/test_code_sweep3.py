"""Sweep 3 on code: BotKit's apikey header, options objects changed after creation, decoded
claims stored as the caller, browser pages, `<T>` assertions, HTML inline scripts and Android
sources; each with a near miss (exact rule, line and column)."""

from __future__ import annotations

from jwtaudit import engine
from jwtaudit.config import Config
from jwtaudit.model import Location
from jwtaudit.sources.code import subjects_for
from jwtaudit.sources.text import analyse_text
from jwtaudit.subjects import CodeSubject
from tests.rules.code_fixtures import FIXTURES


def found(fixture: str, *rules: str) -> list[tuple[str, int | None, int | None]]:
    """(rule, line, column) of each finding of these rules in a fixture file, analysed as a scan
    analyses it (HTML and Kotlin files are not code_fixtures' documents)."""
    path = FIXTURES / fixture
    subjects = analyse_text(fixture, path.read_text(encoding="utf-8")).subjects
    ctx = engine.RunContext(config=Config.blank().with_overrides(select=rules), now=1795300000)
    return sorted((f.rule, f.location.line, f.location.column) for f in engine.run(subjects, ctx))


# --- CFG004: the apikey header is the client secret only when it is BotKit's credentials.apikey ---


def test_cfg004_credentials_apikey_not_any_apikey_name() -> None:
    # the SendGrid key on line 6 is not flagged although the file names credentials.apikey
    assert found("CFG004/sendgrid_beside_botkit.js", "CFG004") == [
        ("CFG004", 10, 45), ("CFG004", 14, 11), ("CFG004", 19, 45)]


def test_cfg004_curl_apikey_from_botkit_config_not_another_key() -> None:
    text = (
        "# Kore BotKit\n\n```bash\n"
        "curl https://bots.kore.ai/api/botsdk/push -H \"apikey: $(jq -r .credentials.apikey config.json)\"\n"
        "curl https://api.sendgrid.com/v3/mail/send -H \"apikey: $SENDGRID_APIKEY\"\n```\n")
    [subject] = [s for s in subjects_for("docs/push.md", text, Location(path="docs/push.md"))
                 if isinstance(s, CodeSubject)]
    assert [(h.span.line, h.span.column, h.secret_ref) for h in subject.headers] == [
        (4, 47, "the BotKit credentials.apikey (the client secret)")]


# --- SRC002/SRC004: an options object given members after it was made ----------------------------


def test_src002_algorithm_set_on_the_options_object() -> None:
    assert found("SRC002/mutated_options.js", "SRC002") == [("SRC002", 5, 20)]


def test_src004_expiry_set_on_the_options_object() -> None:
    # withExpiry (opts.expiresIn) and computedKey (opts[name]: not known) are not flagged
    assert found("SRC004/mutated_options.js", "SRC004") == [("SRC004", 19, 10)]


# --- SRC005: decoded claims stored as the caller; a page showing its own token --------------------


def test_src005_decoded_claims_stored_as_the_caller() -> None:
    # `reassigned` stores another object under the same name: not flagged
    assert found("SRC005/decoded_then_stored.js", "SRC005") == [("SRC005", 4, 19), ("SRC005", 11, 12)]


def test_src005_browser_page_importing_jsonwebtoken_is_not_a_server() -> None:
    assert found("SRC005/public/js/profile.js", "SRC005") == []
    # the same folder, but request handling and no browser globals: still trusted as identity
    assert found("SRC005/public/js/me.js", "SRC005") == [("SRC005", 5, 18)]


# --- TypeScript `<T>value` -----------------------------------------------------------------------


def test_src002_payload_behind_an_angle_bracket_assertion() -> None:
    assert found("SRC002/angle_assertion.ts", "SRC002", "SRC004") == [("SRC002", 5, 67)]


# --- HTML inline scripts ---------------------------------------------------------------------------


def test_html_inline_script_is_analysed_as_javascript_in_place() -> None:
    # the src=, ld+json and text/template blocks are not scripts to analyse
    assert found("SRC002/html/index.html", "SRC002", "SRC003", "SRC006", "CFG002") == [
        ("CFG002", 11, 26), ("SRC002", 20, 30), ("SRC003", 20, 88)]


def test_html_bot_options_algorithm_keys_as_in_javascript() -> None:
    # signingAlgorithm RS256 (line 10) is allowed; line 12's column counts characters after "Café — «chat»"
    assert found("CFG002/html/botoptions.html", "CFG002") == [("CFG002", 6, 15), ("CFG002", 12, 50)]


def test_html_script_that_does_not_parse_is_still_text_scanned() -> None:
    assert found("CFG002/html/template.html", "CFG002") == [("CFG002", 4, 30)]


# --- Java/Kotlin: Kore context and Android app sources --------------------------------------------


def test_cfg002_in_java_and_kotlin_with_a_kore_client_id() -> None:
    assert found("CFG002/jvm/app/src/main/java/com/acme/BotConfig.kt", "CFG002") == [("CFG002", 5, 32)]
    assert found("CFG002/jvm/TokenSettings.java", "CFG002") == [("CFG002", 3, 49)]
    assert found("CFG002/jvm/OrdersToken.java", "CFG002") == []


def test_sec003_android_app_source_but_not_a_jvm_server() -> None:
    assert found("SEC003/mobile-app/app/src/main/java/com/acme/BotConfig.kt", "SEC003") == [("SEC003", 5, 32)]
    assert found("SEC003/near/spring/app/src/main/java/com/acme/KoreClient.java", "SEC003") == []
    assert found("SEC003/near/jvm/src/main/kotlin/com/acme/KoreClient.kt", "SEC003") == []


def test_html_script_tags_are_found_in_linear_time() -> None:
    import time

    for text in ("<script" * 200_000, "<script>" + "</script" * 200_000, "<script " + "a" * 1_000_000):
        started = time.monotonic()
        subjects_for("page.html", text, Location(path="page.html"))
        assert time.monotonic() - started < 2
