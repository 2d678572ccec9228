"""GitHub's primaryLocationLineHash, reproduced exactly; UTF-16 columns; the command-layer helper."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jwtaudit.model import Location
from jwtaudit.reports import linehash
from tests.reports.builders import finding

# Test vectors from github/codeql-action src/fingerprints.test.ts.
VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1",
                            "a23a3dc5e078b07b:1"]),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
     ["8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1", "bff680108adb0fcc:1", "c6805c5e1288b612:1",
      "b86d3392aea1be30:1", "e6ceba753e1a442:1"]),
]
GREETINGS = ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1",
             "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1"]
VECTORS += [(text, GREETINGS) for text in (
    " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
    " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
    " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
    " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
)]
VECTORS.append(("Lorem ipsum dolor sit amet.\n" * 10, [
    "a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3", "a7f2ff13bc495cf2:4",
    "a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6", "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1",
    "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"]))


@pytest.mark.parametrize(("text", "expected"), VECTORS)
def test_github_vectors(text, expected):
    assert linehash.line_hashes(text) == expected


def reference(text: str) -> list[str]:
    """A character-by-character port of the reference loop, to compare on arbitrary input."""
    mask, block = (1 << 64) - 1, 100
    first_mod = pow(37, block, 1 << 64)
    window, numbers = [0] * block, [-1] * block
    state = {"hash": 0, "index": 0, "line": 0, "start": True, "cr": False}
    counts: dict[str, int] = {}
    out: list[str] = []

    def output() -> None:
        value = format(state["hash"], "x")
        counts[value] = counts.get(value, 0) + 1
        out.append(f"{value}:{counts[value]}")
        numbers[state["index"]] = -1

    def update(current: int) -> None:
        begin = window[state["index"]]
        window[state["index"]] = current
        state["hash"] = (37 * state["hash"] + current - first_mod * begin) & mask
        state["index"] = (state["index"] + 1) % block

    def process(current: int) -> None:
        if current in (32, 9) or (state["cr"] and current == 10):
            state["cr"] = False
            return
        if current == 13:
            current, state["cr"] = 10, True
        else:
            state["cr"] = False
        if numbers[state["index"]] != -1:
            output()
        if state["start"]:
            state["start"] = False
            state["line"] += 1
            numbers[state["index"]] = state["line"]
        if current == 10:
            state["start"] = True
        update(current)

    data = text.encode("utf-16-le", "surrogatepass")
    for i in range(0, len(data), 2):
        process(int.from_bytes(data[i:i + 2], "little"))
    process(65535)
    for _ in range(block):
        if numbers[state["index"]] != -1:
            output()
        update(0)
    return out


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \t\r\n;é\U0001F511")), max_size=400))
def test_matches_reference_loop(text):
    assert linehash.line_hashes(text) == reference(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \t\r\n;é\uffff\x00\U0001F511")), max_size=600), st.data())
def test_hashes_of_chosen_lines_match_the_whole_file_computation(text, data):
    every = linehash.line_hashes(text)
    wanted = data.draw(st.sets(st.integers(min_value=-1, max_value=len(every) + 2), max_size=8))
    assert linehash.hashes_of_lines(text, wanted) == {n: every[n - 1] for n in wanted if 1 <= n <= len(every)}


@pytest.mark.parametrize(("text", "expected"), VECTORS)
def test_github_vectors_line_by_line(text, expected):
    assert linehash.hashes_of_lines(text, range(1, len(expected) + 1)) == dict(enumerate(expected, 1))


def test_repeated_windows_are_counted_in_line_order():
    text = "a repeated line\n" * 30 + "end\n"
    every = linehash.line_hashes(text)
    assert every[4].endswith(":5") and every[20].endswith(":21")  # the reference counts repeats
    assert linehash.hashes_of_lines(text, [5, 21, 31]) == {5: every[4], 21: every[20], 31: every[30]}


def test_blank_between_cr_and_lf_makes_two_lines():
    assert linehash.line_hashes("a\r \nb") == reference("a\r \nb")
    assert len(linehash.line_hashes("a\r \nb")) == 3


def test_utf16_column():
    assert linehash.utf16_column("ab", 2) == 2
    assert linehash.utf16_column("\U0001F511x", 2) == 3
    assert linehash.utf16_column("é\U0001F511\U0001F511x", 4) == 6


def test_sarif_properties_keys_by_version_and_line():
    commit = "c" * 40
    old = finding("TOK002", "a.txt", 2, location=Location(path="a.txt", line=2, commit=commit))
    new = finding("TOK002", "a.txt", 2)
    texts = {("a.txt", commit): "x\nold line\n", ("a.txt", None): "x\nnew line\n"}
    props = linehash.sarif_properties([old, new], lambda loc: texts.get((loc.path, loc.commit)))
    assert props["line_hashes"] == {
        f"{commit}:2:a.txt": linehash.line_hashes("x\nold line\n")[1],
        ":2:a.txt": linehash.line_hashes("x\nnew line\n")[1],
    }
    assert props["utf16_columns"] == {}


def test_sarif_properties_skips_unknown_text():
    assert linehash.sarif_properties([finding("TOK002")], lambda loc: None) == {
        "line_hashes": {}, "utf16_columns": {}}


@given(st.text(alphabet=st.sampled_from(list("ab é\ud800\U0001F511\uffff")), max_size=30), st.integers(0, 35))
def test_utf16_column_counts_one_more_unit_per_character_outside_the_bmp(line, column):
    before = line[: max(column - 1, 0)]
    assert linehash.utf16_column(line, column) == column + sum(1 for ch in before if ord(ch) > 0xFFFF)
