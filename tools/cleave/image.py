"""The system image: the kernel-and-loader image with a payload appended
(docs/image.md; the C side is kernel/include/uapi/cleave/image.h).

    data = image.pack(kernel_bin, entries, flags)   # entries: [Entry]
    header, entries = image.read(data)              # checks what pack() promises

The payload starts at the first 2 MiB boundary after the kernel's last byte in memory
(text_offset + image_size from its arm64 Image header, so bss included): the kernel
finds it there and QEMU's -kernel loads it with the kernel. Each entry starts on a
4 KiB page; identical contents are stored once (two guests of one kernel), except an
entry marked `alone` (a kernel its guest runs in place, as its RAM). A guest's
kernel or initrd of 2 MiB or more starts and ends on a 2 MiB boundary of the payload,
zero padded, and then so does the payload: the loader maps the kernel's own 2 MiB
frames of it into the guest's VMM instead of copying it (docs/image.md, "In place").
"""

import array
import itertools
import struct
import sys
from dataclasses import dataclass

MAGIC = 0x31474D4956454C43  # "CLEVIMG1"
VERSION = 1
ALIGN = 4096
PAYLOAD_ALIGN = 2 << 20
NAME_MAX = 48
HEADER = struct.Struct("<QIIQII")
ENTRY = struct.Struct(f"<{NAME_MAX}sIIQQ")
KINDS = {"spec": 1, "elf": 2, "guest-kernel": 3, "guest-initrd": 4, "vmm-info": 5}
# The kinds a VMM maps read-only in 2 MiB frames once they are 2 MiB or more
# (idl/cleave_idl/spec.py, the guest's files).
IN_PLACE_KINDS = ("guest-kernel", "guest-initrd")
KIND_NAMES = {v: k for k, v in KINDS.items()}
FLAG_DUMP_CAPS = 1
ARM64_MAGIC = b"ARM\x64"
# QEMU places the device tree 128 MiB above the start of RAM when the kernel is
# smaller; a bigger image would overlap it (hw/arm/boot.c).
QEMU_IMAGE_MAX = 128 << 20


class ImageError(Exception):
    """An image cannot be made or read; the message says why."""


@dataclass
class Entry:
    name: str
    kind: str  # a key of KINDS
    data: bytes
    offset: int = 0  # set by pack()/read()
    alone: bool = False  # stored for this entry only: a guest runs it in place, writing it


def checksum(data):
    """The payload's checksum (docs/image.md; servers/loader/payload.c computes the same):
    the bytes as 32-bit little-endian words, the last one padded with zeroes; a is their
    sum, b the sum of a after each word, both mod 2^32; the checksum is a XOR b rotated
    left by 16. A Fletcher sum over words: a changed byte always changes a, and b
    depends on where each word is (it sees words swapped). It costs the loader about
    one instruction a byte; a byte-wise FNV-1a over a 33 MiB payload took a sizeable
    share of a Linux guest's boot."""
    data = bytes(data) + bytes(-len(data) % 4)
    words = array.array("I")
    words.frombytes(data)
    if sys.byteorder != "little":
        words.byteswap()
    a = sum(words) & 0xFFFFFFFF
    b = sum(itertools.accumulate(words)) & 0xFFFFFFFF
    return a ^ (((b << 16) | (b >> 16)) & 0xFFFFFFFF)


