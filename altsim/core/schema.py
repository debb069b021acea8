"""A JSON Schema (draft 2020-12) of a source as one client reads it, for editors.

Generated from the client's profile (`core/profiles.py`): every key of its field tables, and
every key the decoder's kinds read beside their own (the single-version keys, screenshotURLs),
becomes a property; a table's `required` becomes the schema's `required`; each field's kind
becomes the JSON types it decodes from, as the decoder's `_k_<kind>` methods accept them.
Per kind, this module knows only how that kind reads a value; which keys exist, in which
model, and whether they are required comes from the tables alone.

The schema says what the client *rejects* a source for, and no more: a value the client
accepts with a warning from `altsim check` (an unknown category, an http URL, a colour it
reads oddly) validates. Rules that depend on the device (URLs before iOS 17, JSON5) or on other
entries (duplicate bundle IDs and versions) are left to `altsim check`; see docs/schema.md.
"""

from __future__ import annotations

from typing import Any

from altsim.core.keys import KNOWN_CATEGORIES
from altsim.core.profiles import CHECKED_ONLY, ClientProfile, Field
from altsim.core.values import INT_RANGES, date_parsed_pattern

DRAFT = "https://json-schema.org/draft/2020-12/schema"
STABLE_TRACK = "stable"  # the release channel SideStore reads (core/latest.py)

Schema = dict[str, Any]

# The $defs name of each nested model.
_DEFS = {"app": "app", "version": "version", "news": "newsItem", "screenshot": "screenshot",
         "patreon": "patreon"}
_NOT_NULL: Schema = {"not": {"type": "null"}}
_VERSION_KINDS = frozenset({"versions", "release_channels"})  # kinds that fall back to legacy
# Kinds that always read the single-version keys beside `versions` (Feather, LiveContainer)
_ALWAYS_LEGACY_KINDS = frozenset({"versions_or_legacy", "valid_versions"})
# Kinds whose value never fails the source (the client's `try?`, a stub decoder)
_NEVER_FAILS = frozenset({"tolerant_Int64", "tolerant_UInt", "tolerant_bool", "tolerant_date",
                          "stub"})

