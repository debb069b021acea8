"""Every diagnostic code altsim can emit: its severity, what it means, and how to fix it.

`Diagnostic` refuses a code that is not here (altsim/core/diagnostics.py), and docs/codes.md is
generated from this table: `python -m altsim.core.codes > docs/codes.md`. Error codes are the
client's own error names (Swift's `DecodingError` cases and AltStore's `SourceError`); the
kebab-case codes are altsim's, for what the client accepts but a maintainer should know.

Plain data: this module imports nothing from altsim, so `diagnostics` can import it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Literal, NamedTuple

SeverityName = Literal["error", "warning", "info"]  # the values of diagnostics.Severity
# Where a code comes from, which is also how docs/codes.md groups them.
Stage = Literal["decoding", "verification", "warning", "info"]

_ALTSTORE = "altstoreio/AltStore @ 5a0f2de7"
_VERIFY = f"`AltStore/Operations/FetchSourceOperation.swift:207-247` ({_ALTSTORE})"
_FEATHER = "khcrysalis/Feather @ 65799dd"
_ASR = "`AltSourceKit/Sources/AltSourceKit/Models/ASRepository.swift"
_LCV = "`LiveContainerSwiftUI/Views/LCAltStoreSourcesView.swift"
_LC = "LiveContainer/LiveContainer @ 1a87ea9"


# Built at every start: a NamedTuple costs a fifth of a frozen dataclass to create.
class CodeInfo(NamedTuple):
    """One diagnostic code: its severities, what it means, how a maintainer fixes it."""

    code: str
    stage: Stage
    severities: tuple[SeverityName, ...]
    meaning: str  # one line: what is wrong, and what the client does about it
    fix: str  # what the source's maintainer changes
    clients: str = ""  # which clients it concerns, when not all of them
    reference: str = ""  # the client code behind it, at a pinned commit


_ENTRIES = (
    # -- the client's decoding errors: the source is rejected --------------------------------
    CodeInfo(
        "jsonSyntax", "decoding", ("error",),
        "The file is not JSON the client can parse (strict JSON before iOS 15, JSON5 from it); "
        "an HTML page or an empty file fails here too.",
        "Fix the syntax at the line and column given. A GitHub `…/blob/…` URL serves an HTML "
        "page: link the raw file instead.",
        reference=f"`AltStore/Operations/FetchSourceOperation.swift:125-128` ({_ALTSTORE})"),
    CodeInfo(
        "keyNotFound", "decoding", ("error",),
        "A required key is missing (also: a `buildVersion` on a version of an app with a "
        "`marketplaceID`, a `name` in a legacy permissions entry).",
        "Add the key the message names; its path says on which app, version or news item.",
        reference=f"`AltStoreCore/Model/StoreApp.swift:218-389` ({_ALTSTORE})"),
    CodeInfo(
        "valueNotFound", "decoding", ("error",),
        "A required key, or an item of a list or map of strings, is `null`.",
        "Give a real value; an optional key may be left out instead of set to `null`.",
        reference=f"`AltStoreCore/Model/Source.swift:143-213` ({_ALTSTORE})"),
    CodeInfo(
        "typeMismatch", "decoding", ("error",),
        "A value has the wrong JSON type, such as `\"version\": 1.0` or `\"size\": \"123\"`.",
        "Write the type the message expects: quote strings, leave numbers and `true`/`false` "
        "unquoted.",
        reference=f"`AltStoreCore/Model/AppVersion.swift:78-104` ({_ALTSTORE})"),
    CodeInfo(
        "dataCorrupted", "decoding", ("error",),
        "A value of the right type the client cannot read: an empty or malformed URL, a date "
        "in another format, a hex colour it cannot scan, a number that is not an integer of "
        "the width, an empty release channel or `platformURLs`.",
        "Correct the value as the message says: dates as `YYYY-MM-DD` or "
        "`YYYY-MM-DDTHH:MM:SSZ`, colours as 6 hex digits, URLs percent-encoded.",
        reference="`AltStore/Operations/FetchSourceOperation.swift:101-120` (dates), "
                  f"`AltStoreCore/Extensions/UIColor+Hex.swift:25-42` (colours) ({_ALTSTORE})"),
    CodeInfo(
        "noVersions", "decoding", ("error",),
        "An app has an empty `versions` list.",
        "List at least one version, or remove the app.",
        reference=f"`AltStoreCore/Model/MergePolicy.swift:16-52` ({_ALTSTORE})"),
    # -- the checks the client runs after decoding: the source is rejected -------------------
    CodeInfo(
        "duplicateBundleID", "verification", ("error",),
        "Two apps have the same `bundleIdentifier` (compared case-sensitively).",
        "Keep one entry per app: merge the versions into the first, or give the other app its "
        "own bundle identifier.",
        reference=_VERIFY),
    CodeInfo(
        "duplicateVersion", "verification", ("error",),
        "An app lists the same `version` with the same `buildVersion` twice.",
        "Remove the repeated entry, or give each build its own `buildVersion`.",
        reference=_VERIFY),
    CodeInfo(
        "missingPermissionUsageDescription", "verification", ("error",),
        "A privacy permission in `appPermissions` has no usage description.",
        "Write the sentence the app shows when it asks (its Info.plist `NS…UsageDescription`), "
        "or remove the permission.",
        reference=_VERIFY),
    CodeInfo(
        "missingScreenshotSize", "verification", ("error",),
        "An iPad screenshot gives no `width` and `height`.",
        "Give every iPad screenshot as an object with `imageURL`, `width` and `height` in pixels.",
        reference=_VERIFY),
    CodeInfo(
        "marketplaceNotSupported", "verification", ("error",),
        "An app has a `marketplaceID` (a notarized app), which AltStore outside the EU "
        "marketplace refuses: the whole source is rejected.",
        "Keep notarized apps in a separate source for AltStore PAL, and drop `marketplaceID` "
        "from the source that classic AltStore and SideStore users add.",
        clients="AltStore 2.0rc, SideStore 0.6",
        reference=_VERIFY),
    CodeInfo(
        "marketplaceRequired", "verification", ("error",),
        "An app has no `marketplaceID`, which AltStore PAL requires on every app.",
        "Give every app of a PAL source its `marketplaceID`; apps that are not notarized belong "
        "in a separate source for classic AltStore.",
        clients="AltStore PAL",
        reference=_VERIFY),
    CodeInfo(
        "emptySource", "decoding", ("error",),
        "The source has no apps (`apps` missing, null or empty): Feather refuses it with "
        "\"This source does not contain any apps.\".",
        "List at least one app.",
        clients="Feather", reference=f"{_ASR}:82-94` ({_FEATHER})"),
    CodeInfo(
        "palNotSupported", "decoding", ("error",),
        "An app has a `marketplaceID` that is not blank: Feather refuses the source as an "
        "AltStore PAL source.",
        "Keep notarized apps in a separate source for AltStore PAL.",
        clients="Feather", reference=f"{_ASR}:296-304` ({_FEATHER})"),
    CodeInfo(
        "sourceNotValid", "decoding", ("error",),
        "The source has no `name`: LiveContainer shows \"The source file is not valid.\" "
        "under the source's URL, which stays added.",
        "Give the source a `name`.",
        clients="LiveContainer", reference=f"{_LCV}:349-351` ({_LC})"),
    CodeInfo(
        "httpStatus", "decoding", ("error",),
        "The server answered with a non-2xx status: LiveContainer shows \"HTTP <code>\" and "
        "reads nothing of the body.",
        "Serve the file with status 200 at the URL users add; check the URL for a typo.",
        clients="LiveContainer", reference=f"{_LCV}:320-323` ({_LC})"),
    # -- altsim's warnings: accepted, but wrong or surprising ---------------------------------
    CodeInfo(
        "http-status", "warning", ("warning",),
        "The server answered with a non-2xx status; the client ignores it and decodes the body.",
        "Serve the file with status 200 at the URL users add; check the URL for a typo.",
        reference=f"`AltStore/Operations/FetchSourceOperation.swift:91-98` ({_ALTSTORE})"),
    CodeInfo(
        "ignored-value", "warning", ("warning",),
        "A value the client reads with `try?` or parses leniently, and drops without an error: "
        "a size that is not a number, a date in no form it reads, a colour it reads as black or "
        "as none.",
        "Write the value in the form the message names, or leave the key out.",
        clients="Feather, Ksign, LiveContainer",
        reference=f"{_ASR}:266-277, 411-427` ({_FEATHER}); {_LCV}:427-481` ({_LC})"),
    CodeInfo(
        "skipped-app", "warning", ("warning",),
        "An app without a `name` or `bundleIdentifier`: LiveContainer leaves it out of the list "
        "without a word.",
        "Give the app both keys.",
        clients="LiveContainer", reference=f"{_LCV}:352-354, 368-372` ({_LC})"),
    CodeInfo(
        "skipped-version", "warning", ("warning",),
        "A version without a `version` or a usable `downloadURL`: LiveContainer leaves it out "
        "without a word, and the next version becomes the latest.",
        "Give every version both keys (a non-empty `downloadURL`).",
        clients="LiveContainer", reference=f"{_LCV}:392-399` ({_LC})"),
    CodeInfo(
        "json5-syntax", "warning", ("warning",),
        "The file is JSON5 (comments, trailing commas, single quotes) but not strict JSON: "
        "iOS 15 and later read it, iOS 14 and earlier reject the source.",
        "Remove what strict JSON does not allow, at the line and column given.",
        reference=f"`AltStore/Operations/FetchSourceOperation.swift:125-128` ({_ALTSTORE})"),
    CodeInfo(
        "other-client-rejects", "warning", ("warning",),
        "Another client that reads the same kind of source (classic, or the PAL marketplace) "
        "rejects the source this one accepts; the message gives that client's error code.",
        "Fix what the message names, or run `altsim check --client all` to see each client's "
        "full report."),
    CodeInfo(
        "unknown-key", "warning", ("warning",),
        "A key no client reads is ignored (keys are case-sensitive: often a typo).",
        "Correct the key's spelling, or remove it."),
    CodeInfo(
        "ignored-key", "warning", ("warning",),
        "A key this client does not read: another client reads it, newer AltStore releases "
        "are documented to, or another key given beside it takes its place.",
        "Nothing, if the key is there for the client the message names; otherwise move the "
        "value to the key this client reads."),
    CodeInfo(
        "legacy-permissions", "warning", ("warning",),
        "The AltStore 1.x `permissions` list is not read: every entitlement in the app counts "
        "as undeclared at install.",
        "Declare the app's entitlements and privacy permissions in `appPermissions`.",
        reference=f"`AltStore/Operations/VerifyAppOperation.swift:180-272` ({_ALTSTORE})"),
    CodeInfo(
        "control-character", "warning", ("warning",),
        "A string the client shows contains a control character most screens do not show, or "
        "a bidirectional control that reorders the text (a name can be spoofed).",
        "Remove the character at the code point and offset given; line breaks (LF, CRLF) are "
        "fine."),
    CodeInfo(
        "unknown-category", "warning", ("warning",),
        "The `category` is not one the client knows: the app is listed under Other.",
        "Use one of developer, entertainment, games, lifestyle, photo-video, social, "
        "utilities, other.",
        reference=f"`AltStoreCore/Types/StoreCategory.swift:12-21` ({_ALTSTORE})"),
    CodeInfo(
        "insecure-url", "warning", ("warning",),
        "A plain `http://` URL.",
        "Use the `https://` URL (and serve the file over https if the host does not yet)."),
    CodeInfo(
        "relative-url", "warning", ("warning",),
        "A relative URL such as `icon.png`: the client never resolves it against the source's "
        "URL, so it never loads.",
        "Write the full `https://` URL."),
    CodeInfo(
        "non-web-url", "warning", ("warning",),
        "A URL whose scheme is neither https nor http.",
        "Use an `https://` URL, unless the other scheme is meant (a custom app URL)."),
    CodeInfo(
        "date-prefix", "warning", ("warning",),
        "Only the start of the date is in a format the client reads (fractional seconds, no "
        "time zone, `+0600`): it may be cut to midnight UTC or reject the source; not "
        "verified on a device.",
        "Write `YYYY-MM-DDTHH:MM:SSZ` (or with an offset like `-06:00`), or `YYYY-MM-DD`.",
        reference=f"`AltStore/Operations/FetchSourceOperation.swift:101-120` ({_ALTSTORE})"),
    CodeInfo(
        "colour-not-hex", "warning", ("warning",),
        "A colour that is not all hex digits: the client reads the digits before the first "
        "other character.",
        "Write the colour as 6 hex digits, such as `#5A2D82`.",
        reference=f"`AltStoreCore/Extensions/UIColor+Hex.swift:25-42` ({_ALTSTORE})"),
    CodeInfo(
        "colour-0x", "warning", ("warning",),
        "A `0x…` colour has 8 characters, so it is read as ARGB (alpha first): `0x5A2D82` is "
        "alpha 00, fully transparent.",
        "Drop the `0x`: write 6 hex digits, such as `#5A2D82`.",
        reference=f"`AltStoreCore/Extensions/UIColor+Hex.swift:25-42` ({_ALTSTORE})"),
    CodeInfo(
        "colour-argb", "warning", ("warning",),
        "8 hex digits are read as AARRGGBB (alpha first), not CSS `#RRGGBBAA`, and values above "
        "`7FFFFFFF` are clamped.",
        "Write 6 hex digits (RRGGBB). With 8, the first two are the alpha, and only 00 to 7F "
        "survive the clamp.",
        reference=f"`AltStoreCore/Extensions/UIColor+Hex.swift:25-42` ({_ALTSTORE})"),
    CodeInfo(
        "unparseable-os-version", "warning", ("warning",),
        "A `minOSVersion` or `maxOSVersion` that is not a version like `16.4`: an unreadable "
        "minimum sets no minimum, an unreadable maximum supports no device.",
        "Write the version as numbers and dots, such as `15.0`, without `iOS` or `x`.",
        reference=f"`AltStoreCore/Model/AppVersion.swift:159-170` ({_ALTSTORE})"),
    CodeInfo(
        "max-os-excludes-patches", "warning", ("warning",),
        "A `maxOSVersion` such as `17` or `17.4` means exactly 17.0.0 or 17.4.0: devices on a "
        "later patch release are excluded.",
        "Give the highest version meant in full, such as `17.4.99`, or leave the maximum out.",
        reference=f"`AltStoreCore/Model/AppVersion.swift:159-170` ({_ALTSTORE})"),
    CodeInfo(
        "screenshot-half-size", "warning", ("warning",),
        "A screenshot gives only one of `width` and `height`: it is treated as unsized.",
        "Give both `width` and `height`, or neither.",
        reference=f"`AltStoreCore/Model/AppScreenshot.swift:24-28` ({_ALTSTORE})"),
    CodeInfo(
        "versions-not-newest-first", "warning", ("warning",),
        "A version is dated after the one listed above it: the client takes the first listed "
        "version as the latest, whatever the dates.",
        "List versions newest first.",
        reference=f"`AltStoreCore/Model/StoreApp.swift:506-508` ({_ALTSTORE})"),
    CodeInfo(
        "latest-not-highest", "warning", ("warning",),
        "The first version is not the highest version number: the client offers the first one "
        "as the latest.",
        "Put the newest version first in `versions`.",
        reference=f"`AltStoreCore/Model/StoreApp.swift:506-508` ({_ALTSTORE})"),
    CodeInfo(
        "placeholder-size", "warning", ("warning",),
        "A version's `size` is under 100 KB, likely a placeholder: users see it on the app page.",
        "Give the IPA's real size in bytes."),
    CodeInfo(
        "size-over-2gb", "warning", ("warning",),
        "A version's `size` is over 2 GB; AltStore 2.0rc crashes fetching the source when it "
        "is the app's first version (fixed in 2.0.1).",
        "Check the size is in bytes; if the IPA is that large, users of 2.0rc must update.",
        clients="AltStore 2.0rc (crashes)",
        reference=f"`AltStoreCore/Model/StoreApp.swift:431` ({_ALTSTORE})"),
    CodeInfo(
        "patreon-without-url", "warning", ("warning",),
        "An app is gated by `patreon`, but the source has no `patreonURL`: no pledge ever "
        "unlocks it.",
        "Add the source's `patreonURL` (the campaign's page), or remove the app's `patreon`.",
        reference=f"`AltStore/Operations/FetchSourceOperation.swift:249-304` ({_ALTSTORE})"),
    CodeInfo(
        "unknown-featured-app", "warning", ("warning",),
        "`featuredApps` names a bundle identifier that is not an app of this source: it is "
        "dropped.",
        "Correct the bundle identifier, or remove it from `featuredApps`.",
        reference=f"`AltStoreCore/Model/Source.swift:271-289` ({_ALTSTORE})"),
    CodeInfo(
        "duplicate-news-id", "warning", ("warning",),
        "Two news items share an `identifier`: the client keeps only one, which one is not "
        "defined.",
        "Give every news item its own `identifier`.",
        reference=f"`AltStoreCore/Model/MergePolicy.swift:179-185` ({_ALTSTORE})"),
    CodeInfo(
        "unknown-news-app", "warning", ("warning",),
        "A news item's `appID` is not an app of this source: the item links to nothing.",
        "Use the bundle identifier of an app in this source, or remove `appID`.",
        reference=f"`AltStoreCore/Model/Source.swift:183-195` ({_ALTSTORE})"),
    # -- altsim's notes ------------------------------------------------------------------------
    CodeInfo(
        "unread-key", "info", ("info",),
        "A key no client reads that is there on purpose: written by a tool (AltSourceParser's "
        "`apiVersion`, `absoluteVersion`), a `$schema`, or required only by older clients "
        "(`identifier`).",
        "Nothing; keep it if a tool or an older client needs it."),
    CodeInfo(
        "date-not-padded", "info", ("info",),
        "A date not zero-padded, such as `2023-2-7`: documented as valid, not verified on a "
        "device.",
        "Write `2023-02-07` to be safe.",
        reference=f"`AltStore/Operations/FetchSourceOperation.swift:101-120` ({_ALTSTORE})"),
    CodeInfo(
        "no-compatible-version", "info", ("info",),
        "No version supports the iOS version checked: the app is still listed, and installing "
        "it fails.",
        "Nothing, if the app really needs a newer (or older) iOS; otherwise check "
        "`minOSVersion` and `maxOSVersion`.",
        reference=f"`AltStore/Operations/DownloadAppOperation.swift:64-121` ({_ALTSTORE})"),
    CodeInfo(
        "future-release", "info", ("info",),
        "The latest version is dated in the future: users without the app see a countdown, "
        "users with it get the update at once.",
        "Nothing, if a scheduled release is meant; otherwise correct the date (and its time "
        "zone).",
        reference=f"`AltStore/Components/AppBannerView.swift:322-329` ({_ALTSTORE})"),
)

CODES: Mapping[str, CodeInfo] = MappingProxyType({info.code: info for info in _ENTRIES})

_STAGE_TITLES: dict[Stage, tuple[str, str]] = {
    "decoding": ("Syntax and decoding",
                 "The client cannot read the source and rejects it: users keep the last copy "
                 "they had, and cannot add the source."),
    "verification": ("Checks the client runs after decoding",
                     "The source decoded, but the client's own checks reject it. altsim runs "
                     "them on every app it could read, so one run lists every error."),
    "warning": ("Warnings altsim adds",
                "The client accepts the source, but something is wrong or surprising. "
                "`altsim check --strict` fails on them."),
    "info": ("Information", "Worth knowing; nothing needs to change."),
}


def unknown_codes(names: Iterable[str]) -> list[str]:
    """The names that are not diagnostic codes, in the order given (for `--ignore CODE`)."""
    return [name for name in names if name not in CODES]


def markdown() -> str:
    """docs/codes.md."""
    lines = ["# Diagnostic codes", "",
             "Every code `altsim check` can report, with its severity, what it means and how "
             "to fix it. Errors carry the client's own error name; altsim's own codes are "
             "kebab-case. The client rules behind them, each tied to the client code it was "
             "read from, are in [behaviour.md](behaviour.md).", "",
             "Generated from `altsim/core/codes.py` by `python -m altsim.core.codes`: edit "
             "that file, not this one.", ""]
    for stage, (title, about) in _STAGE_TITLES.items():
        lines += [f"## {title}", "", about, ""]
        for info in (i for i in _ENTRIES if i.stage == stage):
            lines += [f"### `{info.code}`", "",
                      f"**{' or '.join(info.severities)}**. {info.meaning}", "",
                      f"How to fix: {info.fix}", ""]
            if info.clients:
                lines += [f"Clients: {info.clients}.", ""]
            if info.reference:
                lines += [f"Client code: {info.reference}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(), end="")
