"""Results built directly from `jwtaudit.model` types, so reporter tests do not depend on commands."""

from __future__ import annotations

import inspect
from dataclasses import replace
from typing import Any

from jwtaudit.model import Confidence, Finding, InputError, Location, Result, RuleInfo, Severity

CANARY_SECRET = "CANARY-s3cr3t-9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZ"

DOCS = {
    "TOK002": """
        **What it does**

        Finds tokens whose `alg` is `none`, or whose signature is empty.

        **Why is this bad?**

        Anyone can forge such a token.

        **Example**

        ```
        {"alg": "none"}
        ```

        **Fix**

        Sign every token with **HS256** and the app's client secret.

        **References**

        - [RFC 8725](https://www.rfc-editor.org/rfc/rfc8725) section 2.1
    """,
    "SEC002": """
        **What it does**

        Finds a Kore client secret stored in a file.

        **Why is this bad?**

        Whoever reads the file can mint tokens for the app.

        **Example**

        `KORE_CLIENT_SECRET=...`

        **Fix**

        Rotate the secret and load it from a secret store.

        **References**

        - https://cwe.mitre.org/data/definitions/798.html
    """,
    "SEC009": """
        **What it does**

        Finds a secret that verifies a token found in the same scan.

        **Why is this bad?**

        It proves the leaked secret is live.

        **Example**

        A `.env` with the secret and a test fixture with a token it signed.

        **Fix**

        Rotate the secret.

        **References**

        - RFC 7519
    """,
    "TOK010": """
        **What it does**

        Finds tokens whose `exp` is in the past.

        **Why is this bad?**

        The platform rejects them.

        **Example**

        `{"exp": 1}`

        **Fix**

        Mint a fresh token per request.

        **References**

        - RFC 7519 section 4.1.4
    """,
}

RULES = {
    "TOK002": RuleInfo(code="TOK002", name="unsigned-token", severity=Severity.CRITICAL,
                       confidence=Confidence.HIGH, cwe=347, subject="token",
                       doc=inspect.cleandoc(DOCS["TOK002"])),
    "SEC002": RuleInfo(code="SEC002", name="kore-client-secret", severity=Severity.CRITICAL,
                       confidence=Confidence.HIGH, cwe=798, subject="document",
                       doc=inspect.cleandoc(DOCS["SEC002"])),
    "SEC009": RuleInfo(code="SEC009", name="secret-signs-token", severity=Severity.CRITICAL,
                       confidence=Confidence.HIGH, cwe=798, subject="scan",
                       doc=inspect.cleandoc(DOCS["SEC009"])),
    "TOK010": RuleInfo(code="TOK010", name="expired-token", severity=Severity.INFO,
                       confidence=Confidence.MEDIUM, cwe=613, subject="token",
                       doc=inspect.cleandoc(DOCS["TOK010"])),
}


def finding(rule: str, path: str = "src/app.py", line: int | None = 3, **changes: Any) -> Finding:
    info = RULES[rule]
    base = Finding(
        rule=rule,
        name=info.name,
        severity=info.severity,
        confidence=info.confidence,
        message=f"{info.name.replace('-', ' ').capitalize()} found.",
        location=Location(path=path, line=line, column=9 if line else None,
                          end_line=line, end_column=40 if line else None),
        evidence={"alg": "none", "length": 44},
        fingerprint=f"{rule.lower()}{path}{line}".replace("/", "")[:32].ljust(32, "0"),
    )
    return replace(base, **changes)


def make_result(findings: list[Finding] | tuple[Finding, ...], mode: str = "scan",
                **changes: Any) -> Result:
    base = Result(mode=mode, findings=tuple(findings), files_scanned=4,
                  rules={code: RULES[code] for code in {f.rule for f in findings} if code in RULES})
    return replace(base, **changes)


def sample() -> Result:
    return make_result([
        finding("SEC002", ".env", 2, message="Kore client secret bound to KORE_CLIENT_SECRET.",
                evidence={"key": "KORE_CLIENT_SECRET", "length": 44, "sha256_prefix": "a1b2c3d4"}),
        finding("TOK002", "src/app.py", 7),
        finding("TOK010", "config/tokens.json", 4,
                location=Location(path="config/tokens.json", line=4, column=15, end_line=4,
                                  end_column=90, pointer="/tokens/0")),
        finding("SEC009", "fixtures/token.txt", 1,
                related=(Location(path=".env", line=2, column=20, end_line=2, end_column=64),)),
        finding("SEC002", "old/.env", 5, status="baseline"),
        finding("TOK002", "src/legacy.py", 12, status="suppressed"),
    ], errors=(InputError(path="big.bin", message="binary file skipped"),))
