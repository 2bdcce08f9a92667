"""Writing a :class:`Plan` as PLAN.md (DESIGN.md §4).

The output round-trips with :func:`parse_plan`: for every valid plan,
``parse_plan(render_plan(plan))`` gives the same phases and tasks, and
rendering that again gives the same bytes. Multi-line text is written on its
own lines, indented under its tag; the parser removes exactly that indentation.
"""

from __future__ import annotations

import re
from pathlib import Path

from sago_tui.core.atomic import atomic_write_text
from sago_tui.core.plan import Phase, Plan, Task

DEFAULT_PREAMBLE = (
    "# PLAN\n\n"
    "Phases run in order; edit tasks freely, keeping the XML inside the fence well-formed.\n\n"
)
_BACKTICKS = re.compile(r"`+")


def escape_text(text: str) -> str:
    """``text`` safe inside an element."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """``text`` safe inside a double-quoted attribute."""
    return escape_text(text).replace('"', "&quot;")


def _element(name: str, value: str, indent: str) -> list[str]:
    body = escape_text(value)
    if "\n" not in body:
        return [f"{indent}<{name}>{body}</{name}>"]
    inner = indent + "  "
    lines = [f"{indent}<{name}>"]
    # Empty lines stay empty so the file has no trailing whitespace; the parser
    # treats a blank line the same whatever its indentation.
    lines += [inner + line if line else "" for line in body.split("\n")]
    lines.append(f"{indent}</{name}>")
    return lines


def _task_lines(task: Task) -> list[str]:
    attrs = f' id="{escape_attr(task.id)}"'
    if task.depends_on:
        attrs += f' depends_on="{escape_attr(", ".join(task.depends_on))}"'
    if task.reqs:
        attrs += f' reqs="{escape_attr(", ".join(task.reqs))}"'
    indent = " " * 6
    lines = [f"    <task{attrs}>"]
    lines += _element("name", task.name, indent)
    lines += _element("files", ", ".join(task.files), indent)
    lines += _element("action", task.action, indent)
    lines += _element("verify", task.verify, indent)
    lines += _element("done", task.done, indent)
    lines.append("    </task>")
    return lines


def _phase_lines(phase: Phase) -> list[str]:
    lines = [f'  <phase name="{escape_attr(phase.name)}">']
    if phase.description:
        lines += _element("description", phase.description, " " * 4)
    for task in phase.tasks:
        lines += _task_lines(task)
    lines.append("  </phase>")
    return lines


def render_xml(plan: Plan) -> str:
    """The ``<phases>`` element of ``plan`` (no fence, no trailing newline)."""
    lines = ["<phases>"]
    for phase in plan.phases:
        lines += _phase_lines(phase)
    lines.append("</phases>")
    return "\n".join(lines)


def render_plan(plan: Plan) -> str:
    """PLAN.md for ``plan``: preamble, fenced XML block, postamble."""
    xml = render_xml(plan)
    # A fence longer than any backtick run inside can never be closed by the content.
    longest = max((len(run) for run in _BACKTICKS.findall(xml)), default=0)
    fence = "`" * max(3, longest + 1)
    preamble = plan.preamble or DEFAULT_PREAMBLE
    if not preamble.endswith("\n"):
        preamble += "\n"
    return f"{preamble}{fence}xml\n{xml}\n{fence}\n{plan.postamble}"


def write_plan(path: Path, plan: Plan) -> str:
    """Write ``plan`` to ``path`` atomically; return the text written."""
    text = render_plan(plan)
    atomic_write_text(path, text)
    return text
