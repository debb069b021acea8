"""`altsim schema`: the JSON Schema agrees with the decoder it is generated from.

Every corpus file a client accepts validates against that client's schema; the typical
mistakes are flagged by both; the schema is built from the profile's tables (a key added to a
table appears in it), and the command prints a valid draft 2020-12 schema.
"""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from dataclasses import replace
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from altsim.core.check import check_source, client_verdict
from altsim.core.jsontext import Document, parse_document
from altsim.core.keys import known_keys
from altsim.core.profiles import MODELS, PROFILES, ClientProfile, Field
from altsim.core.schema import DRAFT, schema_keys, source_schema
from altsim.core.values import INT_RANGES

from .conftest import corpus_files, corpus_is_in_repo

IOS_17 = (17, 0, 0)
# The schema holds on every device: before iOS 17 URLs are read strictly (a check there
# accepts less, never more).
DEVICES = [(14, 0, 0), IOS_17]
# What no JSON Schema can say: a key's value unique across the items of an array.
NOT_EXPRESSIBLE = {"duplicateBundleID", "duplicateVersion"}
SCHEMA_MODELS = ("root", "app", "version", "news", "screenshot", "patreon")


def _validator(profile: ClientProfile) -> Draft202012Validator:
    return Draft202012Validator(source_schema(profile))


def _errors(profile: ClientProfile, document: Any) -> list[str]:
    return [f"{error.json_path}: {error.message}"
            for error in _validator(profile).iter_errors(document)]


# -- (a) the corpus --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_accepted_corpus_file_validates(name):
    profile = PROFILES[name]
    validator = _validator(profile)
    checked = 0
    for path in corpus_files():
        raw = path.read_bytes()
        # As the check reads it; a file that is not strict JSON has no document to validate
        # (the schema describes the parsed JSON, JSON5 syntax is the check's business).
        parsed = parse_document(raw, allow_json5=False)
        if not isinstance(parsed, Document):
            continue
        for ios in DEVICES:
            result = check_source(raw, profile, ios)
            errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(parsed.value)]
            if result.accepted:
                assert not errors, (path.name, ios, errors[:3])
                checked += 1
            elif ios == IOS_17:
                # The other way too: what the client rejects a file for, the schema flags,
                # but for duplicates (no schema can compare items)
                assert result.rejection is not None
                if result.rejection.code not in NOT_EXPRESSIBLE:
                    assert errors, (path.name, result.rejection)
    if corpus_is_in_repo():  # another corpus may hold nothing this client accepts
        assert checked, "no corpus file is accepted: the test checks nothing"


# -- (b) typical mistakes, flagged by both ---------------------------------------------------


def _source(profile: ClientProfile) -> dict[str, Any]:
    """A small source every profile accepts (with a marketplaceID where the client wants
    one): an app with one version, in both the `versions` and the single-version form."""
    app: dict[str, Any] = {
        "name": "Example", "bundleIdentifier": "com.example.app", "developerName": "Ex",
        "localizedDescription": "An app.", "iconURL": "https://example.com/icon.png",
        "version": "1.0", "versionDate": "2024-05-31", "size": 1200000,
        "downloadURL": "https://example.com/app.ipa",
        "versions": [{"version": "1.0", "buildVersion": "1", "date": "2024-05-31T12:00:00Z",
                      "downloadURL": "https://example.com/app.ipa", "size": 1200000}],
    }
    if profile.marketplace_rule == "required":
        app["marketplaceID"] = "123456"
    return {"name": "Example Source", "identifier": "com.example.source", "apps": [app]}


def _break_size(source: dict[str, Any]) -> None:
    source["apps"][0]["versions"][0]["size"] = "12 MB"


def _versions_object(source: dict[str, Any]) -> None:
    source["apps"][0]["versions"] = {"1.0": source["apps"][0]["versions"][0]}


def _no_bundle_id(source: dict[str, Any]) -> None:
    del source["apps"][0]["bundleIdentifier"]


def _bad_date(source: dict[str, Any]) -> None:
    source["apps"][0]["versions"][0]["date"] = "May 31, 2024"


def _bad_colour(source: dict[str, Any]) -> None:
    source["tintColor"] = "#12345"


MISTAKES = {
    "size as text": (_break_size, "/apps/0/versions/0/size"),
    "versions as an object": (_versions_object, "/apps/0/versions"),
    "no bundleIdentifier": (_no_bundle_id, "/apps/0"),
    "a date the client cannot read": (_bad_date, "/apps/0/versions/0/date"),
    "a colour of 5 digits": (_bad_colour, "/tintColor"),
}

# The clients that accept each mistake (behaviour.md 19: vectors T7, T9, T18; LiveContainer
# skips an app without a bundle identifier)
_LET_PASS = {
    "size as text": {"feather", "ksign"},
    "no bundleIdentifier": {"feather", "ksign", "livecontainer"},
    "a date the client cannot read": {"feather", "ksign", "livecontainer"},
    "a colour of 5 digits": {"feather", "ksign", "livecontainer"},
}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_the_sample_source_is_fine_for_both(name):
    profile = PROFILES[name]
    source = _source(profile)
    result = check_source(json.dumps(source).encode(), profile, IOS_17)
    assert result.accepted, result.rejection
    assert not _errors(profile, source)


