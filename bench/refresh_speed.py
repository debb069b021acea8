"""How long does refreshing many sources take, next to the ideal and to fetching one by one?

A loopback HTTP/1.1 server, in a process of its own (so its work is not counted as the
client's, nor slows it), holds every response 200 ms, then sends a real source
(sample_sources/clean.json). `SourceFetcher.fetch_all` refreshes 1,000 distinct source URLs
from it, for several concurrency caps, the default among them. Printed side by side, per cap:

  ideal       ceil(1000 / concurrency) rounds x 0.2 s: the latency bound (the anchor)
  sequential  1000 x 0.2 s computed, and measured on 10 sources one at a time, extrapolated
  cold        measured: the first refresh of a new fetcher (connections opened)
  warm        measured: a second refresh with the same fetcher (connections reused)
  cpu/fetch   the client's CPU time per fetch in the cold refresh

The target (1,000 sources held 200 ms each refresh in at most 1.3x the latency-bound
ideal at the default concurrency) is checked for the default cap, on the slower of cold and
warm. This is a measurement, not a test: it exits 0 whatever the times, and 1 only when a
fetch fails.

Run: python bench/refresh_speed.py [--sources 1000] [--hold 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from altsim.net.fetch import FetchError, FetchLimits, SourceFetcher  # noqa: E402

BODY = (ROOT / "sample_sources" / "clean.json").read_bytes()
TARGET = 1.3  # the slowest refresh / the ideal, at the default concurrency
CAPS = (16, 32, FetchLimits().concurrency, 200)
SAMPLE = 10  # sources fetched one at a time, to measure the sequential cost


class HoldingServer:
    """Answers every GET with BODY after `hold` seconds; keep-alive; runs in its own process."""

    def __init__(self, hold: float) -> None:
        self.hold = hold
        ports: multiprocessing.Queue[int] = multiprocessing.Queue()
        self.ports = ports
        self.process = multiprocessing.Process(target=_serve_forever, args=(hold, ports),
                                               daemon=True)
        self.port = 0

    def __enter__(self) -> HoldingServer:
        self.process.start()
        self.port = self.ports.get(timeout=30)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.process.terminate()
        self.process.join()


def _serve_forever(hold: float, ports: multiprocessing.Queue[int]) -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(BODY)}\r\n\r\n").encode()
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                await asyncio.sleep(hold)
                writer.write(head + BODY)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        # backlog: hundreds of connections may arrive at once; a dropped SYN costs a 1 s retry
        server = await asyncio.start_server(serve, "127.0.0.1", 0, backlog=4096)
        ports.put(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


async def refresh(fetcher: SourceFetcher, urls: list[str]) -> tuple[float, int, float]:
    """Seconds for one fetch_all, how many fetches failed, and the client's CPU seconds."""
    start, cpu = time.perf_counter(), time.process_time()
    results = await fetcher.fetch_all(urls)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    failed = [r for r in results if isinstance(r, FetchError) or r.body != BODY]
    for result in failed[:3]:
        print(f"  failed: {result}", file=sys.stderr)
    return elapsed, len(failed), cpu


async def measure(port: int, sources: int, hold: float) -> int:
    urls = [f"http://127.0.0.1:{port}/source-{i}.json" for i in range(sources)]
    failures = 0
    async with SourceFetcher(FetchLimits(concurrency=1)) as fetcher:
        sample, failed, _ = await refresh(fetcher, urls[:SAMPLE])
        failures += failed
    sequential = sample / SAMPLE * sources
    computed = sources * hold
    default = FetchLimits().concurrency
    print(f"Refreshing {sources} sources, each held {hold * 1000:.0f} ms by a loopback server")
    print(f"sequential: {computed:.1f} s computed; {sequential:.2f} s measured "
          f"({SAMPLE} one at a time, x{sources // SAMPLE})\n")
    print(f"{'concurrency':>11}  {'ideal':>7}  {'cold':>7}  {'warm':>7}  {'cold/ideal':>10}  "
          f"{'sequential/cold':>15}  {'cpu/fetch':>9}")
    verdict = ""
    for cap in sorted(set(CAPS)):
        ideal = math.ceil(sources / cap) * hold
        async with SourceFetcher(FetchLimits(concurrency=cap)) as fetcher:
            cold, failed_cold, cpu = await refresh(fetcher, urls)
            warm, failed_warm, _ = await refresh(fetcher, urls)
        failures += failed_cold + failed_warm
        mark = "  <- default" if cap == default else ""
        print(f"{cap:>11}  {ideal:>6.2f}s  {cold:>6.2f}s  {warm:>6.2f}s  {cold / ideal:>9.2f}x  "
              f"{sequential / cold:>14.1f}x  {cpu / sources * 1000:>6.2f} ms{mark}")
        if cap == default:
            worst = max(cold, warm) / ideal
            met = "met" if worst <= TARGET else "NOT met"
            verdict = (f"\ntarget <= {TARGET:g}x the ideal with the default concurrency "
                       f"{default}: {met} (slowest refresh {worst:.2f}x the ideal)")
    print(verdict)
    if failures:
        print(f"{failures} fetches failed", file=sys.stderr)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--hold", type=float, default=0.2, help="seconds per response")
    args = parser.parse_args()
    with HoldingServer(args.hold) as server:
        return asyncio.run(measure(server.port, args.sources, args.hold))


if __name__ == "__main__":
    sys.exit(main())
