"""How every command's --help is laid out: a module of its own, so that `altsim.cli` can build
its top-level parser without the client profiles that `options` needs."""

from __future__ import annotations

import argparse
import os
import sys


def terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`, without importing shutil (and with it bz2, lzma
    and zlib: 2 ms of every start, since argparse builds a formatter for each option added):
    COLUMNS when it is a positive integer, else the width of the terminal on stdout, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    stdout = sys.__stdout__
    try:
        if stdout is not None:
            return os.get_terminal_size(stdout.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):  # closed, detached, or not a terminal
        pass
    return 80


class HelpWithExamples(argparse.HelpFormatter):
    """Help whose description and epilog are wrapped line by line, and whose indented lines
    (the epilog's example commands: every command's --help ends with some) are kept whole."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        # argparse's own default, terminal_columns() - 2, read without shutil
        super().__init__(prog, indent_increment, max_help_position,
                         terminal_columns() - 2 if width is None else width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap  # only when help is shown

        return "\n".join(indent + line if line.startswith(" ") else
                         textwrap.fill(line, width, initial_indent=indent,
                                       subsequent_indent=indent)
                         for line in text.splitlines())
