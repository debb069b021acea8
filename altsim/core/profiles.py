"""Client profiles: what each client decodes, as data.

A profile lists, per model, the keys the client reads in the order its `init(from:)` reads
them (the order decides which error the client reports first), each with the kind of value
and whether it is required. The decoder interprets these tables; nothing else in altsim
branches on the client's name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal, NamedTuple, TypeVar

from altsim.core.values import ALL_DATE_PARSED, UNDATED

T = TypeVar("T")

# behaviour.md 10.9: the install-time checks of the 1.x clients, and those 2.0 added
INSTALL_CHECKS_1 = frozenset({"bundleIdentifier", "minimumOSVersion", "sha256"})
INSTALL_CHECKS_2 = INSTALL_CHECKS_1 | {"version", "buildVersion", "permissions"}


# The kinds of value the decoder knows: each is its method `Decoder._k_<kind>`.
FieldKind = Literal[
    "Int", "Int16", "Int32", "Int64", "app_download_url", "apps", "bool", "build", "category",
    "colour", "date", "news_items", "os_version", "patreon", "permissions", "platform_urls",
    "pledge", "release_channels", "screenshots", "sha256", "sidestore_download_url", "string",
    "string_list", "string_map", "url", "versions",
    # third-party clients (behaviour.md 15-17)
    "apps_nonempty", "apps_skipping_unnamed", "date_parsed", "hex_or_black",
    "iso_or_short_date", "lenient_url", "nullable_string_list", "pal_marketplace_id",
    "permission_list", "relative_url", "rrggbbaa_colour", "screenshot_urls", "source_name",
    "stub", "tolerant_Int64", "tolerant_UInt", "tolerant_bool", "tolerant_date",
    "tolerant_permissions", "user_info", "valid_versions", "versions_or_legacy",
]


# How the client decides an update is offered (update_rules.py): "string" (AltStore: any
# difference is an update), "semver" (SideStore 0.6) or "none" (the client never offers one).
UpdateRule = Literal["string", "semver", "none"]
# Which version is the latest the device gets: the first one whose minOSVersion and
# maxOSVersion admit it (AltStore, SideStore), or simply the first (clients that ignore them).
LatestRule = Literal["first", "first-supported"]
# What a source is known by: its normalized URL (AltStore 2.x, SideStore 0.6), its JSON
# `identifier` (AltStore 1.7, SideStore 0.5), `identifier` or else the URL as typed, or the exact
# URL as typed.
IdentityRule = Literal["normalized-url", "identifier", "identifier-or-url", "exact-url"]
# The parts of a source a client can show; a profile lists those its client shows.
# ("news": on a source's page; "news_tab": every source's news merged, newest first;
# "countdown": a version dated in the future disables the button until then; "notifications":
# background refreshes post update and news notifications.)
Feature = Literal["news", "news_tab", "featured", "screenshots", "screenshot_urls",
                  "countdown", "notifications"]
ALL_FEATURES: frozenset[Feature] = frozenset(
    {"news", "news_tab", "featured", "screenshots", "screenshot_urls", "countdown",
     "notifications"})


class Field(NamedTuple):  # a NamedTuple: created at every start, at a fifth of a dataclass's cost
    """One key a client decodes: the kind of value, whether it is required, where it goes."""

    key: str
    kind: FieldKind
    required: bool = False
    attr: str = ""  # model attribute; defaults to the key
    # The model's value when the key is absent or null, for an optional key whose attribute the
    # model requires (a third-party client's optional name or date); None: the model's default.
    absent: Any = None

    @property
    def name(self) -> str:
        return self.attr or self.key


def _replace_field(fields: tuple[Field, ...], new: Field) -> tuple[Field, ...]:
    return tuple(new if f.key == new.key else f for f in fields)


@dataclass(frozen=True, slots=True)
class ClientProfile:
    """One client, as data: the keys it decodes per model and how it decides what users see."""

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
    # A source page's news: the newest five (behaviour.md 10.2) or every item, last in the
    # file first (Feather's carousel, behaviour.md 15.6)
    news_order: Literal["newest", "reversed"] = "newest"
    # The client's answer to adding a source it has (SourceError.swift:118-123 at 5a0f2de7)
    duplicate_source_text: str = "A source with the identifier '{identifier}' already exists."
    # What the user sees of a source whose refresh failed after it was added: "keep" its last
    # good copy and the error on its row (behaviour.md 9.2), "hide" it with no error, its page
    # spinning (Feather, Ksign: behaviour.md 15.1), or "error": `error_heading` and the reason
    # in place of its apps (LiveContainer: behaviour.md 17.1)
    refresh_failure: Literal["keep", "hide", "error"] = "keep"
    # behaviour.md 8: "app" (2.0's app-level `patreon` object gates), "beta" (1.x: `beta` apps are
    # hidden unless the user is a patron, behaviour.md 8.4) or "" (SideStore: every app is free and
    # visible, behaviour.md 11)
    patreon_gating: str = "app"
    price_from_ios: int = 15  # behaviour.md 8.3: the "$3/mo" title needs iOS 15; before it, PLEDGE
    # Where the BETA badge shows: "beta" (any app with beta: true), "legacy" (SideStore 0.5:
    # only apps described by the single-version keys) or "channel" (SideStore 0.6: the latest
    # supported version is on the alpha or nightly track, S:AltStore/Components/
    # AppBannerView.swift:144-149 at 239fc7c2)
    # "bundle-id": Feather and Ksign mark no `beta` app, but name one whose bundle ID ends with
    # "Beta" "<name> (BETA)" (ASR:361-371 at 65799dd, behaviour.md 15.3)
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
    # -- third-party clients (behaviour.md 15-17) --
    # The client's verification after decoding (behaviour.md 1.5: duplicates, privacy usage
    # descriptions, iPad screenshot sizes, marketplace); the third-party clients run none of it.
    source_checks: bool = True
    # What the client puts before every error's text ("Failed to parse data: " in Feather's
    # NBFetchService, behaviour.md 15.8), and the heading it shows the text under.
    error_prefix: str = ""
    error_heading: str = "Error"
    # A non-2xx answer is an error "HTTP <code>", the body unread (LiveContainer, behaviour.md
    # 17.1); else the client decodes whatever body arrives (behaviour.md 1.1).
    http_status_is_error: bool = False
    # The formats of the `date_parsed` kinds, in the client's order (values.DATE_PARSED_FORMATS).
    date_formats: tuple[str, ...] = ALL_DATE_PARSED
    # `tolerant_permissions`: a privacy object {key: description} is read (Feather) or ignored
    privacy_dict: bool = True
    # Per profile, what to tell a maintainer about a key it ignores: (model, key, code, note)
    key_notes: tuple[tuple[str, str, str, str], ...] = ()

    def fields_for(self, model: str) -> tuple[Field, ...]:
        fields: tuple[Field, ...] = getattr(self, model)
        return fields


def per_profile(compute: Callable[..., T]) -> Callable[..., T]:
    """`compute(profile, *args)` remembered for each profile object and arguments (profiles
    among them by identity): a profile's tables never change, and a test's altered copy is
    another object. The result is shared: callers read it, never change it."""
    cache: dict[tuple[Any, ...], tuple[tuple[Any, ...], T]] = {}

    def remembered(*args: Any) -> T:
        key = tuple(id(a) if isinstance(a, ClientProfile) else a for a in args)
        hit = cache.get(key)
        if hit is None or any(a is not b for a, b in zip(hit[0], args, strict=True)):
            hit = cache[key] = (args, compute(*args))  # args kept: no id is reused meanwhile
        return hit[1]

    return functools.update_wrapper(remembered, compute)


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

# A json5_from_ios no device reaches: the client never reads JSON5.
NEVER = 99

# ---------------------------------------------------------------------------------------------
# Feather (khcrysalis/Feather @ 65799dd), behaviour.md 15. Every table follows an `init(from:)`
# of `AltSourceKit/Sources/AltSourceKit/Models/ASRepository.swift` (ASR below), in its order.
# Optional keys are `decodeIfPresent` (a wrong type still fails the source); the `tolerant_`
# kinds are its `try?` reads, which never fail. An empty string, where the model needs text,
# means absent ("Unknown" on screen for a name, ASR:361-364).

_FEATHER_ROOT = (  # ASR:39-100, behaviour.md 15.2
    Field("identifier", "string", attr="json_identifier"),
    Field("name", "string", absent=""),
    Field("subtitle", "string"),
    Field("description", "string"),
    Field("website", "url"),
    Field("iconURL", "url", attr="icon_url"),
    Field("headerURL", "url", attr="header_url"),
    Field("tintColor", "hex_or_black", attr="tint_colour"),
    Field("patreonURL", "lenient_url", attr="patreon_url"),
    Field("userInfo", "user_info", attr="user_info"),
    Field("apps", "apps_nonempty", required=True),
    Field("featuredApps", "nullable_string_list", attr="featured_apps"),
    Field("news", "news_items", attr="news"),
)

_FEATHER_APP = (  # ASR:212-305, behaviour.md 15.3
    Field("bundleIdentifier", "string", attr="bundle_id", absent=""),
    Field("name", "string", absent=""),
    Field("subtitle", "string"),
    Field("description", "string", attr=CHECKED_ONLY),
    Field("developerName", "string", attr="developer_name", absent=""),
    # `versions`, then the single-version keys (the legacy table), always read (ASR:228-253)
    Field("versions", "versions_or_legacy"),
    Field("localizedDescription", "string", attr="localized_description", absent=""),
    Field("iconURL", "url", required=True, attr="icon_url"),
    Field("tintColor", "hex_or_black", attr="tint_colour"),
    Field("category", "string"),
    Field("beta", "tolerant_bool"),
    Field("permissions", "permission_list", attr=CHECKED_ONLY),
    Field("appPermissions", "tolerant_permissions", attr="permissions"),
    Field("screenshots", "stub", attr=CHECKED_ONLY),
    Field("screenshotURLs", "screenshot_urls", attr="screenshots"),
    Field("marketplaceID", "pal_marketplace_id", attr="marketplace_id"),
)

_FEATHER_LEGACY_VERSION = (  # ASR:233-253, 266-269: read whether or not `versions` is given
    Field("version", "string"),
    Field("versionDate", "date_parsed", attr="date"),
    Field("date", "date_parsed", attr="app_date"),
    Field("versionDescription", "string", attr="localized_description"),
    Field("downloadURL", "url", attr="download_url"),
    Field("size", "tolerant_Int64"),
)

_FEATHER_VERSION = (  # ASR:404-432, behaviour.md 15.4
    Field("version", "string", required=True),
    Field("buildVersion", "build", attr="build_version"),
    Field("date", "tolerant_date", absent=UNDATED),
    Field("localizedDescription", "string", attr="localized_description"),
    Field("downloadURL", "url", attr="download_url", absent=""),
    Field("size", "tolerant_UInt", absent=0),
    Field("minOSVersion", "string", attr="min_os_version"),  # read, never used (ASR:428-431)
)

_FEATHER_NEWS = (  # ASR:462-477, behaviour.md 15.6
    Field("identifier", "string", required=True),
    Field("title", "string", required=True),
    Field("caption", "string", required=True),
    Field("tintColor", "hex_or_black", attr="tint_colour"),
    Field("imageURL", "url", attr="image_url"),
    Field("url", "url"),
    Field("appID", "string", attr="app_id"),
    Field("date", "date_parsed", absent=UNDATED),
    Field("notify", "bool"),
)

FEATHER = ClientProfile(
    name="feather", title="Feather (65799dd)", brand="Feather",
    root=_FEATHER_ROOT, app=_FEATHER_APP, version=_FEATHER_VERSION,
    legacy_version=_FEATHER_LEGACY_VERSION, news=_FEATHER_NEWS, screenshot=(), patreon=(),
    marketplace_rule="",  # the PAL check is in the decoder (ASR:296-304)
    market="feather",  # compared with no other client
    json5_from_ios=NEVER,  # a plain JSONDecoder (NBFetchService.swift:63)
    update_rule="none", latest_rule="first", identity_rule="identifier-or-url",
    shows=frozenset({"news", "screenshot_urls"}),
    rejects_duplicates=False, patreon_gating="", install_checks=frozenset(),
    source_checks=False, error_prefix="Failed to parse data: ",
    duplicate_source_text="Repository already added.",  # Feather/Utilities/FR.swift:164-173
    beta_badge="bundle-id", news_order="reversed",
    refresh_failure="hide",  # SourcesViewModel.swift:57-59, SourceAppsView.swift:57-71
)

# Ksign (Nyasami/Ksign @ b387774), behaviour.md 16: an older copy of Feather's AltSourceKit, whose
# `AltSourceKit/Sources/AltSourceKit/Models/ASRepository.swift` ("K:ASR" below) reads the same keys
# in the same order, but for the differences below.
_KSIGN_DATE_FORMATS = tuple(f for f in ALL_DATE_PARSED if f != "yyyy-MM-dd'T'HH:mm")
KSIGN = replace(
    FEATHER, name="ksign", title="Ksign (b387774)", brand="Ksign", market="ksign",
    root=tuple(
        Field("apps", "apps") if f.key == "apps"  # `?? []` (K:ASR:73)
        else Field("patreonURL", "url", attr="patreon_url") if f.key == "patreonURL"  # K:ASR:64-67
        else f
        for f in _FEATHER_ROOT),
    app=tuple(f for f in _FEATHER_APP if f.key != "marketplaceID"),  # K:ASR:304-312
    legacy_version=tuple(
        Field("size", "tolerant_UInt") if f.key == "size" else f  # K:ASR:234-237
        for f in _FEATHER_LEGACY_VERSION if f.key != "date"),  # no app-level `date` (K:ASR:338-340)
    news=tuple(f for f in _FEATHER_NEWS if f.key != "url"),  # K:ASR:414-433
    date_formats=_KSIGN_DATE_FORMATS,  # no "yyyy-MM-dd'T'HH:mm" (K:ASR:522-530)
    privacy_dict=False,  # K:ASR:463-474
)

# LiveContainer (LiveContainer/LiveContainer @ 1a87ea9), behaviour.md 17: a private Decodable
# mirror in `LiveContainerSwiftUI/Views/LCAltStoreSourcesView.swift` (LCV below), every property
# optional and typed (LCV:51-113): absent or null is fine, a wrong type fails the source. URLs
# and dates are strings there, turned into values afterwards (LCV:427-443).
_LC_ROOT = (  # AltStoreSourceResponse, LCV:51-61, 348-365
    Field("identifier", "string", attr="json_identifier"),
    Field("subtitle", "string"),
    Field("description", "string"),
    Field("iconURL", "relative_url", attr="icon_url"),
    Field("headerURL", "relative_url", attr="header_url"),
    Field("tintColor", "rrggbbaa_colour", attr="tint_colour"),
    Field("website", "relative_url"),
    Field("apps", "apps_skipping_unnamed"),
    # Checked after decoding (LCV:349-351), so last: a wrong type anywhere is reported first
    Field("name", "source_name", required=True),
)

_LC_APP = (  # AltStoreSourceAppResponse, LCV:63-95; buildApp LCV:368-390
    Field("beta", "bool"),
    Field("name", "string", absent=""),
    Field("bundleIdentifier", "string", attr="bundle_id", absent=""),
    Field("developerName", "string", attr="developer_name", absent=""),
    Field("subtitle", "string"),
    # the valid `versions`, else the single-version keys (the legacy table, always decoded)
    Field("versions", "valid_versions"),
    Field("localizedDescription", "string", attr="localized_description", absent=""),
    Field("iconURL", "relative_url", attr="icon_url", absent=""),
    Field("tintColor", "rrggbbaa_colour", attr="tint_colour"),
    Field("screenshotURLs", "string_list", attr=CHECKED_ONLY),  # read, not shown
)

_LC_LEGACY_VERSION = (  # LCV:69-72, 411-425
    Field("version", "string"),
    Field("versionDate", "iso_or_short_date", attr="date"),
    Field("versionDescription", "string", attr="localized_description"),
    Field("downloadURL", "relative_url", attr="download_url"),
)

_LC_VERSION = (  # AltStoreSourceAppVersionResponse, LCV:97-113; buildVersions LCV:392-409
    Field("version", "string", absent=""),
    Field("buildNumber", "string", attr="build_version"),  # `buildVersion = "buildNumber"`
    Field("date", "iso_or_short_date", absent=UNDATED),
    Field("localizedDescription", "string", attr="localized_description"),
    Field("downloadURL", "relative_url", attr="download_url", absent=""),
    # Int64: "123" fails; 100.0 is taken as 100 (UNVERIFIED, values.fits_integer)
    Field("size", "Int64", absent=0),
)

LIVECONTAINER = ClientProfile(
    name="livecontainer", title="LiveContainer (1a87ea9)", brand="LiveContainer",
    root=_LC_ROOT, app=_LC_APP, version=_LC_VERSION, legacy_version=_LC_LEGACY_VERSION,
    news=(), screenshot=(), patreon=(),
    marketplace_rule="", market="livecontainer", json5_from_ios=NEVER,
    update_rule="none", latest_rule="first", identity_rule="exact-url", shows=frozenset(),
    rejects_duplicates=False, patreon_gating="", install_checks=frozenset(),
    source_checks=False, error_heading="Unable to refresh this source.",
    duplicate_source_text="This source is already added.",  # LCV:166-179
    refresh_failure="error",  # LCV:903-919
    http_status_is_error=True,  # LCV:320-323
    key_notes=(("version", "buildVersion", "unread-key",
                "LiveContainer reads a version's build from 'buildNumber' (LiveContainerSwiftUI/"
                "Views/LCAltStoreSourcesView.swift:107): give \"buildNumber\" too for it to "
                "show the build"),),
)

PROFILES: dict[str, ClientProfile] = {
    p.name: p for p in (ALTSTORE, ALTSTORE_PAL, ALTSTORE_17, SIDESTORE, SIDESTORE_05, FEATHER,
                        KSIGN, LIVECONTAINER)
}
DEFAULT_PROFILE = ALTSTORE
