"""Tests of the payload pipeline (tools/cleave/guest_payload.py): packages found through
apt, downloaded once into the cache, the kernel taken out of its .deb and checked, the
busybox initramfs built per guest and cached by content. A stand-in for apt serves
real .deb files built with dpkg-deb and counts its downloads."""

import gzip
import os
import stat
import threading
import time

import pytest

from builders import AARCH64_ELF, gz, make_deb, make_image
from cleave import guest_payload
from cleave.errors import CleaveError
from cleave.guest_payload import Package
from test_cpio import read_newc

RELEASE = "6.1.0-99-arm64"


class FakeApt:
    """apt's three questions, answered from `packages` ({name: (version, files)})."""

    def __init__(self, tmp_path, kernel_files=None, kernel_version="6.1.500-1"):
        self.folder = tmp_path / "archive"
        self.folder.mkdir(exist_ok=True)
        self.downloads = []
        self.image = make_image(body=50000)
        self.packages = {
            "linux-image-arm64": ("6.1.500-1", None),
            f"linux-image-{RELEASE}": (kernel_version, kernel_files or {
                f"./boot/vmlinuz-{RELEASE}": gz(self.image),
                f"./boot/config-{RELEASE}": b"CONFIG_ARM64=y\n"}),
            "busybox-static": ("1:1.35.0-4", {"./bin/busybox": AARCH64_ELF}),
        }

    def candidate(self, name):
        if name not in self.packages:
            raise CleaveError(f"apt knows no package {name}:arm64")
        return Package(name, self.packages[name][0], 1234)

    def depends(self, name):
        return ["linux-base", f"linux-image-{RELEASE}"] if name == "linux-image-arm64" else []

    def download(self, package, folder):
        self.downloads.append(package.name)
        version, files = self.packages[package.name]
        assert version == package.version
        return make_deb(folder, package.name, version, files)


@pytest.fixture
def apt(tmp_path):
    return FakeApt(tmp_path)


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def test_kernel_is_fetched_extracted_and_decompressed(apt, cache):
    kernel = guest_payload.kernel(cache, apt)
    assert kernel.image.read_bytes() == apt.image
    assert kernel.release == RELEASE and kernel.shipped == "gzip"
    assert kernel.package == Package(f"linux-image-{RELEASE}", "6.1.500-1", 1234)
    assert apt.downloads == [f"linux-image-{RELEASE}"]
    assert kernel.image.is_relative_to(cache)


def test_second_call_uses_the_cache(apt, cache):
    first = guest_payload.kernel(cache, apt)
    stamp = first.image.stat().st_mtime_ns
    time.sleep(0.01)
    second = guest_payload.kernel(cache, apt)
    assert second == first
    assert apt.downloads == [f"linux-image-{RELEASE}"]  # not downloaded again
    assert second.image.stat().st_mtime_ns == stamp  # nor extracted again


def test_new_version_is_fetched(apt, cache, tmp_path):
    guest_payload.kernel(cache, apt)
    apt.packages[f"linux-image-{RELEASE}"] = ("6.1.501-1",
                                              apt.packages[f"linux-image-{RELEASE}"][1])
    newer = guest_payload.kernel(cache, apt)
    assert newer.package.version == "6.1.501-1"
    assert len(apt.downloads) == 2


def test_lost_image_is_extracted_again_without_downloading(apt, cache):
    kernel = guest_payload.kernel(cache, apt)
    kernel.image.unlink()
    assert guest_payload.kernel(cache, apt).image.read_bytes() == apt.image
    assert len(apt.downloads) == 1  # the .deb stayed in the cache