@pytest.mark.parametrize("mistake", MISTAKES)
@pytest.mark.parametrize("name", sorted(PROFILES))
def test_a_typical_mistake_is_flagged_by_both(name, mistake):
    profile = PROFILES[name]
    source = copy.deepcopy(_source(profile))
    spoil, pointer = MISTAKES[mistake]
    spoil(source)
    result = check_source(json.dumps(source).encode(), profile, IOS_17)
    if result.accepted:  # a mistake this client lets pass (Feather's `try?` size, …)
        assert not _errors(profile, source), mistake
        assert profile.name in _LET_PASS[mistake]
        return
    flagged = list(_validator(profile).iter_errors(source))
    assert flagged
    # ... at the same place: the schema's error (or one of an anyOf's) is where the check's is
    places = set()
    for error in flagged:
        for one in (error, *(error.context or ())):
            places.add("".join(f"/{step}" for step in one.absolute_path))
    first_error = next(d for d in result.diagnostics if d.severity.name == "ERROR")
    assert first_error.pointer == pointer
    assert pointer in places, places


# Values put in place of a key's own, to try the forms and rules between keys.
_URL = "https://example.com/app.ipa"
_ODD_VALUES: list[Any] = [
    None, "", "x", 1, 1.5, True, [], {}, [None], ["x"], [{}], {"a": "b"}, {"a": None},
    [{"name": "x"}], [{"name": "x", "usageDescription": "y"}], [{"name": 1}], [_URL],
    [{"imageURL": _URL}], [{"imageURL": _URL, "width": 1}], {"ipad": [_URL]},
    {"ipad": [{"imageURL": _URL, "width": 1, "height": 2}]}, {"iphone": None}, "custom", 3,
    [{"track": "stable", "releases": []}], [{"track": "beta", "releases": [{}]}],
    [{"platform": 0, "downloadURL": _URL}], [{"platform": 5, "downloadURL": _URL}],
    "#FFF", "#FFFF", "2024-1-1", "May 31",
]


def _random_source(rng: random.Random) -> dict[str, Any]:
    """A source mixing the forms the clients read: versions, the single-version keys, release
    channels, platform URLs, a marketplaceID, screenshots, permissions, Patreon."""
    def version() -> dict[str, Any]:
        out: dict[str, Any] = {"version": str(rng.randrange(9)), "date": "2024-01-01",
                               "downloadURL": _URL, "size": 5}
        if rng.random() < 0.5:
            out["buildVersion"] = rng.choice(["", "1", None])
        return out

    apps = []
    for i in range(rng.randint(1, 2)):
        app: dict[str, Any] = {"name": "A", "bundleIdentifier": f"b{i}", "developerName": "D",
                               "localizedDescription": "L", "iconURL": _URL}
        if rng.random() < 0.6:
            app["versions"] = [version() for _ in range(rng.randint(0, 2))]
        if rng.random() < 0.5:
            app.update(version="1", versionDate="2024-01-01", downloadURL=_URL, size=3)
        if rng.random() < 0.3:
            app["releaseChannels"] = [
                {"track": rng.choice(["stable", "beta"]),
                 "releases": [version() for _ in range(rng.randint(0, 2))]}
                for _ in range(rng.randint(0, 2))]
        if rng.random() < 0.2:
            app["platformURLs"] = [{"platform": rng.choice([0, 3]), "downloadURL": _URL}]
        if rng.random() < 0.2:
            app["marketplaceID"] = rng.choice(["1", None])
        for key in ("screenshots", "screenshotURLs", "appPermissions", "patreon", "beta"):
            if rng.random() < 0.2:
                app[key] = rng.choice(_ODD_VALUES)
        if rng.random() < 0.25:
            app[rng.choice([*app, "tintColor", "category"])] = rng.choice(_ODD_VALUES)
        apps.append(app)
    return {"name": "S", "identifier": "i", "version": rng.choice([1, 2]), "apps": apps}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_the_schema_and_the_client_agree_on_mixed_sources(name):
    """Seeded sources that try the rules between keys: accepted by the client exactly when
    valid, but for duplicates."""
    profile = PROFILES[name]
    validator = _validator(profile)
    rng = random.Random(20261130)
    verdicts = set()
    for _ in range(300):
        source = _random_source(rng)
        result = client_verdict(json.dumps(source).encode(), profile, IOS_17)
        if result.rejection is not None and result.rejection.code in NOT_EXPRESSIBLE:
            continue
        valid = validator.is_valid(source)
        assert valid == result.accepted, (json.dumps(source), result.rejection,
                                          [e.message for e in validator.iter_errors(source)])
        verdicts.add(valid)
    assert verdicts == {True, False}


