"""Test helpers: build signed tokens from header/payload dicts, run rules on them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from jwtaudit import engine
from jwtaudit.config import Config
from jwtaudit.model import Finding, Location
from jwtaudit.subjects import AppSettings, TokenSubject
from jwtaudit.tokens import decode_unverified

NOW = 1795300000  # 2026-11-21T22:26:40Z, fixed so tests do not depend on the clock
CLIENT_ID = "cs-3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
STRONG_SECRET = "q0Z8m3Vt4Yc1Rk9Wn2Lp6Xs5Hd7Jf0Ga8Bu3Ei1Oy4M="  # fake, 44-char base64 shape
OTHER_SECRET = "Zr7Qp2Lx9Vn4Tk1Bw8Hs3Jd6Fg0Cm5Ya2Ue7Io4Pq1N="


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: Any) -> str:
    if isinstance(value, str):
        return b64(value.encode())
    return b64(json.dumps(value, separators=(",", ":")).encode())


def make_token(header: Any, payload: Any, key: str | None = STRONG_SECRET) -> str:
    """A compact JWS; `key` None or "" signature when key is None, HMAC otherwise (by header alg)."""
    signing_input = f"{segment(header)}.{segment(payload)}"
    if key is None:
        return signing_input + "."
    alg = header.get("alg", "HS256") if isinstance(header, dict) else "HS256"
    hash_name = {"HS256": "sha256", "HS384": "sha384", "HS512": "sha512"}.get(alg, "sha256")
    sig = hmac.new(key.encode(), signing_input.encode(), getattr(hashlib, hash_name)).digest()
    return f"{signing_input}.{b64(sig)}"


def good_payload(**changes: Any) -> dict[str, Any]:
    payload = {"sub": "svc-exporter", "appId": CLIENT_ID, "jti": "5b0e8c1e-8f1a-4c1d-9a55-0d7c2f3e4b6a",
               "iat": NOW - 60, "exp": NOW + 1740}
    for name, value in changes.items():
        if value is ...:
            payload.pop(name, None)
        else:
            payload[name] = value
    return payload


def subject_for(raw: str, *, profile: str | None = None, app: AppSettings | None = None,
                public_api: bool = False, context_words: tuple[str, ...] = (),
                location: Location | None = None) -> TokenSubject:
    return TokenSubject(token=decode_unverified(raw), location=location or Location(path="<argument>"),
                        profile=profile, app=app, public_api=public_api, context_words=context_words)


def check(subject: TokenSubject, config: Config | None = None, wordlist: tuple[str, ...] = (),
          now: int = NOW) -> list[Finding]:
    ctx = engine.RunContext(config=config or Config.blank(), now=now, wordlist=wordlist)
    return engine.finalize(engine.check_subject(subject, ctx))


def codes(findings: list[Finding]) -> list[str]:
    return sorted(f.rule for f in findings)
