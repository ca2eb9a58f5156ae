"""System tests: boot images on QEMU headless and judge their serial output.

Each test boots QEMU with a timeout, copies the serial output to
build/test-logs/<test>.log and stops QEMU as soon as its judge has a verdict. The
tests are data (`all_tests()`): a name, the image, the machine, and a judge.
"""

import itertools
import os
import selectors
import shlex
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import qemu
from .errors import CleaveError
from .judge import (BootJudge, ExpectedException, FaultJudge, KtestJudge, MarkersJudge,
                    PanicJudge, failed)
from .results import Result

BASE_TIMEOUT_S = 60
PER_CPU_TIMEOUT_S = 10
SETTLE_S = 10
MAX_LOG_BYTES = 4 * 1024 * 1024
NM = "aarch64-linux-gnu-nm"
UART_SHIFT = 0x100000


@dataclass(frozen=True)
class Context:
    """What every test of one run shares."""

    platform: object
    images: Path
    logs: Path
    stop: object  # a threading.Event: set to abandon the run (Ctrl-C)


@dataclass(frozen=True)
class SysTest:
    name: str
    judge: Callable  # Context -> judge; may raise CleaveError (setup failed)
    image: str = "cleave.bin"
    cpu: str = None
    gic: int = None
    smp: int = None
    machine: str = None  # replaces the platform's -M value
    append: str = None
    setup: Callable = None  # (Context, Config, Path stem) -> extra QEMU args
    # Context -> (kernel Path, extra QEMU args): boots that kernel instead of `image`
    # (a guest payload, guest_tests.py).
    payload: Callable = None
    # (Context, Path stem) -> Verdict: a test that boots nothing (guest_tests.py).
    check: Callable = None


def timeout_for(config):
    return BASE_TIMEOUT_S + PER_CPU_TIMEOUT_S * (config.smp - 1)


KTEST_MIN_CASES = 100


def all_tests(platform):
    """Every system test of `platform`, in the order they are started."""
    from . import guest_tests  # it builds SysTests: imported late, not in a cycle

    return boot_matrix(platform) + ktest_matrix(platform) + [
        SysTest("boot/not-el2", machine=without_virtualization(platform.machine),
                judge=lambda ctx: PanicJudge(["EL2"], anywhere=True)),
        SysTest("fault/undef", image="fault-test.bin", append="fault=undef",
                judge=fault_judge(0x0, "unknown", "selftest_fault_insn_undef")),
        SysTest("fault/data-abort", image="fault-test.bin", append="fault=data-abort",
                judge=fault_judge(0x25, "data abort", "selftest_fault_insn_load",
                                  far=0x4000000000)),
        SysTest("dtb/mismatch", judge=lambda ctx: PanicJudge(["uart"]),
                setup=moved_uart_dtb),
        # A C program linked against musl: stdio with floating point, malloc through
        # brk and mmap, qsort, and its exit status, all served at user level.
        SysTest("musl/hello", image="musl-hello.bin", smp=2,
                judge=lambda ctx: MarkersJudge(["musl: hello from printf: 42 cleave 3.142",
                                                "MUSL HELLO OK sum=500500",
                                                "CLEAVE COMPONENT EXIT 7"])),
    ] + guest_tests.bare_linux(platform)


def boot_matrix(platform):
    matrix = platform.test_matrix
    combos = itertools.product(matrix.get("cpu", []), matrix.get("gic", []),
                               matrix.get("smp", []))
    return [
        SysTest(f"boot/{cpu}/gic{gic}/smp{smp}", cpu=cpu, gic=gic, smp=smp,
                judge=lambda ctx, smp=smp: BootJudge(smp))
        for cpu, gic, smp in combos
    ]


def ktest_matrix(platform):
    """The kernel test suite (ktest.bin, a root component) on its own matrix."""
    matrix = platform.ktest_matrix
    combos = itertools.product(matrix.get("cpu", []), matrix.get("gic", []),
                               matrix.get("smp", []))
    return [
        SysTest(f"ktest/{cpu}/gic{gic}/smp{smp}", image="ktest.bin", cpu=cpu, gic=gic, smp=smp,
                judge=lambda ctx: KtestJudge(KTEST_MIN_CASES))
        for cpu, gic, smp in combos
    ]


def without_virtualization(machine):
    """The -M value with EL2 switched off: QEMU then enters the kernel at EL1."""
    return ",".join(part for part in machine.split(",") if part != "virtualization=on")


def fault_judge(ec, name_word, symbol, far=None):
    def make(ctx):
        elr = symbol_address(ctx.images / "fault-test.elf", symbol)
        return FaultJudge(ExpectedException(ec, name_word, elr, far))
    return make


def symbol_address(elf, symbol):
    """The address of `symbol` in `elf`, read with the cross nm."""
    if not Path(elf).is_file():
        raise CleaveError(f"the build made no {elf}")
    out = _tool([NM, str(elf)], f"reading the symbols of {elf}")
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2] == symbol:
            return int(fields[0], 16)
    raise CleaveError(f"symbol {symbol} not found in {Path(elf).name}")


