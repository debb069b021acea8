"""The client's flows over a real state directory and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from altsim.core.decisions import available_update
from altsim.net.fetch import FetchLimits
from altsim.sim.background import BackgroundLoop
from altsim.sim.simulator import FlowError, Simulator
from altsim.state import open_world

from .builders import app, news, source, version
from .conftest import Routes

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
FAST = FetchLimits(connect_timeout=2, read_timeout=2, budget=3)


def body(doc: dict[str, Any]) -> tuple[int, bytes]:
    return 200, json.dumps(doc).encode()


@pytest.fixture
async def sim(tmp_path) -> AsyncIterator[Simulator]:
    simulator = Simulator(open_world(tmp_path / "home"), limits=FAST, clock=lambda: NOW)
    yield simulator
    await simulator.aclose()


async def added(sim: Simulator, url: str) -> str:
    preview = await sim.preview_source(url)
    return sim.add_source(preview).identifier


async def test_add_source_and_duplicate(sim, server):
    Routes.routes = {"/apps.json": body(source())}
    identifier = await added(sim, f"{server}/apps.json")
    assert identifier == f"{server.split('://')[1]}/apps.json"
    with pytest.raises(FlowError, match="^A source with the identifier '.*' already exists.$"):
        await sim.preview_source(f"{server}/apps.json?v=2")  # vector 3/4: same identity


async def test_install_update_and_background_notifications(sim, server):
    Routes.routes = {"/a.json": body(source(apps=[app(versions=[version(version="1.0")])]))}
    await added(sim, f"{server}/a.json")
    assert sim.install("com.a").record is not None
    Routes.routes["/a.json"] = body(source(
        apps=[app(versions=[version(version="1.1", buildVersion="7"), version(version="1.0")])],
        news=[news(identifier="n", title="Hi", notify=True)]))
    refreshed = await sim.refresh(background=True)
    assert [n.title for n in refreshed.outcome.notifications] == [
        "New Update Available", "AltStore News"]
    world = sim.world()
    assert [n.body for n in world.notifications] == [
        "App 1.1 (7) is now available for download.", "Hi"]
    assert world.known_news == {"n"}
    record = sim.update("com.a").record
    assert record is not None
    assert (record.version, record.build_version) == ("1.1", "7")


async def test_foreground_keeps_failed_sources_background_saves_nothing(sim, server):
    Routes.routes = {"/a.json": body(source(name="A")), "/b.json": body(source(name="B"))}
    await added(sim, f"{server}/a.json")
    b = await added(sim, f"{server}/b.json")
    Routes.routes = {"/a.json": body(source(name="A2", news=[news(notify=True)]))}  # b: 404
    back = await sim.refresh(background=True)
    assert not back.outcome.saved
    assert {r.name for r in sim.world().sources.values()} == {"A", "B"}
    fore = await sim.refresh(background=False)
    assert fore.outcome.saved
    assert fore.outcome.notifications == []
    world = sim.world()
    assert {r.name for r in world.sources.values()} == {"A2", "B"}
    assert "jsonSyntax" in (world.sources[b].last_error or "")
    again = await sim.refresh(background=True)  # b still fails: nothing posted
    assert again.outcome.notifications == []


async def test_offer_and_lost_link(sim, server):
    versions = [version(version="2.0", minOSVersion="99"), version(version="1.9")]
    Routes.routes = {"/a.json": body(source(apps=[app(versions=versions)]))}
    await added(sim, f"{server}/a.json")
    offered = sim.install("com.a")
    assert (offered.attempt.outcome, offered.record) == ("offer", None)
    accepted = sim.install("com.a", accept_offer=True)
    assert accepted.record is not None
    assert accepted.record.version == "1.9"
    Routes.routes = {"/a.json": body(source(apps=[app(bundleIdentifier="com.b")]))}
    await sim.refresh(background=False)
    assert sim.world().installed["com.a"].source_identifier is None  # §9.2, vector 70


async def test_loop_refreshes_on_interval_and_on_demand(sim, server):
    Routes.routes = {"/a.json": body(source())}
    await added(sim, f"{server}/a.json")
    seen = []
    loop = BackgroundLoop(sim, interval=0.2)
    loop.observers.append(seen.append)
    loop.start()
    await asyncio.sleep(0.5)
    ticks = len(seen)
    assert ticks >= 1
    assert all(r.background for r in seen)
    loop.refresh_soon()
    await asyncio.sleep(0.15)
    assert len(seen) > ticks
    await loop.stop()
    after = len(seen)
    await asyncio.sleep(0.3)
    assert len(seen) == after  # cancelled


async def test_idle_loop_uses_no_cpu(sim):
    loop = BackgroundLoop(sim, interval=3600)
    loop.start()
    start = time.process_time()
    await asyncio.sleep(0.5)
    await loop.stop()
    assert time.process_time() - start < 0.05


async def test_hundred_sources_one_failing(sim, server):
    Routes.routes = {f"/{i}.json": body(source(name=f"S{i}")) for i in range(100)}
    for i in range(100):
        await added(sim, f"{server}/{i}.json")
    Routes.routes = {f"/{i}.json": body(source(name=f"T{i}", news=[news(notify=True)]))
                     for i in range(100) if i != 37}
    back = await sim.refresh(background=True)
    assert (back.outcome.saved, len(back.outcome.errors)) == (False, 1)
    assert all(r.name and r.name.startswith("S") for r in sim.world().sources.values())
    fore = await sim.refresh(background=False)
    names = sorted(r.name or "" for r in sim.world().sources.values())
    assert fore.outcome.saved
    assert names.count("S37") == 1
    assert sum(n.startswith("T") for n in names) == 99


async def test_sidestore_beta_updates_follow_the_chosen_track(sim, server):
    # S:AltStoreCore/Model/StoreApp.swift:137-161 at 239fc7c2: with beta updates on, the beta
    # track's releases replace the stable ones when SemVer-newer; an update notification follows.
    channels = [{"track": "nightly", "releases": [version(version="1.1.0-beta.1")]},
                {"track": "stable", "releases": [version(version="1.0.0")]}]
    Routes.routes = {"/s.json": body(source(apps=[app(releaseChannels=channels)]))}
    with sim.changing() as world:
        world.settings.client = "sidestore"
    identifier = await added(sim, f"{server}/s.json")
    assert sim.install("com.a").record.version == "1.0.0"
    assert [v.version for v in sim.sources(sim.world())[identifier].apps[0].versions] == ["1.0.0"]
    with sim.changing() as world:
        world.settings.beta_track = "nightly"
    decoded = sim.sources(sim.world())[identifier].apps[0]
    assert (decoded.track, decoded.versions[0].version) == ("nightly", "1.1.0-beta.1")
    world = sim.world()
    offered = available_update(decoded, sim.sources(world)[identifier], world.user(),
                               sim.device(world), sim.profile(world))
    assert offered is not None
    assert offered.version == "1.1.0-beta.1"
