"""Decode a parsed document into the model exactly as the client's Codable code does.

The client stops at its first error; in `collect` mode the decoder goes on, so a maintainer
sees every error at once, and the first one recorded is the one the client reports (decode
order = the order of the profile's field tables, behaviour.md 1.2). Warnings about values the
client accepts but a maintainer should know about are raised here, where the value is in hand.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from types import CodeType
from typing import Any, TypeVar

from altsim.core.diagnostics import (
    FORMAT_TEXT,
    MISSING_TEXT,
    Diagnostic,
    Rejection,
    Severity,
    coding_path,
    pointer_join,
)
from altsim.core.json_types import json_type_name
from altsim.core.keys import KNOWN_CATEGORIES, extra_key_notes, known_keys
from altsim.core.latest import STABLE_TRACK, sidestore_track
from altsim.core.model import (
    App,
    NewsItem,
    Patreon,
    Permissions,
    PrivacyPermission,
    Screenshot,
    Source,
    Version,
)
from altsim.core.profiles import CHECKED_ONLY, MODELS, ClientProfile
from altsim.core.safe_text import control_character_note
from altsim.core.values import (
    INT_RANGES,
    UNDATED,
    HexColour,
    OSVersion,
    fits_integer,
    has_scheme,
    is_clean_os_version,
    is_valid_url,
    os_version_string,
    parse_date_parsed,
    parse_feather_colour,
    parse_hex_colour,
    parse_livecontainer_colour,
    parse_livecontainer_date,
    parse_os_version,
    parse_plain_colour,
    parse_plain_date,
    parse_source_date,
    resolve_url,
)

T = TypeVar("T")
INVALID: Any = object()  # a value the client failed to decode
UNSET_KEY: Any = object()  # a Struct's value for a key absent from its object (fast_decode)
_EMPTY: dict[str, Any] = {}  # the enclosing object, for a kind that reads no other key
CUSTOM_PLEDGE = "custom"
# Keys whose kind runs even when the key is absent: they fall back to other keys.
_ALWAYS = frozenset({"versions", "release_channels", "app_download_url", "screenshots",
                     "versions_or_legacy", "valid_versions", "apps_nonempty", "source_name"})
_TRACK_KEYS = frozenset({"track", "releases"})
_PLATFORMS = (0, 1, 2)  # S:StoreApp.swift:55-59, `enum Platform: UInt`: ios, tvos, macos
_LEGACY_SCREENSHOT_SIZE = (750, 1334)  # behaviour.md 2.3, StoreApp.swift:253-262
_HUMAN = {"String": "a string", "Bool": "true or false", "Int16": "an integer",
          "Int32": "an integer", "Int64": "an integer", "Int": "an integer", "Decimal": "a number",
          "Dictionary<String, Any>": "an object", "Array<Any>": "an array"}


class StopDecoding(Exception):
    """Raised at the first error when decoding the way the client does (not collecting)."""


class OnFirstUse(dict[str, T]):
    """Values made from their key the first time each is asked for."""

    def __init__(self, make: Callable[[str], T]) -> None:
        super().__init__()
        self.make: Callable[[str], T] | None = make

    def __missing__(self, key: str) -> T:
        if self.make is None:
            raise KeyError(key)  # closed
        value = self[key] = self.make(key)
        return value

    def clear(self) -> None:
        super().clear()
        self.make = None


class StructView:
    """A Struct read as the dict a kind expects (`get`, `[]`, `in`), for a kind that looks at
    other keys of its object (core/fast_decode.py)."""

    __slots__ = ("obj", "attrs")

    def __init__(self, obj: Any, attrs: dict[str, str]) -> None:
        self.obj, self.attrs = obj, attrs

    def get(self, key: str, default: Any = None) -> Any:
        attr = self.attrs.get(key)
        value = UNSET_KEY if attr is None else getattr(self.obj, attr)
        return default if value is UNSET_KEY else value

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, UNSET_KEY)
        if value is UNSET_KEY:
            raise KeyError(key)
        return value

    def __contains__(self, key: str) -> bool:
        return self.get(key, UNSET_KEY) is not UNSET_KEY


class NotFast(Exception):
    """Raised by a Struct-mode function at a value it cannot decide alone (core/fast_decode.py):
    the document is then decoded from dicts, which decide everything."""


class Decoder:
    """Decodes a parsed document for one client profile and iOS version. Three parts:

    - **The field tables** (`ClientProfile` in `core/profiles.py`): per model (root, app,
      version, legacy_version, news, screenshot, patreon) the keys the client reads, in the
      order its `init(from:)` reads them, each a `Field(key, kind, required, attr)`. Clients
      differ only there.
    - **The kinds**: a field's `kind` names the method `_k_<kind>(value, ptr, key, obj)`, which
      decides one present value exactly as the client does and returns it decoded, or
      `INVALID` after `reject` (`obj` is the enclosing object, for kinds that read sibling
      keys). Kinds in `_ALWAYS` run even when their key is absent (`versions` falls back to
      the single-version keys). Nested models are kinds too: `_k_apps` decodes each item with
      `decoders["app"]`.
    - **The generated code** (`_compile`): at construction each model's table becomes one
      straight-line function, `decoders[model]`, as `dataclasses` writes `__init__`. Per field,
      in table order: the kind's common case tested inline and kept without a call
      (`_FAST_PATHS`: a printable string, an https URL, an integer that fits), else null or
      absent (the required key's error, or the model's default), else the kind's method.
      Models in `_BUILDS` construct their dataclass at the end; after an error inside one,
      `_finish` keeps what could be read.

    With `structs` (core/fast_decode.py) the root, app, version, news and screenshot functions
    read msgspec Structs rather than dicts, with the same tests and kinds; a value only a dict
    can decide raises NotFast.

    With `fast_paths=False` the functions are generated without the inline tests: every
    present value goes through its kind, the table interpreted field by field. Both must
    agree (tests/test_decoder_paths.py). `python -m altsim.core.decoder --show PROFILE`
    prints the generated code.
    """

    def __init__(
        self,
        profile: ClientProfile,
        ios: OSVersion,
        *,
        date_prefix_parse: bool = True,
        collect: bool = True,
        warnings: bool = True,
        build_models: bool = True,
        beta_track: str | None = None,
        fast_paths: bool = True,
        source_url: str | None = None,
        structs: dict[str, dict[str, str]] | None = None,
        consume_structs: bool = False,
    ) -> None:
        self.profile = profile
        # The URL the source was read from: LiveContainer resolves relative URLs against it
        # (behaviour.md 17.2); None for a file read without one.
        self.source_url = source_url
        self.error_prefix = profile.error_prefix
        self.date_formats = profile.date_formats
        self.privacy_dict = profile.privacy_dict
        self.ios = ios
        self.fast_paths = fast_paths
        self.generated: dict[str, str] = {}  # per model, the code of its decoder (`code`)
        self.beta_track = beta_track  # SideStore: the beta track the user opted into, if any
        self.track_read: str | None = None  # SideStore: the track the app being decoded uses
        # Every app as far as it could be read, failed ones included (see _read_app)
        self.readable_apps: list[App] = []
        self.partial_app: App | None = None
        self.lenient_urls = ios >= (profile.lenient_urls_from_ios, 0, 0)
        self.date_prefix_parse = date_prefix_parse
        self.collect = collect
        self.warnings = warnings
        self.diagnostics: list[Diagnostic] = []
        self.rejection: Rejection | None = None
        self.kinds: dict[str, Callable[[Any, str, str, dict[str, Any]], Any]] = {
            name[3:]: getattr(self, name) for name in dir(self) if name.startswith("_k_")
        }
        # Per model: (key, attribute, required, decode, always, Swift type) — plain tuples, as
        # this loop runs for every field of every version of every app.
        self.tables = {
            model: tuple(
                (f.key, f.name, f.required, self.kinds[f.kind], f.kind in _ALWAYS,
                 _SWIFT_TYPES.get(f.kind, "String"))
                for f in profile.fields_for(model)
            )
            for model in MODELS
        }
        self.errors = 0
        self.build_models = build_models  # False when only the verdict matters (other clients)
        self.known = OnFirstUse(functools.partial(known_keys, profile))
        self.notes = OnFirstUse(functools.partial(extra_key_notes, profile))
        # A key the client ignores is told once, with how often it occurs: a note per version
        # of every app would bury the rest (and cost more than the decode). (model, key) ->
        # [pointer of the first, count, code, message]
        self.key_notes: dict[tuple[str, str], list[Any]] = {}
        # Per key, the OS versions seen that need no warning (and no fresh look).
        self.quiet_os_versions: dict[str, set[str]] = {}
        # Per model decoded from msgspec Structs (core/fast_decode.py): JSON key -> attribute
        self.structs = structs or {}
        self.consume_structs = consume_structs  # each app's Structs let go once it is built
        self.reads_marketplace_id = any(f.key == "marketplaceID" and f.kind == "string"
                                        for f in profile.app)
        # Struct-mode functions that read nothing and return None (another client's reduced
        # table where it decodes a model alike): a list of them is not walked (_list)
        self.reads_nothing: set[Callable[..., Any]] = set()
        # Each model's function is generated when first asked for: a source, and another
        # client's reduced table above all, reaches few of them (compiling is most of a start)
        self.decoders: OnFirstUse[Callable[..., Any]] = OnFirstUse(self._compile)
        self.screenshot_for: OnFirstUse[Callable[..., Any]] = OnFirstUse(  # items per device
            lambda device: functools.partial(self.decoders["screenshot"], device=device))

    def code(self, model: str) -> str:
        """The code generated for the model, for reading."""
        self.decoders[model]  # noqa: B018 (generated when first asked for)
        return self.generated[model]

    def close(self) -> None:
        """Break the decoder's own cycles (its tables and generated code hold bound methods),
        so that it, and every app it read, is freed as soon as the caller lets go: a decode is
        frozen out of the cycle collector's sight (state/decode_cache.py), so anything in a
        cycle would live for good (a 10,000-app source, 150 MB, at each new decode)."""
        for table in (self.kinds, self.tables, self.decoders, self.screenshot_for,
                      self.reads_nothing):
            table.clear()  # an OnFirstUse lets go of what it makes them with, too
        self.readable_apps = []
        self.partial_app = None

    # -- reporting -----------------------------------------------------------------------------

    def reject(
        self, code: str, pointer: str, message: str, client_text: str,
        *, detail: str = "", path: str | None = None,
    ) -> None:
        """Record an error the client rejects the source for; the first one is the verdict."""
        self.diagnostics.append(Diagnostic(Severity.ERROR, code, message, pointer))
        self.errors += 1
        if self.rejection is None:
            self.rejection = Rejection(
                code, self.error_prefix + client_text,
                coding_path(pointer) if path is None else path, detail
            )
        if not self.collect:
            raise StopDecoding

    def warn(self, code: str, pointer: str, message: str, severity: Severity = Severity.WARNING
             ) -> None:
        if self.warnings:
            self.diagnostics.append(Diagnostic(severity, code, message, pointer))

    def _missing(self, obj: dict[str, Any], ptr: str, key: str, type_name: str) -> None:
        if key in obj:  # present but null (behaviour.md 1.2)
            self.reject("valueNotFound", pointer_join(ptr, key),
                        f"'{key}' is required and may not be null", MISSING_TEXT,
                        detail=f"Expected {type_name} value but found null instead.")
        else:
            self.reject("keyNotFound", ptr, f"required key '{key}' is missing", MISSING_TEXT,
                        detail=f'No value associated with key CodingKeys(stringValue: "{key}", '
                               f'intValue: nil) ("{key}").',
                        path=coding_path(pointer_join(ptr, key)))

    def _mismatch(self, ptr: str, type_name: str, value: Any) -> Any:
        found = json_type_name(value, "foundation")
        self.reject("typeMismatch", ptr,
                    f"expected {_HUMAN.get(type_name, type_name)}, found {found}", FORMAT_TEXT,
                    detail=f"Expected to decode {type_name} but found {found} instead.")
        return INVALID

    def _corrupt(self, ptr: str, message: str, detail: str) -> Any:
        self.reject("dataCorrupted", ptr, message, FORMAT_TEXT, detail=detail)
        return INVALID

    # -- objects -------------------------------------------------------------------------------

    def _fields(self, obj: Any, ptr: str, model: str, check_keys: bool = True
                ) -> dict[str, Any] | None:
        """Decode obj's keys per the profile's table for the model; None if obj is no object."""
        if type(obj) is not dict and type(obj) is not StructView:
            self._not_dictionary(obj, ptr)
            return None
        out: dict[str, Any] = self.decoders[model](obj, ptr)
        # (a StructView is read for other keys of its object only: check_keys is False)
        if check_keys and self.warnings and type(obj) is dict \
                and not self.known[model].issuperset(obj):
            self._extra_keys(obj.keys() - self.known[model], ptr, model)
        return out

    def _compile(self, model: str) -> Callable[..., Any]:
        """The model's table as one straight-line function (as dataclasses does with exec).

        It runs for every field of every version of every app, so the common case of each
        kind (a plain string, an https URL, an integer that fits) is checked inline; anything
        else goes to the kind's method, which decides exactly as the client does. A model in
        _BUILDS gets a function `(obj, ptr, index, device)` returning its object (INVALID when
        a required value failed); the others return their fields as a dict, for the code that
        assembles them. A model in `self.structs` reads a msgspec Struct instead of a dict
        (`_struct_call`): any value whose decision needs what only a dict holds raises
        NotFast, and the caller decodes the document from the start with dicts.
        """
        cls, extra, guard = _BUILDS.get(model, (None, "", ""))
        if cls and self.build_models and not self.tables[model]:
            # a model this client never reads (Feather's patreon): nothing to build
            self.generated[model] = ("def decode(obj, ptr, index=0, device=None):\n"
                                     f"    return INVALID  # {self.profile.name} reads no {model}")
            scope: dict[str, Any] = {"INVALID": INVALID}
            exec(_compiled(self.generated[model]), scope)  # noqa: S102
            empty: Callable[..., Any] = scope["decode"]
            return empty
        attrs = self.structs.get(model)
        defaults = {f.name: f for f in dataclasses.fields(cls)} if cls else {}
        env: dict[str, Any] = {"INVALID": INVALID, "missing": self._missing, "dec": self,
                               "valid_url": is_valid_url,
                               "plain_date": parse_plain_date,
                               "plain_colour": parse_plain_colour,
                               "KNOWN_CATEGORIES": KNOWN_CATEGORIES,
                               "not_object": self._not_object, "known": self.known[model],
                               "extra_keys": self._extra_keys, "finish": self._finish, "cls": cls,
                               "half_size": self._half_size, "NOT_FAST": NotFast,
                               "UNSET": UNSET_KEY, "EMPTY": _EMPTY, "decoders": self.decoders,
                               "consumed": _consumed}
        if attrs is not None:
            env["view"] = functools.partial(StructView, attrs=attrs)
        lines = ["def decode(obj, ptr, index=0, device=None):"]
        if cls and attrs is None:
            lines += ["    if type(obj) is not dict:",
                      f"        return not_object(obj, ptr, {model!r}, device)"]
        elif model == "screenshot" and attrs is not None:  # a URL in place of the object
            lines += ["    if type(obj) is str:",
                      f"        return not_object(obj, ptr, {model!r}, device)"]
        if cls:
            lines.append("    errors = dec.errors")
        if attrs is None:
            lines.append("    get = obj.get")
        for i, (key, name, required, decode, always, swift_type) in enumerate(self.tables[model]):
            env[f"kind{i}"] = decode
            call = f"kind{i}(v, ptr, {key!r}, obj)"
            kind = self.profile.fields_for(model)[i].kind
            note = f"{'required ' if required else ''}{kind}: kind{i} is dec._k_{kind}"
            absent, whole = "v is None", "obj"
            if attrs is None:
                lines.append(f"    v = get({key!r})  # {note}")
            else:  # UNSET: the key is absent (required keys tell absent from null)
                absent, whole = "v is None or v is UNSET", "view(obj)"
                lines.append(f"    v = obj.{attrs[key]}  # {key!r}, {note}")
                call = self._struct_call(i, key, kind, attrs, lines)
            if always:
                if attrs is not None:
                    lines += ["    if v is UNSET:", "        v = None"]
                lines.append(f"    f{i} = {call}")
                continue
            if kind == "os_version":
                env[f"quiet_{key}"] = self.quiet_os_versions.setdefault(key, set())
            fast = _FAST_PATHS.get(kind) if self.fast_paths else None
            if fast is not None:
                test, value = fast
                valid_url = "True" if self.lenient_urls else "valid_url(v, False)"
                lines.append(f"    if {test.format(valid_url=valid_url, key=key)}:")
                lines.append(f"        f{i} = {value}")
                lines.append(f"    elif {absent}:")
            else:
                lines.append(f"    if {absent}:")
            if required:
                lines.append(f"        missing({whole}, ptr, {key!r}, {swift_type!r})")
                lines.append(f"        f{i} = INVALID")
            else:  # absent: the field's `absent`, else the model's default
                default = defaults.get(name)
                absent = self.profile.fields_for(model)[i].absent
                if absent is not None:
                    env[f"default{i}"] = absent
                    lines.append(f"        f{i} = default{i}")
                elif default is not None and default.default_factory is not dataclasses.MISSING:
                    env[f"default{i}"] = default.default_factory
                    lines.append(f"        f{i} = default{i}()")
                else:
                    if default is not None and default.default is dataclasses.MISSING:
                        raise ValueError(f"{self.profile.name}: {model} needs an `absent` value "
                                         f"for the optional key {key!r}")
                    env[f"default{i}"] = None if default is None else default.default
                    lines.append(f"        f{i} = default{i}")
            lines.append(f"    else:\n        f{i} = {call}")
        stored = [(name, f"f{i}") for i, (_, name, *_) in enumerate(self.tables[model])
                  if not cls or name != CHECKED_ONLY]
        fields = "{" + ", ".join(f"{name!r}: {var}" for name, var in stored) + "}"
        if not cls:
            lines.append(f"    return {fields}")
        else:
            if self.warnings and attrs is None:
                lines += ["    if not known.issuperset(obj):",
                          f"        extra_keys(obj.keys() - known, ptr, {model!r})"]
            elif self.warnings and attrs is not None:
                lines += self._struct_extra_keys(model, attrs)
            if not self.build_models:
                lines.append("    return None")
            else:
                names = {name: var for name, var in stored}
                lines.append("    if dec.errors != errors:")
                lines.append("        raise NOT_FAST" if attrs is not None else
                             f"        return finish(cls, {fields}, dict({extra}))")
                lines += [f"    {line.format(**names)}" for line in guard.splitlines()]
                lines.append(f"    return cls({_arguments(cls, dict(stored), extra)})")
        self.generated[model] = "\n".join(lines)
        exec(_compiled(self.generated[model]), env)  # noqa: S102 (built from the profile's tables)
        decoder: Callable[..., Any] = env["decode"]
        if attrs is not None and not self.tables[model] and not self.build_models \
                and not self.warnings:  # a Struct is an object: nothing here can go wrong
            self.reads_nothing.add(decoder)
        return decoder

    def _struct_call(self, i: int, key: str, kind: str, attrs: dict[str, str],
                     lines: list[str]) -> str:
        """Struct mode: the expression decoding a present value (after any lines it needs).
        A list of Structs goes item by item to its model's function; a kind that reads other
        keys gets the Struct as a dict (`StructView`) where nothing it reads is a Struct, and
        raises NotFast where something would be."""
        child = STRUCT_LISTS.get(kind)
        if child is not None:
            if not key.isalpha():
                raise ValueError(f"{key!r}: a pointer needs escaping here")
            each = "consumed(v)" if kind == "apps" and self.consume_structs else "enumerate(v)"
            items = f"[decoders[{child!r}](x, f'{{ptr}}/{key}/{{n}}', n) for n, x in {each}]"
            if kind != "versions":
                return items
            # No versions: the single-version keys, read from the app as a dict; none, or a
            # marketplace ID (a build on every version): _set_versions's checks, on dicts.
            lines += ["    if v is UNSET or not v:", "        raise NOT_FAST"]
            lines += self._no_marketplace_id(attrs)
            return items
        if kind == "screenshots":  # _k_screenshots, with the lists per device as a Struct
            item = "decoders['screenshot'](x, f'{ptr}/screenshots/%s{n}', n, '%s') for n, x in "
            lines += [f"    other = obj.{attrs['screenshotURLs']}",
                      "    if other is UNSET:", "        other = None",
                      "    if v is None or v is UNSET:",  # screenshotURLs, if any, by the kind
                      f"        shots = [] if other is None else kind{i}(None, ptr, {key!r}, "
                      "{'screenshotURLs': other})",
                      "    else:",
                      "        if other is not None:",
                      "            dec.screenshot_urls_ignored(ptr)",
                      "        if type(v) is list:",
                      f"            shots = [{item % ('', 'iphone')}enumerate(v)]",
                      "        else:",
                      f"            shots = [*[{item % ('iphone/', 'iphone')}enumerate("
                      "v.iphone or ())], "
                      f"*[{item % ('ipad/', 'ipad')}enumerate(v.ipad or ())]]"]
            return "shots"
        if kind == "release_channels":  # only `versions`, read as the kind reads it
            versions = attrs["versions"]
            lines += ["    if v is not None and v is not UNSET:",
                      "        raise NOT_FAST",  # releases of dicts: not Structs
                      f"    if obj.{versions} is None or obj.{versions} is UNSET:",
                      "        raise NOT_FAST"]  # the single-version keys
            lines += self._no_marketplace_id(attrs)
            return f"kind{i}(v, ptr, {key!r}, view(obj))"
        if kind in _READS_OTHER_SCALARS:
            return f"kind{i}(v, ptr, {key!r}, view(obj))"
        if kind not in _STRUCT_KINDS:
            raise ValueError(f"{self.profile.name}: kind {kind!r} cannot read a Struct")
        return f"kind{i}(v, ptr, {key!r}, EMPTY)"

    def _no_marketplace_id(self, attrs: dict[str, str]) -> list[str]:
        if not self.reads_marketplace_id:
            return []
        marketplace_id = attrs["marketplaceID"]
        return [f"    if obj.{marketplace_id} is not None and obj.{marketplace_id} is not UNSET:",
                "        raise NOT_FAST"]

    def _struct_extra_keys(self, model: str, attrs: dict[str, str]) -> list[str]:
        """Struct mode: keys the client ignores, told as `_extra_keys` tells them. A Struct has
        no attribute for a typo, so msgspec refused the document before this runs."""
        ignored = sorted(key for key in attrs if key not in self.known[model])
        if not ignored:
            return []
        present = " or ".join(f"obj.{attrs[key]} is not UNSET" for key in ignored)
        given = ", ".join(f"({key!r}, obj.{attrs[key]})" for key in ignored)
        return [f"    if {present}:",
                f"        extra_keys({{k for k, x in ({given},) if x is not UNSET}}, ptr, "
                f"{model!r})"]

    def _not_object(self, obj: Any, ptr: str, model: str, device: str | None) -> Any:
        if model == "screenshot" and (type(obj) is str or obj is None):
            # A string is a URL; only a type mismatch falls back to the object form
            # (behaviour.md 2.3).
            url = self._url(obj, ptr)
            return INVALID if url is INVALID else Screenshot(url, device or "iphone", pointer=ptr)
        self._fields(obj, ptr, model)  # reports what the client reports
        return INVALID

    def _half_size(self, ptr: str) -> None:
        self.warn("screenshot-half-size", ptr,
                  "only one of width and height is given: the screenshot is treated as unsized "
                  "(shown at 9:19.5)")

    def _finish(self, cls: Any, out: dict[str, Any], extra: dict[str, Any]) -> Any:
        """The object after an error inside it: INVALID if a required value failed, else
        without the optional values that failed (the client drops them)."""
        kept = {name: value for name, value in out.items() if value is not INVALID}
        if any(out[name] is INVALID for name in _REQUIRED_ATTRS[cls]):
            if cls is App and type(kept.get("bundle_id")) is str:
                self.partial_app = _partial_app(kept, extra)
            return INVALID
        return cls(**kept, **extra)

    def _extra_keys(self, keys: set[str], ptr: str, model: str) -> None:
        for key in sorted(keys):
            code, note = self.notes[model].get(key, ("unknown-key", ""))
            if not note:  # a typo is told where it is, each time
                self.warn(code, pointer_join(ptr, key), f"unknown key '{key}' is ignored (a "
                          "typo?)")
            else:
                self._tell_once((model, key), pointer_join(ptr, key), code,
                                f"'{key}' is ignored by {self.profile.title}: {note}")

    def _tell_once(self, what: tuple[str, str], where: str, code: str, message: str) -> None:
        """A note told once at the end, with its first place and how often it came."""
        if (told := self.key_notes.get(what)) is not None:
            told[1] += 1
        elif self.warnings:
            self.key_notes[what] = [where, 1, code, message]

    def _list(self, value: Any, ptr: str, key: str, item: Callable[[Any, str, int], Any]
              ) -> Any:
        list_at = pointer_join(ptr, key)
        if type(value) is not list:
            return self._mismatch(list_at, "Array<Any>", value)
        if item in self.reads_nothing:
            return [None] * len(value)
        # Failed items are left out, so checks of the rest still run; the error is recorded.
        errors = self.errors
        results = [item(element, f"{list_at}/{i}", i) for i, element in enumerate(value)]
        return results if self.errors == errors else [r for r in results if r is not INVALID]

    # -- the source ----------------------------------------------------------------------------

    def decode_source(self, document: Any) -> Source | None:
        try:
            source = self.decoders["root"](document, "")
        except StopDecoding:
            return None
        finally:
            self._tell_key_notes()
        return None if source is INVALID else source

    def _tell_key_notes(self) -> None:
        for where, count, code, message in self.key_notes.values():
            if count > 1:
                message += f" ({count:,} times; the first here)"
            self.warn(code, where, message,
                      Severity.INFO if code == "unread-key" else Severity.WARNING)
        self.key_notes.clear()

    def _k_apps(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        return self._list(value, ptr, key, self._read_app)

    def _read_app(self, value: Any, ptr: str, index: int) -> Any:
        """The app, and in `readable_apps` as much of it as could be read: the checks the
        client runs after decoding still find every duplicate behind a decoding error."""
        self.partial_app = None
        app = self.decoders["app"](value, ptr, index)
        readable = self.partial_app if app is INVALID else app
        if readable is not None:
            self.readable_apps.append(readable)
        return app

    def _k_news_items(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        return self._list(value, ptr, key, self.decoders["news"])

    # -- versions (behaviour.md 2.2, 3)
    # -------------------------------------------------------------------

    def _k_versions(self, value: Any, ptr: str, key: str, app: dict[str, Any]) -> Any:
        """AltStore: `versions`, else the single-version keys (StoreApp.swift:290-344)."""
        if value is None:
            return self._legacy_versions(app, ptr)
        versions = self._list(value, ptr, key, self.decoders["version"])
        if versions is INVALID:
            return INVALID
        return self._set_versions(versions, value, pointer_join(ptr, key), ptr, app)

    def _legacy_versions(self, app: dict[str, Any], ptr: str, channel: str | None = None
                         ) -> Any:
        """The one version the app-level keys describe (StoreApp.swift:326-344)."""
        out = self._fields(app, ptr, "legacy_version", check_keys=False)
        if out is None or not self.build_models:
            return []
        if INVALID in out.values():
            return INVALID
        return [Version(**out, pointer=ptr, channel=channel)]

    def _set_versions(self, versions: list[Any], raw: list[Any], versions_at: str | None,
                      ptr: str, app: dict[str, Any]) -> Any:
        """The checks between decoding the versions and storing them (StoreApp.swift:290-324,
        402-406 at 5a0f2de7; S:StoreApp.swift:477-514,548-551 at 239fc7c2): a build on every
        version of a notarized app, then at least one version. `raw` is the JSON they came from,
        at `versions_at` (SideStore's single-version app has no build and no `versions_at`)."""
        if self.reads_marketplace_id and app.get("marketplaceID") is not None:
            for i, item in enumerate(raw):
                if type(item) is dict and not item.get("buildVersion"):
                    # The client's coding path is always versions > i, whatever the JSON key.
                    self.reject("keyNotFound", f"{versions_at}/{i}" if versions_at else ptr,
                                "apps with a marketplaceID need a buildVersion on every version",
                                MISSING_TEXT, detail="Notarized apps must provide a build version.",
                                path=coding_path(f"{ptr}/versions/{i}/buildVersion"))
        if not raw:  # setVersions → MergeError.noVersions, no coding path
            name, bundle_id = app.get("name"), app.get("bundleIdentifier")
            self.reject("noVersions", versions_at or ptr,
                        "no versions: an app needs at least one version",
                        f"{name} ({bundle_id}) does not have any app versions.", path="")
            return INVALID
        return versions

    # -- SideStore 0.6: release channels and platform URLs (S:StoreApp.swift at 239fc7c2) ----

    def _k_release_channels(self, value: Any, ptr: str, key: str, app: dict[str, Any]) -> Any:
        """StoreApp.decodeVersions (S:StoreApp.swift:443-515): the releases of the stable track
        (or of the user's beta track, latest.sidestore_track), else `versions`, else the
        single-version keys, whose `beta` makes their version a nightly."""
        self.track_read = None
        tracks = [] if value is None else self._release_tracks(value, pointer_join(ptr, key))
        if tracks is INVALID:
            return INVALID
        chosen = sidestore_track(tracks, self.ios, self.beta_track)
        self.track_read = None if chosen is None else chosen[0]
        if chosen is not None:
            name, (raw, track_at), versions = chosen
            if app.get("versions") is not None:
                self.warn("ignored-key", pointer_join(ptr, "versions"),
                          f"'versions' is not read by {self.profile.title}: the '{name}' release "
                          "channel is used instead")
            for version in versions:
                if version is not None:
                    version.channel = name
            return self._set_versions(versions, raw, track_at, ptr, app)
        if app.get("versions") is not None:
            versions = self._list(app["versions"], ptr, "versions", self.decoders["version"])
            if versions is INVALID:
                return INVALID
            for version in versions:
                if version is not None:
                    version.channel = STABLE_TRACK
            return self._set_versions(versions, app["versions"], pointer_join(ptr, "versions"),
                                      ptr, app)
        beta = app.get("beta")  # read only here (S:StoreApp.swift:461)
        if beta is not None and self._k_bool(beta, ptr, "beta", app) is INVALID:
            return INVALID
        versions = self._legacy_versions(app, ptr, "nightly" if beta is True else STABLE_TRACK)
        if versions is INVALID:
            return INVALID
        return self._set_versions(versions, [{}], None, ptr, app)

    def _release_tracks(self, value: Any, list_at: str) -> Any:
        """[ReleaseTrack] (S:AltStoreCore/Model/ReleaseTrack.swift:42-71): `track` and a
        non-empty `releases`, each release an AppVersion."""
        if type(value) is not list:
            return self._mismatch(list_at, "Array<Any>", value)
        tracks = []
        for i, item in enumerate(value):
            track_at = f"{list_at}/{i}"
            if type(item) is not dict:
                self._not_dictionary(item, track_at)
                continue
            name = self._required(item, track_at, "track", self._k_string, "String")
            releases = self._required(item, track_at, "releases", self._release_list, "Array<Any>")
            if self.warnings and not _TRACK_KEYS.issuperset(item):
                for extra in sorted(item.keys() - _TRACK_KEYS):
                    self.warn("unknown-key", pointer_join(track_at, extra),
                              f"unknown key '{extra}' is ignored: a release channel has "
                              "'track' and 'releases'")
            if name is not INVALID and releases is not INVALID:
                raw = item["releases"]
                tracks.append((name, (raw, pointer_join(track_at, "releases")), releases))
        return tracks

    def _required(self, obj: dict[str, Any], ptr: str, key: str,
                  kind: Callable[[Any, str, str, dict[str, Any]], Any], swift_type: str) -> Any:
        """A required key of a model decoded here rather than from a profile table."""
        value = obj.get(key)
        if value is None:
            self._missing(obj, ptr, key, swift_type)
            return INVALID
        return kind(value, ptr, key, obj)

    def _not_dictionary(self, value: Any, ptr: str) -> Any:
        if value is None:  # JSONDecoder checks for null first (valueNotFound)
            return self._null(ptr, "Dictionary<String, Any>")
        return self._mismatch(ptr, "Dictionary<String, Any>", value)

    def _release_list(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        releases = self._list(value, ptr, key, self.decoders["version"])
        if releases == []:
            return self._corrupt(pointer_join(ptr, key), "a release channel needs at least one "
                                 "release", "At least one version is required in key: releases")
        return releases

    def _k_platform_urls(self, value: Any, ptr: str, key: str, app: dict[str, Any]) -> Any:
        """[PlatformURL] (S:StoreApp.swift:61-98,403-412): `platform` 0 (iOS), 1 (tvOS) or 2
        (macOS) and a `downloadURL`; an empty array is an error."""
        list_at = pointer_join(ptr, key)
        if type(value) is not list:
            return self._mismatch(list_at, "Array<Any>", value)
        for i, item in enumerate(value):
            url_at = f"{list_at}/{i}"
            if type(item) is not dict:
                return self._not_dictionary(item, url_at)
            platform = self._required(item, url_at, "platform", self._platform, "UInt")
            url = self._required(item, url_at, "downloadURL", self._k_url, "URL")
            if platform is INVALID or url is INVALID:
                return INVALID
        if not value:
            return self._corrupt(list_at, "'platformURLs' is empty: give at least one, or leave "
                                 "the key out", "platformURLs has no entries")
        return value

    def _platform(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        platform = self._integer(value, ptr, key, "UInt")
        if platform is not INVALID and platform not in _PLATFORMS:
            return self._corrupt(pointer_join(ptr, key),
                                 f"platform {platform} is none of 0 (iOS), 1 (tvOS), 2 (macOS)",
                                 f"Cannot initialize Platform from invalid UInt value {platform}")
        return platform

    def _k_sidestore_download_url(self, value: Any, ptr: str, key: str, app: dict[str, Any]
                                  ) -> Any:
        """An app-level `downloadURL` beside `versions` or releases is still decoded when there
        are no platformURLs (S:StoreApp.swift:413); the single-version path read it already."""
        if app.get("platformURLs") is not None or (
            app.get("versions") is None and app.get("releaseChannels") is None
        ):
            return None
        return self._k_url(value, ptr, key, app)

    def _k_app_download_url(self, value: Any, ptr: str, key: str, app: dict[str, Any]) -> Any:
        # SideStore 0.5 (behaviour.md 11): an app-level download URL is required even beside
        # `versions`.
        if value is not None:
            return self._k_url(value, ptr, key, app)
        if app.get("platformURLs") is None:
            return self._corrupt(
                pointer_join(ptr, key),
                "SideStore 0.5 needs an app-level 'downloadURL' even when 'versions' is given",
                "E downloadURL:String or downloadURLs:[[Platform:URL]] key required.")
        return None

    # -- screenshots (behaviour.md 2.3)
    # --------------------------------------------------------------------

    def _k_screenshots(self, value: Any, ptr: str, key: str, app: dict[str, Any]) -> Any:
        screenshots_at = pointer_join(ptr, key)
        legacy = app.get("screenshotURLs")
        if value is None:
            if legacy is None:
                return []
            return self._list(legacy, ptr, "screenshotURLs", self._legacy_screenshot)
        if legacy is not None:
            self.screenshot_urls_ignored(ptr)
        if type(value) is list:
            return self._list(value, ptr, key, self.screenshot_for["iphone"])
        if type(value) is not dict:
            return self._mismatch(screenshots_at, "Array<Any>", value)
        shots: list[Screenshot] = []
        for device in ("iphone", "ipad"):  # iPhone's first, as before
            if value.get(device) is not None:
                got = self._list(value[device], screenshots_at, device,
                                 self.screenshot_for[device])
                if got is INVALID:
                    return INVALID
                shots += got
        for other in sorted(value.keys() - {"iphone", "ipad"}):
            self.warn("unknown-key", pointer_join(screenshots_at, other),
                      f"screenshots for '{other}' are ignored: only 'iphone' and 'ipad' are read")
        return shots

    def screenshot_urls_ignored(self, ptr: str) -> None:
        self.warn("ignored-key", pointer_join(ptr, "screenshotURLs"),
                  "'screenshotURLs' is ignored because 'screenshots' is given")

    def _legacy_screenshot(self, value: Any, ptr: str, index: int) -> Any:
        url = self._url(value, ptr)
        if url is INVALID:
            return INVALID
        return Screenshot(url, "iphone", *_LEGACY_SCREENSHOT_SIZE, pointer=ptr)

    # -- permissions (behaviour.md 2.4)
    # --------------------------------------------------------------------

    def _k_permissions(self, value: Any, ptr: str, key: str, app: dict[str, Any]) -> Any:
        permissions_at = pointer_join(ptr, key)
        if type(value) is not dict:
            return self._mismatch(permissions_at, "Dictionary<String, Any>", value)
        permissions = Permissions()
        if "entitlements" in value:
            entitlements = self._entitlements(value["entitlements"], permissions_at)
            if entitlements is INVALID:
                return INVALID
            permissions.entitlements = entitlements
        if "privacy" in value:
            privacy = self._privacy(value["privacy"], permissions_at)
            if privacy is INVALID:
                return INVALID
            permissions.privacy = privacy
        return permissions

    def _legacy_names(self, value: Any, permissions_at: str, key: str, what: str) -> Any:
        """The legacy [{"name": …}] form, or None when it does not decode as [[String: String]]."""
        if type(value) is not list or not all(type(item) is dict for item in value):
            return None
        for i, item in enumerate(value):
            for name, text in item.items():
                if text is None:  # valueNotFound is not a type mismatch: no fallback
                    where = pointer_join(pointer_join(permissions_at, key), i)
                    return self._null(pointer_join(where, name), "String")
                if type(text) is not str:
                    return None
        if any("name" not in item for item in value):
            self.reject("keyNotFound", permissions_at, f"every legacy {what} entry needs a 'name'",
                        MISSING_TEXT, detail=f"Legacy {what} must have `name` key.",
                        path=coding_path(pointer_join(permissions_at, "name")))
            return []
        return [item["name"] for item in value]

    def _entitlements(self, value: Any, permissions_at: str) -> Any:
        entitlements_at = pointer_join(permissions_at, "entitlements")
        if value is None:
            return self._null(entitlements_at, "Array<Any>")
        names = self._legacy_names(value, permissions_at, "entitlements", "entitlements")
        if names is not None:
            return names
        if type(value) is dict:
            return list(value)
        return self._strings(value, entitlements_at)

    def _privacy(self, value: Any, permissions_at: str) -> Any:
        privacy_at = pointer_join(permissions_at, "privacy")
        if value is None:
            return self._null(privacy_at, "Array<Any>")
        names = self._legacy_names(value, permissions_at, "privacy", "privacy permissions")
        if names is INVALID:
            return INVALID
        if names is not None:
            return [
                PrivacyPermission(f"NS{item['name']}UsageDescription",
                                  item.get("usageDescription") or None, f"{privacy_at}/{i}")
                for i, item in enumerate(value) if "name" in item
            ]
        if type(value) is not dict:
            return self._mismatch(privacy_at, "Dictionary<String, Any>", value)
        privacy = []
        for name, text in value.items():
            if text is not None and type(text) is not str:
                return self._mismatch(pointer_join(privacy_at, name), "String", text)
            privacy.append(PrivacyPermission(name, text or None, pointer_join(privacy_at, name)))
        return privacy

    def _null(self, ptr: str, type_name: str) -> Any:
        self.reject("valueNotFound", ptr, "may not be null", MISSING_TEXT,
                    detail=f"Expected {type_name} value but found null instead.")
        return INVALID

    # -- Patreon (behaviour.md 8.1)
    # ------------------------------------------------------------------------

    def _k_patreon(self, value: Any, ptr: str, key: str, app: dict[str, Any]) -> Any:
        out = self._fields(value, pointer_join(ptr, key), "patreon")
        if out is None or INVALID in out.values():
            return INVALID
        pledge = out.get("pledge")
        patreon = Patreon(tiers=sorted(out.get("tiers") or []), benefit=out.get("benefit"),
                          hidden=bool(out.get("hidden")))
        if pledge is not None:
            patreon.custom_pledge = pledge == CUSTOM_PLEDGE
            patreon.pledge = Decimal(0) if patreon.custom_pledge else pledge
            currency = out.get("currency")
            patreon.currency = "USD" if currency is None else currency  # `currency ?? "USD"`
        elif out.get("tiers") is None and patreon.benefit is None:
            patreon.pledge = Decimal(0)  # any active pledge
        return patreon

    def _k_pledge(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        if value == CUSTOM_PLEDGE:
            return CUSTOM_PLEDGE
        if type(value) is int or type(value) is float:
            return Decimal(repr(value)) if type(value) is float else Decimal(value)
        return self._mismatch(pointer_join(ptr, key), "Decimal", value)

    # -- scalars -------------------------------------------------------------------------------

    def _k_string(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        if type(value) is not str:
            return self._mismatch(pointer_join(ptr, key), "String", value)
        # Printable strings never come here (the "string" fast path); a line break does.
        if self.warnings and (note := control_character_note(value)) is not None:
            self.warn("control-character", pointer_join(ptr, key), note)
        return value

    def _k_build(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        text = self._k_string(value, ptr, key, obj)
        return text or None if text is not INVALID else INVALID  # "" = no build (behaviour.md 3)

    def _k_sha256(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        text = self._k_string(value, ptr, key, obj)
        return text if text is INVALID else text.lower()

    def _k_category(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        text = self._k_string(value, ptr, key, obj)
        if text is INVALID:
            return INVALID
        # behaviour.md 2.6: any string, lower-cased; unknown ones list under Other
        category = text.lower()
        if category not in KNOWN_CATEGORIES:
            self.warn("unknown-category", pointer_join(ptr, key),
                      f"category '{text}' is not one the client knows: the app is listed under "
                      f"Other (known: {', '.join(sorted(KNOWN_CATEGORIES))})")
        return category

    def _k_string_list(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        return self._strings(value, pointer_join(ptr, key))

    def _strings(self, value: Any, list_at: str) -> Any:
        if type(value) is not list:
            return self._mismatch(list_at, "Array<Any>", value)
        for i, item in enumerate(value):
            if type(item) is not str:
                if item is None:
                    return self._null(f"{list_at}/{i}", "String")
                return self._mismatch(f"{list_at}/{i}", "String", item)
        return value

    def _k_string_map(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        map_at = pointer_join(ptr, key)
        if type(value) is not dict:
            return self._mismatch(map_at, "Dictionary<String, Any>", value)
        for name, item in value.items():
            if type(item) is not str:  # [String: String] (behaviour.md 1.3 userInfo, vector 64)
                if item is None:
                    return self._null(pointer_join(map_at, name), "String")
                return self._mismatch(pointer_join(map_at, name), "String", item)
        return value

    def _k_bool(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        if type(value) is not bool:
            return self._mismatch(pointer_join(ptr, key), "Bool", value)
        return value

    def _integer(self, value: Any, ptr: str, key: str, width: str) -> Any:
        if type(value) is not int and type(value) is not float:
            return self._mismatch(pointer_join(ptr, key), width, value)
        if not fits_integer(value, width):
            return self._corrupt(pointer_join(ptr, key), f"{value!r} is not an {width} integer",
                                 f"Parsed JSON number <{value}> does not fit in {width}.")
        return int(value)

    def _k_Int16(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        return self._integer(value, ptr, key, "Int16")

    def _k_Int32(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        return self._integer(value, ptr, key, "Int32")

    def _k_Int64(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        return self._integer(value, ptr, key, "Int64")

    def _k_Int(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        return self._integer(value, ptr, key, "Int")

    def _k_url(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        if type(value) is str and value.startswith("https://") and (
            self.lenient_urls or is_valid_url(value, False)
        ):
            return value  # the common case, without building a pointer
        return self._url(value, pointer_join(ptr, key))

    def _url(self, value: Any, url_at: str) -> Any:
        if value is None:
            return self._null(url_at, "URL")
        if type(value) is not str:
            return self._mismatch(url_at, "String", value)
        if not is_valid_url(value, self.lenient_urls):
            why = "empty" if not value else "has characters URLs may not contain before iOS 17"
            return self._corrupt(url_at, f"invalid URL {value!r}: {why}", "Invalid URL string.")
        if not value.startswith("https://") and self.warnings:
            if value.startswith("http://"):
                self.warn("insecure-url", url_at, "plain http URL: use https")
            elif ":" not in value.split("/", 1)[0]:
                self.warn("relative-url", url_at,
                          "relative URL: the client never resolves it against the source's URL, "
                          "so it never loads")
            else:
                self.warn("non-web-url", url_at, "URL is neither https nor http")
        return value

    def _k_date(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        if type(value) is not str:
            return self._mismatch(pointer_join(ptr, key), "String", value)
        parsed = parse_source_date(value, self.date_prefix_parse)
        if parsed is None:
            return self._corrupt(pointer_join(ptr, key),
                                 f"date {value!r} is not in a shape the client reads "
                                 "(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS with a zone)",
                                 "Date is in invalid format.")
        date, by_prefix, padded = parsed
        if by_prefix:
            self.warn("date-prefix", pointer_join(ptr, key),
                      f"only the start of {value!r} is a date the client reads: it is taken as "
                      f"{date:%Y-%m-%d %H:%M} UTC, or rejects the source if the device "
                      "parses strictly (unverified)")
        elif not padded:
            self.warn("date-not-padded", pointer_join(ptr, key),
                      f"{value!r} is not zero-padded: documented as valid, but unverified on "
                      "device", Severity.INFO)
        return date

    def _k_colour(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        colour_at = pointer_join(ptr, key)
        if type(value) is not str:
            return self._mismatch(colour_at, "String", value)
        colour = parse_hex_colour(value)
        if colour is None:
            return self._corrupt(colour_at, f"colour {value!r} is not 3, 6 or 8 hex digits (after "
                                 "trimming # and spaces, it must start with a hex digit)",
                                 "Hex code is invalid.")
        if self.warnings:
            self._colour_warnings(value, colour, colour_at)
        return colour.argb

    def _colour_warnings(self, text: str, colour: HexColour, colour_at: str) -> None:
        if colour.digits_read == colour.length and colour.length != 8:
            return
        argb = colour.argb
        shown = f"#{argb & 0xFFFFFF:06X} at {round((argb >> 24) / 255 * 100)}% opacity"
        if colour.digits_read < colour.length:
            self.warn("colour-not-hex", colour_at,
                      f"{text!r} is not all hex digits: the client reads it as {shown}")
        elif text.strip()[:2] in ("0x", "0X"):
            self.warn("colour-0x", colour_at,
                      f"{text!r} has 8 characters, so it is read as ARGB: {shown}")
        elif colour.clamped:
            self.warn("colour-argb", colour_at,
                      "8 digits are read as AARRGGBB (alpha first), not CSS #RRGGBBAA, and a "
                      f"value above 7FFFFFFF is clamped to it: {shown} (UIColor+Hex.swift:28)")
        else:
            self.warn("colour-argb", colour_at,
                      f"8 digits are read as AARRGGBB (alpha first), not CSS #RRGGBBAA: {shown}")

    def _k_os_version(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        text = self._k_string(value, ptr, key, obj)
        if text is INVALID:
            return INVALID
        note = os_version_note(key, text)
        if note is not None:
            self.warn(note[0], pointer_join(ptr, key), note[1])
        elif text.isprintable():
            self.quiet_os_versions[key].add(text)  # the fast path takes it from now on
        return text

    # -- third-party clients: Feather and Ksign (behaviour.md 15, 16) ----------------------------
    # Citations: AltSourceKit/Sources/AltSourceKit/Models/ASRepository.swift (khcrysalis/Feather
    # @ 65799dd), "ASR" below.

    def _ignored(self, ptr: str, key: str, value: Any, reading: str) -> None:
        """A value the client's `try?` (or its parser) drops without an error: told once per
        key and reason, with the first value."""
        if self.warnings:
            self._tell_once((key, reading), pointer_join(ptr, key), "ignored-value",
                            f"{json_type_name(value)} {_shown(value)} is not read by "
                            f"{self.profile.title}: {reading}")

    def _k_apps_nonempty(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        """`decodeIfPresent([App])`, then no apps at all is an error (ASR:82-94)."""
        apps = [] if value is None else self._k_apps(value, ptr, key, obj)
        if value is None or value == []:
            self.reject("emptySource", pointer_join(ptr, key) if value is not None else ptr,
                        f"{self.profile.title} rejects a source without apps",
                        "This source does not contain any apps.", path="")
            return INVALID
        return apps

    def _k_versions_or_legacy(self, value: Any, ptr: str, key: str, app: dict[str, Any]
                              ) -> Any:
        """`versions`, then the single-version keys, both always decoded (ASR:228-253). The
        first version takes the app-level values it lacks, field by field, as Feather shows the
        current version (ASR:373-383); without `versions`, the app-level `version` is it."""
        versions = [] if value is None else self._list(value, ptr, key, self.decoders["version"])
        legacy = self._fields(app, ptr, "legacy_version", check_keys=False)
        if versions is INVALID or legacy is None or not self.build_models:
            return INVALID if versions is INVALID else []
        legacy = {name: None if v is INVALID else v for name, v in legacy.items()}
        date = legacy.get("date") or legacy.get("app_date")
        if value is None:
            if legacy["version"] is None:
                return []
            return [Version(legacy["version"], date or UNDATED, legacy["download_url"] or "",
                            legacy["size"] or 0,
                            localized_description=legacy["localized_description"],
                            pointer=ptr)]
        if versions and versions[0] is not None:
            first = versions[0]
            if not first.download_url and legacy["download_url"]:
                first.download_url = legacy["download_url"]
            if first.date is UNDATED and date is not None:
                first.date = date
        return versions

    def _k_date_parsed(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        """DateParsed where a failure fails the source (ASR:611-661)."""
        if type(value) is not str and type(value) is not int and type(value) is not float:
            return self._mismatch(pointer_join(ptr, key), "String", value)
        date = parse_date_parsed(value, self.date_formats)
        if date is None:
            return self._corrupt(pointer_join(ptr, key),
                                 f"date {value!r} is in none of the forms {self.profile.title} "
                                 "reads (YYYY-MM-DD, ISO 8601, Unix seconds, …)",
                                 f"Failed to decode date from: {str(value).strip()}")
        return date

    def _k_tolerant_date(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        """`try? decodeIfPresent(DateParsed.self)`: unreadable is no date (ASR:411-414)."""
        if type(value) is str or type(value) is int or type(value) is float:
            date = parse_date_parsed(value, self.date_formats)
            if date is not None:
                return date
        self._ignored(ptr, key, value, "the version has no date")
        return UNDATED

    def _tolerant_integer(self, value: Any, ptr: str, key: str, width: str) -> int:
        """`try? decodeIfPresent(<width>)` ?? `try? decodeIfPresent(String)` read as one. An
        integral number such as 100.0 counts as an integer (UNVERIFIED, as for fits_integer)."""
        if (type(value) is int or type(value) is float) and fits_integer(value, width):
            return int(value)
        if type(value) is str and _SWIFT_INTEGER.fullmatch(value):
            number = int(value)
            low, high = INT_RANGES[width]
            if low <= number <= high:
                return number
        self._ignored(ptr, key, value, f"not a {width} or a string of one, so no size")
        return 0

    def _k_tolerant_Int64(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        return self._tolerant_integer(value, ptr, key, "Int64")  # ASR:266-269

    def _k_tolerant_UInt(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        return self._tolerant_integer(value, ptr, key, "UInt")  # ASR:424-427

    def _k_tolerant_bool(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        if type(value) is bool:  # `(try? decodeIfPresent(Bool.self)) ?? false` (ASR:276-277)
            return value
        self._ignored(ptr, key, value, "read as false")
        return False

    def _k_hex_or_black(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        """Color(from:): a string, any string (Color+Codable.swift:24-29, 83-110)."""
        if type(value) is not str:
            return self._mismatch(pointer_join(ptr, key), "String", value)
        argb, is_colour = parse_feather_colour(value)
        if not is_colour:
            self._ignored(ptr, key, value, "not 6 or 8 hex digits (RRGGBB or RRGGBBAA), so "
                          "black")
        return argb

    def _k_lenient_url(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        """A String, then `URL(string:)` if not empty, else nil (ASR:64-75)."""
        if type(value) is not str:
            return self._mismatch(pointer_join(ptr, key), "String", value)
        if not value:
            return None
        if not is_valid_url(value, self.lenient_urls):
            self._ignored(ptr, key, value, "not a URL, so none")
            return None
        return value

    def _k_user_info(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        """UserInfo {patreonAccessToken: String?} (ASR:554-557)."""
        if type(value) is not dict:
            return self._mismatch(pointer_join(ptr, key), "Dictionary<String, Any>", value)
        token = value.get("patreonAccessToken")
        if token is None:
            return {}
        if type(token) is not str:
            return self._mismatch(pointer_join(pointer_join(ptr, key), "patreonAccessToken"),
                                  "String", token)
        return {"patreonAccessToken": token}

    def _k_nullable_string_list(self, value: Any, ptr: str, key: str, obj: dict[str, Any]
                                ) -> Any:
        """[App.ID], App.ID being String?: null items are allowed (ASR:97-98)."""
        list_at = pointer_join(ptr, key)
        if type(value) is not list:
            return self._mismatch(list_at, "Array<Any>", value)
        for i, item in enumerate(value):
            if item is not None and type(item) is not str:
                return self._mismatch(f"{list_at}/{i}", "String", item)
        return [item for item in value if item is not None]

    def _k_pal_marketplace_id(self, value: Any, ptr: str, key: str, app: dict[str, Any]) -> Any:
        """A marketplaceID with anything but white space throws (ASR:296-304)."""
        if type(value) is not str:
            return self._mismatch(pointer_join(ptr, key), "String", value)
        if value.strip():
            bundle_id = app.get("bundleIdentifier")
            self.reject("palNotSupported", pointer_join(ptr, key),
                        f"{self.profile.title} rejects any source with a marketplaceID (AltStore "
                        "PAL sources)",
                        "AltStore PAL repositories aren't supported: "
                        f"{bundle_id if type(bundle_id) is str else ''}", path="")
            return INVALID
        return value

    def _k_stub(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        """Decoded by an initializer that reads nothing: any value, never an error
        (ASR:188-210, Screenshots)."""
        self._tell_once(("stub", key), pointer_join(ptr, key), "ignored-key",
                        f"'{key}' is ignored by {self.profile.title}: its decoder is a stub "
                        "that reads nothing (screenshots show from 'screenshotURLs' only)")
        return None

    def _k_screenshot_urls(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        """[URL] (ASR:293-294): the only screenshots Feather shows."""
        return self._list(value, ptr, key, self._screenshot_url)

    def _screenshot_url(self, value: Any, ptr: str, index: int) -> Any:
        url = self._url(value, ptr)
        return INVALID if url is INVALID else Screenshot(url, "iphone", pointer=ptr)

    def _k_permission_list(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        """[Permission], each {type: String, usageDescription: String} (ASR:486-490)."""
        def permission(item: Any, item_at: str, index: int) -> Any:
            if type(item) is not dict:
                return self._not_dictionary(item, item_at)
            kind = self._required(item, item_at, "type", self._k_string, "String")
            text = self._required(item, item_at, "usageDescription", self._k_string, "String")
            return INVALID if INVALID in (kind, text) else item
        return self._list(value, ptr, key, permission)

    def _k_tolerant_permissions(self, value: Any, ptr: str, key: str, obj: dict[str, Any]
                                ) -> Any:
        """AppPermissions: an object whose `entitlements` and `privacy` are `try?` reads
        (ASR:525-545); `privacy` as {key: text} only where the profile reads it."""
        permissions_at = pointer_join(ptr, key)
        if type(value) is not dict:
            return self._mismatch(permissions_at, "Dictionary<String, Any>", value)
        permissions = Permissions()
        entitlements = value.get("entitlements")
        if entitlements is not None:
            if type(entitlements) is list and all(type(e) is str for e in entitlements):
                permissions.entitlements = entitlements
            else:
                self._ignored(permissions_at, "entitlements", entitlements,
                              "not an array of strings, so no entitlements are listed")
        privacy = value.get("privacy")
        privacy_at = pointer_join(permissions_at, "privacy")
        if type(privacy) is list and all(
            type(p) is dict and type(p.get("name")) is str
            and type(p.get("usageDescription")) is str for p in privacy
        ):
            permissions.privacy = [PrivacyPermission(p["name"], p["usageDescription"] or None,
                                                     f"{privacy_at}/{i}")
                                   for i, p in enumerate(privacy)]
        elif (self.privacy_dict and type(privacy) is dict
              and all(type(text) is str for text in privacy.values())):
            permissions.privacy = [
                PrivacyPermission(name, text or None, pointer_join(privacy_at, name))
                for name, text in privacy.items()]
        elif privacy is not None:
            self._ignored(permissions_at, "privacy", privacy,
                          "not an array of {name, usageDescription}"
                          + (" or an object of strings" if self.privacy_dict else "")
                          + ", so no privacy permissions are listed")
        return permissions

    # -- third-party clients: LiveContainer (behaviour.md 17) ------------------------------------
    # Citations: LiveContainerSwiftUI/Views/LCAltStoreSourcesView.swift (LiveContainer/
    # LiveContainer @ 1a87ea9), "LCV" below.

    def _k_source_name(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        """`guard let name = response.name`, after the whole source decoded (LCV:349-351)."""
        if value is None:
            self.reject("sourceNotValid", ptr, f"the source has no 'name': {self.profile.title} "
                        "refuses it", "The source file is not valid.", path="")
            return INVALID
        return self._k_string(value, ptr, key, obj)

    def _k_relative_url(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        """A String, turned into a URL afterwards: "" is none, a URL without a scheme is
        resolved against the source's URL (LCV:437-443). "" stands for none in the model."""
        if type(value) is not str:
            return self._mismatch(pointer_join(ptr, key), "String", value)
        if not value or not is_valid_url(value, self.lenient_urls):
            if value:
                self._ignored(ptr, key, value, "not a URL, so none")
            return ""
        if has_scheme(value):
            if self.warnings and value.startswith("http://"):
                self.warn("insecure-url", pointer_join(ptr, key), "plain http URL: use https")
            return value
        if self.source_url is None:
            self.warn("relative-url", pointer_join(ptr, key),
                      f"relative URL: {self.profile.title} resolves it against the source's "
                      "URL, which this check was not given, so it is left as written")
            return value
        return resolve_url(value, self.source_url)

    def _k_rrggbbaa_colour(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        if type(value) is not str:
            return self._mismatch(pointer_join(ptr, key), "String", value)
        colour = parse_livecontainer_colour(value)
        if colour is None:
            self._ignored(ptr, key, value, "not 3, 6 or 8 hex digits (RGB, RRGGBB, RRGGBBAA), "
                          "so no colour")
        return colour

    def _k_iso_or_short_date(self, value: Any, ptr: str, key: str, obj: dict[str, Any]) -> Any:
        if type(value) is not str:
            return self._mismatch(pointer_join(ptr, key), "String", value)
        date = parse_livecontainer_date(value)
        if date is None:
            self._ignored(ptr, key, value, "neither ISO 8601 nor YYYY-MM-DD, so no date")
            return UNDATED
        return date

    def _k_apps_skipping_unnamed(self, value: Any, ptr: str, key: str, obj: dict[str, Any]
                                 ) -> Any:
        """Every app decoded, then those without a name or bundle identifier dropped, and an
        app without a tint given the source's (LCV:352-354, 368-390)."""
        apps = self._k_apps(value, ptr, key, obj)
        if apps is INVALID or not self.build_models:
            return apps
        source_tint = obj.get("tintColor")
        tint = parse_livecontainer_colour(source_tint) if type(source_tint) is str else None
        kept = []
        for i, item in enumerate(value):
            app = apps[i] if len(apps) == len(value) else None
            if type(item) is not dict:
                continue
            lacking = [k for k in ("name", "bundleIdentifier") if item.get(k) is None]
            if lacking:
                self.warn("skipped-app", f"{pointer_join(ptr, key)}/{i}",
                          f"no {' or '.join(repr(k) for k in lacking)}: {self.profile.title} "
                          "skips this app without a word")
                continue
            if app is None or app is INVALID:
                continue
            if item.get("tintColor") is None:
                app.tint_colour = tint
            if item.get("localizedDescription") is None:
                # `localizedDescription ?? versionDescription` (LCV:382)
                description = item.get("versionDescription")
                app.localized_description = description if type(description) is str else ""
            kept.append(app)
        return kept

    def _k_valid_versions(self, value: Any, ptr: str, key: str, app: dict[str, Any]) -> Any:
        """Every version decoded, then those without a version or a download URL dropped; none
        left, the single-version keys make one if they have both (LCV:374-375, 392-425)."""
        versions = [] if value is None else self._list(value, ptr, key, self.decoders["version"])
        legacy = self._fields(app, ptr, "legacy_version", check_keys=False)
        if versions is INVALID or legacy is None or not self.build_models:
            return INVALID if versions is INVALID else []
        kept: list[Version] = []
        for i, item in enumerate(value or ()):
            version = versions[i] if len(versions) == len(value) else None
            if type(item) is not dict or version is None or version is INVALID:
                continue
            lacking = [k for k in ("version", "downloadURL") if item.get(k) is None]
            if not lacking and not version.download_url:
                lacking = ["a usable downloadURL"]
            if lacking:
                self.warn("skipped-version", f"{pointer_join(ptr, key)}/{i}",
                          f"no {' or '.join(lacking)}: {self.profile.title} skips this version "
                          "without a word" + (", and takes the next one as the latest"
                                              if not kept else ""))
                continue
            kept.append(version)
        if kept:
            return kept
        legacy = {name: None if v is INVALID else v for name, v in legacy.items()}
        if legacy["version"] is None or not legacy["download_url"]:
            return []
        description = legacy["localized_description"]
        if description is None and type(app.get("localizedDescription")) is str:
            description = app["localizedDescription"]
        return [Version(legacy["version"], legacy["date"] or UNDATED, legacy["download_url"], 0,
                        localized_description=description, pointer=ptr)]


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> CodeType:
    """Compiling is most of a decoder's set-up; each client and iOS range has one source."""
    return compile(source, "<altsim decoder>", "exec")


@functools.lru_cache(maxsize=4096)
def os_version_note(key: str, text: str) -> tuple[str, str] | None:
    """A warning for a min/maxOSVersion the client reads other than a maintainer expects."""
    parsed = parse_os_version(text)
    if not is_clean_os_version(text):
        if parsed == (0, 0, 0):
            effect = ("the version is never supported on any device" if key == "maxOSVersion"
                      else "it sets no minimum")
        else:
            effect = f"it is read as {os_version_string(parsed)}"
        return ("unparseable-os-version",
                f"{key} {text!r} is not a version like 16.4: {effect}")
    if key == "maxOSVersion" and text.count(".") < 2:
        major, minor, _ = parsed
        return ("max-os-excludes-patches",
                f"maxOSVersion {text!r} means exactly {major}.{minor}.0: devices on "
                f"{major}.{minor}.1 or later are excluded")
    return None


# Per kind: (a test that a value is fine as it is, the value to keep), for _compile.
_FAST_PATHS = {
    "string": ("type(v) is str and v.isprintable()", "v"),
    "build": ("type(v) is str and v and v.isprintable()", "v"),
    "bool": ("type(v) is bool", "v"),
    "sha256": ("type(v) is str and v.isprintable()", "v if v.islower() else v.lower()"),
    # A source repeats a few OS versions: the first sight of each goes through the kind.
    "os_version": ("type(v) is str and v in quiet_{key}", "v"),
    "date": ("type(v) is str and (d := plain_date(v)) is not None", "d"),
    "url": ('type(v) is str and v.startswith("https://") and {valid_url}', "v"),
    "colour": ("type(v) is str and (c := plain_colour(v)) is not None", "c"),
    "category": ("type(v) is str and v in KNOWN_CATEGORIES", "v"),  # known and lower-case
    **{width: (f"type(v) is int and {low} <= v <= {high}", "v")
       for width, (low, high) in INT_RANGES.items()},
}

# Struct mode (core/fast_decode.py): the kinds that read their own value only, and the lists
# of Structs, with the model of their items.
_STRUCT_KINDS = frozenset({
    "string", "build", "sha256", "category", "string_list", "string_map", "bool", "url", "date",
    "colour", "os_version", "permissions", "patreon", "platform_urls", *INT_RANGES,
    # Feather's and Ksign's (behaviour.md 15, 16); `apps_nonempty` and `stub` may be handed
    # Structs: the first decodes them with the app function, the second looks at nothing
    "hex_or_black", "permission_list", "screenshot_urls", "stub", "tolerant_bool",
    "tolerant_permissions", "date_parsed", "lenient_url", "nullable_string_list", "user_info",
    "tolerant_UInt", "tolerant_Int64", "tolerant_date", "apps_nonempty"})
# Kinds that read other keys of their object through a StructView (`versions_or_legacy` the
# single-version keys, with the dict-mode legacy_version function: a view reads as a dict).
_READS_OTHER_SCALARS = frozenset({"sidestore_download_url", "app_download_url",
                                  "pal_marketplace_id", "versions_or_legacy"})
STRUCT_LISTS = {"apps": "app", "news_items": "news", "versions": "version"}
STRUCT_MODELS = ("root", "app", "version", "news", "screenshot")
SUPPORTED_KINDS = (_STRUCT_KINDS | STRUCT_LISTS.keys() | _READS_OTHER_SCALARS
                   | {"screenshots", "release_channels"})
# The kinds that may be handed a key parsed as Structs (core/fast_decode.py's nested keys).
STRUCT_VALUE_KINDS = frozenset({*STRUCT_LISTS, "screenshots", "apps_nonempty", "stub",
                                "versions_or_legacy"})

_SWIFT_INTEGER = re.compile(r"[+-]?[0-9]+")  # Int64(String) and UInt(String)


def _consumed(items: list[Any]) -> Iterator[tuple[int, Any]]:
    """`enumerate(items)`, each item let go from the list as it is handed out."""
    for n in range(len(items)):
        item, items[n] = items[n], None
        yield n, item


def _shown(value: Any) -> str:
    """A value for a message: short, as JSON."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


_SWIFT_TYPES = {"url": "URL", "date": "Date", "bool": "Bool", "Int16": "Int16", "Int32": "Int32",
                "Int64": "Int64", "Int": "Int", "apps": "Array<Any>", "news_items": "Array<Any>"}
def _partial_app(kept: dict[str, Any], extra: dict[str, Any]) -> App:
    """An app one of whose required keys failed, with what could be read of the rest."""
    required = {"name": kept["bundle_id"], "developer_name": "", "localized_description": "",
                "icon_url": "", "versions": []}
    return App(**{**required, **kept}, **extra)


def _arguments(cls: Any, values: dict[str, str], extra: str) -> str:
    """Positional arguments for cls (faster than keywords): the table's values and `extra`'s
    ("name=expression, ...") in the class's field order, as far as they reach; the rest by
    keyword."""
    values = {**values, **dict(part.split("=", 1) for part in extra.split(", ") if part)}
    positional = []
    for f in dataclasses.fields(cls):
        if f.name not in values:
            break
        positional.append(values.pop(f.name))
    return ", ".join([*positional, *(f"{n}={v}" for n, v in values.items())])


# The models built straight from their table, and what the decoder adds beside the table's fields.
# Per model: the class, what the decoder adds beside the table's fields, and a check of the
# decoded values (attribute names in braces) run before an object without errors is built.
_BUILDS = {
    "root": (Source, "", ""),
    "app": (App, "pointer=ptr, track=dec.track_read", ""),
    "version": (Version, "pointer=ptr", ""),
    "news": (NewsItem, "sort_index=index, pointer=ptr", ""),
    # behaviour.md 2.3: one of width and height alone counts as neither
    "screenshot": (Screenshot, "device=device, pointer=ptr",
                   "if ({width} is None) != ({height} is None):\n"
                   "    {width} = {height} = half_size(ptr)"),
}
# The attributes whose failure drops the whole object (the others fall back to their default).
_REQUIRED_ATTRS: dict[Any, frozenset[str]] = {
    Source: frozenset({"name"}),
    App: frozenset({"name", "bundle_id", "developer_name", "localized_description", "icon_url",
                    "versions"}),
    Version: frozenset({"version", "date", "download_url", "size"}),
    NewsItem: frozenset({"identifier", "date", "title", "caption"}),
    Screenshot: frozenset({"image_url", "width", "height"}),
}


def show(argv: list[str] | None = None) -> int:
    """Print the code generated for a profile's models (see `Decoder`)."""
    import argparse  # only for this reading aid
    import os
    import sys

    from altsim.core.profiles import PROFILES

    parser = argparse.ArgumentParser(
        prog="python -m altsim.core.decoder",
        description="Print the decoding functions generated from a client profile's tables.")
    parser.add_argument("--show", required=True, metavar="PROFILE", choices=sorted(PROFILES))
    parser.add_argument("--ios", default="17.0", help="the device's iOS version (URLs: 17+)")
    parser.add_argument("--model", choices=MODELS, help="one model only (default: all)")
    parser.add_argument("--client-only", action="store_true",
                        help="as the client decodes: no warnings (what client_verdict runs)")
    parser.add_argument("--no-fast-paths", action="store_true",
                        help="every value through its kind method (the interpreted form)")
    args = parser.parse_args(argv)
    decoder = Decoder(PROFILES[args.show], parse_os_version(args.ios),
                      warnings=not args.client_only, collect=not args.client_only,
                      fast_paths=not args.no_fast_paths)
    try:
        for model in [args.model] if args.model else MODELS:
            print(f"# {model}: {args.show}, iOS {os_version_string(decoder.ios)}")
            print(decoder.code(model), end="\n\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `| head` stopped reading: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    raise SystemExit(show())
