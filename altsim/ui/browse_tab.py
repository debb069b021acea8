"""The Browse tab: every app the user's sources offer, in the client's order, drawn only where
it is on screen (`RowList`). Enter opens an app page; `s` changes the order."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message

from altsim.core import store
from altsim.ui.pictures import ListIcons
from altsim.ui.row_list import RowList
from altsim.ui.snapshot import AppRow, StoreSnapshot
from altsim.ui.text import literal

COLUMNS = [("App", 28), ("Developer", 18), ("Source", 18), ("Version", 16), ("Button", 12)]


class BrowseTab(Vertical):
    BINDINGS = [Binding("s", "sort", "Sort")]

    class OpenApp(Message):
        """The user chose an app: its page opens."""

        def __init__(self, row: AppRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self) -> None:
        super().__init__(id="browse-tab")
        self.sort: store.BrowseSort = "default"
        self.snapshot: StoreSnapshot | None = None
        self.keys: list[tuple[str, str]] = []  # row keys are positions in this list
        self.icons = ListIcons(self, self.redraw)  # each row's icon, drawn once it is loaded

    @property
    def row_list(self) -> RowList:
        return self.query_one(RowList)

    @property
    def main(self) -> RowList:
        """What the tab's key (1) focuses."""
        return self.row_list

    def compose(self) -> ComposeResult:
        yield RowList(COLUMNS, id="browse-table")

    def forget(self) -> None:
        """Let go of the old snapshot's rows before a new one is built."""
        self.snapshot = None
        self.row_list.forget_rows()

    def show(self, snapshot: StoreSnapshot) -> None:
        self.snapshot = snapshot

        def cells(key: tuple[str, str]) -> Callable[[], list[Text]]:
            def draw() -> list[Text]:  # only for the rows on screen
                row = snapshot.row(key)
                assert row is not None
                button = row.decision.button
                supported = row.decision.latest_supported
                name = literal(row.app.name, colour=row.app.tint_colour, dark=snapshot.dark,
                               bold=True)
                icon = self.icons.cell(row.app.icon_url)  # empty when pictures are off
                if icon.plain:
                    name = Text.assemble(icon, " ", name, style=name.style, no_wrap=True,
                                         end="")
                return [name,
                        literal(row.app.developer_name), literal(row.view.source.name, limit=40),
                        literal(supported.localized_version if supported else "—", limit=30),
                        Text(button.title + ("" if button.enabled else " ⏳"),
                             "bold" if button.enabled else "dim")]
            return draw

        self.keys = snapshot.browse(self.sort)
        self.row_list.set_rows([(str(i), cells(key)) for i, key in enumerate(self.keys)])

    def redraw(self) -> None:
        """The rows drawn again (the list keeps each row's cells once drawn)."""
        if self.snapshot is not None:
            self.show(self.snapshot)

    def action_sort(self) -> None:
        sorts = store.BROWSE_SORTS
        self.sort = sorts[(sorts.index(self.sort) + 1) % len(sorts)]
        self.notify(f"Browse sorted by {self.sort}", markup=False)
        if self.snapshot is not None:
            self.show(self.snapshot)

    @on(RowList.Selected, "#browse-table")
    def selected(self, event: RowList.Selected) -> None:
        event.stop()
        if self.snapshot is not None and (row := self.snapshot.row(self.keys[int(event.key)])):
            self.post_message(self.OpenApp(row))
