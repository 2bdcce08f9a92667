"""Property tests: garbage never crashes the parser; valid plans round-trip exactly."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sago_tui.core.errors import PlanError
from sago_tui.core.plan import Phase, Plan, Task
from sago_tui.core.plan_parser import parse_plan
from sago_tui.core.plan_validate import file_problem
from sago_tui.core.plan_writer import DEFAULT_PREAMBLE, render_plan

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that steer random text into the scanner's interesting corners.
MARKUP = [
    "```xml\n", "```\n", "~~~xml\n", "````\n", "<phases>", "</phases>", "<phases/>",
    '<phase name="P">', "<phase name='Q'/>", "</phase>", '<task id="1.1">', "<task id='1.2' ",
    'depends_on="1.1">', "</task>", "<task/>", "<name>", "</name>", "<files>", "</files>",
    "<action>", "</action>", "<verify>", "</verify>", "<done>", "</done>", "<verify/>",
    "<description>", "</description>", "<![CDATA[", "]]>", "<!--", "-->", "<?xml?>",
    "<!DOCTYPE x>", "&", "&amp;", "&#65;", "&#x;", "<", ">", "/>", '"', "'", "=", "\n", " ",
    "\t", "\r\n", "a.py", ",", "./", "..", "/etc", "\ufeff", "\x00", "é",
]  # fmt: skip
TRICKY = [
    "&", "<", ">", "&amp;", "&lt;x&gt;", "&#65;", "`", "```", "````", '"', "'", "\n", "  ",
    "\t", "</action>", "<name>", "<![CDATA[", "]]>", "<!--", "</task>", "</phases>", "~~~",
    "\n```\n", "\n    indented", "x", "é", "中", "\u2028", "\x85",
]  # fmt: skip

tokens = st.lists(st.sampled_from(MARKUP) | st.text(max_size=4), max_size=80).map("".join)


def without_lines(plan: Plan) -> Plan:
    phases = [
        dataclasses.replace(
            phase, line=0, tasks=[dataclasses.replace(t, line=0) for t in phase.tasks]
        )
        for phase in plan.phases
    ]
    return dataclasses.replace(plan, phases=phases)


def canonical(text: str) -> str:
    """Text as the parser stores it: no CR, no surrounding whitespace."""
    return text.replace("\r", "").strip()


free_text = st.lists(st.sampled_from(TRICKY) | st.text(max_size=6), max_size=10).map(
    lambda parts: canonical("".join(parts))
)
required_text = free_text.filter(bool)
file_name = (
    st.lists(st.sampled_from(["src/", "a", "b.py", "&", "<x>", "`", '"', " ", "-", "é", "d/"]))
    .map(lambda parts: "".join(parts).strip())
    .filter(lambda n: n and not n.startswith("./") and file_problem(n) is None)
)
task_id = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters=","), min_size=1, max_size=6
).filter(lambda s: not any(c.isspace() for c in s))
markdown = st.lists(
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n`~\ufeff")),
    max_size=4,
).map(lambda lines: "".join(line + "\n" for line in lines))


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    shape = draw(st.lists(st.integers(0, 4), min_size=1, max_size=4))
    ids = draw(st.lists(task_id, min_size=sum(shape), max_size=sum(shape), unique=True))
    phases: list[Phase] = []
    seen: list[str] = []
    for count in shape:
        name = draw(free_text)
        phase = Phase(name, description=draw(free_text))
        for _ in range(count):
            new_id = ids[len(seen)]
            deps = draw(st.lists(st.sampled_from(seen), max_size=3)) if seen else []
            phase.tasks.append(
                Task(
                    id=new_id,
                    name=draw(required_text),
                    files=draw(st.lists(file_name, min_size=1, max_size=9)),
                    action=draw(required_text),
                    verify=draw(free_text),
                    done=draw(free_text),
                    depends_on=deps,
                    phase=name,
                )
            )
            seen.append(new_id)
        phases.append(phase)
    return Plan(phases, preamble=draw(markdown), postamble=draw(st.text().map(canonical)))


@SETTINGS
@given(plans().filter(lambda p: bool(p.tasks)))
def test_valid_plans_round_trip(plan: Plan) -> None:
    text = render_plan(plan)
    parsed, _ = parse_plan(text)
    expected = dataclasses.replace(plan, preamble=plan.preamble or DEFAULT_PREAMBLE)
    assert without_lines(parsed) == expected
    assert render_plan(parsed) == text


Edit = tuple[int, int, str]


def mutate(text: str, edits: list[Edit]) -> str:
    """``text`` with each (offset, deleted length, inserted text) edit applied in turn."""
    for offset, deleted, inserted in edits:
        at = offset % (len(text) + 1)
        text = text[:at] + inserted + text[at + deleted :]
    return text


def garbage() -> st.SearchStrategy[str]:
    """Random text, decoded bytes, markup soup, and valid plans with random edits."""
    edit = st.tuples(st.integers(0, 10**6), st.integers(0, 40), st.sampled_from(MARKUP) | tokens)
    return st.one_of(
        st.text(max_size=400),
        st.binary(max_size=400).map(lambda b: b.decode("utf-8", errors="replace")),
        tokens.map(lambda t: "```xml\n<phases>" + t),
        st.builds(mutate, plans().map(render_plan), st.lists(edit, min_size=1, max_size=4)),
    )


@SETTINGS
@given(garbage())
def test_garbage_gives_a_plan_or_a_plan_error(text: str) -> None:
    try:
        result = parse_plan(text)
    except PlanError as exc:
        assert exc.problems and all(len(p.splitlines()) == 1 for p in exc.problems)
        assert str(exc).startswith("PLAN.md has ")
        return
    plan, warnings = result
    assert isinstance(plan, Plan)
    assert all(len(str(w).splitlines()) == 1 and w.severity == "warning" for w in warnings)
    # Whatever parsed, its phases and tasks survive a rewrite.
    bare = dataclasses.replace(plan, preamble="# PLAN\n", postamble="")
    again, _ = parse_plan(render_plan(bare))
    assert without_lines(again) == without_lines(bare)
