"""Guest payloads: Debian's arm64 Linux kernel and a busybox initramfs per guest name.

The kernel is the one Debian's `linux-image-arm64:arm64` metapackage points at (its
candidate version in apt's lists), the initramfs is made of `busybox-static:arm64`'s
/bin/busybox and a generated /init. Both packages are fetched with `apt-get download`
(no installing, no root) and kept in a cache that outlives build/:

    ${XDG_CACHE_HOME:-~/.cache}/cleave/guest/
        debs/<package>_<version>_arm64.deb      what apt-get downloaded
        kernel/<package>_<version>/Image        /boot/vmlinuz-*, as a plain arm64 Image,
                                                checked (arm64_image.py)
        kernel/<package>_<version>/info.json    the kernel release and how it was shipped
        busybox/<version>/busybox               /bin/busybox
        initramfs/<guest>-<hash>.cpio.gz        named by the hash of its contents

A new Debian version (after `apt-get update`) is fetched on next use; older versions
stay until `./cleave guest --refresh` or removing the folder. docs/guests.md tells more.
Every file is written under a temporary name and renamed, so a cut download or a
Ctrl-C never leaves a half file that looks whole; one lock makes concurrent callers
(system tests run in threads) fetch once.

Debian 12's signed arm64 kernels ship /boot/vmlinuz-* as a plain Image (an EFI PE
file with its signature appended); unsigned builds and other releases ship it
gzip-compressed. Both are taken, and both end up as a plain Image.
"""

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from . import arm64_image, cpio, deps
from .errors import CleaveError
from .paths import shown
from .progress import say, step, tail

ARCH = "arm64"
KERNEL_META = "linux-image-arm64"
BUSYBOX = "busybox-static"
VMLINUZ_RE = re.compile(r"^\./boot/vmlinuz-(.+)$")
BUSYBOX_MEMBER = "./bin/busybox"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
KERNEL_PACKAGE_RE = re.compile(r"^linux-image-[0-9][A-Za-z0-9.+-]*-arm64$")
# Changes to the initramfs layout change its bytes and so its hash; nothing to bump.
GZIP_LEVEL = 9
APT_TIMEOUT_S = 1800
_LOCK = threading.RLock()


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    size: int = 0  # bytes of the .deb, from apt's lists

    def describe(self):
        return f"{self.name} {self.version}"


@dataclass(frozen=True)
class Kernel:
    package: Package
    release: str  # the kernel's own version, from /boot/vmlinuz-<release>
    image: Path  # the plain arm64 Image
    shipped: str  # what Debian's /boot/vmlinuz-<release> is: "Image" or "gzip"


@dataclass(frozen=True)
class Payload:
    guest: str
    kernel: Kernel
    initramfs: Path

    @property
    def marker(self):
        return marker(self.guest)


def marker(guest):
    """The line a guest's /init prints once it runs."""
    return f"cleave: {guest} reached userspace"


def check_guest_name(guest):
    if not isinstance(guest, str) or not NAME_RE.match(guest):
        raise CleaveError(f"guest name {guest!r}: use 1 to 32 letters, digits, '_' or '-', "
                          "starting with a letter or digit")


def cache_root():
    return deps.cache_dir() / "guest"


# --- apt -------------------------------------------------------------------------------

