"""Line and column of JSON pointers in the source text.

Only run when there is something to report, so the clean path never pays for it. All the
pointers wanted are walked in one pass: containers on the way to a wanted value are entered,
everything else is skipped.

Strict JSON (what almost every source is) has a fast walker whose work happens in C: the
values nothing is wanted in are skipped by the C scanner (`json.scanner`, which builds each
value it skips), an array is walked element to element by the same scanner (in a large text,
the root's arrays by lengths: see below), and in an object one regular expression passes over
every run of members whose key is not wanted and whose value is a string or a scalar (the
members a pointer cannot lead through). An object in which one key is wanted, for the value
it names, is read whole by the scanner and searched for the key with `str.find` (where that
cannot be sure, it is walked member by member). Python looks only at the keys that may be
wanted, the containers the pointers lead through and the value each pointer names: locating
N diagnostics costs about one pass over the text at C speed (the scanner's, or the regular
expression's inside the objects a pointer enters) plus a few microseconds per diagnostic.
A text the fast walker does not expect (it never meets one the strict parser accepted) is
walked again from its start by the general walker, which JSON5 texts always use.

In a text of `_LENGTHS_FROM` characters and more, msgspec reads the text once, about ten times
faster than the scanner skips it, as an object whose arrays' elements are kept as their raw text
(msgspec.Raw, no value built): once the scanner has skipped a hundredth of the text in one of
the root's arrays (the `apps` of a 20 MB source), if the rest of it up to the last element wanted
would cost it a tenth more (as long as msgspec's read, judged by the elements so far), else once
it has skipped that tenth. The rest of that array's elements that nothing is wanted in are then
skipped by their length: where the text at the element is exactly what msgspec read as this
element (not so for the first of two members with one key: msgspec keeps the last) and it is an
object or an array, it ends where that raw text does, at the bracket that closes it. Inside an
element walked into whose raw text is the text there, msgspec reads the members or the elements
of each container the walk enters (from its raw text, as it is entered), and the values nothing
is wanted in are skipped by their length in the same way; such an array is left, by its own
length, after its last element wanted, and in such an object in which one key is wanted, found
once by `str.find`, that copy is the object's own where msgspec read the key among its members
(and where it did not, there is nothing to find). Everything else, and a text msgspec does not
read so or that the scanner may refuse where msgspec does not, is skipped by the scanner, as in
a smaller text. Before the scanner would skip a container of the root that nothing is wanted in
(the 20 MB of `apps`, when only `news` is wanted), msgspec reads the root's members as raw
texts, and that container is skipped by its length, in the same way.
"""

from __future__ import annotations

import functools
import gc
import json
import json.scanner
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any


