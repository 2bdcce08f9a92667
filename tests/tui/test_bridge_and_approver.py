"""The thread → UI plumbing: the event buffer and the blocking approver."""

from __future__ import annotations

import threading
from concurrent.futures import Future

from sago_tui.core.approval import ApprovalDecision
from sago_tui.core.cancel import CancelToken
from sago_tui.core.events import LLMDelta, TaskStarted
from sago_tui.core.plan import Plan
from sago_tui.tui.approver import UIApprover
from sago_tui.tui.bridge import EventBridge
from sago_tui.tui.messages import PlanApprovalRequested


def test_bridge_merges_consecutive_chunks_of_one_call() -> None:
    bridge = EventBridge()
    shared = LLMDelta(task_id="1.1", text="a")
    for event in (shared, LLMDelta(task_id="1.1", text="b"), LLMDelta(task_id="1.2", text="c"),
                  TaskStarted(task_id="1.3"), LLMDelta(task_id="1.2", text="d"),
                  LLMDelta(task_id="1.2", text="e")):  # fmt: skip
        bridge(event)
    drained = bridge.drain()
    summary = [(type(e).__name__, e.task_id, getattr(e, "text", "")) for e in drained]
    assert summary == [  # 1.3's event does not split 1.2's stream: 1.2 had no event since
        ("LLMDelta", "1.1", "ab"),
        ("LLMDelta", "1.2", "cde"),
        ("TaskStarted", "1.3", ""),
    ]
    assert shared.text == "a"  # the bus's object is never modified
    assert bridge.received == 6 and len(bridge) == 0


def test_bridge_drain_limit_and_threads() -> None:
    bridge = EventBridge()

    def produce() -> None:
        for n in range(5_000):
            bridge(TaskStarted(task_id=str(n)))

    threads = [threading.Thread(target=produce) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first = bridge.drain(limit=1_000)
    assert len(first) == 1_000 and len(bridge) == 19_000
    assert len(bridge.drain()) == 19_000


def _run_approver(approver: UIApprover, out: list[ApprovalDecision]) -> threading.Thread:
    thread = threading.Thread(target=lambda: out.append(approver(Plan(), [])))
    thread.start()
    return thread


def test_approver_blocks_until_the_ui_answers() -> None:
    posted: list[PlanApprovalRequested] = []
    ready = threading.Event()

    def post(message: object) -> bool:
        assert isinstance(message, PlanApprovalRequested)
        posted.append(message)
        ready.set()
        return True

    out: list[ApprovalDecision] = []
    thread = _run_approver(UIApprover(post, CancelToken()), out)
    assert ready.wait(5)
    assert thread.is_alive() and not out  # waiting on the future
    posted[0].future.set_result(ApprovalDecision(True, frozenset({"1.2"})))
    thread.join(5)
    assert out == [ApprovalDecision(True, frozenset({"1.2"}))]


def test_approver_ends_on_abort_cancel_or_a_closed_app() -> None:
    ready = threading.Event()
    approver = UIApprover(lambda message: ready.set() or True, CancelToken())
    out: list[ApprovalDecision] = []
    thread = _run_approver(approver, out)
    assert ready.wait(5)
    approver.abort()
    thread.join(5)
    assert out == [ApprovalDecision(False)]

    cancel = CancelToken()
    ready.clear()
    thread = _run_approver(UIApprover(lambda message: ready.set() or True, cancel), out)
    assert ready.wait(5)
    cancel.cancel("stop")
    thread.join(5)
    assert not thread.is_alive() and out[-1] == ApprovalDecision(False)

    assert UIApprover(lambda message: False, CancelToken())(Plan(), []) == ApprovalDecision(False)


def test_resolving_twice_is_harmless() -> None:
    from sago_tui.tui.approver import resolve

    future: Future[ApprovalDecision] = Future()
    assert resolve(future, ApprovalDecision(True))
    assert not resolve(future, ApprovalDecision(False))
    assert future.result() == ApprovalDecision(True)
