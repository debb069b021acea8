"""What the DataTable tabs share: the tab's table and the snapshot it shows, refilling a table
in place (the cursor stays) and reading the key of the selected row."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from altsim.ui.snapshot import StoreSnapshot


class TableTab(Vertical):
    """A tab whose main widget is one DataTable (`TABLE_ID`, `COLUMNS`) drawn from a snapshot."""

    TABLE_ID: ClassVar[str]
    COLUMNS: ClassVar[tuple[str, ...]]

    def __init__(self, *, id: str) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.snapshot: StoreSnapshot | None = None

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one(f"#{self.TABLE_ID}", DataTable)

    @property
    def main(self) -> DataTable[Text]:
        return self.table

    def on_mount(self) -> None:
        self.table.add_columns(*self.COLUMNS)

    @staticmethod
    def client_note() -> Static:
        """The line that says what the client does not do here ("Feather shows no news")."""
        return Static(classes="client-note", markup=False)

    def say_for_client(self, note: str | None) -> None:
        line = self.query_one(".client-note", Static)
        line.update(note or "")
        line.display = note is not None

    def forget(self) -> None:
        """Let go of the old snapshot before a new one is built."""
        self.snapshot = None


def refill(table: DataTable[Text], rows: list[tuple[str, list[Text]]]) -> None:
    cursor = table.cursor_row
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    if rows:
        table.move_cursor(row=min(cursor, len(rows) - 1))


def selected_key(table: DataTable[Text]) -> str | None:
    if table.row_count == 0:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