# What the client does with each key, in plain words; how the value is decoded (type, null,
# required) is added from the field's kind and table. A key with no entry here still gets the
# generated part, so a key added to a table is never left out.
_PURPOSE: dict[tuple[str, str], str] = {
    ("root", "name"): "The source's name, shown in the Sources list and on the source's page.",
    ("root", "identifier"): "The source's identity: the client stores the source under it.",
    ("root", "version"): "The source format's version. SideStore checks an installed app's "
    "permissions against appPermissions only when this is 2 or more.",
    ("root", "subtitle"): "A short line shown under the source's name on its page.",
    ("root", "website"): "The source's website, linked from its page.",
    ("root", "description"): "The text of the source's About page.",
    ("root", "iconURL"): "The source's icon.",
    ("root", "headerURL"): "The banner image at the top of the source's page.",
    ("root", "patreonURL"): "The source's Patreon page: a patron's pledges are matched to the "
    "source through it, which unlocks the apps that ask for a pledge.",
    ("root", "tintColor"): "The source's accent colour (hex, e.g. \"#5C7AEA\").",
    ("root", "userInfo"): "Extra settings as text pairs, stored with the source.",
    ("root", "apps"): "The source's apps, in the order they are listed.",
    ("root", "news"): "The source's news items, shown in the News tab.",
    ("root", "featuredApps"): "Bundle identifiers of the apps featured on the source's page. "
    "Absent: every app is featured; an empty array: none; unknown identifiers are skipped.",
    ("app", "name"): "The app's name, shown in Browse and on its page.",
    ("app", "bundleIdentifier"): "The app's bundle identifier: its identity in the source (two "
    "apps with the same one make the client reject the source), compared with the IPA's at "
    "install.",
    ("app", "developerName"): "The developer's name, shown under the app's name.",
    ("app", "localizedDescription"): "The app's description, shown on its page.",
    ("app", "iconURL"): "The app's icon.",
    ("app", "subtitle"): "A short line shown with the app in Browse.",
    ("app", "beta"): "Marks the app as a beta (a BETA badge).",
    ("app", "marketplaceID"): "The app's ID in the alternative app marketplace (notarized "
    "apps).",
    ("app", "tintColor"): "The app's accent colour, used for its buttons and page (hex, e.g. "
    "\"#5C7AEA\").",
    ("app", "category"): "The app's category (compared lower-cased). A category the client does "
    "not know is accepted and listed under Other.",
    ("app", "screenshots"): "Screenshots on the app's page: an array (iPhone screenshots), or an "
    "object with \"iphone\" and \"ipad\" arrays. Each is a URL or an object with imageURL, width "
    "and height; iPad screenshots must give both width and height.",
    ("app", "screenshotURLs"): "The older screenshot list, URLs of iPhone screenshots: read only "
    "when screenshots is absent or null.",
    ("app", "appPermissions"): "The entitlements and privacy permissions the app uses; the client "
    "compares them with the IPA's at install. Each privacy permission needs a usage "
    "description.",
    ("app", "versions"): "The app's versions, newest first: the first one the device supports is "
    "the one offered. At least one is needed.",
    ("app", "releaseChannels"): "Release tracks, each a \"track\" name and its \"releases\" "
    "(versions, newest first). The \"stable\" track is read; without one, versions is.",
    ("app", "platformURLs"): "Download URLs per platform (0 iOS, 1 tvOS, 2 macOS); if given, at "
    "least one.",
    ("app", "patreon"): "Patreon gating: which pledge, tiers or benefit unlock the app.",
    ("app", "version"): "The single-version form: the version string of the app's one version.",
    ("app", "versionDate"): "The single-version form: the release date.",
    ("app", "versionDescription"): "The single-version form: the release notes.",
    ("app", "downloadURL"): "The single-version form: where the IPA is downloaded from.",
    ("app", "size"): "The single-version form: the IPA's size in bytes.",
    ("version", "version"): "The version string shown and compared to decide whether an update "
    "is offered.",
    ("version", "buildVersion"): "The build number, shown beside the version; \"\" means none. "
    "Two versions with the same version and build make the client reject the source.",
    ("version", "date"): "The release date, shown with the version.",
    ("version", "localizedDescription"): "The release notes (What's New).",
    ("version", "downloadURL"): "Where the IPA is downloaded from.",
    ("version", "size"): "The IPA's size in bytes, shown before download.",
    ("version", "sha256"): "The IPA's SHA-256 (hex, any case): a download with another hash is "
    "refused at install.",
    ("version", "minOSVersion"): "The lowest iOS version this version runs on (e.g. \"14.0\"); "
    "older devices are offered an earlier version, or none.",
    ("version", "maxOSVersion"): "The highest iOS version this version runs on; \"16.4\" means "
    "16.4.0 exactly, so 16.4.1 is excluded.",
    ("news", "identifier"): "The news item's identity, kept across refreshes.",
    ("news", "date"): "The date the news item is sorted and shown by.",
    ("news", "title"): "The news item's title.",
    ("news", "caption"): "The news item's text.",
    ("news", "tintColor"): "The news item's background colour (hex).",
    ("news", "imageURL"): "An image shown in the news item.",
    ("news", "url"): "A page opened when the news item is tapped.",
    ("news", "appID"): "The bundle identifier of an app in this source, shown with the news "
    "item.",
    ("news", "notify"): "Whether a new item sends a notification.",
    ("screenshot", "imageURL"): "The screenshot image.",
    ("screenshot", "width"): "The screenshot's width in points; with height, its aspect ratio. "
    "One of width and height alone counts as neither.",
    ("screenshot", "height"): "The screenshot's height in points; see width.",
    ("patreon", "pledge"): "The pledge that unlocks the app, in currency units, or \"custom\" "
    "(any amount).",
    ("patreon", "currency"): "The pledge's currency (default USD).",
    ("patreon", "tiers"): "Patreon tier IDs, any of which unlocks the app.",
    ("patreon", "benefit"): "A Patreon benefit ID that unlocks the app.",
    ("patreon", "hidden"): "Hide the app from users without the pledge.",
}

# Where a key means something else when the client does not require it.
_PURPOSE_IF_OPTIONAL = {
    ("root", "identifier"): "Not the source's identity for this client (that is the URL it "
    "was added from); AltStore 1.x and SideStore 0.5 require it.",
}

_REJECTS = "A value of another type makes the client reject the whole source."


