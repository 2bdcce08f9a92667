"""Property tests: the block parser never crashes and reads back what it renders."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sago_tui.core.fileblocks import (
    FileBlockError,
    normalize_content,
    parse_file_blocks,
    render_file_block,
)

# Text built from the pieces that matter to the parser, so the interesting
# interleavings (headers, fences of several lengths, tags) actually occur.
_PIECES = st.sampled_from(
    [
        "=== FILE: a.py ===",
        "=== FILE: `b/c.md` ===",
        "```",
        "````",
        "```python",
        "~~~",
        "````md",
        "",
        "x = 1",
        "  ```",
        "`",
        "===",
        "FILE:",
        "\r",
    ]
)
_ANSWERS = st.one_of(
    st.text(),
    st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=30).map("\n".join),
)

_PATH_CHARS = st.characters(
    min_codepoint=33,
    max_codepoint=0x2FFF,
    exclude_characters="`'\"=\\",
    exclude_categories=("Zs", "Zl", "Zp", "Cc", "Cs"),
)
_PATHS = st.lists(st.text(_PATH_CHARS, min_size=1, max_size=12), min_size=1, max_size=4).map(
    "/".join
)
_CONTENT = st.one_of(
    st.text(),
    st.lists(st.one_of(_PIECES, st.text(max_size=10)), max_size=20).map("\n".join),
)


@settings(max_examples=300, deadline=None)
@given(_ANSWERS)
def test_arbitrary_answers_parse_or_raise_file_block_error(answer: str) -> None:
    try:
        blocks = parse_file_blocks(answer)
    except FileBlockError as error:
        assert "has no closing fence" in str(error)
        return
    for block in blocks:
        assert block.content == "" or block.content.endswith("\n")
        assert not block.content.endswith("\n\n")
        assert block.line >= 1


@settings(max_examples=300, deadline=None)
@given(_PATHS, _CONTENT, st.sampled_from(["", "python", "markdown"]))
def test_render_parse_round_trip(path: str, content: str, language: str) -> None:
    answer = "Intro text\n" + render_file_block(path, content, language) + "Bye\n"
    blocks = parse_file_blocks(answer)
    assert len(blocks) == 1
    assert blocks[0].path == path
    assert blocks[0].content == normalize_content(content)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_PATHS, _CONTENT), min_size=1, max_size=4))
def test_several_rendered_blocks_round_trip(files: list[tuple[str, str]]) -> None:
    answer = "\n".join(render_file_block(path, content) for path, content in files)
    blocks = parse_file_blocks(answer)
    assert [(b.path, b.content) for b in blocks] == [
        (path, normalize_content(content)) for path, content in files
    ]
