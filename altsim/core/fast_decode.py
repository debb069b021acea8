"""A clean source decoded at the speed of parsing, and only a clean one.

msgspec parses the bytes straight into Structs whose fields are the keys the decoder knows for
each model (root, app, version, news, screenshot), so no dict is built for them. The decoder's
own functions, generated from the same profile tables in Struct mode (`Decoder(structs=...)`),
then decide every value with the same tests and kinds as from dicts. The fast path gives up, and the
caller decodes the bytes from the start with the exact decoder (core/jsontext.py, then dicts),
whenever it cannot decide alone:

- msgspec refuses the bytes: not strict JSON or not UTF-8, a BOM, a lone surrogate, a number
  out of a float's range (json reads it as infinity), a key no client reads (a typo is told
  where it is), an app, version or news item that is not an object;
- a value the client rejects, or one whose decision needs a dict (an app without `versions`,
  a marketplace ID, releases, a profile kind outside `SUPPORTED_KINDS`: LiveContainer's).

The fast path is taken only for sources of `FAST_FROM` bytes and more: on a smaller one, its
fixed cost (importing msgspec above all) is more than it saves. tests/test_fast_decode.py
checks that both paths give the same verdict, model and diagnostics on the corpus, the spec's
vectors and generated sources.
"""

from __future__ import annotations

import codecs
from types import GenericAlias
from typing import Any, NamedTuple

from altsim.core.decoder import (
    STRUCT_LISTS,
    STRUCT_MODELS,
    STRUCT_VALUE_KINDS,
    SUPPORTED_KINDS,
    UNSET_KEY,
    Decoder,
    NotFast,
)
from altsim.core.keys import extra_key_notes, known_keys
from altsim.core.model import Source
from altsim.core.profiles import ClientProfile, per_profile
from altsim.core.values import OSVersion

# Its fixed cost in a fresh process (importing msgspec, making the Structs, compiling the Struct
# mode) is about 13 ms, what it saves on 2 MiB (measured: 1.7 MB is 3-10 ms slower with it,
# 2.1 MB 3 ms faster, 2.8 MB 7 ms); a broken source, which only the exact path decides, pays
# it for nothing, so no lower.
FAST_FROM = 2 * 1024 * 1024
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32's start alike


class StructDocument(NamedTuple):
    """A source parsed into Structs, for the profile it was built for and any other client whose
    fields it types alike (`decode`)."""

    root: Any
    attrs: dict[str, dict[str, str]]  # per model: JSON key -> Struct attribute
    nested: dict[str, frozenset[str]]  # per model: the keys holding Structs


class _Structs(NamedTuple):
    """A profile's Struct types, ready to parse with."""

    decoder: Any  # msgspec.json.Decoder of the root Struct
    attrs: dict[str, dict[str, str]]
    nested: dict[str, frozenset[str]]
    errors: tuple[type[Exception], ...]  # what msgspec raises for bytes it refuses


_NESTED_KINDS = frozenset({*STRUCT_LISTS, "screenshots"})
# The keys parsed as Structs (or lists of them), whichever kind reads them.
_NESTED = {"root": {"apps": "app", "news": "news"},
           "app": {"versions": "version", "screenshots": "screenshots"}}


def supports(profile: ClientProfile) -> bool:
    return all(f.kind in SUPPORTED_KINDS for model in STRUCT_MODELS
               for f in profile.fields_for(model))


def parse(raw: bytes, profile: ClientProfile) -> StructDocument | None:
    """The bytes as Structs for the profile; None when the exact path must read them."""
    if len(raw) < FAST_FROM or raw.startswith(_BOMS):
        return None
    structs = _structs(profile)
    if structs is None:
        return None
    try:
        return StructDocument(structs.decoder.decode(raw), structs.attrs, structs.nested)
    except structs.errors:
        return None


def decode(document: StructDocument, profile: ClientProfile, ios: OSVersion, *,
           consume: bool = False, **options: Any) -> tuple[Decoder, Source | None] | None:
    """The decoder (with its diagnostics) and the source, as `Decoder(profile, ios, **options)`
    decodes the document from dicts; None when only dicts can tell (NotFast), or when the
    document types a key the profile reads otherwise. With `consume`, each app's Structs are
    let go once its model is built: the document cannot be decoded again."""
    for model in STRUCT_MODELS:
        for f in profile.fields_for(model):
            nested = f.key in document.nested[model]
            if (nested and f.kind not in STRUCT_VALUE_KINDS) or (
                    not nested and f.kind in _NESTED_KINDS):
                return None
    decoder = Decoder(profile, ios, structs=document.attrs, consume_structs=consume, **options)
    try:
        source = decoder.decode_source(document.root)
    except NotFast:
        decoder.close()
        return None
    decoder.readable_apps = [] if source is None else source.apps
    return decoder, source


@per_profile
def _structs(profile: ClientProfile) -> _Structs | None:
    return _build(profile) if supports(profile) else None


def _build(profile: ClientProfile) -> _Structs:
    import msgspec  # only for a large source (see FAST_FROM)

    attrs: dict[str, dict[str, str]] = {}
    types: dict[str, Any] = {}
    for model in reversed(STRUCT_MODELS):  # the items' types before the lists of them
        keys = sorted(known_keys(profile, model) | extra_key_notes(profile, model).keys())
        attrs[model] = {key: f"k{n}" for n, key in enumerate(keys)}
        fields: list[tuple[str, Any, Any]] = []
        for key in keys:
            # UNSET when absent: a required key's null is not its absence, and a key only told
            # of is told when present, even as null
            held = _NESTED.get(model, {}).get(key)
            if held == "screenshots":  # a list, or lists per device
                shot = _list_of(types["screenshot"] | str)  # a URL, or an object
                by_device = msgspec.defstruct(
                    f"{profile.name}_screenshots", [("iphone", shot | None, None),
                                                    ("ipad", shot | None, None)],
                    forbid_unknown_fields=True, gc=False)
                fields.append((attrs[model][key], shot | by_device | None, UNSET_KEY))
            elif held is not None:
                items = _list_of(types[held])
                fields.append((attrs[model][key], items | None, UNSET_KEY))
            else:  # the decoder's kind decides the value, as from a dict
                fields.append((attrs[model][key], Any, UNSET_KEY))
        types[model] = msgspec.defstruct(
            f"{profile.name}_{model}", fields, forbid_unknown_fields=True, gc=False,
            rename={attr: key for key, attr in attrs[model].items()})
    nested = {model: frozenset(_NESTED.get(model, {})) & attrs[model].keys()
              for model in STRUCT_MODELS}
    return _Structs(msgspec.json.Decoder(types["root"]), attrs, nested,
                    (msgspec.DecodeError, RecursionError))


def _list_of(item: Any) -> Any:
    """`list[item]` for a type made at run time."""
    return GenericAlias(list, (item,))
