"""The price table is litellm's bundled JSON, read without importing litellm."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from sago_tui.core import pricing
from sago_tui.core.pricing import ModelPrice, cost_of, price_for, price_table_path

Table = dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def table() -> Table:
    path = price_table_path()
    assert path is not None and path.name == "model_prices_and_context_window_backup.json"
    data: Table = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_known_model_is_priced_from_the_installed_table(table: Table) -> None:
    entry = table["gpt-4o"]
    assert price_for("gpt-4o") == ModelPrice(
        input_per_token=float(entry["input_cost_per_token"]),
        output_per_token=float(entry["output_cost_per_token"]),
        max_input_tokens=entry.get("max_input_tokens"),
        max_output_tokens=entry.get("max_output_tokens"),
        cache_read_per_token=float(entry["cache_read_input_token_cost"]),
    )


def test_cached_prompt_tokens_are_priced_at_the_cache_read_cost(table: Table) -> None:
    entry = table["gpt-4o"]
    expected = (
        600 * float(entry["input_cost_per_token"])
        + 400 * float(entry["cache_read_input_token_cost"])
        + 200 * float(entry["output_cost_per_token"])
    )
    assert cost_of("gpt-4o", 1000, 200, cached_tokens=400) == pytest.approx(expected)
    # More cached than prompt tokens (a confused server) never makes a call cheaper than free.
    assert cost_of("gpt-4o", 100, 0, cached_tokens=500) == pytest.approx(
        100 * float(entry["cache_read_input_token_cost"])
    )


def test_cost_is_tokens_times_price(table: Table) -> None:
    entry = table["gpt-4o"]
    expected = 1000 * float(entry["input_cost_per_token"]) + 200 * float(
        entry["output_cost_per_token"]
    )
    assert cost_of("gpt-4o", 1000, 200) == pytest.approx(expected)
    assert cost_of("gpt-4o", 0, 0) == 0.0


def test_provider_prefix_and_route_are_stripped() -> None:
    assert price_for("openai/gpt-4o") == price_for("gpt-4o")
    assert price_for("my-gateway/team/gpt-4o") == price_for("gpt-4o")
    assert price_for("GPT-4o") == price_for("gpt-4o")


def test_exact_prefixed_key_wins_over_stripping(table: Table) -> None:
    prefixed = next(
        key
        for key, entry in table.items()
        if key.startswith("azure/")
        and isinstance(entry.get("input_cost_per_token"), float)
        and isinstance(entry.get("output_cost_per_token"), float)
    )
    price = price_for(prefixed)
    assert price is not None
    assert price.input_per_token == table[prefixed]["input_cost_per_token"]


def test_unknown_model_has_no_price() -> None:
    assert price_for("no-such-model-xyz") is None
    assert price_for("openai/no-such-model-xyz") is None
    assert cost_of("no-such-model-xyz", 10, 10) is None
    assert price_for("sample_spec") is None  # the table's documentation entry


@pytest.fixture
def no_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(pricing, "price_table_path", lambda: None)
    monkeypatch.setattr(pricing, "_prices", None)  # restored after the test
    yield


def test_missing_table_means_every_price_is_unknown(no_table: None) -> None:
    assert price_for("gpt-4o") is None


def test_parallel_tasks_asking_at_once_read_the_table_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pricing, "_prices", None)
    reads: list[int] = []
    real = pricing._read_table
    gate = threading.Barrier(8)

    def counted() -> dict[str, ModelPrice]:
        reads.append(1)
        return real()

    def ask() -> ModelPrice | None:
        gate.wait()  # all eight ask before any read can finish
        return price_for("gpt-4o")

    monkeypatch.setattr(pricing, "_read_table", counted)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: ask(), range(8)))
    assert len(reads) == 1
    assert answers[0] is not None and all(a is answers[0] for a in answers)


def test_pricing_does_not_import_litellm() -> None:
    code = (
        "import sys; from sago_tui.core.pricing import price_for; "
        "assert price_for('gpt-4o') is not None; print('litellm' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip() == "False"
