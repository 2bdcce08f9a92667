"""Execution order: dependencies, waves and the scheduler."""

from __future__ import annotations

import random

import pytest

from sago_tui.core.plan import Phase, Plan, Task, task_id_key
from sago_tui.core.waves import (
    Scheduler,
    compute_waves,
    data_dependencies_of,
    dependencies_of,
)


def mk(task_id: str, files: str = "", deps: str = "") -> Task:
    own = files.split() if files else [f"f{task_id}.py"]
    return Task(task_id, f"T{task_id}", own, "act", "pytest", "", deps.split())


def plan_of(*phases: list[Task]) -> Plan:
    built = []
    for index, tasks in enumerate(phases, 1):
        for task in tasks:
            task.phase = f"P{index}"
        built.append(Phase(f"P{index}", tasks=tasks))
    return Plan(built)


def ids(tasks: list[Task]) -> list[str]:
    return [task.id for task in tasks]


def test_dependencies_include_earlier_same_phase_writers_only() -> None:
    plan = plan_of(
        [mk("1.1", "a"), mk("1.2", "b ./a"), mk("1.3", "a b", deps="1.1")],
        [mk("2.1", "a"), mk("2.2", "c", deps="1.2")],
    )
    assert dependencies_of(plan) == {
        "1.1": set(),
        "1.2": {"1.1"},
        "1.3": {"1.1", "1.2"},
        "2.1": set(),
        "2.2": {"1.2"},
    }
    assert data_dependencies_of(plan)["2.1"] == {"1.1", "1.2", "1.3"}
    assert data_dependencies_of(plan)["2.2"] == {"1.2"}


def test_waves_respect_phases_dependencies_and_plan_order() -> None:
    plan = plan_of(
        [mk("1.1"), mk("1.2", deps="1.10"), mk("1.10"), mk("1.3", "f1.1.py")],
        [mk("2.1"), mk("2.2", deps="2.1")],
    )
    assert [ids(w) for w in compute_waves(plan)] == [
        ["1.1", "1.10"],
        ["1.2", "1.3"],
        ["2.1"],
        ["2.2"],
    ]


def test_ids_sort_numerically() -> None:
    assert sorted(["1.10", "1.2", "10.1", "2.1", "1.1"], key=task_id_key) == [
        "1.1",
        "1.2",
        "1.10",
        "2.1",
        "10.1",
    ]


def test_limit_one_runs_in_plan_order() -> None:
    plan = plan_of([mk("1.1"), mk("1.2"), mk("1.10", deps="1.2")], [mk("2.1"), mk("2.2")])
    scheduler = Scheduler(plan)
    order: list[str] = []
    while not scheduler.done():
        (task,) = scheduler.take_ready(1)
        assert scheduler.take_ready(0) == []
        order.append(task.id)
        assert scheduler.finish(task.id, True) == []
    assert order == ["1.1", "1.2", "1.10", "2.1", "2.2"]


def test_phase_is_a_barrier() -> None:
    scheduler = Scheduler(plan_of([mk("1.1"), mk("1.2")], [mk("2.1")]))
    assert ids(scheduler.take_ready(5)) == ["1.1", "1.2"]
    scheduler.finish("1.1", True)
    assert scheduler.take_ready(5) == []
    scheduler.finish("1.2", True)
    assert ids(scheduler.take_ready(5)) == ["2.1"]


def test_depends_on_and_shared_files_wait() -> None:
    plan = plan_of([mk("1.1", "a"), mk("1.2", "b", deps="1.1"), mk("1.3", "a"), mk("1.4", "c")])
    scheduler = Scheduler(plan)
    assert ids(scheduler.take_ready(10)) == ["1.1", "1.4"]
    assert scheduler.in_flight == {"1.1", "1.4"}
    scheduler.finish("1.1", True)
    assert ids(scheduler.take_ready(10)) == ["1.2", "1.3"]


