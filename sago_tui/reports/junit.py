"""``--junit FILE``: the run as JUnit XML, the test-report format every CI server reads.

Shape (valid for the Jenkins ``junit-10.xsd`` and the Ant/windyroad schema's
attribute rules; parsed by Jenkins, GitLab, GitHub test-report actions, Azure)::

    <testsuites name="sago-tui" tests failures errors skipped time>
      <testsuite name="sago-tui run PROJECT" tests failures errors skipped time
                 timestamp hostname id package>
        <properties> run_id, command, model, exit_code, exit_status, reason,
                     total_tokens, cost_usd, estimated_cost_usd, max_cost_usd, trace
        <testcase name="1.2 Task name" classname="Phase 1: Setup" time="0.412">
          <failure message="one-line reason" type="category">verify output tail</failure>
          <skipped message="why"/>                  (cached, skipped, not run)
          <system-out>verify command, result, files, attempts, tokens, cost</system-out>
        </testcase>
        <system-out>the totals line</system-out> <system-err/>

One testcase per task of the plan, in plan order. When the run failed without any
task failing (bad PLAN.md, provider outage before a task, budget, approval refused,
interrupt), one extra testcase ``sago-tui run`` carries an ``<error>`` with the
reason, so a CI server that only reads the XML still shows the run as broken.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from sago_tui.core.outcome import CACHED, FAILED, NOT_RUN, SKIPPED
from sago_tui.reports.model import RunReport, TaskReport
from sago_tui.reports.text import clean, flat

MESSAGE_LIMIT = 500
_SKIPPED = (CACHED, SKIPPED, NOT_RUN)


def _seconds(value: float) -> str:
    """A time attribute: plain decimal seconds (no thousands separators, no exponent)."""
    return f"{max(value, 0.0):.3f}"


def _timestamp(iso: str) -> str:
    """``2025-01-31T14:05:09``: ISO 8601 without zone or fraction, as Ant writes it."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        moment = datetime.now()
    if moment.tzinfo is not None:
        moment = moment.astimezone()  # the runner's local time, like every JUnit writer
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _message(text: str) -> str:
    line = flat(text)
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 1] + "…"


def run_error(report: RunReport) -> str | None:
    """The run-level error to report as its own testcase (None: the tasks say it all)."""
    if report.exit_code == 0 or report.count(FAILED):
        return None
    return report.reason or f"sago-tui exited with {report.exit_code} ({report.exit_status})"


def _case_output(task: TaskReport) -> str:
    lines = [f"task {task.id}: {task.name}", f"status: {task.status}"]
    if task.verify:
        lines.append(f"verify: {task.verify}")
    if task.verify_passed is not None:
        result = "passed" if task.verify_passed else "failed"
        how = "timed out" if task.verify_timed_out else f"exit {task.verify_exit_code}"
        lines.append(f"verify result: {result} ({how})")
    if task.files:
        lines.append(f"files: {', '.join(task.files)}")
    if task.files_written:
        lines.append(f"written: {', '.join(task.files_written)}")
    lines.append(f"attempts: {task.attempts}  tokens: {task.tokens}  cost: ${task.cost_usd:.6f}")
    if task.reason and task.status != FAILED:
        lines.append(f"reason: {task.reason}")
    return clean("\n".join(lines))


def _properties(report: RunReport) -> list[tuple[str, str]]:
    estimate = report.estimated_cost_usd
    return [
        ("run_id", report.run_id),
        ("command", report.command),
        ("model", report.model),
        ("exit_code", str(report.exit_code)),
        ("exit_status", report.exit_status),
        ("reason", report.reason),
        ("total_tokens", str(report.tokens)),
        ("cost_usd", f"{report.cost_usd:.6f}"),
        ("estimated_cost_usd", "" if estimate is None else f"{estimate:.6f}"),
        ("max_cost_usd", "" if report.max_cost_usd is None else f"{report.max_cost_usd:g}"),
        ("project", report.project),
        ("trace", report.trace),
    ]


def render_junit(report: RunReport, summary: str = "") -> str:
    """The JUnit XML document (UTF-8 text with its declaration)."""
    error = run_error(report)
    counts = {
        "tests": str(len(report.tasks) + (1 if error else 0)),
        "failures": str(report.count(FAILED)),
        "errors": str(1 if error else 0),
        "skipped": str(sum(report.count(status) for status in _SKIPPED)),
        "time": _seconds(report.duration_s),
    }
    root = ET.Element("testsuites", {"name": "sago-tui", **counts})
    project_name = report.project.rstrip("/").rsplit("/", 1)[-1]
    suite = ET.SubElement(
        root,
        "testsuite",
        {
            "name": flat(f"sago-tui {report.command} {project_name}"),
            **counts,
            "timestamp": _timestamp(report.started_at),
            "hostname": flat(report.hostname) or "localhost",
            "id": "0",
            "package": "sago-tui",
        },
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in _properties(report):
        ET.SubElement(properties, "property", {"name": name, "value": flat(value)})
    for task in report.tasks:
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "name": flat(f"{task.id} {task.name}"),
                "classname": task.phase or "sago-tui",
                "time": _seconds(task.duration_s),
            },
        )
        if task.status == FAILED:
            kind = task.category or "failed"
            failure = ET.SubElement(
                case, "failure", {"message": _message(task.reason), "type": kind}
            )
            failure.text = clean(task.output_tail) or _message(task.reason)
        elif task.status in _SKIPPED:
            ET.SubElement(case, "skipped", {"message": _message(task.reason or task.status)})
        ET.SubElement(case, "system-out").text = _case_output(task)
    if error:
        case = ET.SubElement(
            suite, "testcase", {"name": "sago-tui run", "classname": "sago-tui", "time": "0.000"}
        )
        attributes = {"message": _message(error), "type": report.exit_status}
        ET.SubElement(case, "error", attributes).text = clean(error)
    ET.SubElement(suite, "system-out").text = clean(summary)
    ET.SubElement(suite, "system-err").text = ""
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
