"""A task's context: sections, file reads and their events, tree, manifests, dependencies."""

from __future__ import annotations

from pathlib import Path

import pytest

from sago_tui.core.context import (
    FILE_LIMIT,
    MANIFEST_LIMIT,
    SECTION_ORDER,
    ProjectContext,
    Section,
    TaskContext,
    build_task_context,
    render_task,
    scan_tree,
)
from sago_tui.core.events import Event, FileRead
from sago_tui.core.plan import Phase, Plan, Task
from sago_tui.core.project import Project
from sago_tui.core.tokens import count_tokens


def _write(root: Path, rel: str, content: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    _write(tmp_path, "PROJECT.md", "# Weather\nA weather dashboard.\n")
    _write(tmp_path, "REQUIREMENTS.md", "* [ ] **REQ-1:** show the temperature\n")
    _write(tmp_path, "pyproject.toml", '[project]\nname = "weather"\n')
    _write(tmp_path, "requirements-dev.txt", "pytest\n")
    _write(tmp_path, "sub/package.json", '{"name": "nested"}\n')  # not top level
    _write(tmp_path, "src/models.py", "class City:\n    name: str\n")
    _write(tmp_path, "src/api.py", "from src.models import City\n")
    _write(tmp_path, ".env", "OPENAI_API_KEY=sk-secret\n")
    for ignored in (".git/config", "node_modules/x/index.js", "pkg.egg-info/PKG-INFO"):
        _write(tmp_path, ignored, "ignored\n")
    _write(tmp_path, "src/__pycache__/models.cpython-311.pyc", b"\0\1")
    return Project.at(tmp_path)


def _task(task_id: str, files: list[str], depends_on: list[str] | None = None) -> Task:
    return Task(
        id=task_id,
        name=f"task {task_id}",
        files=files,
        action=f"Do step {task_id}.",
        verify="python -c 'import src'",
        done="It works.",
        depends_on=depends_on or [],
        phase="Phase 1: Setup",
    )


def _plan(*tasks: Task) -> Plan:
    return Plan(phases=[Phase(name="Phase 1: Setup", tasks=list(tasks))])


def test_sections_are_present_prioritised_and_rendered_in_order(project: Project) -> None:
    first = _task("1.1", ["src/models.py"])
    second = _task("1.2", ["src/api.py"], ["1.1"])
    _write(project.root, "IMPORTANT.md", "Use only the standard library.\n")
    context = build_task_context(
        project, second, _plan(first, second), ProjectContext.load(project)
    )
    assert [s.name for s in context.ordered()] == list(SECTION_ORDER)
    priorities = {s.name: (s.priority, s.droppable) for s in context.sections}
    assert priorities == {
        "task": (100, False),
        "files": (90, True),
        "dependencies": (70, True),
        "important": (65, True),
        "spec": (60, True),
        "manifests": (40, True),
        "tree": (30, True),
    }
    rendered = context.render()
    headings = [line for line in rendered.splitlines() if line.startswith("## ")]
    # What every task shares comes first, so a provider's prompt cache can serve it.
    assert headings == [
        "## Important rules",
        "## Specification",
        "## Dependency manifests",
        "## Project tree",
        "## Task",
        "## Current content of the task's files",
        "## Files from the tasks this one depends on",
    ]
    assert rendered == context.render_shared() + "\n" + context.render_specific()
    assert "IMPORTANT.md" in context.render_shared()
    assert "## Project tree" in context.render_specific()
    # Shuffled sections still render in the stable order.
    shuffled = TaskContext(second, list(reversed(context.sections)))
    assert shuffled.render() == rendered


def test_task_section_lists_every_field() -> None:
    task = _task("2.10", ["src/a.py", "src/b.py"], ["1.1", "2.9"])
    text = render_task(task)
    for expected in (
        "**Id:** 2.10",
        "**Name:** task 2.10",
        "**Phase:** Phase 1: Setup",
        "- `src/a.py`\n- `src/b.py`",
        "Do step 2.10.",
        "**Verify:** `python -c 'import src'`",
        "**Done:** It works.",
        "**Depends on:** 1.1, 2.9",
    ):
        assert expected in text
    assert "**Depends on:** (none)" in render_task(_task("1.1", ["a.py"]))
    odd = _task("1.1", ["a.py"])
    odd.verify = "echo `date`"
    assert "**Verify:** `` echo `date` ``" in render_task(odd)


def test_existing_and_new_files_and_their_events(project: Project) -> None:
    events: list[Event] = []
    task = _task("1.1", ["src/models.py", "src/new.py"])
    context = build_task_context(
        project, task, _plan(task), ProjectContext.load(project), emit=events.append
    )
    files = context.section("files")
    assert files is not None
    assert "=== FILE: src/models.py ===\n```\nclass City:\n    name: str\n```" in files.text
    assert "- `src/new.py`: (new file)" in files.text
    reads = [e for e in events if isinstance(e, FileRead)]
    assert [(e.task_id, e.path, e.size_bytes) for e in reads] == [
        ("1.1", "src/models.py", len("class City:\n    name: str\n"))
    ]
    assert reads[0].content_preview == "class City:\n    name: str\n"
    assert reads[0].data()["task_id"] == "1.1"


def test_load_reads_spec_and_manifests_once_with_events_without_task_id(
    project: Project,
) -> None:
    events: list[Event] = []
    shared = ProjectContext.load(project, emit=events.append)
    paths = [e.path for e in events if isinstance(e, FileRead)]
    assert paths == ["PROJECT.md", "REQUIREMENTS.md", "pyproject.toml", "requirements-dev.txt"]
    assert all(e.task_id is None for e in events)
    assert shared.spec is not None and shared.manifests is not None
    assert "A weather dashboard." in shared.spec.text
    assert "IMPORTANT.md" not in shared.spec.text  # missing spec files are skipped
    assert "=== FILE: requirements-dev.txt ===" in shared.manifests.text
    assert "nested" not in shared.manifests.text
    # Building a task context reads only the task's files, not the spec again.
    events.clear()
    task = _task("1.1", ["src/api.py"])
    build_task_context(project, task, _plan(task), shared, emit=events.append)
    assert [e.path for e in events if isinstance(e, FileRead)] == ["src/api.py"]


def test_binary_and_oversized_files(project: Project) -> None:
    _write(project.root, "assets/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    big = "".join(f"line {i}: {'x' * 60}\n" for i in range(2000))  # ~140 KB
    _write(project.root, "data/big.txt", big)
    events: list[Event] = []
    task = _task("1.1", ["assets/logo.png", "data/big.txt"])
    context = build_task_context(
        project, task, _plan(task), ProjectContext.load(project), emit=events.append
    )
    files = context.section("files")
    assert files is not None
    assert "- `assets/logo.png`: (binary file, 16 bytes)" in files.text
    assert "line 0: " in files.text and "line 1999: " not in files.text
    assert "… [truncated: showing the first " in files.text
    assert f"of {len(big)} bytes]" in files.text
    assert len(files.text) < FILE_LIMIT + 1000
    sizes = {e.path: e.size_bytes for e in events if isinstance(e, FileRead)}
    assert sizes == {"assets/logo.png": 16, "data/big.txt": len(big)}


def test_secrets_and_paths_outside_the_project_are_not_read(project: Project) -> None:
    outside = project.root.parent / "outside-secret.txt"
    outside.write_text("top secret\n")
    events: list[Event] = []
    task = _task("1.1", [".env", "../outside-secret.txt", str(outside), ".git/config"])
    context = build_task_context(
        project, task, _plan(task), ProjectContext.load(project), emit=events.append
    )
    text = context.render()
    assert "sk-secret" not in text and "top secret" not in text and "ignored" not in text
    assert "- `.env`: (not read: protected path)" in text
    assert "- `../outside-secret.txt`: (not read: outside the project)" in text
    assert not [e for e in events if isinstance(e, FileRead)]


def test_dependency_files_are_included_once(project: Project) -> None:
    first = _task("1.1", ["src/models.py", "src/api.py"])
    other = _task("1.2", ["src/unrelated.py"])
    third = _task("1.3", ["src/api.py", "src/cli.py"], ["1.1"])
    events: list[Event] = []
    context = build_task_context(
        project, third, _plan(first, other, third), ProjectContext.load(project), emit=events.append
    )
    deps = context.section("dependencies")
    assert deps is not None
    assert "=== FILE: src/models.py ===" in deps.text
    assert "src/api.py" not in deps.text  # already shown as the task's own file
    assert "unrelated" not in deps.text
    assert [e.path for e in events if isinstance(e, FileRead)] == ["src/api.py", "src/models.py"]
    assert all(e.task_id == "1.3" for e in events)
    no_deps = build_task_context(project, first, _plan(first), ProjectContext.load(project))
    assert no_deps.section("dependencies") is None


def test_tree_skips_ignored_dirs_and_lists_dirs_before_their_files(project: Project) -> None:
    lines = scan_tree(project.root).text.splitlines()
    assert lines == [
        ".env",
        "PROJECT.md",
        "REQUIREMENTS.md",
        "pyproject.toml",
        "requirements-dev.txt",
        "src/",
        "src/api.py",
        "src/models.py",
        "sub/",
        "sub/package.json",
    ]


def test_tree_skips_atomic_write_temp_files(tmp_path: Path) -> None:
    # Left by a write in flight (a parallel task's STATE.md) or by a crash mid-write.
    _write(tmp_path, ".STATE.md.l6xoedki.tmp", "half")
    _write(tmp_path, "src/.app.py.k2j3.tmp", "half")
    _write(tmp_path, "src/app.py", "")
    _write(tmp_path, "notes.tmp", "a user's own file")
    assert scan_tree(tmp_path).text.splitlines() == ["notes.tmp", "src/", "src/app.py"]


def test_tree_is_capped(tmp_path: Path) -> None:
    for i in range(450):
        _write(tmp_path, f"pkg/m{i:03}.py", "")
    section = scan_tree(tmp_path)
    lines = section.text.splitlines()
    assert len(lines) == 401
    assert lines[0] == "pkg/" and lines[399] == "pkg/m398.py"
    assert lines[-1] == "… 51 more"
    assert scan_tree(tmp_path, limit=451).text.splitlines()[-1] == "pkg/m449.py"


def test_refresh_tree_sees_new_files(project: Project) -> None:
    shared = ProjectContext.load(project)
    assert "src/created.py" not in shared.tree.text
    _write(project.root, "src/created.py", "x = 1\n")
    shared.refresh_tree()
    assert "src/created.py" in shared.tree.text
    assert shared.sections[-1] is shared.tree


def test_manifests_are_capped(tmp_path: Path) -> None:
    _write(tmp_path, "PROJECT.md", "# P\n")
    _write(tmp_path, "package.json", "{\n" + '  "k": "v",\n' * 2000 + "}\n")
    manifests = ProjectContext.load(Project.at(tmp_path)).manifests
    assert manifests is not None
    assert "… [truncated: showing the first" in manifests.text
    assert len(manifests.text) < MANIFEST_LIMIT + 500


def test_token_count_is_the_per_section_sum(project: Project) -> None:
    task = _task("1.1", ["src/models.py"])
    context = build_task_context(project, task, _plan(task), ProjectContext.load(project))
    expected = sum(count_tokens(s.render(), "gpt-4o") for s in context.sections)
    assert context.token_count("gpt-4o") == expected
    whole = count_tokens(context.render(), "gpt-4o")
    assert abs(whole - expected) <= 2 * len(context.sections)


def test_section_render() -> None:
    assert Section("tree", "Project tree", "a\nb\n\n", 30).render() == "## Project tree\n\na\nb\n"


def test_five_hundred_task_contexts(tmp_path: Path) -> None:
    _write(tmp_path, "PROJECT.md", "# Big\n" + "Spec line.\n" * 200)
    _write(tmp_path, "pyproject.toml", '[project]\nname = "big"\n')
    tasks = []
    for i in range(1, 501):
        path = f"pkg/mod{i:03}.py"
        if i % 2:
            _write(tmp_path, path, f"VALUE_{i} = {i}\n")
        tasks.append(_task(f"1.{i}", [path], [f"1.{i - 1}"] if i > 1 else []))
    project = Project.at(tmp_path)
    plan = _plan(*tasks)
    shared = ProjectContext.load(project)
    reads: list[Event] = []
    contexts = [build_task_context(project, t, plan, shared, emit=reads.append) for t in tasks]
    assert len(contexts) == 500
    assert all(c.section("spec") is shared.spec for c in contexts)
    assert "VALUE_3 = 3" in contexts[2].render()  # its own file
    assert "VALUE_3 = 3" in contexts[3].render()  # its dependency's file
    # 250 existing files (odd numbers), each read as an own file and as a dependency's file.
    assert len(reads) == 500
    assert all(c.token_count("gpt-4o") > 0 for c in contexts[:5])