def _decided_purpose(profile: ClientProfile, model: str, key: str) -> str | None:
    """What a key is for where the client's decisions differ from AltStore's (the third-party
    clients, behaviour.md 18); None: _PURPOSE says it."""
    if (model, key) == ("root", "identifier"):
        return {"identifier-or-url": "The source's identity: without it, the URL it was added "
                "from. A second source with the same identifier is refused.",
                "exact-url": "Read, not used: the source's identity is the URL as added."
                }.get(profile.identity_rule)
    if not profile.rejects_duplicates and (model, key) == ("app", "bundleIdentifier"):
        return "The app's bundle identifier, shown on its page; two apps may share one."
    if not profile.rejects_duplicates and (model, key) == ("version", "buildVersion"):
        return "The build number."
    if profile.latest_rule == "first" and (model, key) == ("app", "versions"):
        return "The app's versions, newest first: the first one is offered, on any device."
    if profile.latest_rule == "first" and (model, key) in (("version", "minOSVersion"),
                                                            ("version", "maxOSVersion")):
        return "Not used by this client: every device is offered the first version."
    if not profile.patreon_gating and (model, key) == ("root", "patreonURL"):
        return "A link to the source's Patreon page."
    return None


class _Builder:
    def __init__(self, profile: ClientProfile) -> None:
        self.profile = profile
        self.defs: dict[str, Schema] = {}

    # -- models --------------------------------------------------------------------------------

    def ref(self, model: str) -> Schema:
        name = _DEFS[model]
        if name not in self.defs:
            self.defs[name] = {}  # a placeholder while it is built
            self.defs[name] = self.model(model)
        return {"$ref": f"#/$defs/{name}"}

    def model(self, model: str) -> Schema:
        fields = self.profile.fields_for(model)
        properties: dict[str, Schema] = {}
        required: list[str] = []
        conditions: list[Schema] = []
        for f in fields:
            if f.key in properties:  # a key read twice (SideStore 0.5's version keys)
                continue
            properties[f.key] = self.field(model, f)
            if f.required and f.kind not in _CONDITIONAL_KINDS:
                required.append(f.key)
        if model == "app":
            conditions = self.app_rules(properties, required)
        schema: Schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        if conditions:
            schema["allOf"] = conditions
        schema["additionalProperties"] = True
        return schema

    def field(self, model: str, f: Field) -> Schema:
        if model == "app" and f.key == "marketplaceID" and f.kind == "string":
            rule = self.profile.marketplace_rule
            if rule == "forbidden":
                return {"type": "null", "description": f"{_PURPOSE[(model, f.key)]} "
                        f"{self.profile.title} refuses any source with a marketplaceID (it is "
                        "for AltStore PAL): leave it out, or null."}
            builds = "When set, every version needs a non-empty buildVersion."
            if rule == "required":
                return {**self.kind(f.kind), "description": self.describe(
                    model, f, required=True, note=f"{self.profile.title} requires it on every "
                    f"app. {builds}")}
            return {**_nullable(self.kind(f.kind)),
                    "description": self.describe(model, f, note=builds)}
        if f.kind in _CONDITIONAL_KINDS:
            # typed only where the client reads it: see app_rules
            return {"description": self.describe(model, f)}
        schema = self.kind(f.kind)
        if not f.required:
            schema = _nullable(schema)
        return {**schema, "description": self.describe(model, f)}

    def describe(self, model: str, f: Field, *, required: bool | None = None,
                 note: str = "", when: str = "", purpose: str | None = None) -> str:
        """What the client does with the key, then how it reads the value (from the kind)."""
        required = f.required if required is None else required
        if purpose is None:
            purpose = _decided_purpose(self.profile, model, f.key)
        if purpose is None:
            purpose = _PURPOSE.get((model, f.key), "")
            if not required:
                purpose = _PURPOSE_IF_OPTIONAL.get((model, f.key), purpose)
        if model == "app" and f.key == "beta" and self.profile.patreon_gating == "beta":
            note = (f"{note} {self.profile.title} hides beta apps from users who are not "
                    "patrons of the source.").strip()
        if f.attr == CHECKED_ONLY:
            note = f"{note} Decoded, and so checked, whether or not the app gives versions.".strip()
        how = _KIND_WORDS.get(f.kind, "")
        if f.kind in _CONDITIONAL_KINDS:
            how += " " + _CONDITIONAL_KINDS[f.kind]
        elif when:
            how += f" {when}{'; then required' if required else ''}."
        elif required:
            how += " Required: missing or null, the client rejects the whole source."
        else:
            how += " Optional: null is the same as leaving it out."
        rejects = ("Never an error: a value the client cannot read is dropped."
                   if f.kind in _NEVER_FAILS else _REJECTS)
        return " ".join(part for part in (purpose, note, how.strip(), rejects) if part)

    # -- the app's rules between keys --------------------------------------------------------

    def app_rules(self, properties: dict[str, Schema], required: list[str]) -> list[Schema]:
        """Keys read only when another is absent (the single-version keys, screenshotURLs),
        and the checks that look at several keys; each key the decoder knows is a property."""
        rules: list[Schema] = []
        kinds: dict[str, Field] = {f.kind: f for f in self.profile.app}
        legacy = self.legacy_keys(properties) if kinds.keys() & _VERSION_KINDS else {}
        if kinds.keys() & _ALWAYS_LEGACY_KINDS:  # read beside `versions`, each as its kind
            for f in self.profile.legacy_version:
                properties.setdefault(f.key, self.field("app", f))
        if "versions" in kinds:
            key = kinds["versions"].key
            rules.append({"if": _present(key), "else": legacy})
        if "release_channels" in kinds:
            channels = kinds["release_channels"].key
            versions = self.versions_schema()
            if "versions" not in properties:
                properties["versions"] = {"description": self.describe(
                    "app", Field("versions", "versions"))}
            if "beta" not in properties:
                properties["beta"] = {"description": self.describe(
                    "app", Field("beta", "bool"), purpose="With the single-version keys, "
                    "true makes their version a nightly (shown with a BETA badge).",
                    when="Read only when the app gives no versions")}
            legacy_beta = {**legacy, "properties": {**legacy["properties"],
                                                    "beta": _nullable({"type": "boolean"})}}
            stable = {"required": [channels], "properties": {channels: {"contains": {
                "type": "object", "required": ["track"],
                "properties": {"track": {"const": STABLE_TRACK}}}}}}
            rules.append({"if": stable, "else": {
                "if": _present("versions"), "then": {"properties": {"versions": versions}},
                "else": legacy_beta}})
        if "screenshots" in kinds:
            key = kinds["screenshots"].key
            properties["screenshotURLs"] = {"description": self.describe(
                "app", Field("screenshotURLs", "string_list"))}
            rules.append({"if": _present(key), "else": {"properties": {
                "screenshotURLs": _nullable({"type": "array", "items": _url()})}}})
        if "sidestore_download_url" in kinds:
            key = kinds["sidestore_download_url"].key
            rules.append({"if": _present("platformURLs"), "else": {
                "properties": {key: _nullable(_url())}}})
        if "app_download_url" in kinds:
            key = kinds["app_download_url"].key
            rules.append({"if": _present("platformURLs"),
                          "then": {"properties": {key: _nullable(_url())}},
                          "else": {"required": [key], "properties": {key: _url()}}})
        if any(f.key == "marketplaceID" and f.kind == "string" for f in self.profile.app):
            rules.append(self.build_rule(kinds))
        if self.profile.marketplace_rule == "required":
            required.append("marketplaceID")
        return rules

    def legacy_keys(self, properties: dict[str, Schema]) -> Schema:
        """The single-version keys, required and typed, for when no versions are given; each
        is a property too (described, typed where it is read)."""
        typed: dict[str, Schema] = {}
        needed: list[str] = []
        for f in self.profile.legacy_version:
            typed[f.key] = self.kind(f.kind) if f.required else _nullable(self.kind(f.kind))
            if f.required:
                needed.append(f.key)
            if f.key not in properties:
                properties[f.key] = {"description": self.describe(
                    "app", f, when="Read only when the app gives no versions")}
        return {"required": needed, "properties": typed}

    def build_rule(self, kinds: dict[str, Field]) -> Schema:
        """An app with a marketplaceID needs a non-empty buildVersion on every version."""
        with_build: Schema = {"type": "object", "required": ["buildVersion"],
                              "properties": {"buildVersion": {"type": "string", "minLength": 1}}}
        versions: dict[str, Schema] = {"versions": {"items": with_build}}
        if "release_channels" in kinds:
            versions[kinds["release_channels"].key] = {"items": {"properties": {
                "releases": {"items": with_build}}}}
        return {"if": {"required": ["marketplaceID"],
                       "properties": {"marketplaceID": {"type": "string"}}},
                "then": {"properties": versions}}

    # -- kinds ---------------------------------------------------------------------------------

    def versions_schema(self) -> Schema:
        return {"type": "array", "minItems": 1, "items": self.ref("version")}

    def kind(self, kind: str) -> Schema:
        if kind in INT_RANGES:
            low, high = INT_RANGES[kind]
            return {"type": "integer", "minimum": low, "maximum": high}
        simple = _SIMPLE_KINDS.get(kind)
        if simple is not None:
            return dict(simple)
        if kind in ("apps", "apps_skipping_unnamed"):
            return {"type": "array", "items": self.ref("app")}
        if kind == "apps_nonempty":
            return {"type": "array", "minItems": 1, "items": self.ref("app")}
        if kind in _ALWAYS_LEGACY_KINDS:
            return {"type": "array", "items": self.ref("version")}
        if kind == "date_parsed":
            return {"anyOf": [{"type": "number"}, {
                "type": "string", "pattern": date_parsed_pattern(self.profile.date_formats),
                "examples": ["2024-05-31", "2024-05-31T12:00:00Z", "1717156800"]}]}
        if kind == "news_items":
            return {"type": "array", "items": self.ref("news")}
        if kind == "versions":
            return self.versions_schema()
        if kind == "patreon":
            return self.ref("patreon")
        if kind == "permissions":
            return self.permissions()
        if kind == "screenshots":
            return self.screenshots()
        if kind == "release_channels":
            return {"type": "array", "items": {
                "type": "object", "required": ["track", "releases"],
                "properties": {
                    "track": {"type": "string", "description": "The track's name; \"stable\" "
                              "is the one read.", "examples": [STABLE_TRACK]},
                    "releases": {**self.versions_schema(),
                                 "description": "The track's versions, newest first; at least "
                                 "one."}},
                "additionalProperties": True}}
        if kind == "platform_urls":
            return {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["platform", "downloadURL"],
                "properties": {
                    "platform": {"type": "integer", "enum": [0, 1, 2],
                                 "description": "0 iOS, 1 tvOS, 2 macOS; any other number makes "
                                 "the client reject the source."},
                    "downloadURL": {**_url(), "description": "Where that platform's IPA is "
                                    "downloaded from."}},
                "additionalProperties": True}}
        raise ValueError(f"no schema for the kind {kind!r}: add it to core/schema.py")

    def screenshots(self) -> Schema:
        shot = self.ref("screenshot")
        iphone: Schema = {"type": "array", "items": {"anyOf": [_url(), shot]}}
        sized = {"allOf": [shot, {"required": ["width", "height"], "properties": {
            "width": {"type": "integer"}, "height": {"type": "integer"}}}]}
        return {"anyOf": [iphone, {
            "type": "object",
            "properties": {
                "iphone": {**_nullable(iphone), "description": "iPhone screenshots."},
                "ipad": {**_nullable({"type": "array", "items": sized}),
                         "description": "iPad screenshots: objects with imageURL, width and "
                         "height (without a size, the client rejects the source)."}},
            "additionalProperties": True}]}

    def permissions(self) -> Schema:
        named = {"type": "object", "required": ["name"],
                 "additionalProperties": {"type": "string"}}
        return {
            "type": "object",
            "properties": {
                "entitlements": {
                    "description": "The entitlements the app has: an array of names (e.g. "
                    "\"com.apple.security.application-groups\"), an object whose keys are the "
                    "names, or the older array of {\"name\": …} objects. May not be null.",
                    "anyOf": [{"type": "array", "items": {"type": "string"}},
                              {"type": "array", "items": named}, {"type": "object"}]},
                "privacy": {
                    "description": "The privacy permissions the app asks for: an object from "
                    "the Info.plist key (e.g. \"NSCameraUsageDescription\") to its usage "
                    "description, or the older array of {\"name\": \"Camera\", "
                    "\"usageDescription\": …}. Every permission needs a non-empty usage "
                    "description. May not be null.",
                    "anyOf": [
                        {"type": "object", "additionalProperties": {"type": "string",
                                                                    "minLength": 1}},
                        {"type": "array", "items": {
                            **named, "required": ["name", "usageDescription"],
                            "properties": {"usageDescription": {
                                "type": "string", "minLength": 1,
                                "description": "Why the app asks, shown at install."}}}}]},
            },
            "additionalProperties": True,
        }


