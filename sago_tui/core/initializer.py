"""``sago-tui init``: the spec templates, STATE.md and ``.planning/``; ``--prompt`` drafts the spec.

No example PLAN.md is written (the seed's template plan used to get executed),
and nothing the user wrote is replaced without ``overwrite``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from string import Template

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.errors import LLMError, ProjectError, SagoError
from sago_tui.core.fileblocks import FileBlockError, parse_file_blocks
from sago_tui.core.gateway import LLMGateway
from sago_tui.core.llm_types import LLMRequest
from sago_tui.core.project import CONFIG_FILE, SPEC_FILES, STATE_FILE, Project
from sago_tui.core.prompts import init_messages
from sago_tui.core.state import initial_state_text

GENERATED_SPEC = ("PROJECT.md", "REQUIREMENTS.md")


@dataclass
class InitResult:
    """What ``init`` wrote and what it left alone."""

    root: Path
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _template(name: str) -> str:
    return (resources.files("sago_tui") / "templates" / "project" / name).read_text("utf-8")


def init_project(root: Path, name: str, *, overwrite: bool = False) -> InitResult:
    """Write the project scaffold at ``root`` (created if missing)."""
    if root.exists() and not root.is_dir():
        raise ProjectError(f"{root}: exists and is not a directory")
    existing = [f for f in (*SPEC_FILES, STATE_FILE) if (root / f).exists()]
    if existing and not overwrite:
        raise ProjectError(
            f"{root} already has {', '.join(existing)}; use --overwrite to replace the spec files"
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(f"{root}: cannot create the directory ({exc.strerror})") from None
    project = Project.at(root)
    project.require_writable()
    result = InitResult(project.root)
    for filename in SPEC_FILES:
        atomic_write_text(
            project.root / filename, Template(_template(filename)).safe_substitute(name=name)
        )
        result.written.append(filename)
    atomic_write_text(project.state_path, initial_state_text(name))
    result.written.append(STATE_FILE)
    if project.config_path.exists():
        result.kept.append(CONFIG_FILE)
    else:
        atomic_write_text(project.config_path, _template(CONFIG_FILE))
        result.written.append(CONFIG_FILE)
    project.ensure_planning_dirs()
    return result


def generate_spec(project: Project, gateway: LLMGateway, description: str) -> list[str]:
    """Ask the LLM for PROJECT.md and REQUIREMENTS.md from a one-line description."""
    request = LLMRequest(messages=init_messages(project.name, description), purpose="init")
    response = gateway.call(request, agent="InitAgent")
    if response.truncated:
        raise LLMError(
            "the LLM's spec answer was cut off by the token limit (raise LLM_MAX_TOKENS)",
            kind="truncated",
        )
    try:
        blocks = {Path(b.path).name: b.content for b in parse_file_blocks(response.content)}
    except FileBlockError as exc:
        blocks = {}
        problem = exc.message
    else:
        problem = "it did not contain both PROJECT.md and REQUIREMENTS.md"
    if not all(name in blocks for name in GENERATED_SPEC):
        project.raw_dir.mkdir(parents=True, exist_ok=True)
        raw = project.raw_dir / "init-answer.md"
        atomic_write_text(raw, response.content)
        raise SagoError(
            f"could not use the LLM's spec answer ({problem}); it was saved to "
            f"{raw.relative_to(project.root)} and the template files were kept"
        )
    for name in GENERATED_SPEC:
        atomic_write_text(project.root / name, blocks[name])
    return list(GENERATED_SPEC)
