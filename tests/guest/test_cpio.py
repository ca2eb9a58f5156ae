"""Tests of the newc cpio writer (tools/cleave/cpio.py): archives read back by a reader
written here from the format's description and by GNU cpio itself."""

import stat
import subprocess

import pytest

import builders  # noqa: F401  (puts the cleave package on sys.path)
from cleave import cpio


def read_newc(data):
    """[(name, mode, nlink, uid, gid, rdev, data)] of a newc archive, checking its
    layout: 4-byte alignment of every header and data, and the trailer at the end."""
    entries = []
    offset = 0
    while True:
        assert offset % 4 == 0
        head = data[offset:offset + 110]
        assert head[:6] == b"070701", f"bad magic at {offset}: {head[:6]!r}"
        fields = [int(head[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        ino, mode, uid, gid, nlink, mtime, size, _, _, rmaj, rmin, namesize, check = fields
        name_end = offset + 110 + namesize
        assert data[name_end - 1] == 0, "name is not NUL-terminated"
        name = data[offset + 110:name_end - 1].decode()
        start = name_end + (-name_end % 4)
        assert set(data[name_end:start]) <= {0}
        body = data[start:start + size]
        assert mtime == 0 and check == 0
        offset = start + size + (-(start + size) % 4)
        if name == "TRAILER!!!":
            assert offset == len(data), "bytes after the trailer"
            return entries
        entries.append((name, mode, nlink, uid, gid, (rmaj, rmin), body))


ENTRIES = [
    cpio.directory("bin"),
    cpio.directory("dev"),
    cpio.char_device("dev/console", 5, 1),
    cpio.regular("bin/tool", b"\x7fELF" + bytes(range(256)) * 3, 0o755),
    cpio.symlink("bin/sh", "tool"),
    cpio.regular("init", b"#!/bin/sh\necho hi\n", 0o755),
    cpio.regular("empty", b""),
    cpio.regular("odd-name-length-x", b"abc"),
]


def test_archive_reads_back_entry_for_entry():
    got = read_newc(cpio.archive(ENTRIES))
    assert [g[0] for g in got] == [e.name for e in ENTRIES]
    for (name, mode, nlink, uid, gid, rdev, body), entry in zip(got, ENTRIES):
        assert mode == entry.mode, name
        assert (uid, gid) == (0, 0)
        assert body == entry.data, name
        assert rdev == entry.rdev, name
        assert nlink == (2 if stat.S_ISDIR(mode) else 1)
    assert stat.S_ISLNK(got[4][1]) and got[4][6] == b"tool"
    assert stat.S_ISCHR(got[2][1]) and got[2][5] == (5, 1)


def test_same_entries_give_the_same_bytes():
    assert cpio.archive(ENTRIES) == cpio.archive(list(ENTRIES))


def test_gnu_cpio_lists_it(tmp_path):
    archive = tmp_path / "a.cpio"
    archive.write_bytes(cpio.archive(ENTRIES))
    out = subprocess.run(["cpio", "-t", "-v", "--quiet", "-F", str(archive)],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert [line.split()[-1] for line in out if "->" not in line] == \
        [e.name for e in ENTRIES if not stat.S_ISLNK(e.mode)]
    link = next(line for line in out if "->" in line)
    assert link.startswith("lrwxrwxrwx") and link.endswith("bin/sh -> tool")
    device = next(line for line in out if line.endswith("dev/console"))
    assert device.startswith("crw-------") and "5,   1" in device


def test_gnu_cpio_extracts_it(tmp_path):
    files = [e for e in ENTRIES if not stat.S_ISCHR(e.mode)]  # mknod needs root
    archive = tmp_path / "a.cpio"
    archive.write_bytes(cpio.archive(files))
    into = tmp_path / "out"
    into.mkdir()
    subprocess.run(["cpio", "-i", "-d", "--quiet", "--no-absolute-filenames", "-F",
                    str(archive)], cwd=into, check=True, capture_output=True)
    for entry in files:
        path = into / entry.name
        if stat.S_ISREG(entry.mode):
            assert path.read_bytes() == entry.data
            assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(entry.mode)
        elif stat.S_ISLNK(entry.mode):
            assert path.is_symlink() and str(path.readlink()) == "tool"
        else:
            assert path.is_dir()


@pytest.mark.parametrize("entries, words", [
    ([cpio.regular("bin/x", b"")], ["before its directory 'bin'"]),
    ([cpio.directory("a"), cpio.directory("a")], ["twice"]),
    ([cpio.regular("/init", b"")], ["relative"]),
    ([cpio.directory("a"), cpio.regular("a/../b", b"")], ["'..'"]),
    ([cpio.regular("a//b", b"")], ["empty"]),
    ([cpio.regular("TRAILER!!!", b"")], ["end-of-archive"]),
    ([cpio.Entry("d", stat.S_IFDIR | 0o755, b"data")], ["only files and links"]),
    ([cpio.Entry("p", stat.S_IFIFO | 0o644)], ["unsupported file type"]),
])
def test_bad_entries_are_refused(entries, words):
    with pytest.raises(ValueError) as caught:
        cpio.archive(entries)
    for word in words:
        assert word in str(caught.value)
