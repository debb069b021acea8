"""Fuzz cases for the command line: from one seed, a mutated source and an altsim command line.

A ``Case`` is everything one run needs, drawn from ``random.Random(seed)``: the corpus file,
the mutations (``tests/mutate.py``), the command and its options, and for ``check URL`` the
response the local server gives (status, reason, headers, body). The same seed gives the same
case, so a failure is reproduced by its seed (``python tests/fuzz_long.py --replay SEED``).
"""

from __future__ import annotations

import functools
import gzip
import json
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .mutate import mutate_bytes, mutate_structure

CORPUS = Path(__file__).resolve().parent / "corpus"

COMMANDS = ("check", "preview", "matrix", "diff")
FORMATS = {"check": ("text", "json", "github"), "preview": ("text", "json"),
           "matrix": ("text", "json"), "diff": ("text", "json")}
# Every (command, format) the suite drives; "check-url" is check of a URL on the local server.
FAMILIES = [(command, fmt) for command in (*COMMANDS, "check-url") for fmt in
            FORMATS["check" if command == "check-url" else command]]

CLIENTS = ["altstore", "altstore-pal", "altstore-1.7", "sidestore", "sidestore-0.5"]
SEVERAL_CLIENTS = ["all", "altstore,sidestore", "sidestore-0.5,altstore-1.7"]
IOS = ["12.5.7", "14.8", "15.0", "16.4", "17.0", "17.4.1", "18.1"]
NOW = ["2024-06-01T12:00:00Z", "2020-01-01T00:00:00Z", "0001-01-03T00:00:00Z",
       "9999-12-29T00:00:00Z", "2024-02-29T23:59:59+14:00"]