def _url() -> Schema:
    return {"type": "string", "minLength": 1}


def _nullable(schema: Schema) -> Schema:
    """The schema, or null (the client reads null as an absent key)."""
    kind = schema.get("type")
    if isinstance(kind, str) and "$ref" not in schema and "anyOf" not in schema:
        return {**schema, "type": [kind, "null"]}
    if "anyOf" in schema and len(schema) == 1:
        return {"anyOf": [*schema["anyOf"], {"type": "null"}]}
    return {"anyOf": [schema, {"type": "null"}]}


def _present(key: str) -> Schema:
    """The key is there and not null."""
    return {"required": [key], "properties": {key: _NOT_NULL}}


# A date the client reads (core/values.py parse_source_date): YYYY-MM-DD, or that with a time
# and a zone; only the date at the start has to be there (the default reading of a longer one).
_DATE_PATTERN = r"^[0-9]{4}-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])"

_COLOUR_PATTERN = (r"^[^A-Za-z0-9]*[0-9A-Fa-f]"
                   r"([ -~][A-Za-z0-9]|[ -~]{4}[A-Za-z0-9]|[ -~]{6}[A-Za-z0-9])[^A-Za-z0-9]*$")

_SIMPLE_KINDS: dict[str, Schema] = {
    "string": {"type": "string"},
    "build": {"type": "string"},
    "sha256": {"type": "string"},
    "os_version": {"type": "string", "examples": ["14.0", "16.4.1"]},
    "category": {"type": "string", "examples": sorted(KNOWN_CATEGORIES)},
    "string_list": {"type": "array", "items": {"type": "string"}},
    "string_map": {"type": "object", "additionalProperties": {"type": "string"}},
    "bool": {"type": "boolean"},
    "url": _url(),
    "date": {"type": "string", "pattern": _DATE_PATTERN,
             "examples": ["2024-05-31", "2024-05-31T12:00:00Z", "2024-05-31T14:00:00+02:00"]},
    # For printable ASCII (where a character is one grapheme and the alphanumerics are
    # [A-Za-z0-9]), exactly the client's test: trimmed of non-alphanumerics, 3, 6 or 8
    # characters starting with a hex digit. Other text is left to `altsim check`.
    "colour": {"type": "string", "examples": ["#5C7AEA", "5C7AEA"],
               "if": {"pattern": "^[ -~]*$"}, "then": {"pattern": _COLOUR_PATTERN}},
    "pledge": {"anyOf": [{"type": "number"}, {"const": "custom"}]},
    # third-party clients (behaviour.md 15-17)
    "source_name": {"type": "string"},
    "relative_url": {"type": "string"},
    "lenient_url": {"type": "string"},
    "hex_or_black": {"type": "string", "examples": ["#5C7AEA", "5C7AEA"]},
    "rrggbbaa_colour": {"type": "string", "examples": ["#5C7AEA", "#5C7AEAFF"]},
    "iso_or_short_date": {"type": "string", "examples": ["2024-05-31", "2024-05-31T12:00:00Z"]},
    "nullable_string_list": {"type": "array", "items": {"type": ["string", "null"]}},
    "pal_marketplace_id": {"type": "string", "pattern": r"^\s*$"},
    "screenshot_urls": {"type": "array", "items": _url()},
    "tolerant_permissions": {"type": "object"},
    "user_info": {"type": "object", "properties": {"patreonAccessToken": {
        "type": ["string", "null"], "description": "A Patreon access token (unused)."}},
        "additionalProperties": True},
    "permission_list": {"type": "array", "items": {
        "type": "object", "required": ["type", "usageDescription"],
        "properties": {
            "type": {"type": "string", "description": "The permission's type."},
            "usageDescription": {"type": "string", "description": "Why the app asks."}},
        "additionalProperties": True}},
    **{kind: {} for kind in _NEVER_FAILS},
}

