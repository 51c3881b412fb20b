"""Shared test setup: Qt offscreen, settings in a temporary directory, and a folder
for screenshots and other artefacts (test-output/)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LIQAA_CONFIG_DIR", tempfile.mkdtemp(prefix="liqaa-test-config-"))

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Screenshots and measurements the tests leave for people to look at."""
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
