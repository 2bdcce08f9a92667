"""Writing PLAN.md: exact layout, escaping, fences, round trips."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sago_tui.core.plan import Phase, Plan, Task
from sago_tui.core.plan_parser import load_plan, parse_plan
from sago_tui.core.plan_writer import DEFAULT_PREAMBLE, render_plan, write_plan


def mk(task_id: str, phase: str, **fields: object) -> Task:
    values: dict[str, object] = {
        "name": "Name",
        "files": ["src/a.py"],
        "action": "Act",
        "verify": "pytest -q",
        "done": "Done",
    }
    values.update(fields)
    return Task(id=task_id, phase=phase, **values)  # type: ignore[arg-type]


def without_lines(plan: Plan) -> Plan:
    phases = [
        dataclasses.replace(
            phase, line=0, tasks=[dataclasses.replace(t, line=0) for t in phase.tasks]
        )
        for phase in plan.phases
    ]
    return dataclasses.replace(plan, phases=phases)


def sample() -> Plan:
    return Plan(
        phases=[
            Phase(
                "Phase 1: Setup",
                description="Lay out the package.",
                tasks=[
                    mk("1.1", "Phase 1: Setup", files=["src/a.py", "src/b.py"]),
                    mk("1.2", "Phase 1: Setup", depends_on=["1.1"], verify=""),
                ],
            )
        ],
        preamble="# PLAN\n\nMy project.\n\n",
        postamble="\nNotes after.\n",
    )


GOLDEN = """# PLAN

My project.

```xml
<phases>
  <phase name="Phase 1: Setup">
    <description>Lay out the package.</description>
    <task id="1.1">
      <name>Name</name>
      <files>src/a.py, src/b.py</files>
      <action>Act</action>
      <verify>pytest -q</verify>
      <done>Done</done>
    </task>
    <task id="1.2" depends_on="1.1">
      <name>Name</name>
      <files>src/a.py</files>
      <action>Act</action>
      <verify></verify>
      <done>Done</done>
    </task>
  </phase>
</phases>
```

Notes after.
"""


def test_exact_layout() -> None:
    assert render_plan(sample()) == GOLDEN


def test_escaping_in_text_and_attributes() -> None:
    plan = Plan(
        [
            Phase(
                'A & "B" <c>',
                tasks=[mk("1.1", 'A & "B" <c>', verify='test 1 < 2 && echo "x" > f')],
            )
        ]
    )
    text = render_plan(plan)
    assert '<phase name="A &amp; &quot;B&quot; &lt;c&gt;">' in text
    assert '<verify>test 1 &lt; 2 &amp;&amp; echo "x" &gt; f</verify>' in text
    assert without_lines(parse_plan(text)[0]) == without_lines(
        dataclasses.replace(plan, preamble=DEFAULT_PREAMBLE)
    )


def test_fence_is_longer_than_any_backtick_run() -> None:
    action = "Write:\n````python\nx = 1\n````\nand ``` too"
    plan = Plan([Phase("P", tasks=[mk("1.1", "P", action=action)])])
    text = render_plan(plan)
    assert "\n`````xml\n" in text and text.endswith("\n`````\n")
    assert parse_plan(text)[0].tasks[0].action == action


def test_default_preamble_and_missing_newline() -> None:
    plan = sample()
    plan.preamble = ""
    assert render_plan(plan).startswith(DEFAULT_PREAMBLE + "```xml\n")
    assert DEFAULT_PREAMBLE.startswith("# PLAN\n\n")
    plan.preamble = "# Title"
    assert render_plan(plan).startswith("# Title\n```xml\n")


def test_multiline_text_round_trips_with_relative_indentation() -> None:
    action = "Implement:\n\n    def f(x):\n\treturn x  \n   \nThen test it."
    plan = Plan(
        [Phase("P", description="Two\nlines", tasks=[mk("1.1", "P", action=action)])],
        preamble="# PLAN\n",
    )
    text = render_plan(plan)
    assert "      <action>\n        Implement:\n\n            def f(x):\n" in text
    parsed, _ = parse_plan(text)
    assert parsed.tasks[0].action == action
    assert parsed.phases[0].description == "Two\nlines"
    assert render_plan(parsed) == text


def test_round_trip_and_idempotence_of_a_parsed_hand_written_plan() -> None:
    hand = (
        "Intro\n~~~xml\n<phases>\n<phase name='One'>\n<task id='1.2' depends_on='1.10 1.1'>"
        "<name>N &amp; M</name><files>./a.py,\nb.py</files><action>\n   x < y\n     z\n</action>"
        "<verify>pytest</verify><done/></task>\n<task id='1.10'><name>T</name><files>c</files>"
        "<action>a</action><verify>pytest</verify></task>"
        "<task id='1.1'><name>T</name><files>d</files><action>a</action><verify>pytest</verify>"
        "</task></phase></phases>\n~~~\nEnd\n"
    )
    first, _ = parse_plan(hand)
    text = render_plan(first)
    second, _ = parse_plan(text)
    assert without_lines(second) == without_lines(first)
    assert render_plan(second) == text
    assert second.tasks[0].action == "x < y\n  z"
    assert second.tasks[0].files == ["a.py", "b.py"]
    assert second.preamble == "Intro\n" and second.postamble == "End\n"


def test_write_plan_is_readable_by_load_plan(tmp_path: Path) -> None:
    path = tmp_path / "PLAN.md"
    written = write_plan(path, sample())
    assert path.read_text(encoding="utf-8") == written == GOLDEN
    loaded, warnings = load_plan(path)
    assert without_lines(loaded) == without_lines(sample())
    assert [w.task_id for w in warnings] == ["1.2"]
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind
