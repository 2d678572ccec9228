"""The scan's fast paths give exactly what the slower definitions they replace give.

Each shortcut added for speed (see benchmarks/README.md) is checked here against a plain
implementation of the same rule, on generated input: a shortcut that changed an answer would
change findings silently, which the fixture tests might not notice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
from collections.abc import Iterator
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from jwtaudit import engine, tokens
from jwtaudit.commands.scan import _chunks, _dispatch_order, outcome_of
from jwtaudit.config import Config
from jwtaudit.rules import cfg
from jwtaudit.sources import secrets as ds
from jwtaudit.sources import text as text_module
from jwtaudit.sources.files import FileEntry
from jwtaudit.sources.structured import parse_document
from jwtaudit.sources.text import _ROOT, _string_members, _walk, analyse_text
from jwtaudit.subjects import DocumentSubject, pointer_escape, pointer_join
from tests.helpers import NOW

# The plain definitions the fast paths replaced, kept here as references.
KORE_SECRET_RE = re.compile(r"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])")


def _members(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        return ((str(key), value) for key, value in node.items())
    return ((str(number), value) for number, value in enumerate(node))


def _keyed_values(data: Any, max_depth: int = 64) -> Iterator[tuple[str, Any]]:
    """(member name or list index, value) for every node below `data`, in the order `_walk`
    gives them, without building the pointers (the names are all that is asked)."""
    stack = [_members(data)]
    while stack:
        for key, value in stack[-1]:
            yield key, value
            if isinstance(value, (dict, list)) and len(stack) <= max_depth:
                stack.append(_members(value))
                break
        else:
            stack.pop()


def _string_leaves(data: object, max_depth: int = 64) -> list[tuple[tuple[object, ...], str]]:
    """The walk `_string_members` replaced: a path tuple for every node."""
    out: list[tuple[tuple[object, ...], str]] = []
    stack: list[tuple[tuple[object, ...], object]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if len(value) >= 6:
                out.append((path, value))
        elif len(path) < max_depth:
            if isinstance(value, dict):
                stack.extend((path + (key,), item) for key, item in reversed(value.items()))
            elif isinstance(value, list):
                stack.extend((path + (number,), item) for number, item in reversed(list(enumerate(value))))
    return out


KEYS = st.sampled_from(["name", "app", "a/b", "~x", "clientSecret", "kty", "k", "0", "botName"])
LEAVES = st.one_of(st.sampled_from(["short", "a longer value", "x" * 12, "http://h.example"]),
                   st.integers(), st.none(), st.text(max_size=12))
DATA = st.recursive(LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                    st.dictionaries(KEYS, inner, max_size=4)), max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(DATA)
def test_string_members_match_string_leaves(data: object) -> None:
    rebuilt = [(path if member is _ROOT else (*path, member), value) for path, member, value in _string_members(data)]
    assert rebuilt == _string_leaves(data)


@settings(max_examples=300, deadline=None)
@given(DATA)
def test_keyed_values_match_walk_without_pointers(data: object) -> None:
    if not isinstance(data, (dict, list)):
        return
    walked = [(pointer.rsplit("/", 1)[-1], value) for pointer, value in _walk(data, "", 0)]
    keyed = [(pointer_escape(key), value) for key, value in _keyed_values(data)]
    assert [k for k, _ in keyed] == [k for k, _ in walked]
    assert all(a is b for (_, a), (_, b) in zip(keyed, walked, strict=True))


def test_deep_documents_stop_at_the_same_depth() -> None:
    for depth in (63, 64, 65, 80):
        data: dict[str, object] = {}
        node = data
        for _ in range(depth):
            child: dict[str, object] = {"s": "long enough"}
            node["k"] = [child]
            node = child
        assert [(p if m is _ROOT else (*p, m), v) for p, m, v in _string_members(data)] == _string_leaves(data)
        assert len(list(_keyed_values(data))) == len(list(_walk(data, "", 0)))


@given(st.one_of(st.text(max_size=12), st.integers()))
def test_pointer_join_escapes_as_rfc6901(key: object) -> None:
    expected = "/base/" + str(key).replace("~", "~0").replace("/", "~1")
    assert pointer_join("/base", key) == expected


@settings(max_examples=2000)
@given(st.lists(st.one_of(st.sampled_from(["xxxxx", "XXXXX", "****", "...", "<a>", "${", "{{", "%(", "CHANGE-me",
                                           "Example", "dummy", "your-", "Fake", "sample", "todo", "foo", "my_secret",
                                           "TEST", "null", "\u017f", "k3y", "abcdefghij", "0123456789", "\u0130", "aaaa",
                                           "abab", "'", " "]),
                          st.text(max_size=6)), max_size=6))
def test_placeholder_prefilter_never_hides_a_match(parts: list[str]) -> None:
    value = "".join(parts)
    assert bool(ds._PLACEHOLDER.search(value)) == bool(ds._may_be_placeholder(value) and ds._PLACEHOLDER.search(value))
    hinted = not value.isascii() or any(hint in value.lower() for hint in ds._PLACEHOLDER_HINTS)
    assert ds._may_be_placeholder(value) == hinted  # one pattern for the hints, as the substring tests
    assert ds._is_sequential(value) == any(len(value.lower()) >= 8 and value.lower() in alphabet * 3
                                           for alphabet in ds._ALPHABETS)
    stripped = value.strip("'\"` ")  # the plain definition of a placeholder
    plain = len(stripped) < 6 or bool(ds._PLACEHOLDER.search(stripped)) or len(set(stripped.lower())) <= 3 \
        or ds._is_sequential(stripped)
    assert ds.is_placeholder.__wrapped__(value) == plain


def test_entropy_floor_is_below_every_limit() -> None:
    """Values shorter than 2**limit cannot pass detect-secrets' entropy limit, so detect skips them."""
    for code in ("SEC124", "SEC125"):
        detector = ds.plugin(code)
        shortest = math.ceil(2 ** detector.entropy_limit)
        charset = detector.charset
        for length in range(1, shortest):
            most_varied = (charset * (length // len(charset) + 1))[:length]
            assert detector.calculate_shannon_entropy(most_varied) <= detector.entropy_limit


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=20), min_size=1, max_size=80, unique=True), st.data())
def test_pad_list_cracking_finds_what_plain_hmac_finds(candidates: list[str], data: st.DataObject) -> None:
    alg = data.draw(st.sampled_from(["HS256", "HS384", "HS512"]))
    secret = data.draw(st.sampled_from([*candidates, "not-in-the-list"]))
    header = base64.urlsafe_b64encode(json.dumps({"alg": alg}).encode()).rstrip(b"=").decode()
    payload = base64.urlsafe_b64encode(b'{"sub":"x"}').rstrip(b"=").decode()
    digest = getattr(hashlib, "sha" + alg[2:])
    signature = hmac.new(secret.encode("utf-8", "surrogatepass"), f"{header}.{payload}".encode(), digest).digest()
    token = tokens.decode_unverified(f"{header}.{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}")
    keys = tokens.HmacKeys()
    expected = tokens.crack_hmac(token, list(candidates))  # one plain HMAC per candidate
    assert tokens.crack_hmac(token, tuple(candidates), keys) == expected  # the pad list
    assert tokens.crack_hmac(token, tuple(candidates), keys) == expected  # the cached pad list
    if secret in candidates:  # the first candidate that signs the same: "" and "\x00" are one HMAC key
        assert expected is not None and candidates.index(expected) <= candidates.index(secret)
    if expected is not None:
        assert hmac.new(expected.encode("utf-8", "surrogatepass"), f"{header}.{payload}".encode(),
                        digest).digest() == signature


