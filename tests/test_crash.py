"""Processes killed at every file mutation of every operation, and processes racing on one
home: the state always loads, the history holds exactly the notifications the client posts,
each once, every one is shown (twice only when the kill fell between showing it and the
commit that marks it), and nothing is left behind.

The killed processes are real: tests/state_worker.py forks one per kill point, patches the
os functions that change files in it, and SIGKILLs it at the Nth. Sources come from a real
HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from altsim.net.fetch import FetchLimits
from altsim.sim.simulator import RefreshReport, Simulator
from altsim.state import UserState, open_user_state

from .builders import app, news, source, version
from .conftest import Routes

WORKER = Path(__file__).with_name("state_worker.py")
FAST = FetchLimits(connect_timeout=5, read_timeout=5, budget=10)
OPS = ("add", "remove", "refresh", "install", "update", "uninstall", "settings")


def _body(document: dict[str, Any]) -> tuple[int, bytes]:
    return 200, json.dumps(document).encode()


A_V1 = _body(source(name="A", apps=[app(), app(bundleIdentifier="com.b", name="B")]))
# The second version: an update of com.a (no build: posted once, behaviour.md 9.3) and news to
# notify
A_V2 = _body(source(name="A", apps=[app(versions=[version(version="1.1"), version()]),
                                    app(bundleIdentifier="com.b", name="B")],
                    news=[news(identifier="a-news", title="Hi", notify=True)]))


def _b_source(name: str) -> tuple[int, bytes]:
    """A source to add: its news is in the store once added, so never notified
    (behaviour.md 6.4)."""
    return _body(source(name=name, apps=[app(bundleIdentifier=f"com.{name}")],
                        news=[news(identifier=f"{name}-news", notify=True)]))


Key = tuple[str, str]


def _key(record: Any) -> Key:
    return record.kind, record.bundle_id or record.news_id


async def _make_home(home: Path, base: str, path: str, *, updated: bool = False) -> None:
    """Source A added and com.a 1.0 installed; with `updated`, A's second version saved by a
    foreground refresh (which posts nothing)."""
    Routes.routes[f"{path}/a.json"] = A_V1
    sim = Simulator(open_user_state(home), limits=FAST)
    sim.add_source(await sim.preview_source(f"{base}/a.json"))
    assert sim.install("com.a").record is not None
    if updated:
        Routes.routes[f"{path}/a.json"] = A_V2
        await sim.refresh(background=False)
    await sim.aclose()


def _assert_clean(home: Path) -> UserState:
    """The state loads as it is, and the home holds nothing but it, its lock and the blobs
    it names."""
    loaded = open_user_state(home).load()
    assert loaded.set_aside is None, loaded.set_aside.message
    assert loaded.migrated_from is None
    user_state = loaded.value
    names = {path.name for path in home.iterdir()}
    assert names <= {"state.json", "state.lock", "sources", "cache"}, names
    blobs = {f"{record.copy}.blob" for record in user_state.sources.values() if record.copy}
    held = {path.name for path in (home / "sources").iterdir()} if "sources" in names else set()
    assert held == blobs, (held, blobs)
    return user_state


async def _follow_up(home: Path) -> tuple[UserState, list[Key]]:
    """What the next process does: open the world, then a background refresh that shows."""
    sim = Simulator(open_user_state(home), limits=FAST)
    _assert_clean(home)
    shown: list[Key] = []

    def show(refreshed: RefreshReport) -> None:
        shown.extend(_key(record) for record in refreshed.shown)

    await sim.refresh(background=True, show=show)
    await sim.aclose()
    return _assert_clean(home), shown


def _start(*args: str) -> subprocess.Popen[str]:
    """A worker process (tests/state_worker.py); the test reads its JSON output."""
    return subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE,
                            text=True)


def _release(go: Path) -> None:
    time.sleep(0.3)  # let the workers start, then release them at once
    go.touch()


def _reported(report: list[str], word: str) -> list[str]:
    return [line.split(" ", 1)[1] for line in report if line.startswith(f"{word} ")]


def _check_case(op: str, case: dict[str, Any], user_state: UserState, follow_up: list[Key],
                expected: list[Key]) -> bool:
    """Check one killed run and the process after it; whether it showed anything twice."""
    report, home, completed = case["report"], Path(case["home"]), not case["killed"]
    where = f"{op} killed at mutation {case['kill_at']} ({_reported(report, 'kill')})"
    history = [_key(record) for record in user_state.notifications]
    assert Counter(history) == Counter(expected), where
    assert all(record.shown for record in user_state.notifications), where
    before = [tuple(line.split(" ", 1)) for line in _reported(report, "shown")]
    for shown in (before, follow_up):
        assert len(shown) == len(set(shown)), where
    assert set(before) | set(follow_up) == set(history), where  # never lost
    twice = bool(set(before) & set(follow_up))
    if twice:  # only a kill between showing and the rename that marks them shown
        assert _reported(report, "kill") == [f"replace {home / 'state.json'}"], where
    a = next((i for i, r in user_state.sources.items() if r.url.endswith("/a.json")), None)
    installed = user_state.installed
    if op == "add":
        b = [r for r in user_state.sources.values() if r.url.endswith("/b.json")]
        assert b or not completed, where
        assert all(r.copy and open_user_state(home).load_blob(r.copy) == _b_source("b")[1]
                   for r in b), where
    elif op == "remove":
        assert (a is None) == (installed["com.a"].source_identifier is None), where
        assert a is None or not completed, where
    elif op == "install":
        assert "com.b" in installed or not completed, where
    elif op == "update":
        assert installed["com.a"].version == ("1.1" if completed else installed["com.a"].version)
        assert installed["com.a"].version in ("1.0", "1.1"), where
    elif op == "uninstall":
        assert "com.a" not in installed or not completed, where
    elif op == "settings":
        assert user_state.settings.dark_mode or not completed, where
    if op != "remove":
        assert a is not None, where
        copy = user_state.sources[a].copy
        served = A_V2 if op in ("refresh", "update") else A_V1
        assert copy, where
        assert open_user_state(home).load_blob(copy) == served[1], where
    return twice


def _expected(op: str) -> list[Key]:
    if op == "refresh":  # posted once, whether the kill fell before or after the commit
        return [("update", "com.a"), ("news", "a-news")]
    return []  # every other operation, and the refresh after it, posts nothing


async def test_killed_at_every_file_mutation_of_every_operation(tmp_path: Path,
                                                                 server: str) -> None:
    started = time.monotonic()
    workers = {}
    for op in OPS:
        base = f"{server}/{op}"
        await _make_home(tmp_path / op / "template", base, f"/{op}", updated=op == "update")
        Routes.routes[f"/{op}/b.json"] = _b_source("b")
        if op == "refresh":
            Routes.routes[f"/{op}/a.json"] = A_V2
        workers[op] = _start("crashes", str(tmp_path / op / "template"),
                             str(tmp_path / op / "cases"), op, base)
    kills = {}
    for op, worker in workers.items():
        out, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0
        cases = json.loads(out)
        assert not cases[-1]["killed"]
        kills[op] = sum(case["killed"] for case in cases)
        assert kills[op] >= 5, (op, kills[op])  # the operation did change files
        twice = 0
        for case in cases:
            user_state, shown = await _follow_up(Path(case["home"]))
            twice += _check_case(op, case, user_state, shown, _expected(op))
        assert twice == (op == "refresh")  # the one window: shown, killed before the rename
    print(f"\nkilled at every file mutation: {kills}, {sum(kills.values())} kills in "
          f"{time.monotonic() - started:.1f} s")


async def test_overlapping_refreshes_and_adds_post_only_what_the_client_posts(
        tmp_path: Path, server: str) -> None:
    """Four processes refreshing in the background while four add sources, at once: each
    update and news item is posted and shown once, the added sources' news never, and no
    add is lost."""
    home = tmp_path / "home"
    await _make_home(home, f"{server}/mix", "/mix")
    Routes.routes["/mix/a.json"] = A_V2
    names = [f"b{i}x{j}" for i in range(4) for j in range(3)]
    for name in names:
        Routes.routes[f"/mix/{name}.json"] = _b_source(name)
    go = tmp_path / "go"
    roles = ["refresh"] * 4 + [f"add:{','.join(names[i * 3:i * 3 + 3])}" for i in range(4)]
    workers = [_start("mix", str(home), f"{server}/mix", role, str(go)) for role in roles]
    _release(go)
    reports = []
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0
        reports += json.loads(out)
    user_state = _assert_clean(home)
    added = {r.url.rsplit("/", 1)[1].removesuffix(".json") for r in user_state.sources.values()}
    assert added == {"a", *names}
    assert not [line for line in reports if line.startswith("refused")]
    history = Counter(_key(record) for record in user_state.notifications)
    assert history == Counter([("update", "com.a"), ("news", "a-news")])
    shown = Counter(tuple(line.split(" ", 2)[1:]) for line in reports
                    if line.startswith("shown "))
    assert shown == history  # each shown once, by whichever process committed it
    user_state, again = await _follow_up(home)
    assert again == []


async def test_long_random_kills_with_more_processes(tmp_path: Path, server: str,
                                                     long_mode: bool) -> None:
    """Eight processes running random operations on one home, each killed at a random file
    mutation (one in five runs to the end): about 1,000 kills per operation in long mode,
    a short round otherwise."""
    home = tmp_path / "home"
    await _make_home(home, f"{server}/chaos", "/chaos")
    Routes.routes["/chaos/a.json"] = A_V2
    processes = 8 if long_mode else 3
    kills_each = 1000 if long_mode else 10
    for seed in range(processes):
        for k in range(6):
            Routes.routes[f"/chaos/b{seed}x{k}.json"] = _b_source(f"b{seed}x{k}")
    started = time.monotonic()
    workers = [_start("chaos", str(home), f"{server}/chaos", str(seed), str(kills_each))
               for seed in range(processes)]
    runs = []
    for worker in workers:
        out, _ = worker.communicate(timeout=7200)
        assert worker.returncode == 0
        runs.append([json.loads(line) for line in out.splitlines()])
    kills = Counter(run["op"].split(":")[0] for process in runs for run in process
                    if run["killed"])
    user_state, _ = await _follow_up(home)
    history = Counter(_key(record) for record in user_state.notifications)
    assert history == Counter([("update", "com.a"), ("news", "a-news")])
    assert all(record.shown for record in user_state.notifications)
    present = {r.url.rsplit("/", 1)[1].removesuffix(".json") for r in user_state.sources.values()}
    for process in runs:  # each process's adds and removes, in its own order
        state: dict[str, bool | None] = {}
        for run in process:
            op, _, name = run["op"].partition(":")
            if op in ("add", "remove"):
                state[name] = None if run["killed"] else op == "add"
        for name, there in state.items():
            assert there is None or (name in present) == there, (name, process)
    print(f"\nrandom kills ({processes} processes): {dict(kills)}, {sum(kills.values())} "
          f"in {time.monotonic() - started:.1f} s")


def test_the_kill_harness_counts_real_mutations(tmp_path: Path) -> None:
    """A killed child's report names the mutation it died at, and the state it leaves loads."""
    (tmp_path / "empty").mkdir()
    run = subprocess.run([sys.executable, str(WORKER), "crashes", str(tmp_path / "empty"),
                          str(tmp_path / "out"), "settings", "http://127.0.0.1:9"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    cases = json.loads(run.stdout)
    kinds = [_reported(case["report"], "kill")[0].split(" ")[0] for case in cases[:-1]]
    assert {"open", "write", "fsync", "replace"} <= set(kinds), kinds
    for case in cases:
        assert open_user_state(Path(case["home"])).load().set_aside is None
    assert os.path.exists(Path(cases[-1]["home"]) / "state.json")


async def test_the_terminal_ui_shows_what_a_dead_process_left_unshown(tmp_path: Path,
                                                                      server: str) -> None:
    """A refresh that committed its notifications and died before showing them: the next
    start of the UI shows them as toasts, once, and marks them shown."""
    from altsim.ui.app import AltsimApp

    home = tmp_path / "home"
    await _make_home(home, f"{server}/ui", "/ui")
    Routes.routes["/ui/a.json"] = A_V2
    sim = Simulator(open_user_state(home), limits=FAST)
    await sim.refresh(background=True)  # no one to show them
    await sim.aclose()
    assert [n.shown for n in open_user_state(home).load().value.notifications] == [False, False]
    for start in range(2):
        app_ = AltsimApp(Simulator(open_user_state(home), limits=FAST), background=False)
        async with app_.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            assert app_.history == ([] if start else [
                "New Update Available: App 1.1 is now available for download.",
                "AltStore News: Hi"])
    assert [n.shown for n in open_user_state(home).load().value.notifications] == [True, True]
