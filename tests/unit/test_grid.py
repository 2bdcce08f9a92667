"""GridTable prints byte for byte what rich's edgeless heavy-head Table prints."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sago_tui.reports.grid import Column, GridTable, cell_width

COLUMNS = [
    Column("Task", overflow="fold"),
    Column("Name", overflow="fold"),
    Column("Status", overflow="fold"),
    Column("Tries", justify="right", no_wrap=True),
    Column("Time", justify="right", no_wrap=True),
]
ROWS = [
    ("1.1", "Write the parser", "passed", "1", "0.2s"),
    ("1.10", "Wide 漢字 name", "failed", "-", "-"),
    ("2.3", "[bold]not markup[/]", "not run", "12", "120.5s"),
    ("2.4", "", "cached", "-", "-"),
]


def rich_version(grid: GridTable) -> Table:
    """The reference: the Table the summary used to build (cells as Text)."""
    table = Table(title=grid.title, title_justify="left", show_edge=False, pad_edge=False)
    for column in grid.columns:
        table.add_column(
            column.header, justify=column.justify, overflow=column.overflow, no_wrap=column.no_wrap
        )
    for row in grid.rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def printed(renderable: object, *, styled: bool, width: int = 120) -> str:
    console = Console(
        file=io.StringIO(),
        width=width,
        force_terminal=styled,
        color_system="standard" if styled else None,
        no_color=not styled,
        highlight=False,
        emoji=False,
        soft_wrap=not styled,
    )
    console.print(renderable)
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


def grid(rows: list[tuple[str, ...]], title: str | None = "Run summary") -> GridTable:
    table = GridTable(COLUMNS, title=title)
    for row in rows:
        table.add_row(*row)
    return table


@pytest.mark.parametrize("styled", [False, True])
@pytest.mark.parametrize("title", ["Run summary", None, "Per phase"])
@pytest.mark.parametrize("count", [0, 1, 4, 300])
def test_same_bytes_as_rich(styled: bool, title: str | None, count: int) -> None:
    rows = [
        (f"{n // 100 + 1}.{n % 100 + 1}", *ROWS[n % len(ROWS)][1:3], str(n), f"{n / 7:.1f}s")
        for n in range(count)
    ]
    table = grid(rows, title)
    assert printed(table, styled=styled) == printed(rich_version(table), styled=styled)


def test_too_wide_folds_like_rich() -> None:
    table = grid([("1.1", "x" * 150, "passed", "1", "1.0s"), *ROWS])
    narrow = printed(table, styled=False, width=60)
    assert narrow == printed(rich_version(table), styled=False, width=60)
    assert max(len(line) for line in narrow.splitlines()) <= 60


def test_control_characters_go_to_rich() -> None:
    """rich strips control codes before measuring; the fast path never guesses at them."""
    table = grid([("1.1", "bell\x07name", "passed", "1", "1.0s")])
    assert printed(table, styled=False) == printed(rich_version(table), styled=False)
    assert "\x07" not in printed(table, styled=False)


def test_cell_width() -> None:
    assert cell_width("abc") == 3
    assert cell_width("漢字") == 4
    assert cell_width("a\tb") is None
    assert cell_width("é") == 1


def test_row_length_is_checked() -> None:
    with pytest.raises(ValueError, match="expected 5 cells"):
        GridTable(COLUMNS).add_row("1.1")
