"""Keys a profile does not decode, and what a maintainer should be told about each."""

from __future__ import annotations

from altsim.core.profiles import PROFILES, ClientProfile, per_profile

# behaviour.md 2.6, StoreCategory.swift:12-21
KNOWN_CATEGORIES = frozenset(
    {"developer", "entertainment", "games", "lifestyle", "photo-video", "social", "utilities",
     "other"}
)

_AFTER_RC = "documented by the FAQ for AltStore releases after 2.0rc, absent from the public code"
# A Python package (`altparse` on PyPI, noah978/AltSourceParser) that updates sources from
# GitHub releases; QuarkSources keeps its sources with it (update.py). Neither
# client reads the keys it adds (no match in AltStore at 5a0f2de7 or SideStore at 239fc7c2).
_ALTSOURCEPARSER = "AltSourceParser (a tool that updates sources from GitHub releases)"

# Keys some client or document uses that are not in the given profile's tables:
# model -> key -> (diagnostic code, why the key does nothing here). "unread-key" is harmless
# and reported as info; the other codes are warnings.
_NOTES: dict[str, dict[str, tuple[str, str]]] = {
    "root": {
        "identifier": ("unread-key", "the source's identity is its normalized URL; keep "
                       "the key for AltStore 1.x and SideStore 0.5, which require it"),
        "sourceURL": ("unread-key", "no client reads it; identity comes from the URL the user "
                      "added"),
        # AltSourceParser sets it to "v2" on every source it loads (noah978/AltSourceParser
        # src/altparse/model.py:778 at a0c700de).
        "apiVersion": ("unread-key", f"written by {_ALTSOURCEPARSER}; no client reads it"),
        # AltSourceParser's `userinfo` property (src/altparse/model.py:916-921 at a0c700de);
        # AltStore reads `userInfo` (AltStoreCore/Model/Source.swift:128 at 5a0f2de7), and
        # keys are matched case by case.
        "userinfo": ("unread-key", f"written by {_ALTSOURCEPARSER}; no client reads it (the "
                     "client reads userInfo, with a capital I)"),
        "$schema": ("unread-key", "a JSON Schema reference; clients do not read it"),
        "fediUsername": ("ignored-key", _AFTER_RC),
        "nsfw": ("ignored-key", _AFTER_RC),
    },
    "app": {
        "permissions": ("legacy-permissions", "the 1.x permissions list is not read by AltStore "
                        "2.x: declare appPermissions, or every entitlement in the IPA counts as "
                        "undeclared at install "),
        "minOSVersion": ("ignored-key", "OS limits are read on each version, not on the app"),
        "maxOSVersion": ("ignored-key", "OS limits are read on each version, not on the app"),
        "localizedDescriptions": ("ignored-key", _AFTER_RC),
        "localizedSubtitles": ("ignored-key", _AFTER_RC),
        "releaseChannels": ("ignored-key", "read by SideStore 0.6 only"),
        "platformURLs": ("ignored-key", "read by SideStore only"),
        "downloadURLs": ("ignored-key", "read by SideStore only"),
        # AltSourceParser's own identity for an app, to match apps across sources
        # (noah978/AltSourceParser src/altparse/model.py:645-654, parsers.py:95-99 at
        # a0c700de). News items have an `appID` the client reads; this is the app's.
        "appID": ("unread-key", f"written by {_ALTSOURCEPARSER} to match apps across sources; "
                  "no client reads it on an app"),
        # AltSourceParser's predecessor stored the release tag on 1.x-style apps
        # (QuarkSources/quarksources.github.io sourceUtil.py:74-79 at b33d53ed).
        "absoluteVersion": ("unread-key", f"written by {_ALTSOURCEPARSER} (and its "
                            "predecessor sourceUtil.py) to compare releases; no client reads "
                            "it"),
    },
    "version": {
        "marketingVersion": ("ignored-key", _AFTER_RC + "; 2.0rc shows \"<version> (<build>)\""),
        "assetURLs": ("ignored-key", _AFTER_RC),
        "commitID": ("ignored-key", "read by SideStore only"),
        # The release tag, which AltSourceParser compares to decide on an update
        # (noah978/AltSourceParser src/altparse/core.py:167-170, model.py:333-339 at a0c700de).
        "absoluteVersion": ("unread-key", f"written by {_ALTSOURCEPARSER} to compare releases; "
                            "no client reads it"),
    },
    "news": {}, "screenshot": {}, "patreon": {},
}

# The markets of AltStore and SideStore, for which _NOTES is written
_ALTSTORE_MARKETS = frozenset({"classic", "marketplace"})

# Keys read by fallbacks rather than by a table entry of their own (behaviour.md 2.2, 2.3).
_READ_BY_FALLBACK = {
    "app": frozenset({"screenshotURLs", "version", "versionDate", "versionDescription",
                      "downloadURL", "size", "versions", "beta"}),
}


def _table_keys(profile: ClientProfile, model: str) -> frozenset[str]:
    keys = {f.key for f in profile.fields_for(model)}
    if model == "app":
        keys |= {f.key for f in profile.legacy_version}
    return frozenset(keys)


@per_profile
def known_keys(profile: ClientProfile, model: str) -> frozenset[str]:
    return _table_keys(profile, model) | _READ_BY_FALLBACK.get(model, frozenset())


@per_profile  # each decoder reads them: tables of every client, per model
def extra_key_notes(profile: ClientProfile, model: str) -> dict[str, tuple[str, str]]:
    """Notes for keys this profile ignores: ours, else "read by <other clients> only" (a
    warning when a client of the same market reads it, else info: a key for AltStore is no
    fault in a source a third-party client reads), then the profile's own."""
    readers: dict[str, list[ClientProfile]] = {}
    known = known_keys(profile, model)
    for other in PROFILES.values():
        if other is not profile:
            for key in _table_keys(other, model) - known:
                readers.setdefault(key, []).append(other)
    everyone = len(PROFILES) - (profile.name in PROFILES)
    notes = {key: ("ignored-key" if any(o.market == profile.market for o in others)
                   else "unread-key",
                   "read by every other client" if len(others) == everyone
                   else "read by " + ", ".join(o.title for o in others) + " only")
             for key, others in readers.items()}
    ours = _NOTES.get(model, {})
    if profile.market not in _ALTSTORE_MARKETS:  # the notes' advice is for AltStore's family
        ours = {key: note for key, note in ours.items() if note[0] == "unread-key"}
    notes.update(ours)
    notes.update({key: (code, note) for where, key, code, note in profile.key_notes
                  if where == model})
    return notes
