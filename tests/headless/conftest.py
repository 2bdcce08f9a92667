"""Fixtures of the headless CI suite (subprocess runs of ``python -m sago_tui --headless``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.headless.support import base_env


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An isolated environment for one test's subprocesses (no CI variables, no key)."""
    return base_env(tmp_path)
