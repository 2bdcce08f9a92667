"""Regenerate the sample run shown by ``sago-tui trace --demo``.

    python tools/make_sample_trace.py [--out sago_tui/templates/demo/sample-trace.jsonl]

The sample is a real run of the real engine (Orchestrator, cache, verify, auto-fix,
git commits), with the LLM answers replayed from the bundled demo recording plus a
few extra answers defined below, so it needs no key and no network. It builds the
demo project (textstats) in a temporary directory in two runs:

1. a setup run of phase 1 only, so its tasks are in the cache;
2. the recorded run: the plan is regenerated with two more tasks; at approval task
   3.3 is skipped; 1.1 and 1.2 are cache hits; 2.1 and 2.2 run in parallel
   (``--parallel 2``); 2.1's tests fail and the auto-fix repairs them; 2.2's answer
   names a file the task may not write (refused); every passed task is committed.

Replayed answers are instant, so each call waits a little (by answer size) to give
the timeline a realistic shape. Temporary paths are scrubbed from the result.
Needs ``git`` and ``pytest`` (the demo's verify commands run ``python -m pytest``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sago_tui.config import load_settings
from sago_tui.core.approval import ApprovalDecision
from sago_tui.core.bus import EventBus
from sago_tui.core.demo import build_cassette, demo_interaction, prepare_demo
from sago_tui.core.llm_types import LLMRequest, LLMResponse
from sago_tui.core.orchestrator import Orchestrator
from sago_tui.core.plan import Plan, PlanIssue
from sago_tui.core.project import Project
from sago_tui.core.replay import ReplayClient

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "sago_tui" / "templates" / "demo" / "sample-trace.jsonl"
SHOWN_ROOT = "/home/you/textstats"  # what the temporary project path becomes in the sample

README_VERIFY = (
    "python -c \"import pathlib; text = pathlib.Path('README.md').read_text(); "
    "assert 'python -m textstats' in text and 'top_words' in text\""
)
EXTRA_TASKS_PHASE_2 = f"""    <task id="2.2">
      <name>Document the package</name>
      <files>README.md</files>
      <action>Write README.md: what textstats does, the library functions with a short
        example, and the command line `python -m textstats FILE [--top N]` with sample
        output.</action>
      <verify>{README_VERIFY}</verify>
      <done>README.md documents the library and the command line.</done>
    </task>
"""
EXTRA_TASKS_PHASE_3 = """    <task id="3.3" depends_on="3.1">
      <name>Add JSON output</name>
      <files>textstats/cli.py</files>
      <action>Add a --json flag to the command line that prints the report as a JSON
        object.</action>
      <verify>python -m textstats samples/poem.txt --json</verify>
      <done>--json prints the report as JSON.</done>
    </task>
"""
README_ANSWER = """=== FILE: README.md ===
````markdown
# textstats

Line, word and character statistics for text files, standard library only.

```python
from textstats import count_words
from textstats.frequency import top_words

count_words("a b  c")                 # 3
top_words("Cat, cat! dog.", 2)        # [("cat", 2), ("dog", 1)]
```

## Command line

```
$ python -m textstats samples/poem.txt --top 3
lines: 3
words: 27
characters: 146
top 3 words:
  the 6
```
````

