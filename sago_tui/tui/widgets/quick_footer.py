"""The key bar at the bottom: Textual's Footer, rebuilt only when its keys change.

Textual's Footer recomposes on every bindings update (each tab switch, each focus
change) and binds each key's ``compact`` flag after mounting it, so every new key
restyles itself once more: under a busy run that was a fifth of the time between a
key press and the frame showing its tab. Here the keys are built already in their final
style, and a bindings update that shows the same keys changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.screen import Screen

KeySignature = tuple[tuple[str, str, str, bool, str], ...]


class QuickFooter(Footer):
    """A :class:`Footer` that skips needless rebuilds and per-key restyles."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: KeySignature | None = None

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # The value data_bind would set after mounting, set before: no watcher runs.
                # (The palette key is not bound: Textual leaves it compact.)
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def shown_keys(self, screen: Screen[object]) -> KeySignature:
        """What the bar would show for ``screen``: key, label, action, enabled, tooltip."""
        return tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for (_, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild only when the keys on offer differ from those shown."""
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            shown = self.shown_keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
