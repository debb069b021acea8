"""JSON5 text to values, with the position of the first error, at C speed where it can be.

Only texts that are not strict JSON come here (`jsontext.parse_document`), for the devices
that read JSON5 (iOS 15 and later) and to tell the others what those devices make of a file.
"""

from __future__ import annotations

import bisect
import json
import json.scanner
import re
import unicodedata
from typing import Any

from altsim.core.jsontext import TOO_DEEP, SyntaxProblem, position

# What JSON5 reads is the grammar of the `json5` package (0.9-0.17), which altsim used before:
# its verdicts, values and error positions are kept. Accepted texts are parsed by pyjson5 (C
# speed) when a lexical check (_SAFE_JSON5) says every token means the same to both; anything
# else, and every error, goes to _Json5Reader, which follows that grammar rule by rule.

# Apple's parser refuses the 513th nested container (swift-corelibs-foundation
# Sources/Foundation/JSONSerialization+Parser.swift at 37454604, parseArray and parseObject:
# `guard self.depth < 512`, "This matches Darwin Foundation's validation behavior").
MAX_DEPTH = 512
# Whitespace: Unicode Zs, the line terminators, BOM and \t \v \f.
_WS = "\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# White space and comments; locate.py skips with it too.
SPACE = re.compile(rf"(?:[{_WS}]++|//[^\r\n\u2028\u2029]*+|/\*(?s:.*?)\*/)*+")
_ESCAPE = (r"(?:[^xu0-9\r\n\u2028\u2029]|0(?![0-9])|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}"
           r"|\r\n?|[\n\u2028\u2029])")
_BODY = {q: re.compile(rf"(?:[^{q}\\\r\n]++|\\{_ESCAPE})*+") for q in "\"'"}
_ESCAPES = re.compile(rf"\\({_ESCAPE})")
_SIMPLE_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "0": "\0",
                   "\r\n": "", "\r": "", "\n": "", "\u2028": "", "\u2029": ""}
_SURROGATE = re.compile("[\ud800-\udfff]")
_DIGITS = re.compile("[0-9]*")
_DIGIT_CHARS = frozenset("0123456789")
_HEX = re.compile("[0-9a-fA-F]+")
_OPENERS = re.compile(r"[\[{]")
_ASCII_IDENT = re.compile(r"[A-Za-z$_][A-Za-z0-9$_]*")
_ID_START = frozenset(("Lu", "Ll", "Lt", "Lm", "Lo", "Nl"))
_ID_CONTINUE = _ID_START | {"Mn", "Mc", "Nd", "Pc"}
# Texts pyjson5 reads exactly as the grammar does: every token is one of these, delimited so
# that both tokenize alike. Left out (so read by _Json5Reader): numbers pyjson5 gets wrong
# (-0e5 is -0.0, pyjson5 says 0.0) or Python cannot hold as int, non-ASCII or escaped names.
_END = r"(?=[ \t\n\r\v\f,:\]}/]|\Z)"
_SAFE_JSON5 = re.compile(
    rf"""(?:"(?:[^"\\\r\n]++|\\{_ESCAPE})*+"|[{_WS}{{}}\[\]:,]++
    |//[^\r\n\u2028\u2029]*+|/\*(?:[^*]++|\*(?!/))*+\*/|'(?:[^'\\\r\n]++|\\{_ESCAPE})*+'
    |(?!-[0.]*[eE])[-+]?(?:(?:0|[1-9][0-9]{{0,4000}}+)(?:\.[0-9]*+)?|\.[0-9]++)
        (?:[eE][-+]?[0-9]++)?{_END}
    |[-+]?(?:0[xX][0-9a-fA-F]++|Infinity|NaN){_END}|[A-Za-z$_][A-Za-z0-9$_]*+{_END}
    )*+""", re.VERBOSE)
_KEYWORDS = (("null", None), ("true", True), ("false", False))
_scan_once: Any = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
# Containers opened at a depth below this are first tried with the C scanner (a strict-JSON
# part is read whole); the bound keeps a deep chain of failing tries from costing depth x size.
_SCAN_DEPTH = 16


