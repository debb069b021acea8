"""Keys a profile does not decode, and what a maintainer should be told about each."""

from __future__ import annotations

from altsim.core.profiles import PROFILES, ClientProfile

# §2.6, StoreCategory.swift:12-21
KNOWN_CATEGORIES = frozenset(
    {"developer", "entertainment", "games", "lifestyle", "photo-video", "social", "utilities",
     "other"}
)

_AFTER_RC = "documented by the FAQ for AltStore releases after 2.0rc, absent from the public code"

# Keys some client or document uses that are not in the given profile's tables:
# model -> key -> (diagnostic code, why the key does nothing here). "unread-key" is harmless
# and reported as info; the other codes are warnings.
_NOTES: dict[str, dict[str, tuple[str, str]]] = {
    "root": {
        "identifier": ("unread-key", "the source's identity is its normalized URL (§1.4); keep "
                       "the key for AltStore 1.x and SideStore 0.5, which require it"),
        "sourceURL": ("unread-key", "no client reads it; identity comes from the URL the user "
                      "added (§1.3)"),
        "apiVersion": ("unread-key", "no client reads it"),
        "$schema": ("unread-key", "a JSON Schema reference; clients do not read it"),
        "fediUsername": ("ignored-key", _AFTER_RC),
        "nsfw": ("ignored-key", _AFTER_RC),
    },
    "app": {
        "permissions": ("legacy-permissions", "the 1.x permissions list is not read by AltStore "
                        "2.x: declare appPermissions, or every entitlement in the IPA counts as "
                        "undeclared at install (§2.4, vector 29)"),
        "minOSVersion": ("ignored-key", "OS limits are read on each version, not on the app"),
        "maxOSVersion": ("ignored-key", "OS limits are read on each version, not on the app"),
        "localizedDescriptions": ("ignored-key", _AFTER_RC),
        "localizedSubtitles": ("ignored-key", _AFTER_RC),
        "releaseChannels": ("ignored-key", "read by SideStore 0.6 only"),
        "platformURLs": ("ignored-key", "read by SideStore only"),
        "downloadURLs": ("ignored-key", "read by SideStore only"),
    },
    "version": {
        "marketingVersion": ("ignored-key", _AFTER_RC + "; 2.0rc shows \"<version> (<build>)\""),
        "assetURLs": ("ignored-key", _AFTER_RC),
        "commitID": ("ignored-key", "read by SideStore only"),
    },
    "news": {}, "screenshot": {}, "patreon": {},
}

# Keys read by fallbacks rather than by a table entry of their own (§2.2, §2.3).
_READ_BY_FALLBACK = {
    "app": frozenset({"screenshotURLs", "version", "versionDate", "versionDescription",
                      "downloadURL", "size"}),
}


def _table_keys(profile: ClientProfile, model: str) -> frozenset[str]:
    keys = {f.key for f in profile.fields_for(model)}
    if model == "app":
        keys |= {f.key for f in profile.legacy_version}
    return frozenset(keys)


def known_keys(profile: ClientProfile, model: str) -> frozenset[str]:
    return _table_keys(profile, model) | _READ_BY_FALLBACK.get(model, frozenset())


def extra_key_notes(profile: ClientProfile, model: str) -> dict[str, tuple[str, str]]:
    """Notes for keys this profile ignores: ours, else "read by <other clients> only"."""
    readers: dict[str, list[str]] = {}
    for other in PROFILES.values():
        if other is not profile:
            for key in _table_keys(other, model) - known_keys(profile, model):
                readers.setdefault(key, []).append(other.title)
    notes = {key: ("ignored-key", "read by " + ", ".join(titles) + " only")
             for key, titles in readers.items()}
    notes.update(_NOTES.get(model, {}))
    return notes