def _doc(text: str, fmt: str = "json", path: str = "config/app.json") -> DocumentSubject:
    subject = parse_document(path if fmt == "json" else path.replace(".json", f".{fmt}"), text)
    assert subject is not None and subject.format == fmt
    return subject


def _slow_kore_context(subject: DocumentSubject) -> bool:
    low_strings = "\n".join(cfg.strings_in(subject.data))
    return ("kore" in low_strings.lower() or cfg._CLIENT_ID.search(low_strings) is not None
            or cfg._BOT_ID.search(low_strings) is not None)


def test_kore_context_shortcut_agrees_where_escapes_could_spell_words() -> None:
    cases = [
        ('{"host": "bots.example.com"}', "json", False),
        ('{"host": "bots.KORE.ai"}', "json", True),
        ('{"host": "bots.\\u006bore.ai"}', "json", True),  # escaped letter
        ('{"note": "line\\nst-1234abcd-12ab-"}', "json", True),  # escaped newline before a bot id
        ('{"note": "first-1234abcd-12ab-"}', "json", False),  # not at a word boundary
        ('{"id": "CS-1234ABCD-12AB-x"}', "json", True),
        ('note: "ko\\\n  re"\n', "yaml", True),  # YAML escaped line break joins the word
        ("[app]\nhost = \"\\u006bore.ai\"\n", "toml", True),
        ("note: \"\u017ft-1234abcd-12ab-\"\n", "yaml", True),  # long s folds to "s"
    ]
    for text, fmt, expected in cases:
        subject = _doc(text, fmt)
        assert _slow_kore_context(subject) is expected, text
        cfg._KORE_CONTEXT[:] = [None, False]
        assert cfg.is_kore_context(subject) is expected, text


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["host", "note", "id", "a"]),
                       st.lists(st.sampled_from(["kore", "KoRe", "cs-", "st-", "1234abcd", "-12ab-", "\\n", "\\u006b",
                                                 "\\u0073", "x", " ", "http:", "\\/\\/"]), max_size=8).map("".join),
                       max_size=4))
