"""Fuzzing what tests/unit/test_*_fuzz.py leaves out: undecodable input and the path gate.

The unit fuzzers feed well-formed Unicode. Real input also arrives as bytes: a PLAN.md
saved in Latin-1, an answer with garbage bytes, file names decoded with
``surrogateescape`` (which leaves lone surrogates in the string). For all of it:

- ``parse_plan`` returns a plan (whose problems are one line each) or raises
  :class:`PlanError`; ``load_plan`` on any bytes does the same;
- ``parse_file_blocks`` returns well-formed blocks or raises :class:`FileBlockError`;
- ``resolve_writable_path`` on any path string either refuses (:class:`PathRefused`)
  or names a file inside the project, outside ``.git``/``.planning``.

Nothing else may escape: no ``UnicodeError``, ``IndexError``, ``RecursionError``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sago_tui.core.errors import PlanError
from sago_tui.core.fileblocks import FileBlockError, parse_file_blocks
from sago_tui.core.paths import PathRefused, resolve_writable_path
from sago_tui.core.plan import Plan
from sago_tui.core.plan_parser import load_plan, parse_plan

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

VALID_PLAN = """# PLAN

```xml
<phases>
  <phase name="Phase 1: Setup">
    <description>Set up.</description>
    <task id="1.1">
      <name>Create the package</name>
      <files>src/pkg/__init__.py, src/pkg/core.py</files>
      <action>Write the package; use a &amp; b and x < y.</action>
      <verify>python -c "import pkg"</verify>
      <done>It imports.</done>
    </task>
    <task id="1.2" depends_on="1.1">
      <name>Test it</name>
      <files>tests/test_core.py</files>
      <action>Write tests.</action>
      <verify>python -m pytest -q tests/test_core.py</verify>
      <done>Tests pass.</done>
    </task>
  </phase>
</phases>
```
"""

ANSWER = """Here you go.

=== FILE: src/pkg/core.py ===
```python
def f() -> int:
    return 1
```

=== FILE: README.md ===
````markdown
# Pkg
```bash
pip install pkg
```
````
"""

ERRORS = ("surrogateescape", "replace")


def corrupt(data: bytes, edits: list[tuple[int, bytes]]) -> bytes:
    """``data`` with each (offset, bytes) written over it: byte-level damage."""
    buffer = bytearray(data)
    for offset, chunk in edits:
        at = offset % (len(buffer) + 1)
        buffer[at : at + len(chunk)] = chunk
    return bytes(buffer)


NASTY_BYTES = st.sampled_from(
    [b"\xff", b"\xfe\xff", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\x00", b"\r", b"<", b"`"]
)
damaged = st.builds(
    corrupt,
    st.just(VALID_PLAN.encode()),
    st.lists(st.tuples(st.integers(0, 10_000), NASTY_BYTES | st.binary(max_size=6)), max_size=6),
)
# Text as Python sees undecodable input: lone surrogates included.
surrogate_text = st.text(st.characters(categories=["Cs", "L", "N", "P", "S", "Z", "Cc"]))


def check_plan_outcome(text: str) -> None:
    try:
        plan, warnings = parse_plan(text)
    except PlanError as exc:
        assert str(exc).startswith("PLAN.md has ")
        assert exc.problems and all("\n" not in problem for problem in exc.problems)
        return
    assert isinstance(plan, Plan) and plan.tasks
    assert all("\n" not in str(warning) for warning in warnings)


@FUZZ
@given(st.binary(max_size=600) | damaged, st.sampled_from(ERRORS))
def test_plan_parser_on_decoded_bytes(data: bytes, errors: str) -> None:
    check_plan_outcome(data.decode("utf-8", errors=errors))


@FUZZ
@given(surrogate_text)
def test_plan_parser_on_text_with_lone_surrogates(noise: str) -> None:
    check_plan_outcome(noise)
    check_plan_outcome(VALID_PLAN.replace("Write tests.", f"Write {noise} tests."))


@FUZZ
@given(st.binary(max_size=600) | damaged)
def test_load_plan_on_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "PLAN.md"
        path.write_bytes(data)
        try:
            plan, _ = load_plan(path)
        except PlanError as exc:
            assert "\n" not in exc.message
            return
        assert plan.tasks


def check_blocks_outcome(answer: str) -> None:
    try:
        blocks = parse_file_blocks(answer)
    except FileBlockError as exc:
        assert "has no closing fence" in exc.message and exc.line >= 1
        return
    for block in blocks:
        assert isinstance(block.path, str) and block.line >= 1
        assert block.content == "" or block.content.endswith("\n")


answer_damage = st.builds(
    corrupt,
    st.just(ANSWER.encode()),
    st.lists(st.tuples(st.integers(0, 10_000), NASTY_BYTES | st.binary(max_size=6)), max_size=6),
)


@FUZZ
@given(st.binary(max_size=600) | answer_damage, st.sampled_from(ERRORS))
def test_file_block_parser_on_decoded_bytes(data: bytes, errors: str) -> None:
    check_blocks_outcome(data.decode("utf-8", errors=errors))


@FUZZ
@given(surrogate_text, st.integers(0, len(ANSWER)))
def test_file_block_parser_on_text_with_lone_surrogates(noise: str, at: int) -> None:
    check_blocks_outcome(noise)
    check_blocks_outcome(ANSWER[:at] + noise + ANSWER[at:])


PATH_PIECES = st.sampled_from(
    ["..", ".", "", "/", "\\", "~", ".git", ".GIT", ".planning", "PLAN.md", "plan.md", "C:",
     "a", "b.py", "link", "x" * 300, "\x00", "\udcff", "é", " ", "'", "`"]
)  # fmt: skip
paths = st.lists(PATH_PIECES | st.text(max_size=5), max_size=8).map("/".join) | st.text()


@FUZZ
@given(paths)
def test_path_gate_never_lets_a_path_out(raw: str) -> None:
    """Any path the LLM can name, even declared, is refused or lands inside the project."""
    assume(raw)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        (root / ".git").mkdir(parents=True)
        (root / "link").symlink_to(Path(tmp), target_is_directory=True)  # leads out
        try:
            target = resolve_writable_path(root, raw, [raw])
        except PathRefused as refused:
            assert refused.reason
            return
        real_root = root.resolve()
        assert target.is_relative_to(real_root) and target != real_root
        inside = [part.casefold() for part in target.relative_to(real_root).parts]
        assert ".git" not in inside and ".planning" not in inside
        assert not (len(inside) == 1 and inside[0] in ("plan.md", "state.md"))
