"""Every registered rule has complete metadata and a documentation page with the fixed headings."""

from __future__ import annotations

import re

import pytest

from jwtaudit.rules import registry

RULES = registry.load_all()


def test_catalog_codes_present() -> None:
    for n in range(1, 27):
        assert f"TOK{n:03d}" in RULES


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_metadata_and_page(code: str) -> None:
    info = RULES[code].info
    assert re.fullmatch(r"[A-Z]+\d{3}", info.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", info.name)
    assert info.cwe > 0
    for heading in registry.DOC_HEADINGS:
        assert registry.doc_section(info.doc, heading), f"{code}: empty or missing '{heading}'"
    refs = registry.doc_section(info.doc, "References")
    assert re.search(r"https?://|RFC \d+|CVE-\d+|CWE-\d+", refs), f"{code}: References needs a source"
    assert info.summary and not info.summary.startswith("**")


def test_names_are_unique() -> None:
    names = [r.info.name for r in RULES.values()]
    assert len(names) == len(set(names))


def test_subject_family_map_is_complete() -> None:
    for item in RULES.values():
        families = registry.SUBJECT_FAMILIES.get(item.info.subject)
        assert families is not None, f"{item.info.code}: subject {item.info.subject!r} not in SUBJECT_FAMILIES"
        assert item.check.__module__ in families, f"{item.info.code}: add {item.check.__module__}"
