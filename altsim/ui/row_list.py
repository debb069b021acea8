"""A table that renders only the rows on screen, so a 10,000-app Browse list fills at once.

Textual's DataTable measures every cell when a row is added (about 100 µs a row); this list
keeps the rows as data and draws a line only when it is visible (Textual's line API).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Row = tuple[str, Callable[[], list[Text]]]  # a key, and how to draw its cells when on screen


class RowList(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "move(-1000000000)", show=False),
        Binding("end", "move(1000000000)", show=False),
        Binding("enter", "select", "Open"),
    ]
    DEFAULT_CSS = "RowList { height: 1fr; }"
    cursor = reactive(0, always_update=True)

    class Selected(Message):
        def __init__(self, row_list: RowList, key: str) -> None:
            super().__init__()
            self.row_list, self.key = row_list, key

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(self, columns: list[tuple[str, int]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = columns  # (title, width in cells)
        self.rows: list[Row] = []
        self._drawn: dict[int, list[Text]] = {}  # cells of the rows drawn so far

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_rows(self, rows: list[Row]) -> None:
        self.rows = rows
        self._drawn = {}
        width = sum(w + 1 for _, w in self.columns)
        self.virtual_size = Size(width, len(rows) + 1)  # + the header line
        self.cursor = min(self.cursor, max(len(rows) - 1, 0))
        self.refresh()

    def forget_rows(self) -> None:
        """Drop the rows (and what their drawing holds) until the next set_rows, which follows
        before the next frame; the cursor stays."""
        self.rows, self._drawn = [], {}

    def cells(self, index: int) -> list[Text]:
        if index not in self._drawn:
            self._drawn[index] = self.rows[index][1]()
        return self._drawn[index]

    def selected_key(self) -> str | None:
        return self.rows[self.cursor][0] if self.rows else None

    def _line(self, cells: list[Text], style: Style) -> Strip:
        segments: list[Segment] = []
        for (_, width), cell in zip(self.columns, cells, strict=False):
            text = cell.copy()
            text.truncate(width, overflow="ellipsis", pad=True)
            text.append(" ")
            segments += text.render(self.app.console)
        # on the widget's own style: NO_COLOR's filter cannot take a segment without a style
        return Strip(segments).apply_style(self.rich_style + style)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0:  # the header stays put
            header = [Text(title, "bold") for title, _ in self.columns]
            return self._line(header, Style()).crop_extend(scroll_x, scroll_x + width,
                                                           self.rich_style)
        index = y - 1 + scroll_y
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        style = Style(reverse=True) if index == self.cursor and self.has_focus else Style()
        return self._line(self.cells(index), style).crop_extend(
            scroll_x, scroll_x + width, self.rich_style)

    def watch_cursor(self, cursor: int) -> None:
        visible = self.size.height - 1
        top = self.scroll_offset.y
        if cursor < top:
            self.scroll_to(y=cursor, animate=False)
        elif visible > 0 and cursor >= top + visible:
            self.scroll_to(y=cursor - visible + 1, animate=False)
        self.refresh()

    def action_move(self, delta: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(self.size.height - 2, 1))

    def action_select(self) -> None:
        key = self.selected_key()
        if key is not None:
            self.post_message(self.Selected(self, key))

    def on_click(self, event: object) -> None:
        offset = getattr(event, "y", 0)
        index = offset - 1 + self.scroll_offset.y
        if 0 <= index < len(self.rows):
            self.cursor = index
            self.action_select()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
