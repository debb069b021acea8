"""What the client reads from a downloaded IPA at install time, read straight from the zip.

An IPA is a zip holding ``Payload/<Name>.app/``: its ``Info.plist``, its executable (named by
``CFBundleExecutable``) and its app extensions, ``PlugIns/<Name>.appex/``, each with its own
``Info.plist`` and executable. The client checks the bundle ID, versions and minimum iOS from
the app's ``Info.plist``, and checks every entitlement and ``*UsageDescription`` key of the app
and its extensions against the source (behaviour.md 2.4, 5.1 and 10 item 9).

Nothing is extracted: entries are read as streams, property lists up to ``max_plist`` bytes
and executables only where their signature lies. The archive is hostile: every failure is an
``ArchiveError`` with a sentence saying what is wrong.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import IO

from altsim.ipa.macho import ArchiveError, MiB, load_plist_dict, read_entitlements

__all__ = ["DEFAULT_LIMITS", "AppArchive", "ArchiveLimits", "Bundle", "read_archive"]

# zipfile inflates deflate in bounded steps, but bzip2 and LZMA in one call per compressed read:
# 4 KB of bzip2 can hold gigabytes. IPAs in practice use no other method.
BOUNDED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
RATIO_CHECKED_ABOVE = MiB  # small entries, such as a plist of repeated keys, may compress well

# what zipfile and its decompressors raise on a damaged archive or entry
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, OverflowError,
              RuntimeError)  # RuntimeError: an encrypted entry


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """How much of a hostile archive is read before it is refused."""

    max_plist: int = 8 * MiB  # uncompressed size of one Info.plist
    max_entitlements_blob: int = MiB
    max_entries: int = 100_000
    max_ratio: int = 200  # uncompressed / compressed size, above which an entry is a zip bomb
    max_slices: int = 16  # in a fat binary


DEFAULT_LIMITS = ArchiveLimits()


@dataclass(frozen=True, slots=True)
class Bundle:
    """An app or app extension bundle: its folder in the zip, Info.plist and entitlements."""

    path: str  # e.g. "Payload/X.app/" or "Payload/X.app/PlugIns/E.appex/"
    info: dict[str, object]
    entitlements: dict[str, object]  # {} when the executable is unsigned


@dataclass(frozen=True, slots=True)
class AppArchive:
    app: Bundle
    extensions: tuple[Bundle, ...]  # sorted by path


def read_archive(file: str | os.PathLike[str] | IO[bytes], *,
                 limits: ArchiveLimits = DEFAULT_LIMITS) -> AppArchive:
    """The app bundle and extensions of the IPA ``file`` (a path or a seekable binary stream).

    Raises ``ArchiveError`` for anything the client could not install from; ``OSError`` only
    when the path cannot be opened.
    """
    with ExitStack() as stack:
        if isinstance(file, str | os.PathLike):
            file = stack.enter_context(open(file, "rb"))
        with _zip_errors("The file is not a readable zip archive"):
            archive = stack.enter_context(zipfile.ZipFile(file))
        entries = _entries(archive, limits)
        app_path = _app_path(entries)
        app = _read_bundle(archive, entries, app_path, limits)
        extensions = tuple(_read_bundle(archive, entries, path, limits)
                           for path in _extension_paths(entries, app_path))
        return AppArchive(app, extensions)


@contextmanager
def _zip_errors(subject: str) -> Iterator[None]:
    try:
        yield
    except ZIP_ERRORS as error:
        raise ArchiveError(f"{subject}: {error}.") from error


def _entries(archive: zipfile.ZipFile, limits: ArchiveLimits) -> dict[str, zipfile.ZipInfo]:
    """Entries by name; for a name listed twice, the last, as ``ZipFile.getinfo`` does."""
    infos = archive.infolist()  # already read by zipfile, in memory bounded by the file's size
    if len(infos) > limits.max_entries:
        raise ArchiveError(f"The archive has {len(infos):,} entries, more than the "
                           f"{limits.max_entries:,} allowed.")
    return {info.filename: info for info in infos}


def _app_path(entries: dict[str, zipfile.ZipInfo]) -> str:
    """The folder of the app: the first ``Payload/*.app/`` in sorted order."""
    folders = _child_folders(entries, "Payload/", ".app")
    if not folders:
        raise ArchiveError("The archive has no Payload/*.app folder.")
    return folders[0]


def _extension_paths(entries: dict[str, zipfile.ZipInfo], app_path: str) -> list[str]:
    return _child_folders(entries, f"{app_path}PlugIns/", ".appex")


def _child_folders(entries: dict[str, zipfile.ZipInfo], parent: str, suffix: str) -> list[str]:
    """Sorted folders directly inside ``parent`` whose names end in ``suffix`` (any case).

    Zips need not list folders, so a folder is known from any path under it."""
    folders = set()
    for name in entries:
        if not name.startswith(parent):
            continue
        child, slash, _ = name[len(parent):].partition("/")
        if slash and child.lower().endswith(suffix):
            folders.add(f"{parent}{child}/")
    return sorted(folders)


def _read_bundle(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], path: str,
                 limits: ArchiveLimits) -> Bundle:
    info_name = f"{path}Info.plist"
    if info_name not in entries:
        raise ArchiveError(f"{info_name} is missing from the archive.")
    info = load_plist_dict(_read_plist_entry(archive, entries[info_name], limits),
                           subject=info_name)
    entitlements = _bundle_entitlements(archive, entries, path, info, limits)
    return Bundle(path, info, entitlements)


def _read_plist_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo,
                      limits: ArchiveLimits) -> bytes:
    name = entry.filename
    if entry.file_size > limits.max_plist:
        raise ArchiveError(f"{name} declares {entry.file_size:,} bytes, more than the "
                           f"{limits.max_plist:,} allowed for a property list.")
    _check_entry(entry, limits)
    with _zip_errors(f"{name} cannot be read from the archive"), archive.open(entry) as stream:
        # zipfile stops at the declared size (checked above), whatever the data holds
        return stream.read(limits.max_plist)


def _bundle_entitlements(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo],
                         path: str, info: dict[str, object],
                         limits: ArchiveLimits) -> dict[str, object]:
    executable = info.get("CFBundleExecutable")
    if not isinstance(executable, str) or not executable:
        return {}
    name = f"{path}{executable}"
    entry = entries.get(name)
    if entry is None:
        raise ArchiveError(f"{path}Info.plist names the executable {executable}, but {name} "
                           "is not in the archive.")
    _check_entry(entry, limits)
    with _zip_errors(f"{name} cannot be read from the archive"), archive.open(entry) as stream:
        return read_entitlements(stream, entry.file_size, name=name,
                                 max_blob=limits.max_entitlements_blob,
                                 max_slices=limits.max_slices)


def _check_entry(entry: zipfile.ZipInfo, limits: ArchiveLimits) -> None:
    """Refuse an entry that expands too much: reading it, or seeking through it to an
    executable's signature, would cost far more than the archive's size."""
    if entry.compress_type not in BOUNDED_METHODS:
        raise ArchiveError(f"{entry.filename} is compressed with method {entry.compress_type}; "
                           "only stored and deflated entries are read.")
    size, compressed = entry.file_size, entry.compress_size
    if size > RATIO_CHECKED_ABOVE and size > limits.max_ratio * compressed:
        raise ArchiveError(f"{entry.filename} would expand from {compressed:,} to {size:,} "
                           f"bytes, more than {limits.max_ratio} times its compressed size; "
                           "it looks like a zip bomb and was not read.")
