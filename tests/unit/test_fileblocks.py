"""Parsing and rendering ``=== FILE: path ===`` answer blocks."""

from __future__ import annotations

import pytest

from sago_tui.core.errors import SagoError
from sago_tui.core.fileblocks import (
    FileBlock,
    FileBlockError,
    normalize_content,
    parse_file_blocks,
    render_file_block,
)

README = """# Demo

Install:

```bash
pip install demo
```

Use:

```
demo --help
```
"""


def test_two_files_and_commentary_outside_blocks_is_ignored() -> None:
    answer = (
        "Sure! Here are the files.\n\n"
        "=== FILE: src/a.py ===\n```python\nA = 1\n```\n\n"
        "Some explanation.\n\n"
        "=== FILE: src/b.py ===\n```python\nB = 2\n```\nThat's all.\n"
    )
    assert parse_file_blocks(answer) == [
        FileBlock("src/a.py", "A = 1\n", 3),
        FileBlock("src/b.py", "B = 2\n", 10),
    ]


def test_no_blocks_gives_empty_list() -> None:
    assert parse_file_blocks("I could not do that.") == []
    assert parse_file_blocks("") == []


def test_three_backtick_block_with_inner_fences_keeps_whole_file() -> None:
    # The seed cut this README at its first inner fence.
    answer = (
        f"=== FILE: README.md ===\n```markdown\n{README}```\n=== FILE: b.txt ===\n```\nb\n```\n"
    )
    blocks = parse_file_blocks(answer)
    assert [b.path for b in blocks] == ["README.md", "b.txt"]
    assert blocks[0].content == README
    assert blocks[1].content == "b\n"


def test_inner_bare_fences_end_at_last_fence_before_next_header() -> None:
    content = "intro\n```\ncode one\n```\nmiddle\n```\ncode two\n```\noutro\n"
    answer = f"=== FILE: doc.md ===\n```\n{content}```\n\n=== FILE: x.py ===\n```\nx = 1\n```\n"
    blocks = parse_file_blocks(answer)
    assert blocks[0].content == content
    assert blocks[1] == FileBlock("x.py", "x = 1\n", 14)


def test_fenced_example_in_commentary_is_not_part_of_the_file() -> None:
    # Fences with a language always open a block, so the bash example after the
    # file pairs up on its own and the file ends at its own closing fence.
    answer = (
        "=== FILE: a.py ===\n```python\nprint('a')\n```\n\nRun it with:\n"
        "```bash\npython a.py\n```\n\n=== FILE: b.py ===\n```python\nb = 1\n```\n"
    )
    assert [b.content for b in parse_file_blocks(answer)] == ["print('a')\n", "b = 1\n"]


def test_four_backtick_wrapper_closes_only_on_long_fence() -> None:
    answer = (
        "=== FILE: README.md ===\n````markdown\n" + README + "````\n"
        "Trailing words with a stray fence:\n```\n"
    )
    assert parse_file_blocks(answer)[0].content == README


def test_long_fence_may_hold_a_file_header_line() -> None:
    inner = "Example answer:\n=== FILE: x.py ===\n```python\nx = 1\n```\nend\n"
    answer = f"=== FILE: docs/format.md ===\n````\n{inner}````\n=== FILE: y.py ===\n```\ny\n```\n"
    blocks = parse_file_blocks(answer)
    assert [(b.path, b.content) for b in blocks] == [("docs/format.md", inner), ("y.py", "y\n")]


def test_tilde_fences() -> None:
    answer = "=== FILE: a.md ===\n~~~markdown\n```\nin\n```\n~~~\n"
    assert parse_file_blocks(answer)[0].content == "```\nin\n```\n"


@pytest.mark.parametrize(
    "header",
    [
        "=== FILE: src/a.py ===",
        "===   FILE:   src/a.py   ===",
        "=== FILE: `src/a.py` ===",
        "=== FILE: 'src/a.py' ===",
        '=== FILE: "src/a.py" ===',
        "==== FILE: src/a.py ====",
        "=== file: src/a.py ===",
        "=== FILE: src/a.py",
        "  === FILE: src/a.py ===  ",
    ],
)
def test_header_variants(header: str) -> None:
    blocks = parse_file_blocks(f"{header}\n```py\nok = True\n```\n")
    assert blocks == [FileBlock("src/a.py", "ok = True\n", 1)]


