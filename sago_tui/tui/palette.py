"""The command palette (Ctrl+P): every action of the keymap, searchable by name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from textual.actions import parse
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from sago_tui.tui.keymap import ACTIONS, PALETTE_EXTRA, KeyAction


def _available(provider: Provider, item: KeyAction) -> bool:
    _, name, parameters = parse(item.action)  # show_tab('spec') → show_tab, ('spec',)
    return bool(provider.app.check_action(name, parameters))


def _help(item: KeyAction) -> str:
    return f"{item.help}  [{item.key_label}]" if item.keys else item.help


class SagoCommands(Provider):
    """sago-tui's own commands, listed only when they can run now."""

    def _items(self) -> list[KeyAction]:
        return [item for item in (*ACTIONS, *PALETTE_EXTRA) if _available(self, item)]

    def _runner(self, item: KeyAction) -> Callable[[], Awaitable[bool]]:
        """Run the action where its key is bound: the app, or the Plan pane (review keys)."""
        target: DOMNode | None = None
        if item.scope == "plan":
            from sago_tui.tui.widgets.plan_pane import PlanPane

            target = self.app.query_one(PlanPane)
        return partial(self.app.run_action, item.action, target)

    async def discover(self) -> Hits:
        """Every available command, for the empty palette."""
        for item in self._items():
            yield DiscoveryHit(item.title, self._runner(item), help=_help(item))

    async def search(self, query: str) -> Hits:
        """Commands whose title (or help) matches ``query``."""
        matcher = self.matcher(query)
        for item in self._items():
            score = max(matcher.match(item.title), matcher.match(item.help) * 0.5)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(item.title),
                    self._runner(item),
                    text=item.title,
                    help=_help(item),
                )
