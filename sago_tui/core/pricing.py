"""Model prices from the table that ships inside litellm, read as plain JSON.

litellm bundles ``model_prices_and_context_window_backup.json``. Importing litellm
costs seconds (and, without ``LITELLM_LOCAL_MODEL_COST_MAP``, a network fetch), so
``--dry-run`` and the cost table read the file directly: the package is located with
:func:`importlib.util.find_spec`, which does not execute it. An unknown model has no
price (``None``): callers print "price unknown" instead of guessing.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRICE_TABLE_NAME = "model_prices_and_context_window_backup.json"
_load_lock = threading.Lock()
_prices: dict[str, ModelPrice] | None = None  # the table, once read


@dataclass(frozen=True)
class ModelPrice:
    """USD per token for input and output, and the model's token limits when known."""

    input_per_token: float
    output_per_token: float
    max_input_tokens: int | None
    max_output_tokens: int | None
    cache_read_per_token: float | None = None  # prompt tokens served by the provider's cache


def price_table_path() -> Path | None:
    """Where litellm's bundled price table is, or None when litellm is not installed."""
    try:
        spec = importlib.util.find_spec("litellm")
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    roots = [Path(p) for p in (spec.submodule_search_locations or [])]
    if spec.origin:
        roots.append(Path(spec.origin).parent)
    for root in roots:
        candidate = root / PRICE_TABLE_NAME
        if candidate.is_file():
            return candidate
    return None


def _as_int(value: Any) -> int | None:
    # The table holds documentation strings in "sample_spec"; bool is not a token count.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _as_cost(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def load_prices() -> dict[str, ModelPrice]:
    """Every priced model of the bundled table, keyed as in the table (loaded once).

    Entries without both an input and an output cost per token are skipped. A missing
    or unreadable table yields an empty mapping, so every model is "price unknown".
    Thread-safe: parallel tasks asking at once share one load instead of each paying it.
    """
    global _prices
    if _prices is None:
        with _load_lock:
            if _prices is None:
                _prices = _read_table()
    return _prices


def _read_table() -> dict[str, ModelPrice]:
    path = price_table_path()
    if path is None:
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    prices: dict[str, ModelPrice] = {}
    for key, entry in raw.items():
        if key == "sample_spec" or not isinstance(entry, dict):
            continue
        cost_in = _as_cost(entry.get("input_cost_per_token"))
        cost_out = _as_cost(entry.get("output_cost_per_token"))
        if cost_in is None or cost_out is None:
            continue
        prices[key] = ModelPrice(
            input_per_token=cost_in,
            output_per_token=cost_out,
            max_input_tokens=_as_int(entry.get("max_input_tokens")),
            max_output_tokens=_as_int(entry.get("max_output_tokens")),
            cache_read_per_token=_as_cost(entry.get("cache_read_input_token_cost")),
        )
    return prices


def _candidates(model: str) -> list[str]:
    """Keys to try, most specific first: exact, without provider prefix, last segment."""
    names = [model]
    if "/" in model:
        names.append(model.split("/", 1)[1])  # openai/gpt-4o -> gpt-4o
        names.append(model.rsplit("/", 1)[1])  # openrouter/openai/gpt-4o -> gpt-4o
    result: list[str] = []
    for name in names:
        for variant in (name, name.lower()):
            if variant and variant not in result:
                result.append(variant)
    return result


def price_for(model: str) -> ModelPrice | None:
    """The price of ``model`` (a litellm model string), or None when the table lacks it."""
    prices = load_prices()
    for key in _candidates(model.strip()):
        price = prices.get(key)
        if price is not None:
            return price
    return None


def cost_of(
    model: str, prompt_tokens: int, completion_tokens: int, cached_tokens: int = 0
) -> float | None:
    """USD cost of one call with this usage, or None when the model's price is unknown.

    ``cached_tokens`` (part of ``prompt_tokens``) are priced at the table's cache-read
    cost where it has one, else as ordinary input.
    """
    price = price_for(model)
    if price is None:
        return None
    cached = min(max(cached_tokens, 0), prompt_tokens)
    cache_rate = (
        price.input_per_token
        if price.cache_read_per_token is None
        else (price.cache_read_per_token)
    )
    return (
        (prompt_tokens - cached) * price.input_per_token
        + cached * cache_rate
        + completion_tokens * price.output_per_token
    )
