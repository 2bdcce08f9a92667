"""Events about the spec, kept apart from :mod:`events` (that module is full).

Importing this module registers its event types in ``events.EVENT_TYPES``, so
traces read them back typed; :mod:`events` imports it at its end, so the
registration never depends on who imports what first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from sago_tui.core.events import EVENT_TYPES, Event


@dataclass(kw_only=True)
class RequirementsChecked(Event):
    """After a run: each requirement with its tasks and whether it is done.

    ``requirements`` holds ``{"id", "text", "tasks": [[task id, status], …], "done"}``
    per requirement; ``ticked``/``unticked`` are the boxes this run changed.
    """

    event_type: ClassVar[str] = "requirements"
    requirements: list[dict[str, Any]] = field(default_factory=list)
    ticked: list[str] = field(default_factory=list)
    unticked: list[str] = field(default_factory=list)


EVENT_TYPES[RequirementsChecked.event_type] = RequirementsChecked
