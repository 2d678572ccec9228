"""The redaction layer: known values are scrubbed, plain words are left alone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jwtaudit.redact import Redactor, mask, scrubbable, token_preview


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


@given(st.lists(st.one_of(st.none(), st.sampled_from(["", "abc", "Authorization", "ORDERS_API_TOKEN", "s3cr3t-value-123",
                                                      "s3cr3t-value-123", "pass word 1234"]),
                          st.text(max_size=20)), max_size=12))
def test_values_filtered_in_a_worker_give_the_same_redactor(values: list[str | None]) -> None:
    direct, merged = Redactor(), Redactor()
    direct.add_all(values)
    merged.add_scrubbable(scrubbable(values))
    merged.add_scrubbable(scrubbable(values))  # a second file with the same values changes nothing
    assert len(merged) == len(direct)
    text = " | ".join(v for v in values if v)
    assert merged.scrub(text) == direct.scrub(text)
