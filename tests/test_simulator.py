"""The client's flows over a real state directory and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from altsim.core.decisions import available_update
from altsim.net.fetch import FetchLimits
from altsim.sim.background import BackgroundLoop
from altsim.sim.simulator import FlowError, Simulator
from altsim.state import open_user_state

from .builders import app, news, source, version
from .conftest import Routes

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
FAST = FetchLimits(connect_timeout=2, read_timeout=2, budget=3)


def body(doc: dict[str, Any]) -> tuple[int, bytes]:
    return 200, json.dumps(doc).encode()


@pytest.fixture
async def sim(tmp_path) -> AsyncIterator[Simulator]:
    simulator = Simulator(open_user_state(tmp_path / "home"), limits=FAST, clock=lambda: NOW)
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
    user_state = sim.user_state()
    assert [n.body for n in user_state.notifications] == [
        "App 1.1 (7) is now available for download.", "Hi"]
    assert user_state.known_news == {"n"}
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
    assert {r.name for r in sim.user_state().sources.values()} == {"A", "B"}
    fore = await sim.refresh(background=False)
    assert fore.outcome.saved
    assert fore.outcome.notifications == []
    user_state = sim.user_state()
    assert {r.name for r in user_state.sources.values()} == {"A2", "B"}
    assert "jsonSyntax" in (user_state.sources[b].last_error or "")
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
    # behaviour.md 9.2, vector 70
    assert sim.user_state().installed["com.a"].source_identifier is None


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
    assert all(r.name and r.name.startswith("S") for r in sim.user_state().sources.values())
    fore = await sim.refresh(background=False)
    names = sorted(r.name or "" for r in sim.user_state().sources.values())
    assert fore.outcome.saved
    assert names.count("S37") == 1
    assert sum(n.startswith("T") for n in names) == 99


async def test_sidestore_beta_updates_follow_the_chosen_track(sim, server):
    # S:AltStoreCore/Model/StoreApp.swift:137-161 at 239fc7c2: with beta updates on, the beta
    # track's releases replace the stable ones when SemVer-newer; an update notification follows.
    channels = [{"track": "nightly", "releases": [version(version="1.1.0-beta.1")]},
                {"track": "stable", "releases": [version(version="1.0.0")]}]
    Routes.routes = {"/s.json": body(source(apps=[app(releaseChannels=channels)]))}
    with sim.changing() as user_state:
        user_state.settings.client = "sidestore"
    identifier = await added(sim, f"{server}/s.json")
    assert sim.install("com.a").record.version == "1.0.0"
    versions = sim.sources(sim.user_state())[identifier].apps[0].versions
    assert [v.version for v in versions] == ["1.0.0"]
    with sim.changing() as user_state:
        user_state.settings.beta_track = "nightly"
    decoded = sim.sources(sim.user_state())[identifier].apps[0]
    assert (decoded.track, decoded.versions[0].version) == ("nightly", "1.1.0-beta.1")
    user_state = sim.user_state()
    offered = available_update(decoded, sim.sources(user_state)[identifier], user_state.user(),
                               sim.device(user_state), sim.profile(user_state))
    assert offered is not None
    assert offered.version == "1.1.0-beta.1"


# -- one commit per refresh, decided on the world as it is at the commit ---------------------

A_OLD = body(source(apps=[app(versions=[version(version="1.0")])]))
A_NEW = body(source(apps=[app(versions=[version(version="1.1"), version(version="1.0")])],
                    news=[news(identifier="a-news", title="Hi", notify=True)]))


def keys(user_state) -> list[tuple[str, str | None]]:
    return [(n.kind, n.bundle_id or n.news_id) for n in user_state.notifications]


async def a_world(sim, server) -> None:
    Routes.routes = {"/a.json": A_OLD}
    await added(sim, f"{server}/a.json")
    assert sim.install("com.a").record is not None
    Routes.routes["/a.json"] = A_NEW


def in_thread(work) -> None:
    """Another process's refresh, while this test's event loop waits (it holds no lock)."""
    thread = threading.Thread(target=asyncio.run, args=(work,))
    thread.start()
    thread.join()


def before_commit(sim: Simulator, meanwhile) -> None:
    """Run `meanwhile` (another process's change) after `sim`'s fetch, before its commit."""
    commit = sim._commit_refresh

    def late(*args, **kwargs):
        meanwhile()
        return commit(*args, **kwargs)

    sim._commit_refresh = late


async def test_a_source_added_during_a_refresh_keeps_its_news_unposted(sim, server, tmp_path):
    await a_world(sim, server)
    Routes.routes["/b.json"] = body(source(name="B", apps=[app(bundleIdentifier="com.b")],
                                           news=[news(identifier="b-news", notify=True)]))
    other = Simulator(open_user_state(tmp_path / "home"), limits=FAST, clock=lambda: NOW)
    preview = await other.preview_source(f"{server}/b.json")
    before_commit(sim, lambda: other.add_source(preview))
    await sim.refresh(background=True)
    user_state = sim.user_state()
    assert keys(user_state) == [("update", "com.a"), ("news", "a-news")]  # never b-news
    assert user_state.known_news == {"a-news", "b-news"}
    assert {r.name for r in user_state.sources.values()} == {"S", "B"}
    await other.aclose()


async def test_overlapping_refreshes_post_once(sim, server, tmp_path):
    await a_world(sim, server)
    other = Simulator(open_user_state(tmp_path / "home"), limits=FAST, clock=lambda: NOW)
    done = []

    async def refresh_other() -> None:
        done.append(await other.refresh(background=True))
        await other.aclose()

    before_commit(sim, lambda: in_thread(refresh_other()))
    mine = await sim.refresh(background=True)  # fetched v2 too; the other committed first
    assert len(done[0].posted) == 2
    assert mine.posted == []
    assert keys(sim.user_state()) == [("update", "com.a"), ("news", "a-news")]


async def test_a_source_refreshed_meanwhile_keeps_the_other_copy(sim, server, tmp_path):
    await a_world(sim, server)
    other = Simulator(open_user_state(tmp_path / "home"), limits=FAST, clock=lambda: NOW)
    (identifier,) = sim.user_state().sources

    async def newer() -> None:  # another process fetches a third version, commits first
        Routes.routes["/a.json"] = body(source(name="Third"))
        await other.refresh(background=False)
        await other.aclose()

    before_commit(sim, lambda: in_thread(newer()))
    await sim.refresh(background=False)
    assert sim.user_state().sources[identifier].name == "Third"  # not undone by the older fetch


async def test_notifications_not_shown_are_shown_by_the_next_refresh(sim, server):
    await a_world(sim, server)
    posted = await sim.refresh(background=True)  # no one to show them (a process that died)
    assert [n.shown for n in sim.user_state().notifications] == [False, False]
    Routes.routes["/a.json"] = A_NEW
    seen = []
    again = await sim.refresh(background=True, show=seen.append)
    assert len(seen) == 1
    assert seen[0] is again
    assert [(n.title, n.at) for n in again.shown] == [(n.title, n.at) for n in posted.posted]
    assert again.posted == []
    user_state = sim.user_state()
    assert [n.shown for n in user_state.notifications] == [True, True]  # history: each once
    assert keys(user_state) == [("update", "com.a"), ("news", "a-news")]
    shown_later = []
    assert sim.show_pending(shown_later.append) == 0
    assert shown_later == []


async def test_a_refresh_whose_notifications_cannot_be_shown_is_committed_unshown(sim, server):
    await a_world(sim, server)

    def broken(refreshed: object) -> None:
        raise BrokenPipeError("stdout is gone")

    with pytest.raises(BrokenPipeError):
        await sim.refresh(background=True, show=broken)
    user_state = sim.user_state()
    assert keys(user_state) == [("update", "com.a"), ("news", "a-news")]
    assert [n.shown for n in user_state.notifications] == [False, False]
    shown = []
    assert sim.show_pending(shown.extend) == 2
    assert [n.shown for n in sim.user_state().notifications] == [True, True]


async def test_install_and_update_decide_on_the_world_at_the_commit(sim, server, tmp_path):
    await a_world(sim, server)
    await sim.refresh(background=False)
    other = Simulator(open_user_state(tmp_path / "home"), limits=FAST, clock=lambda: NOW)
    assert other.update("com.a").record is not None
    with pytest.raises(FlowError, match="no update is offered"):
        sim.update("com.a")  # already done by the other process: not redone
    with pytest.raises(FlowError, match="already installed"):
        sim.install("com.a")
