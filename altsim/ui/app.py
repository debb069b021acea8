"""The altsim terminal app: the client's tabs over the simulated user's saved state, and a
Simulator tab that changes the device, client, clock and Patreon state (every screen follows
at once)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    ProgressBar,
    TabbedContent,
    TabPane,
)
from textual.worker import Worker, WorkerState

from altsim.core import store
from altsim.core.formatting import relative_date
from altsim.core.latest import unsupported_update
from altsim.core.safe_text import printable
from altsim.sim.background import BackgroundLoop
from altsim.sim.simulator import FlowError, RefreshReport, Simulator
from altsim.state import NotificationRecord
from altsim.ui.app_page import AppPage
from altsim.ui.pages import ConfirmSource, TextPage, history_page, source_page
from altsim.ui.row_list import RowList
from altsim.ui.simulator_panel import SimulatorPanel
from altsim.ui.snapshot import AppRow, StoreSnapshot, take_snapshot
from altsim.ui.text import literal, plain

BUNDLED = ("clean.json", "showcase.json")  # the sample sources a first start adds
# What a failed worker was doing, by worker name, for the message that reports it
FAILED_WORK = {"action_refresh": "The refresh failed",
               "action_background": "The background refresh failed"}

logger = logging.getLogger(__name__)


def bundled_sources() -> list[str]:
    folder = files("altsim") / "sample_sources"
    return [str(folder / name) for name in BUNDLED]


class AltsimApp(App[None]):
    TITLE = "altsim"
    BINDINGS = [
        Binding("r", "refresh", "Refresh"),
        Binding("b", "background", "Background refresh"),
        Binding("enter", "open", "Open", show=False),
        Binding("s", "sort", "Sort"),
        Binding("u", "update", "Update"),
        Binding("x", "remove", "Remove"),
        Binding("n", "history", "Notifications"),
        Binding("q", "quit", "Quit"),
    ]
    CSS = """
    Horizontal.pair, Horizontal.bar { height: auto; }
    Horizontal.pair Input, Horizontal.bar Input { width: 1fr; }
    Horizontal.pair Label { padding: 1 1; }
    #refresh-progress { display: none; }
    """

    def __init__(self, simulator: Simulator, *, background: bool = True,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__()
        self.simulator = simulator
        self.clock = clock
        self.snapshot: StoreSnapshot | None = None
        self.sort: store.BrowseSort = "default"
        self.browse_keys: list[tuple[str, str]] = []
        self.history: list[str] = []  # the notifications toasted here, then failures
        # altsim's own failures (time, title, message), shown in the notification history
        self.failures: list[tuple[datetime, str, str]] = []
        settings = simulator.user_state().settings
        self.theme = _theme(settings.dark_mode)
        interval = settings.background_interval_minutes * 60
        self.loop = BackgroundLoop(simulator, interval) if background else None

    @property
    def base(self) -> Screen[Any]:
        """The screen with the tabs: queries go there even while a page is open on top."""
        return self.screen_stack[0]

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification escaped as the screens are: ESC sequences survive
        ``markup=False``, and most notifications quote a source."""
        super().notify(printable(message), title=plain(title), severity=severity, timeout=timeout,
                       markup=markup)

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="browse"):
            with TabPane("Browse", id="browse"):
                yield RowList([("App", 28), ("Developer", 18), ("Source", 18), ("Version", 16),
                               ("Button", 12)], id="browse-table")
            with TabPane("Sources", id="sources"):
                with Horizontal(classes="bar"):
                    yield Input(placeholder="URL or path of a source to add", id="add-address")
                    yield Button("Add", id="add")
                yield DataTable(id="sources-table", cursor_type="row")
            with TabPane("News", id="news"):
                yield DataTable(id="news-table", cursor_type="row")
            with TabPane("My Apps", id="my-apps"):
                # hidden until a Refresh All (an idle, total-less bar would animate)
                yield ProgressBar(id="refresh-progress", show_eta=False, total=1)
                yield DataTable(id="apps-table", cursor_type="row")
            yield TabPane("Simulator", id="simulator")  # its form is made when first shown
        yield Footer()

    async def on_mount(self) -> None:
        for table_id, columns in (
            ("#sources-table", ("Source", "Subtitle", "Apps", "Last Updated")),
            ("#news-table", ("Date", "Title", "Source", "App", "Opens")),
            ("#apps-table", ("App", "Installed", "Update", "Unsupported update", "Source")),
        ):
            self.base.query_one(table_id, DataTable).add_columns(*columns)
        if not self.simulator.user_state().sources:
            await self.add_bundled()
        self.reload()
        self.simulator.show_pending(self.show_notifications)  # left by an altsim that died
        if self.loop is not None:
            self.loop.show = self.show_refreshed
            self.loop.observers.append(self.on_refreshed)
            self.loop.failure_observers.append(
                lambda error: self.report_failure(FAILED_WORK["action_background"], error))
            self.loop.start()
        # countdowns tick live; the list owns the timer, so it stops when the list goes
        self.base.query_one("#browse-table", RowList).set_interval(1, self.tick)

    async def on_unmount(self) -> None:
        if self.loop is not None:
            await self.loop.stop()
        await self.simulator.aclose()

    async def add_bundled(self) -> None:
        for path in bundled_sources():
            try:
                self.simulator.add_source(await self.simulator.preview_source(path))
            except FlowError as error:
                self.notify(str(error), severity="error", markup=False)

    # -- snapshot and tables -------------------------------------------------------------------

    def reload(self) -> None:
        # A new decode (another client, or iOS across 15 or 17) is built while nothing here
        # holds the old one: one big source in memory at a time, not two.
        self.snapshot = None
        self.base.query_one("#browse-table", RowList).forget_rows()
        self.snapshot = snapshot = take_snapshot(self.simulator)
        if self.theme != _theme(snapshot.dark):
            self.theme = _theme(snapshot.dark)  # restyles every widget: only on a change
        self.sub_title = (f"{snapshot.profile.title} · iOS "
                          f"{'.'.join(map(str, snapshot.device.ios))} · {snapshot.device.family}")
        self.fill_browse(snapshot)
        self.fill_sources(snapshot)
        self.fill_news(snapshot)
        self.fill_apps(snapshot)

    def tick(self) -> None:
        """Countdowns tick live (§7): new decisions, and the list redraws the rows on screen."""
        snapshot = self.snapshot
        if snapshot is not None and snapshot.counting_down:
            self.snapshot = snapshot = snapshot.at(self.simulator.device(snapshot.user_state).now)
            self.fill_browse(snapshot)

    @staticmethod
    def _refill(table: DataTable[Text], rows: list[tuple[str, list[Text]]]) -> None:
        cursor = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    def fill_browse(self, snapshot: StoreSnapshot) -> None:
        def cells(key: tuple[str, str]) -> Callable[[], list[Text]]:
            def draw() -> list[Text]:  # only for the rows on screen
                row = snapshot.row(key)
                assert row is not None
                button = row.decision.button
                supported = row.decision.latest_supported
                return [literal(row.app.name, colour=row.app.tint_colour, dark=snapshot.dark,
                                bold=True),
                        literal(row.app.developer_name), literal(row.view.source.name, limit=40),
                        literal(supported.localized_version if supported else "—", limit=30),
                        Text(button.title + ("" if button.enabled else " ⏳"),
                             "bold" if button.enabled else "dim")]
            return draw

        self.browse_keys = snapshot.browse(self.sort)  # row keys are positions in this list
        rows = [(str(i), cells(key)) for i, key in enumerate(self.browse_keys)]
        self.base.query_one("#browse-table", RowList).set_rows(rows)

    def fill_sources(self, snapshot: StoreSnapshot) -> None:
        rows = []
        device = snapshot.device
        for view in store.sources_order(snapshot.views):
            record = snapshot.user_state.sources[view.identifier]
            updated = store.last_updated(view.source)
            rows.append((view.identifier, [
                literal(view.source.name, colour=view.source.tint_colour, dark=snapshot.dark,
                        bold=True),
                literal(store.source_subtitle(view), limit=60),
                Text("!" if record.last_error else str(len(view.visible)),
                     "bold red" if record.last_error else ""),
                Text(relative_date(updated, device.now, device.time_zone, device.locale)
                     if updated else "Never")]))
        self._refill(self.base.query_one("#sources-table", DataTable), rows)

    def fill_news(self, snapshot: StoreSnapshot) -> None:
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
        self._refill(self.base.query_one("#news-table", DataTable), rows)

    def fill_apps(self, snapshot: StoreSnapshot) -> None:
        updates = {u.bundle_id: u for u in snapshot.updates}
        rows = []
        for bundle_id, record in snapshot.user_state.installed.items():
            found = snapshot.row_for(bundle_id)
            update = updates.get(bundle_id)
            installed = snapshot.user.installed[bundle_id]
            unsupported = (unsupported_update(found.app, installed, snapshot.device.ios)
                           if found and update is None and record.source_identifier else None)
            rows.append((bundle_id, [
                literal(found.app.name if found else bundle_id, bold=True),
                literal(record.version + (f" ({record.build_version})"
                                          if record.build_version else "")),
                literal(update.version.localized_version if update else "—"),
                literal(unsupported or "—", limit=60),
                literal(record.source_identifier or "(no store link)", limit=50)]))
        self._refill(self.base.query_one("#apps-table", DataTable), rows)
        pane = self.base.query_one(TabbedContent).get_tab("my-apps")
        pane.label = f"My Apps ({len(updates)})" if updates else "My Apps"  # the badge

    # -- actions -------------------------------------------------------------------------------

    def _selected(self, table_id: str) -> str | None:
        if table_id == "#browse-table":
            return self.base.query_one(table_id, RowList).selected_key()
        table = self.base.query_one(table_id, DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_open(self) -> None:
        active = self.base.query_one(TabbedContent).active
        key = self._selected({"browse": "#browse-table", "my-apps": "#apps-table"}.get(
            active, "#browse-table"))
        if key is None or self.snapshot is None:
            return
        row = (self.snapshot.row(self.browse_keys[int(key)]) if active != "my-apps"
               else self.snapshot.row_for(key))
        if row is not None:
            self.open_app(row)

    @on(DataTable.RowSelected, "#apps-table")
    @on(RowList.Selected, "#browse-table")
    def row_selected(self) -> None:
        self.action_open()

    @on(DataTable.RowSelected, "#sources-table")
    def source_selected(self) -> None:
        key = self._selected("#sources-table")
        snapshot = self.snapshot
        if key is None or snapshot is None:
            return
        view = next(v for v in snapshot.views if v.identifier == key)
        self.push_screen(TextPage(source_page(view, snapshot.user_state.sources[key], snapshot)))

    @on(DataTable.RowSelected, "#news-table")
    def news_selected(self) -> None:
        """§6.3: a tap opens the URL first, else the linked app's page."""
        key, snapshot = self._selected("#news-table"), self.snapshot
        if key is None or snapshot is None:
            return
        view, item = snapshot.news[int(key)]
        identifier = view.identifier
        if item.url is not None:
            self.notify(item.url, title="Opens in a Safari view", markup=False)
        elif item.app_id is not None and (row := snapshot.row((identifier, item.app_id))):
            self.open_app(row)
        else:
            self.notify("This news item links to nothing.", markup=False)

    def action_history(self) -> None:
        posted = [(n.at, n.title, n.body) for n in self.simulator.user_state().notifications]
        entries = [(f"{at:%Y-%m-%d %H:%M}", title, body)
                   for at, title, body in sorted(posted + self.failures, key=lambda e: e[0])]
        self.push_screen(TextPage(history_page(entries)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Refresh", "Refresh every source (foreground)", self.action_refresh)
        yield SystemCommand("Background refresh", "Refresh as iOS would in the background, "
                            "posting the client's notifications", self.action_background)
        yield SystemCommand("Notifications", "The notifications posted so far",
                            self.action_history)
        yield SystemCommand("Sort Browse", "Default, name, developer, last updated",
                            self.action_sort)

    def open_app(self, row: AppRow) -> None:
        assert self.snapshot is not None

        def tapped(result: str | None) -> None:
            if result == "tap":
                self.tap(row)

        self.push_screen(AppPage(row, self.snapshot), tapped)

    def tap(self, row: AppRow) -> None:
        bundle_id = row.app.bundle_id
        try:
            if row.decision.app_page_button.title == "UPDATE" and \
                    bundle_id in self.simulator.user_state().installed:
                done = self.simulator.update(bundle_id)
            elif bundle_id in self.simulator.user_state().installed:
                self.notify(f"{row.app.name} is installed and up to date.", markup=False)
                return
            else:
                done = self.simulator.install(bundle_id, accept_offer=True)
        except FlowError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        attempt = done.attempt
        if done.record is not None:
            title = attempt.title or "Installed"
            self.notify(f"{row.app.name} {done.record.version}", title=title, markup=False)
        else:
            self.notify(attempt.message or "Not installed", severity="warning", markup=False)
        self.reload()

    def action_sort(self) -> None:
        sorts = store.BROWSE_SORTS
        self.sort = sorts[(sorts.index(self.sort) + 1) % len(sorts)]
        self.notify(f"Browse sorted by {self.sort}", markup=False)
        if self.snapshot is not None:
            self.fill_browse(self.snapshot)

    def action_update(self) -> None:
        key = self._selected("#apps-table")
        if key is None:
            return
        try:
            self.simulator.update(key)
        except FlowError as error:
            self.notify(str(error), severity="warning", markup=False)
        self.reload()

    def action_remove(self) -> None:
        active = self.base.query_one(TabbedContent).active
        try:
            if active == "sources" and (key := self._selected("#sources-table")):
                self.simulator.remove_source(key)
            elif active == "my-apps" and (key := self._selected("#apps-table")):
                self.simulator.uninstall(key)
        except FlowError as error:
            self.notify(str(error), severity="warning", markup=False)
        self.reload()

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def action_refresh(self) -> None:
        """Refresh All (foreground), with a progress bar on My Apps."""
        bar = self.base.query_one("#refresh-progress", ProgressBar)
        bar.update(total=max(len(self.simulator.user_state().sources), 1), progress=0)
        bar.display = True

        def progress(done: int, total: int) -> None:
            bar.update(total=total, progress=done)

        refreshed = await (self.loop.refresh_now(background=False, progress=progress)
                           if self.loop is not None
                           else self.simulator.refresh(background=False, progress=progress,
                                                       show=self.show_refreshed))
        if self.loop is None:
            self.on_refreshed(refreshed)

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def action_background(self) -> None:
        if self.loop is not None:
            await self.loop.refresh_now()
        else:
            self.on_refreshed(await self.simulator.refresh(background=True,
                                                           show=self.show_refreshed))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that raised (they run with ``exit_on_error=False``) is reported, never
        silent."""
        error = event.worker.error
        if event.state == WorkerState.ERROR and error is not None:
            self.report_failure(FAILED_WORK.get(event.worker.name, "A task failed"), error)

    def report_failure(self, title: str, error: BaseException) -> None:
        """An unexpected error as a toast, an entry in the notification history, and a log
        record with its traceback. The message may quote a source: it is shown literally."""
        logger.error("%s", title, exc_info=error)
        self.log.error(title, error)
        message = plain(f"{type(error).__name__}: {error}")
        self.failures.append((self.simulator.clock(), title, message))
        self.history.append(f"{title}: {message}")
        self.notify(message, title=title, severity="error", markup=False, timeout=10)

    def show_refreshed(self, refreshed: RefreshReport) -> None:
        self.show_notifications(refreshed.shown)

    def show_notifications(self, records: list[NotificationRecord]) -> None:
        """The client's notifications as toasts: a refresh's, and any an altsim that died
        recorded but did not show. Called just before the commit that marks them shown, so
        "shown" means posted here as a toast (Simulator.refresh has the one window)."""
        for note in records:
            self.notify(note.body, title=note.title, markup=False, timeout=8)
            self.history.append(f"{note.title}: {note.body}")

    def on_refreshed(self, refreshed: RefreshReport) -> None:
        outcome = refreshed.outcome
        for identifier, error in outcome.errors.items():
            name = refreshed.names.get(identifier, identifier)
            self.notify(error, title=f"Unable to Refresh “{name}” Source", severity="error",
                        markup=False)
        self.reload()

    @on(Button.Pressed, "#add")
    @on(Input.Submitted, "#add-address")
    async def add_source(self) -> None:
        field = self.base.query_one("#add-address", Input)
        address = field.value.strip()
        if not address:
            return
        try:
            preview = await self.simulator.preview_source(address)
            if preview.source is None:
                rejection = preview.result.rejection
                message = rejection.message if rejection else "rejected"
                self.notify(message, title="The client rejects this source", severity="error",
                            markup=False)
                return
        except FlowError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        source = preview.source

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.simulator.add_source(preview)
            except FlowError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            field.value = ""
            self.notify(f"Added “{source.name}”", markup=False)
            self.reload()

        dark = self.snapshot is not None and self.snapshot.dark
        self.push_screen(ConfirmSource(source, preview.identifier, dark), confirmed)

    @on(TabbedContent.TabActivated, pane="#simulator")
    async def show_simulator(self, event: TabbedContent.TabActivated) -> None:
        """The form is made on first sight, not at start (0.2 s of the start-up)."""
        if not event.pane.children:
            await event.pane.mount(SimulatorPanel(self.simulator.user_state()))

    @on(Button.Pressed, "#apply")
    def apply_simulator(self) -> None:
        status = self.base.query_one("#sim-status", Label)
        try:
            with self.simulator.store.transaction() as loaded:
                self.base.query_one(SimulatorPanel).apply_to(loaded.value)
        except ValueError as error:  # nothing is saved
            status.update(str(error))
            return
        status.update("Applied.")
        if self.loop is not None:
            settings = self.simulator.user_state().settings
            self.loop.interval = settings.background_interval_minutes * 60
        self.reload()


def _theme(dark: bool) -> str:
    """The device's appearance, which the tints are adjusted for (§2.5)."""
    return "textual-dark" if dark else "textual-light"
