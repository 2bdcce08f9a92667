"""Cost before spending (DESIGN.md §6): token and dollar estimates per call and per run.

Input tokens are counted from the real prompts a run would send, with the
model's tokenizer where one is known (see :mod:`sago_tui.core.tokens`).
Expected output is estimated from the task's declared files: an existing file
is expected back at its current size when whole files are asked for, and as an
edit (``EDIT_SHARE`` of its size, at least ``EDIT_MIN_TOKENS``) when edits are
offered (DESIGN.md §12); a new file at ``NEW_FILE_TOKENS``; each file block adds
``PER_FILE_OVERHEAD`` tokens. A plan answer is expected at
``PLAN_BASE_TOKENS`` plus ``PLAN_TOKENS_PER_REQUIREMENT`` per requirement line.
Prices come from the table inside the installed litellm; an unknown model's
cost is ``None`` ("price unknown"), never a guess.
"""

from __future__ import annotations

import re
from pathlib import Path

from sago_tui.core.plan import Task
from sago_tui.core.pricing import cost_of

NEW_FILE_TOKENS = 600
PER_FILE_OVERHEAD = 30
EDIT_MIN_TOKENS = 80
EDIT_SHARE = 0.15
PLAN_BASE_TOKENS = 800
PLAN_TOKENS_PER_REQUIREMENT = 350
_REQUIREMENT = re.compile(r"^\s*[-*]\s*\[[ xX]\]", re.MULTILINE)


def expected_output_tokens(root: Path, task: Task, edit_format: str = "whole") -> int:
    """Tokens the task's answer is expected to take (see module docstring)."""
    total = 0
    for name in task.files:
        path = root / name
        try:
            size = path.stat().st_size if path.is_file() else None
        except OSError:
            size = None
        if size is None:
            total += PER_FILE_OVERHEAD + NEW_FILE_TOKENS
            continue
        whole = max(1, size // 4)
        edit = min(whole, max(EDIT_MIN_TOKENS, int(whole * EDIT_SHARE)))
        total += PER_FILE_OVERHEAD + (whole if edit_format == "whole" else edit)
    return total


def expected_plan_tokens(requirements_text: str) -> int:
    """Tokens a plan answer is expected to take for a REQUIREMENTS.md."""
    count = len(_REQUIREMENT.findall(requirements_text))
    return PLAN_BASE_TOKENS + PLAN_TOKENS_PER_REQUIREMENT * max(count, 1)


def call_cost(model: str, prompt_tokens: int, output_tokens: int) -> float | None:
    """Dollar cost of one call, or None when the model's price is unknown."""
    return cost_of(model, prompt_tokens, output_tokens)
