"""Entitlements from a Mach-O executable's embedded code signature, read from a stream.

Only the bytes that matter are read, in increasing offset order where the file allows: the
Mach-O header and load commands, then the code signature's SuperBlob index and its entitlements
blob. An executable of hundreds of MB costs about a MiB of memory (one ``SKIP_STEP`` of a zip
entry's seek), a hostile one at most ``MAX_LOAD_COMMANDS_SIZE`` plus ``max_blob`` more. Every
field is bounded before it is used: the input is hostile.

Layout (all offsets relative to the start of the slice):

* thin Mach-O: ``mach_header`` (28 bytes) or ``mach_header_64`` (32 bytes), in the byte order
  its magic says, then ``ncmds`` load commands in ``sizeofcmds`` bytes; ``LC_CODE_SIGNATURE``
  gives ``dataoff``/``datasize`` of the signature.
* fat binary: a big-endian ``fat_header`` and ``fat_arch`` (20 bytes) or ``fat_arch_64``
  (32 bytes) entries, each naming a thin slice.
* signature: a big-endian SuperBlob (magic, length, count, then count x (type, offset));
  slot 5 holds the entitlements blob (magic, length including its 8-byte header, XML plist).
"""

from __future__ import annotations

import plistlib
import struct
from dataclasses import dataclass
from datetime import datetime
from typing import IO

__all__ = ["ArchiveError", "load_plist_dict", "read_entitlements"]

MiB = 1 << 20

FAT_MAGIC = 0xCAFEBABE
FAT_MAGIC_64 = 0xCAFEBABF
FAT_MAGICS = (FAT_MAGIC, FAT_MAGIC_64)  # fat headers are always big-endian
MH_MAGIC = 0xFEEDFACE
MH_MAGIC_64 = 0xFEEDFACF
LC_CODE_SIGNATURE = 0x1D
CSMAGIC_EMBEDDED_SIGNATURE = 0xFADE0CC0
CSMAGIC_EMBEDDED_ENTITLEMENTS = 0xFADE7171
CSSLOT_ENTITLEMENTS = 5

MAX_LOAD_COMMANDS_SIZE = 16 * MiB  # real executables use a few KB
MAX_SIGNATURE_SLOTS = 1024  # real signatures have about ten; bounds the index read
SKIP_STEP = MiB  # a zip entry seeks by reading and discarding, a whole step at a time

SUPERBLOB_HEADER = struct.Struct(">III")  # magic, length, count
BLOB_INDEX = struct.Struct(">II")  # type, offset
BLOB_HEADER = struct.Struct(">II")  # magic, length
FAT_ARCH = struct.Struct(">IIIII")  # cputype, cpusubtype, offset, size, align
FAT_ARCH_64 = struct.Struct(">IIQQII")  # cputype, cpusubtype, offset, size, align, reserved
LOAD_COMMAND = "II"  # cmd, cmdsize
CODE_SIGNATURE_COMMAND = "IIII"  # cmd, cmdsize, dataoff, datasize

PLIST_KINDS = {list: "an array", str: "a string", bytes: "data", bool: "a boolean",
               int: "an integer", float: "a real number", datetime: "a date"}


class ArchiveError(Exception):
    """The IPA cannot be read as the client would read it; the message says why, in a sentence."""


def read_entitlements(stream: IO[bytes], size: int, *, name: str, max_blob: int = MiB,
                      max_slices: int = 16) -> dict[str, object]:
    """The entitlements in the code signature of the executable in ``stream`` (``size`` bytes).

    ``stream`` is seekable and positioned anywhere; ``name`` names the executable in messages.
    A fat binary yields the union of its slices' entitlements, the first slice to name a key
    giving its value. No code signature, or one without an entitlements blob, yields ``{}``
    (unsigned apps are normal in sideloading). Anything malformed raises ``ArchiveError``;
    errors raised by the stream itself propagate.
    """
    executable = _Executable(stream, size, name, max_blob)
    whole = _Slice(0, size, "its", "the file")
    (magic,) = struct.unpack(">I", _read_in(executable, whole, 0, 4, "its header"))
    slices = _fat_slices(executable, magic, max_slices) if magic in FAT_MAGICS else [whole]
    found = {index: _slice_entitlements(executable, part)
             for index, part in sorted(enumerate(slices), key=lambda item: item[1].offset)}
    merged: dict[str, object] = {}
    for index in range(len(slices)):  # in header order: an earlier slice's value wins
        for key, value in found[index].items():
            merged.setdefault(key, value)
    return merged


