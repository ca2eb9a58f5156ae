"""The Debian packages Cleave needs, and installing the missing ones.

Checking costs one `dpkg-query` per package (well under half a second in all), so
every command can call `ensure()` first. Installing runs `apt-get` as root, through
`sudo -n` when there is sudo, or stops with the exact command to run by hand.
"""

import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

from .errors import CleaveError
from .progress import say, step, tail

PACKAGES = (
    ("cmake", "configures the build"),
    ("ninja-build", "runs the build"),
    ("gcc", "builds the host tools and unit tests"),
    ("gcc-aarch64-linux-gnu", "cross-compiles the kernel for AArch64"),
    ("qemu-system-arm", "provides qemu-system-aarch64, which boots the images"),
    ("libcmocka-dev", "the host unit-test framework"),
    ("device-tree-compiler", "dtc, fdtget and fdtput for device trees"),
    ("python3-yaml", "reads the platform descriptions"),
    ("python3-libfdt", "the generator reads and writes device trees"),
    ("python3-pytest", "runs the command-line tests"),
    ("python3-jinja2", "the generator's templates"),
    ("python3-lark", "parses system descriptions (idl/system.lark)"),
    ("clang-format", "checks the C formatting"),
    ("libfdt-dev:arm64", "the kernel links the arm64 static libfdt.a (and its headers)"),
    # libfdt-dev is not multi-arch, so the host side takes only the runtime library.
    ("libfdt1", "the host unit tests link the device-tree library"),
    ("musl-dev:arm64", "native components link against musl's libc.a"),
    ("cpio", "the tests read back the initramfs archives cleave writes"),
)

LOCK_WORDS = ("Could not get lock", "Unable to lock", "Unable to acquire")
LOCK_WAIT_S = 10
LOCK_TRIES = 60


def cache_dir():
    """The download cache, `${XDG_CACHE_HOME:-~/.cache}/cleave`, created on first use."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "cleave"
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_installed(package):
    """True when dpkg knows `package` (optionally `name:arch`) as installed."""
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}\n", package],
            capture_output=True, text=True, check=False,
        )
    except FileNotFoundError:
        raise CleaveError("cleave needs a Debian system: dpkg-query was not found") from None
    return out.returncode == 0 and "install ok installed" in out.stdout.splitlines()


def missing(packages=PACKAGES):
    """The (package, why) pairs of `packages` that are not installed."""
    return [(name, why) for name, why in packages if not is_installed(name)]


def foreign_arches_needed(names):
    """Architectures named as `pkg:arch` that dpkg does not accept yet."""
    wanted = {name.split(":", 1)[1] for name in names if ":" in name}
    if not wanted:
        return []
    native = _dpkg_out("--print-architecture")
    foreign = _dpkg_out("--print-foreign-architectures").split()
    return sorted(arch for arch in wanted if arch != native and arch not in foreign)


def _dpkg_out(option):
    out = subprocess.run(["dpkg", option], capture_output=True, text=True, check=False)
    return out.stdout.strip()


def manual_command(names, arches):
    """The shell command a root user would run to install `names`."""
    parts = [f"dpkg --add-architecture {arch}" for arch in arches]
    parts.append("apt-get update")
    parts.append("apt-get install -y --no-install-recommends " + " ".join(names))
    return " && ".join(parts)


def privilege_prefix(names, arches):
    """How to run apt-get as root: directly, through `sudo -n`, or not at all."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo"):
        return ["sudo", "-n"]
    raise CleaveError(
        f"missing packages {' '.join(names)}; run as root: {manual_command(names, arches)}"
    )


def ensure(packages=PACKAGES):
    """Install whatever of `packages` is missing, saying what and why."""
    absent = missing(packages)
    if not absent:
        return
    names = [name for name, _ in absent]
    step("installing packages: " + " ".join(names))
    for name, why in absent:
        say(f"    {name}: {why}")
    arches = foreign_arches_needed(names)
    prefix = privilege_prefix(names, arches)
    for arch in arches:
        say(f"    adding the {arch} architecture to dpkg (needed by {name_list(names, arch)})")
        _run_root(prefix, ["dpkg", "--add-architecture", arch], names, arches)
    _apt(prefix, ["update"], names, arches)
    _apt(prefix, ["install", "-y", "--no-install-recommends", *names], names, arches)
    still = [name for name in names if not is_installed(name)]
    if still:
        raise CleaveError(f"apt-get did not install {' '.join(still)}")


def name_list(names, arch):
    return ", ".join(name for name in names if name.endswith(":" + arch))


def _run_root(prefix, argv, names, arches):
    code = subprocess.run(prefix + argv, check=False).returncode
    if code != 0:
        raise CleaveError(
            f"'{shlex.join(argv)}' failed (exit {code}); to install by hand, as root: "
            + manual_command(names, arches)
        )


def _apt(prefix, args, names, arches):
    """Run apt-get, waiting while another apt or dpkg holds the lock."""
    argv = prefix + ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-q",
                     "-o", "DPkg::Lock::Timeout=120", *args]
    for attempt in range(LOCK_TRIES):
        result = subprocess.run(argv, stderr=subprocess.PIPE, text=True, check=False)
        if result.returncode == 0:
            return
        if not any(word in result.stderr for word in LOCK_WORDS):
            tail(result.stderr.splitlines(), 20)
            raise CleaveError(
                f"'apt-get {' '.join(args[:1])}' failed (exit {result.returncode}); "
                f"to install by hand, as root: {manual_command(names, arches)}"
            )
        if attempt == 0:
            say("    apt is busy with another install; waiting for it")
        time.sleep(LOCK_WAIT_S)
    raise CleaveError("apt stayed locked by another install for too long; try again later")
