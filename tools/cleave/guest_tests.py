"""System tests of the guest payloads (guest_payload.py) on bare QEMU.

`linux/bare/<cpu>/gic<v>` boots Debian's arm64 kernel and the busybox initramfs straight
on QEMU (`-M virt`, no EL2: the kernel enters at EL1 as on any bare board) until /init
prints its marker. This is the baseline the Linux guests under Cleave are compared
with, in these tests and in `./cleave bench`.

`linux/refuse/*` boot nothing: they give the payload code a broken kernel made from
the real one (cut short, gzip-compressed and cut short, or not a kernel at all) and
pass when it is refused with a message that names the file and says what is wrong.
"""

import gzip

from . import guest_payload
from .errors import CleaveError
from .judge import LinuxJudge, failed, passed
from .systest import SysTest, without_virtualization

GUEST = "bare"
# `quiet` keeps the console to the marker lines (what a guest under Cleave pays for in
# exits); printk.time stamps the kernel's copy of the marker.
APPEND = "console=ttyAMA0 quiet printk.time=1"
CPUS = ("cortex-a57", "max")
GICS = (2, 3)


def bare_linux(platform):
    """The bare-QEMU Linux boots and the refusals of broken kernels."""
    machine = without_virtualization(platform.machine)
    boots = [
        SysTest(f"linux/bare/{cpu}/gic{gic}", cpu=cpu, gic=gic, smp=1, machine=machine,
                append=APPEND, payload=bare_payload,
                judge=lambda ctx: LinuxJudge(guest_payload.marker(GUEST)))
        for cpu in CPUS for gic in GICS if cpu in platform.cpus and gic in platform.gics
    ]
    return boots + [
        SysTest("linux/refuse/truncated-kernel", judge=None,
                check=refusal(cut_kernel, ["truncated", "PE section table", ".Image"])),
        SysTest("linux/refuse/truncated-gzip", judge=None,
                check=refusal(cut_gzip, ["truncated", "gzip", ".Image.gz"])),
        SysTest("linux/refuse/not-a-kernel", judge=None,
                check=refusal(initramfs_as_kernel, ["not an arm64 Image", "cpio archive"])),
    ]


def bare_payload(ctx):
    """(kernel, extra QEMU args) of the bare guest."""
    payload = guest_payload.payload(GUEST)
    return payload.kernel.image, ["-initrd", str(payload.initramfs)]


def cut_kernel(stem):
    """Debian's kernel cut in half: its header still says arm64 Image."""
    data = guest_payload.kernel().image.read_bytes()
    return _write(stem.with_suffix(".Image"), data[:len(data) // 2])


def cut_gzip(stem):
    """Debian's kernel gzip-compressed (as a vmlinuz may be), the stream cut short."""
    data = gzip.compress(guest_payload.kernel().image.read_bytes(), 1, mtime=0)
    return _write(stem.with_suffix(".Image.gz"), data[:len(data) * 3 // 4])


def initramfs_as_kernel(stem):
    """The guest's initramfs given where the kernel goes (gzip, but of a cpio)."""
    data = guest_payload.payload(GUEST).initramfs.read_bytes()
    return _write(stem.with_suffix(".initramfs-as-kernel"), data)


def _write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def refusal(make_bad, words):
    """A check that `make_bad`'s file is refused with a message holding `words`."""

    def check(ctx, stem):
        try:
            guest_payload.load_kernel(guest_payload.kernel().image)  # the whole one is fine
            bad = make_bad(stem)
        except CleaveError as err:
            return failed(f"could not make the broken kernel: {err}")
        try:
            guest_payload.load_kernel(bad)
        except CleaveError as err:
            message = str(err)
            absent = [word for word in words if word not in message]
            if absent:
                return failed(f"refused, but the message lacks {absent}: {message}")
            return passed()
        return failed(f"{bad.name} was accepted as a kernel")

    return check
