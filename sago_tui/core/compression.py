"""Shrinking a task's context to fit the model's window (``--compress``, DESIGN.md §5.1).

``sliding_window`` drops or trims the least important sections first (tree, manifests, spec,
dependencies, then the task's files) and never touches the task itself. ``llmlingua`` first
runs LLMLingua-2 over the droppable sections (optional extra), then the sliding window to
guarantee the budget.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sago_tui.core.context import Section
from sago_tui.core.errors import ConfigError
from sago_tui.core.events import Compressed
from sago_tui.core.tokens import count_tokens

STRATEGIES: tuple[str, ...] = ("sliding_window", "llmlingua")
LLMLINGUA_MISSING = (
    "--compress with compressor llmlingua needs the optional extra: "
    "pip install 'sago-tui[compression]'"
)
# LLMLingua-2 runs on CPU and is far smaller than the original LLMLingua's 7B model.
LLMLINGUA_MODEL = "microsoft/llmlingua-2-xlm-roberta-large-meetingbank"

_FENCE = re.compile(r"(`{3,}|~{3,})")
_compressor: Any = None
_compressor_lock = threading.Lock()


@dataclass(frozen=True)
class CompressionResult:
    """The sections after compression and the token counts before and after."""

    sections: list[Section]
    original_tokens: int
    compressed_tokens: int
    strategy: str

    @property
    def savings_pct(self) -> float:
        """Share of the original tokens saved, in percent (one decimal)."""
        if self.original_tokens <= 0:
            return 0.0
        saved = self.original_tokens - self.compressed_tokens
        return round(100.0 * saved / self.original_tokens, 1)


def compress_sections(
    sections: Sequence[Section],
    *,
    model: str,
    max_tokens: int,
    threshold: float = 0.75,
    strategy: str = "sliding_window",
) -> CompressionResult:
    """Fit ``sections`` under ``threshold * max_tokens`` tokens of ``model``.

    Unchanged when they already fit. The non-droppable task section is always kept whole,
    so when it alone is over the budget the result is the best effort: the task and
    whatever else fits. ``ConfigError`` for an unknown strategy or a missing llmlingua.
    """
    if strategy not in STRATEGIES:
        raise ConfigError(f"unknown compressor {strategy!r}; use one of: {', '.join(STRATEGIES)}")
    if max_tokens <= 0 or not 0 < threshold <= 1:
        raise ConfigError("max_context_tokens must be > 0 and compression_threshold in (0, 1]")
    current = list(sections)
    counts = [count_tokens(s.render(), model) for s in current]
    original = sum(counts)
    budget = int(max_tokens * threshold)
    if original <= budget:
        return CompressionResult(current, original, original, strategy)
    if strategy == "llmlingua":
        current = _llmlingua(current, counts, budget)
        counts = [count_tokens(s.render(), model) for s in current]
    kept, total = _sliding_window(current, counts, model, budget)
    return CompressionResult(kept, original, total, strategy)


def compression_event(result: CompressionResult, task_id: str) -> Compressed:
    """The ``compression`` trace event for ``result``."""
    return Compressed(
        task_id=task_id,
        agent="ExecutorAgent",
        strategy=result.strategy,
        original_tokens=result.original_tokens,
        compressed_tokens=result.compressed_tokens,
        savings_pct=result.savings_pct,
    )


def _sliding_window(
    sections: list[Section], counts: list[int], model: str, budget: int
) -> tuple[list[Section], int]:
    """Drop or trim droppable sections, lowest priority first, until ``budget`` is met."""
    kept: dict[int, Section] = dict(enumerate(sections))
    total = sum(counts)
    victims = sorted(
        (i for i, s in enumerate(sections) if s.droppable), key=lambda i: sections[i].priority
    )
    for index in victims:
        if total <= budget:
            break
        allowance = counts[index] - (total - budget)  # what this section may still use
        trimmed = _trim(sections[index], allowance, model) if allowance > 0 else None
        if trimmed is None:
            del kept[index]
            total -= counts[index]
        else:
            kept[index], tokens = trimmed
            total += tokens - counts[index]
    return [kept[i] for i in sorted(kept)], total


def _trim(section: Section, allowance: int, model: str) -> tuple[Section, int] | None:
    """The longest head of ``section`` whose rendering fits ``allowance``, with its count."""
    lines = section.text.rstrip("\n").split("\n")
    best: tuple[Section, int] | None = None
    low, high = 1, len(lines) - 1
    while low <= high:  # binary search on the number of lines kept
        middle = (low + high) // 2
        candidate = replace(section, text=_head(lines, middle))
        tokens = count_tokens(candidate.render(), model)
        if tokens <= allowance:
            best, low = (candidate, tokens), middle + 1
        else:
            high = middle - 1
    return best


def _head(lines: list[str], keep: int) -> str:
    """The first ``keep`` lines, a fence closed if the cut fell inside one, and the cut marker."""
    head = lines[:keep]
    open_fence: str | None = None
    for line in head:
        match = _FENCE.match(line.strip())
        if match is None:
            continue
        fence = match.group(1)
        if open_fence is None:
            open_fence = fence
        elif line.strip() == fence and fence[0] == open_fence[0] and len(fence) >= len(open_fence):
            open_fence = None
    if open_fence is not None:  # keep the headings that follow out of a code block
        head.append(open_fence)
    head.append(f"… [{len(lines) - keep} lines trimmed to fit the context window]")
    return "\n".join(head)


def _llmlingua(sections: list[Section], counts: list[int], budget: int) -> list[Section]:
    """Compress every droppable section's text with LLMLingua-2 at one common rate."""
    compressor = _llmlingua_compressor()
    fixed = sum(c for s, c in zip(sections, counts, strict=True) if not s.droppable)
    flexible = sum(c for s, c in zip(sections, counts, strict=True) if s.droppable)
    rate = min(1.0, max(0.05, (budget - fixed) / flexible)) if flexible else 1.0
    out = []
    for section in sections:
        if section.droppable and section.text.strip():
            result = compressor.compress_prompt([section.text], rate=rate, force_tokens=["\n"])
            section = replace(section, text=str(result["compressed_prompt"]))
        out.append(section)
    return out


def _llmlingua_compressor() -> Any:
    """The shared LLMLingua-2 compressor (the model loads once per process)."""
    global _compressor
    try:
        from llmlingua import PromptCompressor
    except ImportError as exc:
        raise ConfigError(LLMLINGUA_MISSING) from exc
    with _compressor_lock:
        if _compressor is None:
            _compressor = PromptCompressor(
                model_name=LLMLINGUA_MODEL, use_llmlingua2=True, device_map="cpu"
            )
        return _compressor
