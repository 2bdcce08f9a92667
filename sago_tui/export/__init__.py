"""HTML trace export: one self-contained file per run (DESIGN.md §7, docs/TRACE.md)."""

from __future__ import annotations

from sago_tui.export.html import export_html, render_html

__all__ = ["export_html", "render_html"]
