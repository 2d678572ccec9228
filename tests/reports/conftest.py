"""Fixtures for reporter tests."""

from __future__ import annotations

import pytest

from jwtaudit.model import Result
from tests.reports.builders import sample


@pytest.fixture
def sample_result() -> Result:
    return sample()
