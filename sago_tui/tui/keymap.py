"""Every user action in one table: the key bindings, the help screen and the palette.

One source, so the Footer, the F1 help and the command palette can never disagree.
``replay`` marks the actions a read-only replay offers (viewing, exporting, quitting);
every other one changes the project or starts a job and is hidden there.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class KeyAction:
    """One action: its keys, the app action it runs, and how it is described."""

    keys: str
    action: str
    title: str
    help: str
    group: str
    footer: bool = True
    priority: bool = False
    short: str = ""  # the footer's label when the title is too long for it
    replay: bool = False  # offered in a read-only replay too
    scope: str = "app"  # "plan": bound on the Plan tab's pane (acts on its selected task)
    pin: bool = False  # listed first in the footer, so a narrow terminal still shows it

    @property
    def key_label(self) -> str:
        """The keys as the help screen shows them: ``ctrl+s`` → ``Ctrl+S``."""
        names = {"question_mark": "?", "ctrl+pageup": "Ctrl+PgUp", "ctrl+pagedown": "Ctrl+PgDn"}
        shown = []
        for key in self.keys.split(","):
            label = names.get(key, key)
            if label.startswith("ctrl+"):
                label = "Ctrl+" + label[5:].upper()
            shown.append(label.upper() if label in ("f1", "f2") else label)
        return " / ".join(shown)


ACTIONS: tuple[KeyAction, ...] = (
    KeyAction(
        "1",
        "show_tab('spec')",
        "Spec tab",
        "Edit PROJECT.md, REQUIREMENTS.md, IMPORTANT.md",
        "Navigate",
        footer=False,
    ),
    KeyAction(
        "2",
        "show_tab('plan')",
        "Plan tab",
        "The plan tree and the task detail",
        "Navigate",
        footer=False,
        replay=True,
    ),
    KeyAction(
        "3",
        "show_tab('feed')",
        "Feed tab",
        "One card per task: reads, LLM calls, writes, verify",
        "Navigate",
        footer=False,
        replay=True,
    ),
    KeyAction(
        "4",
        "show_tab('log')",
        "Log tab",
        "Every event in order; Enter opens one",
        "Navigate",
        footer=False,
        replay=True,
    ),
    KeyAction(
        "5",
        "show_tab('cost')",
        "Cost tab",
        "Estimated and actual tokens and cost",
        "Navigate",
        footer=False,
        replay=True,
    ),
    KeyAction(
        "ctrl+pagedown",
        "next_tab",
        "Next tab",
        "Switch to the next tab (also from an editor)",
        "Navigate",
        footer=False,
        replay=True,
        priority=True,  # scrolling panes bind Ctrl+PgUp/PgDn to scroll sideways
    ),
    KeyAction(
        "ctrl+pageup",
        "previous_tab",
        "Previous tab",
        "Switch to the previous tab",
        "Navigate",
        footer=False,
        replay=True,
        priority=True,  # scrolling panes bind Ctrl+PgUp/PgDn to scroll sideways
    ),
    KeyAction("ctrl+s", "save_spec", "Save", "Save the spec file being edited", "Spec"),
    KeyAction(
        "d",
        "draft_spec",
        "Draft spec",
        "Let the LLM draft PROJECT.md and REQUIREMENTS.md from one line",
        "Spec",
        footer=False,
    ),
    KeyAction(
        "g",
        "generate_plan",
        "Generate plan",
        "Ask the LLM for PLAN.md (replaces the current plan)",
        "Plan",
        short="Generate",
    ),
    KeyAction("a", "approve_task", "Approve", "Approve the selected task", "Plan", scope="plan"),
    KeyAction(
        "s", "skip_task", "Skip", "Skip (or un-skip) the selected task", "Plan", scope="plan"
    ),
    KeyAction(
        "e",
        "edit_task",
        "Edit",
        "Edit the selected task; PLAN.md is rewritten and re-checked",
        "Plan",
        scope="plan",
    ),
    KeyAction(
        "A",
        "approve_all",
        "Approve all & run",
        "Approve every task not skipped and start the run",
        "Plan",
        short="Approve all",
    ),
    KeyAction(
        "f",
        "regenerate_with_feedback",
        "Feedback",
        "Regenerate the plan with your feedback",
        "Plan",
        scope="plan",
    ),
    KeyAction("r", "start_run", "Run", "Start the run (asks for approval first if needed)", "Run"),
    KeyAction("x", "stop_run", "Stop", "Stop the run (after confirming)", "Run"),
    KeyAction(
        "R",
        "rerun_failed",
        "Re-run failed",
        "Run only the tasks that failed",
        "Run",
        short="Re-run",
    ),
    KeyAction(
        "p",
        "pick_run",
        "Past runs",
        "Show a past run from .planning/traces/ in the Feed, Log and Cost tab (read-only)",
        "Run",
        footer=False,
    ),
    KeyAction(
        "ctrl+e",
        "open_settings",
        "Settings",
        "Model, API base, parallelism, budget, retries",
        "App",
        footer=False,
    ),
    KeyAction(
        "h",
        "export_html",
        "Export HTML",
        "Write the run as one self-contained HTML page (.planning/trace.html)",
        "App",
        short="Export",
        replay=True,
    ),
    KeyAction(
        "question_mark,f1",
        "help",
        "Help",
        "This screen: every key and command",
        "App",
        replay=True,
        pin=True,
    ),
    KeyAction(
        "q,ctrl+q",
        "quit",
        "Quit",
        "Quit (stops a run; warns about unsaved edits)",
        "App",
        replay=True,
        pin=True,
    ),
)
"""The actions in the order the help screen lists them."""

PALETTE_EXTRA: tuple[KeyAction, ...] = (
    KeyAction(
        "",
        "approve_plan",
        "Approve plan without running",
        "Record approval in .planning/approval.json",
        "Plan",
    ),
    KeyAction(
        "",
        "reload_project",
        "Reload project files",
        "Re-read the spec, PLAN.md and STATE.md from disk",
        "App",
    ),
)
"""Palette-only commands (no key)."""


_LIVE_ONLY = frozenset(item.action for item in (*ACTIONS, *PALETTE_EXTRA) if not item.replay)


def action_text(action: str, parameters: tuple[object, ...] = ()) -> str:
    """The action as the table spells it: ``show_tab`` + ``('spec',)`` → ``show_tab('spec')``."""
    if not parameters:
        return action
    return f"{action}({', '.join(repr(p) for p in parameters)})"


def hidden_in_replay(action: str, parameters: tuple[object, ...] = ()) -> bool:
    """True for the table's actions that a read-only replay does not offer.

    Actions outside the table (Textual's own, widgets') are never hidden.
    """
    return action_text(action, parameters) in _LIVE_ONLY


def binding_id(item: KeyAction) -> str:
    """The binding's id for a user keymap: ``sago.`` + the action (``sago.show_tab.feed``)."""
    name = item.action.replace("('", ".").replace("')", "")
    return f"sago.{name}"


def bindings(scope: str = "app") -> list[BindingType]:
    """The key bindings of one scope (``app`` or ``plan``), built from :data:`ACTIONS`.

    An action with several keys shows only its first key in the footer. Every binding
    has an id, so a user keymap (``App.set_keymap``) can rebind it.
    """
    out: list[BindingType] = []
    for item in sorted(ACTIONS, key=lambda item: not item.pin):  # stable: table order kept
        if item.scope != scope:
            continue
        for index, key in enumerate(item.keys.split(",")):
            display = "?" if key == "question_mark" else None
            show = item.footer and index == 0
            out.append(Binding(key, item.action, item.short or item.title, show=show,
                               priority=item.priority, key_display=display,
                               id=binding_id(item)))  # fmt: skip
    return out
