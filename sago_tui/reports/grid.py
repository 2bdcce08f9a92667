"""A fast plain-cell table that prints exactly like the summary's :class:`rich.table.Table`.

Rich lays out every cell as a :class:`~rich.text.Text` (wrap, justify, crop, measure): a
500-row run summary took ~0.2 s of a cached re-run that should take well under a second.
Here the cells are plain strings, so when the table fits the console each line is built
with ``ljust``/``rjust`` and handed to rich as one segment, byte for byte what
``Table(show_edge=False, pad_edge=False)`` prints (``tests/unit/test_grid.py`` compares
the two). A table that does not fit, or a cell rich would have to clean up (control
characters), is given to rich's own :class:`~rich.table.Table` instead, which folds it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.segment import Segment
from rich.style import Style

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions
    from rich.table import Table

_HEADER = Style(bold=True)  # rich's "table.header"
_NONE = Style()
_HEAD_BAR, _BAR, _RULE, _CROSS = "┃", "│", "━", "╇"  # rich.box.HEAVY_HEAD


@dataclass(frozen=True)
class Column:
    """A column: its header, how cells line up, and rich's overflow when folding."""

    header: str
    justify: Literal["left", "right"] = "left"
    overflow: Literal["fold", "ellipsis"] = "ellipsis"
    no_wrap: bool = False


def cell_width(text: str) -> int | None:
    """Terminal cells ``text`` takes, or None when rich would have to clean it first."""
    if text.isascii():
        return len(text) if text.isprintable() else None
    if not text.isprintable():
        return None
    from rich.cells import cell_len

    return cell_len(text)


class GridTable:
    """Rows of plain strings (no markup) printed like rich's edgeless heavy-head table."""

    def __init__(self, columns: Sequence[Column], *, title: str | None = None) -> None:
        self.columns = list(columns)
        self.title = title
        self.rows: list[tuple[str, ...]] = []

    def add_row(self, *cells: str) -> None:
        """Append a row: one string per column."""
        if len(cells) != len(self.columns):
            raise ValueError(f"expected {len(self.columns)} cells, got {len(cells)}")
        self.rows.append(cells)

    def _widths(self) -> list[int] | None:
        """Each column's natural width, or None when a cell needs rich's handling."""
        widths = [cell_width(c.header) for c in self.columns]
        if None in widths:
            return None
        result = [w or 0 for w in widths]
        for row in self.rows:
            for index, cell in enumerate(row):
                width = len(cell) if cell.isascii() and cell.isprintable() else cell_width(cell)
                if width is None:
                    return None
                if width > result[index]:
                    result[index] = width
        return result

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[object]:
        widths = self._widths()
        total = sum(widths) + 3 * (len(widths) - 1) if widths else 0
        title_width = cell_width(self.title or "") if self.title else 0
        if (
            widths is None
            or not self.rows  # rich lays out an empty table its own way; it is cheap
            or total > options.max_width
            or title_width is None
            or title_width > total
        ):
            yield self.as_rich_table()
            return
        if self.title:  # one line: rich's own annotation (padding depends on soft wrap)
            title = console.render_str(self.title, style="table.title", highlight=False)
            yield from console.render(
                title, options.update(width=total, highlight=False, height=None, justify="left")
            )
        yield from self._header(widths)
        yield Segment(_CROSS.join(_RULE * (w + 2) for w in widths)[1:-1])
        yield Segment.line()
        pads = [(c.justify == "right", w) for c, w in zip(self.columns, widths, strict=True)]
        lines = [
            " │ ".join(_fit(cell, right, w) for cell, (right, w) in zip(row, pads, strict=True))
            for row in self.rows
        ]
        if lines:
            yield Segment("\n".join(lines))
            yield Segment.line()

    def _header(self, widths: list[int]) -> Iterator[Segment]:
        last = len(widths) - 1
        for index, (column, width) in enumerate(zip(self.columns, widths, strict=True)):
            if index:
                yield Segment(" ", _HEADER)
            yield Segment(_fit(column.header, column.justify == "right", width), _HEADER)
            if index < last:
                yield Segment(" ", _HEADER)
                yield Segment(_HEAD_BAR, _NONE)
        yield Segment.line()

    def as_rich_table(self) -> Table:
        """The same table as rich's own (used when it must fold or clean cells)."""
        from rich.table import Table
        from rich.text import Text

        table = Table(title=self.title, title_justify="left", show_edge=False, pad_edge=False)
        for column in self.columns:
            table.add_column(
                column.header, justify=column.justify, overflow=column.overflow,
                no_wrap=column.no_wrap,
            )  # fmt: skip
        for row in self.rows:
            table.add_row(*(Text(cell) for cell in row))
        return table


def _fit(text: str, right: bool, width: int) -> str:
    """``text`` padded to ``width`` cells (wide characters count twice)."""
    pad = width - (len(text) if text.isascii() else (cell_width(text) or 0))
    return " " * pad + text if right else text + " " * pad
