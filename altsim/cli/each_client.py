"""The output of a command run for several clients (`--client all`): each client's text under a
heading naming the client, or one JSON document `{"results": [doc, …]}` of each client's
document, written as each is made so only one client's document is held at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from altsim.cli import output
from altsim.core.profiles import ClientProfile
from altsim.core.safe_text import printable

_RULE = "#" * 78


def client_heading(profile: ClientProfile) -> str:
    return f"{_RULE}\n# {printable(profile.title, keep_newlines=False)}\n{_RULE}\n"


class EachClientOutput:
    """Writes the documents of one run, one client after another, to stdout."""

    def __init__(self, render_text: Callable[[dict[str, Any]], str], *, as_json: bool) -> None:
        self.render_text = render_text
        self.as_json = as_json
        self.written = 0

    def write(self, profile: ClientProfile, document: dict[str, Any]) -> None:
        if self.as_json:
            output.write_json(document, before='{"results": [' if not self.written else ", ",
                              end="")
        else:
            output.write(("\n" if self.written else "") + client_heading(profile)
                         + self.render_text(document))
        self.written += 1

    def close(self) -> None:
        if self.as_json:
            output.write(("]}" if self.written else '{"results": []}') + "\n")
