"""The name of a JSON value's type, as messages say it."""

from __future__ import annotations

from typing import Literal

JsonTypeWording = Literal["noun", "article", "foundation"]

# noun ("object"), with its article ("an object"), and as Foundation's JSONDecoder says it in
# the client's "Expected to decode String but found a dictionary instead."
_NAMES: dict[type, tuple[str, str, str]] = {
    dict: ("object", "an object", "a dictionary"),
    list: ("array", "an array", "an array"),
    str: ("string", "a string", "a string"),
    bool: ("boolean", "a boolean", "bool"),
    int: ("number", "a number", "number"),
    float: ("number", "a number", "number"),
    type(None): ("null", "null", "null"),
}
_COLUMN = {"noun": 0, "article": 1, "foundation": 2}


def json_type_name(value: object, wording: JsonTypeWording = "noun") -> str:
    """"object", "array", "string", "boolean", "number" or "null" (with "a"/"an" for
    `article`); a value of no JSON type is named by its Python type ("a value" in Foundation's
    wording)."""
    names = _NAMES.get(type(value))
    if names is None:
        return "a value" if wording == "foundation" else type(value).__name__
    return names[_COLUMN[wording]]
