"""A task's context (DESIGN.md §5.1): the task, its files, its dependencies' files, the spec,
the dependency manifests and the project tree, as prioritised sections.

What every task shares (IMPORTANT.md, spec, manifests, tree) is read once per run into a
:class:`ProjectContext`; per task only the task's own and its dependencies' files are read.
The prompt order (DESIGN.md §13) puts the parts every task shares first, so that a
provider's prompt cache can serve them: IMPORTANT.md, the spec, the manifests; then the
tree, the task, its files and its dependencies' files.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sago_tui.core.atomic import is_temp_file
from sago_tui.core.events import Event, FileRead
from sago_tui.core.fileblocks import render_file_block
from sago_tui.core.plan import Plan, Task
from sago_tui.core.project import ENV_FILE, PROTECTED_DIRS, SPEC_FILES, Project
from sago_tui.core.text import preview
from sago_tui.core.tokens import count_tokens

# ``object``: the bus's ``emit`` returns the stamped event, and any sink fits.
Emit = Callable[[Event], object]

FILE_LIMIT = 100 * 1024
MANIFEST_LIMIT = 8 * 1024
TREE_LIMIT = 400
MANIFESTS: tuple[str, ...] = (
    "pyproject.toml", "setup.cfg", "setup.py", "requirements*.txt", "package.json",
    "Cargo.toml", "go.mod", "Gemfile", "pom.xml", "build.gradle", "build.gradle.kts",
    "composer.json",
)  # fmt: skip
IGNORED_DIRS: frozenset[str] = frozenset(
    {".git", ".planning", "__pycache__", "node_modules", ".venv", "venv", "env", "dist",
     "build", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".idea", ".vscode"}
)  # fmt: skip
SECTION_ORDER: tuple[str, ...] = (
    "important", "spec", "manifests", "tree", "task", "files", "dependencies",
)  # fmt: skip
SHARED_SECTIONS: frozenset[str] = frozenset({"important", "spec", "manifests"})
"""Sections identical for every task of a run: the cacheable prompt prefix."""
IMPORTANT_FILE = "IMPORTANT.md"
_RANK = {name: rank for rank, name in enumerate(SECTION_ORDER)}


@dataclass(frozen=True)
class Section:
    """One part of a prompt; higher ``priority`` is kept longer when compressing."""

    name: str
    title: str
    text: str
    priority: int
    droppable: bool = True

    def render(self) -> str:
        """The section as a markdown heading and body."""
        return f"## {self.title}\n\n{self.text.rstrip()}\n"


@dataclass
class TaskContext:
    """The sections that make up one task's prompt context."""

    task: Task
    sections: list[Section]

    def section(self, name: str) -> Section | None:
        """The section called ``name``, if present."""
        return next((s for s in self.sections if s.name == name), None)

    def ordered(self) -> list[Section]:
        """The sections in the stable prompt order: important, spec, manifests, tree, task, …"""
        return sorted(self.sections, key=lambda s: _RANK.get(s.name, len(_RANK)))

    def render(self) -> str:
        """The whole context as markdown."""
        return "\n".join(section.render() for section in self.ordered())

    def render_shared(self) -> str:
        """The part every task of the run shares (the cacheable prefix), as markdown."""
        return "\n".join(s.render() for s in self.ordered() if s.name in SHARED_SECTIONS)

    def render_specific(self) -> str:
        """The part that is this task's own: tree, task, files, dependencies."""
        return "\n".join(s.render() for s in self.ordered() if s.name not in SHARED_SECTIONS)

    def token_count(self, model: str) -> int:
        """Tokens of :meth:`render`, summed per section (memoised for the shared ones).

        Within a few tokens of counting the rendered text in one go; the per-section sum
        lets a 500-task dry run tokenize the shared spec and tree once instead of 500 times.
        """
        return sum(count_tokens(section.render(), model) for section in self.sections)


class ProjectContext:
    """Sections shared by every task of a run: IMPORTANT.md, spec, manifests, tree."""

    def __init__(
        self,
        project: Project,
        spec: Section | None,
        manifests: Section | None,
        important: Section | None = None,
    ) -> None:
        self.project = project
        self.important = important
        self.spec = spec
        self.manifests = manifests
        self.tree = scan_tree(project.root)

    @classmethod
    def load(cls, project: Project, *, emit: Emit | None = None) -> ProjectContext:
        """Read the spec files, manifests and tree once; ``emit`` gets a FileRead per file."""
        spec_blocks: list[str] = []
        important_blocks: list[str] = []
        for name in SPEC_FILES:
            path = project.spec_path(name)
            if path.is_file():
                block = _file_block(name, path, FILE_LIMIT, None, emit)
                (important_blocks if name == IMPORTANT_FILE else spec_blocks).append(block)
        manifest_blocks = []
        for name in sorted(os.listdir(project.root)):
            path = project.root / name
            if any(fnmatch.fnmatchcase(name, p) for p in MANIFESTS) and path.is_file():
                manifest_blocks.append(_file_block(name, path, MANIFEST_LIMIT, None, emit))
        return cls(
            project,
            _section("spec", "Specification", 60, spec_blocks),
            _section("manifests", "Dependency manifests", 40, manifest_blocks),
            _section("important", "Important rules", 65, important_blocks),
        )

    def refresh_tree(self) -> None:
        """Rescan the project tree (tasks create files); spec and manifests stay as loaded."""
        self.tree = scan_tree(self.project.root)

    @property
    def sections(self) -> list[Section]:
        """The shared sections that exist, in prompt order."""
        parts = (self.important, self.spec, self.manifests, self.tree)
        return [s for s in parts if s is not None]


