"""Shared fixtures: small project folders copied to a temporary directory, never the example data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A scratch copy of tests/fixtures/mini: three documents with consent and one withdrawn."""
    target = tmp_path / "projekt"
    shutil.copytree(FIXTURES / "mini", target)
    return target
