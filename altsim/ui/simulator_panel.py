"""The Simulator tab's form: the device, client, clock, Patreon account and switches, read
into the user state when the user applies it (ctrl+s, or Enter in a field)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Switch

from altsim.core.formatting import parse_locale, zone
from altsim.core.latest import BETA_TRACK_CHOICES
from altsim.core.profiles import PROFILES
from altsim.core.values import parse_device_version
from altsim.state import PatreonAccount, UserState, background_interval, clock_offset


class SimulatorPanel(VerticalScroll):
    BINDINGS = [Binding("ctrl+s", "apply", "Apply")]

    class Apply(Message):
        """The user applies the form: the shell saves it in one transaction."""

        def __init__(self, panel: SimulatorPanel) -> None:
            super().__init__()
            self.panel = panel

        @property
        def control(self) -> SimulatorPanel:
            return self.panel

    def __init__(self, user_state: UserState) -> None:
        super().__init__(id="controls")
        self.user_state = user_state  # the values the form starts from

    @property
    def main(self) -> Input:
        """What the tab's key (5) focuses: the first field."""
        return self.query_one("#ios", Input)

    @property
    def rest(self) -> SimulatorPanel:
        """Where Escape leaves a field for: the form, where ctrl+s and the tab keys work."""
        return self

    @property
    def status(self) -> Label:
        return self.query_one("#sim-status", Label)

    def compose(self) -> ComposeResult:
        user_state = self.user_state
        device = user_state.device_settings
        yield Label("iOS version")
        yield Input(device.ios, id="ios")
        yield Label("Device")
        yield Select([("iPhone", "iphone"), ("iPad", "ipad")], value=device.family,
                     allow_blank=False, id="family")
        yield Label("Client")
        yield Select([(p.title, name) for name, p in PROFILES.items()],
                     value=user_state.settings.client, allow_blank=False, id="client")
        yield Label("Locale")
        yield Input(device.locale, id="locale")
        yield Label("Time zone")
        yield Input(device.time_zone, id="tz")
        yield Label("Clock offset (hours, time travel)")
        yield Input("0", id="offset")
        patreon = user_state.patreon
        yield Label("Patreon pledge (empty and no tiers/benefits: no account)")
        yield Input("" if patreon is None else str(patreon.amount), id="pledge")
        yield Label("Patreon tier IDs and benefit IDs (comma-separated)")
        with Horizontal(classes="pair"):
            yield Input(",".join(sorted(patreon.tiers)) if patreon else "", id="tiers")
            yield Input(",".join(sorted(patreon.benefits)) if patreon else "",
                        id="benefits")
        yield Label("Background refresh interval (minutes)")
        yield Input(str(user_state.settings.background_interval_minutes), id="interval")
        yield Label("SideStore beta updates (Settings: the track whose newer releases it takes)")
        yield Select([("Off", ""), *((track, track) for track in BETA_TRACK_CHOICES)],
                     value=user_state.settings.beta_track or "", allow_blank=False, id="beta-track")
        with Horizontal(classes="pair"):
            yield Switch(user_state.settings.dark_mode, id="dark-mode")
            yield Label("Dark mode (the theme, and the client's tint adjustment, §2.5)")
        with Horizontal(classes="pair"):
            yield Switch(user_state.settings.renotify_build_bug, id="build-bug")
            yield Label("Re-notify pending updates that have a build (the shipped bug, "
                        "§9.3)")
        yield Button("Apply (ctrl+s)", id="apply", variant="primary")
        yield Label("", id="sim-status", markup=False)  # echoes what was typed

    def action_apply(self) -> None:
        self.post_message(self.Apply(self))

    @on(Button.Pressed, "#apply")
    @on(Input.Submitted)
    def submitted(self, event: Message) -> None:
        """Apply, or Enter in any field."""
        event.stop()
        self.action_apply()

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def apply_to(self, user_state: UserState) -> None:
        """The Simulator tab's fields into the user state; ValueError names a bad field."""
        ios = parse_device_version(self._value("ios"))
        if ios is None:
            raise ValueError("iOS version: like 17.0 or 16.4.1")
        parse_locale(self._value("locale"))
        zone(self._value("tz"))
        try:
            hours = float(self._value("offset") or 0)
            pledge = Decimal(self._value("pledge")) if self._value("pledge") else None
            interval = int(self._value("interval"))
        except (ValueError, InvalidOperation):
            raise ValueError("clock offset, pledge and interval must be numbers") from None
        offset = clock_offset(hours * 3600) if hours else None
        background_interval(interval)
        if pledge is not None and (not pledge.is_finite() or pledge < 0):
            raise ValueError("a pledge is 0 or more")
        tiers = frozenset(t.strip() for t in self._value("tiers").split(",") if t.strip())
        benefits = frozenset(b.strip() for b in self._value("benefits").split(",") if b.strip())
        device = user_state.device_settings
        device.ios, device.locale = ".".join(map(str, ios)), self._value("locale")
        device.time_zone = self._value("tz")
        device.family = str(self.query_one("#family", Select).value)
        device.clock = offset
        user_state.settings.client = str(self.query_one("#client", Select).value)
        user_state.settings.background_interval_minutes = interval
        user_state.settings.renotify_build_bug = self.query_one("#build-bug", Switch).value
        user_state.settings.dark_mode = self.query_one("#dark-mode", Switch).value
        user_state.settings.beta_track = str(self.query_one("#beta-track", Select).value) or None
        account = pledge is not None or tiers or benefits
        user_state.patreon = PatreonAccount(pledge or Decimal(0), tiers, benefits) if account \
            else None