def test_failure_blocks_transitive_dependents() -> None:
    plan = plan_of(
        [mk("1.1", "a"), mk("1.2", "b", deps="1.1"), mk("1.3", "a"), mk("1.4", "c")],
        [mk("2.1", "d", deps="1.2"), mk("2.2", "e")],
    )
    scheduler = Scheduler(plan)
    assert ids(scheduler.take_ready(10)) == ["1.1", "1.4"]
    blocked = scheduler.finish("1.1", False)
    assert [(t.id, why) for t, why in blocked] == [
        ("1.2", "dependency 1.1 failed"),
        ("1.3", "dependency 1.1 failed"),
        ("2.1", "dependency 1.2 blocked by failed task 1.1"),
    ]
    assert set(scheduler.blocked) == {"1.2", "1.3", "2.1"}
    assert scheduler.take_ready(10) == []  # 1.4 still in flight holds the phase
    scheduler.finish("1.4", True)
    assert ids(scheduler.take_ready(10)) == ["2.2"]
    scheduler.finish("2.2", True)
    assert scheduler.done()


def test_stop_returns_never_started_tasks() -> None:
    plan = plan_of([mk("1.1"), mk("1.2", deps="1.1"), mk("1.3", deps="1.1")], [mk("2.1")])
    scheduler = Scheduler(plan)
    assert ids(scheduler.take_ready(1)) == ["1.1"]
    scheduler.finish("1.1", True)
    assert ids(scheduler.take_ready(1)) == ["1.2"]
    assert ids(scheduler.pending()) == ["1.3", "2.1"]
    assert ids(scheduler.stop()) == ["1.3", "2.1"]
    assert scheduler.take_ready(5) == [] and not scheduler.done()
    assert scheduler.finish("1.2", False) == []
    assert scheduler.done() and scheduler.pending() == []


def test_include_schedules_only_those_tasks() -> None:
    plan = plan_of([mk("1.1"), mk("1.2", deps="1.1"), mk("1.3")], [mk("2.1")])
    scheduler = Scheduler(plan, include=["1.2", "2.1"])
    assert ids(scheduler.take_ready(5)) == ["1.2"]  # 1.1 is not scheduled: satisfied
    scheduler.finish("1.2", True)
    assert ids(scheduler.take_ready(5)) == ["2.1"]


def test_finish_of_a_task_not_in_flight_is_refused() -> None:
    scheduler = Scheduler(plan_of([mk("1.1")]))
    with pytest.raises(ValueError, match=r"task 1\.1 is not in flight"):
        scheduler.finish("1.1", True)


def test_cycle_in_unvalidated_plan_stalls_instead_of_spinning() -> None:
    scheduler = Scheduler(plan_of([mk("1.1", deps="1.2"), mk("1.2", deps="1.1")]))
    assert scheduler.take_ready(5) == []
    assert ids(scheduler.stop()) == ["1.1", "1.2"]
    assert scheduler.done()


@pytest.mark.parametrize("seed", range(40))
def test_random_runs_keep_every_rule(seed: int) -> None:
    rng = random.Random(seed)
    files = ["a", "b", "c", "d", "e"]
    phases: list[list[Task]] = []
    for p in range(1, rng.randint(2, 4)):
        tasks: list[Task] = []
        for n in range(1, rng.randint(2, 7)):
            earlier = [t.id for ph in phases for t in ph] + [t.id for t in tasks]
            needs = " ".join(rng.sample(earlier, min(len(earlier), rng.randint(0, 2))))
            tasks.append(mk(f"{p}.{n}", " ".join(rng.sample(files, rng.randint(1, 2))), needs))
        phases.append(tasks)
    plan = plan_of(*phases)
    deps = dependencies_of(plan)
    phase_of = {t.id: i for i, ph in enumerate(plan.phases) for t in ph.tasks}
    scheduler = Scheduler(plan)
    state: dict[str, str] = {}
    while not scheduler.done():
        started = scheduler.take_ready(rng.randint(1, 3))
        for task in started:
            assert all(state.get(dep) == "ok" for dep in deps[task.id])
            earlier = [t for t in phase_of if phase_of[t] < phase_of[task.id]]
            assert all(state.get(t) in {"ok", "failed", "blocked"} for t in earlier)
            state[task.id] = "running"
        running = [plan.task(t) for t in scheduler.in_flight]
        for i, one in enumerate(running):
            for other in running[i + 1 :]:
                assert not set(one.files) & set(other.files)
        assert running, "nothing in flight and nothing started: the scheduler stalled"
        done = rng.choice(running)
        ok = rng.random() > 0.2
        state[done.id] = "ok" if ok else "failed"
        for blocked, _ in scheduler.finish(done.id, ok):
            assert state.get(blocked.id) is None
            state[blocked.id] = "blocked"
    assert set(state) == set(phase_of)
