"""Settings: model, API base, parallelism, budget, auto-retry, retries, verify timeout.

Values are validated with the same converters the config loader uses, then written to
the project's sago.toml with ``save_project_settings`` (tomlkit: comments survive).
Only fields the user changed are written.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static, Switch

from sago_tui.config import save_project_settings
from sago_tui.config_keys import KEYS_BY_NAME
from sago_tui.config_types import InvalidValue
from sago_tui.core.errors import ConfigError
from sago_tui.core.settings import Settings
from sago_tui.tui.screens.field_error import FieldError
from sago_tui.tui.screens.form_screen import FormScreen

FIELDS: tuple[tuple[str, str, str], ...] = (
    ("llm.model", "Model", "any litellm model, e.g. gpt-4o or anthropic/claude-…"),
    ("llm.api_base", "API base URL", "empty: the provider's default"),
    ("run.parallel", "Parallel tasks", "tasks of one wave run at once"),
    ("run.max_cost", "Budget (USD)", "the run stops before a call that would pass it; empty: none"),
    ("run.auto_retry", "Auto-retry", "ask the LLM to fix a task whose verify failed"),
    ("run.max_retries", "Max fix attempts", "per failed task, with auto-retry"),
    ("run.verify_timeout", "Verify timeout (s)", "a verify command is killed after this"),
)
OPTIONAL = frozenset({"llm.api_base", "run.max_cost"})
OVERRIDES = ("flag ", "env ", "environment")  # layers above sago.toml


def current_value(settings: Settings, key: str) -> object:
    """The effective value of a dotted key."""
    section, name = key.split(".", 1)
    return getattr(getattr(settings, section), name)


def field_id(key: str) -> str:
    """The widget id of a setting's field."""
    return "set-" + key.replace(".", "-").replace("_", "-")


class SettingsScreen(FormScreen[str]):
    """Dismisses with the path of the saved sago.toml, or None when cancelled."""

    FIRST_FIELD = f"#{field_id(FIELDS[0][0])}"  # the model
    ENTER_SUBMITS = False

    def __init__(self, settings: Settings, root: Path) -> None:
        super().__init__()
        self.settings = settings
        self.root = root
        self.initial: dict[str, str | bool] = {}
        for key, _, _ in FIELDS:
            value = current_value(settings, key)
            self.initial[key] = value if isinstance(value, bool) else _text(value)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form settings"):
            yield Static("Settings — saved to sago.toml", classes="dialog-title")
            yield from self._fields()
            yield FieldError(id="settings-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def _fields(self) -> ComposeResult:
        """One row per setting, scrolling between the fixed title and buttons."""
        with VerticalScroll(id="settings-form", classes="form-body"):
            for key, label, hint in FIELDS:
                with Horizontal(classes="field-row"):
                    yield Label(label, classes="field-label")
                    value = self.initial[key]
                    if isinstance(value, bool):
                        yield Switch(value, id=field_id(key))
                    else:
                        yield Input(value, compact=True, id=field_id(key))
                note = f"{hint} · {self._source_note(key)}"
                yield Static(note, classes="field-note indented", markup=False)
                error = FieldError(id=field_id(key) + "-error")
                error.add_class("indented")
                yield error

    def _source_note(self, key: str) -> str:
        source = self.settings.sources.get(key, "default")
        if source.startswith(OVERRIDES):
            return f"now from {source}, which overrides sago.toml while it is set"
        return f"now from {source}"

    def collect(self) -> tuple[dict[str, object], dict[str, str]]:
        """(changed values by key, error by key) from the form."""
        updates: dict[str, object] = {}
        errors: dict[str, str] = {}
        for key, _, _ in FIELDS:
            widget = self.query_one(f"#{field_id(key)}")
            raw: str | bool = widget.value if isinstance(widget, Input | Switch) else ""
            raw = raw.strip() if isinstance(raw, str) else raw
            if raw == self.initial[key]:
                continue
            if raw == "" and key in OPTIONAL:
                updates[key] = None  # removes the key from sago.toml
                continue
            info = KEYS_BY_NAME[key]
            try:
                updates[key] = info.type.convert(raw)
            except InvalidValue:
                errors[key] = f"expected {info.expected}"
        return updates, errors

    def action_submit(self) -> None:
        """Validate, write sago.toml, and close with its path."""
        updates, errors = self.collect()
        for key, _, _ in FIELDS:
            self.query_one(f"#{field_id(key)}-error", FieldError).show(errors.get(key, ""))
        if errors:
            return
        if not updates:
            self.dismiss(None)
            return
        try:
            path = save_project_settings(self.root, updates)
        except ConfigError as exc:
            self.query_one("#settings-error", FieldError).show(exc.message)
            return
        self.dismiss(str(path))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if value < 1e15 else str(value)
    return str(value)
