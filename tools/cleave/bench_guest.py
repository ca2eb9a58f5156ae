"""The exit round trips of `./cleave bench`: the instructions an HVC and an MMIO read
cost a guest, measured from inside the bench test guest (tests/guests/bench.c).

The guest reads the virtual counter around ITERS calls of PSCI_VERSION through its
conduit and ITERS reads of an emulated register (the PL011's UARTFR, the GIC
distributor's GICD_TYPER), and around the same loops with a `nop` in place of the
instruction that exits. It prints, per figure,

    GUEST BENCH bench/<figure> iters=<n> ns=<total> empty_ns=<the nop loop's total>

Under `-icount shift=0` a nanosecond of virtual time is one instruction executed, at any
exception level on any CPU, so (ns - empty_ns) / iters is what one round trip costs in
instructions: the guest's exit, the kernel's fault message, the VMM's emulation and the
reply. Two halves, each booted ICOUNT_RUNS times (the figures must repeat exactly):

- bare: the guest on QEMU without EL2; QEMU answers the HVC (its own PSCI) and the read
  (its device model) without running an instruction, so the figures are ~0, the floor;
- cleave: the guest under Cleave with its VMM (tests/system/guests/bench.cleave).
"""

import re
from dataclasses import dataclass

from . import qemu, systest
from .errors import CleaveError
from .guest_bare import guest_image
from .judge import GuestJudge, failed, passed
from .paths import BUILD, ROOT, guests_dir, shown
from .progress import say, step

GUEST = "bench"
FIGURES = {  # name in the guest's lines -> what the table calls it
    "bench/hvc": "hvc (PSCI_VERSION)",
    "bench/mmio-uartfr": "mmio read (PL011 UARTFR)",
    "bench/mmio-gicd": "mmio read (GICD_TYPER)",
}
CASES = ["bench/setup", *FIGURES]
HALVES = ("bare", "cleave")
ICOUNT = ["-icount", "shift=0,sleep=off,align=off"]
ICOUNT_RUNS = 2
SMP = 1  # one CPU: no other CPU's timer ticks land in the measured loops
TIMEOUT_S = 180
SYSTEM = ROOT / "tests" / "system" / "guests" / "bench.cleave"
LOGS = BUILD / "bench-guest"
# A sanity bound for the test: a round trip through the kernel and the VMM costs
# hundreds of instructions at least, and bare QEMU's costs none.
CLEAVE_MIN_INSNS = 100
BARE_MAX_INSNS = 1

LINE_RE = re.compile(r"GUEST BENCH (\S+) iters=(\d+) ns=(\d+) empty_ns=(\d+)\s*$")


@dataclass(frozen=True)
class Trip:
    iters: int
    ns: int
    empty_ns: int

    @property
    def insns(self):
        """Instructions per round trip beyond the empty loop's (1 ns = 1 instruction)."""
        return round((self.ns - self.empty_ns) / self.iters, 2)


class TripJudge(GuestJudge):
    """GuestJudge for the bench guest, which also keeps its `GUEST BENCH` figures; a
    malformed or repeated figure fails."""

    def __init__(self, power_off=None):
        super().__init__(CASES, power_off=power_off)
        self.trips = {}

    def feed(self, line):
        if "GUEST BENCH" in line and self.done is None:
            match = LINE_RE.search(line.strip())
            if not match:
                return failed(f"malformed figure line: {line.strip()}")
            name, iters, ns, empty = match.groups()
            if name in self.trips:
                return failed(f"figure {name} reported twice")
            if int(iters) == 0:
                return failed(f"figure {name}: iters=0")
            self.trips[name] = Trip(int(iters), int(ns), int(empty))
            return None
        return super().feed(line)

    def _check_done(self):
        verdict = super()._check_done()
        if verdict is not None:
            return verdict
        missing = [name for name in FIGURES if name not in self.trips]
        if missing:
            return failed(f"GUEST DONE without figure {', '.join(missing)}")
        return None


def bare_command(platform, config):
    """The bench guest on QEMU without EL2 (it enters at EL1; QEMU's PSCI over HVC)."""
    image, _ = guest_image(platform, GUEST)(None)
    return qemu.command(platform, config, image, headless=True,
                        machine=systest.without_virtualization(platform.machine),
                        extra=ICOUNT)


def cleave_command(platform, config, images):
    """The bench guest as the one guest of tests/system/guests/bench.cleave, built into
    `images`, on the machine with EL2."""
    from . import sysbuild
    if not (guests_dir(platform.name) / f"{GUEST}.bin").is_file():
        raise CleaveError(f"the build made no {shown(guests_dir(platform.name) / 'bench.bin')}")
    out = images / "system-bench-guest.img"
    sysbuild.build_system(str(SYSTEM), platform.name, out, quiet=True)
    return qemu.command(platform, config, out, headless=True, extra=ICOUNT)


