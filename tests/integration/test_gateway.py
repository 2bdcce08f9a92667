"""The LLM gateway against litellm and the loopback server: events, retries, budget."""

from __future__ import annotations

import pytest

from sago_tui.core.bus import EventBus
from sago_tui.core.errors import BudgetExceeded
from sago_tui.core.events import (
    BudgetStopped,
    Event,
    LLMCalled,
    LLMDelta,
    LLMRequested,
    WarningIssued,
)
from sago_tui.core.gateway import LLMGateway
from sago_tui.core.llm import LiteLLMClient
from sago_tui.core.llm_types import LLMRequest
from sago_tui.core.secrets import Redactor
from tests.llm_server import TEST_API_KEY, FakeLLMServer, Reply, settings_for


def _gateway(server: FakeLLMServer, **kwargs: object) -> tuple[LLMGateway, list[Event]]:
    bus = EventBus()
    events: list[Event] = []
    bus.subscribe(events.append)
    client = LiteLLMClient(settings_for(server), backoff_base=0.01, backoff_cap=0.05)
    redactor = Redactor([TEST_API_KEY])
    return LLMGateway(client, bus, redactor=redactor, **kwargs), events  # type: ignore[arg-type]


def _request(task_id: str = "1.1") -> LLMRequest:
    return LLMRequest(messages=(("user", "write it"),), purpose="task", task_id=task_id)


def test_a_retried_call_reports_the_retry_and_restarts_the_stream(
    llm_server: FakeLLMServer,
) -> None:
    llm_server.enqueue(
        Reply(content="partial text that will be thrown away", stream_cut=True),
        Reply(content="the real answer"),
    )
    gateway, events = _gateway(llm_server)

    response = gateway.call(_request(), agent="ExecutorAgent")

    assert response.content == "the real answer"
    kinds = [type(e) for e in events if not isinstance(e, LLMDelta)]
    assert kinds == [LLMRequested, WarningIssued, LLMRequested, LLMCalled]
    warning = next(e for e in events if isinstance(e, WarningIssued))
    assert warning.task_id == "1.1" and "retrying" in warning.message
    called = next(e for e in events if isinstance(e, LLMCalled))
    assert called.response_preview == "the real answer"
    assert called.total_tokens == gateway.ledger.for_task("1.1").total_tokens > 0


def test_the_budget_stops_a_call_before_it_is_sent(llm_server: FakeLLMServer) -> None:
    gateway, events = _gateway(llm_server, max_cost=0.01)

    with pytest.raises(BudgetExceeded, match="budget reached"):
        gateway.call(_request(), agent="ExecutorAgent", estimate_usd=0.02)

    assert llm_server.request_count == 0
    stop = next(e for e in events if isinstance(e, BudgetStopped))
    assert (stop.max_cost_usd, stop.next_estimate_usd, stop.task_id) == (0.01, 0.02, "1.1")


def test_the_api_key_never_reaches_an_event(llm_server: FakeLLMServer) -> None:
    llm_server.enqueue(Reply(content=f"echo {TEST_API_KEY}"))
    gateway, events = _gateway(llm_server)
    request = LLMRequest(messages=(("user", f"key is {TEST_API_KEY}"),), purpose="plan")

    gateway.call(request, agent="PlannerAgent")

    records = [str(e.to_record()) for e in events if e.traced]
    assert records and not any(TEST_API_KEY in r for r in records)
