"""Tests of `./cleave guest`: the payload paths of a guest, and bad names as bad usage."""

import gzip
import subprocess

from builders import ROOT
from test_cpio import read_newc


def cleave(*args):
    return subprocess.run([str(ROOT / "cleave"), *args], capture_output=True, text=True,
                          timeout=600, cwd=ROOT, stdin=subprocess.DEVNULL)


def test_guest_prints_its_kernel_initramfs_and_marker():
    result = cleave("guest", "cli-test")
    assert result.returncode == 0, result.stderr
    fields = dict(line.split(":", 1) for line in result.stdout.splitlines()
                  if line.startswith(("kernel:", "initramfs:", "marker:")))
    assert fields["marker"].strip() == "cleave: cli-test reached userspace"
    kernel = fields["kernel"].split(" (Debian ")[0].strip()
    with open(kernel, "rb") as image:
        assert image.read(64)[56:60] == b"ARM\x64"
    initramfs = fields["initramfs"].strip()
    with open(initramfs, "rb") as archive:
        entries = {e[0]: e[6] for e in read_newc(gzip.decompress(archive.read()))}
    assert b"cleave: cli-test reached userspace" in entries["init"]


def test_bad_guest_name_is_one_line_of_bad_usage():
    result = cleave("guest", "no spaces")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "cleave: error: guest name 'no spaces': use 1 to 32 letters, digits, '_' or '-', "
        "starting with a letter or digit"]
