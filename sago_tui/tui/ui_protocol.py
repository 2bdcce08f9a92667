"""What a controller may use of the app: :class:`AppUI`, a small protocol.

Controllers get their dependencies explicitly: the :class:`Session` (the model), the
:class:`EngineController` (the job) and an ``AppUI`` (this protocol, implemented by
:class:`~sago_tui.tui.app.SagoApp`). They never call each other: what one needs of
another is a message the app routes with ``@on``. A test can hand a controller any
object with these members.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from textual.message import Message
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from sago_tui.core.project import Project
    from sago_tui.core.settings import Settings
    from sago_tui.tui.app_config import AppConfig
    from sago_tui.tui.loader import ProjectSnapshot
    from sago_tui.tui.ui_state import Phase
    from sago_tui.tui.widgets.app_tabs import AppTabs
    from sago_tui.tui.widgets.cost_table import CostTable
    from sago_tui.tui.widgets.feed import Feed
    from sago_tui.tui.widgets.plan_pane import PlanPane
    from sago_tui.tui.widgets.plan_tree import PlanTree
    from sago_tui.tui.widgets.spec_editor import SpecEditor
    from sago_tui.tui.widgets.task_detail import TaskDetail

ResultT = TypeVar("ResultT")


class AppUI(Protocol):
    """The app as its controllers see it: UI state, the views they update, dialogs."""

    phase: Phase
    awaiting: bool
    run_scope: tuple[str, ...] | None
    project: Project
    settings: Settings
    config: AppConfig
    snapshot: ProjectSnapshot
    tabs: AppTabs
    plan_pane: PlanPane
    spec_editor: SpecEditor
    cost_table: CostTable
    feed: Feed

    @property
    def plan_tree(self) -> PlanTree: ...

    @property
    def task_detail(self) -> TaskDetail: ...

    def say(self, text: str, level: str = "hint") -> None: ...

    def show_tab(self, name: str) -> None: ...

    def refresh_approval(self) -> None: ...

    def refresh_bindings(self) -> None: ...

    def drain(self) -> None: ...

    def post_message(self, message: Message) -> bool: ...

    def notify(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information"
    ) -> None: ...

    def clear_notifications(self) -> None: ...

    def push_screen(self, screen: Screen[Any], callback: Callable[[Any], None] | None) -> Any: ...

    async def push_screen_wait(self, screen: Screen[ResultT]) -> ResultT: ...

    def run_worker(
        self,
        work: Any,
        name: str | None = "",
        group: str = "default",
        *,
        exclusive: bool = False,
        thread: bool = False,
    ) -> Any: ...

    async def run_action(self, action: str) -> bool:
        """Run one of the app's key actions (as its key would)."""
        ...

    def call_after_refresh(self, callback: Callable[..., Any], *args: Any) -> bool: ...

    def exit(self, result: int | None = None) -> None: ...
