"""Everything the store's screens show at one moment, computed once from the world.

Changing the device, client, clock or Patreon state makes a new snapshot, so every screen
re-evaluates at once (the point of the simulator: watch update prompts change).
"""

from __future__ import annotations

from dataclasses import dataclass

from altsim.core import decisions, store
from altsim.core.device import Device, User
from altsim.core.model import App, NewsItem
from altsim.core.profiles import ClientProfile
from altsim.core.refresh import PendingUpdate, pending_updates
from altsim.sim.simulator import Simulator
from altsim.state import World


@dataclass(frozen=True, slots=True)
class AppRow:
    view: store.SourceView
    app: App
    decision: decisions.AppDecision
    pledge_label: str | None
    beta: bool


@dataclass(slots=True)
class StoreSnapshot:
    world: World
    profile: ClientProfile
    device: Device
    user: User
    views: list[store.SourceView]
    rows: dict[tuple[str, str], AppRow]  # (source identifier, bundle ID)
    news: list[tuple[store.SourceView, NewsItem]]
    updates: list[PendingUpdate]

    def browse(self, sort: str = "default") -> list[AppRow]:
        return [self.rows[(v.identifier, a.bundle_id)]
                for v, a in store.browse_order(self.views, self.device.ios, sort)]

    def row_for(self, bundle_id: str) -> AppRow | None:
        record = self.world.installed.get(bundle_id)
        if record is not None and record.source_identifier is not None:
            found = self.rows.get((record.source_identifier, bundle_id))
            if found is not None:
                return found
        return next((r for (_, b), r in self.rows.items() if b == bundle_id), None)


def take_snapshot(simulator: Simulator) -> StoreSnapshot:
    world = simulator.world()
    profile, device, user = simulator.profile(world), simulator.device(world), world.user()
    sources = simulator.sources(world)
    views, rows = [], {}
    for identifier, source in sources.items():
        record = world.sources[identifier]
        view = store.SourceView(source, identifier, record.url, {
            app.bundle_id for app in source.apps
            if decisions.is_visible(app, source, user, profile)})
        views.append(view)
        for app in source.apps:
            rows[(identifier, app.bundle_id)] = AppRow(
                view, app, decisions.decide(app, source, user, device, profile),
                decisions.pledge_label(app, source, user, profile),
                decisions.shows_beta_badge(app, profile))
    links = {b: r.source_identifier for b, r in world.installed.items()
             if r.source_identifier is not None}
    return StoreSnapshot(world, profile, device, user, views, rows, store.merged_news(views),
                         pending_updates(sources, links, user, device, profile))
