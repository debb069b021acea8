"""Pictures on the app page: icon and screenshots fetched from a real server on 127.0.0.1,
cached on disk, decoded under a pixel limit; every failure shown where the picture would be."""

from __future__ import annotations

import asyncio
import io
import json
import os
import socket
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from textual.pilot import Pilot
from textual.widgets import Static

from altsim.net.images import (
    ImageCache,
    Picture,
    PictureFailure,
    decode_picture,
    image_cache_directory,
)
from altsim.sim.simulator import Simulator
from altsim.state import open_user_state
from altsim.ui.app import AltsimApp
from altsim.ui.app_page import AppPage
from altsim.ui.pictures import PICTURES_ENV, ListIcons, PictureSlot
from altsim.ui.row_list import RowList

from .builders import app, source
from .conftest import Routes

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SIZE = (120, 48)


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    for x in range(width):  # a diagonal stripe, so a stretched picture looks stretched
        image.putpixel((x, min(height - 1, x * height // width)), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A small PNG whose header declares ``width`` x ``height`` grey pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b""))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def shot(url: str, width: int | None = None, height: int | None = None) -> dict[str, Any]:
    return {"imageURL": url} if width is None else {"imageURL": url, "width": width,
                                                     "height": height}


def pictures_source(base: str) -> dict[str, Any]:
    Routes.routes = {
        "/icon.png": (200, png(64, 64, (200, 40, 40))),
        "/ok.png": (200, png(90, 195, (40, 120, 200))),
        "/text.png": (200, b"<html>not a picture</html>"),
        "/bomb.png": (200, bomb()),
        "/wide.png": (200, png(200, 100, (40, 160, 60))),
    }
    return source(name="Pictures", apps=[
        app(name="AAA Pictures", bundleIdentifier="com.pics", tintColor="#C82828",
            iconURL=f"{base}/icon.png",
            screenshots={"iphone": [shot(f"{base}/ok.png", 90, 195), f"{base}/text.png",
                                    shot(f"{base}/bomb.png", 90, 195),
                                    shot(f"{base}/wide.png", 90, 195)]}),
        app(name="AAB Broken", bundleIdentifier="com.broken",
            iconURL=f"{base}/gone/\u202eicon\x1b[2J.png")])


def make(tmp_path: Path, doc: dict[str, Any]) -> AltsimApp:
    """The app over a home that has the bundled sources and ``doc`` added."""
    simulator = Simulator(open_user_state(tmp_path / "home"), clock=lambda: NOW)
    path = tmp_path / "pictures.json"
    path.write_text(json.dumps(doc), encoding="utf-8")

    async def add() -> None:
        simulator.add_source(await simulator.preview_source(str(path)))
        await simulator.aclose()  # before the app's loop uses the simulator

    with ThreadPoolExecutor(1) as thread:  # its own loop, also under a running test loop
        thread.submit(asyncio.run, add()).result()
    return AltsimApp(simulator, background=False)


@pytest.fixture(autouse=True)
def pictures_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PICTURES_ENV, "on")  # a headless app loads none otherwise


async def open_page(pilot: Pilot[Any], name: str) -> AppPage:
    """Open an app's page as a user does: down the Browse list to its row, then Enter."""
    browse = pilot.app.query_one(RowList)
    browse.focus()
    await pilot.pause()
    row = next(i for i in range(browse.row_count) if str(browse.cells(i)[0]).endswith(name))
    await pilot.press(*["down"] * row, "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, AppPage)
    return pilot.app.screen


async def loaded(pilot: Pilot[Any], page: AppPage) -> dict[str, Picture | PictureFailure]:
    """Every slot's result, waiting (bounded) for the worker to post them all."""
    for _ in range(200):
        slots = list(page.query(PictureSlot))
        if all(slot.result is not None for slot in slots):
            break
        await pilot.pause(0.05)
    results = {slot.label: slot.result for slot in page.query(PictureSlot)}
    assert None not in results.values(), results
    return {label: result for label, result in results.items() if result is not None}


def caption(page: AppPage, label: str) -> str:
    slot = next(s for s in page.query(PictureSlot) if s.label == label)
    return str(slot.query_one(".caption", Static).render())


async def test_pictures_and_what_went_wrong_with_them(tmp_path, server):
    async with make(tmp_path, pictures_source(server)).run_test(size=SIZE) as pilot:
        page = await open_page(pilot, "AAA Pictures")
        results = await loaded(pilot, page)
        title = page.render_title()  # the button in the app's tint, white on it
        assert any(str(span.style).endswith("on #C82828") for span in title.spans), title.spans
        icon = results["icon"]
        assert isinstance(icon, Picture)
        assert (icon.width, icon.height, icon.format) == (64, 64, "PNG")
        assert isinstance(results["screenshot 1"], Picture)
        assert caption(page, "screenshot 1") == "screenshot 1 · 0.462 rounded"  # no flag
        assert caption(page, "screenshot 2").startswith("screenshot 2: not an image")
        bombed = caption(page, "screenshot 3")
        assert bombed.startswith("screenshot 3: refused: 2,500,000,000 pixels"), bombed
        assert "decompression bomb" in bombed
        assert caption(page, "screenshot 4").startswith(
            "screenshot 4 · 0.462 rounded: ⚠ real 200 × 100, declared 90 × 195")
        # decoded pictures are drawn as images, failures as a mark in the box
        assert len(page.query(".box").exclude("Static")) == 3
        cached = list(image_cache_directory(tmp_path / "home").glob("*.img"))
        assert len(cached) == 5  # every 2xx body, the non-image and the bomb too
        await pilot.press("escape")

        browse = pilot.app.query_one(RowList)  # the Browse rows have their icons too

        def first() -> str:
            return next(str(browse.cells(i)[0]) for i in range(browse.row_count)
                        if str(browse.cells(i)[0]).endswith("AAA Pictures"))

        for _ in range(100):
            if first().startswith("▀▀"):
                break
            await pilot.pause(0.05)
        assert first() == "▀▀ AAA Pictures"
        page = await open_page(pilot, "AAB Broken")
        results = await loaded(pilot, page)
        text = caption(page, "icon")
        assert text.startswith("icon: HTTP 404"), text
        assert "\x1b" not in text  # the URL's file name shown, escaped
        assert "\u202e" not in text
        assert "\ufffdicon\ufffd[2J.png" in text


async def test_a_second_look_comes_from_the_disk_cache(tmp_path, server):
    doc = pictures_source(server)
    async with make(tmp_path, doc).run_test(size=SIZE) as pilot:
        await loaded(pilot, await open_page(pilot, "AAA Pictures"))
        await pilot.press("escape")
        Routes.routes = {}  # the server forgets every picture: only the cache has them
        results = await loaded(pilot, await open_page(pilot, "AAA Pictures"))
        assert isinstance(results["icon"], Picture)
        assert isinstance(results["screenshot 4"], Picture)


async def test_no_network_the_page_opens_at_once_and_says_so(tmp_path):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections, never answers
    hanging = f"http://127.0.0.1:{silent.getsockname()[1]}"
    refused = f"http://127.0.0.1:{closed_port()}"
    doc = source(name="Offline", apps=[app(name="AAA Offline", bundleIdentifier="com.off",
                                           iconURL=f"{hanging}/icon.png",
                                           screenshots=[f"{refused}/one.png"])])
    with silent:
        async with make(tmp_path, doc).run_test(size=SIZE) as pilot:
            page = await open_page(pilot, "AAA Offline")
            slot = page.query_one("#shot-1", PictureSlot)
            for _ in range(100):
                if slot.result is not None:
                    break
                await pilot.pause(0.05)
            assert caption(page, "screenshot 1").startswith(
                "screenshot 1: no network (connection refused)")
            # the icon's server still says nothing: the page is open, the slot waiting
            assert "loading…" in str(page.query_one("#icon .box", Static).render())
            await pilot.press("escape")  # closing the page cancels the fetch
            await pilot.pause()
            assert not isinstance(pilot.app.screen, AppPage)


def test_decoding_refuses_a_bomb_before_decoding_it():
    refused = decode_picture(bomb(7_000, 7_000))  # over the limit, under Pillow's own refusal
    assert isinstance(refused, PictureFailure)
    assert "49,000,000 pixels" in refused.reason
    assert decode_picture(b"GIF89a broken") == PictureFailure("not an image")
    truncated = png(300, 300, (9, 9, 9))[:-200]  # a good header, the pixels cut short
    broken = decode_picture(truncated)
    assert isinstance(broken, PictureFailure)
    assert broken.reason.startswith("broken image"), broken
    picture = decode_picture(png(3000, 200, (0, 0, 0)))
    assert isinstance(picture, Picture)
    assert (picture.width, picture.height) == (3000, 200)
    assert picture.image.size[0] <= 1024  # reduced for the terminal


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a pseudo-terminal")
def test_a_terminal_of_no_size_still_starts():
    """textual-image measures cells at import by dividing by the pty's columns: a pty that
    reports 0 x 0 (a bare `docker exec -t`) crashed altsim at start."""
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()  # a new pty reports 0 rows and 0 columns
    with os.fdopen(leader, "rb", buffering=0):
        done = subprocess.run([sys.executable, "-c", "import altsim.ui.pictures"],
                              stdin=follower, stdout=follower, stderr=subprocess.PIPE,
                              timeout=60, check=False)
        os.close(follower)
    assert done.returncode == 0, done.stderr.decode()


def test_the_cache_keeps_the_newest_under_its_limit(tmp_path):
    cache = ImageCache(tmp_path / "images", limit=2500)
    for number in range(4):
        cache.put(f"https://x.test/{number}.png", bytes(1000))
        os.utime(cache.path(f"https://x.test/{number}.png"), (1000 + number, 1000 + number))
    cache.evict()
    assert [cache.path(f"https://x.test/{n}.png").exists() for n in range(4)] == [
        False, False, True, True]
    assert cache.get("https://x.test/3.png") is None  # written long ago: stale
    cache.put("https://x.test/3.png", b"new")
    assert cache.get("https://x.test/3.png") == b"new"


async def test_list_icons_are_swatches_loaded_as_rows_are_drawn(tmp_path, server):
    from textual.app import App

    pictures_source(server)  # the routes

    class Host(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.simulator = Simulator(open_user_state(tmp_path / "home"), clock=lambda: NOW)

        def compose(self) -> Any:
            yield Static(id="list")

    async with Host().run_test() as pilot:
        owner = pilot.app.query_one("#list", Static)
        redraws: list[int] = []
        icons = ListIcons(owner, lambda: redraws.append(1))
        urls = [f"{server}/icon.png", f"{server}/missing.png"]
        assert [icons.cell(url).plain for url in urls] == ["  ", "  "]  # asked: queued
        for _ in range(100):
            if redraws and "  " not in [icons.cell(url).plain for url in urls]:
                break
            await pilot.pause(0.05)
        red = icons.cell(urls[0])
        assert red.plain == "▀▀"
        colour = red.spans[0].style.bgcolor.triplet  # the icon's red, with a bit of its stripe
        assert (colour.red > 180, colour.green < 80) == (True, True), colour
        assert icons.cell(urls[1]).plain == "✗ "
        await pilot.app.workers.wait_for_complete()


def test_app_page_with_pictures_snapshot(tmp_path, server, snap_compare):
    doc = pictures_source(server)

    async def open_and_wait(pilot: Pilot[Any]) -> None:
        await loaded(pilot, await open_page(pilot, "AAA Pictures"))
        browse = pilot.app.query_one(RowList)
        for _ in range(100):  # the Browse rows' icons, behind the page
            if all(str(browse.cells(i)[0]).startswith(("▀▀", "✗"))
                   for i in range(browse.row_count)):
                break
            await pilot.pause(0.05)
        await pilot.pause()

    # the server's port changes per run: the URLs are only in failure captions, cut off here
    assert snap_compare(make(tmp_path, doc), terminal_size=SIZE, run_before=open_and_wait)
