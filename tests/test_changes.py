"""state.changes: the one check behind the Simulator form and altsim device/settings/patron."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from altsim.cli import main
from altsim.state import UserState
from altsim.state.changes import (
    NO_ACCOUNT,
    InvalidChange,
    PatreonChange,
    UserStateChange,
    apply_change,
)

FIXED = datetime(2030, 1, 1, tzinfo=UTC)


def fixed_state() -> UserState:
    state = UserState()
    state.device_settings.clock = FIXED
    return state


def test_nothing_changed_changes_nothing():
    state = fixed_state()
    before = copy.deepcopy(state)
    assert UserStateChange().empty
    apply_change(state, UserStateChange())
    assert state == before


def test_a_fixed_clock_survives_a_change_that_does_not_touch_it():
    state = fixed_state()
    apply_change(state, UserStateChange(ios="16.4", family="ipad", locale="de_DE"))
    assert (state.device_settings.ios, state.device_settings.clock) == ("16.4.0", FIXED)


@pytest.mark.parametrize(("clock", "expected"), [
    (("live", ""), None), (("offset", "48"), timedelta(hours=48)),
    (("fixed", "2031-02-03T04:05:00Z"), datetime(2031, 2, 3, 4, 5, tzinfo=UTC))])
def test_clock_modes(clock, expected):
    state = fixed_state()
    apply_change(state, UserStateChange(clock=clock))
    assert state.device_settings.clock == expected


def test_a_refused_change_writes_nothing():
    state = fixed_state()
    before = copy.deepcopy(state)
    with pytest.raises(InvalidChange) as caught:
        apply_change(state, UserStateChange(ios="15.0", dark_mode=True, interval="0"))
    assert (caught.value.field, str(caught.value)) == ("interval",
                                                       "interval: 1 to 10,080 minutes (a week)")
    assert state == before


def test_patreon():
    state = UserState()
    apply_change(state, UserStateChange(patreon=PatreonChange("5", frozenset({"t"}))))
    assert state.patreon is not None
    assert (state.patreon.amount, state.patreon.tiers) == (Decimal(5), frozenset({"t"}))
    apply_change(state, UserStateChange(patreon=NO_ACCOUNT))
    assert state.patreon is None


REFUSED = [
    (["device", "--ios", "seventeen"], UserStateChange(ios="seventeen")),
    (["device", "--tz", "Mars/Base"], UserStateChange(time_zone="Mars/Base")),
    (["device", "--locale", "xx_QQ"], UserStateChange(locale="xx_QQ")),
    (["device", "--clock-offset", "inf"], UserStateChange(clock=("offset", "inf"))),
    (["device", "--now", "yesterday"], UserStateChange(clock=("fixed", "yesterday"))),
    (["device", "--now", "9999-12-31T23:00:00"],
     UserStateChange(clock=("fixed", "9999-12-31T23:00:00"))),
    (["settings", "--interval", "0"], UserStateChange(interval="0")),
    (["patron", "--pledge", "lots"], UserStateChange(patreon=PatreonChange("lots"))),
]


@pytest.mark.parametrize(("argv", "change"), REFUSED, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else "")
def test_the_cli_and_the_form_refuse_alike(tmp_path, monkeypatch, capsys, argv, change):
    """The form shows str(error); the CLI the option, the value and the same reason."""
    monkeypatch.setenv("ALTSIM_HOME", str(tmp_path))
    with pytest.raises(InvalidChange) as caught:
        apply_change(UserState(), change)
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert caught.value.reason in error
    assert f"{argv[1]} {argv[2]!r}" in error
