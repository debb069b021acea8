"""Small IPAs and Mach-O executables for tests, built byte by byte."""

from __future__ import annotations

import io
import plistlib
import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

CPU_TYPE_ARM = 12
CPU_TYPE_ARM64 = 0x0100000C
CPU_TYPE_X86_64 = 0x01000007
MH_EXECUTE = 2
LC_UUID = 0x1B
LC_CODE_SIGNATURE = 0x1D
FAT_ALIGN = 14  # slices start on 2^14-byte boundaries

Entitlements = dict[str, Any] | bytes | None  # bytes: the blob's body as given


def blob(magic: int, body: bytes) -> bytes:
    """A code-signing blob: big-endian magic and length (counting the 8-byte header)."""
    return struct.pack(">II", magic, 8 + len(body)) + body


def signature(entitlements: Entitlements) -> bytes:
    """An embedded-signature SuperBlob: a placeholder CodeDirectory and, unless
    ``entitlements`` is None, an entitlements blob and a DER one the reader must ignore."""
    slots = [(0, blob(0xFADE0C02, bytes(32)))]
    if entitlements is not None:
        body = entitlements if isinstance(entitlements, bytes) else plistlib.dumps(entitlements)
        slots += [(5, blob(0xFADE7171, body)), (7, blob(0xFADE7172, b"\x70\x00"))]
    index, offset = b"", 12 + 8 * len(slots)
    for slot, data in slots:
        index += struct.pack(">II", slot, offset)
        offset += len(data)
    blobs = b"".join(data for _, data in slots)
    return struct.pack(">III", 0xFADE0CC0, offset, len(slots)) + index + blobs


def macho_parts(entitlements: Entitlements, *, bits: int = 64, cputype: int = CPU_TYPE_ARM64,
                big_endian: bool = False, signed: bool = True,
                code_size: int = 0) -> tuple[bytes, bytes]:
    """A thin Mach-O as (header and load commands, signature); ``code_size`` bytes of code
    go between them. Unsigned: no LC_CODE_SIGNATURE and an empty signature."""
    order = ">" if big_endian else "<"
    header_size = 32 if bits == 64 else 28
    sig = signature(entitlements) if signed else b""
    commands = struct.pack(order + "II", LC_UUID, 24) + bytes(16)
    if signed:
        dataoff = header_size + len(commands) + 16 + code_size
        commands += struct.pack(order + "IIII", LC_CODE_SIGNATURE, 16, dataoff, len(sig))
    magic = 0xFEEDFACF if bits == 64 else 0xFEEDFACE
    ncmds = 2 if signed else 1
    header = struct.pack(order + "7I", magic, cputype, 0, MH_EXECUTE, ncmds, len(commands), 0)
    return header + bytes(header_size - 28) + commands, sig


def macho(entitlements: Entitlements, *, bits: int = 64, cputype: int = CPU_TYPE_ARM64,
          big_endian: bool = False, signed: bool = True, code_size: int = 0) -> bytes:
    head, sig = macho_parts(entitlements, bits=bits, cputype=cputype, big_endian=big_endian,
                            signed=signed, code_size=code_size)
    return head + bytes(code_size) + sig


