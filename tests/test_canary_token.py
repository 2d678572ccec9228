"""Canary: a token signed with a planted secret, and carrying planted secrets in its claims,
analysed with that secret supplied: no secret, signature or whole token in any output."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from jwtaudit.cli import cli
from tests.helpers import NOW, good_payload, make_token

CANARY_SECRET = "CANARYsecretQ7x2Lm9Vp4Rt8Kw3Nb6Hj1Fd5Gs0Ay2="
CANARY_CLAIM = "CANARY-claim-password-7c1d9e"
CANARY_KEY = "AKIACANARY0123456789"


def outputs(tmp_path, fmt: str) -> list[str]:
    token = make_token({"alg": "HS256"}, good_payload(password=CANARY_CLAIM, note=CANARY_KEY), CANARY_SECRET)
    wrong = make_token({"alg": "HS256"}, good_payload(clientSecret=CANARY_SECRET), "x" * 40)
    out = tmp_path / f"report.{fmt}"
    runner = CliRunner()
    results = [
        runner.invoke(cli, ["token", "--now", str(NOW), "--format", fmt, "--secret-env", "S", token, wrong],
                      env={"S": CANARY_SECRET}),
        runner.invoke(cli, ["token", "--now", str(NOW), "--format", fmt, "-o", str(out), "--secret-env",
                            "S", token], env={"S": CANARY_SECRET}),
        runner.invoke(cli, ["token", "--now", str(NOW), "--format", fmt, "--secret", CANARY_SECRET, token]),
    ]
    texts = [r.output for r in results] + [r.stderr for r in results] + [out.read_text()]
    forbidden = [CANARY_SECRET, CANARY_CLAIM, CANARY_KEY, token, wrong, token.split(".")[2], wrong.split(".")[2]]
    return texts, forbidden, results


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_canary_in_any_output(tmp_path, fmt: str) -> None:
    texts, forbidden, results = outputs(tmp_path, fmt)
    assert all(r.exit_code == 1 for r in results)
    assert "TOK016" in results[0].output and "TOK022" in results[0].output
    for text in texts:
        for value in forbidden:
            assert value not in text


def test_error_messages_never_echo_the_token() -> None:
    bogus = "eyJhbGciOiJIUzI1NiJ9." + "A" * 50  # two parts: not a token
    result = CliRunner().invoke(cli, ["token", bogus])
    assert result.exit_code == 2
    assert bogus not in result.output and "A" * 50 not in result.output
