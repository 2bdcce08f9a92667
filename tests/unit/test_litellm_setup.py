"""litellm's set-up: its first completion does not import the proxy server's types."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from sago_tui.core.litellm_setup import file_parts_only, has_file_part

TEXT = [{"role": "system", "content": "s"}, {"role": "user", "content": "hi"}]
PARTS = [{"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": {}}]}]
FILE = [{"role": "user", "content": [{"type": "file", "file": {"file_id": "file-1"}}]}]


def run_fresh(script: str) -> None:
    """Run ``script`` in a new interpreter (litellm not imported yet); it prints ok."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.stdout.strip().endswith("ok"), proc.stderr[-2000:]


def test_only_a_user_file_part_counts() -> None:
    assert not has_file_part(TEXT)
    assert not has_file_part(PARTS)
    assert has_file_part(FILE)
    assert not has_file_part([{"role": "assistant", "content": FILE[0]["content"]}])
    assert not has_file_part([{"role": "user", "content": [3, "x"]}, "not a message"])
    assert not has_file_part(None)


def test_the_original_runs_only_for_file_parts() -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []

    def original(messages: Any, **kwargs: Any) -> Any:
        calls.append((messages, kwargs))
        return ["mapped"]

    wrapped = file_parts_only(original)
    assert wrapped(messages=TEXT, model_id=None, model_file_id_mapping={}) is TEXT
    assert wrapped(messages=PARTS, model_id=None, model_file_id_mapping={}) is PARTS
    assert calls == []
    assert wrapped(messages=FILE, model_id="m", model_file_id_mapping={"a": {}}) == ["mapped"]
    assert calls == [(FILE, {"model_id": "m", "model_file_id_mapping": {"a": {}}})]


def test_a_first_completion_skips_the_proxy_types_but_file_ids_still_map() -> None:
    script = """
        import sys
        from sago_tui.core.llm import _load_litellm
        litellm = _load_litellm()
        kwargs = dict(model="openai/gpt-4o", mock_response="ok", api_key="sk-test")
        answer = litellm.completion(messages=[{"role": "user", "content": "hi"}], **kwargs)
        assert answer.choices[0].message.content == "ok"
        assert "litellm.proxy._types" not in sys.modules, "the proxy types were imported"
        # A managed file id is still rewritten to the provider's id by litellm's own code.
        from litellm.main import update_messages_with_model_file_ids as mapper
        messages = [{"role": "user", "content": [
            {"type": "file", "file": {"file_id": "litellm-file"}}]}]
        out = mapper(messages=messages, model_id="m1",
                     model_file_id_mapping={"litellm-file": {"m1": "file-provider"}})
        assert out[0]["content"][0]["file"]["file_id"] == "file-provider", out
        assert "litellm.proxy._types" in sys.modules
        print("ok")
    """
    run_fresh(script)


def test_the_import_pauses_garbage_collection_and_restores_it() -> None:
    script = """
        import gc
        from sago_tui.core import llm
        import builtins
        seen = []
        original = builtins.__import__
        def spy(name, *args, **kwargs):
            if name == "litellm":
                seen.append(gc.isenabled())
            return original(name, *args, **kwargs)
        builtins.__import__ = spy
        llm._load_litellm()
        builtins.__import__ = original
        assert seen and not seen[0], seen  # collections were off while litellm loaded
        assert gc.isenabled()  # and are back on
        assert gc.get_freeze_count() > 10_000  # its objects are out of later collections
        gc.disable()
        with llm.gc_paused():
            pass
        assert not gc.isenabled()  # a caller that had turned it off keeps it off
        print("ok")
    """
    run_fresh(script)