# How a kind decodes its value, in words.
_KIND_WORDS = {
    "string": "A string.",
    "build": "A string.",
    "sha256": "A string.",
    "os_version": "A version string such as \"14.0\".",
    "category": "A string; known: " + ", ".join(sorted(KNOWN_CATEGORIES)) + ".",
    "string_list": "An array of strings.",
    "string_map": "An object whose values are strings.",
    "bool": "A boolean: true or false.",
    "url": "A URL (https); an empty string is rejected, and before iOS 17 so is a URL with "
    "characters URLs may not contain (a space). A relative URL never loads.",
    "date": "YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with Z or an offset such as +02:00.",
    "colour": "Hex RGB (3 or 6 digits, # optional), or 8 digits read as AARRGGBB.",
    "pledge": "A number, or \"custom\".",
    "apps": "An array of apps.",
    "news_items": "An array of news items.",
    "versions": "An array of versions, at least one.",
    "release_channels": "An array of {\"track\", \"releases\"} objects.",
    "platform_urls": "An array of {\"platform\", \"downloadURL\"} objects.",
    "patreon": "An object.",
    "screenshots": "An array, or an object with iphone and ipad arrays.",
    "permissions": "An object with entitlements and privacy.",
    "sidestore_download_url": "A URL.",
    "source_name": "A string; without it the client refuses the source (\"The source file is "
    "not valid.\").",
    "relative_url": "A URL; an empty string is none, a URL without a scheme is resolved against "
    "the source's URL.",
    "lenient_url": "A string: a URL, or none when empty or not a URL.",
    "hex_or_black": "A string: 6 (RRGGBB) or 8 (RRGGBBAA) hex digits, # optional; any other "
    "string is black.",
    "rrggbbaa_colour": "A string: 3, 6 or 8 (RRGGBBAA) hex digits, # optional; any other string "
    "is no colour.",
    "iso_or_short_date": "A string: ISO 8601 or YYYY-MM-DD; any other string is no date.",
    "date_parsed": "A number (Unix seconds), or a string: YYYY-MM-DD, ISO 8601, RFC 1123 and a "
    "few more forms, or Unix seconds as text.",
    "tolerant_date": "A date as for versionDate, or anything else, which is no date.",
    "tolerant_Int64": "An integer, or a string of one; anything else is no size.",
    "tolerant_UInt": "A non-negative integer, or a string of one; anything else is no size.",
    "tolerant_bool": "true or false; anything else is false.",
    "stub": "Anything: not read.",
    "nullable_string_list": "An array of strings (null items are skipped).",
    "pal_marketplace_id": "Only blank text: any other value makes the client refuse the source "
    "as an AltStore PAL source.",
    "screenshot_urls": "An array of URLs.",
    "tolerant_permissions": "An object; entitlements and privacy in a form the client does not "
    "read are ignored.",
    "user_info": "An object with an optional patreonAccessToken string.",
    "permission_list": "An array of {\"type\", \"usageDescription\"} objects.",
    "apps_nonempty": "An array of apps, at least one.",
    "apps_skipping_unnamed": "An array of apps; one without name or bundleIdentifier is skipped.",
    "versions_or_legacy": "An array of versions, newest first (may be empty).",
    "valid_versions": "An array of versions; one without version or downloadURL is skipped.",
    "app_download_url": "A URL.",
    **{width: f"An integer that fits {width} ({low} to {high}); 12.0 counts as 12."
       for width, (low, high) in INT_RANGES.items()},
}

