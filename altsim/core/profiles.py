"""Client profiles: what each client decodes, as data.

A profile lists, per model, the keys the client reads in the order its `init(from:)` reads
them (the order decides which error the client reports first), each with the kind of value
and whether it is required. The decoder interprets these tables; nothing else in altsim
branches on the client's name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

# behaviour.md 10.9: the install-time checks of the 1.x clients, and those 2.0 added
INSTALL_CHECKS_1 = frozenset({"bundleIdentifier", "minimumOSVersion", "sha256"})
INSTALL_CHECKS_2 = INSTALL_CHECKS_1 | {"version", "buildVersion", "permissions"}


# The kinds of value the decoder knows: each is its method `Decoder._k_<kind>`.
FieldKind = Literal[
    "Int", "Int16", "Int32", "Int64", "app_download_url", "apps", "bool", "build", "category",
    "colour", "date", "news_items", "os_version", "patreon", "permissions", "platform_urls",
    "pledge", "release_channels", "screenshots", "sha256", "sidestore_download_url", "string",
    "string_list", "string_map", "url", "versions",
]


# How the client decides an update is offered (update_rules.py): "string" (AltStore: any
# difference is an update), "semver" (SideStore 0.6) or "none" (the client never offers one).
UpdateRule = Literal["string", "semver", "none"]
# Which version is the latest the device gets: the first one whose minOSVersion and
# maxOSVersion admit it (AltStore, SideStore), or simply the first (clients that ignore them).
LatestRule = Literal["first-supported", "first"]
# What a source is known by: its normalized URL (AltStore 2.x, SideStore 0.6), its JSON
# `identifier` (AltStore 1.7, SideStore 0.5), `identifier` or else the URL as typed, or the exact
# URL as typed.
IdentityRule = Literal["normalized-url", "identifier", "identifier-or-url", "exact-url"]
# The parts of a source a client can show; a profile lists those its client shows.
# ("countdown": a version dated in the future disables the button until then; "notifications":
# background refreshes post update and news notifications.)
Feature = Literal["news", "featured", "patreon", "screenshots", "screenshot_urls",
                  "permissions", "categories", "countdown", "notifications"]
ALL_FEATURES: frozenset[Feature] = frozenset(
    {"news", "featured", "patreon", "screenshots", "screenshot_urls", "permissions",
     "categories", "countdown", "notifications"})


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    kind: FieldKind
    required: bool = False
    attr: str = ""  # model attribute; defaults to the key

    @property
    def name(self) -> str:
        return self.attr or self.key


def _replace_field(fields: tuple[Field, ...], new: Field) -> tuple[Field, ...]:
    return tuple(new if f.key == new.key else f for f in fields)


@dataclass(frozen=True, slots=True)
class ClientProfile:
    name: str  # the --client value
    title: str  # for people: "AltStore 2.0rc (public code)"
    brand: str  # the name the client's messages use: "AltStore" / "SideStore"
    root: tuple[Field, ...]
    app: tuple[Field, ...]
    version: tuple[Field, ...]
    legacy_version: tuple[Field, ...]  # app-level single-version keys (behaviour.md 2.2)
    news: tuple[Field, ...]
    screenshot: tuple[Field, ...]
    patreon: tuple[Field, ...]
    # behaviour.md 1.5 #6: "forbidden" (Classic), "required" (marketplace build) or "" (not
    # checked)
    marketplace_rule: str = "forbidden"
    # Clients of one market are compared with each other; a Classic source is not for PAL.
    market: str = "classic"
    # How missingPermissionUsageDescription names the permission type (SourceError.swift)
    privacy_permission_label: str = "privacy permission"
    json5_from_ios: int = 15  # behaviour.md 1.1
    lenient_urls_from_ios: int = 17  # behaviour.md 1.2
    # -- decisions (what the user sees) --
    update_rule: UpdateRule = "string"
    latest_rule: LatestRule = "first-supported"
    identity_rule: IdentityRule = "normalized-url"
    shows: frozenset[Feature] = ALL_FEATURES
    # behaviour.md 1.5: duplicate bundle IDs and versions reject the source
    rejects_duplicates: bool = True
    # The client's answer to adding a source it has (SourceError.swift:118-123 at 5a0f2de7)
    duplicate_source_text: str = "A source with the identifier '{identifier}' already exists."
    # behaviour.md 8: "app" (2.0's app-level `patreon` object gates), "beta" (1.x: `beta` apps are
    # hidden unless the user is a patron, behaviour.md 8.4) or "" (SideStore: every app is free and
    # visible, behaviour.md 11)
    patreon_gating: str = "app"
    price_from_ios: int = 15  # behaviour.md 8.3: the "$3/mo" title needs iOS 15; before it, PLEDGE
    # Where the BETA badge shows: "beta" (any app with beta: true), "legacy" (SideStore 0.5:
    # only apps described by the single-version keys) or "channel" (SideStore 0.6: the latest
    # supported version is on the alpha or nightly track, S:AltStore/Components/
    # AppBannerView.swift:144-149 at 239fc7c2)
    beta_badge: str = "beta"
    own_bundle_id: str = "com.rileytestut.AltStore"  # behaviour.md 10.1: never listed in Browse
    # behaviour.md 10.9: what the client checks in a downloaded app before installing it. 2.0 added
    # the version, build and permission checks; 1.x (VerifyAppOperation.swift of 1.x) checked only
    # the bundle ID, the minimum iOS and the hash.
    install_checks: frozenset[str] = INSTALL_CHECKS_2
    # behaviour.md 11: SideStore checks permissions only for sources whose root `version` is >= 2
    permissions_from_source_version: int = 0
    # behaviour.md 2.4: AltStore skips the permission check for its Recommended sources
    # (SideStore's behaviour.md 11 rule is the root version alone)
    recommended_skip_permissions: bool = True

    def fields_for(self, model: str) -> tuple[Field, ...]:
        fields: tuple[Field, ...] = getattr(self, model)
        return fields


# The attribute of keys decoded only for their errors, not kept in the model.
CHECKED_ONLY = "_checked"

MODELS = ("root", "app", "version", "legacy_version", "news", "screenshot", "patreon")

# ---------------------------------------------------------------------------------------------
# AltStore 2.0rc, the newest public code (behaviour.md 0). Orders follow the line numbers the spec
# cites.

_ALTSTORE_ROOT = (  # behaviour.md 1.3, Source.swift:143-213
    Field("name", "string", required=True),
    Field("subtitle", "string"),
    Field("website", "url"),
    Field("description", "string"),
    Field("iconURL", "url", attr="icon_url"),
    Field("headerURL", "url", attr="header_url"),
    Field("patreonURL", "url", attr="patreon_url"),
    Field("tintColor", "colour", attr="tint_colour"),
    Field("userInfo", "string_map", attr="user_info"),
    Field("apps", "apps"),
    Field("news", "news_items", attr="news"),
    Field("featuredApps", "string_list", attr="featured_apps"),
)

# StoreApp.init(from:), AltStoreCore/Model/StoreApp.swift:221-369 at 5a0f2de7, in its order.
_ALTSTORE_APP = (
    Field("name", "string", required=True),
    Field("bundleIdentifier", "string", required=True, attr="bundle_id"),
    Field("developerName", "string", required=True, attr="developer_name"),
    Field("localizedDescription", "string", required=True, attr="localized_description"),
    Field("iconURL", "url", required=True, attr="icon_url"),
    Field("subtitle", "string"),
    Field("beta", "bool"),
    Field("marketplaceID", "string", attr="marketplace_id"),
    Field("tintColor", "colour", attr="tint_colour"),
    Field("category", "category"),
    Field("screenshots", "screenshots"),
    Field("appPermissions", "permissions", attr="permissions"),
    Field("versions", "versions"),
    Field("patreon", "patreon"),
)

_ALTSTORE_VERSION = (  # behaviour.md 3, AppVersion.swift:78-104
    Field("version", "string", required=True),
    Field("buildVersion", "build", attr="build_version"),
    Field("date", "date", required=True),
    Field("localizedDescription", "string", attr="localized_description"),
    Field("downloadURL", "url", required=True, attr="download_url"),
    Field("size", "Int64", required=True),
    Field("sha256", "sha256"),
    Field("minOSVersion", "os_version", attr="min_os_version"),
    Field("maxOSVersion", "os_version", attr="max_os_version"),
)

_ALTSTORE_LEGACY_VERSION = (  # behaviour.md 2.2, StoreApp.swift:326-344
    Field("version", "string", required=True),
    Field("versionDate", "date", required=True, attr="date"),
    Field("versionDescription", "string", attr="localized_description"),
    Field("downloadURL", "url", required=True, attr="download_url"),
    Field("size", "Int32", required=True),
)

_ALTSTORE_NEWS = (  # behaviour.md 6.1, NewsItem.swift:35-82
    Field("identifier", "string", required=True),
    Field("date", "date", required=True),
    Field("title", "string", required=True),
    Field("caption", "string", required=True),
    Field("tintColor", "colour", attr="tint_colour"),
    Field("imageURL", "url", attr="image_url"),
    Field("url", "url"),
    Field("appID", "string", attr="app_id"),
    Field("notify", "bool"),
)

_ALTSTORE_SCREENSHOT = (  # behaviour.md 2.3, AppScreenshot.swift:79-91
    Field("imageURL", "url", required=True, attr="image_url"),
    Field("width", "Int16"),
    Field("height", "Int16"),
)

_ALTSTORE_PATREON = (  # behaviour.md 8.1, StoreApp.swift:28-58
    Field("pledge", "pledge"),
    Field("currency", "string"),
    Field("tiers", "string_list"),
    Field("benefit", "string"),
    Field("hidden", "bool"),
)

ALTSTORE = ClientProfile(
    name="altstore",
    title="AltStore 2.0rc (public code)",
    brand="AltStore",
    root=_ALTSTORE_ROOT,
    app=_ALTSTORE_APP,
    version=_ALTSTORE_VERSION,
    legacy_version=_ALTSTORE_LEGACY_VERSION,
    news=_ALTSTORE_NEWS,
    screenshot=_ALTSTORE_SCREENSHOT,
    patreon=_ALTSTORE_PATREON,
)

# The marketplace build: every app must carry `marketplaceID` (behaviour.md 1.5 #6).
ALTSTORE_PAL = replace(
    ALTSTORE, name="altstore-pal", title="AltStore PAL (marketplace build)",
    marketplace_rule="required", market="marketplace",
)

# AltStore 1.7 (behaviour.md 1.3, 9.4, vector 74): the source's own `identifier` is its identity
# and is required; there was no marketplace check. Its trusted-source gate needs AltStore's network
# list and is reported as a note, not a verdict.
ALTSTORE_17 = replace(
    ALTSTORE, name="altstore-1.7", title="AltStore 1.7",
    root=(Field("identifier", "string", required=True, attr="json_identifier"), *_ALTSTORE_ROOT),
    marketplace_rule="", patreon_gating="beta", install_checks=INSTALL_CHECKS_1,
    identity_rule="identifier",
)

# SideStore 0.6, as its code reads at 239fc7c2. Source.init(from:), AltStoreCore/Model/
# Source.swift:165-243: root `version` (an Int) right after `name`, the JSON `identifier` last
# (optional: it only fills an unused group ID). Verification is AltStore's, marketplace check
# included (FetchSourceOperation.swift:207-258; SideStore builds are not marketplace builds).
_SIDESTORE_ROOT = (
    _ALTSTORE_ROOT[0],
    Field("version", "Int", attr="json_version"),
    *_ALTSTORE_ROOT[1:],
    Field("identifier", "string", attr="json_identifier"),
)
# StoreApp.init(from:), S:AltStoreCore/Model/StoreApp.swift:324-422: no `patreon` (every app is
# free), `beta` only beside the single-version keys, releaseChannels before `versions`, then
# platformURLs, then an app-level downloadURL.
_SIDESTORE_APP = (
    *_ALTSTORE_APP[:6],
    Field("marketplaceID", "string", attr="marketplace_id"),
    Field("tintColor", "colour", attr="tint_colour"),
    Field("category", "category"),
    Field("screenshots", "screenshots"),
    Field("appPermissions", "permissions", attr="permissions"),
    Field("releaseChannels", "release_channels", attr="versions"),
    Field("platformURLs", "platform_urls", attr=CHECKED_ONLY),
    Field("downloadURL", "sidestore_download_url", attr=CHECKED_ONLY),
)
SIDESTORE = replace(
    ALTSTORE, name="sidestore", title="SideStore 0.6", brand="SideStore", root=_SIDESTORE_ROOT,
    app=_SIDESTORE_APP,
    privacy_permission_label="Privacy Permission",  # SideStore does not lower-case it
    update_rule="semver", patreon_gating="", beta_badge="channel",
    permissions_from_source_version=2, recommended_skip_permissions=False,
)

# SideStore 0.5 (AltStore 1.x based, behaviour.md 11; SideStore#895, EhPanda#416): `identifier`
# required; the app-level single-version keys are always required, `versions` or not. The key order
# follows its CodingKeys (UNVERIFIED: only users' error reports pin it).
SIDESTORE_05 = replace(
    SIDESTORE, name="sidestore-0.5", title="SideStore 0.5", install_checks=INSTALL_CHECKS_1,
    root=(Field("identifier", "string", required=True, attr="json_identifier"), *_ALTSTORE_ROOT),
    app=(
        Field("name", "string", required=True),
        Field("bundleIdentifier", "string", required=True, attr="bundle_id"),
        Field("developerName", "string", required=True, attr="developer_name"),
        Field("localizedDescription", "string", required=True, attr="localized_description"),
        Field("version", "string", required=True, attr=CHECKED_ONLY),
        Field("versionDate", "date", required=True, attr=CHECKED_ONLY),
        Field("iconURL", "url", required=True, attr="icon_url"),
        Field("downloadURL", "app_download_url", attr=CHECKED_ONLY),
        Field("tintColor", "colour", attr="tint_colour"),
        Field("subtitle", "string"),
        Field("size", "Int32", required=True, attr=CHECKED_ONLY),
        Field("beta", "bool"),
        Field("versions", "versions"),
    ),
    marketplace_rule="", update_rule="string",  # AltStore 1.x's comparison (UNVERIFIED)
    beta_badge="legacy", identity_rule="identifier",
)

PROFILES: dict[str, ClientProfile] = {
    p.name: p for p in (ALTSTORE, ALTSTORE_PAL, ALTSTORE_17, SIDESTORE, SIDESTORE_05)
}
DEFAULT_PROFILE = ALTSTORE