def test_kore_context_shortcut_agrees_on_generated_json(raw: dict[str, str]) -> None:
    text = "{" + ", ".join(f'"{k}": "{v}"' for k, v in raw.items()) + "}"
    subject = parse_document("settings.json", text)
    if subject is None:
        return
    cfg._KORE_CONTEXT[:] = [None, False]
    assert cfg.is_kore_context(subject) == _slow_kore_context(subject)
    lacks_http = cfg.text_lacks(subject, "http:")
    assert not lacks_http or not any("http:" in s.lower() for s in cfg.strings_in(subject.data))


def test_notebooks_are_judged_by_their_strings_not_their_text() -> None:
    """A notebook's text splits a cell's source into lines; the walk sees each line as a string,
    and so does the written-out data the shortcut searches."""
    def notebook(*lines: str) -> DocumentSubject:
        cell = {"cell_type": "code", "source": list(lines), "metadata": {}, "outputs": [], "execution_count": None}
        subject = parse_document("demo.ipynb", json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                                                           "nbformat_minor": 5}))
        assert subject is not None
        _fresh(subject)
        return subject

    split = notebook("url = 'ht", "tp://kore.example'\n")
    assert cfg.text_lacks(split, "http:")
    assert not any("http:" in s for s in cfg.strings_in(split.data))
    whole = notebook("url = 'http://kore.example'\n")
    assert not cfg.text_lacks(whole, "http:")
    assert cfg.is_kore_context(whole)


GENERIC_LINES = "\n".join([
    'API_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"  # password = "Zq8#pL2!vR9x"',
    'db_password = "Zq8#pL2!vR9xW4m"',
    'aws_secret = "AKIAIOSFODNN7EXAMPLQ"',
    'secret_key = "c2VjcmV0LWtleS1mb3ItdGVzdGluZy1vbmx5LTEyMzQ1Njc4"',
])


def test_skipping_lines_with_a_specific_finding_changes_no_finalized_report() -> None:
    """The generic detectors skip lines that hold a specific finding (outside parsed documents);
    `engine.finalize` would have dropped the generic findings there anyway."""
    ctx = engine.RunContext(config=Config(), now=NOW)
    for path, text in (("app/settings.py", GENERIC_LINES), ("notes.md", GENERIC_LINES.replace('"', "`")),
                       ("conf/app.env", "KORE_CLIENT_SECRET=" + base64.b64encode(b"s" * 32).decode()
                        + "\nPASSWORD=Zq8#pL2!vR9xW4m\n"),
                       # one line, two values: the generic finding at the other pointer must stay
                       ("config/app.json", json.dumps({"clientSecret": base64.b64encode(b"k" * 32).decode(),
                                                       "api_key": "AKIAIOSFODNN7EXAMPLQ"}))):
        analysis = analyse_text(path, text)
        fast = engine.finalize(outcome_of(analysis, ctx).findings)
        plain = engine.finalize([f for subject in analysis.subjects for f in engine.check_subject(subject, ctx)])
        assert [(f.rule, f.location.line, f.location.column) for f in fast] == \
            [(f.rule, f.location.line, f.location.column) for f in plain], path
        assert fast, path
        if path.endswith(".json"):
            assert any(f.rule.startswith("SEC1") for f in fast), "the generic finding beside a specific one"