def boot(argv, half, log_path, timeout=TIMEOUT_S):
    """One boot of the guest; its {figure: Trip}, or CleaveError naming the log."""
    power_off = f"vmm: guest '{GUEST}' stopped: it powered off" if half == "cleave" else None
    judge = TripJudge(power_off)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    verdict = systest.boot(argv, judge, log_path, timeout)
    if not verdict.ok:
        raise CleaveError(f"bench: the {half} round trips: {verdict.reason}; serial log in "
                          f"{shown(log_path)}")
    return judge.trips


def measure(commands, runs=ICOUNT_RUNS, logs=LOGS, boot_fn=boot):
    """{half: [{figure: Trip}, ...]}: each half's command booted `runs` times, in turn."""
    results = {half: [] for half in commands}
    for run in range(runs):
        for half, argv in commands.items():
            results[half].append(boot_fn(argv, half, logs / f"{half}-{run + 1}.log"))
    return results


def summary(results):
    """What bench.json holds per half: each figure's Trip fields and instructions per
    round trip, and whether every run gave the same figures."""
    out = {}
    for half, runs in results.items():
        first = runs[0]
        out[half] = {
            "figures": {name: {"iters": t.iters, "ns": t.ns, "empty_ns": t.empty_ns,
                               "insns_per_round_trip": t.insns}
                        for name, t in first.items()},
            "runs": len(runs),
            "identical_runs": all(run == first for run in runs),
        }
    return out


def problems(results):
    """What is wrong with the figures, as sentences; [] when they are sane: every run of
    a half the same, under Cleave at least CLEAVE_MIN_INSNS, on bare QEMU at most
    BARE_MAX_INSNS."""
    found = []
    for half, runs in results.items():
        for i, run in enumerate(runs[1:], 2):
            if run != runs[0]:
                found.append(f"{half}: run {i} differs from run 1 ({_short(run)} vs "
                             f"{_short(runs[0])}): -icount should make them identical")
        for name, trip in runs[0].items():
            if half == "cleave" and trip.insns < CLEAVE_MIN_INSNS:
                found.append(f"cleave: {name} costs {trip.insns} instructions, fewer than "
                             f"{CLEAVE_MIN_INSNS}: is the exit measured at all?")
            if half == "bare" and not 0 <= trip.insns <= BARE_MAX_INSNS:
                found.append(f"bare: {name} costs {trip.insns} instructions; QEMU itself "
                             f"should run none")
    return found


def _short(trips):
    return ", ".join(f"{name} {t.ns}/{t.empty_ns}" for name, t in trips.items())


def table(results):
    """Text lines: per figure, instructions per round trip on bare QEMU and under Cleave."""
    halves = list(results)
    rows = [("round trip (instructions)", *(f"{h}" for h in halves))]
    for name, label in FIGURES.items():
        rows.append((label, *(f"{results[h][0][name].insns:.2f}" for h in halves)))
    width = max(len(row[0]) for row in rows)
    return [f"{row[0]:<{width}}" + "".join(f"{cell:>12}" for cell in row[1:]) for row in rows]


def commands(platform, config, halves=HALVES, images=None):
    cmds = {"bare": bare_command(platform, config)}
    if "cleave" in halves:
        cmds["cleave"] = cleave_command(platform, config,
                                        images or BUILD / "images" / platform.name)
    return cmds


def run(platform, config, halves=HALVES):
    """Measure both halves; what bench.json holds under "guest_round_trips"."""
    qemu.require_binary(platform)
    config = platform.configure(config.cpu, config.gic, SMP)
    cmds = commands(platform, config, halves)
    step(f"exit round trips from the {GUEST} test guest, {config.describe()}, "
         f"{ICOUNT_RUNS} boots per half under {' '.join(ICOUNT)}: 1 ns = 1 instruction")
    results = measure(cmds)
    for line in table(results):
        say(line)
    say("(per round trip, less the same loop with a nop; bare QEMU answers both itself)")
    for problem in problems(results):
        say(f"warning: {problem}")
    return {
        "guest": GUEST, "cpu": config.cpu, "gic": config.gic, "smp": config.smp,
        "qemu_icount": ICOUNT[1],
        "commands": {half: " ".join(argv) for half, argv in cmds.items()},
        "halves": summary(results),
    }


def system_tests(platform):
    """`bench/round-trips`: both halves booted twice under -icount; the figures must be
    sane (problems()) and repeat exactly."""

    def check(ctx, stem):
        try:
            config = ctx.platform.configure("cortex-a57", None, SMP)
            results = measure(commands(ctx.platform, config, images=ctx.images),
                              logs=stem.parent / stem.name)
        except CleaveError as err:
            return failed(str(err))
        found = problems(results)
        return failed("; ".join(found)) if found else passed()

    if "cortex-a57" not in platform.cpus:
        return []
    return [systest.SysTest("bench/round-trips", judge=None, check=check)]
