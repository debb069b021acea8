"""The Sources tab: the address field to add a source, and the user's sources (Enter opens a
source's About page, `x` removes it)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Input

from altsim.core import store
from altsim.core.formatting import relative_date
from altsim.ui.snapshot import StoreSnapshot
from altsim.ui.tables import refill, selected_key
from altsim.ui.text import literal

COLUMNS = ("Source", "Subtitle", "Apps", "Last Updated")


class SourcesTab(Vertical):
    BINDINGS = [Binding("x", "remove", "Remove source")]

    class AddSource(Message):
        """Enter in the address field, or Add: preview the source, then confirm."""

        def __init__(self, address: str) -> None:
            super().__init__()
            self.address = address

    class OpenSource(Message):
        def __init__(self, identifier: str) -> None:
            super().__init__()
            self.identifier = identifier

    class RemoveSource(Message):
        def __init__(self, identifier: str) -> None:
            super().__init__()
            self.identifier = identifier

    def __init__(self) -> None:
        super().__init__(id="sources-tab")

    @property
    def address(self) -> Input:
        return self.query_one("#add-address", Input)

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#sources-table", DataTable)

    @property
    def main(self) -> Input:
        """What the tab's key (2) focuses: type an address at once."""
        return self.address

    @property
    def rest(self) -> DataTable[Text]:
        """Where Escape leaves the address field for."""
        return self.table

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bar"):
            yield Input(placeholder="URL or path of a source to add (Enter adds)",
                        id="add-address")
            yield Button("Add", id="add")
        yield DataTable(id="sources-table", cursor_type="row")

    def on_mount(self) -> None:
        self.table.add_columns(*COLUMNS)

    def show(self, snapshot: StoreSnapshot) -> None:
        rows = []
        device = snapshot.device
        for view in store.sources_order(snapshot.views):
            updated = store.last_updated(view.source)
            rows.append((view.identifier, [
                literal(view.source.name, colour=view.source.tint_colour, dark=snapshot.dark,
                        bold=True),
                literal(store.source_subtitle(view), limit=60),
                Text("!" if view.error else "…" if view.spinning else str(len(view.visible)),
                     "bold red" if view.error else ""),
                Text(relative_date(updated, device.now, device.time_zone, device.locale)
                     if updated else "Never")]))
        refill(self.table, rows)

    @on(Button.Pressed, "#add")
    @on(Input.Submitted, "#add-address")
    def add(self, event: Message) -> None:
        event.stop()
        address = self.address.value.strip()
        if address:
            self.post_message(self.AddSource(address))

    @on(DataTable.RowSelected, "#sources-table")
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if (key := selected_key(self.table)) is not None:
            self.post_message(self.OpenSource(key))

    def action_remove(self) -> None:
        if (key := selected_key(self.table)) is not None:
            self.post_message(self.RemoveSource(key))
