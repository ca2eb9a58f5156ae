"""The Linux boot benchmark of `./cleave bench`: Debian's arm64 kernel and the busybox
initramfs (guest_payload.py) booted until /init prints its marker line.

Two figures per way of booting (a "half": bare QEMU, and the same guest under Cleave
with its VMM, whose ratio of medians is reported):

- wall time from starting QEMU to reading the marker line on its serial output,
  `runs` boots, their median. The halves' boots alternate (bare, cleave, bare, ...) so
  that a busy host slows both alike;
- the guest kernel's own clock at the marker: the printk stamp of the copy /init
  writes through /dev/kmsg, in a boot under `-icount shift=0,sleep=off,align=off`.
  There every instruction is 1 ns of virtual time and idle time is skipped, so the
  stamp depends on the instructions run, not on the host: it is reproducible to a few
  tens of microseconds (QEMU's RTC still reads the host clock), fit for a regression
  check. It is taken ICOUNT_RUNS times, to show that spread (icount_spread_s; a spread
  over REPRODUCIBLE_S is reported).

A half is a name and a QEMU command line; `measure()` takes any number of them.
"""

import shlex
import statistics
import time
from dataclasses import dataclass

from . import guest_payload, qemu, systest
from .errors import CleaveError
from .guest_tests import APPEND
from .judge import LinuxJudge
from .paths import BUILD, shown
from .progress import say, step

GUEST = "linux"
HALVES = ("bare", "cleave")
RUNS = 5
ICOUNT = ["-icount", "shift=0,sleep=off,align=off"]
ICOUNT_RUNS = 2
SMP = 1
TIMEOUT_S = 120
# Under -icount QEMU runs every CPU in turn in one host thread. The Cleave half took
# 18 minutes there until the kernel's spinlock waited with WFE (a waiting CPU spun
# through whole time slices) and objects were zeroed with DC ZVA: now seconds, like the
# bare half (docs/bench.md). The figure is the guest's own clock.
ICOUNT_TIMEOUT_S = 300
# The -icount stamps of one half must agree this closely to be fit for a regression check.
REPRODUCIBLE_S = 0.0001
LOGS = BUILD / "bench-linux"


@dataclass(frozen=True)
class Sample:
    wall_s: float  # QEMU start to the marker line, host time
    stamp_s: float = None  # the kernel's printk stamp on the marker line


def boot_to_marker(argv, marker, log_path, timeout=TIMEOUT_S):
    """Boot `argv` once until `marker`; its Sample, or CleaveError naming the log."""
    judge = LinuxJudge(marker)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    verdict = systest.boot(argv, judge, log_path, timeout)
    if not verdict.ok:
        raise CleaveError(f"bench: {verdict.reason}; serial log in {shown(log_path)}")
    return Sample(judge.seen_at - start, judge.stamp)


def measure(commands, marker, runs=RUNS, icount_runs=ICOUNT_RUNS, logs=LOGS,
            boot=boot_to_marker):
    """{half: {"wall_s": [...], "median_s": m, "icount_marker_s": [...]}} for the QEMU
    command lines in `commands` ({half: argv}), their wall-time boots alternating."""
    results = {half: {"wall_s": [], "icount_marker_s": []} for half in commands}
    for run in range(runs):
        for half, argv in commands.items():
            sample = boot(argv, marker, logs / f"{half}-{run + 1}.log")
            results[half]["wall_s"].append(round(sample.wall_s, 3))
            say(f"    {half} boot {run + 1}/{runs}: {sample.wall_s:.2f} s")
    for run in range(icount_runs):
        for half, argv in commands.items():
            sample = boot(argv + ICOUNT, marker, logs / f"{half}-icount-{run + 1}.log",
                          ICOUNT_TIMEOUT_S)
            if sample.stamp_s is None:
                raise CleaveError(f"bench: the {half} marker line has no kernel time stamp "
                                  f"(is printk.time on?); serial log in "
                                  f"{shown(logs / f'{half}-icount-{run + 1}.log')}")
            results[half]["icount_marker_s"].append(sample.stamp_s)
    for figures in results.values():
        figures["median_s"] = round(statistics.median(figures["wall_s"]), 3)
        stamps = figures["icount_marker_s"]
        spread = max(stamps) - min(stamps) if stamps else 0.0
        figures["icount_spread_s"] = round(spread, 6)
        figures["icount_reproducible"] = spread <= REPRODUCIBLE_S
    return results


