"""The offline demo: a bundled sample project and the recorded answers that build it.

The recording lives as readable answer files in ``templates/demo/answers/``
(one per LLM call, headed ``<!-- replay: purpose=task task_id=1.1 attempt=1 -->``);
:func:`prepare_demo` copies the project and writes them as a cassette into the
project's ``.planning/cassettes/``, which the real engine then replays. The
recorded prompt token counts are left at 0 so the replay counts the real prompts.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.cassette import CASSETTE_VERSION, Interaction
from sago_tui.core.errors import ProjectError
from sago_tui.core.project import Project
from sago_tui.core.state import initial_state_text
from sago_tui.core.tokens import count_tokens

DEMO_MODEL = "gpt-4o-mini"
CASSETTE_NAME = "demo.json"
# Later runs in the demo directory (the app, --headless, status) replay too.
DEMO_SETTINGS = f"""\
# The demo answers every LLM call from the recording `sago-tui demo` wrote.
# Delete the `replay` line (and set LLM_MODEL and LLM_API_KEY) to use a live model.
[llm]
replay = ".planning/cassettes/{CASSETTE_NAME}"
model = "{DEMO_MODEL}"  # the model the recording was made with (and is priced as)

[run]
auto_retry = true
"""
_HEADER = re.compile(r"^<!--\s*replay:(?P<fields>[^>]*)-->\s*\n?")


def demo_interaction(
    purpose: str, task_id: str | None, content: str, attempt: int = 1
) -> dict[str, Any]:
    """One recorded answer of the demo, as a cassette entry (prompt size left to the replay)."""
    return Interaction(
        purpose=purpose,
        task_id=task_id,
        attempt=attempt,
        prompt_sha256="",
        content=content,
        finish_reason="stop",
        prompt_tokens=0,
        completion_tokens=count_tokens(content, DEMO_MODEL),
        model=DEMO_MODEL,
    ).to_record()


def _demo_root() -> Traversable:
    return resources.files("sago_tui") / "templates" / "demo"


def demo_cassette_path(target: Path) -> Path:
    """Where the demo's cassette is written inside the demo project."""
    return Project(target).cassettes_dir / CASSETTE_NAME


def is_demo_project(target: Path) -> bool:
    """True for a directory a previous ``sago-tui demo`` created."""
    return demo_cassette_path(target).is_file()


def build_cassette() -> dict[str, object]:
    """The cassette (as JSON data) from the bundled answer files, in file order."""
    interactions = []
    answers = sorted(
        (item for item in (_demo_root() / "answers").iterdir() if item.name.endswith(".md")),
        key=lambda item: item.name,
    )
    for item in answers:
        text = item.read_text(encoding="utf-8")
        header = _HEADER.match(text)
        if header is None:
            raise ProjectError(f"demo answer {item.name} has no replay header")
        fields = dict(pair.split("=", 1) for pair in header.group("fields").split())
        content = text[header.end() :]
        attempt = int(fields.get("attempt", "1"))
        interactions.append(
            demo_interaction(fields["purpose"], fields.get("task_id"), content, attempt)
        )
    return {"version": CASSETTE_VERSION, "model": DEMO_MODEL, "interactions": interactions}


def _copy_tree(source: Traversable, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.is_dir():
            _copy_tree(item, target / item.name)
        else:
            (target / item.name).write_bytes(item.read_bytes())


def prepare_demo(target: Path) -> Path:
    """Create (or refresh the cassette of) the demo project at ``target``; returns the cassette."""
    if target.exists() and not target.is_dir():
        raise ProjectError(f"{target}: exists and is not a directory")
    fresh = not target.exists() or not any(target.iterdir())
    if not fresh and not is_demo_project(target):
        raise ProjectError(
            f"{target} is not empty and is not a sago-tui demo; choose another directory"
        )
    if fresh:
        _copy_tree(_demo_root() / "project", target)
        atomic_write_text(target / "STATE.md", initial_state_text("textstats"))
        atomic_write_text(target / "sago.toml", DEMO_SETTINGS)
    cassette = demo_cassette_path(target)
    cassette.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(cassette, json.dumps(build_cassette(), indent=1) + "\n")
    return cassette