def test_a_worker_sends_no_generic_finding_that_a_specific_one_covers() -> None:
    ctx = engine.RunContext(config=Config(), now=NOW)
    secret = base64.b64encode(hashlib.sha256(b"fake").digest()).decode()  # random-looking: detectors fire
    text = json.dumps({"clientSecret": secret, "api_key": "AKIAIOSFODNN7EXAMPLQ"}, indent=1)
    analysis = analyse_text("config/app.json", text)
    every = [f for subject in analysis.subjects for f in engine.check_subject(subject, ctx)]
    sent = outcome_of(analysis, ctx).findings
    covered = {engine.value_key(f) for f in every if not f.rule.startswith("SEC1")}
    assert any(f.rule.startswith("SEC1") and engine.value_key(f) in covered for f in every)  # the case arises
    assert not any(f.rule.startswith("SEC1") and engine.value_key(f) in covered for f in sent)
    assert any(f.rule.startswith("SEC1") and f.location.pointer == "/api_key" for f in sent)
    assert engine.finalize(sent) == engine.finalize(every)


def test_large_files_travel_alone_and_first() -> None:
    entries = [FileEntry(rel_path=f"f{i}", abs_path=f"/x/f{i}") for i in range(10)]
    sizes = {e.abs_path: (400_000 if i in (3, 7) else 1_000) for i, e in enumerate(entries)}
    ordered = _dispatch_order(entries, sizes)
    assert [e.rel_path for e in ordered[:2]] == ["f3", "f7"]
    chunks = list(_chunks(ordered, 64, sizes))
    assert [len(c) for c in chunks] == [1, 1, 8]
    assert [e.rel_path for c in chunks for e in c] == [e.rel_path for e in ordered]


def _in_blob_reference(low: str, pos: int, length: int, reach: int = 12) -> bool:
    before, after = low[max(0, pos - reach):pos], low[pos + length:pos + length + reach]
    blob = frozenset("abcdefghijklmnopqrstuvwxyz0123456789+/")
    return len(before) == reach == len(after) and all(c in blob for c in before + after)


def _word_lines_reference(low: str, positions: list[int], natural: bool, length: int) -> set[int]:
    lines, line, previous = set(), 1, 0
    for pos in positions[:50000]:
        line += low.count("\n", previous, pos)
        previous = pos
        if not (natural and _in_blob_reference(low, pos, length)):
            lines.add(line)
    return lines


TEXT_PIECES = st.sampled_from(["key", "token", "secret", "ghp_", "akia", "\n", "\r\n", " ", "=", "'",
                               "QUJDREVGR0hJSktMTU5PUA", "abcdefghijkl0123", "+/", "\u0130", "\u017f", "K"])


@settings(max_examples=400, deadline=None)
@given(st.lists(TEXT_PIECES, max_size=40).map("".join))
@example("\u0130\u0130\u0130\u0130\nkey\n\n")  # lowercasing lengthens the text past a newline
def test_word_lines_match_counting_newlines(text: str) -> None:
    ctx = text_module._Context("f.txt", text, None)
    ctx.low = text.lower()
    ctx.positions = text_module.word_positions(ctx.low)
    for word, positions in ctx.positions.items():
        expected = _word_lines_reference(ctx.low, positions, word in text_module.NATURAL_WORDS, len(word))
        assert ctx.word_lines(word) == expected, word
        for pos in positions:
            assert text_module.in_blob(ctx.low, pos, len(word)) == _in_blob_reference(ctx.low, pos, len(word))


