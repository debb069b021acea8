"""Check a source's bytes for one client: the client's verdict plus every problem, located."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from altsim.core import fast_decode
from altsim.core.collector import collector_paused
from altsim.core.decoder import Decoder, StopDecoding
from altsim.core.diagnostics import FORMAT_TEXT, Diagnostic, Rejection, Severity
from altsim.core.jsontext import Document, SyntaxFailure, parse_document
from altsim.core.locate import line_columns, locate
from altsim.core.model import App, Source
from altsim.core.profiles import NEVER, PROFILES, ClientProfile, per_profile
from altsim.core.qa import review_source
from altsim.core.values import OSVersion
from altsim.core.verify import verify_source


@dataclass(slots=True)
class CheckResult:
    profile: ClientProfile
    ios: OSVersion
    rejection: Rejection | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: Source | None = None

    @property
    def accepted(self) -> bool:
        return self.rejection is None

    def count(self, severity: Severity) -> int:
        return sum(d.severity is severity for d in self.diagnostics)


def check_source(
    raw: bytes,
    profile: ClientProfile,
    ios: OSVersion,
    *,
    date_prefix_parse: bool = True,
    now: datetime | None = None,
    source_url: str | None = None,
    http_status: int | None = None,
) -> CheckResult:
    """`source_url`: where the bytes came from (LiveContainer resolves relative URLs against
    it); `http_status`: the server's status, for a client that stops at a non-2xx one."""
    now = now or datetime.now(UTC)
    refused = http_status_rejection(profile, ios, http_status)
    if refused is not None:
        return refused
    with collector_paused():
        return _check(raw, profile, ios, date_prefix_parse, now, source_url)


def _check(raw: bytes, profile: ClientProfile, ios: OSVersion, date_prefix_parse: bool,
           now: datetime, source_url: str | None) -> CheckResult:
    options: dict[str, Any] = {"date_prefix_parse": date_prefix_parse, "source_url": source_url}
    others = [p for p in PROFILES.values() if p is not profile and p.market == profile.market]
    structs = fast_decode.parse(raw, profile)
    fast, rejected = None, None  # rejected: each other client's first error, once known
    if structs is not None:
        parsed = _Parsed(raw, structs)
        # The other clients first: the main decode frees each app's Structs once it is built
        # (10 MB less at the peak of a 21 MB source).
        rejected = [_other_client_errors(parsed, profile, other, ios, date_prefix_parse)
                    for other in others]
        parsed.structs = None
        fast = fast_decode.decode(structs, profile, ios, consume=True, **options)
        del structs
    if fast is not None and fast[0].errors == 0:  # a clean source: the fast path decided it
        decoder, source = fast
    else:  # every problem, decided and told from dicts
        if fast is not None:
            fast[0].close()
        exact = _parse(raw, profile, ios)
        if not isinstance(exact, Document):
            return exact
        parsed = _Parsed(raw, None, exact)
        if rejected is None:
            rejected = [_other_client_errors(parsed, profile, other, ios, date_prefix_parse)
                        for other in others]
        decoder = Decoder(profile, ios, **options)
        source = decoder.decode_source(exact.value)
    try:
        # The client verifies only a source that decoded; every app that could be read is
        # verified here too, so that fixing the first error never uncovers a second round.
        verify_source(_readable(parsed, source, decoder.readable_apps), profile,
                      lambda code, ptr, message, text: decoder.reject(code, ptr, message, text))
    finally:
        decoder.close()
    if source is not None:
        review_source(source, profile, ios, now,
                      lambda code, ptr, message, severity: decoder.warn(code, ptr, message,
                                                                        severity))
    diagnostics = decoder.diagnostics
    if parsed.exact is not None and parsed.exact.json5_only is not None:
        strict = parsed.exact.json5_only
        old_devices, new_devices = _device_ranges(profile)
        diagnostics.append(Diagnostic(
            Severity.WARNING, "json5-syntax",
            f"not valid JSON: {strict.message} — breaks {old_devices}; {new_devices} read it "
            "as JSON5", "", strict.line, strict.column))
    assert rejected is not None  # known once the source is parsed either way
    for other, found in zip(others, rejected, strict=True):
        diagnostics += _other_client_rejection(found, source, profile, other)
    if any(d.line is None for d in diagnostics):
        _locate(parsed.text(), diagnostics)
    diagnostics.sort(key=lambda d: (d.line or 0, d.column or 0))
    return CheckResult(profile, ios, decoder.rejection, diagnostics, source)


