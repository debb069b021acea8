"""A progress bar on stderr for long downloads; silent when stderr is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from altsim.core.safe_text import printable


class Downloads:
    """One bar for the file being downloaded, one for how many of ``count`` are done."""

    def __init__(self, progress: Progress, count: int) -> None:
        self._progress = progress
        self._overall = progress.add_task("archives", total=count)
        self._current: TaskID | None = None

    def start(self, label: str) -> Callable[[int, int | None], None]:
        """A new bar named ``label``; the callback moves it (bytes received, announced)."""
        task = self._current = self._progress.add_task(printable(label, keep_newlines=False),
                                                       total=None)

        def advance(received: int, total: int | None) -> None:
            self._progress.update(task, completed=received, total=total)

        return advance

    def finish(self) -> None:
        if self._current is not None:
            self._progress.remove_task(self._current)
            self._current = None
        self._progress.advance(self._overall)


@contextmanager
def download_progress(count: int) -> Iterator[Downloads]:
    # markup=False: the labels come from the source (bundle IDs, versions)
    console = Console(stderr=True, markup=False, highlight=False)
    progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                        DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn(),
                        console=console, transient=True,
                        disable=not (console.is_terminal and sys.stderr.isatty()))
    with progress:
        yield Downloads(progress, count)
