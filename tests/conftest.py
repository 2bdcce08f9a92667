"""Shared pytest fixtures. Keep this file small: specialised fixtures live near their tests."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

# Set before anything can import litellm: otherwise it fetches its price map from GitHub.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# The tokenizer's per-user cache (core/encoding_cache.py) goes to a temporary folder.
os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="sago-tests-cache-"))

from tests.llm_server import FakeLLMServer, env_for


@pytest.fixture
def llm_server() -> Iterator[FakeLLMServer]:
    """A started loopback OpenAI-compatible server (see tests/llm_server.py), stopped after."""
    with FakeLLMServer() as server:
        yield server


@pytest.fixture
def llm_env(llm_server: FakeLLMServer) -> dict[str, str]:
    """Environment variables pointing a project at ``llm_server`` (provider openai, gpt-4o).

    Not applied to ``os.environ``: pass it to a subprocess (``env={**os.environ, **llm_env}``)
    or apply it with ``monkeypatch.setenv`` for in-process runs.
    """
    return env_for(llm_server)
