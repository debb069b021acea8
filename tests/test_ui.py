"""The terminal UI driven with Pilot: the real app over a temp state directory."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    Static,
    Switch,
    TabbedContent,
    Tabs,
)

from altsim.core.profiles import PROFILES
from altsim.sim.simulator import Simulator
from altsim.state import open_user_state
from altsim.ui.app import AltsimApp
from altsim.ui.app_page import AppPage
from altsim.ui.row_list import RowList

from .builders import app, news, source, version

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SIZE = (120, 40)


def make(tmp_path: Path, *, clock: datetime = NOW) -> AltsimApp:
    simulator = Simulator(open_user_state(tmp_path / "home"), clock=lambda: clock)
    return AltsimApp(simulator, background=False)


def write(tmp_path: Path, doc: dict[str, Any], name: str = "src.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def cells(table: Any, column: int) -> list[str]:
    if isinstance(table, RowList):
        return [str(table.cells(i)[column]) for i in range(table.row_count)]
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def test_first_start_shows_the_bundled_store(tmp_path):
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        browse = pilot.app.query_one("#browse-table", RowList)
        assert "Notes Lite" in cells(browse, 0)
        assert pilot.app.simulator.user_state().sources


async def test_every_tab_draws_under_no_color(tmp_path, monkeypatch):
    # Textual's NO_COLOR filter needs a style on every segment it draws
    monkeypatch.setenv("NO_COLOR", "1")
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        assert pilot.app.no_color
        for key in ("1", "enter", "escape", "2", "escape", "3", "4", "5", "escape", "1"):
            await pilot.press(key)
            await pilot.pause()
            pilot.app.export_screenshot()


async def test_install_then_change_ios_and_see_the_update(tmp_path):
    doc = source(apps=[app(versions=[version(version="2.0", minOSVersion="17.0"),
                                     version(version="1.0")])])
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        sim = pilot.app.simulator
        sim.add_source(await sim.preview_source(write(tmp_path, doc)))
        with sim.store.transaction() as loaded:
            loaded.value.device_settings.ios = "16.4.0"
        pilot.app.reload()
        sim.install("com.a", accept_offer=True)
        pilot.app.reload()
        apps = pilot.app.query_one("#apps-table", DataTable)
        assert cells(apps, 2) == ["—"]
        assert cells(apps, 3) == ["App 2.0 (iOS 17.0 or later)"]  # behaviour.md 4, vector 36
        pilot.app.query_one(TabbedContent).active = "simulator"
        await pilot.pause()
        pilot.app.query_one("#ios", Input).value = "17.0"
        pilot.app.query_one("#apply", Button).press()
        await pilot.pause()
        assert cells(apps, 2) == ["2.0"]
        assert "My Apps (1)" in str(pilot.app.query_one(TabbedContent).get_tab("my-apps").label)


async def test_dark_mode_switches_the_theme_and_raises_dark_tints(tmp_path):
    doc = source(apps=[app(tintColor="#111111")])
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        sim = pilot.app.simulator
        sim.add_source(await sim.preview_source(write(tmp_path, doc)))
        pilot.app.reload()
        browse = pilot.app.query_one("#browse-table", RowList)

        def tint() -> str:
            row = next(i for i in range(browse.row_count) if str(browse.cells(i)[0]) == "App")
            colour = browse.cells(row)[0].style.color
            return colour.triplet.hex.upper()

        assert (pilot.app.theme, tint()) == ("textual-light", "#111111")
        pilot.app.query_one(TabbedContent).active = "simulator"
        await pilot.pause()
        pilot.app.query_one("#dark-mode", Switch).toggle()
        pilot.app.query_one("#apply", Button).press()
        await pilot.pause()
        assert sim.user_state().settings.dark_mode
        # behaviour.md 2.5, dark mode only
        assert (pilot.app.theme, tint()) == ("textual-dark", "#595959")


async def test_app_page_tap_installs(tmp_path):
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        browse = pilot.app.query_one("#browse-table", RowList)
        browse.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AppPage)
        await pilot.press("i")
        await pilot.pause()
        assert pilot.app.simulator.user_state().installed


async def test_background_refresh_toast(tmp_path):
    path = write(tmp_path, source(apps=[app()]))
    async with make(tmp_path).run_test(size=SIZE, notifications=True) as pilot:
        sim = pilot.app.simulator
        sim.add_source(await sim.preview_source(path))
        write(tmp_path, source(apps=[app()], news=[
            news(identifier="hot", title="[b]Hot[/b] news", notify=True)]))
        await pilot.press("b")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "AltStore News: [b]Hot[/b] news" in pilot.app.history


async def test_countdown_reaches_zero_and_the_button_enables(tmp_path):
    release = NOW + timedelta(seconds=2)
    doc = source(apps=[app(versions=[version(date=release.strftime("%Y-%m-%dT%H:%M:%SZ"))])])
    clock = [NOW]
    simulator = Simulator(open_user_state(tmp_path / "home"), clock=lambda: clock[0])
    async with AltsimApp(simulator, background=False).run_test(size=SIZE) as pilot:
        simulator.add_source(await simulator.preview_source(write(tmp_path, doc)))
        pilot.app.reload()
        row = next(r for r in pilot.app.snapshot.all_rows() if r.app.bundle_id == "com.a")
        assert not row.decision.button.enabled
        clock[0] = NOW + timedelta(seconds=3)
        pilot.app.tick()
        row = next(r for r in pilot.app.snapshot.all_rows() if r.app.bundle_id == "com.a")
        assert (row.decision.button.title, row.decision.button.enabled) == ("FREE", True)


HOSTILE = ["[/x]", "[@click=app.quit]q[/]", "\x1b]52;c;aGk=\x07", "\x1b[2J", "x" * 100_000,
           "\u202eevil", "🦄" * 50]


@pytest.mark.parametrize("client", ["altstore", "feather", "livecontainer"])
async def test_hostile_source_walk(tmp_path, client):
    with open_user_state(tmp_path / "home").transaction() as state:  # the client, before start
        state.value.settings.client = client
    evil = "".join(HOSTILE)
    doc = source(name=evil, subtitle=evil, apps=[app(
        name=evil, developerName=evil, subtitle=evil, localizedDescription=evil,
        versions=[version(localizedDescription=evil)],
        appPermissions={"entitlements": [evil], "privacy": {"NSCameraUsageDescription": evil}})],
        news=[news(title=evil, caption=evil, notify=True)])
    path = write(tmp_path, doc)
    async with make(tmp_path).run_test(size=SIZE, notifications=True) as pilot:
        sim = pilot.app.simulator
        sim.add_source(await sim.preview_source(path))
        pilot.app.reload()
        for tab in ("browse", "sources", "news", "my-apps", "simulator"):
            pilot.app.query_one(TabbedContent).active = tab
            await pilot.pause()
        pilot.app.notify(evil, markup=False)
        browse = pilot.app.query_one("#browse-table", RowList)
        pilot.app.query_one(TabbedContent).active = "browse"
        browse.focus()
        for _ in range(browse.row_count):
            await pilot.press("enter")
            await pilot.pause()
            for key in ("w", "escape"):  # the reasons behind the page's decisions
                await pilot.press(key)
                await pilot.pause()
            await pilot.press("m")
            await pilot.press("escape")
            await pilot.press("down")
        # the client's notifications carry source text too: an update and news titled by it
        sim.install("com.a")
        write(tmp_path, dict(doc, apps=[dict(doc["apps"][0], versions=[
            version(version=evil, localizedDescription=evil), version()])],
            news=[news(identifier=evil, title=evil, appID="com.a", notify=True)]))
        await pilot.press("b")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if "notifications" in PROFILES[client].shows:
            assert any(evil[:20] in entry for entry in pilot.app.history)
        for key in ("n", "escape"):  # the notification history page
            await pilot.press(key)
            await pilot.pause()
        tabs = pilot.app.query_one(TabbedContent)
        for tab, table in (("sources", "#sources-table"), ("news", "#news-table")):
            tabs.active = tab
            await pilot.pause()
            pilot.app.query_one(table, DataTable).focus()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("escape")
        assert pilot.app.is_running
        assert any("[/x]" in c for c in cells(browse, 0))
        screen = pilot.app.export_screenshot()
        assert "\x1b]52" not in screen
        assert "\x1b[2J" not in screen


async def apply_typed(tmp_path: Path, field: str, typed: str) -> tuple[str, AltsimApp]:
    """Type into one Simulator field, press Apply: the status line, and the app after it."""
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        pilot.app.query_one(TabbedContent).active = "simulator"
        await pilot.pause()
        pilot.app.query_one(f"#{field}", Input).value = typed
        pilot.app.query_one("#apply", Button).press()
        await pilot.pause()
        assert pilot.app.is_running
        return str(pilot.app.query_one("#sim-status", Label).render()), pilot.app


@pytest.mark.parametrize("field", ["ios", "locale", "tz", "offset", "pledge"])
async def test_hostile_simulator_input_is_echoed_literally(tmp_path, field):
    """A rejected value is named in the status line: what was typed is text, never markup."""
    status, _ = await apply_typed(tmp_path, field, "[/x][@click=app.quit]q[/]\x1b]52;c;aGk=\x07")
    assert status != "Applied."
    assert "\x1b" not in status
    if field in ("locale", "tz"):  # these name the value
        assert "[/x][@click=app.quit]q[/]" in status


@pytest.mark.parametrize(("field", "typed"), [
    ("offset", "inf"), ("offset", "nan"), ("offset", "1e308"), ("offset", "900000"),
    ("interval", "0"), ("interval", "99999999999999999999")])
async def test_a_value_the_world_cannot_keep_is_refused(tmp_path, field, typed):
    status, app = await apply_typed(tmp_path, field, typed)
    assert status.startswith(("clock offset: at most", "interval: 1 to")), status
    assert app.simulator.store.load().set_aside is None


@pytest.mark.parametrize("tab", ["browse", "sources", "news", "my-apps", "simulator"])
def test_snapshots(tab, tmp_path, snap_compare):
    async def setup(pilot: Any) -> None:
        pilot.app.query_one(TabbedContent).active = tab
        await pilot.pause()

    assert snap_compare(make(tmp_path), terminal_size=SIZE, run_before=setup)


async def test_source_page_news_tap_history_and_patreon(tmp_path):
    async with make(tmp_path).run_test(size=SIZE, notifications=True) as pilot:
        tabs = pilot.app.query_one(TabbedContent)
        tabs.active = "sources"
        await pilot.pause()
        pilot.app.query_one("#sources-table", DataTable).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "TextPage"
        await pilot.press("escape")
        tabs.active = "news"
        await pilot.pause()
        pilot.app.query_one("#news-table", DataTable).focus()
        await pilot.press("enter")  # the newest item links an app: its page opens
        await pilot.pause()
        assert isinstance(pilot.app.screen, AppPage)
        await pilot.press("escape")
        await pilot.press("n")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "TextPage"
        await pilot.press("escape")
        # a Patreon lock, then a pledge, then unlocked
        pledge = "com.example.showcase.pledge"
        row = pilot.app.snapshot.row_for(pledge)
        assert row.decision.button.title == "€4.5/mo"
        tabs.active = "simulator"
        await pilot.pause()
        pilot.app.query_one("#pledge", Input).value = "5"
        pilot.app.query_one("#apply", Button).press()
        await pilot.pause()
        row = pilot.app.snapshot.row_for(pledge)
        assert (row.decision.button.title, row.pledge_label) == ("INSTALL", "Pledged")


def test_app_page_snapshot(tmp_path, snap_compare):
    async def open_first(pilot: Any) -> None:
        pilot.app.query_one("#browse-table", RowList).focus()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make(tmp_path), terminal_size=SIZE, run_before=open_first)


async def test_a_countdown_ticks_under_an_open_page(tmp_path):
    release = NOW + timedelta(days=2)
    doc = source(apps=[app(versions=[version(date=release.strftime("%Y-%m-%dT%H:%M:%SZ"))])])
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        sim = pilot.app.simulator
        sim.add_source(await sim.preview_source(write(tmp_path, doc)))
        pilot.app.reload()
        pilot.app.query_one("#browse-table", RowList).focus()
        await pilot.press("enter")
        await pilot.pause()
        pilot.app.tick()  # the 1 s countdown refresh, with the app page on top
        assert isinstance(pilot.app.screen, AppPage)


async def test_add_a_source_with_preview_and_confirm(tmp_path):
    path = write(tmp_path, source(name="Added Here", apps=[app(bundleIdentifier="com.new")]))
    async with make(tmp_path).run_test(size=SIZE, notifications=True) as pilot:
        pilot.app.query_one(TabbedContent).active = "sources"
        await pilot.pause()
        field = pilot.app.query_one("#add-address", Input)
        field.value = path
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "ConfirmSource"
        await pilot.press("n")
        await pilot.pause()
        assert len(pilot.app.simulator.user_state().sources) == 2  # the bundled ones only
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        names = {r.name for r in pilot.app.simulator.user_state().sources.values()}
        assert "Added Here" in names
        assert "Added Here" in cells(pilot.app.query_one("#sources-table", DataTable), 0)


async def test_refresh_all_fills_the_progress_bar(tmp_path):
    from textual.widgets import ProgressBar

    async with make(tmp_path).run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        bar = pilot.app.query_one("#refresh-progress", ProgressBar)
        assert (bar.progress, bar.total) == (2, 2)  # both bundled sources


async def test_sidestore_beta_updates_chosen_by_keys(tmp_path):
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        pilot.app.query_one(TabbedContent).active = "simulator"
        await pilot.pause()
        pilot.app.query_one("#beta-track").focus()
        await pilot.press("enter", "down", "enter")  # open the list, "nightly", choose it
        pilot.app.query_one("#apply", Button).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.simulator.user_state().settings.beta_track == "nightly"


class FullDisk(Simulator):
    """A refresh that fails as a full disk fails its commit. Injected because no source makes
    the real refresh raise: fetch errors and rejections are its results, not exceptions."""

    async def refresh(self, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device: [b]x[/b] [@click=app.quit]q[/] \x1b[2J")


def failing(tmp_path: Path, *, background: bool = False) -> AltsimApp:
    simulator = FullDisk(open_user_state(tmp_path / "home"), clock=lambda: NOW)
    return AltsimApp(simulator, background=background)


def toasts(app_: AltsimApp) -> list[tuple[str, str, str]]:
    return [(n.title, n.message, n.severity) for n in app_._notifications]


async def test_a_refresh_that_raises_is_reported_not_silent(tmp_path, caplog):
    message = ("OSError: [Errno 28] No space left on device: [b]x[/b] [@click=app.quit]q[/] "
               "\ufffd[2J")
    async with failing(tmp_path).run_test(size=SIZE, notifications=True) as pilot:
        for key, title in (("b", "The background refresh failed"), ("r", "The refresh failed")):
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert (title, message, "error") in toasts(pilot.app)  # shown literally, no ESC
            assert f"{title}: {message}" in pilot.app.history
            assert any(r.exc_info and r.getMessage() == title for r in caplog.records)
        await pilot.press("n")  # the notification history page lists both
        await pilot.pause()
        page = str(pilot.app.screen.query_one("Static").render())
        assert page.count(message) == 2
        assert pilot.app.is_running


async def test_a_failed_background_tick_is_reported_and_the_loop_goes_on(tmp_path, caplog):
    async with failing(tmp_path, background=True).run_test(size=SIZE,
                                                           notifications=True) as pilot:
        loop = pilot.app.loop
        assert loop is not None
        for count in (1, 2):  # the loop survives its failure: the next tick runs and fails
            loop.refresh_soon()
            for _ in range(50):
                await pilot.pause(0.02)
                if len(pilot.app.failures) == count:
                    break
            assert [f[1] for f in pilot.app.failures] == ["The background refresh failed"] * count
        assert len(toasts(pilot.app)) == 2
        assert sum(bool(r.exc_info) for r in caplog.records) == 2


# -- keys only: the README's tour, as a keyboard user in tmux takes it --------------------------


def focused_id(app_: AltsimApp) -> str | None:
    return app_.focused.id if app_.focused is not None else None


async def to_row(pilot: Any, bundle_id: str) -> None:
    """Down the Browse list until the cursor is on the app (the keys a user presses)."""
    browse = pilot.app.browse_tab
    for _ in range(browse.row_list.row_count):
        if browse.keys[browse.row_list.cursor][1] == bundle_id:
            return
        await pilot.press("down")
    raise AssertionError(f"{bundle_id} is not listed")


async def test_the_readme_tour_by_keys_only(tmp_path):
    doc = source(name="Mine", apps=[app(versions=[version(version="2.0", minOSVersion="17.0"),
                                                  version(version="1.0")])])
    path = write(tmp_path, doc)
    async with make(tmp_path).run_test(size=SIZE, notifications=True) as pilot:
        app_, sim = pilot.app, pilot.app.simulator
        assert focused_id(app_) == "browse-table"
        # Sources: 2 puts the cursor in the address field; a path's s, n and r are text
        await pilot.press("2")
        assert focused_id(app_) == "add-address"
        await pilot.press(*path)
        assert app_.sources_tab.address.value == path
        assert (len(app_.screen_stack), app_.browse_tab.sort) == (1, "default")
        assert not app_.workers._workers
        await pilot.press("enter")
        assert type(app_.screen).__name__ == "ConfirmSource"
        await pilot.press("y")
        assert "Mine" in cells(app_.sources_tab.table, 0)
        # Simulator: Escape leaves the address field, 5 puts the cursor in the iOS field;
        # digits there are text; Tab to the device
        await pilot.press("escape", "5")
        assert focused_id(app_) == "ios"
        await pilot.press(*"16.4", "tab")
        assert focused_id(app_) == "family"
        await pilot.press("enter", "down", "enter", "ctrl+s")  # the iPad, then Apply
        device = sim.user_state().device_settings
        assert (device.ios, device.family) == ("16.4.0", "ipad")
        assert str(app_.simulator_panel.status.render()) == "Applied."
        # Browse: an app page, i taps its button (on iOS 16.4, version 1.0)
        await pilot.press("1")
        assert focused_id(app_) == "browse-table"
        await to_row(pilot, "com.a")
        await pilot.press("enter")
        assert isinstance(app_.screen, AppPage)
        await pilot.press("i")
        assert sim.user_state().installed["com.a"].version == "1.0"
        # My Apps: no update on 16.4; iOS 17 (Enter in the field applies) offers 2.0; u takes it
        await pilot.press("4")
        assert focused_id(app_) == "apps-table"
        assert cells(app_.my_apps_tab.table, 2) == ["—"]
        await pilot.press("5", *"17.0", "enter", "escape", "4")
        assert cells(app_.my_apps_tab.table, 2) == ["2.0"]
        assert "My Apps (1)" in str(app_.tabs.get_tab("my-apps").label)
        await pilot.press("u")
        assert sim.user_state().installed["com.a"].version == "2.0"
        # Browse's order, a background and a foreground refresh, the notification history
        await pilot.press("1", "s")
        assert app_.browse_tab.sort == "name"
        await pilot.press("b")
        await app_.workers.wait_for_complete()
        await pilot.press("r")
        await app_.workers.wait_for_complete()
        await pilot.pause()
        assert (app_.my_apps_tab.progress.progress, app_.my_apps_tab.progress.total) == (3, 3)
        await pilot.press("n")
        assert type(app_.screen).__name__ == "TextPage"
        await pilot.press("escape")
        # News: 3, Enter opens the newest item's link or app
        await pilot.press("3", "enter")
        await pilot.pause()
        assert isinstance(app_.screen, AppPage)
        await pilot.press("escape")
        # Sources: Escape leaves the address field for the list, x removes the source there
        await pilot.press("2", "escape")
        assert focused_id(app_) == "sources-table"
        before = len(sim.user_state().sources)
        await pilot.press("x")
        assert len(sim.user_state().sources) == before - 1
        await pilot.press("q")
        assert not app_.is_running


async def test_escape_leaves_a_field_and_the_tab_keys_work_again(tmp_path):
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        app_ = pilot.app
        await pilot.press("2", "3")
        assert (app_.tabs.active, app_.sources_tab.address.value) == ("sources", "3")
        await pilot.press("escape", "3")
        assert (app_.tabs.active, focused_id(app_)) == ("news", "news-table")
        await pilot.press("5", "escape")
        assert app_.focused is app_.simulator_panel
        await pilot.press("4")
        assert (app_.tabs.active, focused_id(app_)) == ("my-apps", "apps-table")


@pytest.mark.parametrize("key", ["1", "2", "3", "4", "5"])
async def test_widgets_of_hidden_tabs_never_take_focus(tmp_path, key):
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        app_ = pilot.app
        await pilot.press(key)
        pane = app_.tabs.get_pane(app_.tabs.active)
        for _ in range(25):  # round the Simulator form, the longest tab
            await pilot.press("tab")
            focused = app_.focused
            assert focused is not None
            assert pane in focused.ancestors_with_self or isinstance(focused, Tabs), focused


async def test_apply_with_nothing_changed_keeps_a_fixed_clock(tmp_path, monkeypatch):
    """`altsim device --now` fixes the clock; the form shows it, and Apply writes nothing it
    was not asked to write."""
    from altsim.cli import main

    monkeypatch.setenv("ALTSIM_HOME", str(tmp_path / "home"))
    assert main(["device", "--now", "2030-01-01T00:00:00Z"]) == 0
    fixed = datetime(2030, 1, 1, tzinfo=UTC)
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        app_, store = pilot.app, pilot.app.simulator.store
        await pilot.press("5")
        assert app_.simulator_panel.choice("clock-mode") == "fixed"
        saved = store.path.read_bytes()
        await pilot.press("ctrl+s")
        assert str(app_.simulator_panel.status.render()).startswith("Nothing to apply")
        assert store.path.read_bytes() == saved
        await pilot.press(*"16.0", "enter")  # another field: the clock stays fixed
        device = app_.simulator.user_state().device_settings
        assert (device.ios, device.clock) == ("16.0.0", fixed)
        await pilot.press("enter")  # the same values again: nothing more to write
        assert str(app_.simulator_panel.status.render()).startswith("Nothing to apply")


async def test_typing_an_offset_chooses_the_offset_clock(tmp_path):
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        app_ = pilot.app
        await pilot.press("5")
        panel = app_.simulator_panel
        assert panel.choice("clock-mode") == "live"
        await pilot.press(*["tab"] * 6)  # iOS, device, client, locale, time zone, clock mode
        assert focused_id(app_) == "offset"
        await pilot.press(*"48")
        assert panel.choice("clock-mode") == "offset"
        await pilot.press("enter")
        clock = app_.simulator.user_state().device_settings.clock
        assert clock == timedelta(hours=48)


async def test_apply_from_the_command_palette(tmp_path):
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        app_ = pilot.app
        await pilot.press("5", *"15.0", "escape", "ctrl+p", *"apply the sim")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app_.simulator.user_state().device_settings.ios == "15.0.0"


async def test_5_at_once_focuses_the_form_when_it_is_mounted(tmp_path):
    """The form is mounted after the first frame (Lazy): a 5 pressed before it is there gets
    focus into it all the same."""
    from textual.lazy import Lazy

    from altsim.ui.simulator_panel import SimulatorPanel

    async with make(tmp_path).run_test(size=SIZE) as pilot:
        app_ = pilot.app
        panel = app_.simulator_panel
        assert panel is not None
        await panel.remove()  # back to the first frame's state: the form still to come
        await app_.tabs.get_pane("simulator").mount(Lazy(SimulatorPanel(
            app_.simulator.user_state())))
        assert app_.simulator_panel is None
        await pilot.press("5")
        for _ in range(100):  # Lazy mounts it when the loop is idle: later on a loaded machine
            await pilot.pause(0.05)
            if focused_id(app_) == "ios":
                break
        assert focused_id(app_) == "ios"


async def test_5_waits_for_the_form_s_fields(tmp_path, monkeypatch):
    """Lazy mounts the form before its fields are composed (on a loaded machine, for a while):
    5 pressed then still focuses the first field once it is there, and crashes nothing."""
    from textual.css.query import NoMatches

    from altsim.ui.simulator_panel import SimulatorPanel

    real = SimulatorPanel.main
    asked = 0

    def main(self: SimulatorPanel) -> Any:
        nonlocal asked
        asked += 1
        if asked <= 3:
            raise NoMatches("No nodes match '#ios'")
        return real.fget(self)

    monkeypatch.setattr(SimulatorPanel, "main", property(main))
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        await pilot.press("5")
        for _ in range(100):
            await pilot.pause(0.05)
            if focused_id(pilot.app) == "ios":
                break
        assert focused_id(pilot.app) == "ios"
        assert asked > 3


async def test_pledge_and_dark_mode_by_keys(tmp_path):
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        app_ = pilot.app
        pledge = "com.example.showcase.pledge"
        assert app_.snapshot.row_for(pledge).decision.button.title == "€4.5/mo"
        await pilot.press("5", *["tab"] * 8)  # past the device, clock and client fields
        assert focused_id(app_) == "pledge"
        await pilot.press("5", *["tab"] * 5)
        assert focused_id(app_) == "dark-mode"
        await pilot.press("space", "ctrl+s")
        assert app_.simulator.user_state().settings.dark_mode
        assert app_.theme == "textual-dark"
        row = app_.snapshot.row_for(pledge)
        assert (row.decision.button.title, row.pledge_label) == ("INSTALL", "Pledged")


async def test_a_third_party_client_chosen_by_keys_says_what_it_does_not_do(tmp_path):
    async with make(tmp_path).run_test(size=SIZE) as pilot:
        app_ = pilot.app
        assert not app_.news_tab.query_one(".client-note", Static).display
        await pilot.press("5")  # the Simulator form, the cursor in its first field
        await pilot.pause()
        downs = list(PROFILES).index("livecontainer")
        await pilot.press("tab", "tab", "enter", *["down"] * downs, "enter", "ctrl+s")
        await pilot.pause()
        assert app_.simulator.user_state().settings.client == "livecontainer"
        await pilot.press("escape", "3")
        note = app_.news_tab.query_one(".client-note", Static)
        assert note.display
        assert str(note.render()) == "LiveContainer shows no news: this tab stays empty there."
        assert not app_.news_tab.table.row_count
        await pilot.press("4")
        assert "LiveContainer has no update detection" in str(
            app_.my_apps_tab.query_one(".client-note", Static).render())
