"""The bridge merges each task's streamed chunks even when parallel tasks interleave."""

from __future__ import annotations

from sago_tui.core.events import Event, LLMCalled, LLMDelta, TaskFinished, TaskStarted
from sago_tui.tui.bridge import EventBridge


def summary(events: list[Event]) -> list[tuple[str, str | None, str]]:
    return [(type(e).__name__, e.task_id, getattr(e, "text", "")) for e in events]


def test_interleaved_streams_become_one_delta_per_task() -> None:
    bridge = EventBridge()
    for n in range(50):
        for task in ("1.1", "1.2", "1.3"):
            bridge(LLMDelta(task_id=task, text=f"{task}:{n} "))
    drained = bridge.drain()
    assert [e.task_id for e in drained] == ["1.1", "1.2", "1.3"]
    for event in drained:
        assert isinstance(event, LLMDelta)
        assert event.text == "".join(f"{event.task_id}:{n} " for n in range(50))
    assert bridge.received == 150


def test_a_tasks_own_event_keeps_its_order() -> None:
    """Chunks after a task's LLMCalled never jump ahead of it; other tasks don't split."""
    bridge = EventBridge()
    for event in (
        TaskStarted(task_id="1.1"),
        LLMDelta(task_id="1.1", text="a"),
        LLMDelta(task_id="1.2", text="x"),
        LLMDelta(task_id="1.1", text="b"),
        LLMCalled(task_id="1.1"),
        LLMDelta(task_id="1.1", text="c"),
        LLMDelta(task_id="1.2", text="y"),
        TaskFinished(task_id="1.1"),
    ):
        bridge(event)
    assert summary(bridge.drain()) == [
        ("TaskStarted", "1.1", ""),
        ("LLMDelta", "1.1", "ab"),
        ("LLMDelta", "1.2", "xy"),
        ("LLMCalled", "1.1", ""),
        ("LLMDelta", "1.1", "c"),
        ("TaskFinished", "1.1", ""),
    ]


def test_agents_of_one_task_and_the_plan_stream_stay_apart() -> None:
    bridge = EventBridge()
    for event in (
        LLMDelta(task_id=None, text="# PLAN"),
        LLMDelta(task_id="1.1", agent="ExecutorAgent", text="e1"),
        LLMDelta(task_id="1.1", agent="SelfHealingAgent", text="f1"),
        LLMDelta(task_id=None, text=" more"),
        LLMDelta(task_id="1.1", agent="ExecutorAgent", text="e2"),
    ):
        bridge(event)
    assert [(e.task_id, e.agent, getattr(e, "text", "")) for e in bridge.drain()] == [
        (None, "Orchestrator", "# PLAN more"),
        ("1.1", "ExecutorAgent", "e1e2"),
        ("1.1", "SelfHealingAgent", "f1"),
    ]


def test_chunks_after_a_drain_start_a_new_delta() -> None:
    bridge = EventBridge()
    bridge(LLMDelta(task_id="1.1", text="a"))
    first = bridge.drain()
    bridge(LLMDelta(task_id="1.1", text="b"))
    second = bridge.drain()
    assert summary(first) == [("LLMDelta", "1.1", "a")]
    assert summary(second) == [("LLMDelta", "1.1", "b")]
