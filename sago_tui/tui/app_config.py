"""How an app instance behaves, beyond the project's settings (tests pin these down)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sago_tui.tui.keymap import hidden_in_replay


@dataclass
class AppConfig:
    """Knobs for one app instance.

    ``clock`` drives the header's elapsed time and ``event_clock`` stamps engine events
    (both injectable so snapshots are stable); ``flags`` are the command-line settings,
    re-applied when settings are reloaded after the settings screen saves sago.toml.
    ``read_only`` set: the app only views the project, like a replay.
    """

    clock: Callable[[], float] = time.monotonic
    event_clock: Callable[[], str] | None = None
    syntax_highlight: bool = True
    drain_interval: float = 1 / 30
    start_run: bool = False
    tune_gc: bool = True
    preload_llm: bool = False  # the real app: import litellm in the background after frame 1
    flags: dict[str, object] = field(default_factory=dict)
    read_only: str = ""
    """Why the app may not write (another process holds the project's lock); "" = it may."""
    lock_project: Callable[[], str] | None = None
    """Takes the project's lock once the app has created the project (a folder that was
    not one is opened unlocked); returns why it could not ("": held now)."""


def availability(action: str, parameters: tuple[object, ...] = (), *, busy: bool,
                 awaiting: bool, has_plan: bool, has_task: bool, failed: bool,
                 initialized: bool, tab: str, replay: bool = False,
                 has_trace: bool = False) -> bool:  # fmt: skip
    """Whether an action makes sense now (hidden from the footer and palette when not).

    A replay is read-only: only the actions the keymap marks ``replay`` are offered.
    """
    if replay and hidden_in_replay(action, parameters):
        return False
    reviewing = has_plan and (awaiting or not busy)
    on_plan = tab == "plan"  # a/s/e/f act on the tree's selected task
    rules = {
        "approve_task": on_plan and reviewing and has_task,
        "skip_task": on_plan and reviewing and has_task,
        "edit_task": on_plan and reviewing and has_task,
        "approve_all": reviewing,
        "approve_plan": has_plan and not busy,
        "regenerate_with_feedback": on_plan and reviewing,
        "generate_plan": initialized and not busy,
        "start_run": initialized and (awaiting or not busy),
        "stop_run": busy,
        "rerun_failed": failed and not busy,
        "draft_spec": initialized and not busy,
        "reload_project": not busy,
        "save_spec": tab == "spec",
        "export_html": has_trace and not busy,
        "pick_run": initialized and not busy,
    }
    return rules.get(action, True)