=== FILE: setup.py ===
```python
from setuptools import setup

setup(name="textstats")
```
"""


class PacedClient:
    """A replay that takes about as long as a real call would (so the timeline has a shape)."""

    def __init__(self, inner: ReplayClient) -> None:
        self._inner = inner

    @property
    def model(self) -> str:
        return self._inner.model

    def complete(self, request: LLMRequest, **options: Any) -> LLMResponse:
        """The recorded answer, after a pause; ``options`` (callbacks, cancel) pass through."""
        started = time.monotonic()
        response = self._inner.complete(request, **options)
        time.sleep(0.35 + response.completion_tokens / 900)
        return dataclasses.replace(response, duration_s=time.monotonic() - started)


def _cassettes(root: Path) -> tuple[Path, Path, str]:
    """Cassettes for the setup run and the recorded run, and the setup run's PLAN.md."""
    bundled = build_cassette()
    items = list(bundled["interactions"])  # type: ignore[call-overload]
    plan_text = next(i for i in items if i["purpose"] == "plan")["response"]["content"]
    phase_2_end = plan_text.index('  </phase>\n  <phase name="Phase 3')
    extended = plan_text[:phase_2_end] + EXTRA_TASKS_PHASE_2 + plan_text[phase_2_end:]
    extended = extended.replace(
        "  </phase>\n</phases>", EXTRA_TASKS_PHASE_3 + "  </phase>\n</phases>"
    )
    setup_plan = plan_text[: plan_text.index('  <phase name="Phase 2')] + "</phases>\n```\n"
    setup = [i for i in items if i["task_id"] in ("1.1", "1.2")]
    recorded = [demo_interaction("plan", None, extended)]
    recorded += [i for i in items if i["task_id"] in ("2.1", "3.1", "3.2")]
    recorded.append(demo_interaction("task", "2.2", README_ANSWER))
    paths = []
    for name, interactions in (("setup.json", setup), ("sample.json", recorded)):
        path = root / ".planning" / "cassettes" / name
        data = {**bundled, "interactions": interactions}
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1], setup_plan


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _approve_skipping_3_3(plan: Plan, issues: list[PlanIssue]) -> ApprovalDecision:
    return ApprovalDecision(approved=True, skipped=frozenset({"3.3"}))


def generate(workdir: Path) -> list[str]:
    """Build the project in ``workdir`` and return the recorded run's trace lines."""
    root = workdir / "textstats"
    prepare_demo(root)
    setup_cassette, sample_cassette, setup_plan = _cassettes(root)
    (root / ".gitignore").write_text(".planning/\n__pycache__/\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "spec")
    project = Project.at(root)

    (root / "PLAN.md").write_text(setup_plan, encoding="utf-8")
    settings = load_settings(root, flags={"run.yes": True})
    client = PacedClient(ReplayClient(setup_cassette))
    first = Orchestrator(project, settings, bus=EventBus(), client=client).run(command="run")
    if first.exit_code != 0:
        raise SystemExit(f"setup run failed: {first.reason}")

    flags = {"run.parallel": "2", "run.auto_retry": True, "run.git_commit": True}
    settings = load_settings(root, flags=flags)
    client = PacedClient(ReplayClient(sample_cassette))
    orchestrator = Orchestrator(
        project, settings, bus=EventBus(), client=client, approver=_approve_skipping_3_3
    )
    result = orchestrator.run(force_plan=True, command="run")
    lines = Path(result.trace_path).read_text(encoding="utf-8").splitlines()
    scrubbed = [_scrub(line, root, workdir) for line in lines]
    leftover = [
        line for line in scrubbed if str(workdir) in line or tempfile.gettempdir() + "/" in line
    ]
    if leftover:
        raise SystemExit(f"temporary paths left in the sample: {leftover[0][:200]}")
    return scrubbed


def _scrub(line: str, root: Path, workdir: Path) -> str:
    """Temporary and local paths become neutral ones, both raw and JSON-escaped."""
    for real, shown in (
        (str(root), SHOWN_ROOT),
        (str(workdir), "/home/you"),
        (str(REPO), "/src/sago-tui"),
    ):
        line = line.replace(real, shown).replace(json.dumps(real)[1:-1], shown)
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the sample")
    args = parser.parse_args(argv)
    os.environ.update(
        GIT_AUTHOR_NAME="sago-tui demo", GIT_AUTHOR_EMAIL="demo@example.invalid",
        GIT_COMMITTER_NAME="sago-tui demo", GIT_COMMITTER_EMAIL="demo@example.invalid",
        GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="sago-sample-") as tmp:
        lines = generate(Path(tmp).resolve())
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kinds = sorted({json.loads(line)["event_type"] for line in lines})
    print(f"{args.out}: {len(lines)} events ({', '.join(kinds)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
