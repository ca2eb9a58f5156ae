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

Under Cleave the console also says when each part of the boot ended (PHASES): the
host time each line was read at is kept per boot, and their medians are reported as
where the time goes (docs/bench.md).
"""

import os
import re
import shlex
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from . import exitreport, guest_payload, qemu, systest
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
# The console lines that end each part of a boot under Cleave, in order: (part, pattern).
# The last part ends at the marker.
PHASES = (
    ("QEMU start, image load", re.compile(r"^Cleave: EL2 separation kernel")),
    ("kernel boot", re.compile(r"CLEAVE BOOT OK")),
    ("payload checks", re.compile(r"^loader: system '")),
    ("objects made", re.compile(r"^loader: started ")),
    ("guest loaded", re.compile(r"^vmm: guest '[^']+': kernel at ")),
)
MARKER_PHASE = "Linux to the marker"


@dataclass(frozen=True)
class Sample:
    wall_s: float  # QEMU start to the marker line, host time
    stamp_s: float = None  # the kernel's printk stamp on the marker line
    exits: object = None  # the VMM's exit report at the marker (exitreport.ExitReport)
    cpu_s: float = None  # QEMU's CPU time (user + system) at the marker line
    phases: dict = None  # PHASES part -> seconds from QEMU's start to its line


class PhaseClock:
    """A judge in front of another: notes the host time of the first line matching each
    of `phases` ((name, pattern)), and passes every line on."""

    def __init__(self, judge, phases=PHASES, clock=time.monotonic):
        self.judge = judge
        self.phases = phases
        self.clock = clock
        self.seen = {}

    def feed(self, line):
        for name, pattern in self.phases:
            if name not in self.seen and pattern.search(line.strip()):
                self.seen[name] = self.clock()
        return self.judge.feed(line)

    def finish(self, why):
        return self.judge.finish(why)

    @property
    def settling(self):
        return self.judge.settling


def phase_times(seen, start, marker_at):
    """{part: seconds from the start} for the parts seen, in PHASES order, and the
    marker; None when any part's line is missing (a boot that is not under Cleave)."""
    if any(name not in seen for name, _ in PHASES):
        return None
    times = {name: round(seen[name] - start, 3) for name, _ in PHASES}
    times[MARKER_PHASE] = round(marker_at - start, 3)
    return times


def phase_durations(runs):
    """[(part, median seconds it took)] over runs' phase_times (those not None)."""
    runs = [r for r in runs if r]
    if not runs:
        return []
    names = [name for name, _ in PHASES] + [MARKER_PHASE]
    ends = {name: statistics.median(r[name] for r in runs) for name in names}
    out, before = [], 0.0
    for name in names:
        out.append((name, round(ends[name] - before, 3)))
        before = ends[name]
    return out


def children_cpu_s():
    """CPU time (user + system, seconds) of this process's running children: the one
    QEMU a boot runs. On a host shared with other work it moves far less than wall time
    does (a boot waiting for a core costs wall time, not CPU time). None where /proc
    does not say."""
    total, seen = 0.0, False
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path("/proc/self/task").glob("*"):
        try:
            pids = (task / "children").read_text().split()
        except OSError:
            continue
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
            seen = True
    return round(total, 2) if seen else None


def boot_to_marker(argv, marker, log_path, timeout=TIMEOUT_S, exits_of=None):
    """Boot `argv` once until `marker` (and, with `exits_of`, that guest's exit report
    after it); its Sample, or CleaveError naming the log."""
    judge = LinuxJudge(marker, exits_of, cpu_clock=children_cpu_s)
    clock = PhaseClock(judge)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    verdict = systest.boot(argv, clock, log_path, timeout)
    if not verdict.ok:
        raise CleaveError(f"bench: {verdict.reason}; serial log in {shown(log_path)}")
    if judge.exits is not None:
        try:
            exitreport.check(judge.exits)
        except exitreport.ReportError as err:
            raise CleaveError(f"bench: the exit report does not add up: {err}; serial log "
                              f"in {shown(log_path)}") from None
    return Sample(judge.seen_at - start, judge.stamp, judge.exits, judge.cpu_at,
                  phase_times(clock.seen, start, judge.seen_at))