def test_blank_lines_between_header_and_fence() -> None:
    assert parse_file_blocks("=== FILE: a.txt ===\n\n\n```\nhi\n```\n")[0].content == "hi\n"


def test_header_without_fence_is_ignored() -> None:
    answer = "=== FILE: a.txt ===\njust text\n\n=== FILE: b.txt ===\n```\nb\n```\n"
    assert parse_file_blocks(answer) == [FileBlock("b.txt", "b\n", 4)]


def test_trailing_newline_is_kept_not_doubled() -> None:
    assert parse_file_blocks("=== FILE: a ===\n```\nx\n```")[0].content == "x\n"
    # Extra blank lines before the closing fence collapse to one newline.
    assert parse_file_blocks("=== FILE: a ===\n```\nx\n\n\n```")[0].content == "x\n"
    assert parse_file_blocks("=== FILE: a ===\n```\n  x\n\n  y\n```")[0].content == "  x\n\n  y\n"


def test_empty_block_is_an_empty_file() -> None:
    assert parse_file_blocks("=== FILE: pkg/__init__.py ===\n```python\n```\n")[0].content == ""


def test_crlf_answers() -> None:
    answer = "=== FILE: a.py ===\r\n```python\r\nx = 1\r\ny = 2\r\n```\r\n"
    assert parse_file_blocks(answer)[0].content == "x = 1\ny = 2\n"


def test_indented_block_is_dedented() -> None:
    answer = "=== FILE: a.py ===\n  ```python\n  def f():\n      return 1\n  ```\n"
    assert parse_file_blocks(answer)[0].content == "def f():\n    return 1\n"


def test_unterminated_block_raises_with_path_and_line() -> None:
    answer = "intro\n\n=== FILE: src/a.py ===\n```python\ndef f():\n    return"
    with pytest.raises(FileBlockError) as caught:
        parse_file_blocks(answer)
    error = caught.value
    assert isinstance(error, SagoError)
    assert (error.path, error.line) == ("src/a.py", 3)
    assert str(error) == (
        "answer block for src/a.py (line 3) has no closing fence; the answer may be cut off"
    )


def test_unterminated_plain_block_does_not_swallow_next_file() -> None:
    answer = "=== FILE: a.py ===\n```python\na = 1\n=== FILE: b.py ===\n```python\nb = 2\n```\n"
    # Either a.py swallows b.py or an error: an error is the honest answer here.
    with pytest.raises(FileBlockError, match=r"block for a\.py \(line 1\)"):
        parse_file_blocks(answer)


def test_duplicate_paths_are_all_kept_in_order() -> None:
    answer = "=== FILE: a ===\n```\none\n```\n=== FILE: a ===\n```\ntwo\n```\n"
    assert [b.content for b in parse_file_blocks(answer)] == ["one\n", "two\n"]


def test_render_uses_longer_fence_than_content() -> None:
    rendered = render_file_block("README.md", "a\n````\nb\n````\n", "markdown")
    assert rendered.splitlines()[0] == "=== FILE: README.md ==="
    assert rendered.splitlines()[1] == "`````markdown"
    assert rendered.endswith("`````\n")


@pytest.mark.parametrize(
    "content",
    [
        "",
        "x = 1\n",
        "no newline at end",
        README,
        "```\n```\n```python\n",
        "a `b` ``c`` ```d```\n",
        "=== FILE: other.py ===\n~~~\nnot a real file\n~~~\n",
        "=== FILE: other.py ===\n```\nfake\n```\n",
        "\n\nleading blank lines\n",
    ],
)
def test_render_parse_round_trip(content: str) -> None:
    answer = render_file_block("dir/f.txt", content, "text") + render_file_block("g.txt", "g")
    blocks = parse_file_blocks(answer)
    assert [(b.path, b.content) for b in blocks] == [
        ("dir/f.txt", normalize_content(content)),
        ("g.txt", "g\n"),
    ]
