"""Property: any text, in any supported language, gives subjects and never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jwtaudit.model import Location
from jwtaudit.sources.code import subjects_for

SNIPPETS = st.sampled_from([
    "jwt.sign(", "jwt.encode(", "{", "}", "(", ")", "[", "]", "'", '"', "`", "${", "\n", " ",
    "appId", "exp:", "Date.now()", "/ 1000", "* 1000", "new SignJWT(", ".sign(k)", "=", ",",
    "const a = ", "import jwt from 'jsonwebtoken';", "import jwt\n", "def f(x):\n    ", "return ",
    "botOptions.clientSecret = ", "headers: { apikey: ", "algorithms=['none']", "...", "=>",
    "payload['exp'] = ", "time.time() * 1000", "Object.assign(p, q)", "\\", "é", "\x00",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(SNIPPETS, max_size=60), st.sampled_from(["a.js", "a.ts", "a.tsx", "a.py", "a.jsx"]))
def test_subjects_for_never_raises(parts, path) -> None:
    subjects = subjects_for(path, "".join(parts), Location(path=path))
    assert subjects and subjects[0].kind == "code"