LOCALES = ["en_US", "de_DE", "ja_JP", "ar_EG", "he_IL", "fa_IR", "zh_Hans_CN"]
ZONES = ["UTC", "Europe/Berlin", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Tehran"]
# In CI mode, the files small enough that a mutation broken into JSON5 parses in well under a
# second (the JSON5 parser is pure Python); long mode takes any file, small ones more often.
CI_MAX_BYTES = 25_000


def corpus_sources(long: bool) -> list[Path]:
    files = sorted(CORPUS.glob("*.json"))
    return files if long else [path for path in files if path.stat().st_size <= CI_MAX_BYTES]


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """What the local server sends for a case: a raw status line, raw headers, raw body."""

    status: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes  # as sent: encoded, chunked
    plain: bytes  # the mutated source itself, what an honest redirect ("{ok}") leads to


@dataclass(slots=True)
class Case:
    seed: int
    command: str  # check, preview, matrix, diff, or check-url
    format: str
    corpus_file: str
    new: bytes = field(repr=False)  # the mutated source (NEW for diff)
    steps: list[str]  # what was mutated, in words
    options: list[str]  # the command's options, SOURCE arguments left out
    old: bytes | None = field(default=None, repr=False)  # OLD for diff
    http: HttpAnswer | None = None  # check-url only
    file_name: str = "source.json"  # the name the mutated file is written under
    subprocess: bool = False  # run as a real process rather than in this one
    long: bool = False  # drawn in long mode (from the whole corpus)

    def argv(self, new: str, old: str | None = None) -> list[str]:
        """The command line, with the mutated source at ``new`` (a path or URL)."""
        command = "check" if self.command == "check-url" else self.command
        sources = [old, new] if self.command == "diff" else [new]
        return [command, *[s for s in sources if s is not None], *self.options]


def make_case(seed: int, *, long: bool = False, family: tuple[str, str] | None = None,
              subprocess: bool = False) -> Case:
    """The case of ``seed``; ``family`` (command, format) pins what the seed would choose."""
    rng = random.Random(seed)
    drawn = rng.choice(FAMILIES)  # drawn even when pinned: the rest of the case is the same
    command, fmt = family or drawn
    files = corpus_sources(long)
    if long:  # small files more often: a broken big one costs seconds in the JSON5 parser
        path = rng.choices(files, [1 / (path.stat().st_size ** 0.5) for path in files])[0]
    else:
        path = rng.choice(files)
    original = path.read_bytes()
    structural = rng.random() < 0.6
    new, steps = (mutate_structure if structural else mutate_bytes)(rng, original)
    options = _options(rng, command, fmt, original)
    case = Case(seed, command, fmt, path.name, new, steps, options, subprocess=subprocess,
                long=long)
    if command == "diff":
        # OLD is the corpus file as published (sometimes mutated too), mostly under a client
        # that accepts it (the refresh is what to fuzz); sometimes a rejected OLD, which diff
        # takes as "users keep their last good copy".
        case.old = original if rng.random() < 0.85 else mutate_structure(rng, original)[0]
        if rng.random() < 0.8:
            _choose_a_client_that_accepts(case.options, path)
    if command == "check-url":
        case.http = _http_answer(rng, new)
    if rng.random() < 0.05:
        case.file_name = rng.choice(["\x1b[31mred.json", "a\u202eNOSJ.json", "\x9b2J.json",
                                     "\udcff\udcfe.json", "name\nnewline.json", "-dash.json"])
        steps.append(f"file name {case.file_name!r}")
    return case


def _options(rng: random.Random, command: str, fmt: str, original: bytes) -> list[str]:
    options = ["--format", fmt]
    several = command in ("check", "check-url", "preview", "matrix")
    if rng.random() < 0.8:
        choice = rng.choice(CLIENTS + (SEVERAL_CLIENTS if several else []))
        options += ["--client", choice]
    if command == "matrix":
        options += ["--ios", ",".join(rng.sample(IOS, rng.randint(1, 4)))]
    elif rng.random() < 0.7:
        options += ["--ios", rng.choice(IOS)]
    if command in ("check", "check-url"):
        if rng.random() < 0.3:
            options.append("--strict")
    if command in ("check", "check-url", "preview", "matrix", "diff") and rng.random() < 0.2:
        options += ["--date-prefix", "reject"]
    if command in ("preview", "matrix", "diff"):
        options += ["--now", rng.choice(NOW)]
        if rng.random() < 0.3:
            options += ["--locale", rng.choice(LOCALES), "--tz", rng.choice(ZONES)]
        if rng.random() < 0.2:
            options += ["--device", "ipad"]
        bundles = _bundle_ids(original)
        for bundle in rng.sample(bundles, min(len(bundles), rng.randint(0, 2))):
            options += ["--installed", f"{bundle}={rng.choice(['0.1', '1.0', '99', '1.0 (1)'])}"]
            if rng.random() < 0.3:
                options += ["--installed-build", f"{bundle}=1"]
        if rng.random() < 0.2:
            options += ["--pledge", rng.choice(["0", "5", "4.50"])]
        if rng.random() < 0.2:
            options += ["--beta-track", rng.choice(["alpha", "nightly"])]
    if command == "diff" and rng.random() < 0.3:
        options.append("--no-build-bug")
    if rng.random() < 0.03:  # an option a script built from hostile text (most are refused)
        options += rng.choice(HOSTILE_OPTIONS.get(command, []) + HOSTILE_OPTIONS["any"])
    return options


_ESC = "\x1b[31m\x9b\u202e\u2028"
HOSTILE_OPTIONS = {
    "any": [["--client", _ESC], ["--ios", _ESC], ["--ios", "\ud800"], ["--ios", "99999999999"],
            ["--client", "altstore,\x1b"], ["--format", _ESC]],
    "preview": [["--installed", f"com.a{_ESC}=1{_ESC}"], ["--as", f"https://x/{_ESC}"],
                ["--locale", _ESC], ["--tz", _ESC], ["--now", _ESC], ["--pledge", "NaN"],
                ["--tier", _ESC, "--benefit", _ESC], ["--installed", "\udcff=1"]],
    "matrix": [["--installed", f"com.a{_ESC}=1"], ["--ios", f"17.0,{_ESC}"],
               ["--now", "9999-12-31T23:59:59-12:00"], ["--locale", "xx_\x1b"]],
    "diff": [["--installed", f"{_ESC}=1"], ["--installed-build", f"{_ESC}=1"],
             ["--tz", "\x1b"], ["--now", "0001-01-01T00:00:00+14:00"]],
}


def _choose_a_client_that_accepts(options: list[str], path: Path) -> None:
    """Replace ``--client`` by the first client accepting the unmutated file, if any."""
    ios = options[options.index("--ios") + 1] if "--ios" in options else "17.0"
    chosen = options[options.index("--client") + 1] if "--client" in options else CLIENTS[0]
    if _accepts(path, chosen, ios):
        return
    for client in CLIENTS:
        if _accepts(path, client, ios):
            if "--client" in options:
                options[options.index("--client") + 1] = client
            else:
                options += ["--client", client]
            return


@functools.cache
def _accepts(path: Path, client: str, ios: str) -> bool:
    from altsim.core.check import client_verdict
    from altsim.core.profiles import PROFILES
    from altsim.core.values import parse_device_version

    version = parse_device_version(ios)
    if version is None or client not in PROFILES:
        return False
    return client_verdict(path.read_bytes(), PROFILES[client], version).source is not None


def _bundle_ids(raw: bytes) -> list[str]:
    try:
        apps = json.loads(raw.decode("utf-8-sig")).get("apps")
        return [app["bundleIdentifier"] for app in apps
                if isinstance(app.get("bundleIdentifier"), str)][:20]
    except (ValueError, AttributeError, TypeError, KeyError):
        return []


# --- what the local server answers ---------------------------------------------------------

STATUSES = [200, 200, 200, 200, 201, 203, 204, 206, 301, 302, 303, 307, 308, 304, 400, 403,
            404, 410, 418, 500, 502, 503, 599, 299, 999]
REASONS = [b"OK", b"", b"Not Found", b"Internal Server Error\x1b[31m", b"\xc2\x9b2J",
           b"\xe2\x80\xae reversed", b"\x85\x9b\x7f", b"\xff\xfe", b"\t tabbed", b"x" * 4000]
CONTENT_TYPES = [b"application/json", b"application/json; charset=utf-8", b"text/html",
                 b"text/plain; charset=utf-16", b"application/octet-stream", b"\x1b[31m",
                 b"application/json; charset=\xff", b""]


def _http_answer(rng: random.Random, body: bytes) -> HttpAnswer:
    status = rng.choice(STATUSES)
    plain = body
    headers: list[tuple[bytes, bytes]] = []
    if rng.random() < 0.8:
        headers.append((b"Content-Type", rng.choice(CONTENT_TYPES)))
    body, encodings = _encode_body(rng, body)
    if encodings:
        headers.append((b"Content-Encoding", encodings))
    framing = rng.choices(["length", "none", "short", "long", "bad", "twice", "chunked"],
                          [8, 2, 1, 1, 1, 1, 2])[0]
    if framing == "chunked":
        headers.append((b"Transfer-Encoding", b"chunked"))
        pieces = [body[i:i + 777] for i in range(0, len(body), 777)]
        body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
        if rng.random() < 0.2:  # a broken chunk size
            body = b"zz\r\n" + body
    else:
        length = {"length": str(len(body)), "short": str(max(len(body) - 10, 0)),
                  "long": str(len(body) + 100), "bad": rng.choice(["abc", "-1", "1e3", " 5 "]),
                  "twice": str(len(body))}.get(framing)
        if length is not None:
            headers.append((b"Content-Length", length.encode()))
        if framing == "twice":
            headers.append((b"Content-Length", str(len(body) + 1).encode()))
    if 300 <= status < 400 and status != 304:
        where = rng.choice(["ok", "ok", "loop", "refused", "hostile", "empty", "malformed"])
        # {ok} and {self} are filled in by the server: its OK route, the requested path
        location = {"ok": b"{ok}", "loop": b"{self}", "refused": b"http://127.0.0.1:1/x",
                    "hostile": b"/\x1b[31m\xc2\x9b", "empty": b"", "malformed": b"http://[::1"
                    }[where]
        headers.append((b"Location", location))
    if rng.random() < 0.1:
        headers.append((rng.choice([b"X-Evil", b"Set-Cookie", b"Retry-After"]),
                        rng.choice([b"\x1b[31m", b"\xc2\x9b", b"x" * 10_000])))
    return HttpAnswer(status, rng.choice(REASONS), headers, body, plain)


def _encode_body(rng: random.Random, body: bytes) -> tuple[bytes, bytes]:
    """The body as sent and its Content-Encoding (b"" for none): honest, lying or absurd."""
    kind = rng.choices(["none", "gzip", "deflate", "double", "lie", "unknown", "many",
                        "truncated"], [10, 3, 2, 1, 1, 1, 1, 1])[0]
    if kind == "gzip":
        return gzip.compress(body), b"gzip"
    if kind == "deflate":
        return zlib.compress(body), b"deflate"
    if kind == "double":
        return gzip.compress(gzip.compress(body)), b"gzip, gzip"
    if kind == "lie":  # says gzip, is not
        return body, rng.choice([b"gzip", b"deflate"])
    if kind == "unknown":
        return body, rng.choice([b"br", b"x-unknown", b"identity", b"\x1b[31m", b"gzip;q=1"])
    if kind == "many":  # the list of codings a hostile server can make as long as it likes
        count = rng.choice([50, 1_000, 5_000])
        return body, b", ".join([rng.choice([b"identity", b"gzip"])] * count)
    if kind == "truncated":
        return gzip.compress(body)[:-20], b"gzip"
    return body, b""


def describe(case: Case) -> str:
    """The case in a few lines, for a failure message and a reproducer's command.txt."""
    lines = [f"seed {case.seed}: {case.command} --format {case.format} of "
             f"{case.corpus_file}, mutated: " + "; ".join(case.steps)]
    if case.http is not None:
        answer = case.http
        lines.append(f"HTTP {answer.status} {answer.reason[:60]!r}, headers "
                     + ", ".join(f"{k.decode()}: {v[:60]!r}" for k, v in answer.headers))
    return "\n".join(lines)
