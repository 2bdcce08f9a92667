"""The engine shared by the TUI and the headless front end.

Nothing in this package imports Textual; litellm is imported lazily, inside
``sago_tui.core.llm`` only, on the first real LLM call.
"""