class Json5Error(ValueError):
    def __init__(self, problem: SyntaxProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Failed(Exception):
    pass


def _join_surrogates(text: str) -> str:
    # Escaped pairs make one character, as the client and the strict parser read them.
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _unescape(match: re.Match[str]) -> str:
    escape = match[1]
    if escape[0] in "xu":
        return chr(int(escape[1:], 16))
    return _SIMPLE_ESCAPES.get(escape, escape)


def _common_prefix(text: str, start: int, word: str) -> int:
    k = 0
    while k < len(word) and text.startswith(word[k], start + k):
        k += 1
    return k


class _Json5Reader:
    """The `json5` package's PEG grammar, rule by rule, and its error position: the farthest
    offset any rule failed at (`far`), which is where its message says the text is wrong."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.far = 0
        self.conversion: str | None = None  # the first number Python could not convert
        self._openers: list[int] | None = None  # offsets of every [ and {, when needed
        # What failed C-scanner tries may cost, in characters: each failure counts the lines
        # before it (JSONDecodeError), so in a JSON5-styled text, where most tries fail, they
        # would cost size x size. Enough for a truncated file's chain of tries (one per level).
        self._scan_budget = 2 * _SCAN_DEPTH * self.n + 100_000

    def fail(self, offset: int) -> None:
        if offset > self.far:
            self.far = offset

    def read(self) -> Any:
        try:
            value = self._document()
        except _Failed:
            text, far = self.text, self.far
            found = "end of input" if far >= self.n else f'"{text[far]}"'
            raise Json5Error(SyntaxProblem(f"Unexpected {found}".replace("\n", "\\n"),
                                           *position(text, far))) from None
        if self.conversion is not None:  # the package converts numbers after parsing
            raise Json5Error(SyntaxProblem(self.conversion, 1, 1))
        return value

    # -- whitespace, names, strings, numbers --

    def space(self, i: int) -> int:
        match = SPACE.match(self.text, i)
        i = match.end() if match else i
        self.fail(i)
        if self.text.startswith("/", i):  # a comment that does not start or never ends
            self.fail(self.n if self.text.startswith("/*", i) else i + 1)
        return i

    def _unicode_escape(self, i: int) -> str | None:
        """\\uXXXX at i (the backslash); records where it fails."""
        if not self.text.startswith("u", i + 1):
            self.fail(i + 1)
            return None
        match = _HEX.match(self.text, i + 2, min(i + 6, self.n))
        digits = match.end() - i - 2 if match else 0
        if digits < 4:
            self.fail(i + 2 + digits)
            return None
        return chr(int(self.text[i + 2:i + 6], 16))

    def _name_char(self, i: int, categories: frozenset[str]) -> tuple[str, int] | None:
        text = self.text
        if i >= self.n:
            self.fail(self.n)
            return None
        char = text[i]
        if char.isascii():
            if char.isalpha() or char in "$_" or (char.isdigit() and "Nd" in categories):
                return char, i + 1
        elif unicodedata.category(char) in categories or (
                "Pc" in categories and char in "\u200c\u200d"):
            return char, i + 1
        self.fail(i + 1)  # the category test fails after reading the character
        if char == "\\":
            escaped = self._unicode_escape(i)
            if escaped is not None:
                return escaped, i + 6
        return None

    def name(self, i: int) -> tuple[str, int] | None:
        match = _ASCII_IDENT.match(self.text, i)
        if match:
            chars, i = [match[0]], match.end()
        else:
            first = self._name_char(i, _ID_START)
            if first is None:
                return None
            chars, i = [first[0]], first[1]
        while (char := self._name_char(i, _ID_CONTINUE)) is not None:
            chars.append(char[0])
            i = char[1]
        return _join_surrogates("".join(chars)), i

    def _starts_name(self, i: int) -> bool:
        """Whether a name could start at i (the lookahead after a number)."""
        far = self.far
        started = self._name_char(i, _ID_START) is not None
        if started:
            self.far = far
            self.fail(i)
        return started

    def string(self, i: int) -> tuple[str, int]:
        text, quote = self.text, self.text[i]
        body = _BODY[quote].match(text, i + 1)
        end = body.end() if body else i + 1
        if end < self.n and text[end] == quote:
            raw = text[i + 1:end]
            if "\\" in raw:
                raw = _join_surrogates(_ESCAPES.sub(_unescape, raw))
            return raw, end + 1
        if end < self.n and text[end] == "\\":  # an escape the grammar refuses
            self.fail(end + 1)
            following = text[end + 1:end + 2]
            if following == "x":
                match = _HEX.match(text, end + 2, min(end + 4, self.n))
                self.fail(end + 2 + (match.end() - end - 2 if match else 0))
            elif following == "u":
                self._unicode_escape(end)
            elif following == "0":
                self.fail(end + 2)
        self.fail(end)
        raise _Failed

    def _digits(self, i: int) -> int:
        end = _DIGITS.match(self.text, i).end()  # type: ignore[union-attr]
        self.fail(end)
        return end

    def _fraction(self, i: int) -> int | None:
        if self.text.startswith(".", i):
            return self._digits(i + 1)
        self.fail(i)
        return None

    def _exponent(self, i: int) -> int | None:
        text = self.text
        if i < self.n and text[i] in "eE":
            if i + 1 < self.n and text[i + 1] in "+-":
                return self._digits(i + 2)
            self.fail(i + 1)
            return self._digits(i + 1)
        self.fail(i)
        return None

    def _decimal(self, i: int) -> int | None:
        text = self.text
        whole: int | None = None
        if text.startswith("0", i):
            self.fail(i + 1)
            if text[i + 1:i + 2] not in _DIGIT_CHARS:
                whole = i + 1
        elif i < self.n and text[i] in "123456789":
            whole = self._digits(i + 1)
        else:
            self.fail(i)
        if whole is None:
            end = self._fraction(i)
            if end is None:
                return None
        else:
            end = self._fraction(whole) or whole
        return self._exponent(end) or end

    def _unsigned(self, i: int) -> tuple[str, int] | None:
        text = self.text
        end = self._decimal(i)
        if end is not None and not self._starts_name(end):
            literal = text[i:end].replace("E", "e")
            return literal, end
        if text.startswith(("0x", "0X"), i):
            match = _HEX.match(text, i + 2)
            if match:
                self.fail(match.end())
                return "0x" + match[0], match.end()
            self.fail(i + 2)
        else:
            self.fail(i + 1 if text.startswith("0", i) else i)
        for word in ("Infinity", "NaN"):
            k = _common_prefix(text, i, word)
            if k == len(word):
                return word, i + k
            self.fail(i + k)
        return None

    def number(self, i: int) -> tuple[Any, int]:
        sign = self.text[i:i + 1]
        self.fail(i)
        found = self._unsigned(i + 1) if sign in ("-", "+") else self._unsigned(i)
        if found is None:
            raise _Failed
        literal, end = found
        if sign == "-":
            literal = "-" + literal
        try:
            unsigned = literal.lstrip("-")
            if unsigned.startswith("0x"):
                return int(literal, 16), end
            if "." in literal or "e" in literal:
                return float(literal), end
            if "Infinity" in literal or "NaN" in literal:
                return float(literal.replace("Infinity", "inf").replace("NaN", "nan")), end
            return int(literal), end
        except ValueError as error:
            if self.conversion is None:
                self.conversion = str(error)
            return None, end

    # -- values and containers --

    def scalar(self, i: int) -> tuple[Any, int]:
        text = self.text
        for word, value in _KEYWORDS:
            k = _common_prefix(text, i, word)
            if k == len(word):
                return value, i + k
            self.fail(i + k)
        if i < self.n and text[i] in "\"'":
            return self.string(i)
        return self.number(i)

    def _strict_part(self, i: int, depth: int) -> tuple[Any, int] | None:
        """A strict-JSON value at i read by the C scanner: the grammar reads it alike, and
        every position it could fail at lies within it."""
        if self._scan_budget <= 0:
            return None
        try:
            value, end = _scan_once(self.text, i)
        except StopIteration:  # no value starts at i: found at once
            return None
        except json.JSONDecodeError as error:
            self._scan_budget -= 2 * error.pos - i
            return None
        except (ValueError, RecursionError):  # an integer too long for int(), a deep nest
            self._scan_budget -= 2 * self.n
            return None
        if depth + (end - i) // 2 > MAX_DEPTH:  # it could nest too deep: count its brackets
            if self._openers is None:
                self._openers = [m.start() for m in _OPENERS.finditer(self.text)]
            inside = bisect.bisect_left(self._openers, end) - bisect.bisect_left(self._openers, i)
            if depth + inside > MAX_DEPTH:
                return None  # read it here, where depth is counted
        return value, int(end)

    def _document(self) -> Any:
        text, n = self.text, self.n
        # Each open container: [its value, the key being read (objects)].
        stack: list[list[Any]] = []
        i = self.space(0)
        while True:
            # A value starts at i.
            value: Any
            opened = i < n and text[i] in "{["
            part = (self._strict_part(i, len(stack))
                    if i < n and text[i] in "{[\"" and len(stack) < _SCAN_DEPTH else None)
            if part is not None:
                value, i = part
            elif opened:
                if len(stack) == MAX_DEPTH:
                    raise Json5Error(SyntaxProblem(TOO_DEEP, 1, 1))
                container: Any = {} if text[i] == "{" else []
                stack.append([container, None])
                i = self.space(i + 1)
                if isinstance(container, dict):
                    i = self._key_or_close(i, stack)
                else:
                    i = self._element_or_close(i, stack)
                if stack and stack[-1][0] is container:
                    continue  # a first member or element starts at i
                value = container
            else:
                value, i = self.scalar(i)
            # The value ends at i: store it and close what it completes.
            while True:
                if not stack:
                    i = self.space(i)
                    if i != n:
                        raise _Failed
                    return value
                frame = stack[-1]
                if isinstance(frame[0], dict):
                    frame[0][frame[1]] = value
                else:
                    frame[0].append(value)
                i = self.space(i)
                if i < n and text[i] == ",":
                    i = self.space(i + 1)
                    if isinstance(frame[0], dict):
                        i = self._key_or_close(i, stack)
                    else:
                        i = self._element_or_close(i, stack)
                    if stack and stack[-1] is frame:
                        break  # another member or element starts at i
                else:
                    self.fail(i)
                    closer = "}" if isinstance(frame[0], dict) else "]"
                    if not text.startswith(closer, i):
                        raise _Failed
                    stack.pop()
                    i += 1
                value = frame[0]

    def _key_or_close(self, i: int, stack: list[list[Any]]) -> int:
        """A member's key and colon at i, or the object's closing brace (after a trailing
        comma, or in an empty object): the offset after it. Pops the object when closed."""
        text = self.text
        self.fail(i)
        key = self.string(i) if text.startswith(("\"", "'"), i) else self.name(i)
        if key is None:
            if not text.startswith("}", i):
                raise _Failed
            stack.pop()
            return i + 1
        stack[-1][1], i = key
        i = self.space(i)
        if not text.startswith(":", i):
            raise _Failed
        return self.space(i + 1)

    def _element_or_close(self, i: int, stack: list[list[Any]]) -> int:
        if self.text.startswith("]", i):
            self.fail(i)
            stack.pop()
            return i + 1
        return i


def loads(text: str, may_parse: bool = True) -> Any:
    """The value JSON5 reads from the text; Json5Error (a ValueError) where it cannot.

    may_parse=False skips the fast parser when the text is known to fail (strict parsing ran
    out of text: a truncated download), so only the error's position is worked out.
    """
    if may_parse and _SAFE_JSON5.fullmatch(text):
        import pyjson5  # only for files that are not strict JSON: most never need it

        try:
            return pyjson5.decode(text, maxdepth=MAX_DEPTH)
        except Exception:  # what it refuses is read, and located, below
            pass
    return _Json5Reader(text).read()
