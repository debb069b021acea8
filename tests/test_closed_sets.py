"""Closed sets are Literal types, and each one matches what implements it."""

from __future__ import annotations

from typing import get_args

from altsim.core.decoder import Decoder
from altsim.core.profiles import PROFILES, FieldKind
from altsim.net.fetch import KINDS, FetchErrorKind


def test_every_field_kind_is_a_decoder_method_and_every_method_a_kind():
    methods = {name[3:] for name in dir(Decoder) if name.startswith("_k_")}
    assert methods == set(get_args(FieldKind))


def test_the_profiles_use_only_field_kinds():
    kinds = set(get_args(FieldKind))
    for profile in PROFILES.values():
        for model in ("root", "app", "version", "legacy_version", "news", "screenshot",
                      "patreon"):
            assert {field.kind for field in profile.fields_for(model)} <= kinds


def test_every_fetch_error_kind_is_described():
    assert set(KINDS) == set(get_args(FetchErrorKind))
