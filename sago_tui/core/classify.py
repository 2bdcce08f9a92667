"""Failure categories from verify output (DESIGN.md §5.5).

The category steers the fix prompt and decides whether a fix is worth trying:
no rewrite of the task's files can install an interpreter, free disk space or
fix an API key, so those failures stop the fix loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from sago_tui.core.text import one_line


class FailureCategory(StrEnum):
    """What kind of failure a verify run (or an answer) showed."""

    SYNTAX = "syntax"
    INDENTATION = "indentation"
    IMPORT = "import"
    NAME = "name"
    ATTRIBUTE = "attribute"
    TYPE = "type"
    VALUE = "value"
    KEY = "key"
    FILE_NOT_FOUND = "file_not_found"
    TEST_FAILURE = "test_failure"
    TIMEOUT = "timeout"
    MISSING_COMMAND = "missing_command"
    MISSING_INTERPRETER = "missing_interpreter"
    AUTH = "auth"
    QUOTA = "quota"
    DISK_FULL = "disk_full"
    TRUNCATED = "truncated"
    NO_FILES = "no_files"
    UNKNOWN = "unknown"


NOT_CURABLE: frozenset[FailureCategory] = frozenset(
    {
        FailureCategory.MISSING_INTERPRETER,
        FailureCategory.AUTH,
        FailureCategory.QUOTA,
        FailureCategory.DISK_FULL,
    }
)
"""Categories no rewrite of the task's files can fix."""

_MAX_LINES = 20


@dataclass(frozen=True)
class Failure:
    """A classified failure: ``summary`` is one line, ``relevant_lines`` at most 20."""

    category: FailureCategory
    summary: str
    relevant_lines: list[str] = field(default_factory=list)
    curable: bool = True

    @classmethod
    def of(
        cls, category: FailureCategory, summary: str, relevant_lines: list[str] | None = None
    ) -> Failure:
        """A failure whose ``curable`` flag follows from its category."""
        lines = (relevant_lines or [])[:_MAX_LINES]
        return cls(category, one_line(summary), lines, category not in NOT_CURABLE)


_C = FailureCategory
_EXCEPTIONS: dict[str, FailureCategory] = {
    "SyntaxError": _C.SYNTAX,
    "IndentationError": _C.INDENTATION,
    "TabError": _C.INDENTATION,
    "ImportError": _C.IMPORT,
    "ModuleNotFoundError": _C.IMPORT,
    "NameError": _C.NAME,
    "UnboundLocalError": _C.NAME,
    "ReferenceError": _C.NAME,
    "AttributeError": _C.ATTRIBUTE,
    "TypeError": _C.TYPE,
    "ValueError": _C.VALUE,
    "JSONDecodeError": _C.VALUE,
    "UnicodeDecodeError": _C.VALUE,
    "KeyError": _C.KEY,
    "IndexError": _C.KEY,
    "FileNotFoundError": _C.FILE_NOT_FOUND,
    "AssertionError": _C.TEST_FAILURE,
}
# Node and other runtimes say "Error: <message>"; the message tells the kind.
_MESSAGES: list[tuple[re.Pattern[str], FailureCategory]] = [
    (re.compile(r"No module named|Cannot find module|cannot import name"), _C.IMPORT),
    (re.compile(r"is not defined"), _C.NAME),
    (re.compile(r"No such file or directory|ENOENT"), _C.FILE_NOT_FOUND),
]
_MYPY_CODES = {"attr-defined": _C.ATTRIBUTE, "name-defined": _C.NAME, "syntax": _C.SYNTAX}

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_EXCEPTION = re.compile(
    r"^(?:E\s+)?(?P<name>(?:[A-Za-z_]\w*\.)*(?:[A-Za-z_]\w*)?(?:Error|Exception))(?::\s?(?P<msg>.*))?$"
)
_DISK_FULL = re.compile(r"No space left on device|\bENOSPC\b|\[Errno 28\]|Disk quota exceeded")
_QUOTA = re.compile(
    r"insufficient_quota|exceeded your current quota|quota exceeded|billing_hard_limit"
    r"|credit balance is too low",
    re.IGNORECASE,
)
_AUTH = re.compile(
    r"invalid[ _-]?api[ _-]?key|incorrect api key|authentication_?error|error code:?\s*401\b"
    r"|\b401\b.{0,40}unauthori[sz]ed|unauthori[sz]ed.{0,40}\b401\b|api[_ ]key\b.{0,60}must be set",
    re.IGNORECASE,
)
_NOT_FOUND = re.compile(
    r"^(?:\S*sh: (?:\d+: |line \d+: )?(?:exec: )?(?P<a>[^:\n]+): (?:command )?not found"
    r"|\S*sh: (?:line \d+: )?(?P<b>[^:\n]+): No such file or directory"
    r"|zsh: command not found: (?P<c>\S+)"
    r"|(?:/usr/bin/)?env: [‘'\"]?(?P<d>[^’'\":\n]+)[’'\"]?: No such file or directory)\s*$",
    re.MULTILINE,
)
_INTERPRETER = re.compile(
    r"^(?:python[\d.]*|py|pypy[\d.]*|pip[\d.]*|node(?:js)?|npm|npx|deno|bun|ruby|gem|perl|php"
    r"|java|javac|go|rustc|cargo|dotnet|Rscript|lua|julia|swift|elixir|ghc)$"
)
_PYTEST_COLLECT = re.compile(
    r"errors? during collection|^_+ ERROR collecting|ImportError while importing test module",
    re.MULTILINE,
)
_TEST_FAILED = re.compile(
    r"^FAILED \S|\b\d+ failed\b|^FAILED \((?:failures|errors)=|^FAIL: |^E\s+assert\b"
    r"|^\s*Tests?:\s+\d+ failed|^# fail [1-9]",
    re.MULTILINE,
)
# Test ids, pytest section titles and quoted source lines: they name things, they
# don't report them.
_CODE = re.compile(r"^(?:.*::|_{3,}|\s*(?:>|def |async def |class ))")
_E_PREFIX = re.compile(r"^E\s+")
_PYTEST_DETAIL = re.compile(r"^(?:E |>|\S+:\d+: \w)")
_SUMMARY_LINE = re.compile(r"^(?:FAILED|ERROR) [^\s(]")  # not unittest's "FAILED ("
_MYPY = re.compile(r"^\S+:\d+: error: .*\[(?P<code>[\w-]+)\]\s*$", re.MULTILINE)


