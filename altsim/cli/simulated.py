"""What the commands over the simulated user's state share: opening it (and saying when a state file
was set aside), running network work, the --format option and printing a result or a
failure. State lives in the user data directory (`ALTSIM_HOME` overrides it)."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from altsim.cli import output
from altsim.cli.errors import UsageError
from altsim.core.safe_text import printable

if TYPE_CHECKING:
    from altsim.sim.simulator import Simulator
    from altsim.state import UserState

_T = TypeVar("_T")


def open_simulator() -> Simulator:
    """The simulator over the simulated user's saved state. A state file that could not be read
    was moved aside when the user state opened: the user is told so on stderr, whichever
    command opened it."""
    from altsim.sim.simulator import Simulator
    from altsim.state import open_user_state

    store = open_user_state()
    set_aside = store.load().set_aside
    if set_aside is not None:
        output.error(f"altsim: {set_aside.message}")
    return Simulator(store)


def run_network(sim: Simulator, work: Coroutine[Any, Any, _T]) -> _T:
    """Run network work, then close the simulator's connections in the same event loop."""
    import asyncio  # here: `altsim check` and `preview` start without it

    async def run() -> _T:
        try:
            return await work
        finally:
            await sim.aclose()

    return asyncio.run(run())


@contextlib.contextmanager
def changing(sim: Simulator) -> Iterator[UserState]:
    """The user state, to change as the arguments say; a change it would not keep is refused."""
    from altsim.sim.simulator import FlowError

    try:
        with sim.changing() as user_state:
            yield user_state
    except FlowError as error:
        raise UsageError(str(error)) from None


def fail(error: Exception) -> int:
    """A flow the client refused: its reason on one line, exit status 1."""
    output.error(f"altsim: {printable(str(error), keep_newlines=False)}")
    return 1


def add_format_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", default="text", choices=("text", "json"),
                        help="text for people, json for tools")


def emit(document: object, text: str, args: argparse.Namespace) -> None:
    """``document`` with --format json, else ``text``."""
    if args.format == "json":
        output.write_json(document, indent=1)
    else:
        output.write(text)
