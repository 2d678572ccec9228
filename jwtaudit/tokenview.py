"""The safe, jwt.io-style view of a token that reports show: header, claims and times.

Claim values that look secret are masked here, the signature is reduced to its length, and
timestamps get UTC dates and "in 3 h" / "2 days ago" phrases relative to the run's clock.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from jwtaudit.redact import mask, short_hash
from jwtaudit.tokens import ParsedToken

_SECRET_NAME = re.compile(
    r"password|passwd|passphrase|secret|privatekey|apikey|accesskey|refreshtoken|accesstoken|"
    r"idtoken|authtoken|bearertoken|sessiontoken|apitoken|creditcard|cardnumber|"
    r"^pwd$|^pin$|^ssn$|^cvv$|^otp$|^token$|^key$|^k$|^d$|^p$|^q$|^dp$|^dq$|^qi$",
)
_SECRET_VALUE = re.compile(
    r"-----BEGIN|(?:(?<![A-Za-z0-9_-])|(?<=%[0-9A-Fa-f]{2}))eyJ[A-Za-z0-9_-]{8,}\.|"
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bgh[pousr]_|\bxox[abprs]-|"
    r"\b[sr]k_live_"
)
MAX_SHOWN = 200
MS_THRESHOLD = 10**11  # above: milliseconds where seconds are meant (TOK012) ...
BEYOND_MS = 10**14  # ... and above this not even milliseconds (year 5000+)
FAR = 86400 * 365 * 10_000  # beyond this a relative phrase says nothing useful


def finite_number(value: Any) -> bool:
    """An int, or a float that is not NaN/±Infinity (what hostile JSON like 1e400 turns into)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return not isinstance(value, float) or math.isfinite(value)


def json_safe_number(value: int | float) -> int | float | str:
    """NaN and ±Infinity as text: JSON has no such numbers, and a report must stay valid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def iso(epoch: int | float) -> str | None:
    """UTC date of epoch seconds; None for what no calendar holds (huge, NaN, ±Infinity)."""
    if not finite_number(epoch):
        return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return None


def relative(epoch: int | float, now: int) -> str:
    if not finite_number(epoch):
        return "not a finite number"
    delta = int(epoch) - now
    amount = abs(delta)
    if amount >= FAR:
        return "more than 10000 years ahead" if delta > 0 else "more than 10000 years ago"
    for size, unit in ((86400 * 365, "year"), (86400, "day"), (3600, "h"), (60, "min"), (1, "s")):
        if amount >= size:
            count = amount // size
            plural = "s" if unit in ("year", "day") and count != 1 else ""
            text = f"{count} {unit}{plural}"
            break
    else:
        return "now"
    return f"in {text}" if delta > 0 else f"{text} ago"


def safe_value(name: str, value: Any, depth: int = 0) -> Any:
    """A claim or header value as it may be shown."""
    normal = re.sub(r"[^a-z]", "", name.lower())
    if isinstance(value, str):
        if _SECRET_NAME.search(normal) or _SECRET_VALUE.search(value):
            return mask(value)
        return value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + f"… ({len(value)} chars)"
    if depth > 8:
        return "…"
    if isinstance(value, dict):
        return {str(k)[:MAX_SHOWN]: safe_value(str(k), v, depth + 1) for k, v in list(value.items())[:100]}
    if isinstance(value, list):
        return [safe_value(name, v, depth + 1) for v in value[:50]]
    if _SECRET_NAME.search(normal) and value not in (None, True, False):
        return mask(str(value))
    if isinstance(value, float):
        return json_safe_number(value)
    return value


def build(
    token: ParsedToken, *, label: str, location: dict[str, Any], profile: str, now: int
) -> dict[str, Any]:
    times: dict[str, Any] = {}
    for name in ("iat", "nbf", "exp"):
        value = token.claims.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            milliseconds = finite_number(value) and MS_THRESHOLD < value <= BEYOND_MS
            # integer division: a 400-digit integer divided with / overflows a float
            seconds = (value // 1000 if isinstance(value, int) else value / 1000) if milliseconds else value
            times[name] = {
                "epoch": json_safe_number(value),
                "iso": iso(seconds),
                "relative": relative(seconds, now),
                "milliseconds": milliseconds,
            }
    return {
        "label": label,
        "location": location,
        "kind": token.kind,
        "profile": profile,
        "alg": token.alg,
        "header": safe_value("header", token.header) if token.header is not None else None,
        "claims": safe_value("payload", token.payload) if token.payload is not None else None,
        "times": times,
        "now": now,
        "signature": {"present": bool(token.signature_text), "bytes": len(token.signature)},
        "sha256": short_hash(token.raw),
        "length": len(token.raw),
    }