def moved_uart_dtb(ctx, config, stem):
    """QEMU's own device tree with the console UART's base moved: a lying DTB."""
    dtb = stem.with_suffix(".dtb")
    dtb.unlink(missing_ok=True)
    _tool(qemu.command(ctx.platform, config, headless=True,
                       machine_extra=[f"dumpdtb={dtb}"]), "dumping QEMU's device tree")
    node = _tool(["fdtget", "-t", "s", str(dtb), "/chosen", "stdout-path"],
                 "finding the console").strip().split(":")[0]
    address_cells = int(_tool(["fdtget", str(dtb), "/", "#address-cells"], "reading cells"))
    cells = [int(c, 16) for c in _tool(["fdtget", "-t", "x", str(dtb), node, "reg"],
                                       "reading the UART's reg").split()]
    cells[address_cells - 1] += UART_SHIFT
    _tool(["fdtput", "-t", "x", str(dtb), node, "reg", *(f"{c:x}" for c in cells)],
          "moving the UART")
    return ["-dtb", str(dtb)]


def _tool(argv, what):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise CleaveError(f"{what}: {err}") from None
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["no message"])[-1]
        raise CleaveError(f"{what} failed: {last}")
    return out.stdout


def run_one(test, ctx):
    """Boot one test and return its Result."""
    start = time.monotonic()
    log = ctx.logs / f"{test.name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    if test.check is not None:
        verdict = test.check(ctx, log.with_suffix(""))
        return Result(test.name, verdict.ok, verdict.reason, seconds=time.monotonic() - start)
    try:
        config = ctx.platform.configure(test.cpu, test.gic, test.smp)
        extra = []
        if test.payload is not None:
            image, extra = test.payload(ctx)
        else:
            image = ctx.images / test.image
        if not image.is_file():
            raise CleaveError(f"the build made no {image.name}")
        judge = test.judge(ctx)
        if test.setup:
            extra = extra + test.setup(ctx, config, log.with_suffix(""))
    except CleaveError as err:
        return Result(test.name, False, str(err), seconds=time.monotonic() - start)
    argv = qemu.command(ctx.platform, config, image, headless=True, machine=test.machine,
                        append=test.append, extra=extra)
    verdict = boot(argv, judge, log, timeout_for(config), ctx.stop)
    return Result(test.name, verdict.ok, verdict.reason, None if verdict.ok else log,
                  time.monotonic() - start)


def boot(argv, judge, log_path, timeout, stop=None):
    """Run argv, feeding its output to `judge`; kill it once there is a verdict."""
    with open(log_path, "wb") as log:
        log.write(f"# {shlex.join(argv)}\n".encode())
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT)
        except OSError as err:
            return failed(f"cannot start {argv[0]}: {err.strerror}")
        try:
            return Watch(proc, judge, log, timeout, stop).run()
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()


class Watch:
    """Reads a running QEMU's output until its judge decides or time runs out."""

    def __init__(self, proc, judge, log, timeout, stop):
        self.proc, self.judge, self.log, self.stop = proc, judge, log, stop
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.pending = b""
        self.size = 0

    def run(self):
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            while True:
                if self.stop is not None and self.stop.is_set():
                    return failed("interrupted")
                left = self.deadline - time.monotonic()
                if left <= 0:
                    return self._end(self._why_out_of_time())
                if selector.select(min(left, 0.5)):
                    verdict = self._read()
                    if verdict is not None:
                        return verdict

    def _read(self):
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        if not chunk:
            return self._end(f"QEMU exited with code {self.proc.wait()}")
        self.log.write(chunk)
        self.log.flush()
        self.size += len(chunk)
        *lines, self.pending = (self.pending + chunk).split(b"\n")
        verdict = self._feed(lines)
        if verdict is None and self.size > MAX_LOG_BYTES:
            return failed(f"serial output passed {MAX_LOG_BYTES // 1024 // 1024} MiB")
        if self.judge.settling:
            self.deadline = min(self.deadline, time.monotonic() + SETTLE_S)
        return verdict

    def _feed(self, lines):
        for raw in lines:
            verdict = self.judge.feed(raw.decode("utf-8", "replace").rstrip("\r"))
            if verdict is not None:
                return verdict
        return None

    def _end(self, why):
        """The output is over: judge a last unterminated line, then decide."""
        rest, self.pending = self.pending, b""
        verdict = self._feed([rest]) if rest else None
        return verdict or self.judge.finish(why)

    def _why_out_of_time(self):
        if self.judge.settling:
            return f"nothing more within {SETTLE_S} s"
        return f"timeout after {self.timeout} s"


def run_all(tests, ctx, jobs, on_result):
    """Run `tests` on `jobs` workers, calling on_result(Result) as each ends."""
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = [pool.submit(run_one, test, ctx) for test in tests]
        for future in as_completed(futures):
            on_result(future.result())
    except BaseException:
        ctx.stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
