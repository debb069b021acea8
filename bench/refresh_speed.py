"""How long does refreshing many sources take, next to the ideal and to fetching one by one?

A loopback HTTP/1.1 server (its own thread and event loop) holds every response 200 ms, then
sends a real source (sample_sources/clean.json). `SourceFetcher.fetch_all` refreshes 200
distinct source URLs from it, for several concurrency caps, the default among them. Printed
side by side, per cap:

  ideal       ceil(200 / concurrency) rounds x 0.2 s (0.2 s once concurrency >= 200)
  sequential  200 x 0.2 s = 40 s computed, and measured on 10 sources one at a time,
              extrapolated to 200
  cold        measured: the first refresh of a new fetcher (connections opened)
  warm        measured: a second refresh with the same fetcher (connections reused)

The target (issue: refreshing 200 sources from a loopback server that holds each response
200 ms finishes in <= 2 s) is checked for the default cap. This is a measurement, not a test:
it exits 0 whatever the times, and 1 only when a fetch fails.

Run: python bench/refresh_speed.py [--sources 200] [--hold 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from altsim.net.fetch import FetchError, FetchLimits, SourceFetcher  # noqa: E402

BODY = (ROOT / "sample_sources" / "clean.json").read_bytes()
TARGET = 2.0  # seconds, for 200 sources held 200 ms each
CAPS = (16, 32, FetchLimits().concurrency, 200)
SAMPLE = 10  # sources fetched one at a time, to measure the sequential cost


class HoldingServer:
    """Answers every GET with BODY after `hold` seconds; keep-alive; runs in a thread."""

    def __init__(self, hold: float) -> None:
        self.hold = hold
        self.ready = threading.Event()
        self.port = 0
        self.thread = threading.Thread(target=asyncio.run, args=(self._main(),), daemon=True)

    def __enter__(self) -> HoldingServer:
        self.thread.start()
        self.ready.wait()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self.thread.join()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        # backlog: 200 connections may arrive at once; a dropped SYN costs a 1 s retry
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=1024)
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        await self._stop.wait()
        server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(BODY)}\r\n\r\n").encode()
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                await asyncio.sleep(self.hold)
                writer.write(head + BODY)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def refresh(fetcher: SourceFetcher, urls: list[str]) -> tuple[float, int]:
    """Seconds for one fetch_all, and how many fetches failed."""
    start = time.perf_counter()
    results = await fetcher.fetch_all(urls)
    elapsed = time.perf_counter() - start
    failed = [r for r in results if isinstance(r, FetchError) or r.body != BODY]
    for result in failed[:3]:
        print(f"  failed: {result}", file=sys.stderr)
    return elapsed, len(failed)


async def measure(port: int, sources: int, hold: float) -> int:
    urls = [f"http://127.0.0.1:{port}/source-{i}.json" for i in range(sources)]
    failures = 0
    async with SourceFetcher(FetchLimits(concurrency=1)) as fetcher:
        sample, failed = await refresh(fetcher, urls[:SAMPLE])
        failures += failed
    sequential = sample / SAMPLE * sources
    computed = sources * hold
    default = FetchLimits().concurrency
    print(f"Refreshing {sources} sources, each held {hold * 1000:.0f} ms by a loopback server")
    print(f"sequential: {computed:.1f} s computed; {sequential:.2f} s measured "
          f"({SAMPLE} one at a time, x{sources // SAMPLE})\n")
    print(f"{'concurrency':>11}  {'ideal':>7}  {'cold':>7}  {'warm':>7}  {'cold/ideal':>10}  "
          f"{'sequential/cold':>15}")
    verdict = ""
    for cap in sorted(set(CAPS)):
        ideal = math.ceil(sources / cap) * hold
        async with SourceFetcher(FetchLimits(concurrency=cap)) as fetcher:
            cold, failed_cold = await refresh(fetcher, urls)
            warm, failed_warm = await refresh(fetcher, urls)
        failures += failed_cold + failed_warm
        mark = "  <- default" if cap == default else ""
        print(f"{cap:>11}  {ideal:>6.2f}s  {cold:>6.2f}s  {warm:>6.2f}s  {cold / ideal:>9.2f}x  "
              f"{sequential / cold:>14.1f}x{mark}")
        if cap == default:
            worst = max(cold, warm)
            met = "met" if worst <= TARGET else "NOT met"
            verdict = (f"\ntarget <= {TARGET:g} s with the default concurrency {default}: {met} "
                       f"(slowest refresh {worst:.2f} s, {TARGET / worst:.1f}x margin)")
    print(verdict)
    if failures:
        print(f"{failures} fetches failed", file=sys.stderr)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--hold", type=float, default=0.2, help="seconds per response")
    args = parser.parse_args()
    with HoldingServer(args.hold) as server:
        return asyncio.run(measure(server.port, args.sources, args.hold))


if __name__ == "__main__":
    sys.exit(main())
