"""The altsim terminal app's shell: the client's tabs over the simulated user's saved state, and
a Simulator tab that changes the device, client, clock and Patreon state (every screen follows
at once).

Each tab is its own widget (`browse_tab.py`, `sources_tab.py`, `news_tab.py`, `my_apps_tab.py`,
`simulator_panel.py`) that draws a `StoreSnapshot` and posts messages for what the user asks;
the shell owns the simulator, makes the snapshot, runs the flows and opens the pages. Keys:
1-5 switch tabs and focus the tab's main widget; letters typed in a text field are text, and
Escape leaves the field.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.lazy import Lazy
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, TabbedContent, TabPane, Tabs
from textual.worker import Worker, WorkerState

from altsim.core.safe_text import printable
from altsim.net.address import sample_address
from altsim.sim.background import BackgroundLoop
from altsim.sim.simulator import FlowError, RefreshReport, Simulator
from altsim.state import NotificationRecord
from altsim.state.changes import InvalidChange, apply_change
from altsim.ui.app_page import AppPage
from altsim.ui.browse_tab import BrowseTab
from altsim.ui.live_reload import LiveReload
from altsim.ui.my_apps_tab import MyAppsTab
from altsim.ui.news_tab import NewsTab
from altsim.ui.pages import ConfirmSource, TextPage, history_page, source_page
from altsim.ui.simulator_panel import SimulatorPanel
from altsim.ui.snapshot import AppRow, StoreSnapshot, take_snapshot
from altsim.ui.sources_tab import SourcesTab
from altsim.ui.text import plain

BUNDLED = ("clean.json", "showcase.json")  # the sample sources a first start adds
# What a failed worker was doing, by worker name, for the message that reports it
FAILED_WORK = {"action_refresh": "The refresh failed",
               "action_background": "The background refresh failed"}

TabName = Literal["browse", "sources", "news", "my-apps", "simulator"]
TABS: tuple[tuple[TabName, str], ...] = (
    ("browse", "Browse"), ("sources", "Sources"), ("news", "News"), ("my-apps", "My Apps"),
    ("simulator", "Simulator"))

logger = logging.getLogger(__name__)


def tab_label(index: int, title: str) -> str:
    """A tab's label names its key."""
    return f"{index} {title}"