def _when_used(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A pattern compiled when first used: locating runs only when there is something to
    report, so a start of the program does not pay for compiling these."""
    return functools.cache(functools.partial(re.compile, pattern, flags))


_string = _when_used(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', re.DOTALL)
_identifier = _when_used(r"[^\s:/,{}\[\]'\"]+")
_scalar = _when_used(r"[^\s,\]}/]+")
_json5_token = _when_used(
    r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|//[^\n]*|/\*.*?\*/|[\[\]{}]', re.DOTALL
)
_scan_once: Any = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]

# Strict JSON, which the fast walker reads: white space is these four characters only.
_SPACE = "[ \t\n\r]*+"
_leading_space = _when_used(_SPACE)
# A key as the general walker reads it: its escapes are checked only when it is decoded.
_KEY = r'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
# A value no pointer can lead into: a string, a number, true, false or null, as exactly as
# the C scanner reads them (an integer too long for `int` is left to the scanner's error).
_FLAT_VALUE = (r'(?:"(?:[^"\\\x00-\x1f]++|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*+"'
               r"|-?(?:0|[1-9][0-9]{0,4000}+)(?![0-9])(?:\.[0-9]++)?(?:[eE][-+]?[0-9]++)?"
               r"|true|false|null)")
# An array's opening bracket and the white space after it, or the empty array.
_array_start = _when_used(rf"\[{_SPACE}(\])?")
# After an element: a comma and the white space after it, or the closing bracket.
_after_element = _when_used(rf"{_SPACE}(?:,{_SPACE}|(\]))")
# A key's colon, with the white space around it.
_colon = _when_used(rf"{_SPACE}:{_SPACE}")
# Where a key written with a \u escape ends (or something like it: a string in which a \u
# comes before an escaped quote): a key that may be a wanted one in disguise.
_escaped_key = _when_used(rf'\\u[^"]*+"{_SPACE}:')
# What a quote that ends a string may be followed by, in strict JSON.
_AFTER_STRING = frozenset(' \t\n\r,:}]')
# What a value starts with in strict JSON. A value is recorded only where one starts: a text
# with anything else there (a comment, a BOM, a trailing comma) is walked by the general
# walker, which may find the value further on.
_VALUE_START = frozenset('{["-0123456789tfn')
_MOST_KEYS_IN_A_RUN = 64  # beyond this many wanted keys, members are looked at one by one
# Below this size a text is skipped by the scanner alone: importing msgspec (about 13 ms) would
# cost more than it saves (the 1.5 MB esign corpus file, 1,711 errors: 128 ms without lengths,
# 138 with). The same size as fast_decode.FAST_FROM, so a text this large has it loaded.
_LENGTHS_FROM = 2 * 1024 * 1024
# msgspec reads a text about ten times as fast as the scanner skips it: lengths are asked for once
# the scanner has skipped a tenth of the text in one array (at worst, when the walk ends just
# after, that array has cost twice what it would have with lengths from its start), or sooner:
_SCANNED_SHARE = 10
# once it has skipped this share of it, if it would skip a tenth more to reach the last element
# wanted, judged by the elements so far (20 MB, 600 pointers spread over `apps`: locate takes
# 28 ms, 34 with the tenth alone).
_SAMPLED_SHARE = 100

_Trie = dict[Any, Any]
_END = None  # trie key marking "a wanted pointer ends here" (JSON keys are never None)


class _AllFound(Exception):
    pass


class _Unexpected(Exception):
    """The fast walker met a text that is not strict JSON: the general walker takes over."""


def _trie(pointers: Iterable[str]) -> tuple[_Trie, int]:
    """The pointers as a trie of their parts (`diagnostics.pointer_parts`), and how many
    ends it has (two pointers may end at one node: the later one is recorded)."""
    trie: _Trie = {}
    ends = 0
    for pointer in pointers:
        node = trie
        if pointer:
            parts = pointer[1:].split("/")
            if "~" in pointer:
                parts = [p.replace("~1", "/").replace("~0", "~") for p in parts]
            for part in parts:
                node = node.setdefault(part, {})
        ends += _END not in node
        node[_END] = pointer
    return trie, ends


def _member_pattern(run: str) -> re.Pattern[str]:
    """From after an object's opening brace or after a member's value: the object's closing
    brace, or the optional comma (group 1), the members `run` passes over, and the key of the
    next member the walker looks at (group 2)."""
    return re.compile(rf"{_SPACE}(?:\}}|(,?){run}{_SPACE}({_KEY}){_SPACE}:{_SPACE})", re.DOTALL)


@functools.cache
def _each_member() -> re.Pattern[str]:
    return _member_pattern("")


_runs: dict[tuple[Any, ...], re.Pattern[str] | int] = {}  # a pattern, or the times asked
_RUN_AFTER = 16  # objects with the same wanted keys met before a pattern is compiled for them


def _member_pattern_for(keys: tuple[Any, ...]) -> re.Pattern[str]:
    """The member pattern for an object in which `keys` are wanted: its run passes over every
    member whose value is flat and whose key is neither wanted nor written with escapes (such
    a key is decoded, then looked up, by the walker). Compiling one costs about 0.4 ms: the
    first objects with these keys are read member by member, without a run."""
    known = _runs.get(keys, 0)
    if not isinstance(known, int):
        return known
    if known < _RUN_AFTER:
        if len(_runs) >= 1024:
            _runs.clear()
        _runs[keys] = known + 1
        return _each_member()
    wanted = [re.escape(key) for key in keys if key is not _END]
    if len(wanted) > _MOST_KEYS_IN_A_RUN:
        pattern = _each_member()
    else:
        not_wanted = f'(?!(?:{"|".join(wanted)})")' if wanted else ""
        pattern = _member_pattern(
            rf'(?:{_SPACE}"{not_wanted}[^"\\]*+"{_SPACE}:{_SPACE}{_FLAT_VALUE}{_SPACE},)*+')
    _runs[keys] = pattern
    return pattern


def _plainly_quoted(key: str) -> str:
    """The key in quotes, when no other text can be it in strict JSON: it can be written only
    as is or with \\u escapes (it holds no quote, backslash, slash or control character), and
    its quoted form cannot start at a string's closing quote (its first character cannot
    follow one). Else ""."""
    plain = (key and key[0] not in _AFTER_STRING and key.isprintable()
             and not any(char in key for char in '"\\/'))
    return f'"{key}"' if plain else ""


class _StrictWalker:
    """The fast walker over strict JSON (see the module's docstring). It records what the
    general walker records, in the same order, and stops where it stops; a text it does not
    expect raises _Unexpected (or the scanner's StopIteration or ValueError)."""

    def __init__(self, text: str, trie: _Trie, wanted: int, root: int) -> None:
        self.text = text
        self.trie = trie
        self.wanted = wanted
        # Where the document's value starts: its object is never read whole for one key (the
        # walk stops once everything is found, rather than parse a 20 MB document to its end)
        self.root = root
        self.found: dict[str, int] = {}
        self.quoted: dict[str, str] = {}  # a key as _plainly_quoted writes it
        # How much of an array the scanner skips before msgspec's raw elements are asked for
        # at the latest, and before whether to ask sooner is judged (past the end of a small
        # text: never); those of the root's arrays once read.
        large = len(text) >= _LENGTHS_FROM
        self.scan_first = len(text) // _SCANNED_SHARE if large else len(text)
        self.sample = min(len(text) // _SAMPLED_SHARE, self.scan_first) if large else len(text)
        self.root_arrays: dict[int, list[Any]] | None = None
        # msgspec's raw texts of the root's members, read before the scanner would skip a
        # container of a large text's root that nothing is wanted in (None: not read yet).
        self.large = large
        self.root_members: dict[str, Any] | None = None

    def walk(self, i: int, node: _Trie, raw: Any = None) -> int:
        """Record wanted pointers at or below the value at i; return the index after it.
        `raw`: msgspec's raw text of that value, known to be the text at i (`verified`)."""
        opener = self.text[i:i + 1]
        if _END in node:
            self.record(i, node[_END])
            if len(node) == 1:  # nothing wanted below
                return self.skip(i, raw)
        if opener == "{":
            return self.walk_object(i, node, raw)
        if opener == "[":
            return self.walk_array(i, node, raw)
        return int(_scan_once(self.text, i)[1])

    def leaf(self, i: int, pointer: str, raw: Any) -> int:
        """Record the wanted value at i, nothing wanted below it; the index after it (`raw`:
        msgspec's raw text of it, or None)."""
        self.record(i, pointer)
        return self.skip(i, raw)

    def record(self, i: int, pointer: str) -> None:
        if self.text[i:i + 1] not in _VALUE_START:
            raise _Unexpected
        self.found[pointer] = i
        if len(self.found) == self.wanted:
            raise _AllFound  # as the general walker does: see there

    def walk_object(self, i: int, node: _Trie, raw: Any = None) -> int:
        members = _raw_members(raw) if raw is not None else {}
        at_root = i == self.root
        if len(node) == 1 and not at_root:  # one key wanted: often a value, nothing below
            end = self.walk_one(i, node, raw, members)
            if end is not None:
                return end
        text = self.text
        pattern = _member_pattern_for(tuple(node))
        member = pattern.match(text, i + 1)
        after_value = False  # whether a comma comes before the next member
        while member is not None:
            quoted = member[2]
            if quoted is None:
                return member.end()  # the closing brace
            if bool(member[1]) is not after_value:
                break
            i = member.end()
            key = quoted[1:-1] if "\\" not in quoted else json.loads(quoted)
            child = node.get(key)
            if child is None:
                if at_root and not members and self.large and text[i:i + 1] in "{[":
                    members = self.read_root_members()  # (a root's container may be 20 MB)
                i = self.skip(i, members.get(key))
            elif len(child) == 1 and _END in child:  # a wanted value, nothing below it
                i = self.leaf(i, child[_END], members.get(key))
            else:
                i = self.walk(i, child, self.verified(i, members.get(key)))
            member = pattern.match(text, i)
            after_value = True
        raise _Unexpected

    def walk_one(self, i: int, node: _Trie, raw: Any, members: dict[str, Any]) -> int | None:
        """In the object at i, where `node` has one key, what is wanted at or below that key's
        value; the index after the object. The C scanner finds the object's end (and reads the
        object: it is strict JSON), or msgspec's raw text of it does (`members`: msgspec's), and
        the key is looked for by `str.find`. None (the object is walked member by member) where
        that cannot be sure: the key is there twice, may be nested or written with escapes, or
        something is wanted below a value that msgspec has not read."""
        ((key, child),) = node.items()
        leaf = len(child) == 1 and _END in child
        if not (leaf or members):
            return None
        if members and key not in members:
            return self.skip(i, raw)  # (msgspec read every key there, escaped or not)
        quoted = self.quoted.get(key)
        if quoted is None:
            quoted = self.quoted[key] = _plainly_quoted(key)
        if not quoted:
            return None
        text = self.text
        end = self.skip(i, raw)
        if text.find("\\", i, end) >= 0 and _escaped_key().search(text, i, end):
            return None
        value = -1
        at = text.find(quoted, i, end)
        while at >= 0:
            # The quote at `at` opens a string: it is raw (no backslash before it), and the
            # key's first character cannot follow a closing quote (_plainly_quoted).
            after = at + len(quoted)
            colon = _colon().match(text, after)
            if colon is not None:  # a key, not a string value
                if value >= 0 or text[at - 1] == "\\":
                    return None
                # Maybe in a nested object, unless the object's own members hold the key: then
                # that is its only copy.
                if not members and (text.find("{", i + 1, at) >= 0
                                    or text.find("[", i + 1, at) >= 0):
                    return None
                value = colon.end()
            at = text.find(quoted, after, end)
        if value >= 0:
            if leaf:
                self.record(value, child[_END])
            else:  # (the object's only copy of the key: msgspec read its value there)
                self.walk(value, child, members[key])
        return end

    def walk_array(self, i: int, node: _Trie, raw: Any = None) -> int:
        text = self.text
        start = _array_start().match(text, i)
        if start is None:
            raise _Unexpected
        if start[1] is not None:
            return start.end()  # an empty array
        i = first = start.end()
        index = 0
        after_element = _after_element()
        # msgspec's elements: those of `raw` where an element before the last one wanted is not
        # wanted, or of a root's array once the scanner has skipped enough of it (`ask_at`: where
        # that is judged next). Read by msgspec, the array ends where its raw text does: past
        # the last element wanted, nothing is left to walk.
        last, indices = _indices(node) if raw is not None else (sys.maxsize, 0)
        elements = _raw_elements(raw) if raw is not None and indices <= last else []
        ask_at = len(text) if raw is not None else i + self.sample
        while True:
            if index > last:
                return self.skip(start.start(), raw)
            child = node.get(str(index))
            element = elements[index] if index < len(elements) else None
            if child is None:
                if element is not None:
                    i = self.skip(i, element)
                else:
                    i = _scan_once(text, i)[1]
                    if i > ask_at:
                        elements, ask_at = self.elements_or_later(node, first, i, index + 1)
            elif len(child) == 1 and _END in child:
                i = self.leaf(i, child[_END], element)
            else:
                i = self.walk(i, child, self.verified(i, element))
            index += 1
            after = after_element.match(text, i)
            if after is None:
                raise _Unexpected
            if after[1] is not None:
                return after.end()
            i = after.end()

    def elements_or_later(self, node: _Trie, first: int, i: int, scanned: int
                          ) -> tuple[list[Any], int]:
        """At i in the array whose first element is at `first`, `scanned` elements on: its
        elements as msgspec reads them (`raw_elements`) and len(text), once the scanner has
        skipped a tenth of the text in it or would skip that much more, at the length of its
        elements so far, to reach the last element wanted; else [] and where to judge again."""
        latest = first + self.scan_first
        if i <= latest:
            to_last = (i - first) * (_indices(node)[0] + 1 - scanned) // scanned
            if to_last <= self.scan_first:
                return [], latest
        return self.raw_elements(node), len(self.text)

    def raw_elements(self, node: _Trie) -> list[Any]:
        """msgspec's elements of the root's array that `node` is the trie node of; [] for any
        other node. The text is read by msgspec the first time (the array's own raw text,
        where the root's members were read)."""
        if self.root_members:
            for key, child in self.trie.items():
                raw = self.root_members.get(key)
                if child is node and raw is not None and memoryview(raw)[:1].tobytes() == b"[":
                    return _raw_elements(raw)
            return []
        if self.root_arrays is None:
            self.root_arrays = _root_arrays(self.text, self.trie)
        return self.root_arrays.get(id(node), [])

    def read_root_members(self) -> dict[str, Any]:
        """msgspec's raw texts of the root's members ({} where it does not read the text so),
        read once."""
        if self.root_members is None:
            self.root_members = _root_members(self.text)
        return self.root_members

    def raw_end(self, i: int, raw: Any) -> int:
        """Where the value at i ends, of which msgspec read `raw` (a msgspec.Raw, or None): an
        object or an array whose raw text is the text at i ends where that text does (at the
        bracket closing it: the scanner would end there too); -1 for anything else (a number
        there may go on further than the one msgspec read, the first of two members with one
        key is not the raw msgspec kept, the last)."""
        if raw is None:
            return -1
        read = str(raw, "utf-8")
        if read[0] in "{[" and self.text.startswith(read, i):
            return i + len(read)
        return -1

    def skip(self, i: int, raw: Any) -> int:
        """The index after the value at i, by the length of `raw` (see `raw_end`) or else by
        the scanner."""
        end = self.raw_end(i, raw) if raw is not None else -1
        return end if end >= 0 else int(_scan_once(self.text, i)[1])

    def verified(self, i: int, raw: Any) -> Any:
        """`raw`, where it is the text of the value at i (see `raw_end`); else None."""
        return raw if self.raw_end(i, raw) >= 0 else None


def _indices(node: _Trie) -> tuple[int, int]:
    """The largest index of an element wanted in the array that `node` is the trie node of, or
    more (a key of more digits than any index: the most there is; "01", which names no element:
    1), -1 for none; and how many keys are written with digits only (as many as the elements
    wanted, or more)."""
    last, count = -1, 0
    for key in node:
        if key is not _END and key.isascii() and key.isdigit():
            last = max(last, int(key) if len(key) < 19 else sys.maxsize)
            count += 1
    return last, count


@functools.cache
def _raw_decoders() -> tuple[Any, Any]:
    """msgspec's decoders of an object's members and of an array's elements, each kept as its
    raw text. They read only raws the whole text was read into, so only nesting can stop them:
    their RecursionError (the walk deeper in frames than that read was) hands the text to the
    general walker, which, from fewer frames than that read, is not refused."""
    import msgspec  # read already: a raw is only ever met once it has

    return msgspec.json.Decoder(dict[str, msgspec.Raw]), msgspec.json.Decoder(list[msgspec.Raw])


def _raw_members(raw: Any) -> dict[str, Any]:
    """The members of the object msgspec read as `raw` (of two with one key, the last), each a
    msgspec.Raw."""
    members: dict[str, Any] = _raw_decoders()[0].decode(raw)
    return members


def _raw_elements(raw: Any) -> list[Any]:
    """The elements of the array msgspec read as `raw`, each a msgspec.Raw."""
    elements: list[Any] = _raw_decoders()[1].decode(raw)
    return elements


def _root_arrays(text: str, trie: _Trie) -> dict[int, list[Any]]:
    """The root's arrays that `trie` leads into, as msgspec reads them, each element a
    msgspec.Raw of its text, by the id of their trie node (see `_read_root`)."""
    import msgspec  # only for a large text

    member = list[msgspec.Raw] | dict[str, msgspec.Raw] | str | int | float | bool | None
    root: dict[str, Any] = _read_root(text, dict[str, member])
    return {id(child): root[key] for key, child in trie.items()
            if isinstance(root.get(key), list)}


def _root_members(text: str) -> dict[str, Any]:
    """The root's members as msgspec reads them, each a msgspec.Raw of its value's text (see
    `_read_root`)."""
    import msgspec  # only for a large text

    members: dict[str, Any] = _read_root(text, dict[str, msgspec.Raw])
    return members


def _read_root(text: str, root_type: Any) -> Any:
    """The text as msgspec reads it into `root_type`, an object type; empty where msgspec does
    not read the text so, or the scanner may refuse a value msgspec skips."""
    import msgspec  # only for a large text

    if _may_hold_a_long_integer(text):
        return {}
    # An ASCII text is read where it is; any other as UTF-8 made here (from a str, msgspec would
    # make it and keep it with the text: twice its size as long as the text lives).
    data = text if text.isascii() else text.encode()
    try:
        return msgspec.json.decode(data, type=root_type)
    except (msgspec.DecodeError, RecursionError, UnicodeEncodeError):
        # (Called from deeper than the scanner skips from, and reading at most two levels, the
        # root and an array, msgspec refuses any nesting the scanner refuses.)
        return {}


def _may_hold_a_long_integer(text: str) -> bool:
    """Whether the text may hold an integer of more digits than `int` reads (the scanner raises
    ValueError at it, msgspec skips it). Such a run of digits holds two consecutive characters of
    those one in `step` apart: only those pairs are looked at, each in one `isdigit`."""
    most = sys.get_int_max_str_digits()
    if not most:
        return False
    step = (most + 1) // 2
    return any(text[pair.start() * step:(pair.start() + 1) * step + 1].isdigit()
               for pair in re.finditer("(?=[0-9]{2})", text[::step]))


class _Walker:
    """The general walker: strict JSON and JSON5 (comments, single quotes, identifiers as
    keys, trailing commas), token by token in Python."""

    def __init__(self, text: str, strict: bool, trie: _Trie, wanted: int) -> None:
        from altsim.core import json5_reader  # only for JSON5 texts and unexpected ones

        self.space_pattern = json5_reader.SPACE
        self.json5_loads = json5_reader.loads
        self.text = text
        self.strict = strict
        self.found: dict[str, int] = {}
        self.trie = trie
        self.wanted = wanted

    def space(self, i: int) -> int:
        # Most values follow their colon or comma with at most one space: look before matching.
        text = self.text
        if i < len(text) and not text[i].isspace() and text[i] not in "/\ufeff":
            return i
        match = self.space_pattern.match(text, i)
        return match.end() if match else i

    def skip_value(self, i: int) -> int:
        text = self.text
        if self.strict:
            try:
                return int(_scan_once(text, i)[1])
            except (StopIteration, ValueError):
                return len(text)
        if i >= len(text):
            return i
        if text[i] not in "[{":
            match = _string().match(text, i) or _scalar().match(text, i)
            return match.end() if match else i + 1
        depth = 0
        for token in _json5_token().finditer(text, i):
            char = token.group()[0]
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return token.end()
        return len(text)

    def key_at(self, i: int) -> tuple[str, int]:
        text = self.text
        match = _string().match(text, i)
        if match:
            raw = match.group()
            if "\\" not in raw:  # nothing to unescape: the key is the text between the quotes
                key = raw[1:-1]
            elif raw[0] == '"' and self.strict:
                key = json.loads(raw)
            else:
                key = self.json5_loads(raw)
            return str(key), match.end()
        match = _identifier().match(text, i)
        if match is None:
            return "", len(text)
        return match.group(), match.end()

    def walk(self, i: int, node: _Trie) -> int:
        """Record wanted pointers at or below the value at i; return the index after it."""
        text = self.text
        if _END in node:
            self.found[node[_END]] = i
            if len(self.found) == self.wanted:
                # Everything is found: stop rather than skip the rest of a 20 MB document.
                # (A repeated key's later copy, the one the parser keeps, is then missed.)
                raise _AllFound
        if len(node) == (_END in node):  # nothing wanted below
            return self.skip_value(i)
        opener = text[i] if i < len(text) else ""
        if opener not in "[{" or not opener:
            return self.skip_value(i)
        closer = "}" if opener == "{" else "]"
        i = self.space(i + 1)
        index = 0
        while i < len(text) and text[i] != closer:
            if opener == "{":
                key, i = self.key_at(i)
                i = self.space(i)
                i = self.space(i + 1)  # the colon
            else:
                key = str(index)
                index += 1
            child = node.get(key)
            i = self.walk(i, child) if child is not None else self.skip_value(i)
            i = self.space(i)
            if i < len(text) and text[i] == ",":
                i = self.space(i + 1)
            elif i < len(text) and text[i] != closer:
                break  # not a document we parsed; give up quietly
        return i + 1


def locate(text: str, pointers: Iterable[str], strict: bool = True) -> dict[str, int]:
    """Offsets of the values the pointers name (the last occurrence of a repeated key, unless
    every pointer was found before it: see `_Walker.walk`). `strict`: the text is strict
    JSON, read by the fast walker; else JSON5 (or not known), read by the general one.

    The cycle collector waits meanwhile: the trie and the walk make no cycles, but a trie
    of 100,000 pointers is 400,000 dicts, whose making would set off collections that walk
    the whole document and model still alive (0.4-0.7 s of 1.4 s in-process)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _located(text, pointers, strict)
    finally:
        if collecting:
            gc.enable()


def _located(text: str, pointers: Iterable[str], strict: bool) -> dict[str, int]:
    trie, wanted = _trie(pointers)
    if not trie:
        return {}
    if strict:
        start = _leading_space().match(text).end()  # type: ignore[union-attr]
        fast = _StrictWalker(text, trie, wanted, start)
        try:
            fast.walk(start, trie)
        except _AllFound:
            return fast.found
        except (_Unexpected, StopIteration, ValueError, RecursionError):
            # Not strict JSON after all (or nested beyond what the fast walker's two frames a
            # level reach): walked again, from its start, below, as before.
            pass
        else:
            return fast.found
    walker = _Walker(text, strict, trie, wanted)
    try:
        walker.walk(walker.space(0), trie)
    except _AllFound:
        pass
    return walker.found


def line_columns(text: str, offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
    """1-based line and column for each offset, counting lines incrementally."""
    result: dict[int, tuple[int, int]] = {}
    line, previous, line_start = 1, 0, 0  # line_start: just after the last newline seen
    for offset in sorted(set(offsets)):
        # each stretch of text is scanned once, so a minified file with thousands of
        # diagnostics costs one pass, not one pass back to its start per diagnostic
        newlines = text.count("\n", previous, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", previous, offset) + 1
        previous = offset
        result[offset] = (line, offset - line_start + 1)
    return result