class Apt:
    """Debian's archive through apt: candidate versions from the local lists, and
    `apt-get download`. Tests give a stand-in with the same three methods."""

    def __init__(self):
        self.updated = False
        self.known = {}  # name -> fields of its candidate, as apt-cache showed them

    def candidate(self, name):
        """The Package apt would install for `name` (arm64); CleaveError if none."""
        fields = self._show(name)
        if fields is None and not self.updated and self.update(
                f"apt does not know {name}:{ARCH}"):
            fields = self._show(name)
        if fields is None:
            raise CleaveError(f"apt knows no package {name}:{ARCH}; run 'apt-get update' "
                              "as root (Debian's archive must be reachable)")
        return Package(name, fields["Version"], int(fields.get("Size", "0") or 0))

    def depends(self, name):
        """The package names in the candidate's Depends field, without versions."""
        fields = self._show(name) or {}
        names = []
        for clause in fields.get("Depends", "").split(","):
            first = clause.split("|")[0].strip()
            if first:
                names.append(first.split()[0].split(":")[0])
        return names

    def download(self, package, folder):
        """Download `package` into `folder` with apt-get; the .deb's path."""
        argv = ["apt-get", "download", f"{package.name}:{ARCH}={package.version}"]
        result = _run(argv, cwd=folder, what=f"downloading {package.describe()}",
                      show_output=True)
        debs = sorted(Path(folder).glob("*.deb"))
        if result.returncode != 0 or len(debs) != 1:
            lines = (result.stderr or "").strip().splitlines()
            tail(lines, 10)
            raise CleaveError(
                f"apt-get could not download {package.describe()} ({ARCH}) "
                f"(exit {result.returncode}): {lines[-1] if lines else 'no message'}; "
                "this machine must reach Debian's archive (deb.debian.org)")
        return debs[0]

    def _show(self, name):
        if name not in self.known:
            fields = self._ask(name)
            if fields is None:
                return None
            self.known[name] = fields
        return self.known[name]

    def _ask(self, name):
        if deps.foreign_arches_needed([f"{name}:{ARCH}"]):
            raise CleaveError(f"dpkg does not take {ARCH} packages yet; run ./cleave once "
                              f"(it adds them) or, as root, 'dpkg --add-architecture {ARCH} "
                              "&& apt-get update'")
        result = _run(["apt-cache", "show", "--no-all-versions", f"{name}:{ARCH}"],
                      what=f"asking apt about {name}")
        if result.returncode != 0 or not result.stdout.strip():
            return None
        return parse_control(result.stdout)

    def update(self, why="refreshing the guest payloads"):
        """Run `apt-get update` as root when allowed to; False when not allowed."""
        self.updated = True
        self.known.clear()
        try:
            prefix = deps.privilege_prefix([], [])
        except CleaveError:
            return False
        step(f"{why}: updating apt's package lists")
        result = _run(prefix + ["apt-get", "update", "-q"], what="apt-get update",
                      show_output=True)
        if result.returncode != 0:
            lines = (result.stderr or "").strip().splitlines()
            tail(lines, 10)
            raise CleaveError(f"apt-get update failed (exit {result.returncode}): "
                              f"{lines[-1] if lines else 'no message'}; this machine must "
                              "reach Debian's archive (deb.debian.org)")
        return True


_DEFAULT_APT = None


def default_apt():
    """One Apt per process, so its answers are asked for once."""
    global _DEFAULT_APT
    with _LOCK:
        if _DEFAULT_APT is None:
            _DEFAULT_APT = Apt()
        return _DEFAULT_APT


def parse_control(text):
    """The fields of the first paragraph of a Debian control text (apt-cache show)."""
    fields = {}
    key = None
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break
            continue
        if line[0] in " \t" and key:
            fields[key] += "\n" + line.strip()
            continue
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def _run(argv, what, cwd=None, show_output=False):
    """Run a command; stdout to the terminal when `show_output` (apt's progress)."""
    try:
        return subprocess.run(argv, cwd=cwd, text=True, errors="replace",
                              stdin=subprocess.DEVNULL, timeout=APT_TIMEOUT_S,
                              stdout=None if show_output else subprocess.PIPE,
                              stderr=subprocess.PIPE, check=False)
    except FileNotFoundError:
        raise CleaveError(f"{what}: {argv[0]} not found (cleave needs a Debian system)") \
            from None
    except subprocess.TimeoutExpired:
        raise CleaveError(f"{what}: no end after {APT_TIMEOUT_S} s") from None


# --- the cache -------------------------------------------------------------------------

def _safe(text):
    """A version as a file name: Debian versions may hold ':' (the epoch)."""
    return re.sub(r"[^A-Za-z0-9.+~-]", "_", text)


