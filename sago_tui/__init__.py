"""sago-tui: spec-driven coding with LLMs in a full-screen terminal app.

Importing this package loads neither Textual nor litellm (DESIGN.md §2).
"""

__version__ = "0.1.0"