# Kinds typed in the app's rules rather than in its properties, and when they are read.
_CONDITIONAL_KINDS = {
    "sidestore_download_url": "Read when platformURLs is absent (with no versions and no "
    "release channels it is the single-version form's, and required).",
    "app_download_url": "Required unless platformURLs is given, even beside versions.",
}


def source_schema(profile: ClientProfile) -> Schema:
    """The JSON Schema of a source that `profile`'s client accepts."""
    builder = _Builder(profile)
    root = builder.model("root")
    defs = dict(builder.defs)
    return {
        "$schema": DRAFT,
        "$id": f"urn:altsim:source-schema:{profile.name}",
        "title": f"AltStore source, as {profile.title} reads it",
        "description": f"A source (apps.json) for {profile.title}, generated by `altsim schema "
        f"--client {profile.name}`. Keys the client does not know are ignored. It flags what "
        "the client rejects a source for; `altsim check` also reports what it accepts with a "
        "warning, and the rules that depend on the device.",
        **root,
        "$defs": defs,
    }


def schema_keys(schema: Schema, model: str) -> frozenset[str]:
    """The property names of a model in a schema from `source_schema` ("root", "app", …)."""
    node = schema if model == "root" else schema["$defs"][_DEFS[model]]
    return frozenset(node["properties"])
