"""Keeping Python's full garbage collections out of the way of the keyboard.

Under a busy run the app holds a few hundred thousand GC-tracked objects (most of
them Textual's render caches), and a full (generation 2) collection of that many takes
100–150 ms: a frozen screen whenever it happens. While the app runs, objects that exist
at start-up are frozen out of collections, full collections are made rare, and one is
run when the app has been idle for a few seconds instead, so memory is still reclaimed.
"""

from __future__ import annotations

import gc
import time

IDLE_S = 3.0  # quiet time before a deferred full collection
EVERY_S = 30.0  # at most one deferred full collection per this many seconds
THRESHOLDS = (700, 10, 1000)  # CPython's defaults, but full collections 100× rarer


class GcTuning:
    """Applied in ``on_mount``, undone in ``on_unmount``; ``tick`` runs with every drain."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None
        self._last_busy = time.monotonic()
        self._last_full = time.monotonic()

    def apply(self) -> None:
        """Freeze start-up objects and make full collections rare."""
        self._saved = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(*THRESHOLDS)

    def restore(self) -> None:
        """Back to the interpreter's settings."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            gc.unfreeze()
            self._saved = None

    def tick(self, busy: bool) -> None:
        """Note activity; collect fully once the app has been idle for a while."""
        now = time.monotonic()
        if busy:
            self._last_busy = now
        elif (
            self._saved is not None
            and now - self._last_busy > IDLE_S
            and now - self._last_full > EVERY_S
        ):
            self._last_full = now
            gc.collect()
