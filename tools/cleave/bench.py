"""The `bench` verb: boot bench.bin once under QEMU with -icount, print its figures as a
table and write them to build/bench.json (docs/bench.md says what each figure is).

The benchmark (tests/bench/main.c) counts with the PMU from EL0 and prints one line
per figure, `BENCH <name> insns=<n> cycles=<m> iters=<k> [kernel_insns=<j>]`, then
`BENCH DONE`; `BENCH ERROR <why>` when it cannot measure.

QEMU runs with `-icount shift=0,sleep=off`: every guest instruction advances the virtual
clock by 1 ns, and an idle CPU jumps to its next timer instead of sleeping in real
time. The PMU's cycle counter follows the virtual clock at 1 GHz, so a cycle is an
instruction plus any time spent idle, and every figure is the same on every run and
every host. It models no pipeline, cache or TLB: these are instruction counts, not
times on hardware.

The second part (bench_guest.py) measures the instructions of an HVC and an MMIO-read
round trip from inside a test guest, on bare QEMU and under Cleave. The third
(bench_linux.py) boots Debian's Linux to userspace on bare QEMU and under Cleave, and
compares. `--only kernel`, `--only roundtrip` or `--only linux` runs one part;
bench.json holds the parts that ran.
"""

import json
import re
from dataclasses import dataclass

from . import bench_guest, bench_linux, qemu, systest
from .errors import CleaveError
from .judge import PANIC, failed, passed
from .paths import BUILD, shown
from .progress import say, step

IMAGE = "bench.bin"
FIGURES = ("null_syscall", "ipc_call_replyrecv", "fault_resume", "irq_to_user")
ICOUNT = ["-icount", "shift=0,sleep=off"]
SMP = 1  # one CPU: nothing else runs, and -icount runs CPUs one at a time anyway
TIMEOUT_S = 60
JSON_PATH = BUILD / "bench.json"
LOG_PATH = BUILD / "bench.log"

SEL4_NOTE = ("reference: seL4 takes about 260 + 278 cycles for call + reply-receive "
             "between address spaces on a Cortex-A53 (sel4bench); the aim here is a "
             "kernel path under 300 instructions for the round trip")