class AltsimApp(App[None]):
    TITLE = "altsim"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it
    BINDINGS = [
        *(Binding(str(i), f"show_tab('{name}')", title, show=False)
          for i, (name, title) in enumerate(TABS, 1)),
        Binding("r", "refresh", "Refresh"),
        Binding("b", "background", "Background refresh"),
        Binding("n", "history", "Notifications"),
        Binding("escape", "leave_input", "Leave the field"),  # shown in a text field
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, simulator: Simulator, *, background: bool = True,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__()
        self.simulator = simulator
        self.clock = clock
        self.snapshot: StoreSnapshot | None = None
        self.history: list[str] = []  # the notifications toasted here, then failures
        # altsim's own failures (time, title, message), shown in the notification history
        self.failures: list[tuple[datetime, str, str]] = []
        settings = simulator.user_state().settings
        self.theme = _theme(settings.dark_mode)
        interval = settings.background_interval_minutes * 60
        self.loop = BackgroundLoop(simulator, interval) if background else None

    # -- the widgets, typed --------------------------------------------------------------------

    @property
    def base(self) -> Screen[Any]:
        """The screen with the tabs: queries go there even while a page is open on top."""
        return self.screen_stack[0]

    @property
    def tabs(self) -> TabbedContent:
        return self.base.query_one(TabbedContent)

    @property
    def browse_tab(self) -> BrowseTab:
        return self.base.query_one(BrowseTab)

    @property
    def sources_tab(self) -> SourcesTab:
        return self.base.query_one(SourcesTab)

    @property
    def news_tab(self) -> NewsTab:
        return self.base.query_one(NewsTab)

    @property
    def my_apps_tab(self) -> MyAppsTab:
        return self.base.query_one(MyAppsTab)

    @property
    def simulator_panel(self) -> SimulatorPanel | None:
        """The Simulator form, None until it is mounted (lazily, after the first frame)."""
        found = self.base.query(SimulatorPanel)
        return found.first() if found else None

    def tab_widget(self, name: str) -> Widget | None:
        widgets: dict[str, Callable[[], Widget | None]] = {
            "browse": lambda: self.browse_tab, "sources": lambda: self.sources_tab,
            "news": lambda: self.news_tab, "my-apps": lambda: self.my_apps_tab,
            "simulator": lambda: self.simulator_panel}
        return widgets[name]()

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification escaped as the screens are: ESC sequences survive
        ``markup=False``, and most notifications quote a source."""
        super().notify(printable(message), title=plain(title), severity=severity, timeout=timeout,
                       markup=markup)

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="browse"):
            with TabPane(tab_label(1, "Browse"), id="browse"):
                yield BrowseTab()
            with TabPane(tab_label(2, "Sources"), id="sources"):
                yield SourcesTab()
            with TabPane(tab_label(3, "News"), id="news"):
                yield NewsTab()
            with TabPane(tab_label(4, "My Apps"), id="my-apps"):
                yield MyAppsTab()
            with TabPane(tab_label(5, "Simulator"), id="simulator"):
                # made after the first frame: 0.2 s of the start-up
                yield Lazy(SimulatorPanel(self.simulator.user_state()))
        yield Footer()

    async def on_mount(self) -> None:
        if not self.simulator.user_state().sources:
            await self.add_bundled()
        self.reload()
        self.browse_tab.main.focus()
        self.simulator.show_pending(self.show_notifications)  # left by an altsim that died
        if self.loop is not None:
            self.loop.show = self.show_refreshed
            self.loop.observers.append(self.on_refreshed)
            self.loop.failure_observers.append(
                lambda error: self.report_failure(FAILED_WORK["action_background"], error))
            self.loop.start()
        # each save of a local source's file is read again, and every screen follows
        await self.base.mount(LiveReload(self.simulator, self.reload))
        # countdowns tick live; the list owns the timer, so it stops when the list goes
        self.browse_tab.row_list.set_interval(1, self.tick)

    async def on_unmount(self) -> None:
        if self.loop is not None:
            await self.loop.stop()
        await self.simulator.aclose()

    async def add_bundled(self) -> None:
        for address in map(sample_address, BUNDLED):
            try:
                self.simulator.add_source(await self.simulator.preview_source(address))
            except FlowError as error:
                self.notify(str(error), severity="error", markup=False)

    # -- the snapshot every tab draws ----------------------------------------------------------

    def reload(self) -> None:
        # A new decode (another client, or iOS across 15 or 17) is built while nothing here
        # holds the old one: one big source in memory at a time, not two.
        self.snapshot = None
        for tab in (self.browse_tab, self.news_tab, self.my_apps_tab):
            tab.forget()
        self.snapshot = snapshot = take_snapshot(self.simulator)
        if self.theme != _theme(snapshot.dark):
            self.theme = _theme(snapshot.dark)  # restyles every widget: only on a change
        self.sub_title = (f"{snapshot.profile.title} · iOS "
                          f"{'.'.join(map(str, snapshot.device.ios))} · {snapshot.device.family}")
        self.browse_tab.show(snapshot)
        self.sources_tab.show(snapshot)
        self.news_tab.show(snapshot)
        apps = self.my_apps_tab
        apps.show(snapshot)
        label = tab_label(4, "My Apps")
        self.tabs.get_tab("my-apps").label = (f"{label} ({apps.updates})" if apps.updates
                                              else label)  # the badge

    def tick(self) -> None:
        """Countdowns tick live: new decisions, and the list redraws the rows on screen."""
        snapshot = self.snapshot
        if snapshot is not None and snapshot.counting_down:
            self.snapshot = snapshot = snapshot.at(self.simulator.device(snapshot.user_state).now)
            self.browse_tab.show(snapshot)

    # -- keys ----------------------------------------------------------------------------------

    def action_show_tab(self, name: str) -> None:
        """Switch to a tab and focus its main widget (the address field on Sources)."""
        self.tabs.active = name
        self.focus_tab(name)

    def focus_tab(self, name: str, tries: int = 100) -> None:
        widget = self.tab_widget(name)
        try:
            main = getattr(widget, "main", None)
        except NoMatches:  # the form is mounted, its fields not composed yet
            main = None
        if isinstance(main, Widget):
            main.focus()
        else:  # the Simulator form in the first frames, before Lazy mounts it: soon
            self.set_focus(None)
        if not isinstance(main, Widget) or main is not self.focused:
            # Not there yet, or just mounted: focus lands only once the widget can take it
            # (on a loaded machine, after this call), so look again until it has.
            self.set_timer(0.05, lambda: self._focus_when_mounted(name, tries - 1))

    def _focus_when_mounted(self, name: str, tries: int) -> None:
        if tries > 0 and self.tabs.active == name and self.focused is None:
            self.focus_tab(name, tries)

    @on(TabbedContent.TabActivated)
    def tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Whatever switched the tab (a key, the mouse), focus follows it and never stays in a
        hidden tab; on the tab strip it stays, for the arrow keys."""
        focused = self.focused
        if isinstance(focused, Tabs) or event.pane.id is None:
            return
        if focused is None or event.pane not in focused.ancestors_with_self:
            self.focus_tab(event.pane.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape's "Leave the field" is in the footer, and acts, only in a text field."""
        if action == "leave_input":
            return isinstance(self.focused, Input)
        return True

    def action_leave_input(self) -> None:
        """Escape in a text field: out of it, so the keys are the app's again."""
        focused = self.focused
        if not isinstance(focused, Input):
            return
        widget = self.tab_widget(self.tabs.active)
        rest = getattr(widget, "rest", None)
        if isinstance(rest, Widget):
            rest.focus()
        else:
            self.set_focus(None)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for index, (name, title) in enumerate(TABS, 1):
            yield SystemCommand(f"Go to {title}", f"Show the {title} tab (key {index})",
                                lambda name=name: self.action_show_tab(name))
        yield SystemCommand("Refresh", "Refresh every source (foreground)", self.action_refresh)
        yield SystemCommand("Background refresh", "Refresh as iOS would in the background, "
                            "posting the client's notifications", self.action_background)
        yield SystemCommand("Notifications", "The notifications posted so far",
                            self.action_history)
        yield SystemCommand("Sort Browse", "Default, name, developer, last updated",
                            self.browse_tab.action_sort)
        yield SystemCommand("Apply the Simulator settings",
                            "Save the Simulator tab's changes (ctrl+s there)", self.action_apply)

    # -- pages ---------------------------------------------------------------------------------

    @on(BrowseTab.OpenApp)
    @on(NewsTab.OpenApp)
    @on(MyAppsTab.OpenApp)
    def open_app_chosen(self, event: BrowseTab.OpenApp | NewsTab.OpenApp | MyAppsTab.OpenApp
                        ) -> None:
        self.open_app(event.row)

    def open_app(self, row: AppRow) -> None:
        assert self.snapshot is not None

        def tapped(result: str | None) -> None:
            if result == "tap":
                self.tap(row)

        self.push_screen(AppPage(row, self.snapshot), tapped)

    @on(SourcesTab.OpenSource)
    def open_source(self, event: SourcesTab.OpenSource) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        key = event.identifier
        view = next(v for v in snapshot.views if v.identifier == key)
        self.push_screen(TextPage(source_page(view, snapshot.user_state.sources[key], snapshot)))

    def action_history(self) -> None:
        posted = [(n.at, n.title, n.body) for n in self.simulator.user_state().notifications]
        entries = [(f"{at:%Y-%m-%d %H:%M}", title, body)
                   for at, title, body in sorted(posted + self.failures, key=lambda e: e[0])]
        self.push_screen(TextPage(history_page(entries)))

    # -- flows ---------------------------------------------------------------------------------

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

    @on(MyAppsTab.UpdateApp)
    def update_app(self, event: MyAppsTab.UpdateApp) -> None:
        try:
            self.simulator.update(event.bundle_id)
        except FlowError as error:
            self.notify(str(error), severity="warning", markup=False)
        self.reload()

    @on(MyAppsTab.RemoveApp)
    @on(SourcesTab.RemoveSource)
    def remove(self, event: MyAppsTab.RemoveApp | SourcesTab.RemoveSource) -> None:
        try:
            if isinstance(event, SourcesTab.RemoveSource):
                self.simulator.remove_source(event.identifier)
            else:
                self.simulator.uninstall(event.bundle_id)
        except FlowError as error:
            self.notify(str(error), severity="warning", markup=False)
        self.reload()

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def action_refresh(self) -> None:
        """Refresh All (foreground), with a progress bar on My Apps."""
        tab = self.my_apps_tab
        tab.start_progress(len(self.simulator.user_state().sources))

        def progress(done: int, total: int) -> None:
            tab.progress.update(total=total, progress=done)

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

    @on(SourcesTab.AddSource)
    async def add_source(self, event: SourcesTab.AddSource) -> None:
        try:
            preview = await self.simulator.preview_source(event.address)
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
            self.sources_tab.address.value = ""
            self.notify(f"Added “{source.name}”", markup=False)
            self.reload()

        dark = self.snapshot is not None and self.snapshot.dark
        self.push_screen(ConfirmSource(source, preview.identifier, dark), confirmed)

    def action_apply(self) -> None:
        """Apply the Simulator form (ctrl+s, Enter in a field, or the palette)."""
        panel = self.simulator_panel
        if panel is not None:
            panel.action_apply()

    @on(SimulatorPanel.Apply)
    def apply_simulator(self, event: SimulatorPanel.Apply) -> None:
        """The form's change, checked and saved in one transaction; nothing changed, nothing
        written."""
        panel, change = event.panel, event.change
        if change.empty:
            panel.status.update("Nothing to apply: no field was changed.")
            return
        try:
            with self.simulator.changing() as user_state:
                apply_change(user_state, change)
        except (InvalidChange, FlowError) as error:  # nothing is saved
            panel.status.update(str(error))
            return
        panel.applied()
        panel.status.update("Applied.")
        if self.loop is not None:
            settings = self.simulator.user_state().settings
            self.loop.interval = settings.background_interval_minutes * 60
        self.reload()


def _theme(dark: bool) -> str:
    """The device's appearance, which the tints are adjusted for."""
    return "textual-dark" if dark else "textual-light"
