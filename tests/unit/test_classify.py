"""Classifying real verify output: genuine tracebacks and pytest runs."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from sago_tui.core.classify import (
    Failure,
    FailureCategory,
    classify_failure,
    normalise_output,
)
from sago_tui.core.verify import VerifyResult, run_verify

C = FailureCategory
PY = shlex.quote(sys.executable)

FAILING_TESTS = """\
def add(a, b):
    return a - b


def test_add():
    assert add(1, 2) == 3


def test_invalid_api_key():
    assert add(2, 2) == 4
"""


def _verify(command: str, cwd: Path) -> VerifyResult:
    # No plugin autoload: faster, and the output does not depend on what is installed.
    env = {"PATH": "/usr/bin:/bin", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return run_verify(command, cwd, timeout=60.0, env=env)


def _classify(command: str, cwd: Path) -> Failure:
    result = _verify(command, cwd)
    assert not result.success, result
    return classify_failure(result.stdout, result.stderr, result.exit_code)


def _python(code: str, cwd: Path) -> Failure:
    return _classify(f"{PY} -c {shlex.quote(code)}", cwd)


@pytest.mark.parametrize(
    ("code", "category", "summary"),
    [
        ("def f(:\n    pass", C.SYNTAX, "SyntaxError:"),
        ("if True:\nprint(1)", C.INDENTATION, "IndentationError: expected an indented block"),
        ("import requests_nonexistent_xyz", C.IMPORT, "ModuleNotFoundError: No module named"),
        ("from os import nope", C.IMPORT, "ImportError: cannot import name 'nope'"),
        ("print(undefined_name)", C.NAME, "NameError: name 'undefined_name' is not defined"),
        ("None.foo", C.ATTRIBUTE, "AttributeError: 'NoneType' object has no attribute 'foo'"),
        ("1 + 'a'", C.TYPE, "TypeError: unsupported operand"),
        ("int('x')", C.VALUE, "ValueError: invalid literal for int()"),
        ("{}['k']", C.KEY, "KeyError: 'k'"),
        ("[][1]", C.KEY, "IndexError: list index out of range"),
        ("open('missing.txt')", C.FILE_NOT_FOUND, "FileNotFoundError: [Errno 2]"),
        ("assert 1 == 2, 'math broke'", C.TEST_FAILURE, "AssertionError: math broke"),
        (
            "try:\n    {}['x']\nexcept KeyError:\n    raise ValueError('bad config')",
            C.VALUE,
            "ValueError: bad config",
        ),
        (
            "raise OSError(28, 'No space left on device')",
            C.DISK_FULL,
            "OSError: [Errno 28] No space left on device",
        ),
        ("1 / 0", C.UNKNOWN, "ZeroDivisionError: division by zero"),
    ],
)
def test_python_errors(tmp_path: Path, code: str, category: FailureCategory, summary: str) -> None:
    failure = _python(code, tmp_path)
    assert failure.category is category
    assert failure.summary.startswith(summary)
    assert "\n" not in failure.summary
    assert 0 < len(failure.relevant_lines) <= 20
    assert failure.curable is (category is not C.DISK_FULL)


def test_traceback_lines_end_with_the_exception(tmp_path: Path) -> None:
    # Thirty distinct frames (Python folds repeated identical ones).
    chain = "".join(f"def f{i}():\n    f{i + 1}()\n" for i in range(30))
    code = chain + "def f30():\n    {}['deep']\nf0()"
    failure = _python(code, tmp_path)
    assert failure.category is C.KEY
    assert len(failure.relevant_lines) == 20
    assert failure.relevant_lines[-1] == "KeyError: 'deep'"


def test_missing_script_is_file_not_found(tmp_path: Path) -> None:
    failure = _classify(f"{PY} missing_main.py", tmp_path)
    assert failure.category is C.FILE_NOT_FOUND
    assert "missing_main.py" in failure.summary


@pytest.fixture(scope="module")
def pytest_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pyproj")
    (root / "test_math.py").write_text(FAILING_TESTS)
    (root / "collect").mkdir()
    (root / "collect" / "test_imports.py").write_text("import not_installed_xyz\n")
    (root / "syntax").mkdir()
    (root / "syntax" / "test_broken.py").write_text("def test_x(:\n    pass\n")
    return root


def test_failing_pytest_run_is_a_test_failure(pytest_project: Path) -> None:
    result = _verify(f"{PY} -m pytest -p no:cacheprovider test_math.py", pytest_project)
    assert result.exit_code == 1 and result.stderr == ""  # pytest reports on stdout
    failure = classify_failure(result.stdout, result.stderr, result.exit_code)
    assert failure.category is C.TEST_FAILURE and failure.curable
    assert failure.summary == "FAILED test_math.py::test_add - assert -1 == 3"
    assert any(
        line.startswith(">") and "assert add(1, 2) == 3" in line for line in failure.relevant_lines
    )
    assert any(line.startswith("E") and "assert -1 == 3" in line for line in failure.relevant_lines)
    assert len(failure.relevant_lines) <= 20


def test_pytest_collection_import_error_is_import(pytest_project: Path) -> None:
    failure = _classify(f"{PY} -m pytest -p no:cacheprovider collect", pytest_project)
    assert failure.category is C.IMPORT
    assert failure.summary == "ModuleNotFoundError: No module named 'not_installed_xyz'"


def test_pytest_collection_syntax_error_is_syntax(pytest_project: Path) -> None:
    failure = _classify(f"{PY} -m pytest -p no:cacheprovider syntax", pytest_project)
    assert failure.category is C.SYNTAX


def test_unittest_failure(tmp_path: Path) -> None:
    (tmp_path / "test_u.py").write_text(
        "import unittest\n\nclass T(unittest.TestCase):\n"
        "    def test_a(self):\n        self.assertEqual(1, 2)\n"
    )
    failure = _classify(f"{PY} -m unittest test_u", tmp_path)
    assert failure.category is C.TEST_FAILURE
    assert failure.summary == "AssertionError: 1 != 2"
    assert failure.relevant_lines[0] == "Traceback (most recent call last):"
    assert failure.relevant_lines[-1] == "AssertionError: 1 != 2"


def test_missing_command(tmp_path: Path) -> None:
    failure = _classify("definitely-not-a-command-xyz --check", tmp_path)
    assert failure.category is C.MISSING_COMMAND and failure.curable
    assert "definitely-not-a-command-xyz" in failure.summary


def test_missing_interpreter_from_the_shell(tmp_path: Path) -> None:
    failure = _classify("cd . && python9.9 -c 'print(1)'", tmp_path)
    assert failure.category is C.MISSING_INTERPRETER
    assert not failure.curable


@pytest.mark.parametrize(
    ("stderr", "category"),
    [
        ("bash: python3: command not found\n", C.MISSING_INTERPRETER),
        ("/bin/sh: 1: node: not found\n", C.MISSING_INTERPRETER),
        ("/usr/bin/env: ‘python’: No such file or directory\n", C.MISSING_INTERPRETER),
        ("zsh: command not found: ruby\n", C.MISSING_INTERPRETER),
        ("sh: 1: pytest: not found\n", C.MISSING_COMMAND),
        ("bash: line 1: make: command not found\n", C.MISSING_COMMAND),
        ("", C.MISSING_COMMAND),
    ],
)
def test_shell_not_found_variants(stderr: str, category: FailureCategory) -> None:
    failure = classify_failure("", stderr, 127)
    assert failure.category is category
    assert failure.curable is (category is C.MISSING_COMMAND)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "openai.AuthenticationError: Error code: 401 - {'error': {'message': "
            "'Incorrect API key provided: sk-abc'}}",
            C.AUTH,
        ),
        ("HTTP 401 Unauthorized", C.AUTH),
        ("Error: invalid api key", C.AUTH),
        ("openai.RateLimitError: {'error': {'code': 'insufficient_quota'}}", C.QUOTA),
        ("You exceeded your current quota, please check your plan", C.QUOTA),
        ("cp: error writing 'out.bin': No space left on device", C.DISK_FULL),
    ],
)
def test_environment_failures_are_not_curable(text: str, category: FailureCategory) -> None:
    failure = classify_failure("", text + "\n", 1)
    assert failure.category is category
    assert not failure.curable


def test_auth_words_in_test_names_are_not_auth() -> None:
    stdout = (
        "___ test_invalid_api_key ___\n\n    def test_invalid_api_key():\n"
        ">       assert status == 401\nE       assert 200 == 401\n\n"
        "FAILED tests/test_auth.py::test_invalid_api_key - assert 200 == 401\n"
        "1 failed in 0.01s\n"
    )
    assert classify_failure(stdout, "", 1).category is C.TEST_FAILURE


@pytest.mark.parametrize(
    ("stderr", "category"),
    [
        ("ReferenceError: foo is not defined\n    at Object.<anonymous> (/x/a.js:1:1)", C.NAME),
        ("Error: Cannot find module 'express'\nRequire stack:\n- /x/a.js", C.IMPORT),
        ("TypeError: x.map is not a function\n    at main (/x/a.js:3:5)", C.TYPE),
        ("src/a.py:3: error: Incompatible return value  [return-value]", C.TYPE),
        ('src/a.py:5: error: "A" has no attribute "b"  [attr-defined]', C.ATTRIBUTE),
        ("cat: data.csv: No such file or directory", C.FILE_NOT_FOUND),
    ],
)
def test_other_tools(stderr: str, category: FailureCategory) -> None:
    assert classify_failure("", stderr + "\n", 1).category is category


def test_timeout() -> None:
    failure = classify_failure("partial\n", "", None, timed_out=True)
    assert failure.category is C.TIMEOUT and failure.curable
    assert failure.relevant_lines == ["partial"]


def test_unknown_uses_last_line_or_exit_code() -> None:
    assert classify_failure("", "", 1) == Failure(C.UNKNOWN, "exit code 1", [], True)
    failure = classify_failure("working\n", "boom happened\n\n", 2)
    assert (failure.category, failure.summary) == (C.UNKNOWN, "boom happened")


def test_failure_of_sets_curable_from_category() -> None:
    assert not Failure.of(C.QUOTA, "out of credit").curable
    assert Failure.of(C.TRUNCATED, "answer cut off\nat the limit").summary == (
        "answer cut off at the limit"
    )


def test_normalise_two_real_runs_of_one_failure_compare_equal(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    outputs = []
    for name in ("first", "second"):
        root = tmp_path_factory.mktemp(name)
        (root / "test_math.py").write_text(FAILING_TESTS)
        (root / "helper.py").write_text("def boom():\n    raise ValueError(object())\n")
        command = (
            f"{PY} -m pytest -p no:cacheprovider test_math.py; "
            f"{PY} -c 'import helper; helper.boom()'"
        )
        result = _verify(command, root)
        outputs.append(result.combined_output)
    assert outputs[0] != outputs[1]  # different paths, durations and addresses
    assert normalise_output(outputs[0]) == normalise_output(outputs[1])


def test_normalise_strips_noise() -> None:
    one = (
        "platform linux -- Python 3.11.7, pytest-8.4.2\nrootdir: /home/a\n"
        "2024-05-01T10:00:00Z started\n<Foo object at 0x7f3a2b1c0d90>\n"
        "File /tmp/pytest-of-me/pytest-3/test_x0/a.py line 3\n"
        "=====  1 failed in 0.12s  =====\n"
    )
    two = (
        "platform linux -- Python 3.12.1, pytest-8.4.2\nrootdir: /srv/b\n\n"
        "2025-01-31 23:59:59.123 started\n<Foo object at 0x55d1c0ffee00>\n"
        "File /tmp/pytest-of-me/pytest-9/test_x1/a.py   line 3\n"
        "===== 1 failed in 12.50s =====\n"
    )
    assert normalise_output(one) == normalise_output(two)


def test_normalise_keeps_different_failures_apart() -> None:
    base = "E   assert add(1, 2) == 3\nFAILED test_a.py::test_add - assert -1 == 3\n"
    other = "E   assert add(2, 2) == 5\nFAILED test_a.py::test_add - assert 0 == 5\n"
    assert normalise_output(base) != normalise_output(other)
    assert normalise_output("KeyError: 'a'") != normalise_output("KeyError: 'b'")
    assert normalise_output("line 3") != normalise_output("line 4")
