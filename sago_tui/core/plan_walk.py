"""The tag walker of the PLAN.md parser: ``<phases>`` … ``</phases>`` into a :class:`Plan`.

A loop over tags with an explicit stack of open containers (no recursion, so
deep nesting cannot exhaust the stack). Containers (``phases``, ``phase``,
``task``) may hold only their known children, comments and whitespace; text
elements are read whole by :func:`read_leaf`, so anything inside them is text.
Positions are kept as offsets; the parser turns them into lines.
"""

from __future__ import annotations

from sago_tui.core.plan import Phase, Plan, Task
from sago_tui.core.plan_scan import (
    Note,
    ScanError,
    Tag,
    clean_text,
    read_leaf,
    read_tag,
    split_files,
    split_ids,
)
from sago_tui.core.text import one_line

TASK_FIELDS: tuple[str, ...] = ("name", "files", "action", "verify", "done")
_DEPENDS_ATTRS = ("depends_on", "depends-on", "dependsOn", "depends")
_CHILD = {"phases": "phase", "phase": "task"}
_LEAVES = {"phases": (), "phase": ("description",), "task": TASK_FIELDS}


class Walker:
    """Turns the tags after ``<phases>`` into phases and tasks, one tag at a time."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.plan = Plan()
        self.notes: list[Note] = []
        # Open containers, each with the leaf elements already read inside it.
        self.stack: list[tuple[Tag, set[str]]] = []
        # Source offsets of each task element (<task … </task>), keyed by id(task).
        self.spans: dict[int, tuple[int, int]] = {}

    def _task(self) -> Task | None:
        tag = self.stack[-1][0]
        return self.plan.phases[-1].tasks[-1] if tag.name == "task" else None

    def _fail(self, message: str, pos: int) -> ScanError:
        task = self._task() if self.stack else None
        return ScanError(message, pos, task.id if task is not None else "")

    def _where(self) -> str:
        task = self._task()
        if task is not None:
            return "<task>"
        if self.stack[-1][0].name == "phase":
            return f'<phase name="{one_line(self.plan.phases[-1].name, 40)}">'
        return "<phases>"

    def walk(self, start: int) -> int:
        """Read from the ``<phases`` tag at ``start``; return the offset after ``</phases>``."""
        root = read_tag(self.text, start)
        if root is None:  # not reached: locate_block found "<phases" and a delimiter
            raise ScanError("malformed <phases> tag", start)
        if root.self_closing:
            return root.end
        self.stack.append((root, set()))
        pos = root.end
        while True:
            at = self.text.find("<", pos)
            if at < 0:
                innermost = self.stack[-1][0]
                raise self._fail(f"<{innermost.name}> is never closed", innermost.start)
            self._no_text(pos, at)
            pos = self._markup(at)
            if not self.stack:
                return pos

    def _no_text(self, start: int, end: int) -> None:
        stray = self.text[start:end]
        if stray.strip():
            offset = start + len(stray) - len(stray.lstrip())
            raise self._fail(f"unexpected text {one_line(stray, 40)!r} in {self._where()}", offset)

    def _markup(self, at: int) -> int:
        for opener, closer in (("<!--", "-->"), ("<?", "?>")):
            if self.text.startswith(opener, at):
                stop = self.text.find(closer, at)
                if stop < 0:
                    raise self._fail(f"{opener} is never closed", at)
                return stop + len(closer)
        try:
            tag = read_tag(self.text, at)
        except ScanError as exc:
            raise self._fail(exc.message, exc.pos) from None
        if tag is None:
            close = self.text.find(">", at, at + 60)
            snippet = one_line(self.text[at : close + 1 if close >= 0 else at + 40], 60)
            raise self._fail(f"unexpected {snippet!r} in {self._where()}", at)
        if tag.closing:
            return self._close(tag)
        current = self.stack[-1][0].name
        if tag.name == _CHILD.get(current):
            self._open(tag)
            return tag.end
        if tag.name in _LEAVES[current]:
            return self._leaf(tag)
        names = (*_LEAVES[current], *([_CHILD[current]] if current in _CHILD else []))
        allowed = ", ".join(f"<{name}>" for name in names)
        raise self._fail(f"unexpected <{tag.name}> in {self._where()} (expected {allowed})", at)

    def _close(self, tag: Tag) -> int:
        innermost = self.stack[-1][0]
        if tag.name == innermost.name:
            self.stack.pop()
            if tag.name == "task":
                task = self.plan.phases[-1].tasks[-1]
                self.spans[id(task)] = (innermost.start, tag.end)
            return tag.end
        if any(open_tag.name == tag.name for open_tag, _ in self.stack):
            raise self._fail(
                f"<{innermost.name}> is not closed before </{tag.name}>", innermost.start
            )
        raise self._fail(f"unexpected </{tag.name}> in {self._where()}", tag.start)

    def _open(self, tag: Tag) -> None:
        if tag.name == "phase":
            name = tag.attrs.get("name", "").strip()
            self.plan.phases.append(Phase(name=name, line=tag.start))
            known: tuple[str, ...] = ("name",)
        else:
            phase = self.plan.phases[-1]
            depends = next((tag.attrs[key] for key in _DEPENDS_ATTRS if key in tag.attrs), "")
            task_id = tag.attrs.get("id", "").strip()
            task = Task(task_id, "", [], "", "", "", split_ids(depends), phase.name, tag.start)
            task.reqs = split_ids(tag.attrs.get("reqs", ""))
            phase.tasks.append(task)
            self.spans[id(task)] = (tag.start, tag.end)
            known = ("id", "reqs", *_DEPENDS_ATTRS)
        for key in tag.attrs:
            if key not in known:
                self.notes.append((tag.start, f"unknown attribute {key} on <{tag.name}> ignored"))
        if not tag.self_closing:
            self.stack.append((tag, set()))

    def _leaf(self, tag: Tag) -> int:
        seen = self.stack[-1][1]
        if tag.name in seen:
            raise self._fail(f"<{tag.name}> appears twice in {self._where()}", tag.start)
        seen.add(tag.name)
        try:
            raw, end = ("", tag.end) if tag.self_closing else read_leaf(self.text, tag)
        except ScanError as exc:  # name the task the broken element belongs to
            raise self._fail(exc.message, exc.pos) from None
        task = self._task()
        if task is None:
            self.plan.phases[-1].description = clean_text(raw)
        elif tag.name == "files":
            task.files = split_files(raw)
        else:
            setattr(task, tag.name, clean_text(raw))
        return end
