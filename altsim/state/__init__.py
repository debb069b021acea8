"""The simulator's persistent state: a crash-safe JSON store shared between processes
(`storage`) and the typed world it holds (`world`). Imports neither textual, rich nor httpx."""

from altsim.state.storage import (
    HOME_ENV,
    JsonStore,
    Loaded,
    SetAside,
    StateFormat,
    StateShapeError,
    default_home,
    write_atomic,
)
from altsim.state.world import (
    NOTIFICATION_LIMIT,
    SCHEMA,
    WORLD_FORMAT,
    DeviceSettings,
    InstalledRecord,
    NotificationRecord,
    PatreonAccount,
    Settings,
    SourceRecord,
    World,
    background_interval,
    clock_offset,
    fixed_clock,
    open_world,
)

__all__ = [
    "HOME_ENV",
    "NOTIFICATION_LIMIT",
    "SCHEMA",
    "WORLD_FORMAT",
    "DeviceSettings",
    "InstalledRecord",
    "JsonStore",
    "Loaded",
    "NotificationRecord",
    "PatreonAccount",
    "SetAside",
    "Settings",
    "SourceRecord",
    "StateFormat",
    "StateShapeError",
    "World",
    "background_interval",
    "clock_offset",
    "default_home",
    "fixed_clock",
    "open_world",
    "write_atomic",
]
