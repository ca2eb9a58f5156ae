"""Builders of small arm64 Images and Debian packages that the guest-payload tests feed
to the payload code; importing this puts the `cleave` package on sys.path."""

import gzip
import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

PE_AT = 0x40
OPTIONAL_SIZE = 0xA0  # a PE32+ optional header, as Linux writes it


def make_image(body=4096, image_size=None, flags=0x2, magic=b"ARM\x64", pe=True,
               text_offset=0):
    """A small arm64 Image: the 64-byte header, a PE header with one section that
    covers the file (so the file's length can be checked), and `body` bytes of code."""
    size = PE_AT + 4 + 20 + OPTIONAL_SIZE + 40 + body
    data = bytearray(size)
    data[0:2] = b"MZ"
    struct.pack_into("<QQQ", data, 8, text_offset, image_size or size + 0x10000, flags)
    data[56:60] = magic
    struct.pack_into("<I", data, 60, PE_AT if pe else 0)
    if pe:
        data[PE_AT:PE_AT + 4] = b"PE\0\0"
        struct.pack_into("<HH", data, PE_AT + 4, 0xAA64, 1)
        struct.pack_into("<H", data, PE_AT + 4 + 16, OPTIONAL_SIZE)
        section = PE_AT + 4 + 20 + OPTIONAL_SIZE
        data[section:section + 8] = b".text\0\0\0"
        start = section + 40
        struct.pack_into("<II", data, section + 16, size - start, start)
    for i in range(size - body, size):
        data[i] = i * 7 & 0xFF
    return bytes(data)


AARCH64_ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"\x02\x00\xb7\x00" + b"\0" * 100


def make_deb(folder, name, version, files):
    """A real .deb (dpkg-deb --build) holding `files` ({"./boot/x": bytes})."""
    tree = Path(folder) / f"{name}-tree"
    (tree / "DEBIAN").mkdir(parents=True)
    (tree / "DEBIAN" / "control").write_text(
        f"Package: {name}\nVersion: {version}\nArchitecture: arm64\n"
        "Maintainer: cleave tests <tests@example.invalid>\nDescription: test package\n")
    for path, data in files.items():
        target = tree / path.lstrip("./")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    deb = Path(folder) / f"{name}_{version.replace(':', '%3a')}_arm64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(tree),
                    str(deb)], check=True, capture_output=True)
    return deb


def gz(data):
    return gzip.compress(data, 6, mtime=0)