def load_plist_dict(data: bytes, *, subject: str) -> dict[str, object]:
    """``data`` parsed as a property list (XML or binary) that must be a dictionary."""
    try:
        value = plistlib.loads(data)
    except Exception as error:  # plistlib raises many types on bad input, not only its own
        raise ArchiveError(f"{subject} is not a property list: {error}.") from error
    if not isinstance(value, dict):
        kind = PLIST_KINDS.get(type(value), "nothing")
        raise ArchiveError(f"{subject} holds {kind}, not a dictionary.")
    if not all(isinstance(key, str) for key in value):
        raise ArchiveError(f"{subject} has a dictionary key that is not a string.")
    return value


@dataclass(frozen=True, slots=True)
class _Slice:
    """Where one thin Mach-O lies, and how messages refer to it and to its end."""

    offset: int
    size: int
    owner: str  # "its" or "slice 2's"
    container: str  # "the file" or "slice 2"


@dataclass(frozen=True, slots=True)
class _Executable:
    stream: IO[bytes]
    size: int
    name: str
    max_blob: int

    def damaged(self, problem: str) -> ArchiveError:
        return ArchiveError(f"The executable {self.name} is damaged: {problem}.")

    def read(self, offset: int, length: int, part: str, container: str) -> bytes:
        """``length`` bytes at ``offset``; callers have checked the range against the sizes
        the file declares, so a short read means the file is shorter than it says."""
        data = self.stream.read(length) if _seek(self.stream, offset) == offset else b""
        if len(data) != length:
            raise ArchiveError(f"The executable {self.name} is truncated: {part} runs past the "
                               f"end of {container}.")
        return data

    def check_range(self, offset: int, length: int, part: str, where: _Slice) -> None:
        if offset + length > where.size:
            raise ArchiveError(f"The executable {self.name} is truncated: {part} runs past the "
                               f"end of {where.container}.")


def _seek(stream: IO[bytes], offset: int) -> int:
    """Seek to ``offset``, forward in steps of ``SKIP_STEP``; the position reached."""
    position = stream.tell()
    if offset <= position:
        return stream.seek(offset)
    while position < offset:
        target = min(offset, position + SKIP_STEP)
        position = stream.seek(target)
        if position != target:  # a zip entry stops at its real end
            break
    return position


def _fat_slices(executable: _Executable, magic: int, max_slices: int) -> list[_Slice]:
    whole = _Slice(0, executable.size, "its", "the file")
    (count,) = struct.unpack(">I", _read_in(executable, whole, 4, 4, "its fat header"))
    if count == 0:
        raise executable.damaged("it is a fat binary with no slices")
    if count > max_slices:
        raise executable.damaged(f"its fat header lists {count:,} slices, more than the "
                                 f"{max_slices} allowed")
    arch = FAT_ARCH_64 if magic == FAT_MAGIC_64 else FAT_ARCH
    table = _read_in(executable, whole, 8, count * arch.size, "its fat header")
    slices = []
    for index, fields in enumerate(arch.iter_unpack(table), start=1):
        offset, size = fields[2], fields[3]
        if offset + size > executable.size:
            raise ArchiveError(f"The executable {executable.name} is truncated: slice {index} "
                               "runs past the end of the file.")
        slices.append(_Slice(offset, size, f"slice {index}'s", f"slice {index}"))
    return slices


def _slice_entitlements(executable: _Executable, where: _Slice) -> dict[str, object]:
    signature = _code_signature(executable, where)
    if signature is None:
        return {}
    dataoff, datasize = signature
    return _signature_entitlements(executable, where, where.offset + dataoff, datasize)


def _code_signature(executable: _Executable, where: _Slice) -> tuple[int, int] | None:
    """``(dataoff, datasize)`` of the slice's ``LC_CODE_SIGNATURE``, or None if unsigned."""
    order, header_size = _header_layout(executable, where)
    # the rest of the header, read on from the magic: a zip entry seeks back by starting over
    header = _read_in(executable, where, 4, header_size - 4, f"{where.owner} Mach-O header")
    ncmds, sizeofcmds = struct.unpack_from(order + "II", header, 12)
    if sizeofcmds > MAX_LOAD_COMMANDS_SIZE:
        raise executable.damaged(f"{where.owner} load commands take {sizeofcmds:,} bytes, more "
                                 f"than the {MAX_LOAD_COMMANDS_SIZE:,} allowed")
    if ncmds * 8 > sizeofcmds:
        raise executable.damaged(f"{where.owner} header claims {ncmds:,} load commands in "
                                 f"{sizeofcmds:,} bytes")
    commands = _read_in(executable, where, header_size, sizeofcmds,
                        f"{where.owner} block of load commands")
    offset = 0
    for number in range(1, ncmds + 1):
        if offset + 8 > sizeofcmds:
            raise executable.damaged(f"{where.owner} load command {number} starts past the "
                                     "end of the load commands' space")
        cmd, cmdsize = struct.unpack_from(order + LOAD_COMMAND, commands, offset)
        if cmdsize < 8 or offset + cmdsize > sizeofcmds:
            raise executable.damaged(f"{where.owner} load command {number} has a size of "
                                     f"{cmdsize:,} bytes, outside the load commands' space")
        if cmd == LC_CODE_SIGNATURE:
            if cmdsize < 16:
                raise executable.damaged(f"{where.owner} LC_CODE_SIGNATURE command is "
                                         f"{cmdsize} bytes long, too short for its fields")
            _, _, dataoff, datasize = struct.unpack_from(order + CODE_SIGNATURE_COMMAND,
                                                         commands, offset)
            executable.check_range(dataoff, datasize, f"{where.owner} code signature", where)
            return dataoff, datasize
        offset += cmdsize
    return None


