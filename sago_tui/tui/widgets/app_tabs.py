"""The app's five tabs; showing one puts focus on its main widget.

Textual blurs a focused widget when its pane is hidden and gives focus to a sibling,
which may sit in the same hidden pane; the pane then reports the focus and switches the
tab back (the Plan tab "trapped" ``3``, Ctrl+PgDn and the palette). Moving focus to the
new tab's widget *while the tab changes* means the old pane never holds focus when it
hides, and ↑↓/Enter act on the new tab at once, however it was shown.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import Widget
from textual.widgets import TabbedContent
from textual.widgets._tabbed_content import ContentTabs

REFRESH_RETRIES = 5
"""Refreshes a newly shown pane gets to show its main widget before focus waits for events."""

FocusTarget = Callable[[str], Widget | None]
"""The main widget of a tab (by pane id), or None when it has none to focus now."""


class AppTabs(TabbedContent):
    """A :class:`TabbedContent` that focuses the shown tab's main widget."""

    def __init__(self, focus_target: FocusTarget, *, initial: str) -> None:
        super().__init__(initial=initial, id="tabs")
        self.focus_target = focus_target
        self._fell_back = False  # the tab bar has focus only because the widget was not shown

    def watch_active(self, active: str) -> None:
        """The tab changed (key, click, palette, code): focus its main widget."""
        if active and self.is_mounted:
            self.focus_main()

    def focus_main(self) -> None:
        """Focus the active tab's main widget (the tab bar when it has none right now)."""
        self._focus(REFRESH_RETRIES)

    def retry_focus(self) -> None:
        """The tab's widget may be shown now (the first plan, the first Log line): if the
        tab bar holds focus only for want of it, hand focus over."""
        self._focus_again(0)

    def _focus(self, retries: int) -> None:
        target = self.focus_target(self.active)
        self._fell_back = target is None or not target.focusable or not self._shown(target)
        if self._fell_back or target is None:
            target = self.query_one(ContentTabs)  # never leave focus in a hidden pane
            if retries:
                # A pane may show its widget as it appears (the Cost table builds its
                # rows when shown): try again after the next refreshes. Not after every
                # one: that would keep the event loop busy for as long as the widget
                # stays hidden (a whole plan generation, starving the LLM client's
                # import); later chances come with events and loads (retry_focus).
                self.call_after_refresh(self._focus_again, retries - 1)
        self.screen.set_focus(target)

    def _focus_again(self, retries: int) -> None:
        if self._fell_back and self.screen.focused is self.query_one(ContentTabs):
            self._focus(retries)
        else:
            self._fell_back = False

    def _shown(self, widget: Widget) -> bool:
        """True when nothing between ``widget`` and the tabs is hidden (``display: none``)."""
        for node in widget.ancestors_with_self:
            if node is self:
                return True
            if not node.display:
                return False
        return False