def _last_exception(lines: list[str]) -> tuple[int, re.Match[str]] | None:
    for index in range(len(lines) - 1, -1, -1):
        match = _EXCEPTION.match(lines[index])
        if match is not None:
            return index, match
    return None


def _exception_category(match: re.Match[str]) -> FailureCategory:
    name = match["name"].rsplit(".", 1)[-1]
    if name in _EXCEPTIONS:
        return _EXCEPTIONS[name]
    message = match["msg"] or ""
    return next((cat for pattern, cat in _MESSAGES if pattern.search(message)), _C.UNKNOWN)


def _traceback_lines(lines: list[str], end: int) -> list[str]:
    """The last frames of the traceback ending at ``end`` (the exception line)."""
    start = max(end - _MAX_LINES + 1, 0)
    for index in range(end, start - 1, -1):
        if lines[index].startswith("Traceback (most recent call last)"):
            start = index
            break
    return lines[start : end + 1]


def _pytest_lines(lines: list[str]) -> list[str]:
    """The first failure's details (``>``, ``E``, ``file:line:``) and the summary lines."""
    details = [line for line in lines if _PYTEST_DETAIL.match(line)][:15]
    summary = [line for line in lines if _SUMMARY_LINE.match(line)][:5]
    return details + summary


def _clean(line: str) -> str:
    """``line`` without pytest's ``E   `` prefix and surrounding blanks."""
    return _E_PREFIX.sub("", line).strip()


def _not_found(text: str, exit_code: int | None, other_signals: bool) -> Failure | None:
    """A missing command or interpreter, when the shell said so (or exited 127)."""
    match = _NOT_FOUND.search(text)
    if match is None:
        if exit_code == 127:
            return Failure.of(_C.MISSING_COMMAND, "command not found (exit code 127)")
        return None
    if exit_code != 127 and other_signals:
        return None  # e.g. a test that ran a missing tool; the test failure is the news
    command = next(group for group in match.groups() if group).strip().rsplit("/", 1)[-1]
    category = _C.MISSING_INTERPRETER if _INTERPRETER.match(command) else _C.MISSING_COMMAND
    line = match.group(0).strip()
    return Failure.of(category, line, [line])


def fixable_by_files(failure: Failure) -> bool:
    """Whether rewriting the task's files could cure ``failure``.

    Beyond :attr:`Failure.curable`: a missing *program* the shell looked up on
    PATH (a bare name such as ``pytest`` or ``nonexistent-tool``) cannot be
    provided by any file the task writes, so asking the LLM for a fix is wasted;
    a missing path (``./run.sh``) may well be a file the task forgot.
    """
    if not failure.curable:
        return False
    if failure.category is _C.MISSING_COMMAND:
        match = _NOT_FOUND.search(failure.summary)
        if match is not None:
            program = next(group for group in match.groups() if group).strip()
            return "/" in program
    return True


