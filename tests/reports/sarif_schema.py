"""Validation of every SARIF log the tests produce against the official OASIS 2.1.0 schema."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
REPO = Path(__file__).resolve().parents[2]
CANDIDATES = (
    REPO / "tests" / "data" / "sarif-schema-2.1.0.json",
    REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json",
)


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    for path in CANDIDATES:
        if path.is_file():
            data = path.read_bytes()
            assert hashlib.sha256(data).hexdigest() == SCHEMA_SHA256, f"{path}: schema was modified"
            schema = json.loads(data)
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            return cls(schema)
    return None


def validate(log: dict[str, Any] | str) -> dict[str, Any]:
    """Validate and return the log; skip the test with a reason when no schema copy exists."""
    data = json.loads(log) if isinstance(log, str) else log
    validator = _validator()
    if validator is None:
        pytest.skip("SARIF 2.1.0 schema not found in tests/data/ nor ../shared/schemas/")
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    return data
