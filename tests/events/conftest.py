"""Fixtures for the reading engine's tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    d = tmp_path / "logs"
    d.mkdir()
    return d
