"""The full-screen Textual app (DESIGN.md §8).

Importing this package loads nothing heavy: :mod:`sago_tui.tui.app` pulls in Textual,
and the orchestrator (with its LLM stack) is imported only when a job starts.
"""