def bare_command(platform, config, payload):
    """Bare QEMU booting the payload: -M virt without EL2, so Linux enters at EL1."""
    return qemu.command(platform, config, payload.kernel.image, headless=True,
                        machine=systest.without_virtualization(platform.machine),
                        append=APPEND, extra=["-initrd", str(payload.initramfs)])


def cleave_command(platform, config, payload):
    """The same kernel and initramfs as one guest under Cleave (its VMM, GICv3 or v2 as
    the config says, 1 vCPU, 256 MiB of guest RAM): the system image built from a
    generated description, booted with EL2 on."""
    from . import sysbuild
    from .guest_tests import CLEAVE_MEMORY_MIB, LINUX_SYSTEM
    folder = BUILD / "systems-src" / "bench_linux"
    folder.mkdir(parents=True, exist_ok=True)
    description = folder / "linux.cleave"
    description.write_text(LINUX_SYSTEM.format(kernel=payload.kernel.image,
                                               initrd=payload.initramfs, append=APPEND,
                                               name=GUEST, vcpus=1))
    image = BUILD / "images" / platform.name / "bench-linux.img"
    sysbuild.build_system(str(description), platform.name, image, quiet=True)
    cleave = platform.configure(config.cpu, config.gic, max(config.smp, 2),
                                CLEAVE_MEMORY_MIB)
    return qemu.command(platform, cleave, image, headless=True)


def run(platform, config, runs=RUNS, halves=HALVES):
    """Measure the Linux boot; what bench.json holds under "linux_boot"."""
    qemu.require_binary(platform)
    payload = guest_payload.payload(GUEST)
    kernel = payload.kernel
    commands = {"bare": bare_command(platform, config, payload)}
    if "cleave" in halves:
        commands["cleave"] = cleave_command(platform, config, payload)
    step(f"Linux boot: Debian's {kernel.package.describe()} (Linux {kernel.release}) and "
         f"busybox to '{payload.marker}', {config.describe()}; {runs} boots per half, "
         f"then {ICOUNT_RUNS} under {' '.join(ICOUNT)}")
    halves = measure(commands, payload.marker, runs)
    ratio = None
    for line in table(halves):
        say(line)
    if "cleave" in halves:
        ratio = round(halves["cleave"]["median_s"] / halves["bare"]["median_s"], 2)
        say(f"under Cleave / bare QEMU (median wall time): {ratio}x")
        if halves["cleave"]["icount_marker_s"] and halves["bare"]["icount_marker_s"]:
            extra = (statistics.median(halves["cleave"]["icount_marker_s"])
                     - statistics.median(halves["bare"]["icount_marker_s"]))
            say(f"under Cleave - bare QEMU (guest kernel's clock at the marker, -icount): "
                f"{extra * 1000:+.3f} ms")
    for half, f in halves.items():
        if not f["icount_reproducible"]:
            say(f"warning: the {half} -icount stamps differ by "
                f"{f['icount_spread_s'] * 1000:.3f} ms, more than "
                f"{REPRODUCIBLE_S * 1000:g} ms")
    return {
        "kernel": {"package": kernel.package.name, "version": kernel.package.version,
                   "release": kernel.release},
        "guest": GUEST,
        "cpu": config.cpu, "gic": config.gic, "smp": config.smp,
        "memory_mib": config.memory_mib, "append": APPEND,
        "runs": runs, "qemu_icount": ICOUNT[1],
        "commands": {half: shlex.join(argv) for half, argv in commands.items()},
        "halves": halves,
        "ratio_cleave_to_bare": ratio,
    }


def table(halves):
    """Text lines: per half, the median wall time, its range and the -icount stamps."""
    rows = [("boot to userspace", "median s", "min s", "max s", "kernel s (icount)")]
    for half, f in halves.items():
        stamps = " ".join(f"{s:.6f}" for s in f["icount_marker_s"]) or "-"
        rows.append((half, f"{f['median_s']:.3f}", f"{min(f['wall_s']):.3f}",
                     f"{max(f['wall_s']):.3f}", stamps))
    width = max(len(row[0]) for row in rows)
    return [f"{row[0]:<{width}}" + "".join(f"{cell:>11}" for cell in row[1:4])
            + f"  {row[4]}" for row in rows]
