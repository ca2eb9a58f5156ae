"""Writing cpio archives in the "newc" format, which Linux unpacks as an initramfs.

The format (Linux's Documentation/driver-api/early-userspace/buffer-format.rst): per
entry a 110-byte ASCII header, "070701" then 13 fields of 8 hex digits (inode, mode,
uid, gid, nlink, mtime, file size, dev major, dev minor, rdev major, rdev minor, name
size with its NUL, check), the name and its NUL padded to a multiple of 4 bytes, then
the data (a symbolic link's data is its target) padded the same way. The archive ends
with an entry named "TRAILER!!!".

Everything is owned by root (uid and gid 0) with mtime 0, so the same entries always
give the same bytes: no fakeroot, and a content hash names the archive.

Linux creates each entry where its name says, but never a missing parent directory,
so `archive()` refuses an entry whose parent was not listed before it.
"""

import stat
from dataclasses import dataclass

MAGIC = b"070701"
TRAILER = "TRAILER!!!"
HEADER_SIZE = 110
FIELD_MAX = 0xFFFFFFFF


@dataclass(frozen=True)
class Entry:
    name: str  # relative: "bin/busybox"
    mode: int  # file type and permission bits, as in st_mode
    data: bytes = b""
    rdev: tuple = (0, 0)


def directory(name, perm=0o755):
    return Entry(name, stat.S_IFDIR | perm)


def regular(name, data, perm=0o644):
    return Entry(name, stat.S_IFREG | perm, bytes(data))


def symlink(name, target):
    return Entry(name, stat.S_IFLNK | 0o777, target.encode())


def char_device(name, major, minor, perm=0o600):
    return Entry(name, stat.S_IFCHR | perm, rdev=(major, minor))


def pad4(length):
    return b"\0" * (-length % 4)


def header(ino, entry, name_bytes):
    nlink = 2 if stat.S_ISDIR(entry.mode) else 1
    fields = (ino, entry.mode, 0, 0, nlink, 0, len(entry.data), 0, 0,
              entry.rdev[0], entry.rdev[1], len(name_bytes) + 1, 0)
    for value in fields:
        if not 0 <= value <= FIELD_MAX:
            raise ValueError(f"cpio entry {entry.name}: value {value} does not fit 32 bits")
    return MAGIC + b"".join(b"%08X" % value for value in fields)


def check_name(entry, seen_dirs):
    name = entry.name
    if not name or name.startswith("/") or name.endswith("/"):
        raise ValueError(f"cpio entry name '{name}' must be relative, with no '/' at "
                         "either end")
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts) or "\0" in name:
        raise ValueError(f"cpio entry name '{name}' has an empty, '.', '..' or NUL part")
    if name == TRAILER:
        raise ValueError(f"cpio entry name '{name}' is the end-of-archive marker")
    parent = "/".join(parts[:-1])
    if parent and parent not in seen_dirs:
        raise ValueError(f"cpio entry '{name}' comes before its directory '{parent}'")
    kind = stat.S_IFMT(entry.mode)
    if kind not in (stat.S_IFDIR, stat.S_IFREG, stat.S_IFLNK, stat.S_IFCHR, stat.S_IFBLK):
        raise ValueError(f"cpio entry '{name}': unsupported file type 0o{kind:o}")
    if entry.data and kind not in (stat.S_IFREG, stat.S_IFLNK):
        raise ValueError(f"cpio entry '{name}': only files and links carry data")


def archive(entries):
    """The newc archive (bytes) of `entries`, in their order, with its trailer."""
    out = bytearray()
    names = set()
    dirs = set()
    for ino, entry in enumerate(entries, start=1):
        check_name(entry, dirs)
        if entry.name in names:
            raise ValueError(f"cpio entry '{entry.name}' given twice")
        names.add(entry.name)
        if stat.S_ISDIR(entry.mode):
            dirs.add(entry.name)
        out += _member(ino, entry)
    out += _member(0, Entry(TRAILER, 0))
    return bytes(out)


def _member(ino, entry):
    name = entry.name.encode()
    head = header(ino, entry, name) + name + b"\0"
    return head + pad4(len(head)) + entry.data + pad4(len(entry.data))
