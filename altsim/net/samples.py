"""The sample sources bundled with altsim, by address: "altsim-sample:clean.json".

The user state keeps this address, never the installation's path, so a reinstall (editable or
not, elsewhere) cannot break a store that holds a sample. A module of its own, beside
`address`: `altsim check` reads files and samples without what resolving a URL needs."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SAMPLE_SCHEME", "is_sample", "sample_address", "sample_path"]

SAMPLE_SCHEME = "altsim-sample:"


def is_sample(address: str) -> bool:
    return address[:len(SAMPLE_SCHEME)].lower() == SAMPLE_SCHEME


def sample_address(name: str) -> str:
    return SAMPLE_SCHEME + name


def sample_path(name: str) -> Path:
    """The file of the bundled sample ``name``; ``ValueError`` naming the samples if none."""
    from importlib.resources import files  # 2 ms, and tempfile with it: only for a sample

    folder = files("altsim") / "sample_sources"
    if "/" in name or "\\" in name or not (folder / name).is_file():
        known = ", ".join(sorted(entry.name for entry in folder.iterdir()
                                 if entry.name.endswith(".json")))
        raise ValueError(f"no bundled sample {name!r} (the samples are {known})")
    # A regular installation's resources are files; altsim does not run from a zip.
    return Path(str(folder / name))
