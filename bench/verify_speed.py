"""Does `altsim verify` stream a 200 MB archive once, read only what it needs, in little memory?

A 200 MiB IPA is built in a temporary folder, shaped like a real one: Info.plist, a 40 MiB
executable (20 MiB deflated) with an entitlements blob at its end, an 80 MiB stored framework
and a 100 MiB stored asset catalogue (the last two are never read: the client checks neither). A
loopback HTTP server (a thread) serves it and counts the bytes it sends. Measured side by side
in one run:

  download    a plain streaming download of the file (httpx, to nowhere), in a subprocess:
              the floor for any tool that must fetch the archive
  verify      `altsim verify SOURCE` in a subprocess: download, hash, read, check
  served      bytes the server sent during verify / archive size (1.00 = streamed once)
  read        bytes of the downloaded file read back to check it / archive size, measured in
              this process with read_archive on a counting file
  memory      verify's peak resident memory (ru_maxrss of the child), next to a bare
              `altsim --version` process's, against the 100 MB target

This is a measurement, not a test: it exits 0 whatever the figures, 1 if verify fails.

Run: python bench/verify_speed.py [--megabytes 200]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import io
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from altsim.ipa import read_archive  # noqa: E402
from tests.ipa_builders import info_plist, macho_parts  # noqa: E402

MiB = 1 << 20
TARGET_MEMORY = 100  # MB
ENTITLEMENTS = {"application-identifier": "TEAM.com.example.big",
                "com.apple.security.application-groups": ["group.com.example.big"]}


def build_ipa(path: Path, megabytes: int) -> None:
    """An executable of 20 % of ``megabytes`` (half random, so that it deflates about 2:1 as
    real code does), a framework of 40 % and assets of 50 %: about ``megabytes`` zipped."""
    noise = random.Random(7)
    total = megabytes * MiB
    code = total // 5
    head, signature = macho_parts(ENTITLEMENTS, code_size=code)
    entries = [
        ("Payload/Big.app/Info.plist", zipfile.ZIP_DEFLATED,
         [info_plist("com.example.big", "Big", {})]),
        ("Payload/Big.app/Big", zipfile.ZIP_DEFLATED,
         itertools.chain([head], _noise(code, noise, 0.5), [signature])),
        ("Payload/Big.app/Frameworks/Big.framework/Big", zipfile.ZIP_STORED,
         _noise(total * 2 // 5, noise, 1.0)),
        ("Payload/Big.app/Assets.car", zipfile.ZIP_STORED, _noise(total // 2, noise, 1.0)),
    ]
    with zipfile.ZipFile(path, "w") as archive:
        for name, method, chunks in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = method
            with archive.open(info, "w", force_zip64=True) as out:
                for chunk in chunks:
                    out.write(chunk)


def _noise(size: int, noise: random.Random, share: float) -> Iterator[bytes]:
    """``size`` bytes, ``share`` of them random and the rest zeros, in 1 MiB pieces."""
    while size > 0:
        step = min(size, MiB)
        random_part = int(step * share)
        yield noise.randbytes(random_part) + bytes(step - random_part)
        size -= step


def write_source(folder: Path, ipa: Path, url: str) -> Path:
    with ipa.open("rb") as file:
        sha256 = hashlib.file_digest(file, "sha256").hexdigest()
    version = {"version": "1.0", "buildVersion": "1", "date": "2024-01-01", "downloadURL": url,
               "size": ipa.stat().st_size, "sha256": sha256, "minOSVersion": "14.0"}
    app = {"name": "Big", "bundleIdentifier": "com.example.big", "developerName": "Dev",
           "localizedDescription": "A large app.", "iconURL": "https://example.com/i.png",
           "versions": [version],
           "appPermissions": {"entitlements": ["com.apple.security.application-groups"]}}
    path = folder / "source.json"
    path.write_text(json.dumps({"name": "Bench", "apps": [app]}))
    return path


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the folder and counts the body bytes it sends."""

    sent = 0

    def copyfile(self, source: IO[bytes], outputfile: IO[bytes]) -> None:  # type: ignore[override]
        while chunk := source.read(MiB):
            outputfile.write(chunk)
            CountingHandler.sent += len(chunk)

    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path) -> str:
    handler = functools.partial(CountingHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def run_child(args: list[str]) -> tuple[float, float, int]:
    """Seconds, peak resident MB and exit status of a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, child.returncode


class CountingFile(io.FileIO):
    read_bytes = 0

    def read(self, size: int = -1, /) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data

    def readinto(self, buffer: Any, /) -> int:
        count = super().readinto(buffer) or 0
        self.read_bytes += count
        return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="altsim-bench-") as temp:
        folder = Path(temp)
        ipa = folder / "big.ipa"
        print(f"building a {args.megabytes} MiB archive...", file=sys.stderr, flush=True)
        build_ipa(ipa, args.megabytes)
        size = ipa.stat().st_size
        base = serve(folder)
        source = write_source(folder, ipa, f"{base}/big.ipa")
        download = ("import httpx, sys\nwith httpx.stream('GET', sys.argv[1]) as r:\n"
                    "    for _ in r.iter_raw(1 << 20): pass")
        plain_s, plain_mb, _ = run_child([sys.executable, "-c", download, f"{base}/big.ipa"])
        _, bare_mb, _ = run_child([sys.executable, "-m", "altsim", "--version"])
        CountingHandler.sent = 0
        verify_s, verify_mb, status = run_child([sys.executable, "-m", "altsim", "verify",
                                                 str(source)])
        served = CountingHandler.sent
        with CountingFile(ipa) as file:
            archive = read_archive(file)
            read = file.read_bytes
        assert archive.app.entitlements == ENTITLEMENTS
    mb = size / MiB
    print(f"archive: {mb:.0f} MiB ({size:,} bytes)")
    print(f"download only : {plain_s:6.2f} s   peak {plain_mb:5.0f} MB")
    print(f"altsim verify : {verify_s:6.2f} s   peak {verify_mb:5.0f} MB   "
          f"({verify_s / plain_s:.2f}x the download; exit {status})")
    print(f"served during verify: {served / size:.2f}x the archive (1.00 = streamed once)")
    print(f"read back to check it: {read / MiB:.1f} MiB = {read / size:.2f}x the archive "
          "(Info.plists and the deflated executable; framework and assets untouched)")
    print(f"peak memory: {verify_mb:.0f} MB, target <= {TARGET_MEMORY} MB "
          f"({'met' if verify_mb <= TARGET_MEMORY else 'MISSED'}); a bare `altsim --version` "
          f"peaks at {bare_mb:.0f} MB")
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
