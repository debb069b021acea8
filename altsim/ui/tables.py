"""What the DataTable tabs share: refilling a table in place (the cursor stays) and reading
the key of the selected row."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable


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