def test_concurrent_callers_download_once(apt, cache):
    results = []
    threads = [threading.Thread(target=lambda: results.append(guest_payload.kernel(cache, apt)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and len(set(results)) == 1
    assert len(apt.downloads) == 1


def test_plain_image_in_the_package_is_taken(tmp_path, cache):
    image = make_image(body=3000)
    apt = FakeApt(tmp_path, {f"./boot/vmlinuz-{RELEASE}": image})
    kernel = guest_payload.kernel(cache, apt)
    assert kernel.image.read_bytes() == image and kernel.shipped == "Image"


def test_broken_kernel_in_the_package_is_refused(tmp_path, cache):
    whole = gz(make_image(body=50000))
    apt = FakeApt(tmp_path, {f"./boot/vmlinuz-{RELEASE}": whole[:len(whole) // 2]})
    with pytest.raises(CleaveError) as caught:
        guest_payload.kernel(cache, apt)
    message = str(caught.value)
    assert "refusing Debian's kernel" in message and "truncated" in message
    assert f"vmlinuz-{RELEASE}" in message
    assert not list(cache.glob("kernel/*/Image"))


def test_package_without_a_kernel_is_an_error(tmp_path, cache):
    apt = FakeApt(tmp_path, {"./boot/config": b"x"})
    with pytest.raises(CleaveError, match="cannot extract the file cleave needs"):
        guest_payload.kernel(cache, apt)


def test_metapackage_without_a_kernel_dependency(apt, cache):
    apt.depends = lambda name: ["linux-base"]
    with pytest.raises(CleaveError, match="depends on no linux-image-"):
        guest_payload.kernel(cache, apt)


def test_initramfs_holds_busybox_init_and_console(apt, cache):
    path = guest_payload.initramfs("web-1", cache, apt)
    assert path.name.startswith("web-1-") and path.name.endswith(".cpio.gz")
    entries = {e[0]: e for e in read_newc(gzip.decompress(path.read_bytes()))}
    assert entries["bin/busybox"][6] == AARCH64_ELF
    assert stat.S_IMODE(entries["bin/busybox"][1]) == 0o755
    assert entries["bin/sh"][6] == b"busybox"
    console = entries["dev/console"]
    assert stat.S_ISCHR(console[1]) and console[5] == (5, 1)
    init = entries["init"][6].decode()
    assert stat.S_IMODE(entries["init"][1]) == 0o755
    assert init.startswith("#!/bin/busybox sh\n")
    assert 'echo "cleave: web-1 reached userspace"\n' in init
    assert 'echo "<3>cleave: web-1 reached userspace" > /dev/kmsg' in init
    assert "mount -t devtmpfs devtmpfs /dev" in init and "cttyhack" in init
    for folder in ("proc", "sys", "dev", "tmp", "root"):
        assert stat.S_ISDIR(entries[folder][1])


def test_initramfs_is_cached_by_content(apt, cache):
    first = guest_payload.initramfs("alpha", cache, apt)
    stamp = first.stat().st_mtime_ns
    time.sleep(0.01)
    assert guest_payload.initramfs("alpha", cache, apt) == first
    assert first.stat().st_mtime_ns == stamp
    other = guest_payload.initramfs("beta", cache, apt)
    assert other != first and other.name.startswith("beta-")
    assert apt.downloads == ["busybox-static"]


def test_initramfs_is_reproducible(tmp_path, apt):
    one = guest_payload.initramfs("alpha", tmp_path / "c1", apt)
    two = guest_payload.initramfs("alpha", tmp_path / "c2", apt)
    assert one.name == two.name and one.read_bytes() == two.read_bytes()


@pytest.mark.parametrize("name", ["", "-x", "a b", 'x";reboot;"', "a/b", "x" * 33, None])
def test_bad_guest_names_are_refused(apt, cache, name):
    with pytest.raises(CleaveError, match="guest name"):
        guest_payload.initramfs(name, cache, apt)
    assert not apt.downloads


def test_busybox_that_is_not_arm64_is_refused(apt, cache):
    apt.packages["busybox-static"] = ("1", {"./bin/busybox": b"\x7fELF\x02\x01" + bytes(60)})
    with pytest.raises(CleaveError, match="not a 64-bit arm64 ELF"):
        guest_payload.busybox(cache, apt)


def test_payload_puts_it_together(apt, cache):
    payload = guest_payload.payload("g", cache, apt)
    assert payload.marker == "cleave: g reached userspace"
    assert payload.kernel.image.is_file() and payload.initramfs.is_file()


def test_refresh_keeps_only_the_current_versions(apt, cache):
    apt.update = lambda: True
    guest_payload.payload("g", cache, apt)
    kernel_files = apt.packages[f"linux-image-{RELEASE}"][1]
    apt.packages[f"linux-image-{RELEASE}"] = ("6.1.501-1", kernel_files)
    current, _, removed = guest_payload.refresh(cache, apt)
    assert current.package.version == "6.1.501-1"
    names = sorted(p.name for p in removed)
    assert f"linux-image-{RELEASE}_6.1.500-1" in names
    assert f"linux-image-{RELEASE}_6.1.500-1_arm64.deb" in names
    assert any(name.startswith("g-") for name in names)  # initramfs files go too
    assert [p.name for p in (cache / "kernel").iterdir()] == [f"linux-image-{RELEASE}_6.1.501-1"]


def test_the_cache_is_under_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert guest_payload.cache_root() == tmp_path / "cleave" / "guest"


# --- the real apt, where it needs no network -----------------------------------------

def test_parse_control_reads_fields_and_continuations():
    fields = guest_payload.parse_control(
        "Package: a\nVersion: 1:2.3-4\nDescription: one\n two\nDepends: x (>= 1), y | z\n"
        "\nPackage: b\nVersion: 9\n")
    assert fields["Version"] == "1:2.3-4" and fields["Description"] == "one\ntwo"
    assert fields["Package"] == "a"


def test_real_apt_unknown_package_is_a_clear_error():
    apt = guest_payload.Apt()
    apt.updated = True  # no apt-get update from a test
    with pytest.raises(CleaveError, match=r"apt knows no package cleave-no-such-package:arm64"):
        apt.candidate("cleave-no-such-package")


def test_real_apt_failed_download_is_a_clear_error(tmp_path):
    apt = guest_payload.Apt()
    with pytest.raises(CleaveError) as caught:
        apt.download(Package("cleave-no-such-package", "1.0"), tmp_path)
    message = str(caught.value)
    assert "could not download cleave-no-such-package 1.0" in message
    assert "Debian's archive" in message and "\n" not in message


def test_real_apt_names_the_kernel_metapackage_dependency():
    apt = guest_payload.Apt()
    apt.updated = True
    names = apt.depends(guest_payload.KERNEL_META)
    assert any(guest_payload.KERNEL_PACKAGE_RE.match(name) for name in names), names


def test_init_powers_off_after_its_marker_only_when_asked():
    init = guest_payload.init_script("web-1")
    marker = init.index('echo "cleave: web-1 reached userspace"\n')
    asked = init.index('*" cleave.then=poweroff "*)')
    off = init.index("poweroff -f")
    assert marker < asked < off < init.index("cttyhack")
    assert guest_payload.POWEROFF_ARG == "cleave.then=poweroff"
