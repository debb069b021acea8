"""Reading a SOURCE argument: a file path or an http(s) URL, with a size cap."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from altsim.cli import output
from altsim.core.diagnostics import Diagnostic, Severity
from altsim.core.profiles import ClientProfile
from altsim.core.safe_text import printable
from altsim.net.limits import FetchLimits, size_limit
from altsim.net.local_file import file_cap, read_capped
from altsim.net.samples import SAMPLE_SCHEME, is_sample, sample_path

if TYPE_CHECKING:
    from altsim.net.fetch import FetchError

SOURCE_LIMITS = FetchLimits(concurrency=1)  # one SOURCE fetched at a time
HTTP_STATUS = "http-status"  # the diagnostic code of a non-2xx answer


class InputError(Exception):
    """A SOURCE that cannot be read; the message is one line naming it, safe to print (a name
    from a glob over a contributor's files, or a server's words, may hold escapes)."""

    def __init__(self, message: str) -> None:
        super().__init__(printable(message, keep_newlines=False))


@dataclass(frozen=True, slots=True)
class SourceInput:
    """A SOURCE's bytes, and what the server said beside them (None for a file or a 2xx)."""

    body: bytes = field(repr=False)
    status_warning: str | None = None
    status: int | None = None  # the HTTP status; None for a file
    url: str | None = None  # where the body came from (relative URLs resolve against it)

    def status_diagnostic(self, profile: ClientProfile | None = None) -> Diagnostic | None:
        """The server's non-2xx status as a warning on the result (the client decodes the body
        anyway, behaviour.md 1.1). None for a client that stops at the status: its verdict says
        so (check_source's `http_status`, behaviour.md 17.1)."""
        if self.status_warning is None or (profile is not None and profile.http_status_is_error):
            return None
        return Diagnostic(Severity.WARNING, HTTP_STATUS, self.status_warning, "")


def read_source(name: str, limits: FetchLimits = SOURCE_LIMITS) -> SourceInput:
    """A file, a bundled sample or a URL's body; `limits.max_bytes` caps a file's size too."""
    if name.startswith(("http://", "https://")):
        from altsim.net.fetch import FetchError, fetch_source  # httpx only when needed

        try:
            fetched = fetch_source(name, limits)
        except FetchError as error:
            raise InputError(f"{error.url}: {fetch_failure(error)}") from None
        return SourceInput(fetched.body, fetched.status_warning, fetched.status, fetched.url)
    try:
        path = sample_path(name[len(SAMPLE_SCHEME):]) if is_sample(name) else Path(name)
    except ValueError as error:
        raise InputError(f"{name}: {error}") from None
    try:
        if path.is_dir():
            raise InputError(f"{name}: is a directory")
        cap = file_cap(path, limits)
        body = read_capped(path, cap)
        if body is None:
            assert cap is not None
            raise InputError(f"{name}: larger than {size_limit(cap)} (--max-size raises the "
                             "limit)")
        return SourceInput(body)
    except OSError as error:
        raise InputError(f"{name}: {error.strerror or error}") from None
    except MemoryError:
        raise InputError(f"{name}: not enough memory to read a file this large") from None


_FROM_HERE = "check your network, or that the host is up"


def fetch_failure(error: FetchError) -> str:
    """Why a URL could not be read, worded by the failure's kind: a name that does not resolve
    or a connection refused is a failure seen from this machine, not proof the URL is wrong."""
    if error.kind == "connect":
        cause = error.reason.removeprefix("cannot connect: ")
        return f"could not connect from this machine ({cause}); {_FROM_HERE}"
    if error.kind == "timeout":
        return f"{error.reason}; {_FROM_HERE}"  # "no data for 20 s after 1.2 MB", say
    if error.kind == "tls":
        return (f"{error.reason}; from this machine: check the server's certificate, or a proxy "
                "that intercepts TLS")
    return error.reason


def read_or_report(name: str, command: str,
                   limits: FetchLimits = SOURCE_LIMITS) -> SourceInput | None:
    """The SOURCE, or None after telling the user on stderr why it cannot be read. A non-2xx
    status is told on stderr too, as a warning: the body is used all the same."""
    try:
        source = read_source(name, limits)
    except InputError as error:
        output.error(f"altsim {command}: cannot read {error}")
        return None
    if source.status_warning is not None:
        output.error(f"altsim {command}: warning: {printable(name, keep_newlines=False)}: "
                     f"{printable(source.status_warning, keep_newlines=False)}")
    return source
