"""Compression: sliding window by priority, the task kept whole, llmlingua optional."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from sago_tui.core import compression
from sago_tui.core.compression import (
    LLMLINGUA_MISSING,
    CompressionResult,
    compress_sections,
    compression_event,
)
from sago_tui.core.context import Section
from sago_tui.core.errors import ConfigError
from sago_tui.core.tokens import count_tokens

MODEL = "unknown/model"  # ceil(len / 4): easy arithmetic, no tokenizer needed


def _lines(prefix: str, count: int) -> str:
    return "\n".join(f"{prefix} line {i:04}" for i in range(count))


def _sections() -> list[Section]:
    return [
        Section("task", "Task", "**Id:** 1.1\nWrite the app.", 100, droppable=False),
        Section("files", "Files", _lines("file", 40), 90),
        Section("dependencies", "Dependencies", _lines("dep", 40), 70),
        Section("spec", "Specification", _lines("spec", 40), 60),
        Section("manifests", "Manifests", _lines("manifest", 40), 40),
        Section("tree", "Project tree", _lines("tree", 40), 30),
    ]


def _tokens(sections: list[Section]) -> int:
    return sum(count_tokens(s.render(), MODEL) for s in sections)


def test_under_the_threshold_nothing_changes() -> None:
    sections = _sections()
    total = _tokens(sections)
    result = compress_sections(sections, model=MODEL, max_tokens=total * 2, threshold=0.5)
    assert result.sections == sections
    assert result.original_tokens == result.compressed_tokens == total
    assert result.savings_pct == 0.0
    assert result.strategy == "sliding_window"


def test_lowest_priority_goes_first() -> None:
    task, *rest = _sections()
    sections = [task, *reversed(rest)]  # tree first in the list: priority decides, not position
    total = _tokens(sections)
    tree = count_tokens(sections[1].render(), MODEL)
    # Budget exactly what is left without the tree: the tree goes, nothing else changes.
    result = compress_sections(sections, model=MODEL, max_tokens=total - tree, threshold=1.0)
    assert [s.name for s in result.sections] == [
        "task",
        "manifests",
        "spec",
        "dependencies",
        "files",
    ]
    assert result.sections == [task, *sections[2:]]
    assert result.compressed_tokens == total - tree


def test_the_cut_section_is_trimmed_from_its_head_with_a_marker() -> None:
    sections = _sections()
    keep = _tokens(sections[:3]) + count_tokens(sections[3].render(), MODEL) // 2
    result = compress_sections(sections, model=MODEL, max_tokens=keep, threshold=1.0)
    names = [s.name for s in result.sections]
    assert names == ["task", "files", "dependencies", "spec"]
    assert result.sections[:3] == sections[:3]
    spec = result.sections[3].text.splitlines()
    assert spec[0] == "spec line 0000"
    assert spec[-1].startswith("… [") and spec[-1].endswith(
        " lines trimmed to fit the context window]"
    )
    trimmed = int(spec[-1].split("[")[1].split()[0])
    assert len(spec) - 1 + trimmed == 40
    assert result.compressed_tokens == _tokens(result.sections) <= keep
    assert result.compressed_tokens > keep - 20  # the trim uses the room that is left


def test_task_section_is_never_trimmed_even_alone_over_budget() -> None:
    huge_task = Section("task", "Task", _lines("action", 500), 100, droppable=False)
    sections = [huge_task, *_sections()[1:]]
    result = compress_sections(sections, model=MODEL, max_tokens=100)
    assert result.sections == [huge_task]
    assert result.compressed_tokens == count_tokens(huge_task.render(), MODEL) > 75


def test_savings_are_computed() -> None:
    sections = _sections()
    total = _tokens(sections)
    result = compress_sections(sections, model=MODEL, max_tokens=total // 2, threshold=0.8)
    assert result.original_tokens == total
    assert result.compressed_tokens == _tokens(result.sections) <= int(total // 2 * 0.8)
    expected = round(100 * (total - result.compressed_tokens) / total, 1)
    assert result.savings_pct == expected > 50
    event = compression_event(result, "1.1")
    assert event.task_id == "1.1" and event.strategy == "sliding_window"
    assert (event.original_tokens, event.compressed_tokens) == (total, result.compressed_tokens)
    assert event.to_record()["data"]["savings_pct"] == expected
    assert CompressionResult([], 0, 0, "sliding_window").savings_pct == 0.0


def test_a_cut_inside_a_code_block_closes_the_fence() -> None:
    body = "=== FILE: src/app.py ===\n````\n" + _lines("code", 200) + "\n````\n"
    task = Section("task", "Task", "t", 100, droppable=False)
    files = Section("files", "Files", body, 90)
    result = compress_sections([task, files], model=MODEL, max_tokens=300, threshold=1.0)
    lines = result.sections[1].text.splitlines()
    assert lines[:3] == ["=== FILE: src/app.py ===", "````", "code line 0000"]
    assert lines[-2] == "````"
    assert lines[-1].endswith("lines trimmed to fit the context window]")


def test_unknown_strategy_and_bad_budget_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown compressor 'zip'"):
        compress_sections(_sections(), model=MODEL, max_tokens=10, strategy="zip")
    with pytest.raises(ConfigError, match="max_context_tokens"):
        compress_sections(_sections(), model=MODEL, max_tokens=0)


def test_llmlingua_missing_is_a_clear_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "llmlingua", None)  # makes the import fail
    with pytest.raises(ConfigError) as info:
        compress_sections(_sections(), model=MODEL, max_tokens=100, strategy="llmlingua")
    assert str(info.value) == (
        "--compress with compressor llmlingua needs the optional extra: "
        "pip install 'sago-tui[compression]'"
    )
    assert str(info.value) == LLMLINGUA_MISSING


def test_llmlingua_compresses_droppable_sections_only(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    class FakeCompressor:
        def __init__(self, **kwargs: Any) -> None:
            calls.append({"init": kwargs})

        def compress_prompt(self, context: list[str], **kwargs: Any) -> dict[str, Any]:
            calls.append(kwargs)
            kept = context[0].splitlines()[::4]  # keep every 4th line
            return {"compressed_prompt": "\n".join(kept)}

    fake = types.ModuleType("llmlingua")
    fake.PromptCompressor = FakeCompressor  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "llmlingua", fake)
    monkeypatch.setattr(compression, "_compressor", None)
    sections = _sections()
    total = _tokens(sections)
    result = compress_sections(sections, model=MODEL, max_tokens=total // 2, strategy="llmlingua")
    assert result.strategy == "llmlingua"
    assert result.sections[0] == sections[0]  # the task, untouched
    assert calls[0] == {
        "init": {
            "model_name": compression.LLMLINGUA_MODEL,
            "use_llmlingua2": True,
            "device_map": "cpu",
        }
    }
    assert len(calls) == 1 + 5 and all(0.05 <= c["rate"] <= 1 for c in calls[1:])
    assert result.compressed_tokens <= int(total // 2 * 0.75)
    assert {s.name for s in result.sections} >= {"task", "files"}


def test_a_compressed_context_keeps_the_cache_friendly_order() -> None:
    from sago_tui.core.context import SECTION_ORDER, TaskContext
    from sago_tui.core.plan import Task

    sections = _sections()
    tree = count_tokens(sections[-1].render(), MODEL)
    result = compress_sections(
        sections, model=MODEL, max_tokens=_tokens(sections) - tree, threshold=1.0
    )
    task = Task(id="1.1", name="t", files=["a.py"], action="a", verify="true", done="d")
    context = TaskContext(task, list(result.sections))
    names = [s.name for s in context.ordered()]
    assert names == [n for n in SECTION_ORDER if n in names]  # shared part first, then the task
    assert context.render().startswith("## Specification")
    assert context.render_shared().endswith(sections[4].render())  # manifests end the prefix
