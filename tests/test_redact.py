"""The redaction layer: known values are scrubbed, plain words are left alone."""

from __future__ import annotations

from jwtaudit.redact import Redactor, mask, token_preview


def test_scrub_replaces_every_known_value_longest_first() -> None:
    r = Redactor()
    r.add("s3cr3t-value-123", "s3cr3t-value-1234567")
    text = r.scrub("a s3cr3t-value-1234567 b s3cr3t-value-123 c")
    assert "s3cr3t" not in text and text.count("<redacted: ") == 2


def test_short_values_and_plain_words_are_not_scrubbed() -> None:
    r = Redactor()
    r.add("abc", "Authorization", "application", "ORDERS_API_TOKEN", None, "")
    assert len(r) == 0
    assert r.scrub("Authorization profile") == "Authorization profile"


def test_mask_and_preview_do_not_contain_the_value() -> None:
    secret = "Zr7Qp2Lx9Vn4Tk1Bw8Hs3Jd6Fg0Cm5Ya2Ue7Io4Pq1N="
    assert secret not in mask(secret) and "44 chars" in mask(secret)
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA"
    assert token not in token_preview(token) and "c2lnbmF0dXJl" not in token_preview(token)