def build_task_context(
    project: Project, task: Task, plan: Plan, shared: ProjectContext, *, emit: Emit | None = None
) -> TaskContext:
    """The context of ``task``: its fields, its files, its dependencies' files, the shared parts.

    Every file read from disk here is reported as a ``FileRead`` with the task's id.
    """
    own = [path.strip() for path in task.files if path.strip()]
    files = [_task_file(project, path, task.id, emit) for path in own]
    seen = set(own)
    wanted = set(task.depends_on)
    dep_blocks = []
    for dep in (t for t in plan.tasks if t.id in wanted):
        for path in (p.strip() for p in dep.files):
            if path and path not in seen:
                seen.add(path)
                dep_blocks.append(_task_file(project, path, task.id, emit))
    sections = [
        Section("task", "Task", render_task(task), 100, droppable=False),
        Section("files", "Current content of the task's files", "\n".join(files) or "(none)", 90),
    ]
    deps = _section("dependencies", "Files from the tasks this one depends on", 70, dep_blocks)
    sections += [s for s in (deps, *shared.sections) if s is not None]
    return TaskContext(task, sections)


def render_task(task: Task) -> str:
    """The task's fields as markdown: id, name, phase, files, action, verify, done, depends_on."""
    files = "\n".join(f"- `{path}`" for path in task.files) or "- (none)"
    verify = task.verify.strip()
    # An inline code span needs a backtick run longer than any inside the command.
    ticks = "`" * (max((len(r) for r in re.findall("`+", verify)), default=0) + 1)
    pad = " " if "`" in verify else ""
    return (
        f"**Id:** {task.id}\n**Name:** {task.name}\n**Phase:** {task.phase}\n\n"
        f"**Files:**\n{files}\n\n**Action:**\n\n{task.action.strip()}\n\n"
        f"**Verify:** {ticks}{pad}{verify}{pad}{ticks}\n\n**Done:** {task.done.strip()}\n\n"
        f"**Depends on:** {', '.join(task.depends_on) or '(none)'}\n"
    )


def scan_tree(root: Path, limit: int = TREE_LIMIT) -> Section:
    """Relative paths under ``root`` in name order, each directory (ending in ``/``) followed
    by its contents, skipping build, cache and VCS folders; at most ``limit`` lines plus
    "… N more"."""
    lines: list[str] = []
    total = 0
    # A stack of directory listings walked depth-first, without recursion limits.
    stack: list[tuple[Iterator[os.DirEntry[str]], str]] = [(_listing(str(root)), "")]
    while stack:
        listing, prefix = stack[-1]
        entry = next(listing, None)
        if entry is None:
            stack.pop()
            continue
        is_dir = entry.is_dir(follow_symlinks=False)  # symlinked dirs: listed, not followed
        if is_dir and (entry.name in IGNORED_DIRS or entry.name.endswith(".egg-info")):
            continue
        if not is_dir and is_temp_file(entry.name):
            continue  # a write in flight (a parallel task's STATE.md, say), not project content
        total += 1
        rel = f"{prefix}{entry.name}/" if is_dir else prefix + entry.name
        if len(lines) < limit:
            lines.append(rel)
        if is_dir:
            stack.append((_listing(entry.path), rel))
    if total > limit:
        lines.append(f"… {total - limit} more")
    return Section("tree", "Project tree", "\n".join(lines) or "(empty project)", 30)


def _listing(folder: str) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as scan:
            return iter(sorted(scan, key=lambda e: e.name))
    except OSError:
        return iter(())


def _section(name: str, title: str, priority: int, blocks: Iterable[str]) -> Section | None:
    text = "\n".join(blocks)
    return Section(name, title, text, priority) if text else None


def _task_file(project: Project, rel: str, task_id: str, emit: Emit | None) -> str:
    """One declared file as a block, or a one-line note when it cannot or need not be read."""
    path = project.root / rel
    try:
        path.resolve().relative_to(project.root)  # absolute, "..", symlinks pointing away
    except (OSError, ValueError):
        return f"- `{rel}`: (not read: outside the project)"
    parts = Path(rel).parts
    if parts and (parts[0] in PROTECTED_DIRS or parts[-1] == ENV_FILE):
        return f"- `{rel}`: (not read: protected path)"  # never send .env secrets to the LLM
    if path.is_dir():
        return f"- `{rel}`: (a directory, not a file)"
    if not path.exists():
        return f"- `{rel}`: (new file)"
    return _file_block(rel, path, FILE_LIMIT, task_id, emit)


def _file_block(rel: str, path: Path, limit: int, task_id: str | None, emit: Emit | None) -> str:
    """Read ``path`` (at most ``limit`` bytes), emit a FileRead, return the rendered block."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            data = handle.read(limit)
    except OSError as exc:
        return f"- `{rel}`: (unreadable: {exc.strerror or exc})"
    if b"\0" in data[:8192]:
        note = f"(binary file, {size} bytes)"
        block = f"- `{rel}`: {note}"
    else:
        if size > limit and b"\n" in data:
            data = data[: data.rfind(b"\n") + 1]  # whole lines only: no half character
        note = data.decode("utf-8", errors="replace")
        if size > limit:
            note += "" if note.endswith("\n") else "\n"
            note += f"… [truncated: showing the first {len(data)} of {size} bytes]\n"
        block = render_file_block(rel, note)
    if emit is not None:
        emit(FileRead(task_id=task_id, path=rel, size_bytes=size, content_preview=preview(note)))
    return block
