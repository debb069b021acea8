"""How the QA commands end: everything printed, the process exits without freeing what it built.

Freeing a 20 MB source's model object by object costs time and helps no one once the output is
written (mypy ends the same way). A command hands what it built to `keep`, so it is still
referenced when `exit_now` ends the process, rather than freed as the command returns.
"""

from __future__ import annotations

import os

from altsim.cli import output

_kept: list[object] = []


def keep(built: object) -> None:
    _kept.append(built)


def exit_now(status: int) -> None:
    output.flush()
    os._exit(status)
