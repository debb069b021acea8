"""Reading an IPA as the client does at install time: real bytes, hostile ones included."""

from __future__ import annotations

import io
import itertools
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsim.ipa import (
    DEFAULT_LIMITS,
    AppArchive,
    ArchiveError,
    ArchiveLimits,
    read_archive,
    read_entitlements,
)
from tests.ipa_builders import (
    CPU_TYPE_ARM,
    CPU_TYPE_X86_64,
    fat,
    info_plist,
    ipa,
    macho,
    macho_parts,
    with_directory_field,
)

MiB = 1 << 20
ENTITLEMENTS = {"application-identifier": "TEAM.com.example.x",
                "com.apple.security.application-groups": ["group.com.example"],
                "get-task-allow": True}
INFO = "Payload/X.app/Info.plist"
EXECUTABLE = "Payload/X.app/X"
# where the fields lie in macho(...) with the defaults: 64-bit, little-endian, no code
NCMDS, SIZEOFCMDS = 16, 20
UUID_CMDSIZE = 36
DATAOFF = 64
SUPERBLOB = 72
ENTITLEMENTS_SLOT_OFFSET = SUPERBLOB + 12 + 8 + 4  # the second index entry's offset field
DIRECTORY_FLAGS, DIRECTORY_FILE_SIZE = 8, 24


def entitlements_of(data: bytes, **limits: int) -> dict[str, object]:
    return read_entitlements(io.BytesIO(data), len(data), name="Bin", **limits)


