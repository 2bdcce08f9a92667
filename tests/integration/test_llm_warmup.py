"""litellm is imported and its client warmed once, in the background, without a request."""

from __future__ import annotations

import threading

from sago_tui.core import llm
from sago_tui.core.llm import LiteLLMClient, litellm_loaded, preload, warm_up
from sago_tui.core.llm_types import LLMRequest
from tests.llm_server import FakeLLMServer, settings_for


def test_warming_up_sends_nothing_and_happens_once_for_parallel_workers(
    llm_server: FakeLLMServer,
) -> None:
    settings = settings_for(llm_server)
    calls: list[object] = []
    real = llm._load_litellm()
    original = real.completion

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(kwargs.get("mock_response"))
        return original(*args, **kwargs)

    real.completion = counting
    try:
        workers = [threading.Thread(target=warm_up, args=(settings,)) for _ in range(8)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert calls == ["ok"]  # one mocked call for eight workers
        assert llm_server.request_count == 0  # a warm-up never reaches the provider
        response = LiteLLMClient(settings).complete(
            LLMRequest(messages=(("user", "hi"),), purpose="task")
        )
    finally:
        real.completion = original
    assert response.content and llm_server.request_count == 1
    assert calls == ["ok", None]  # the real call is not warmed again
    assert litellm_loaded()


def test_preload_returns_at_once_and_finishes_in_the_background(
    llm_server: FakeLLMServer,
) -> None:
    settings = settings_for(llm_server, model="gpt-4o-mini")
    preload(settings)  # returns immediately; the thread warms this model
    for thread in threading.enumerate():
        if thread.name == "sago-litellm-preload":
            thread.join(timeout=120)
    assert (settings.litellm_model, settings.api_base, settings.stream) in llm._warmed
    assert llm_server.request_count == 0
