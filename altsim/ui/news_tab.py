"""The News tab: every source's news, newest first. Enter opens what an item links: its URL
(in the client, a Safari view), else the linked app's page (behaviour.md 6.3)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable

from altsim.core import store
from altsim.core.formatting import relative_date
from altsim.ui.snapshot import AppRow, StoreSnapshot
from altsim.ui.tables import TableTab, refill, selected_key
from altsim.ui.text import literal, plain

COLUMNS = ("Date", "Title", "Source", "App", "Opens")


class NewsTab(TableTab):
    TABLE_ID, COLUMNS = "news-table", COLUMNS

    class OpenApp(Message):
        """An item that links an app: its page opens."""

        def __init__(self, row: AppRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self) -> None:
        super().__init__(id="news-tab")

    def compose(self) -> ComposeResult:
        yield self.client_note()
        yield DataTable(id=self.TABLE_ID, cursor_type="row")

    def show(self, snapshot: StoreSnapshot) -> None:
        self.snapshot = snapshot
        profile = snapshot.profile
        self.say_for_client(
            None if "news_tab" in profile.shows else
            f"{profile.brand} shows news only on each source's page, last item first: this "
            "tab stays empty there." if "news" in profile.shows else
            f"{profile.brand} shows no news: this tab stays empty there.")
        device, rows = snapshot.device, []
        names = {view.identifier: {a.bundle_id: a.name for a in view.source.apps}
                 for view in snapshot.views}
        for index, (view, item) in enumerate(snapshot.news):
            opens = store.news_opens(item, names[view.identifier])
            banner = names[view.identifier].get(item.app_id or "")  # the linked app's banner
            rows.append((str(index), [
                Text(relative_date(item.date, device.now, device.time_zone, device.locale)),
                literal(item.title, colour=item.tint_colour, dark=snapshot.dark, bold=True),
                literal(view.source.name, limit=40), literal(banner or "—", limit=30),
                Text(plain(opens or "—"))]))
        refill(self.table, rows)

    @on(DataTable.RowSelected, "#news-table")
    def selected(self, event: DataTable.RowSelected) -> None:
        """behaviour.md 6.3: a tap opens the URL first, else the linked app's page."""
        event.stop()
        key, snapshot = selected_key(self.table), self.snapshot
        if key is None or snapshot is None:
            return
        view, item = snapshot.news[int(key)]
        if item.url is not None:
            self.notify(item.url, title="Opens in a Safari view", markup=False)
        elif item.app_id is not None and (row := snapshot.row((view.identifier, item.app_id))):
            self.post_message(self.OpenApp(row))
        else:
            self.notify("This news item links to nothing.", markup=False)
