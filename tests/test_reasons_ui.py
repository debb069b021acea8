"""The app page's reasons a key away (`w`), driven with Pilot over a temp state directory."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from altsim.sim.simulator import Simulator
from altsim.state import open_user_state
from altsim.ui.app import AltsimApp
from altsim.ui.app_page import AppPage
from altsim.ui.reasons import ReasonsScreen
from altsim.ui.row_list import RowList

from .builders import app, source, version

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SIZE = (120, 40)
EVIL = "Why\x1b[31m[b]Test[/b]\u202e"


async def test_w_on_the_app_page_says_why_no_update_is_offered(tmp_path: Path) -> None:
    doc = source(apps=[app(name=EVIL, versions=[
        version(version="2.0", minOSVersion="18.0"), version(version="1.0")])])
    path = tmp_path / "src.json"
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    simulator = Simulator(open_user_state(tmp_path / "home"), clock=lambda: NOW)
    async with AltsimApp(simulator, background=False).run_test(size=SIZE) as pilot:
        simulator.add_source(await simulator.preview_source(str(path)))
        with simulator.store.transaction() as loaded:
            loaded.value.device_settings.ios = "17.0.0"
        pilot.app.reload()
        simulator.install("com.a", accept_offer=True)  # 1.0, the last version for iOS 17
        pilot.app.reload()
        await pilot.pause()
        browse = pilot.app.query_one("#browse-table", RowList)
        browse.focus()
        names = [str(browse.cells(i)[0]) for i in range(browse.row_count)]
        index = next(i for i, name in enumerate(names) if name.startswith("Why"))
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AppPage)
        await pilot.press("w")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ReasonsScreen)
        for _ in range(100):  # the saved copy is read in a thread: pointers get line:column
            if "line:column in" in screen.shown.plain:
                break
            await pilot.pause(0.05)
        shown = screen.shown.plain
        assert "No update" in shown
        assert "'1.0' matches the latest supported '1.0'" in shown
        assert "minOSVersion 18.0 at /apps/0/versions/0/minOSVersion line" in shown
        assert "\x1b" not in shown
        assert "\u202e" not in shown
        assert "[b]Test[/b]" in shown  # literal, never markup
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AppPage)
