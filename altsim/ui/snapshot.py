"""Everything the store's screens show at one moment, computed once from the user state.

Changing the device, client, clock or Patreon state makes a new snapshot, so every screen
re-evaluates at once (the point of the simulator: watch update prompts change).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from altsim.core import decisions, store
from altsim.core.device import Device, User
from altsim.core.latest import latest_supported
from altsim.core.model import App, NewsItem
from altsim.core.profiles import ClientProfile
from altsim.core.refresh import PendingUpdate, pending_updates
from altsim.sim.simulator import Simulator
from altsim.state import UserState


@dataclass(frozen=True, slots=True)
class AppRow:
    view: store.SourceForUser
    app: App
    decision: decisions.AppDecision
    pledge_label: str | None
    beta: bool


@dataclass(slots=True)
class StoreSnapshot:
    user_state: UserState
    profile: ClientProfile
    device: Device
    user: User
    views: list[store.SourceForUser]
    apps: dict[tuple[str, str], tuple[store.SourceForUser, App]]  # (source, bundle ID)
    news: list[tuple[store.SourceForUser, NewsItem]]
    updates: list[PendingUpdate]
    # future release dates of apps not installed (behaviour.md 7 countdowns)
    releases: list[datetime]
    _rows: dict[tuple[str, str], AppRow] = field(default_factory=dict)

    @property
    def dark(self) -> bool:
        """The device's appearance: tints are adjusted for it (behaviour.md 2.5)."""
        return self.user_state.settings.dark_mode

    @property
    def counting_down(self) -> bool:
        """A button counts down: the screens tick every second."""
        return any(release > self.device.now for release in self.releases)

    def at(self, now: datetime) -> StoreSnapshot:
        """The same store a moment later: only the decisions change (no I/O, no decoding)."""
        return replace(self, device=replace(self.device, now=now), _rows={})

    def row(self, key: tuple[str, str]) -> AppRow | None:
        """The client's decisions for one app, made when first asked: a 10,000-app list only
        needs the rows on screen."""
        if key not in self._rows:
            if key not in self.apps:
                return None
            view, app = self.apps[key]
            source = view.source
            self._rows[key] = AppRow(
                view, app, decisions.decide(app, source, self.user, self.device, self.profile),
                decisions.pledge_label(app, source, self.user, self.profile),
                decisions.shows_beta_badge(app, self.profile, self.device.ios))
        return self._rows[key]

    def all_rows(self) -> list[AppRow]:
        return [row for key in self.apps if (row := self.row(key)) is not None]

    def browse(self, sort: store.BrowseSort = "default") -> list[tuple[str, str]]:
        return [(v.identifier, a.bundle_id)
                for v, a in store.browse_order(self.views, self.device.ios, sort)]

    def row_for(self, bundle_id: str) -> AppRow | None:
        record = self.user_state.installed.get(bundle_id)
        if record is not None and record.source_identifier is not None:
            found = self.row((record.source_identifier, bundle_id))
            if found is not None:
                return found
        return next((self.row(key) for key in self.apps if key[1] == bundle_id), None)


def take_snapshot(simulator: Simulator) -> StoreSnapshot:
    user_state = simulator.user_state()
    profile, device = simulator.profile(user_state), simulator.device(user_state)
    user = user_state.user()
    sources = simulator.sources(user_state)
    views, apps = [], {}
    releases = []
    for identifier, source in sources.items():
        record = user_state.sources[identifier]
        view = store.source_for_user(source, identifier, user, profile, record.url,
                                     record.last_error)
        views.append(view)
        for app in source.apps:
            apps[(identifier, app.bundle_id)] = (view, app)
            if app.bundle_id not in user.installed:
                latest = latest_supported(app, device.ios, profile.latest_rule)
                if latest is not None and latest.date > device.now:
                    releases.append(latest.date)
    links = {b: r.source_identifier for b, r in user_state.installed.items()
             if r.source_identifier is not None}
    return StoreSnapshot(user_state, profile, device, user, views, apps, store.merged_news(views),
                         pending_updates(sources, links, user, device, profile), releases)
