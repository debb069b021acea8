"""The Simulator tab's form: the device, client, clock, Patreon account and switches.

The form starts from the saved values and applies only what the user changed (ctrl+s, Enter in
a field, or the Apply button): it describes the change as a `UserStateChange`, which the shell
checks and writes through `altsim.state.changes.apply_change`, the check the CLI uses too. A
field left alone is not written, so Apply with nothing changed writes nothing and a fixed clock
set with `altsim device --now` survives. The clock's mode (live, offset, fixed) is a choice of
its own; typing an offset or a fixed time chooses its mode.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Switch

from altsim.core.latest import BETA_TRACK_CHOICES
from altsim.core.profiles import PROFILES
from altsim.state import UserState
from altsim.state.changes import (
    CLOCK_MODES,
    ClockMode,
    PatreonChange,
    UserStateChange,
    clock_mode,
)

FormValue = str | bool  # an Input's or Select's value, or a Switch's


def _ids(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in text.split(",") if part.strip())


def _hours(offset: timedelta) -> str:
    hours = offset.total_seconds() / 3600
    return str(int(hours)) if hours == int(hours) else str(hours)


class SimulatorPanel(VerticalScroll):
    BINDINGS = [Binding("ctrl+s", "apply", "Apply")]

    class Apply(Message):
        """The user applies the form: the shell checks and saves the change."""

        def __init__(self, panel: SimulatorPanel, change: UserStateChange) -> None:
            super().__init__()
            self.panel, self.change = panel, change

        @property
        def control(self) -> SimulatorPanel:
            return self.panel

    def __init__(self, user_state: UserState) -> None:
        super().__init__(id="controls")
        self.user_state = user_state  # the values the form starts from
        self.baseline: dict[str, FormValue] = {}  # each field's value when last applied

    # -- the widgets, typed --------------------------------------------------------------------

    @property
    def main(self) -> Input:
        """What the tab's key (5) focuses: the first field."""
        return self.field("ios")

    @property
    def rest(self) -> SimulatorPanel:
        """Where Escape leaves a field for: the form, where ctrl+s and the tab keys work."""
        return self

    @property
    def status(self) -> Label:
        return self.query_one("#sim-status", Label)

    def field(self, widget_id: str) -> Input:
        return self.query_one(f"#{widget_id}", Input)

    def choice(self, widget_id: str) -> str:
        return str(self.query_one(f"#{widget_id}", Select).value)

    def switch(self, widget_id: str) -> bool:
        return self.query_one(f"#{widget_id}", Switch).value

    def compose(self) -> ComposeResult:
        user_state = self.user_state
        device, settings, patreon = user_state.device_settings, user_state.settings, \
            user_state.patreon
        clock = device.clock
        with Grid(id="form"):
            yield Label("iOS version")
            yield Input(device.ios, id="ios", compact=True)
            yield Label("Device")
            yield Select([("iPhone", "iphone"), ("iPad", "ipad")], value=device.family,
                         allow_blank=False, id="family", compact=True)
            yield Label("Client")
            yield Select([(p.title, name) for name, p in PROFILES.items()],
                         value=settings.client, allow_blank=False, id="client", compact=True)
            yield Label("Locale")
            yield Input(device.locale, id="locale", compact=True)
            yield Label("Time zone")
            yield Input(device.time_zone, id="tz", compact=True)
            yield Label("Clock")
            yield Select([("live (real time)", "live"), ("offset (time travel)", "offset"),
                          ("fixed", "fixed")], value=clock_mode(clock), allow_blank=False,
                         id="clock-mode", compact=True)
            yield Label("  offset, hours (- behind)")
            yield Input(_hours(clock) if isinstance(clock, timedelta) else "0", id="offset",
                        compact=True)
            yield Label("  fixed time, ISO 8601")
            yield Input(clock.isoformat() if isinstance(clock, datetime) else "", id="fixed",
                        placeholder="2030-01-01T12:00:00Z", compact=True)
            yield Label("Patreon pledge (empty: none)")
            yield Input("" if patreon is None else str(patreon.amount), id="pledge",
                        compact=True)
            yield Label("Patreon tier IDs (a,b)")
            yield Input(",".join(sorted(patreon.tiers)) if patreon else "", id="tiers",
                        compact=True)
            yield Label("Patreon benefit IDs (a,b)")
            yield Input(",".join(sorted(patreon.benefits)) if patreon else "", id="benefits",
                        compact=True)
            yield Label("Background refresh, minutes")
            yield Input(str(settings.background_interval_minutes), id="interval", compact=True)
            yield Label("SideStore beta updates")
            yield Select([("off", ""), *((track, track) for track in BETA_TRACK_CHOICES)],
                         value=settings.beta_track or "", allow_blank=False, id="beta-track",
                         compact=True)
            yield Label("Dark mode")
            yield Switch(settings.dark_mode, id="dark-mode")
            yield Label("Re-notify updates with a build")
            yield Switch(settings.renotify_build_bug, id="build-bug")
        yield Button("Apply (ctrl+s)", id="apply", variant="primary", compact=True)
        yield Label("", id="sim-status", markup=False)  # echoes what was typed

    def on_mount(self) -> None:
        self.baseline = self.values()

    # -- the change ----------------------------------------------------------------------------

    def values(self) -> dict[str, FormValue]:
        values: dict[str, FormValue] = {i.id: i.value for i in self.query(Input) if i.id}
        values.update({s.id: str(s.value) for s in self.query(Select) if s.id})
        values.update({s.id: s.value for s in self.query(Switch) if s.id})
        return values

    def change(self) -> UserStateChange:
        """What differs from the values last applied, as typed."""
        now, was = self.values(), self.baseline

        def text(widget_id: str) -> str | None:
            value = now[widget_id]
            return value if isinstance(value, str) and value != was[widget_id] else None

        def flag(widget_id: str) -> bool | None:
            value = now[widget_id]
            return value if isinstance(value, bool) and value != was[widget_id] else None

        mode = self.clock_mode
        if text("clock-mode") is None:  # typing an offset or a time chooses its mode
            mode = "fixed" if text("fixed") is not None else \
                "offset" if text("offset") is not None else mode
        clock: tuple[ClockMode, str] | None = None
        if text("clock-mode") is not None or (mode != "live" and text(mode) is not None):
            clock = (mode, "" if mode == "live" else str(now[mode]))
        patreon = None
        if any(text(i) is not None for i in ("pledge", "tiers", "benefits")):
            patreon = PatreonChange(self.field("pledge").value, _ids(self.field("tiers").value),
                                    _ids(self.field("benefits").value))
        return UserStateChange(
            ios=text("ios"), family=text("family"), locale=text("locale"), time_zone=text("tz"),
            clock=clock, client=text("client"), interval=text("interval"),
            build_bug=flag("build-bug"), dark_mode=flag("dark-mode"),
            beta_track=text("beta-track"), patreon=patreon)

    @property
    def clock_mode(self) -> ClockMode:
        mode = self.choice("clock-mode")
        return next(m for m in CLOCK_MODES if m == mode)

    def applied(self) -> None:
        """The change was saved: the form's values are the new starting point."""
        self.baseline = self.values()

    # -- keys ----------------------------------------------------------------------------------

    def action_apply(self) -> None:
        self.post_message(self.Apply(self, self.change()))

    @on(Button.Pressed, "#apply")
    @on(Input.Submitted)
    def submitted(self, event: Message) -> None:
        """The Apply button, or Enter in any field."""
        event.stop()
        self.action_apply()

    @on(Input.Changed, "#offset")
    @on(Input.Changed, "#fixed")
    def clock_typed(self, event: Input.Changed) -> None:
        """Typing an offset or a fixed time chooses that clock mode."""
        widget_id = event.input.id
        if widget_id in ("offset", "fixed") and self.baseline and \
                event.value != self.baseline[widget_id]:
            self.query_one("#clock-mode", Select).value = widget_id