LINE_PIECES = st.sampled_from(["password", "PassWord", "api_key", "ApiKey", "db_pass", "secret", "SECRET_KEY",
                               "contraseña", "pwd", "key", "keyboard", "pass", "pa\u017fsword", "prİvate_key",
                               "\u212aEY", "=", "==", "!=", ":", ";", " ", "'", '"', "`", "=>", "hunter2xyz",
                               "Zq8pL2vR", "{", "}", ",", "$x"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(LINE_PIECES, max_size=14).map("".join),
       st.sampled_from(["a.json", "a.py", "a.yaml", "a.js", "a.go", "a.md", "a.env", "a.ini", "a.txt", "a.java"]))
def test_keyword_gate_never_hides_a_keyword_match(line: str, rel_path: str) -> None:
    groups = ds._keyword_regexes(rel_path)
    found = list(ds.plugin("SEC111").analyze_string(line, denylist_regex_to_group=groups))
    if found:
        assert ds._may_name_a_secret(line, groups), (line, rel_path)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.one_of(LINE_PIECES, st.sampled_from(["database_password", "client_key", "my_secret_value", "[",
                                                        "]", "'x'", "\t", "DB_PASS=", "apikey"])), max_size=16)
       .map("".join),
       st.sampled_from(["a.json", "a.py", "a.yaml", "a.js", "a.go", "a.md", "a.env", "a.ini", "a.txt", "a.java"]))
def test_keyword_patterns_tried_where_a_name_starts_find_what_the_detector_finds(line: str, rel_path: str) -> None:
    groups = ds._keyword_regexes(rel_path)
    detector = ds.plugin("SEC111")
    assert ds._keyword_values(detector, line, groups) == \
        list(detector.analyze_string(line, denylist_regex_to_group=groups)), (line, rel_path)


def test_keyword_gate_skips_prose() -> None:
    groups = ds._keyword_regexes("service-2.json")
    assert ds._keyword_gate(groups) is not None, "detect-secrets' patterns changed: the shortcut is off"
    assert not ds._may_name_a_secret('"documentation": "The key that identifies the bucket."', groups)
    assert ds._may_name_a_secret('"MasterUserPassword": "Zq8pL2vR9x"', groups)


SECRET_PIECES = st.one_of(
    st.integers(40, 46).map(lambda n: ("aB3+/9xZ" * 6)[:n]),
    st.sampled_from(["=", "==", "_", "-", " ", "\n", '"', "a", "/", "+", "é", "%3D"]),
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(SECRET_PIECES, max_size=10).map("".join))
@example("x" + "A" * 43 + "= " + "B" * 43 + "=")
@example("_" + "A" * 43 + "=")
@example("A" * 44 + "=")
def test_kore_secret_search_from_the_equals_sign_finds_what_the_plain_pattern_finds(text: str) -> None:
    expected = [(m.start(), m.end()) for m in KORE_SECRET_RE.finditer(text)]
    assert list(text_module.kore_secret_spans(text)) == expected


# Pieces of keys and strings that escapes, case folding and separators could hide from a text search.
DOC_PIECES = st.sampled_from(["secret", "SeCrEt", "se", "cret", "client", "app", "_", "-", " ", "\n", "\t", "\\",
                              '"', "/", "\u0007", "\u017f", "\u212a", "kore", "cs-1234abcd-12ab-", "http:",
                              "HTTP://", "//h", "users", "/users/sts", "USERS\\/STS", "x", "ş", "é"])
DOC_TEXT = st.lists(DOC_PIECES, max_size=6).map("".join)
DOC_DATA = st.recursive(DOC_TEXT, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                          st.dictionaries(DOC_TEXT, inner, max_size=3)),
                        max_leaves=12)


def _written(data: object, style: str) -> tuple[str, str]:
    """(file name, text) of the data in one of the ways files write it."""
    if style == "json-ascii":
        return "app.json", json.dumps({"root": data})
    if style == "json-unicode":
        return "app.json", json.dumps({"root": data}, ensure_ascii=False, indent=1)
    if style == "json-slashes":
        return "app.json", json.dumps({"root": data}, ensure_ascii=False).replace("/", "\\/")
    import yaml

    return "app.yaml", yaml.safe_dump({"root": data}, allow_unicode=style == "yaml-unicode")