class _Parsed:
    """The source as parsed: Structs when the fast path read it, or the exact parser's document;
    the other, and the text, made only when asked for."""

    def __init__(self, raw: bytes, structs: fast_decode.StructDocument | None,
                 exact: Document | None = None) -> None:
        self.raw, self.structs, self.exact = raw, structs, exact

    def document(self) -> Document:
        if self.exact is None or self.exact.value is _NOT_READ:
            self.exact = Document(self.text().text, json.loads(self.text().text))
        return self.exact

    def text(self) -> Document:
        """The text alone (its `value` not read), which is all locating needs."""
        if self.exact is None:  # the fast path read strict JSON, UTF-8 without a BOM
            self.exact = Document(self.raw.decode("utf-8"), _NOT_READ)
        return self.exact


_NOT_READ: Any = object()


def _readable(parsed: _Parsed, source: Source | None, apps: list[App]) -> Source:
    """The source with every app as far as it could be read."""
    if source is None:
        document = parsed.document().value
        name = document.get("name") if type(document) is dict else None
        source = Source(name if type(name) is str else "")
    return replace(source, apps=apps)


def client_verdict(raw: bytes, profile: ClientProfile, ios: OSVersion, *,
                   date_prefix_parse: bool = True, beta_track: str | None = None,
                   source_url: str | None = None, http_status: int | None = None
                   ) -> CheckResult:
    """Only what the client does: decode and verify, stopping at the first error (no QA)."""
    refused = http_status_rejection(profile, ios, http_status)
    if refused is not None:
        return refused
    options: dict[str, Any] = {"date_prefix_parse": date_prefix_parse, "collect": False,
                               "warnings": False, "beta_track": beta_track,
                               "source_url": source_url}
    with collector_paused():
        structs = fast_decode.parse(raw, profile)
        fast = None if structs is None else fast_decode.decode(structs, profile, ios,
                                                                consume=True, **options)
        del structs  # each app's Structs went once its model was built
        if fast is not None and fast[0].errors == 0:
            decoder, source = fast
        else:  # an error, decided from dicts (the fast path stops short of any)
            if fast is not None:
                fast[0].close()
            parsed = _parse(raw, profile, ios)
            if not isinstance(parsed, Document):
                return parsed
            value = parsed.value
            del parsed  # its text goes before the model is built: 44 MB less at the peak
            decoder = Decoder(profile, ios, **options)
            source = decoder.decode_source(value)
            del value
        try:
            if source is not None:
                try:
                    verify_source(source, profile, lambda code, ptr, message, text:
                                  decoder.reject(code, ptr, message, text))
                except StopDecoding:
                    source = None
        finally:
            decoder.close()
    return CheckResult(profile, ios, decoder.rejection, decoder.diagnostics, source)


def readable_source(raw: bytes, profile: ClientProfile, ios: OSVersion, *,
                    date_prefix_parse: bool = True, beta_track: str | None = None,
                    source_url: str | None = None) -> Source | None:
    """A source the client rejects, as far as it can be read: every app, version and news item
    that decodes, errors passed over (the client itself keeps nothing of it). None when the
    text is not JSON (or JSON5 where the client reads it)."""
    parsed = _parse(raw, profile, ios)
    if not isinstance(parsed, Document):
        return None
    decoder = Decoder(profile, ios, date_prefix_parse=date_prefix_parse, warnings=False,
                      beta_track=beta_track, source_url=source_url)
    try:
        return _readable(parsed.value, decoder.decode_source(parsed.value),
                         decoder.readable_apps)
    finally:
        decoder.close()