def write_atomic(path, data):
    """Write `data` to `path` under a temporary name, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.",
                                     delete=False) as tmp:
        tmp.write(data)
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, path)


def fetch_deb(package, root, apt):
    """The cached .deb of `package`, downloaded first when missing."""
    deb = root / "debs" / f"{package.name}_{_safe(package.version)}_{ARCH}.deb"
    if deb.is_file():
        return deb
    deb.parent.mkdir(parents=True, exist_ok=True)
    size = f", {package.size / 2**20:.1f} MiB" if package.size else ""
    step(f"downloading {package.describe()} ({ARCH}{size}) from Debian's archive into "
         f"{shown(deb.parent)}")
    with tempfile.TemporaryDirectory(dir=deb.parent, prefix=".download-") as folder:
        os.chmod(folder, 0o755)  # apt drops to its _apt user to download when it can
        got = apt.download(package, folder)
        os.replace(got, deb)
    return deb


def deb_member(deb, wanted):
    """(name, bytes) of the first member of `deb`'s files for which wanted(name) holds.

    Streams `dpkg-deb --fsys-tarfile` and stops at the member: the kernel package
    holds hundreds of MiB of modules after /boot that are never unpacked.
    """
    argv = ["dpkg-deb", "--fsys-tarfile", str(deb)]
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise CleaveError("dpkg-deb not found (cleave needs a Debian system)") from None
    found = None
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                if member.isfile() and wanted(member.name):
                    found = (member.name, tar.extractfile(member).read())
                    break
    except tarfile.TarError as err:
        found = None
        problem = str(err)
    else:
        problem = None
    finally:
        proc.kill()
        _, err_text = proc.communicate()
    if found is None:
        detail = problem or (err_text.decode(errors="replace").strip().splitlines()
                             or ["no such file in it"])[-1]
        raise CleaveError(f"{shown(deb)}: cannot extract the file cleave needs ({detail}); "
                          "remove it from the cache to download it again")
    return found


# --- the kernel ------------------------------------------------------------------------

def kernel_package(apt):
    """The versioned kernel package the `linux-image-arm64` metapackage depends on."""
    meta = apt.candidate(KERNEL_META)
    for name in apt.depends(KERNEL_META):
        if KERNEL_PACKAGE_RE.match(name):
            return apt.candidate(name)
    raise CleaveError(f"{meta.describe()} depends on no linux-image-*-arm64 package")


def load_kernel(path, source=None):
    """The checked arm64 Image bytes of a vmlinuz or Image file, and its header;
    CleaveError naming the file when it is not a whole arm64 kernel."""
    source = source or shown(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise CleaveError(f"{source}: cannot read the kernel: {err.strerror}") from None
    try:
        return arm64_image.to_image(data, source)
    except arm64_image.ImageError as err:
        raise CleaveError(f"refusing the guest kernel: {err}") from None


def kernel(root=None, apt=None):
    """Debian's current arm64 kernel as a checked plain Image, fetched when missing."""
    root = Path(root or cache_root())
    apt = apt or default_apt()
    with _LOCK:
        package = kernel_package(apt)
        folder = root / "kernel" / f"{package.name}_{_safe(package.version)}"
        image, info_file = folder / "Image", folder / "info.json"
        if image.is_file() and info_file.is_file():
            load_kernel(image)  # cheap next to a boot; catches a damaged cache
            info = json.loads(info_file.read_text())
            return Kernel(package, info["release"], image, info["shipped"])
        deb = fetch_deb(package, root, apt)
        step(f"extracting the kernel from {deb.name}")
        name, data = deb_member(deb, lambda n: VMLINUZ_RE.match(n) is not None)
        release = VMLINUZ_RE.match(name).group(1)
        try:
            plain, header = arm64_image.to_image(data, f"{deb.name}:{name[1:]}")
        except arm64_image.ImageError as err:
            raise CleaveError(f"refusing Debian's kernel: {err}") from None
        shipped = "gzip" if data.startswith(arm64_image.GZIP_MAGIC) else "Image"
        write_atomic(image, plain)
        write_atomic(info_file, json.dumps({"release": release, "shipped": shipped,
                                            "package": package.name,
                                            "version": package.version}).encode())
        say(f"    Linux {release}: {len(plain) / 2**20:.1f} MiB Image (shipped as "
            f"{'gzip-compressed Image' if shipped == 'gzip' else 'a plain Image'}; "
            f"image_size {header.image_size / 2**20:.1f} MiB, text_offset "
            f"0x{header.text_offset:x}, {header.page_size} pages) in {shown(folder)}")
        return Kernel(package, release, image, shipped)


# --- busybox and the initramfs ---------------------------------------------------------

def busybox(root=None, apt=None):
    """Path of the static arm64 busybox, fetched when missing."""
    root = Path(root or cache_root())
    apt = apt or default_apt()
    with _LOCK:
        package = apt.candidate(BUSYBOX)
        path = root / "busybox" / _safe(package.version) / "busybox"
        if path.is_file():
            return path
        deb = fetch_deb(package, root, apt)
        _, data = deb_member(deb, lambda n: n == BUSYBOX_MEMBER)
        if not data.startswith(b"\x7fELF\x02\x01") or data[18:20] != b"\xb7\x00":
            raise CleaveError(f"{deb.name}: {BUSYBOX_MEMBER} is not a 64-bit arm64 ELF file")
        write_atomic(path, data)
        return path


# On a guest's kernel command line: its /init powers off once it has printed its marker
# (one of the `cleave.then=` words below).
POWEROFF_ARG = "cleave.then=poweroff"


