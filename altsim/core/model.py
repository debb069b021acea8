"""The source as the client holds it after decoding (behaviour.md 1.3, 2, 3, 6, 8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from altsim.core.values import OSVersion, parse_os_version


@dataclass(slots=True)
class Screenshot:
    image_url: str
    device: str  # "iphone" | "ipad"
    width: int | None = None  # both or neither (behaviour.md 2.3)
    height: int | None = None
    pointer: str = ""


@dataclass(slots=True)
class PrivacyPermission:
    name: str  # NSXUsageDescription
    usage_description: str | None  # "" and null both mean "none" (behaviour.md 2.4)
    pointer: str = ""


@dataclass(slots=True)
class Permissions:
    entitlements: list[str] = field(default_factory=list)
    privacy: list[PrivacyPermission] = field(default_factory=list)


@dataclass(slots=True)
class Patreon:
    """The app-level `patreon` object (behaviour.md 8.1)."""

    pledge: Decimal | None = None  # 0 for "custom" and for an object naming no condition
    currency: str | None = None
    custom_pledge: bool = False
    tiers: list[str] = field(default_factory=list)
    benefit: str | None = None
    hidden: bool = False


@dataclass(slots=True)
class Version:
    version: str
    date: datetime
    download_url: str
    size: int
    build_version: str | None = None  # "" is stored as None (behaviour.md 3)
    localized_description: str | None = None
    sha256: str | None = None  # lower-cased at decode
    min_os_version: str | None = None  # as written; see min_os / max_os for the client's reading
    max_os_version: str | None = None
    pointer: str = ""
    # SideStore 0.6's release track of the version (AppVersion.channel): the releaseChannels
    # track it came from, "stable" for `versions`, "nightly" for a single-version `beta` app.
    channel: str | None = None

    @property
    def min_os(self) -> OSVersion | None:
        return None if self.min_os_version is None else parse_os_version(self.min_os_version)

    @property
    def max_os(self) -> OSVersion | None:
        return None if self.max_os_version is None else parse_os_version(self.max_os_version)

    @property
    def localized_version(self) -> str:
        """`version`, or "<version> (<build>)" when there is a build (behaviour.md 3)."""
        return f"{self.version} ({self.build_version})" if self.build_version else self.version

    @property
    def version_id(self) -> str:
        """The duplicate-version key "<version>|<build or 'nil'>" (behaviour.md 1.5 #3)."""
        return f"{self.version}|{self.build_version or 'nil'}"


@dataclass(slots=True)
class App:
    name: str
    bundle_id: str
    developer_name: str
    localized_description: str
    icon_url: str
    versions: list[Version]
    subtitle: str | None = None
    beta: bool = False
    tint_colour: int | None = None  # 0xAARRGGBB
    category: str | None = None  # lower-cased (behaviour.md 2.6)
    screenshots: list[Screenshot] = field(default_factory=list)
    permissions: Permissions = field(default_factory=Permissions)
    marketplace_id: str | None = None
    patreon: Patreon | None = None
    pointer: str = ""
    # SideStore 0.6: the releaseChannels track whose releases are `versions` (None: the app's
    # `versions` or single-version keys were used)
    track: str | None = None

    @property
    def uses_legacy_keys(self) -> bool:
        """Described by the app-level single-version keys (behaviour.md 2.2): that version sits at
        the app."""
        return len(self.versions) == 1 and self.versions[0].pointer == self.pointer


@dataclass(slots=True)
class NewsItem:
    identifier: str
    date: datetime
    title: str
    caption: str
    sort_index: int
    tint_colour: int | None = None
    image_url: str | None = None
    url: str | None = None
    app_id: str | None = None
    notify: bool = False
    pointer: str = ""


@dataclass(slots=True)
class Source:
    name: str
    apps: list[App] = field(default_factory=list)
    news: list[NewsItem] = field(default_factory=list)
    # None = absent, meaning "all apps"; [] = no featured apps (behaviour.md 1.3)
    featured_apps: list[str] | None = None
    subtitle: str | None = None
    description: str | None = None
    website: str | None = None
    icon_url: str | None = None
    header_url: str | None = None
    tint_colour: int | None = None
    patreon_url: str | None = None
    user_info: dict[str, str] = field(default_factory=dict)
    json_identifier: str | None = None  # read only by clients that use it (1.x, SideStore)
    json_version: int | None = None  # SideStore's root `version` (behaviour.md 11)