def decoding_ios(profile: ClientProfile, ios: OSVersion, beta_track: str | None = None
                 ) -> OSVersion:
    """The lowest iOS version whose client decodes every source exactly as on `ios`: decoding
    depends on the version only through JSON5 and lenient URLs (behaviour.md 1.1, 1.2), so one
    decode serves every version between those thresholds. SideStore's choice of a beta track looks
    at which releases `ios` supports (latest.sidestore_track): with one chosen, only `ios` will do.
    """
    if beta_track is not None and any(f.kind == "release_channels" for f in profile.app):
        return ios
    thresholds = ((profile.json5_from_ios, 0, 0), (profile.lenient_urls_from_ios, 0, 0))
    return max((t for t in thresholds if ios >= t), default=(0, 0, 0))


def http_status_rejection(profile: ClientProfile, ios: OSVersion, status: int | None
                          ) -> CheckResult | None:
    """The verdict of a client that stops at a non-2xx status ("HTTP 404", LiveContainer:
    `LiveContainerSwiftUI/Views/LCAltStoreSourcesView.swift:320-323` (LiveContainer/
    LiveContainer @ 1a87ea9)); None where the client reads the body (behaviour.md 1.1)."""
    if status is None or 200 <= status < 300 or not profile.http_status_is_error:
        return None
    text = f"HTTP {status}"
    return CheckResult(profile, ios, Rejection("httpStatus", profile.error_prefix + text, ""),
                       [Diagnostic(Severity.ERROR, "httpStatus",
                                   f"{text}: {profile.title} stops at the status and reads "
                                   "nothing of the body", "")])


def _parse(raw: bytes, profile: ClientProfile, ios: OSVersion) -> Document | CheckResult:
    """The document, or the client's jsonSyntax verdict. The client parses strict JSON before
    iOS 15 and JSON5 from it (AltStore/Operations/FetchSourceOperation.swift:125-128 at
    5a0f2de7); a text that fails either is reported for both device ranges."""
    allow_json5 = ios >= (profile.json5_from_ios, 0, 0)
    parsed = parse_document(raw, allow_json5)
    if isinstance(parsed, Document):
        return parsed
    return CheckResult(profile, ios, Rejection("jsonSyntax", profile.error_prefix + FORMAT_TEXT,
                                               "", "The given data was not valid JSON."),
                       _syntax_diagnostics(parsed, profile, allow_json5))


def _device_ranges(profile: ClientProfile) -> tuple[str, str]:
    """The devices that parse strict JSON and those that parse JSON5, in words."""
    return (f"iOS {profile.json5_from_ios - 1} and earlier",
            f"iOS {profile.json5_from_ios} and later")


def _syntax_diagnostics(failure: SyntaxFailure, profile: ClientProfile, allow_json5: bool
                        ) -> list[Diagnostic]:
    """Each parser's first error with the devices it breaks, this device's (the verdict) first.
    An error is the client's jsonSyntax on the devices it names, so each is an error."""
    strict, json5 = failure.strict, failure.json5
    if profile.json5_from_ios >= NEVER:  # the client reads strict JSON on every device
        return [Diagnostic(Severity.ERROR, "jsonSyntax",
                           strict.message if failure.everywhere else
                           f"not valid JSON: {strict.message} — {profile.title} never reads "
                           "JSON5", "", strict.line, strict.column)]
    if failure.everywhere:  # an HTML page, an empty file, bytes that are not text
        return [Diagnostic(Severity.ERROR, "jsonSyntax", strict.message, "", strict.line,
                           strict.column)]
    old_devices, new_devices = _device_ranges(profile)
    on_old = Diagnostic(Severity.ERROR, "jsonSyntax",
                        f"not valid JSON: {strict.message} — breaks {old_devices}", "",
                        strict.line, strict.column)
    if json5 is None:  # only strict parsing fails, and this device parses strictly
        on_old.message += f"; {new_devices} would read it as JSON5"
        return [on_old]
    on_new = Diagnostic(Severity.ERROR, "jsonSyntax",
                        f"not valid JSON5: {json5.message} — breaks {new_devices}", "",
                        json5.line, json5.column)
    return [on_new, on_old] if allow_json5 else [on_old, on_new]


