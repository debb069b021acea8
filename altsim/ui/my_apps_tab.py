"""The My Apps tab: the installed apps, their pending updates (the tab's badge counts them) and
the progress of a Refresh All. Enter opens an app's page, `u` updates it, `x` removes it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, ProgressBar

from altsim.core.latest import unsupported_update
from altsim.ui.snapshot import AppRow, StoreSnapshot
from altsim.ui.tables import TableTab, refill, selected_key
from altsim.ui.text import literal

COLUMNS = ("App", "Installed", "Update", "Unsupported update", "Source")


class MyAppsTab(TableTab):
    TABLE_ID, COLUMNS = "apps-table", COLUMNS
    BINDINGS = [Binding("u", "update", "Update"), Binding("x", "remove", "Remove app")]

    class OpenApp(Message):
        def __init__(self, row: AppRow) -> None:
            super().__init__()
            self.row = row

    class UpdateApp(Message):
        def __init__(self, bundle_id: str) -> None:
            super().__init__()
            self.bundle_id = bundle_id

    class RemoveApp(Message):
        def __init__(self, bundle_id: str) -> None:
            super().__init__()
            self.bundle_id = bundle_id

    def __init__(self) -> None:
        super().__init__(id="my-apps-tab")
        self.updates = 0  # pending updates: the tab's badge

    @property
    def progress(self) -> ProgressBar:
        return self.query_one("#refresh-progress", ProgressBar)

    def compose(self) -> ComposeResult:
        # hidden until a Refresh All (an idle, total-less bar would animate)
        yield ProgressBar(id="refresh-progress", show_eta=False, total=1)
        yield self.client_note()
        yield DataTable(id=self.TABLE_ID, cursor_type="row")

    def show(self, snapshot: StoreSnapshot) -> None:
        self.snapshot = snapshot
        profile = snapshot.profile
        self.say_for_client(None if profile.update_rule != "none" else
                            f"{profile.brand} has no update detection: it never offers an "
                            "update, and a background refresh posts nothing.")
        updates = {u.bundle_id: u for u in snapshot.updates}
        self.updates = len(updates)
        rows = []
        for bundle_id, record in snapshot.user_state.installed.items():
            found = snapshot.row_for(bundle_id)
            update = updates.get(bundle_id)
            installed = snapshot.user.installed[bundle_id]
            # a client that reads no OS bounds has no unsupported update to tell of
            unsupported = (unsupported_update(found.app, installed, snapshot.device.ios)
                           if found and update is None and record.source_identifier
                           and profile.latest_rule == "first-supported" else None)
            rows.append((bundle_id, [
                literal(found.app.name if found else bundle_id, bold=True),
                literal(record.version + (f" ({record.build_version})"
                                          if record.build_version else "")),
                literal(update.version.localized_version if update else "—"),
                literal(unsupported or "—", limit=60),
                literal(record.source_identifier or "(no store link)", limit=50)]))
        refill(self.table, rows)

    def start_progress(self, total: int) -> None:
        self.progress.update(total=max(total, 1), progress=0)
        self.progress.display = True

    @on(DataTable.RowSelected, "#apps-table")
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key, snapshot = selected_key(self.table), self.snapshot
        if key is not None and snapshot is not None and (row := snapshot.row_for(key)):
            self.post_message(self.OpenApp(row))

    def action_update(self) -> None:
        if (key := selected_key(self.table)) is not None:
            self.post_message(self.UpdateApp(key))

    def action_remove(self) -> None:
        if (key := selected_key(self.table)) is not None:
            self.post_message(self.RemoveApp(key))