def _header_layout(executable: _Executable, where: _Slice) -> tuple[str, int]:
    """Byte order (struct prefix) and header size, from the slice's magic."""
    data = _read_in(executable, where, 0, 4, f"{where.owner} Mach-O header")
    for order in "<>":
        (magic,) = struct.unpack(order + "I", data)
        if magic in (MH_MAGIC, MH_MAGIC_64):
            return order, 32 if magic == MH_MAGIC_64 else 28
    owner = "it" if where.owner == "its" else where.container
    raise ArchiveError(f"The executable {executable.name} is not a Mach-O file: {owner} "
                       f"starts with 0x{data.hex()}.")


def _read_in(executable: _Executable, where: _Slice, offset: int, length: int,
             part: str) -> bytes:
    """``length`` bytes at ``offset`` within the slice, which must hold them."""
    executable.check_range(offset, length, part, where)
    return executable.read(where.offset + offset, length, part, where.container)


def _signature_entitlements(executable: _Executable, where: _Slice, start: int,
                            datasize: int) -> dict[str, object]:
    """The entitlements in the SuperBlob at ``start`` (file offset) of ``datasize`` bytes."""
    part = f"{where.owner} code signature"
    if datasize < SUPERBLOB_HEADER.size:
        raise executable.damaged(f"{part} is {datasize} bytes long, too short for a SuperBlob")
    header = executable.read(start, SUPERBLOB_HEADER.size, part, where.container)
    magic, length, count = SUPERBLOB_HEADER.unpack(header)
    if magic != CSMAGIC_EMBEDDED_SIGNATURE:
        raise executable.damaged(f"{part} is not an embedded signature (magic 0x{magic:08x})")
    if not SUPERBLOB_HEADER.size <= length <= datasize:
        raise executable.damaged(f"{part} claims {length:,} bytes, but its load command gives "
                                 f"{datasize:,}")
    if count > MAX_SIGNATURE_SLOTS or SUPERBLOB_HEADER.size + count * BLOB_INDEX.size > length:
        raise executable.damaged(f"{part} claims {count:,} slots, more than it can hold")
    index = executable.read(start + SUPERBLOB_HEADER.size, count * BLOB_INDEX.size, part,
                            where.container)
    for slot, offset in BLOB_INDEX.iter_unpack(index):
        if slot == CSSLOT_ENTITLEMENTS:
            return _entitlements_blob(executable, where, start, length, offset)
    return {}


def _entitlements_blob(executable: _Executable, where: _Slice, start: int, superblob_length: int,
                       offset: int) -> dict[str, object]:
    part = f"{where.owner} entitlements blob"
    if offset + BLOB_HEADER.size > superblob_length:
        raise executable.damaged(f"{part} starts outside the code signature")
    header = executable.read(start + offset, BLOB_HEADER.size, part, where.container)
    magic, length = BLOB_HEADER.unpack(header)
    if magic != CSMAGIC_EMBEDDED_ENTITLEMENTS:
        raise executable.damaged(f"{part} has the wrong magic (0x{magic:08x})")
    if not BLOB_HEADER.size <= length <= superblob_length - offset:
        raise executable.damaged(f"{part} claims {length:,} bytes, outside the code signature")
    body_size = length - BLOB_HEADER.size
    if body_size > executable.max_blob:
        raise executable.damaged(f"{part} is {body_size:,} bytes long, more than the "
                                 f"{executable.max_blob:,} allowed")
    body = executable.read(start + offset + BLOB_HEADER.size, body_size, part, where.container)
    return load_plist_dict(body, subject=f"The entitlements blob of {executable.name}")