# Which models each container field leads to, for walking down to the fields that differ.
_CHILDREN: dict[str, dict[str, tuple[str, ...]]] = {
    "root": {"apps": ("app",), "news": ("news",)},
    "app": {"versions": ("version", "legacy_version"),
            "releaseChannels": ("version", "legacy_version"), "screenshots": ("screenshot",),
            "patreon": ("patreon",)},
}


@per_profile  # each check asks for every other client of its market
def _delta_profile(base: ClientProfile, other: ClientProfile) -> ClientProfile | None:
    """`other` reduced to the fields it decodes differently from `base`, and the way to them."""
    tables: dict[str, Any] = {}

    def reduce(model: str) -> bool:
        ours = set(base.fields_for(model))
        keep = []
        for f in other.fields_for(model):
            children = _CHILDREN.get(model, {}).get(f.key, ())
            descend = [reduce(child) for child in children]  # reduce every child
            if f not in ours or any(descend):
                keep.append(f)
        tables[model] = tuple(keep)
        return bool(keep)

    differs = reduce("root")
    if not differs:
        return None
    return replace(other, **tables)


def _other_client_errors(parsed: _Parsed, profile: ClientProfile, other: ClientProfile,
                         ios: OSVersion, date_prefix_parse: bool) -> list[Diagnostic]:
    """The first error of `other` in the fields where it decodes differently from `profile`."""
    delta = _delta_profile(profile, other)
    if delta is None:
        return []
    # A reduced table cannot build models, and need not.
    options: dict[str, Any] = {"date_prefix_parse": date_prefix_parse, "collect": False,
                               "warnings": False, "build_models": False}
    fast = (None if parsed.structs is None else
            fast_decode.decode(parsed.structs, delta, ios, **options))
    if fast is not None:
        decoder = fast[0]
    else:
        decoder = Decoder(delta, ios, **options)
        decoder.decode_source(parsed.document().value)
    decoder.close()
    return decoder.diagnostics


def _other_client_rejection(found: list[Diagnostic], source: Source | None,
                            profile: ClientProfile, other: ClientProfile) -> list[Diagnostic]:
    """What `other` rejects that `profile` does not: its first error in the fields where the
    two differ (`_other_client_errors`), else its marketplace check of the decoded source."""
    found = list(found)
    if not found and source is not None and other.marketplace_rule != profile.marketplace_rule:
        def report(code: str, ptr: str, message: str, text: str) -> None:
            if not found:
                found.append(Diagnostic(Severity.ERROR, code, message, ptr))
        verify_source(source, other, report, checks=("marketplace",))
    return [
        Diagnostic(Severity.WARNING, "other-client-rejects", f"{other.title} rejects this "
                   f"source ({d.code}): {d.message}", d.pointer)
        for d in found[:1]
    ]


def _locate(parsed: Document, diagnostics: list[Diagnostic]) -> None:
    wanted = {d.pointer for d in diagnostics if d.line is None}
    if not wanted:
        return
    offsets = locate(parsed.text, wanted, strict=parsed.json5_only is None)
    positions = line_columns(parsed.text, offsets.values())
    for diagnostic in diagnostics:
        if diagnostic.line is None and diagnostic.pointer in offsets:
            diagnostic.line, diagnostic.column = positions[offsets[diagnostic.pointer]]