def measure(commands, marker, runs=RUNS, icount_runs=ICOUNT_RUNS, logs=LOGS,
            boot=boot_to_marker, exits_of=None):
    """{half: {"wall_s": [...], "median_s": m, "icount_marker_s": [...]}} for the QEMU
    command lines in `commands` ({half: argv}), their wall-time boots alternating.
    `exits_of` ({half: guest}): the halves whose VMM prints an exit report; their
    figures add "exits" and "exits_icount", one report per boot."""
    exits_of = exits_of or {}
    results = {half: {"wall_s": [], "cpu_s": [], "icount_marker_s": [], "phases": []}
               for half in commands}
    for half in exits_of:
        results[half].update({"exits": [], "exits_icount": []})

    def keep(half, key, sample):
        if half in exits_of:
            if sample.exits is None:
                raise CleaveError(f"bench: the {half} boot gave no exit report")
            results[half][key].append(sample.exits.as_json())

    for run in range(runs):
        for half, argv in commands.items():
            sample = boot(argv, marker, logs / f"{half}-{run + 1}.log",
                          exits_of=exits_of.get(half))
            results[half]["wall_s"].append(round(sample.wall_s, 3))
            results[half]["cpu_s"].append(sample.cpu_s)
            results[half]["phases"].append(sample.phases)
            keep(half, "exits", sample)
            cpu = f" (QEMU CPU {sample.cpu_s:.2f} s)" if sample.cpu_s is not None else ""
            say(f"    {half} boot {run + 1}/{runs}: {sample.wall_s:.2f} s{cpu}")
    for run in range(icount_runs):
        for half, argv in commands.items():
            sample = boot(argv + ICOUNT, marker, logs / f"{half}-icount-{run + 1}.log",
                          ICOUNT_TIMEOUT_S, exits_of=exits_of.get(half))
            keep(half, "exits_icount", sample)
            if sample.stamp_s is None:
                raise CleaveError(f"bench: the {half} marker line has no kernel time stamp "
                                  f"(is printk.time on?); serial log in "
                                  f"{shown(logs / f'{half}-icount-{run + 1}.log')}")
            results[half]["icount_marker_s"].append(sample.stamp_s)
    for figures in results.values():
        figures["phase_medians_s"] = dict(phase_durations(figures["phases"]))
        figures["median_s"] = round(statistics.median(figures["wall_s"]), 3)
        cpus = [c for c in figures["cpu_s"] if c is not None]
        figures["median_cpu_s"] = round(statistics.median(cpus), 2) if cpus else None
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
                                               name=GUEST, vcpus=1, system="bench_linux",
                                               devices="", device=""))
    image = BUILD / "images" / platform.name / "bench-linux.img"
    sysbuild.build_system(str(description), platform.name, image, quiet=True)
    # As many CPUs as the bare half (1): the guest's vCPU, its VMM and the kernel share
    # them, as a Cleave system on a 1-CPU board would. (Before the kernel's spinlock
    # waited with WFE, 2 CPUs made an -icount boot take 10 minutes: docs/bench.md.)
    cleave = platform.configure(config.cpu, config.gic, config.smp,
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
    halves = measure(commands, payload.marker, runs,
                     exits_of={"cleave": GUEST} if "cleave" in commands else None)
    ratio = None
    for line in table(halves):
        say(line)
    if "cleave" in halves:
        for line in phases_table(halves["cleave"]):
            say(line)
        for line in exits_table(halves["cleave"]):
            say(line)
    cpu_ratio = None
    if "cleave" in halves:
        ratio = round(halves["cleave"]["median_s"] / halves["bare"]["median_s"], 2)
        say(f"under Cleave / bare QEMU (median wall time): {ratio}x")
        if halves["cleave"]["median_cpu_s"] and halves["bare"]["median_cpu_s"]:
            cpu_ratio = round(halves["cleave"]["median_cpu_s"] /
                              halves["bare"]["median_cpu_s"], 2)
            say(f"under Cleave / bare QEMU (median QEMU CPU time): {cpu_ratio}x")
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
        "cpu_ratio_cleave_to_bare": cpu_ratio,
    }


def table(halves):
    """Text lines: per half, the median wall time, its range and the -icount stamps."""
    rows = [("boot to userspace", "median s", "min s", "max s", "CPU s", "kernel s (icount)")]
    for half, f in halves.items():
        stamps = " ".join(f"{s:.6f}" for s in f["icount_marker_s"]) or "-"
        cpu = f.get("median_cpu_s")
        rows.append((half, f"{f['median_s']:.3f}", f"{min(f['wall_s']):.3f}",
                     f"{max(f['wall_s']):.3f}", "-" if cpu is None else f"{cpu:.2f}",
                     stamps))
    width = max(len(row[0]) for row in rows)
    return [f"{row[0]:<{width}}" + "".join(f"{cell:>11}" for cell in row[1:5])
            + f"  {row[5]}" for row in rows]


def phases_table(figures):
    """Text lines: where a boot under Cleave spends its time, each part's median."""
    parts = figures.get("phase_medians_s") or {}
    if not parts:
        return []
    width = max(len(name) for name in parts)
    lines = ["where a boot under Cleave spends its time (medians of the boots, from "
             "console lines):"]
    lines += [f"  {name:<{width}} {seconds:6.3f} s" for name, seconds in parts.items()]
    return lines


def exits_table(figures):
    """Text lines: the exit report of the first -icount boot under Cleave (the one that
    repeats), else of its first boot."""
    reports = figures.get("exits_icount") or figures.get("exits") or []
    if not reports:
        return []
    r = reports[0]
    report = exitreport.ExitReport(GUEST, r["when"], r["total"], r["kinds"], r["causes"])
    source = "-icount boot" if figures.get("exits_icount") else "first boot"
    lines = exitreport.table(report)
    lines[0] += f" (the {source}; every boot's in bench.json)"
    return lines
