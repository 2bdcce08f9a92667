"""Fixtures for the app's tests (helpers live in ``tests/tui/helpers.py``)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sago_tui.config import load_settings
from sago_tui.core.demo import prepare_demo
from sago_tui.core.initializer import init_project
from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from tests.llm_server import FakeLLMServer, env_for
from tests.tui.helpers import DATA


@pytest.fixture
def demo_project(tmp_path: Path) -> Project:
    """The bundled demo project (no PLAN.md yet), always named ``textstats``."""
    root = tmp_path / "textstats"
    prepare_demo(root)
    return Project.at(root)


@pytest.fixture
def planned_project(demo_project: Project) -> Project:
    """The demo project with the recorded PLAN.md in place."""
    shutil.copy(DATA / "demo_plan.md", demo_project.plan_path)
    return demo_project


@pytest.fixture
def hello_project(tmp_path: Path) -> Project:
    """A freshly initialised project called ``hello`` (spec templates, no plan)."""
    root = tmp_path / "hello"
    init_project(root, "hello")
    return Project.at(root)


@pytest.fixture
def server_settings(
    llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> Callable[[Project], Settings]:
    """Settings that send every LLM call through litellm to the loopback server."""
    for key, value in env_for(llm_server, LLM_TIMEOUT="20", LLM_RETRIES="0").items():
        monkeypatch.setenv(key, value)

    def build(project: Project) -> Settings:
        return load_settings(project.root)

    return build
