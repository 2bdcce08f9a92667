"""STATE.md during a run: fewer rewrites, never a half file, nothing of the user's lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from sago_tui.core import state as state_module
from sago_tui.core.state import StateStore, TaskStatus, initial_state_text, parse_state


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    path = tmp_path / "STATE.md"
    path.write_text(initial_state_text("demo"), encoding="utf-8")
    return StateStore(path)


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text STATE.md is rewritten with, in order."""
    written: list[str] = []
    real = state_module.atomic_write_status

    def counting(path: Path, data: bytes) -> object:
        written.append(data.decode("utf-8"))
        return real(path, data)

    monkeypatch.setattr(state_module, "atomic_write_status", counting)
    return written


def on_disk(store: StateStore) -> dict[str, TaskStatus]:
    snapshot = parse_state(store.path.read_text(encoding="utf-8"))
    return {task_id: record.status for task_id, record in snapshot.records.items()}


def test_results_wait_for_the_next_task_start(store: StateStore, writes: list[str]) -> None:
    with store.coalesced(3600):
        store.set_context(current_task="1.1: one")
        store.record("1.1", "one", TaskStatus.PASSED)
        store.record("1.2", "two", TaskStatus.FAILED, error="boom")
        assert len(writes) == 1  # the two results are held back
        assert on_disk(store) == {}
        store.set_context(current_task="1.3: three")  # written with every result before it
        assert len(writes) == 2
        assert on_disk(store) == {"1.1": TaskStatus.PASSED, "1.2": TaskStatus.FAILED}
        store.record("1.3", "three", TaskStatus.PASSED)
    assert len(writes) == 3  # the block's end writes the last result
    assert on_disk(store) == {
        "1.1": TaskStatus.PASSED,
        "1.2": TaskStatus.FAILED,
        "1.3": TaskStatus.PASSED,
    }


def test_outside_a_run_every_change_is_written(store: StateStore, writes: list[str]) -> None:
    store.record("1.1", "one", TaskStatus.PASSED)
    store.record("1.2", "two", TaskStatus.PASSED)
    assert len(writes) == 2
    assert set(on_disk(store)) == {"1.1", "1.2"}


def test_interval_elapsed_writes_held_results(store: StateStore, writes: list[str]) -> None:
    with store.coalesced(0.0):  # every interval has passed already
        store.record("1.1", "one", TaskStatus.PASSED)
        assert on_disk(store) == {"1.1": TaskStatus.PASSED}
    with store.coalesced(3600):
        store.set_context(current_task="1.2: two")
        store.record("1.2", "two", TaskStatus.PASSED)
        store.flush_due()  # not due yet: nothing written
        assert "1.2" not in on_disk(store)
        store._interval = 0.0  # as if the interval had passed during a long task
        store.flush_due()
        assert "1.2" in on_disk(store)


def test_block_ending_in_an_error_still_writes(store: StateStore) -> None:
    with pytest.raises(RuntimeError), store.coalesced(3600):
        store.set_context(current_task="1.1: one")
        store.record("1.1", "one", TaskStatus.FAILED, error="x")
        raise RuntimeError("the run broke")
    assert on_disk(store) == {"1.1": TaskStatus.FAILED}


def test_a_kill_leaves_the_last_whole_file(store: StateStore, writes: list[str]) -> None:
    """Killed with results held back: the file is the previous complete write."""
    block = store.coalesced(3600)
    block.__enter__()  # never exited: the process "dies" inside the run
    store.set_context(current_task="1.1: one")
    store.record("1.1", "one", TaskStatus.PASSED)
    store.set_context(current_task="1.2: two")
    store.record("1.2", "two", TaskStatus.PASSED)
    text = store.path.read_text(encoding="utf-8")
    assert text == writes[-1]  # exactly what was last written, whole
    snapshot = parse_state(text)
    assert snapshot.current_task == "1.2: two"
    assert list(snapshot.records) == ["1.1"]  # 1.2's result is the only one missing
    assert "## Decisions Log" in text


def test_user_edit_during_a_run_is_kept(store: StateStore) -> None:
    with store.coalesced(3600):
        store.set_context(current_task="1.1: one")
        store.record("1.1", "one", TaskStatus.PASSED)  # held back
        edited = store.path.read_text(encoding="utf-8").replace(
            "_Record decisions and their reasons here._", "Chose SQLite."
        )
        store.path.write_text(edited, encoding="utf-8")
        store.record("1.2", "two", TaskStatus.PASSED)
    text = store.path.read_text(encoding="utf-8")
    assert "Chose SQLite." in text
    assert set(parse_state(text).records) == {"1.1", "1.2"}


def test_unchanged_file_is_not_parsed_again(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses: list[str] = []
    real = state_module.parse_state

    def counting(text: str) -> object:
        parses.append(text)
        return real(text)

    monkeypatch.setattr(state_module, "parse_state", counting)
    for n in range(1, 21):
        store.record(f"1.{n}", f"task {n}", TaskStatus.PASSED)
    assert len(parses) == 1
    assert len(on_disk(store)) == 20
    store.path.write_text(store.path.read_text(encoding="utf-8") + "\n## Notes\nmine\n")
    store.record("1.21", "task 21", TaskStatus.PASSED)
    assert len(parses) == 2  # the user's edit was read
    assert "mine" in store.path.read_text(encoding="utf-8")


def test_snapshot_includes_held_results(store: StateStore) -> None:
    with store.coalesced(3600):
        store.record("1.1", "one", TaskStatus.PASSED)
        assert "1.1" in store.snapshot().records