def init_script(guest):
    """The guest's /init: mount the kernel's file systems, print the marker, and run a
    shell on the console for ever.

    The marker goes out twice: first through /dev/kmsg at level 3 (err, which the
    console shows even under `quiet`) so the kernel stamps it with its own clock
    (`[    1.234567] cleave: NAME reached userspace`, what the benchmark reads under
    -icount), then as the exact line on the console. cttyhack opens the real console
    device (ttyAMA0) so the shell gets a controlling terminal and job control.

    A word `cleave.then=WHAT` on the kernel command line (which the kernel leaves to
    /proc/cmdline) makes the guest then power off, reboot or panic (`poweroff -f`,
    `reboot -f`, sysrq `c`), print `cleave: NAME tick N` every second beside its
    shell (the guests of linux_stops.py's tests), or print the CPU features it sees
    once (`cleave: NAME cpu features: fp asimd ...`, /proc/cpuinfo's list; the `max`
    boots of guest_tests.py); `rtc-alarm` sets rtc0's alarm two seconds ahead and then
    prints how many interrupts rtc-pl031 has taken (linux/cleave/rtc: a passed-through
    PL031's alarm reaches the guest's driver); POWEROFF_ARG is how the audit of a boot
    (audit.py) makes the guest stop (PSCI SYSTEM_OFF), so the system goes quiet and the
    kernel prints its record.
    """
    check_guest_name(guest)
    line = marker(guest)
    return f"""#!/bin/busybox sh
# Generated by cleave (tools/cleave/guest_payload.py) for the guest '{guest}'.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
echo "<3>{line}" > /dev/kmsg
echo "{line}"
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
# What a test asks of this guest after the marker (linux_stops.py): cleave.then=...
case " $(cat /proc/cmdline) " in
*" cleave.then=poweroff "*) echo "cleave: {guest} powers off"; poweroff -f ;;
*" cleave.then=reboot "*) echo "cleave: {guest} reboots"; reboot -f ;;
*" cleave.then=panic "*) echo "cleave: {guest} panics"; echo c > /proc/sysrq-trigger ;;
*" cleave.then=features "*)
    echo "cleave: {guest} cpu features:$(grep -m1 '^Features' /proc/cpuinfo | cut -d: -f2)" ;;
*" cleave.then=tick "*)
    (i=0; while :; do sleep 1; i=$((i + 1)); echo "cleave: {guest} tick $i"; done) & ;;
*" cleave.then=rtc-alarm "*)
    echo +2 > /sys/class/rtc/rtc0/wakealarm; sleep 4
    echo "cleave: {guest} rtc-pl031 took $(awk '/rtc-pl031/ {{print $2}}' /proc/interrupts) interrupts" ;;
esac
cd /root
while :; do
    setsid cttyhack sh -l
done
"""


def initramfs_entries(guest, busybox_bytes):
    """The initramfs contents: a root file system just big enough for busybox."""
    return [
        cpio.directory("bin"),
        cpio.directory("dev"),
        cpio.char_device("dev/console", 5, 1),
        cpio.directory("proc"),
        cpio.directory("sys"),
        cpio.directory("sbin"),
        cpio.directory("usr"),
        cpio.directory("usr/bin"),
        cpio.directory("usr/sbin"),
        cpio.directory("tmp", 0o1777),
        cpio.directory("root", 0o700),
        cpio.regular("bin/busybox", busybox_bytes, 0o755),
        cpio.symlink("bin/sh", "busybox"),
        cpio.regular("init", init_script(guest).encode(), 0o755),
    ]


def initramfs(guest, root=None, apt=None):
    """Path of the gzip-compressed initramfs of `guest`, built when missing."""
    check_guest_name(guest)
    root = Path(root or cache_root())
    with _LOCK:
        box = busybox(root, apt).read_bytes()
        archive = cpio.archive(initramfs_entries(guest, box))
        digest = hashlib.sha256(archive).hexdigest()[:16]
        path = root / "initramfs" / f"{guest}-{digest}.cpio.gz"
        if not path.is_file():
            write_atomic(path, gzip.compress(archive, GZIP_LEVEL, mtime=0))
        return path


def payload(guest, root=None, apt=None):
    """The kernel and initramfs that boot `guest` to its marker line."""
    check_guest_name(guest)
    apt = apt or default_apt()
    with _LOCK:
        return Payload(guest, kernel(root, apt), initramfs(guest, root, apt))


def refresh(root=None, apt=None):
    """Update apt's lists, fetch the current kernel and busybox, and remove every other
    version from the cache; (Kernel, busybox Path, removed paths)."""
    root = Path(root or cache_root())
    apt = apt or default_apt()
    with _LOCK:
        if not apt.update():
            say("    not root and no sudo: apt's package lists stay as they are")
        current = kernel(root, apt)
        box = busybox(root, apt)
        keep = {current.image.parent, box.parent,
                fetch_deb(current.package, root, apt),
                fetch_deb(apt.candidate(BUSYBOX), root, apt)}
        removed = []
        for old in [*_listing(root / "kernel"), *_listing(root / "busybox"),
                    *_listing(root / "debs"), *_listing(root / "initramfs")]:
            if old in keep:
                continue
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()  # initramfs files are rebuilt in a moment when needed
            removed.append(old)
        return current, box, removed


def _listing(folder):
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) \
        if folder.is_dir() else []