def archive_of(data: bytes | Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> AppArchive:
    return read_archive(io.BytesIO(data) if isinstance(data, bytes) else data, limits=limits)


def patched(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    return data[:offset] + struct.pack(fmt, value) + data[offset + struct.calcsize(fmt):]


def peak_memory(call: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        call()
    except ArchiveError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


# --- Mach-O entitlements ------------------------------------------------------------------

@pytest.mark.parametrize(("bits", "big_endian", "cputype"), [
    (64, False, 0x0100000C), (32, False, CPU_TYPE_ARM), (64, True, CPU_TYPE_X86_64),
    (32, True, CPU_TYPE_ARM)])
def test_thin_executable_entitlements(bits: int, big_endian: bool, cputype: int) -> None:
    data = macho(ENTITLEMENTS, bits=bits, big_endian=big_endian, cputype=cputype)
    assert entitlements_of(data) == ENTITLEMENTS


@pytest.mark.parametrize("wide", [False, True])
def test_fat_executable_unions_its_slices_the_first_slice_winning(wide: bool) -> None:
    first = macho({"a": 1, "in-both": "first"})
    second = macho({"b": 2, "in-both": "second"}, bits=32, cputype=CPU_TYPE_ARM)
    assert entitlements_of(fat(first, second, wide=wide)) == {"a": 1, "in-both": "first", "b": 2}


def test_fat_slices_listed_out_of_file_order_keep_header_order() -> None:
    data = fat(macho({"k": "first"}), macho({"k": "second"}))
    entries = list(struct.iter_unpack(">5I", data[8:48]))
    swapped = data[:8] + struct.pack(">5I", *entries[1]) + struct.pack(">5I", *entries[0])
    assert entitlements_of(swapped + data[48:]) == {"k": "second"}


def test_unsigned_executable_has_no_entitlements() -> None:
    assert entitlements_of(macho(ENTITLEMENTS, signed=False)) == {}


def test_signature_without_entitlements_slot_has_no_entitlements() -> None:
    assert entitlements_of(macho(None)) == {}


def test_entitlements_past_a_large_code_section() -> None:
    assert entitlements_of(macho(ENTITLEMENTS, code_size=3 * MiB + 5)) == ENTITLEMENTS


def message_id(value: object) -> str:
    return value if isinstance(value, str) else ""


@pytest.mark.parametrize(("data", "message"), ids=message_id, argvalues=[
    (b"", "is truncated: its header runs past the end of the file"),
    (b"\x7fELF" + bytes(60), "is not a Mach-O file: it starts with 0x7f454c46"),
    (macho(ENTITLEMENTS)[:40], "is truncated: its block of load commands runs past the end"),
    (macho(ENTITLEMENTS)[:-20], "is truncated: its code signature runs past the end of the file"),
    (patched(macho(ENTITLEMENTS), DATAOFF, "<I", 10**9), "its code signature runs past the end"),
    (patched(macho(ENTITLEMENTS), NCMDS, "<I", 0xFFFFFFFF),
     "is damaged: its header claims 4,294,967,295 load commands in 40 bytes"),
    (patched(macho(ENTITLEMENTS), SIZEOFCMDS, "<I", 0xFFFFFFF0),
     "its load commands take 4,294,967,280 bytes, more than the 16,777,216 allowed"),
    (patched(macho(ENTITLEMENTS), UUID_CMDSIZE, "<I", 0), "load command 1 has a size of 0 bytes"),
    (patched(macho(ENTITLEMENTS), UUID_CMDSIZE, "<I", 1000), "load command 1 has a size of 1,000"),
    (patched(macho(ENTITLEMENTS), UUID_CMDSIZE, "<I", 40), "load command 2 starts past the end"),
    (patched(macho(ENTITLEMENTS), SUPERBLOB, ">I", 0xDEADBEEF),
     "its code signature is not an embedded signature (magic 0xdeadbeef)"),
    (patched(macho(ENTITLEMENTS), SUPERBLOB + 4, ">I", 1 << 30), "claims 1,073,741,824 bytes"),
    (patched(macho(ENTITLEMENTS), SUPERBLOB + 8, ">I", 1 << 30), "claims 1,073,741,824 slots"),
    (patched(macho(ENTITLEMENTS), ENTITLEMENTS_SLOT_OFFSET, ">I", 1 << 20),
     "its entitlements blob starts outside the code signature"),
    (macho([1, 2]), "The entitlements blob of Bin holds an array, not a dictionary"),
    (macho(b"<plist><dict><key>a</dict>"), "The entitlements blob of Bin is not a property list"),
    (macho(b"\xff\xfe<bad utf-16"), "The entitlements blob of Bin is not a property list"),
    (struct.pack(">II", 0xCAFEBABE, 10_000) + bytes(64),
     "its fat header lists 10,000 slices, more than the 16 allowed"),
    (struct.pack(">II", 0xCAFEBABE, 0), "it is a fat binary with no slices"),
    (patched(fat(macho({}), macho({})), 8 + 20 + 12, ">I", 1 << 30),
     "is truncated: slice 2 runs past the end of the file"),
    (fat(macho({}), fat(macho({}))), "is not a Mach-O file: slice 2 starts with 0xcafebabe"),
    (fat(macho({}), macho({})[:-20]), "slice 2's code signature runs past the end of slice 2"),
])
def test_damaged_executable(data: bytes, message: str) -> None:
    with pytest.raises(ArchiveError, match="^The ") as raised:
        entitlements_of(data)
    assert message in str(raised.value)
    assert str(raised.value).endswith(".")


def test_entitlements_blob_with_wrong_magic_or_length() -> None:
    data = macho(ENTITLEMENTS)
    blob = SUPERBLOB + struct.unpack_from(">I", data, ENTITLEMENTS_SLOT_OFFSET)[0]
    with pytest.raises(ArchiveError, match=r"entitlements blob has the wrong magic \(0x00000000\)"):
        entitlements_of(patched(data, blob, ">I", 0))
    with pytest.raises(ArchiveError, match="entitlements blob claims 65,536 bytes, outside"):
        entitlements_of(patched(data, blob + 4, ">I", 1 << 16))


def test_entitlements_blob_over_the_limit_is_refused() -> None:
    with pytest.raises(ArchiveError, match="more than the 100 allowed"):
        entitlements_of(macho({"k": "v" * 200}), max_blob=100)


def test_stream_shorter_than_its_declared_size() -> None:
    data = macho(ENTITLEMENTS)
    with pytest.raises(ArchiveError, match="is truncated: its entitlements blob runs past"):
        read_entitlements(io.BytesIO(data[:-20]), len(data), name="Bin")


# --- the archive --------------------------------------------------------------------------

@pytest.mark.parametrize("binary_plist", [False, True])
def test_app_bundle_info_and_entitlements(binary_plist: bool) -> None:
    info = {"CFBundleIdentifier": "com.example.app", "CFBundleShortVersionString": "2.1",
            "CFBundleVersion": "45", "MinimumOSVersion": "15.0", "CFBundleDisplayName": "Shown"}
    app = archive_of(ipa(info=info, executable=macho(ENTITLEMENTS),
                         binary_plist=binary_plist)).app
    assert app.path == "Payload/X.app/"
    assert app.info == {"CFBundleExecutable": "X", "CFBundleName": "X", **info}
    assert app.entitlements == ENTITLEMENTS


def test_info_keeps_plist_order_and_types() -> None:
    info = {"NSPhotoLibraryUsageDescription": "p", "CFBundleVersion": 45,
            "NSCameraUsageDescription": "c", "CFBundleIdentifier": ["not", "a", "string"]}
    app = archive_of(ipa(info=info)).app
    assert [key for key in app.info if key in info] == [
        "CFBundleIdentifier", "CFBundleVersion", "NSPhotoLibraryUsageDescription",
        "NSCameraUsageDescription"]
    assert app.info["CFBundleVersion"] == 45


def test_extensions_with_their_own_info_and_entitlements() -> None:
    nested = "Payload/X.app/PlugIns/Widget.appex/PlugIns/Inner.appex/Info.plist"
    archive = archive_of(ipa(
        executable=macho({"app": True}),
        extensions={"Widget": ({"NSContactsUsageDescription": "w"}, macho({"widget": 1})),
                    "Share": ({}, fat(macho({"share": 2}), macho({"share": 3})))},
        extra_entries={nested: b"not read", "__MACOSX/Payload/X.app/._Info.plist": b"junk"}))
    assert [bundle.path for bundle in archive.extensions] == [
        "Payload/X.app/PlugIns/Share.appex/", "Payload/X.app/PlugIns/Widget.appex/"]
    share, widget = archive.extensions
    assert (share.info["CFBundleIdentifier"], share.entitlements) == (
        "com.example.x.share", {"share": 2})
    assert (widget.entitlements, widget.info["NSContactsUsageDescription"]) == ({"widget": 1}, "w")
    assert archive.app.entitlements == {"app": True}


def test_first_app_folder_in_sorted_order_is_the_app() -> None:
    archive = archive_of(ipa(app="Zed", extra_entries={
        "Payload/Alpha.app/Info.plist": info_plist("com.example.alpha", "Alpha", {}),
        "Payload/Alpha.app/Alpha": macho({"alpha": True})}))
    assert (archive.app.path, archive.app.entitlements) == ("Payload/Alpha.app/", {"alpha": True})


def test_no_executable_named_means_no_entitlements() -> None:
    assert archive_of(ipa(info={"CFBundleExecutable": None})).app.entitlements == {}


def test_read_from_a_path(tmp_path: Path) -> None:
    path = ipa(tmp_path / "app.ipa", executable=macho(ENTITLEMENTS), compression=zipfile.ZIP_STORED)
    assert archive_of(path).app.entitlements == ENTITLEMENTS


BINARY_PLIST_WITH_INTEGER_KEY = (  # {5: True}: plistlib will not write one
    b"bplist00" + b"\xd1\x01\x02" + b"\x10\x05" + b"\x09" + b"\x08\x0b\x0d"
    + struct.pack(">6xBBQQQ", 1, 1, 3, 0, 14))


@pytest.mark.parametrize(("entries", "message"), ids=message_id, argvalues=[
    ({INFO: None, EXECUTABLE: None, "Other/readme.txt": b"hi"},
     "The archive has no Payload/*.app folder."),
    ({INFO: None}, "Payload/X.app/Info.plist is missing from the archive."),
    ({INFO: b"\x00\x01 not a plist"}, "Payload/X.app/Info.plist is not a property list: "),
    ({INFO: b'<?xml version="1.0"?><plist><array/></plist>'},
     "Payload/X.app/Info.plist holds an array, not a dictionary."),
    ({INFO: b"<plist></plist>"}, "Payload/X.app/Info.plist holds nothing, not a dictionary."),
    ({INFO: BINARY_PLIST_WITH_INTEGER_KEY},
     "Payload/X.app/Info.plist has a dictionary key that is not a string."),
    ({EXECUTABLE: None},
     "Payload/X.app/Info.plist names the executable X, but Payload/X.app/X is not in the archive."),
    ({EXECUTABLE: macho(ENTITLEMENTS)[:-20]}, "The executable Payload/X.app/X is truncated: its "
     "code signature runs past the end of the file."),
    ({EXECUTABLE: macho(b"<plist><dict><key>a</key><integer>z</integer></dict></plist>")},
     "The entitlements blob of Payload/X.app/X is not a property list: "),
    ({"Payload/X.app/PlugIns/Broken.appex/Broken": macho({})},
     "Payload/X.app/PlugIns/Broken.appex/Info.plist is missing from the archive."),
])
def test_broken_archive(entries: dict[str, bytes | None], message: str) -> None:
    with pytest.raises(ArchiveError) as raised:
        archive_of(ipa(extra_entries=entries))
    assert message in str(raised.value)


def test_not_a_zip() -> None:
    with pytest.raises(ArchiveError, match="^The file is not a readable zip archive: "):
        archive_of(b"PK\x03\x04 but then nothing")


def test_bad_crc_is_an_archive_error() -> None:
    data = ipa(compression=zipfile.ZIP_STORED)
    position = data.index(b"<plist")
    damaged = data[:position] + b"<PLIST" + data[position + 6:]
    with pytest.raises(ArchiveError, match=f"^{INFO} cannot be read from the archive: Bad CRC-32"):
        archive_of(damaged)


def test_encrypted_entry_is_an_archive_error() -> None:
    data = with_directory_field(ipa(), INFO, DIRECTORY_FLAGS, "<H", 1)
    with pytest.raises(ArchiveError, match="is encrypted"):
        archive_of(data)


def test_too_many_entries() -> None:
    with pytest.raises(ArchiveError, match="^The archive has 3 entries, more than the 2 allowed"):
        archive_of(ipa(extra_entries={"a": b""}), ArchiveLimits(max_entries=2))


def test_other_compression_methods_are_refused() -> None:
    data = ipa(compression=zipfile.ZIP_BZIP2)
    with pytest.raises(ArchiveError, match="is compressed with method 12; only stored and def"):
        archive_of(data)


# --- zip bombs and memory -----------------------------------------------------------------

def assert_refused_quickly_in_little_memory(data: bytes, message: str) -> None:
    started = time.monotonic()
    peak = peak_memory(lambda: archive_of(data))
    assert time.monotonic() - started < 1
    assert peak < 20 * MiB
    with pytest.raises(ArchiveError, match=message):
        archive_of(data)


def test_huge_info_plist_is_refused_without_inflating_it() -> None:
    data = ipa(extra_entries={INFO: bytes(50_000_000)})
    assert len(data) < MiB
    assert_refused_quickly_in_little_memory(
        data, f"^{INFO} declares 50,000,000 bytes, more than the 8,388,608 allowed for a prop")


def test_info_plist_that_lies_about_its_size_is_read_only_as_far_as_it_says() -> None:
    data = ipa(extra_entries={INFO: bytes(50_000_000)})
    lying = with_directory_field(data, INFO, DIRECTORY_FILE_SIZE, "<I", 1000)
    assert_refused_quickly_in_little_memory(lying, "cannot be read from the archive: Bad CRC-32")


def test_highly_compressed_executable_is_a_zip_bomb() -> None:
    head, signature = macho_parts(ENTITLEMENTS, code_size=20 * MiB)
    data = ipa(executable=[head, bytes(20 * MiB), signature])
    assert_refused_quickly_in_little_memory(
        data, f"^{EXECUTABLE} would expand from [0-9,]+ to 20,97[0-9,]+ bytes, more than 200 ")


def test_plist_over_a_lower_limit_is_refused() -> None:
    with pytest.raises(ArchiveError, match="more than the 100 allowed for a property list"):
        archive_of(ipa(), ArchiveLimits(max_plist=100))


def test_large_executable_is_streamed(tmp_path: Path) -> None:
    code_size = 150 * MiB
    head, signature = macho_parts(ENTITLEMENTS, code_size=code_size)
    chunks = itertools.chain([head], itertools.repeat(bytes(MiB), code_size // MiB), [signature])
    path = ipa(tmp_path / "large.ipa", executable=chunks, compression=zipfile.ZIP_STORED)
    assert path.stat().st_size > code_size
    found: list[AppArchive] = []
    peak = peak_memory(lambda: found.append(archive_of(path)))
    assert peak < 8 * MiB  # seeking a zip entry in one step would hold 16 MiB
    assert found[0].app.entitlements == ENTITLEMENTS


# --- hostile bytes: only ArchiveError, ever -----------------------------------------------

EXECUTABLES = [macho(ENTITLEMENTS), macho({"k": [1, 2]}, bits=32, big_endian=True),
               fat(macho({"a": 1}), macho({"b": 2}, bits=32), align=4),
               fat(macho({"a": 1}), macho(None), wide=True, align=4)]
ARCHIVES = [ipa(executable=macho(ENTITLEMENTS), compression=zipfile.ZIP_STORED,
                extensions={"E": ({"NSCameraUsageDescription": "c"}, macho({"e": 1}))}),
            ipa(executable=macho(ENTITLEMENTS), binary_plist=True)]


@st.composite
def mutated(draw: st.DrawFn, originals: list[bytes]) -> bytes:
    """One of ``originals`` with a few bytes or 32-bit fields overwritten, maybe cut short."""
    data = bytearray(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 4))
        if draw(st.booleans()):
            data[position] = draw(st.integers(0, 255))
        else:
            value = draw(st.sampled_from([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 1 << 20]))
            order = draw(st.sampled_from(["big", "little"]))
            data[position:position + 4] = value.to_bytes(4, order)
    if draw(st.booleans()):
        del data[draw(st.integers(0, len(data))):]
    return bytes(data)


@settings(max_examples=200, deadline=None)
@given(mutated(EXECUTABLES))
def test_mutated_executable_raises_only_archive_error(data: bytes) -> None:
    try:
        entitlements_of(data)
    except ArchiveError:
        pass


@settings(max_examples=200, deadline=None)
@given(mutated(ARCHIVES))
def test_mutated_archive_raises_only_archive_error(data: bytes) -> None:
    try:
        archive_of(data)
    except ArchiveError:
        pass