def test_a_schema_key_is_harmless_to_every_client():
    """The `"$schema"` key an editor uses is ignored: an info note, no warning."""
    for profile in PROFILES.values():
        source = {"$schema": "./altstore-source.schema.json", **_source(profile)}
        result = check_source(json.dumps(source).encode(), profile, IOS_17)
        assert result.accepted
        notes = [d for d in result.diagnostics if d.pointer == "/$schema"]
        assert [(d.severity.name, d.code) for d in notes] == [("INFO", "unread-key")]
        assert not _errors(profile, source)


# -- (c) the command -------------------------------------------------------------------------


def test_the_command_prints_a_valid_schema():
    done = subprocess.run([sys.executable, "-m", "altsim", "schema", "--client", "sidestore"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    schema = json.loads(done.stdout)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT == "https://json-schema.org/draft/2020-12/schema"
    assert "sidestore" in schema["$id"]
    assert "SideStore" in schema["title"]
    assert done.stdout.startswith('{\n  "$schema"')  # indented 2
    assert schema == json.loads(json.dumps(source_schema(PROFILES["sidestore"])))


def test_the_default_client_is_altstore():
    done = subprocess.run([sys.executable, "-m", "altsim", "schema"],
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["$id"].endswith(":altstore")


def test_an_unknown_client_is_a_usage_error():
    done = subprocess.run([sys.executable, "-m", "altsim", "schema", "--client", "altstor"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert "unknown client" in done.stderr


# -- (d) generated from the tables -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_the_schema_has_the_tables_keys(name):
    """Every key of every table is a property of its model, and nothing the decoder does not
    know is (the app also has the keys read beside `versions` and `screenshots`)."""
    profile = PROFILES[name]
    schema = source_schema(profile)
    for model in SCHEMA_MODELS:
        # A model no kind of this client leads to (SideStore reads no `patreon`) has no $def
        assert (model == "root" or _def(model) in schema["$defs"]) == _reached(profile, model)
        if not _reached(profile, model):
            continue
        table = {f.key for f in profile.fields_for(model)}
        keys = schema_keys(schema, model)
        assert table <= keys, (model, table - keys)
        assert keys <= known_keys(profile, model), (model, keys - known_keys(profile, model))
        node = schema if model == "root" else schema["$defs"][_def(model)]
        required = {f.key for f in profile.fields_for(model) if f.required}
        if model == "app" and profile.marketplace_rule == "required":
            required.add("marketplaceID")
        assert set(node.get("required", ())) == required, model
        assert node["additionalProperties"] is True
    assert "legacy_version" in MODELS  # its keys are the app's single-version keys:
    legacy = {f.key for f in profile.legacy_version}
    assert legacy <= schema_keys(schema, "app")


# The kinds that lead from one model to another (core/decoder.py's _k_apps, _k_versions, …)
_LEADS_TO = {"app": {"apps", "apps_nonempty", "apps_skipping_unnamed"},
             "version": {"versions", "release_channels", "versions_or_legacy", "valid_versions"},
             "news": {"news_items"}, "screenshot": {"screenshots"}, "patreon": {"patreon"}}


def _reached(profile: ClientProfile, model: str) -> bool:
    kinds = {f.kind for table in ("root", "app") for f in profile.fields_for(table)}
    return model == "root" or bool(kinds & _LEADS_TO[model])


def _def(model: str) -> str:
    return {"news": "newsItem"}.get(model, model)


@pytest.mark.parametrize("model", SCHEMA_MODELS)
def test_a_key_added_to_a_table_appears_in_the_schema(model):
    profile = PROFILES["altstore"]
    added = replace(profile, **{model: (*profile.fields_for(model),
                                        Field("addedKey", "Int16", required=True))})
    schema = source_schema(added)
    assert "addedKey" not in schema_keys(source_schema(profile), model)
    assert "addedKey" in schema_keys(schema, model)
    node = schema if model == "root" else schema["$defs"][_def(model)]
    assert "addedKey" in node["required"]
    low, high = INT_RANGES["Int16"]
    assert node["properties"]["addedKey"]["type"] == "integer"
    assert (node["properties"]["addedKey"]["minimum"],
            node["properties"]["addedKey"]["maximum"]) == (low, high)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_key_has_a_description(name):
    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                assert isinstance(value, dict), f"{where}/{key}"
                assert value.get("description"), f"{where}/{key}"
            for key, value in node.items():
                if key not in ("allOf", "if", "then", "else"):  # typing a key, described above
                    walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(source_schema(PROFILES[name]), "")


def test_a_category_the_client_does_not_know_is_no_error():
    """Unknown categories are listed under Other with a warning: examples, not an enum."""
    profile = PROFILES["altstore"]
    source = _source(profile)
    source["apps"][0]["category"] = "weather"
    assert check_source(json.dumps(source).encode(), profile, IOS_17).accepted
    assert not _errors(profile, source)
    category = source_schema(profile)["$defs"]["app"]["properties"]["category"]
    assert "enum" not in category
    assert "utilities" in category["examples"]
