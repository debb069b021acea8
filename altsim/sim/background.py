"""The background refresh loop (behaviour.md 6.4, 9.1): the client asks iOS for a fetch at least
hourly; here any interval, never two refreshes at once, cancellable, "refresh now" on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from altsim.sim.simulator import RefreshReport, Show, Simulator

Observer = Callable[[RefreshReport], None]
FailureObserver = Callable[[Exception], None]

logger = logging.getLogger(__name__)


class BackgroundLoop:
    def __init__(self, simulator: Simulator, interval: float) -> None:
        self.simulator = simulator
        self.interval = interval  # seconds between background refreshes
        self.observers: list[Observer] = []  # told after each refresh, once committed
        self.show: Show | None = None  # shows each refresh's notifications (Simulator.refresh)
        # told when a refresh of the loop's own ticks raises (refresh_now raises to its caller)
        self.failure_observers: list[FailureObserver] = []
        self._lock = asyncio.Lock()  # one refresh at a time, background or on demand
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="altsim background refresh")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def refresh_soon(self) -> None:
        """Run a background refresh now instead of at the next tick."""
        self._wake.set()

    async def refresh_now(self, *, background: bool = True,
                          progress: Callable[[int, int], None] | None = None) -> RefreshReport:
        """One refresh, after any running one; observers hear of it."""
        async with self._lock:
            refreshed = await self.simulator.refresh(background=background, progress=progress,
                                                     show=self.show)
        for observer in list(self.observers):
            observer(refreshed)
        return refreshed

    async def _run(self) -> None:
        while True:
            # Sleeps on an event: an idle loop costs no CPU between ticks.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            try:
                await self.refresh_now(background=True)
            except Exception as error:  # the loop outlives a failed refresh: the next tick retries
                if not self.failure_observers:
                    logger.error("background refresh failed", exc_info=error)
                for failed in list(self.failure_observers):
                    failed(error)