def _fresh(subject: DocumentSubject) -> None:
    cfg._VERBATIM[:] = [None, None, False]
    cfg._KORE_CONTEXT[:] = [None, False]


@settings(max_examples=1500, deadline=None)
@given(DOC_DATA, st.sampled_from(["json-ascii", "json-unicode", "json-slashes", "yaml-ascii", "yaml-unicode"]))
def test_document_gates_never_skip_what_the_walk_would_find(data: object, style: str) -> None:
    from jwtaudit.rules import sec_frontend

    name, text = _written(data, style)
    subject = parse_document(name, text)
    if subject is None:
        return
    entries = list(cfg._entries(subject.data))
    _fresh(subject)
    assert cfg.is_kore_context(subject) == _slow_kore_context(subject)
    if cfg.unescaped_lacks_match(subject, sec_frontend._SECRET_IN_TEXT):
        assert not any("secret" in cfg.normalise(key) for _, key, _, _ in entries)
    if cfg.no_string_starts_with(subject, "http:"):
        assert not any(isinstance(value, str) and value[:5].lower() == "http:" for _, _, value, _ in entries)
    if cfg.text_lacks(subject, *sec_frontend.DEMO_HOSTS) and cfg.text_lacks_match(subject,
                                                                                  sec_frontend._DEMO_PATH_TEXT):
        assert not any(isinstance(value, str) and sec_frontend.DEMO_PATH.search(value) for _, _, value, _ in entries)


def test_document_gates_see_through_escapes() -> None:
    from jwtaudit.rules import sec_frontend

    cases = [  # (file, text, may hold a secret-named key, may hold a string starting http:)
        ("a.json", '{"client\\nSecret": "x"}', True, False),
        ("a.json", '{"clientSe\\u0063ret": "x"}', True, False),  # not verbatim: the data is written out
        ("a.json", '{"clientSe\\u0007cret": "x"}', True, False),  # ... with the control character escaped
        ("a.json", '{"note": "a client secret goes here", "url": "see http://x"}', True, False),
        ("a.json", '{"note": "nothing", "url": "http:\\/\\/x"}', False, True),
        ("a.json", '{"key": "se\\\\cret"}', True, False),  # an escaped backslash, then a letter
        ("a.yaml", 'k: "se\\ecret"\n', True, False),  # YAML escapes are not read: not judged
        ("a.yaml", "url: HTTP://x\n", False, True),
    ]
    for name, text, secret_key, http in cases:
        subject = parse_document(name, text)
        assert subject is not None, text
        _fresh(subject)
        assert cfg.unescaped_lacks_match(subject, sec_frontend._SECRET_IN_TEXT) is not secret_key, text
        assert cfg.no_string_starts_with(subject, "http:") is not http, text


CANDIDATE_LEAVES = st.one_of(LEAVES, st.sampled_from([
    "{\"apiKey\": \"x\"}", " {\"a\": 1}", "\tindented", base64.b64encode(bytes(32)).decode(),
    base64.b64encode(bytes(range(32))).decode(), "A" * 43 + "=", "x" * 44, "API_KEY=q0Z8m3Vt4Yc1Rk9Wn2",
    "PORT=8080", "password=x"]))
CANDIDATE_DATA = st.recursive(CANDIDATE_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(KEYS, st.sampled_from(["password", "AccountAPIKey", "nextToken", "apikey", "key",
                                                      "name", "value"])),
                    inner, max_size=4)), max_leaves=40)


@settings(max_examples=500, deadline=None)
@given(CANDIDATE_DATA)
@example({"variable": [{"key": "clientSecret", "value": "q0Z8m3Vt4Yc1Rk9Wn2Lp6Xs5Hd7Jf0Ga8Bu3Ei1Oy4M="},
                       {"name": "baseUrl", "value": "https://bots.kore.ai"}]})