LINE_RE = re.compile(r"^BENCH (\S+)(?: (.*))?$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
FIELD_RE = re.compile(r"^([a-z_]+)=(\S*)$")
REQUIRED = ("insns", "cycles", "iters")
OPTIONAL = ("kernel_insns",)


@dataclass(frozen=True)
class Figure:
    insns: int
    cycles: int
    iters: int
    kernel_insns: int = None


def parse_fields(text):
    """The Figure in `insns=1 cycles=2 iters=3 ...`; ValueError saying what is wrong."""
    values = {}
    for word in (text or "").split():
        match = FIELD_RE.match(word)
        if not match:
            raise ValueError(f"'{word}' is not name=number")
        key, value = match.groups()
        if key not in REQUIRED + OPTIONAL:
            raise ValueError(f"unknown field '{key}'")
        if key in values:
            raise ValueError(f"'{key}' given twice")
        if not value.isdigit() or not value.isascii():
            raise ValueError(f"{key}={value} is not a number")
        values[key] = int(value)
    missing = [key for key in REQUIRED if key not in values]
    if missing:
        raise ValueError(f"no {', '.join(missing)}")
    zero = [key for key in REQUIRED if values[key] == 0]
    if zero:
        raise ValueError(f"{', '.join(zero)} is 0")
    return Figure(**values)


class BenchJudge:
    """Reads the benchmark's serial output (the judge protocol of systest.boot): the
    figures as they come; passes at `BENCH DONE` when every figure in `required` came,
    fails at a panic, a `BENCH ERROR`, a malformed or repeated figure."""

    def __init__(self, required=FIGURES):
        self.required = tuple(required)
        self.figures = {}
        self.settling = False

    def feed(self, line):
        line = line.strip()
        if PANIC in line:
            return failed(f"kernel panicked: {line}")
        match = LINE_RE.match(line)
        if not match:
            return None
        name, rest = match.groups()
        if name == "DONE" and not rest:
            missing = [f for f in self.required if f not in self.figures]
            if missing:
                return failed(f"BENCH DONE without {', '.join(missing)}")
            return passed()
        if name == "ERROR":
            return failed(f"the benchmark failed: {rest or '(no reason given)'}")
        if not NAME_RE.match(name):
            return failed(f"bad figure name in '{line}'")
        if name in self.figures:
            return failed(f"figure {name} reported twice")
        try:
            self.figures[name] = parse_fields(rest)
        except ValueError as err:
            return failed(f"bad figure {name}: {err} (in '{line}')")
        return None

    def finish(self, why):
        missing = [f for f in self.required if f not in self.figures]
        if missing:
            return failed(f"no figure {', '.join(missing)} ({why})")
        return failed(f"no 'BENCH DONE' ({why})")


def table(figures):
    """The figures as text lines: a header, one row each, in the order they came."""
    header = ("figure", "instructions", "kernel", "cycles", "iterations")
    rows = [header]
    for name, f in figures.items():
        kernel = "-" if f.kernel_insns is None else str(f.kernel_insns)
        rows.append((name, str(f.insns), kernel, str(f.cycles), str(f.iters)))
    width = max(len(row[0]) for row in rows)
    lines = []
    for row in rows:
        numbers = "".join(f"{cell:>14}" for cell in row[1:])
        lines.append(f"{row[0]:<{width}}{numbers}")
    return lines


def report(platform_name, config, figures, linux=None, trips=None):
    """What bench.json holds: the kernel's figures, the guest's round trips and the Linux
    boot, each when run."""
    data = {
        "platform": platform_name,
        "cpu": config.cpu,
        "gic": config.gic,
        "smp": config.smp,
    }
    if figures is not None:
        data.update({
            "icount": True,
            "qemu_icount": ICOUNT[1],
            "figures": {
                name: {key: value for key, value in vars(f).items() if value is not None}
                for name, f in figures.items()
            },
        })
    if trips is not None:
        data["guest_round_trips"] = trips
    if linux is not None:
        data["linux_boot"] = linux
    return data


def write_json(path, platform_name, config, figures, linux=None, trips=None):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(report(platform_name, config, figures, linux, trips), indent=2)
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as err:
        raise CleaveError(f"cannot write {shown(path)}: {err.strerror}") from None


def measure(platform, config, image, log_path=LOG_PATH, timeout=TIMEOUT_S):
    """Boot `image` once and return its figures; CleaveError when the run fails."""
    qemu.require_binary(platform)
    argv = qemu.command(platform, config, image, headless=True, extra=ICOUNT)
    judge = BenchJudge()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    verdict = systest.boot(argv, judge, log_path, timeout)
    if not verdict.ok:
        raise CleaveError(f"bench: {verdict.reason}; serial log in {shown(log_path)}")
    return judge.figures


PARTS = ("kernel", "roundtrip", "linux")


def run(platform, config, image, json_path=JSON_PATH, parts=PARTS,
        linux_runs=bench_linux.RUNS, linux_halves=None):
    """The verb after the build: measure, print the tables, write the JSON."""
    figures = linux = trips = None
    if "kernel" in parts:
        step(f"benchmarking {shown(image)} on {platform.name} ({config.describe()}), "
             f"QEMU {' '.join(ICOUNT)}: 1 instruction = 1 ns = 1 cycle")
        figures = measure(platform, config, image)
        for line in table(figures):
            say(line)
        say("(means per operation less an empty loop; instructions at EL0 and EL2, "
            "kernel: EL2 alone)")
        say(SEL4_NOTE)
    halves = linux_halves or bench_linux.HALVES
    if "roundtrip" in parts:
        trips = bench_guest.run(platform, config, halves=halves)
    if "linux" in parts:
        linux = bench_linux.run(platform, config, linux_runs, halves=halves)
    write_json(json_path, platform.name, config, figures, linux, trips)
    say(f"wrote {shown(json_path)}")
