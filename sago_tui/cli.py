"""The ``sago-tui`` command line (DESIGN.md §2).

This module imports only the standard library: ``--help`` must be instant and
must load neither Textual nor litellm. Each command's code is imported when
that command runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sago_tui import __version__

COMMANDS = ("init", "plan", "execute", "run", "status", "trace", "demo")

DESCRIPTION = """\
Spec-driven coding with LLMs. Write PROJECT.md and REQUIREMENTS.md, review the
plan the LLM proposes, then every task gets one LLM call that writes its files
and a verify command that proves them.

  sago-tui [PATH]                 open the full-screen app on the project at PATH
  sago-tui --headless [PATH]      plan if needed, execute and verify, plain output (CI)
  sago-tui COMMAND --help         help for one command
"""

EPILOG = """\
commands:
  init [NAME]       create the spec files and STATE.md (--prompt: the LLM drafts the spec)
  plan              generate PLAN.md from the spec (--force regenerates, --approve approves,
                    --update revises it for a changed spec, keeping unaffected tasks)
  execute           execute the tasks of PLAN.md
  run               plan if needed, then execute (--dry-run estimates the cost first)
  status            progress per phase and task (-d for every task)
  trace             replay a past run in the app, or export it to one HTML file
  demo [DIR]        build the bundled sample project offline (no key, no network)

exit codes:
  0 all tasks passed   1 a task failed (or the disk is full)
  2 bad input (usage, config, PLAN.md, not a project, project in use by another sago-tui)
  3 LLM provider error after retries   4 budget reached   5 plan not approved
  130 interrupted