@example({"environment": ["XENIOO_ACCOUNT_API_KEY=484c7328fbb29adf0ff475bbb91b016b", "PORT=8080", "A=b"]})
def test_candidate_members_are_the_string_members_assignments_keeps(data: object) -> None:
    def looked_at(member: object, value: str) -> bool:
        key = "" if member is _ROOT else member if type(member) is str else str(member)
        return (text_module.is_secret_key(key) or text_module.is_kore_secret(value) or text_module.is_xenioo_key_name(key)
                or value[0] == "{" or value[0].isspace())

    def reference(max_depth: int) -> list[tuple[object, ...]]:
        """Each string member in order; the `value` of a name/value pair object and a `NAME=value`
        list item are bound to that name (what `_assignments` reads them as)."""
        out: list[tuple[object, ...]] = []
        for parent, member, value in _string_members(data, max_depth=max_depth):
            node = data
            for part in parent:
                node = node[part]  # type: ignore[index]
            name = text_module.pair_name(node) if member == "value" and type(node) is dict else None
            if name is not None:
                if looked_at(name, value):
                    out.append((parent, member, value, name))
                continue
            binding = text_module.list_binding(value) if type(member) is int and "=" in value else None
            if binding is not None:
                if len(binding[1]) >= 6 and looked_at(binding[0], binding[1]):
                    out.append((parent, member, binding[1], binding[0]))
                continue
            if looked_at(member, value):
                out.append((parent, member, value, None))
        return out

    assert text_module._candidate_members(data) == reference(64)
    assert text_module._candidate_members(data, max_depth=2) == reference(2)


NAME_DATA = st.recursive(
    st.one_of(LEAVES, st.sampled_from(["demo-bot", "ab", "abc", "x" * 64, "x" * 65])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(
        st.one_of(KEYS, st.sampled_from(["appName", "BOT_NAME", "env", "a/name", "app~1", "Environment"]),
                  st.integers(0, 3), st.booleans()), inner, max_size=4)), max_leaves=60)


@settings(max_examples=500, deadline=None)
@given(NAME_DATA, st.integers(0, 52))
@example({"name": "first", "app": "second", "bot": "third"}, 50)  # the cap falls between two names
@example({"name": "first", "nested": {"app": "second"}, "bot": "third"}, 50)
def test_name_values_are_what_the_keyed_walk_collects(data: object, already: int) -> None:
    def reference(words: list[str]) -> list[str]:
        for key, value in _keyed_values(data):
            if isinstance(value, str) and 2 < len(value) <= 64 and text_module.normalise_key(
                    pointer_escape(key) if "/" in key or "~" in key else key) in text_module._NAME_KEYS:
                words.append(value)
            if len(words) > 50:
                break
        return words

    if not isinstance(data, dict):
        return
    words = [f"cs-{n}" for n in range(already)]
    text_module._add_name_values(data, words)
    assert words == reference([f"cs-{n}" for n in range(already)])


SHAPE_PIECES = st.sampled_from([
    "ibm_cloud_iam_key", "IBM-CLOUD-API-KEY", "cloud_iam_pwd", "token", "cloudant_password", "cl_api_key",
    "clou-pass", "=", ":", "=>", " ", '"', "'", "[", "]", "https://user:", "@acct.cloudant.com",
    "aB3_-9xZ" * 5 + "aB3_", "0123456789abcdef" * 4, "0123456789ABCDEF" * 4, "abcdefghijklmnopqrstuvwx",
    "ABCDEFGHIJKLMNOPQRSTUVWX", "\u017f", "\u212a", "é", "x"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(SHAPE_PIECES, max_size=10).map("".join), st.sampled_from(["SEC105", "SEC109"]))
@example("ibm_cloud_iam_key = " + "\u017f" * 44, "SEC109")  # IGNORECASE: the long s is a letter
@example("cloudant_password = " + "\u212a" * 24, "SEC105")
@example("cloudant_password = " + "0123456789ABCDEF" * 4, "SEC105")  # hex in capitals
def test_shape_gate_never_hides_a_match(line: str, code: str) -> None:
    spec = ds.BY_CODE[code]
    detector = ds.plugin(code)
    if any(regex.search(line) for regex in detector.denylist):
        assert ds._may_hold_shape(spec.plugin, detector, line), line
    if line.isascii():  # the byte translation finds exactly the runs the plain pattern finds
        assert ds._may_hold_shape(spec.plugin, detector, line) == bool(re.search(ASCII_RUNS[code], line)), line


ASCII_RUNS = {"SEC109": r"[a-zA-Z0-9_\-]{44}", "SEC105": r"[0-9a-fA-F]{64}|[a-zA-Z]{24}"}


def test_shape_gates_are_on_for_the_installed_detect_secrets() -> None:
    for code in ("SEC105", "SEC109"):
        spec = ds.BY_CODE[code]
        assert ds._shape_gate(spec.plugin, ds.plugin(code)) is not None, \
            f"detect-secrets changed {spec.plugin}'s patterns: the shortcut is off"
    assert not ds._may_hold_shape("IbmCloudIamDetector", ds.plugin("SEC109"),
                                  '"documentation": "The key that identifies the bucket."')


ATOM_RE = re.compile(r"[A-Za-z0-9_\-]{8,}")  # the redactor's index key, as a pattern


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["abcdefgh", "AB-cd_ef", "0123456789", "-", "_", " ", "\n", "é", "７",
                                           "\ud800", "😀", "K", ":", "\"", "eyJhbGciOi", "/"]),
                          st.text(max_size=6)), max_size=30).map("".join))
