"""The arm64 Linux `Image` format: reading its header, and getting an Image out of a
Debian `vmlinuz`.

The header (Linux's Documentation/arch/arm64/booting.rst, "Call the kernel image") is
64 bytes, little-endian:

    offset  size  field
         0     4  code0 (a branch, or the "MZ" of a PE/COFF header)
         4     4  code1
         8     8  text_offset: where in RAM, from a 2 MiB aligned base, it is loaded
        16     8  image_size: how much memory it occupies, .bss included (0 before 3.17)
        24     8  flags: bit 0 big-endian; bits 1-2 page size; bit 3 placement
        32    24  reserved
        56     4  magic "ARM\\x64"
        60     4  offset of the PE header ("PE\\0\\0"), 0 when there is none

A kernel built with the EFI stub (every Debian arm64 kernel) is also a PE/COFF file;
its section table says how far the file's contents reach, which is how a truncated
Image is told from a whole one (the header alone cannot say: it sits at the start).

Debian installs `/boot/vmlinuz-*` on arm64 as a gzip-compressed Image: `to_image()`
decompresses it (the gzip trailer's CRC-32 and length catch a cut or corrupt file) and
checks the result. Every refusal is an ImageError naming the file and what is wrong.
"""

import gzip
import struct
import zlib
from dataclasses import dataclass

HEADER_SIZE = 64
MAGIC = b"ARM\x64"
MAGIC_OFFSET = 56
PE_OFFSET_FIELD = 60
PE_SIGNATURE = b"PE\0\0"
PE_MACHINE_ARM64 = 0xAA64
COFF_HEADER_SIZE = 20  # after the signature: machine .. characteristics
SECTION_HEADER_SIZE = 40
GZIP_MAGIC = b"\x1f\x8b"
ZBOOT_MAGIC = b"zimg"  # an EFI "zboot" image: a PE decompressor around a compressed Image
FLAG_BIG_ENDIAN = 1
PAGE_SIZES = {0: "unspecified", 1: "4K", 2: "16K", 3: "64K"}


class ImageError(Exception):
    """A file that is not a usable arm64 Image."""


@dataclass(frozen=True)
class ImageHeader:
    text_offset: int
    image_size: int
    flags: int
    file_size: int
    pe_extent: int = None  # bytes the PE section table says the file holds

    @property
    def page_size(self):
        return PAGE_SIZES[(self.flags >> 1) & 3]


def parse_header(data, source):
    """The ImageHeader of the Image in `data` (bytes); ImageError if it is not one.

    `source` names the file in messages.
    """
    size = len(data)
    if size < HEADER_SIZE:
        raise ImageError(f"{source}: {size} bytes is too small for an arm64 Image "
                         f"(its header alone is {HEADER_SIZE} bytes)")
    magic = bytes(data[MAGIC_OFFSET:MAGIC_OFFSET + 4])
    if magic != MAGIC:
        raise ImageError(f"{source}: not an arm64 Image: {what_it_is(data)}, no "
                         f"'ARM\\x64' magic at offset {MAGIC_OFFSET} (found {magic!r})")
    text_offset, image_size, flags = struct.unpack_from("<QQQ", data, 8)
    if flags & FLAG_BIG_ENDIAN:
        raise ImageError(f"{source}: a big-endian arm64 kernel; guests must be little-endian")
    if image_size and size > image_size:
        raise ImageError(f"{source}: the header's image_size ({image_size} bytes) is "
                         f"smaller than the file ({size} bytes); the header is corrupt")
    extent = pe_extent(data, source)
    if extent is not None and size < extent:
        raise ImageError(f"{source}: truncated: {size} bytes, but its PE section table "
                         f"says the kernel's contents reach {extent} bytes")
    return ImageHeader(text_offset, image_size, flags, size, extent)


def pe_extent(data, source):
    """How many bytes the PE/COFF section table says the file holds; None without PE."""
    (offset,) = struct.unpack_from("<I", data, PE_OFFSET_FIELD)
    if offset == 0:
        return None
    if offset + 4 + COFF_HEADER_SIZE > len(data):
        raise ImageError(f"{source}: truncated: the PE header at offset {offset} lies "
                         f"beyond the file's {len(data)} bytes")
    if bytes(data[offset:offset + 4]) != PE_SIGNATURE:
        raise ImageError(f"{source}: the header points at a PE header at offset "
                         f"{offset}, but there is none; the file is corrupt")
    coff = offset + 4
    machine, sections = struct.unpack_from("<HH", data, coff)
    (optional_size,) = struct.unpack_from("<H", data, coff + 16)
    if machine != PE_MACHINE_ARM64:
        raise ImageError(f"{source}: its PE header is for machine 0x{machine:04x}, "
                         f"not arm64 (0x{PE_MACHINE_ARM64:04x})")
    table = coff + COFF_HEADER_SIZE + optional_size
    if table + sections * SECTION_HEADER_SIZE > len(data):
        raise ImageError(f"{source}: truncated: the PE section table lies beyond the "
                         f"file's {len(data)} bytes")
    extent = 0
    for index in range(sections):
        raw_size, raw_pointer = struct.unpack_from(
            "<II", data, table + index * SECTION_HEADER_SIZE + 16)
        if raw_size:
            extent = max(extent, raw_pointer + raw_size)
    return extent


def what_it_is(data):
    """A few words on what a file that is not an Image seems to be."""
    start = bytes(data[:8])
    if start.startswith(b"\x7fELF"):
        return "an ELF file (give the Image, not vmlinux)"
    if start.startswith(GZIP_MAGIC):
        return "gzip-compressed data"
    if start.startswith(b"MZ"):
        return "a PE/COFF file without the arm64 Image header"
    if start.startswith(b"070701"):
        return "a cpio archive"
    return "unknown contents"


def to_image(data, source):
    """(Image bytes, ImageHeader) from a vmlinuz: a gzip-compressed or a plain Image."""
    data = bytes(data)
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data, source)
        source = f"{source} (decompressed)"
    elif data[:2] == b"MZ" and data[4:8] == ZBOOT_MAGIC:
        kind = data[24:32].split(b"\0")[0].decode("ascii", "replace")
        raise ImageError(f"{source}: an EFI zboot image ({kind or 'unknown'} compressed); "
                         "cleave takes a gzip-compressed or a plain arm64 Image")
    return data, parse_header(data, source)


def gunzip(data, source):
    """The decompressed contents of gzip `data`; ImageError when cut short or corrupt."""
    try:
        return gzip.decompress(data)
    except EOFError:
        raise ImageError(f"{source}: truncated: the gzip stream ends before its end "
                         "marker") from None
    except (OSError, zlib.error) as err:
        raise ImageError(f"{source}: corrupt gzip data ({err})") from None