def classify_failure(
    stdout: str, stderr: str, exit_code: int | None, *, timed_out: bool = False
) -> Failure:
    """Classify a failed verify run from its stdout and stderr (both are looked at)."""
    text = _ANSI.sub("", stdout.rstrip("\n") + "\n" + stderr)
    lines = text.splitlines()
    tail = [line for line in lines if line.strip()][-_MAX_LINES:]
    if timed_out:
        return Failure.of(_C.TIMEOUT, "verify command timed out", tail)
    # Environment problems first: no fix of the code helps, whatever else broke.
    for pattern, category in ((_DISK_FULL, _C.DISK_FULL), (_QUOTA, _C.QUOTA), (_AUTH, _C.AUTH)):
        # Test names and source lines (test_invalid_api_key) are not the error itself.
        hit = next((ln for ln in lines if not _CODE.match(ln) and pattern.search(ln)), None)
        if hit is not None:
            return Failure.of(category, hit.strip(), [hit])
    exception = _last_exception(lines)
    tests_failed = _TEST_FAILED.search(text) is not None
    missing = _not_found(text, exit_code, exception is not None or tests_failed)
    if missing is not None:
        return missing
    if _PYTEST_COLLECT.search(text) and exception is not None:
        category = _exception_category(exception[1])
        if category is _C.UNKNOWN:
            category = _C.TEST_FAILURE
        return Failure.of(category, _clean(exception[1].group(0)), _pytest_lines(lines))
    if tests_failed:
        summary = next((ln for ln in lines if _SUMMARY_LINE.match(ln)), None)
        if summary is None and exception is not None:
            summary = exception[1].group(0)
        if summary is None:
            summary = next((ln for ln in lines if _TEST_FAILED.search(ln)), "tests failed")
        relevant = _pytest_lines(lines)
        if exception is not None and not any(_PYTEST_DETAIL.match(ln) for ln in relevant):
            relevant = _traceback_lines(lines, exception[0])  # unittest and friends
        return Failure.of(_C.TEST_FAILURE, _clean(summary), relevant)
    if exception is not None:
        index, match = exception
        category = _exception_category(match)
        return Failure.of(category, _clean(match.group(0)), _traceback_lines(lines, index))
    mypy = list(_MYPY.finditer(text))
    if mypy:
        category = _MYPY_CODES.get(mypy[0]["code"], _C.TYPE)
        if mypy[0]["code"].startswith("import"):
            category = _C.IMPORT
        return Failure.of(category, mypy[0].group(0), [m.group(0) for m in mypy])
    for pattern, category in _MESSAGES:
        hit = next((ln for ln in lines if pattern.search(ln)), None)
        if hit is not None:
            return Failure.of(category, hit.strip(), [hit])
    summary = tail[-1] if tail else f"exit code {exit_code}"
    return Failure.of(_C.UNKNOWN, summary, tail)


_NORMALISE: list[tuple[re.Pattern[str], str]] = [
    (_ANSI, ""),
    # pytest's run header: versions, paths, plugins, counts.
    (
        re.compile(
            r"^(?:=+ test session starts =+|platform \w+ -- Python .*|cachedir: .*|rootdir: .*"
            r"|configfile: .*|testpaths: .*|plugins: .*|asyncio: .*|hypothesis profile .*"
            r"|collect(?:ing|ed) .*|Using --\S+ .*)$",
            re.MULTILINE,
        ),
        "",
    ),
    (
        re.compile(
            r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\b"
            r"|\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b"
        ),
        "<time>",
    ),
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds)\b"), "<duration>"),
    (re.compile(r"0x[0-9a-fA-F]{4,}"), "0x…"),
    (re.compile(r"(?:/private)?/(?:tmp|var/tmp|var/folders)/[^\s'\":]*"), "<tmp>"),
    (re.compile(r"[ \t]+"), " "),
]


def normalise_output(text: str) -> str:
    """``text`` without run-to-run noise, so two runs of one failure compare equal.

    Durations, timestamps, hex addresses, temp paths, pytest's header lines and
    whitespace differences are removed; everything else (messages, names, line
    numbers) is kept, so different failures stay different.
    """
    for pattern, replacement in _NORMALISE:
        text = pattern.sub(replacement, text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