configuration (highest first): flag > environment > project .env > sago.toml >
user config file > defaults. See README.md for every key.
"""


def _add_llm_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model")
    group.add_argument("--model", metavar="NAME", help="model (any litellm model string)")
    group.add_argument("--api-base", metavar="URL", help="OpenAI-compatible server URL")
    group.add_argument(
        "--replay", metavar="FILE", help="answer every LLM call from a recording (no network)"
    )
    group.add_argument("--record", metavar="FILE", help="record this run's LLM answers to FILE")


def _add_run_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("run flags")
    add = group.add_argument
    add("--trace", action="store_true", help="write .planning/trace.html at the end of the run")
    add("--auto-retry", action="store_true", help="classify failures and ask the LLM for a fix")
    add("--git-commit", action="store_true", help="commit each passed task's files")
    add("--compress", action="store_true", help="compress the LLM context (sliding window)")
    add("--no-cache", action="store_true", help="re-execute every task, ignoring the cache")
    add("--no-verify", action="store_true", help="skip the verify commands")
    add(
        "--sandbox",
        dest="sandbox",
        action="store_const",
        const="on",
        help="require the bubblewrap sandbox for verify commands (exit 2 without it)",
    )
    add(
        "--no-sandbox",
        dest="sandbox",
        action="store_const",
        const="off",
        help="run verify commands unsandboxed (default: sandboxed when bwrap works)",
    )
    add("--continue-on-failure", action="store_true", help="keep starting tasks after a failure")
    add("--max-retries", metavar="N", help="fix attempts per task with --auto-retry (default 2)")
    add("--parallel", metavar="N", help="run up to N independent tasks at once (default 1)")
    add("--max-cost", metavar="USD", help="stop before an LLM call that would cross this budget")
    add("--require-approval", action="store_true", help="refuse to run an unapproved plan (exit 5)")
    add("-y", "--yes", action="store_true", help="answer yes to every question")
    add("-q", "--quiet", action="store_true", help="print only failures and the summary")
    add("-v", "--verbose", action="store_true", help="also print LLM calls, writes and commits")
    reports = parser.add_argument_group(
        "reports",
        "written whatever the outcome; the exit code stays the run's own. Under GitHub\n"
        "Actions a summary is also appended to $GITHUB_STEP_SUMMARY and failed tasks\n"
        "are annotated.",
    )
    reports.add_argument(
        "--junit",
        dest="junit_path",
        metavar="FILE",
        help="write a JUnit XML report (one test per task)",
    )
    reports.add_argument(
        "--json", dest="json_path", metavar="FILE", help="write a JSON report (schema in README)"
    )
    _add_llm_flags(parser)


def _path_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p", "--path", default=".", metavar="P", help="project directory (default: .)"
    )


def session_parser() -> argparse.ArgumentParser:
    """``sago-tui [PATH]`` and ``sago-tui --headless [PATH]``."""
    parser = argparse.ArgumentParser(
        prog="sago-tui",
        usage="sago-tui [--headless] [PATH] [RUN FLAGS]\n       sago-tui COMMAND [...]",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", default=".", help="project directory (default: .)")
    parser.add_argument(
        "--headless", action="store_true", help="no full-screen app: plain line output for CI"
    )
    parser.add_argument("--version", action="version", version=f"sago-tui {__version__}")
    _add_run_flags(parser)
    return parser


def command_parser() -> argparse.ArgumentParser:
    """``sago-tui COMMAND ...``."""
    parser = argparse.ArgumentParser(prog="sago-tui")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    init = sub.add_parser("init", help="create a project's spec files")
    init.add_argument("name", nargs="?", help="project name (and directory, unless --path)")
    init.add_argument("-p", "--path", metavar="P", help="project directory")
    init.add_argument("--prompt", metavar="TEXT", help="draft PROJECT.md and REQUIREMENTS.md")
    init.add_argument("--overwrite", action="store_true", help="replace existing spec files")
    init.add_argument("-y", "--yes", action="store_true", help="never ask")
    _add_llm_flags(init)

    plan = sub.add_parser("plan", help="generate PLAN.md from the spec")
    _path_option(plan)
    mode = plan.add_mutually_exclusive_group()
    mode.add_argument("-f", "--force", action="store_true", help="regenerate an existing PLAN.md")
    plan.add_argument("--feedback", metavar="TEXT", help="revise the current plan with this note")
    mode.add_argument(
        "-u",
        "--update",
        action="store_true",
        help="update PLAN.md for the spec's changes, keeping unaffected tasks (shows a plan diff)",
    )
    plan.add_argument("--approve", action="store_true", help="approve PLAN.md as it is now")
    plan.add_argument("-y", "--yes", action="store_true", help="never ask")
    plan.add_argument("--max-cost", metavar="USD", help="budget for the plan call")
    _add_llm_flags(plan)

    execute = sub.add_parser("execute", help="execute the tasks of PLAN.md")
    _path_option(execute)
    _add_run_flags(execute)

    run = sub.add_parser("run", help="plan if needed, then execute and verify")
    _path_option(run)
    run.add_argument("--force-plan", action="store_true", help="regenerate PLAN.md first")
    run.add_argument("--dry-run", action="store_true", help="estimate tokens and cost only")
    _add_run_flags(run)

    status = sub.add_parser("status", help="show progress per phase and task")
    _path_option(status)
    status.add_argument("-d", "--detailed", action="store_true", help="list every task")

    trace = sub.add_parser("trace", help="replay a past run, or export it to HTML")
    _path_option(trace)
    trace.add_argument("--run", metavar="ID", help="run id (default: the latest)")
    trace.add_argument("--list", action="store_true", help="list past runs")
    trace.add_argument("--demo", action="store_true", help="a sample run; no project needed")
    trace.add_argument("--html", metavar="FILE", help="export one self-contained HTML file")

    demo = sub.add_parser("demo", help="build the bundled sample project offline")
    demo.add_argument("dir", nargs="?", default="sago-demo", help="where (default: ./sago-demo)")
    demo.add_argument("--headless", action="store_true", help="plain output, no full-screen app")
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse with the command parser when the first word is a command."""
    first = next((a for a in argv if not a.startswith("-")), None)
    if first in COMMANDS and argv and argv[0] == first:
        return command_parser().parse_args(argv)
    args = session_parser().parse_args(argv)
    args.command = "headless" if args.headless else "app"
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sago-tui`` console script; returns the exit code.

    Called as the program (``argv`` None) by a command that loaded litellm without the
    app, it leaves with ``os._exit`` once everything is flushed (see :func:`_leave`).
    """
    code = _dispatch(list(sys.argv[1:] if argv is None else argv))
    if argv is None:
        _leave(code)
    return code


def _dispatch(argv: list[str]) -> int:
    args = parse_args(argv)
    from sago_tui.core.errors import ExitCode, SagoError, more_problems

    module = {"headless": "run_cmd", "execute": "run_cmd", "run": "run_cmd", "app": "app_cmd"}
    name = module.get(args.command, f"{args.command}_cmd")
    try:
        handler = importlib.import_module(f"sago_tui.commands.{name}")
        return int(handler.main(args))
    except SagoError as exc:
        print(f"sago-tui: error: {exc.message}", file=sys.stderr)
        for line in more_problems(getattr(exc, "problems", [])):  # a bad PLAN.md: all errors
            print(line, file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("sago-tui: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    finally:
        _quiet_broken_pipe()


def _leave(code: int) -> None:
    """Exit now when litellm is loaded: its module graph takes 1–2 s of interpreter
    teardown after the run's last event (DESIGN.md §9: exit within 0.2 s).

    Everything the command writes is already on disk by now: the trace is closed,
    reports and STATE.md are written atomically (temp file + rename) before the command
    returns; stdout, stderr and the log handlers are flushed here. The app is left to
    the normal exit, which restores the terminal.
    """
    if "litellm" not in sys.modules or "textual" in sys.modules:
        return
    import contextlib
    import logging
    import os

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone, a closed stream
            stream.flush()
    os._exit(code)


def _quiet_broken_pipe() -> None:
    """Flush stdout now; if the reader is gone, stop Python complaining at exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