def test_redactor_atoms_split_from_bytes_match_the_pattern(text: str) -> None:
    from jwtaudit.redact import _atom_runs

    assert {run.decode("ascii") for run in _atom_runs(text) if len(run) >= 8} == set(ATOM_RE.findall(text))


QUERY_PIECES = st.sampled_from(["?", "&", "&&", "token=", "api_key=", "Key=", "secret=abcdef123", "https://h/p",
                                "=", "#", " ", "\n", "abcdefgh", "x", "'", "?token=s3cr3tvalue&key=another1"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(QUERY_PIECES, max_size=30).map("".join))
def test_url_query_search_from_the_separators_matches_the_pattern(text: str) -> None:
    def spans(matches: Iterator[re.Match[str]]) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in matches]

    assert spans(text_module.url_query_matches(text)) == spans(text_module._URL_QUERY.finditer(text))
    padded = text + " " * 40 * len(text)  # sparse: the separators are searched, not the pattern's scan
    assert spans(text_module.url_query_matches(padded)) == spans(text_module._URL_QUERY.finditer(padded))


WORD_PIECES = st.sampled_from([*text_module.ALL_WORDS, "awsecret", "passecret", "akcs-", "contrasecret", "asiapikey",
                               "a3token", "jwt", "clientsecret", "authorization", "jsonwebtoken", "xenioo", " ", "x",
                               "\n", "=", "_", "-", "/", ":"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(WORD_PIECES, max_size=12).map("".join))
def test_trigger_words_answered_from_the_word_pass_as_substring_tests(text: str) -> None:
    ctx = text_module._Context("a.txt", text, None)
    ctx.low = text.lower()
    ctx.positions = text_module.word_positions(ctx.low)
    ctx.present = frozenset(ctx.positions)
    for word in text_module.ALL_WORDS:
        assert ctx.has(word) == (word in ctx.low), (word, text)
    assert text_module._names_code_words(ctx) == any(word in ctx.low for word in text_module.CODE_WORDS)


def test_the_word_pass_can_miss_an_overlapped_word_and_has_still_finds_it() -> None:
    low = "awsecret"  # "aws" is matched first and the pass resumes inside "secret"
    ctx = text_module._Context("a.txt", low, None)
    ctx.low, ctx.positions = low, text_module.word_positions(low)
    ctx.present = frozenset(ctx.positions)
    assert "secret" not in ctx.present and ctx.has("secret")


def _plain_keyboard_run(value: str) -> bool:
    run = 1
    for before, after in zip(value, value[1:], strict=False):
        run = run + 1 if ord(after) == ord(before) + 1 else 1
        if run >= 12:
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
       st.integers(min_value=32, max_value=126), st.integers(min_value=0, max_value=16),
       st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30))
def test_keyboard_run_check_is_the_plain_definition(before: str, first: int, length: int, after: str) -> None:
    from jwtaudit.sources.secrets import _has_keyboard_run

    run = "".join(chr(c) for c in range(first, min(first + length, 127)))
    value = before + run + after
    assert _has_keyboard_run(value) == _plain_keyboard_run(value)