def fat(*slices: bytes, wide: bool = False, align: int = FAT_ALIGN) -> bytes:
    """A fat binary of ``slices`` (fat_arch, or fat_arch_64 if ``wide``), each starting on a
    2^``align``-byte boundary."""
    arch_size = 32 if wide else 20
    offsets, end = [], 8 + arch_size * len(slices)
    for data in slices:
        start = -(-end >> align) << align
        offsets.append(start)
        end = start + len(data)
    out = bytearray(end)
    out[:8] = struct.pack(">II", 0xCAFEBABF if wide else 0xCAFEBABE, len(slices))
    for number, (data, start) in enumerate(zip(slices, offsets, strict=True)):
        order = "<" if data[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe") else ">"
        cputype, cpusubtype = struct.unpack_from(order + "II", data, 4)
        fields = (cputype, cpusubtype, start, len(data), align)
        arch = struct.pack(">IIQQII", *fields, 0) if wide else struct.pack(">5I", *fields)
        out[8 + number * arch_size:8 + (number + 1) * arch_size] = arch
        out[start:start + len(data)] = data
    return bytes(out)


def info_plist(bundle_id: str, executable: str, overrides: dict[str, Any], *,
               binary: bool = False) -> bytes:
    """An Info.plist, keys in the order given; an override of None removes the key."""
    base = {"CFBundleIdentifier": bundle_id, "CFBundleExecutable": executable,
            "CFBundleName": executable, "CFBundleShortVersionString": "1.0",
            "CFBundleVersion": "1", "MinimumOSVersion": "14.0"}
    info = {key: value for key, value in (base | overrides).items() if value is not None}
    return plistlib.dumps(info, fmt=plistlib.FMT_BINARY if binary else plistlib.FMT_XML,
                          sort_keys=False)


def ipa(path: Path | None = None, *, app: str = "X", info: dict[str, Any] | None = None,
        executable: bytes | Iterable[bytes] | None = None,
        extensions: dict[str, tuple[dict[str, Any], bytes]] | None = None,
        extra_entries: dict[str, bytes | None] | None = None,
        compression: int = zipfile.ZIP_DEFLATED, binary_plist: bool = False) -> bytes | Path:
    """An IPA with ``Payload/<app>.app/`` and its ``PlugIns/<name>.appex/`` extensions.

    ``info`` overrides the app's Info.plist keys (None removes one); ``executable`` defaults
    to a signed Mach-O without entitlements and may be an iterable of chunks, streamed in;
    ``extensions`` maps a name to (Info.plist overrides, executable); ``extra_entries`` add
    or replace entries by name (None removes one). Returns the bytes, or ``path`` once written.
    """
    root = f"Payload/{app}.app/"
    app_id = f"com.example.{app.lower()}"
    entries: dict[str, bytes | Iterable[bytes]] = {
        f"{root}Info.plist": info_plist(app_id, app, info or {}, binary=binary_plist),
        f"{root}{app}": macho(None) if executable is None else executable,
    }
    for name, (overrides, binary) in (extensions or {}).items():
        folder = f"{root}PlugIns/{name}.appex/"
        entries[f"{folder}Info.plist"] = info_plist(f"{app_id}.{name.lower()}", name, overrides,
                                                    binary=binary_plist)
        entries[f"{folder}{name}"] = binary
    for name, content in (extra_entries or {}).items():
        if content is None:
            entries.pop(name, None)
        else:
            entries[name] = content
    if path is None:
        buffer = io.BytesIO()
        _write_zip(buffer, entries, compression)
        return buffer.getvalue()
    with path.open("wb") as file:
        _write_zip(file, entries, compression)
    return path


def _write_zip(file: IO[bytes], entries: dict[str, bytes | Iterable[bytes]],
               compression: int) -> None:
    with zipfile.ZipFile(file, "w", compression) as archive:
        for name, content in entries.items():
            with archive.open(name, "w") as entry:
                for chunk in [content] if isinstance(content, bytes) else content:
                    entry.write(chunk)


def with_directory_field(data: bytes, name: str, offset: int, fmt: str, value: int) -> bytes:
    """The zip ``data`` with a field of entry ``name``'s central directory record changed:
    the record zipfile trusts, as a lying archive would have it (``offset`` 8: flags,
    24: uncompressed size)."""
    record = b"PK\x01\x02"
    position = data.find(record)
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46:position + 46 + name_length] == name.encode():
            field = position + offset
            return data[:field] + struct.pack(fmt, value) + data[field + struct.calcsize(fmt):]
        position = data.find(record, position + 1)
    raise KeyError(name)
