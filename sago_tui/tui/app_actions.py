"""The app's actions (what keys, the footer and the palette run), kept out of app.py.

Each action is a one-liner into :class:`PlanController`, :class:`RunController` or a
screen; ``check_action`` hides those that cannot act now, so the footer and the
command palette only ever offer what works.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, cast

from sago_tui.tui.app_config import availability
from sago_tui.tui.messages import SettingsSaved

if TYPE_CHECKING:
    from sago_tui.tui.app import SagoApp

TABS = ("spec", "plan", "feed", "log", "cost")


class AppActions:
    """Mixed into :class:`SagoApp`, whose instance ``self`` always is."""

    @property
    def _app(self) -> SagoApp:
        return cast("SagoApp", self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that cannot act now (footer and palette alike)."""
        app, session = self._app, self._app.session
        if action == "update_plan" and not app.replay_mode:
            return app.update_ctl.offered()
        return availability(
            action,
            parameters,
            busy=self._app.engine.busy,
            awaiting=self._app.awaiting,
            has_plan=session.plan is not None,
            has_task=self._app.plan_tree.selected_task_id is not None,
            failed=bool(session.failed_ids()),
            initialized=self._app.snapshot.initialized,
            tab=self._app.tabs.active if self._app.tabs.is_mounted else "",
            replay=app.replay_mode or bool(app.config.read_only),
            has_trace=app.replay_mode or app.snapshot.has_trace,
        )

    def _flow(self, flow: Callable[[], Awaitable[None]], group: str) -> None:
        self._app.run_worker(flow(), group=group, exclusive=True)

    def action_show_tab(self, name: str) -> None:
        """1–5: switch tabs."""
        self._app.show_tab(name)

    def action_next_tab(self, step: int = 1) -> None:
        """Ctrl+PgDn: the next tab (wraps around, past tabs not offered, as in a replay)."""
        tabs = self._app.tabs
        order = [tab for tab in TABS if self.check_action("show_tab", (tab,))]
        if tabs.active in order:
            tabs.active = order[(order.index(tabs.active) + step) % len(order)]

    def action_previous_tab(self) -> None:
        """Ctrl+PgUp: the previous tab."""
        self.action_next_tab(-1)

    def action_save_spec(self) -> None:
        """Ctrl+S: write the visible spec file."""
        app = self._app
        try:
            app.spec_editor.save(app.project)
        except OSError as exc:
            app.say(f"Could not save: {exc}", "error")

    def action_draft_spec(self) -> None:
        """d: let the LLM draft the spec from one line."""
        self._flow(self._app.run_ctl.ask_draft, "dialog")

    def action_generate_plan(self) -> None:
        """g: generate PLAN.md (confirming first if one exists)."""
        self._flow(self._app.run_ctl.confirm_generate, "dialog")

    def action_update_plan(self) -> None:
        """``u``: update PLAN.md for the spec's changes, after a plan-diff review."""
        self._app.update_ctl.start()

    def action_show_requirements(self) -> None:
        """``t``: the requirements and their tasks."""
        self._app.update_ctl.show_requirements()

    def action_approve_all(self) -> None:
        """A: approve every task not skipped, and run."""
        self._app.plan_ctl.approve_all()
        self._app.run_ctl.start_run(approved=True)

    def action_approve_plan(self) -> None:
        """Palette: record the approval without running."""
        self._app.plan_ctl.approve_plan_file()

    def action_start_run(self) -> None:
        """r: run; a plan not approved yet is approved only after asking."""
        self._flow(self._app.run_ctl.confirm_run, "dialog")

    def action_stop_run(self) -> None:
        """x: stop the job, after confirming."""
        self._flow(self._app.run_ctl.confirm_stop, "dialog")

    def action_rerun_failed(self) -> None:
        """R: run only the tasks that failed."""
        self._app.run_ctl.rerun_failed()

    def action_reload_project(self) -> None:
        """Palette: re-read the project's files."""
        self._app.project_ctl.reload()

    def action_open_settings(self) -> None:
        """Ctrl+E: the settings screen (saved to sago.toml, then reloaded)."""
        from sago_tui.tui.screens.settings_screen import SettingsScreen

        app = self._app

        def saved(path: str | None) -> None:
            if path:
                app.post_message(SettingsSaved(path))

        screen = SettingsScreen(app.settings, app.project.root)
        app.push_screen(screen, saved)

    def action_export_html(self) -> None:
        """h: write the run shown as one self-contained HTML page."""
        self._flow(self._app.exporter.run, "dialog")

    def action_pick_run(self) -> None:
        """p: show a past run (read-only) picked from .planning/traces/."""
        self._flow(self._app.history.pick, "dialog")

    def action_help(self) -> None:
        """F1 / ?: the keys and commands (a replay lists only those it offers)."""
        from sago_tui.tui.screens.help_screen import HelpScreen

        if not isinstance(self._app.screen, HelpScreen):
            self._app.push_screen(HelpScreen(replay=self._app.replay_mode))

    async def action_quit(self) -> None:
        """q / Ctrl+Q: quit safely (unsaved edits, a running job)."""
        self._flow(self._app.run_ctl.quit_flow, "quit")