def align(n, a):
    return -(-n // a) * a


def kernel_layout(kernel, alone=True):
    """(text_offset, image_size) from an arm64 Image header (`alone`: `kernel` is the
    kernel's file only, which the header's size must cover)."""
    if len(kernel) < 64 or kernel[56:60] != ARM64_MAGIC:
        raise ImageError("the kernel is not an arm64 Image (no 'ARM\\x64' at offset 56)")
    text_offset, image_size = struct.unpack_from("<QQ", kernel, 8)
    if alone and image_size < len(kernel):
        raise ImageError(f"the kernel's header says {image_size} bytes, the file has "
                         f"{len(kernel)}")
    return text_offset, image_size


def payload_offset(kernel, alone=True):
    """Where in the file the payload starts: 2 MiB aligned in memory."""
    text_offset, image_size = kernel_layout(kernel, alone)
    return align(text_offset + image_size, PAYLOAD_ALIGN) - text_offset


def pack_payload(entries, flags=0):
    table = HEADER.size + ENTRY.size * len(entries)
    at = align(table, ALIGN)
    blobs, placed = [], {}
    in_place = False

    def large(entry):
        return entry.kind in IN_PLACE_KINDS and len(entry.data) >= PAYLOAD_ALIGN

    for entry in entries:
        if len(entry.name.encode()) >= NAME_MAX:
            raise ImageError(f"entry name '{entry.name}' is longer than {NAME_MAX - 1} bytes")
        if entry.kind not in KINDS:
            raise ImageError(f"entry '{entry.name}': unknown kind '{entry.kind}'")
    # Small entries first, then the 2 MiB aligned ones: the small ones fill what would
    # be padding before the first large one (the table keeps the given order).
    for n, entry in enumerate(sorted(entries, key=large)):
        # An entry a guest writes (its RAM, "In place") shares its bytes with no other.
        key = (n, bytes(entry.data)) if entry.alone else bytes(entry.data)
        if key in placed:
            entry.offset = placed[key]
            continue
        if large(entry):
            at = align(at, PAYLOAD_ALIGN)
            in_place = True
        entry.offset = placed[key] = at
        blobs.append((at, entry.data))
        at = align(at + len(entry.data), PAYLOAD_ALIGN if large(entry) else ALIGN)
    if in_place:
        at = align(at, PAYLOAD_ALIGN)
    body = bytearray(at)
    for entry in entries:
        ENTRY.pack_into(body, HEADER.size + ENTRY.size * entries.index(entry),
                        entry.name.encode(), KINDS[entry.kind], 0, entry.offset,
                        len(entry.data))
    for offset, data in blobs:
        body[offset:offset + len(data)] = data
    size = len(body)
    HEADER.pack_into(body, 0, MAGIC, VERSION, len(entries), size, 0, flags)
    struct.pack_into("<I", body, 24, checksum(body[32:]))
    return bytes(body)


def pack(kernel, entries, flags=0):
    """The whole image: the kernel, zero padding, the payload."""
    offset = payload_offset(kernel)
    payload = pack_payload(entries, flags)
    data = kernel + bytes(offset - len(kernel)) + payload
    text_offset, _ = kernel_layout(kernel)
    if text_offset + len(data) > QEMU_IMAGE_MAX:
        raise ImageError(f"the image is {len(data) >> 20} MiB; QEMU's -kernel puts the "
                         f"device tree at {QEMU_IMAGE_MAX >> 20} MiB, so it must stay "
                         "below that (smaller guest payloads)")
    return data


def read(data):
    """(flags, [Entry]) of a whole image; ImageError says what is wrong."""
    offset = payload_offset(data, alone=False)
    payload = data[offset:]
    if len(payload) < HEADER.size:
        raise ImageError("the image has no payload (a plain kernel?)")
    magic, version, count, size, sealed, flags = HEADER.unpack_from(payload)
    if magic != MAGIC:
        raise ImageError("the image has no payload (a plain kernel?)")
    if version != VERSION:
        raise ImageError(f"payload version {version}; this tool reads {VERSION}")
    if size > len(payload):
        raise ImageError(f"the payload says {size} bytes, {len(payload)} are there "
                         "(truncated?)")
    if checksum(payload[32:size]) != sealed:
        raise ImageError("payload checksum mismatch (the image is damaged)")
    entries = []
    for n in range(count):
        name, kind, _, at, length = ENTRY.unpack_from(payload, HEADER.size + ENTRY.size * n)
        entries.append(Entry(name.rstrip(b"\0").decode(), KIND_NAMES.get(kind, str(kind)),
                             payload[at:at + length], at))
    return flags, entries


def describe(data, kernel_name="kernel + loader"):
    """Lines listing what an image holds and how big each part is."""
    flags, entries = read(data)
    offset = payload_offset(data, alone=False)
    lines = [f"  {'part':<28} {'kind':<13} {'offset':>10} {'size':>12}",
             f"  {kernel_name:<28} {'kernel':<13} {0:>#10x} {size_text(offset):>12}"]
    seen = set()
    for entry in entries:
        again = " (same data as above)" if entry.offset in seen else ""
        seen.add(entry.offset)
        lines.append(f"  {entry.name:<28} {entry.kind:<13} {offset + entry.offset:>#10x} "
                     f"{size_text(len(entry.data)):>12}{again}")
    lines.append(f"  {'total':<28} {'':<13} {'':>10} {size_text(len(data)):>12}")
    return lines


def size_text(n):
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.1f} KiB"
    return f"{n} B"
