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
from .judge import (BootJudge, ExpectedException, FaultJudge, GuestJudge, KtestJudge,
                    MarkersJudge,
                    LineJudge, PanicJudge, SystemJudge, failed)
from .paths import ROOT
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
    # What to type on the serial console: (marker, bytes) pairs, each sent once a line
    # containing its marker has been printed, in order (after the pair before was sent).
    # A marker may be a tuple of markers: sent once each has shown, in any order.
    typing: tuple = ()
    # Context -> (kernel Path, extra QEMU args): boots that kernel instead of `image`
    # (a guest payload, guest_tests.py).
    payload: Callable = None
    # (Context, Path stem) -> Verdict: a test that boots nothing (guest_tests.py).
    check: Callable = None
    memory: int = None  # MiB of RAM, instead of the platform's default
    timeout: int = None  # seconds, instead of timeout_for(config)


def audit_judge(ctx):
    from .audit import AuditRecordJudge
    return AuditRecordJudge(ctx.logs, "audit-record")


def timeout_for(config):
    return BASE_TIMEOUT_S + PER_CPU_TIMEOUT_S * (config.smp - 1)


KTEST_MIN_CASES = 100


def all_tests(platform):
    """Every system test of `platform`, in the order they are started."""
    from . import audit, bench_guest, demo, guest_bare, guest_tests, linux_stops  # late

    return boot_matrix(platform) + ktest_matrix(platform) + example_tests(platform) + \
        bad_image_tests() + [
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
        # The audit kernel's record (docs/coherence.md, "The audit of real boots"): every
        # kind of record made from user level, read back and replayed by audit_replay.
        SysTest("audit/record", image="audit-test.bin", smp=2,
                judge=lambda ctx: audit_judge(ctx)),
        SysTest("musl/hello", image="musl-hello.bin", smp=2,
                judge=lambda ctx: MarkersJudge(["musl: hello from printf: 42 cleave 3.142",
                                                "MUSL HELLO OK sum=500500",
                                                "CLEAVE COMPONENT EXIT 7"])),
    ] + guest_tests.bare_linux(platform) + guest_bare.bare_guest_tests(platform) + \
        demo.tests(platform) + audit.audit_tests(platform) + linux_stops.tests(platform) + \
        bench_guest.system_tests(platform)


# Systems from examples/ booted as tests: (name, description, markers their components
# print). Each is built with --dump-caps, so its judge also compares the capabilities
# the kernel holds with the specification (capdump.py).
EXAMPLES = [
    ("hello", "examples/hello/hello.cleave", [
        "client: wrote 28 bytes to outbox, signalling ready",
        'server: ready signalled; inbox holds "hello through shared memory"',
        "server: greeted 'client' (badge 1), 1 so far",
        "server: greeted 'client again' (badge 1), 2 so far",
        "client: greet returned 0, result 0, count 2",
        "HELLO CLIENT DONE",
        "loader: started 2 components"]),
    # The kernel test suite started by the loader: every case passes but the ones that
    # need device memory or the device tree, which this system does not give it.
    ("ktest", "examples/ktest/ktest.cleave", [
        "loader: started 1 components", "CLEAVE INIT OK"]),
    # The console server and two clients: output prefixed with each client's name,
    # input to the client with the focus, Ctrl-A 2 moving it (CONSOLE_TYPING).
    ("console", "examples/console/console.cleave", [
        "console: input goes to alpha", "alpha: alpha is ready for input",
        "beta: beta is ready for input", "alpha: alpha got: hi alpha",
        "console: input goes to beta", "beta: beta got: yo beta"]),
    # A guest (tests/guests/hello) booted by its own VMM: the arm64 boot protocol, its
    # device tree, the emulated PL011 (lines prefixed with its name), PSCI.
    ("guest-hello", "examples/guest-hello/guest-hello.cleave", [
        "vmm: guest 'hello': kernel at 0x40000000",
        "hello: hello-guest: booted at EL1, device tree at 0x40ff0000, UART at 0x9000000, "
        "MPIDR 0x80000000",
        'hello: hello-guest: bootargs "hello from the description"',
        "hello: hello-guest: PSCI version 1.0",
        "vmm: guest 'hello' stopped: it powered off (PSCI SYSTEM_OFF)"]),
    # Two guests: one touches memory outside its RAM and is stopped with a report naming
    # it, its pc and syndrome; the other keeps running after that (ORDERED below).
    ("guest-fault", "examples/guest-fault/guest-fault.cleave", [
        "faulty: hello-guest: loading from 0x10000000, outside my RAM",
        "vmm: guest 'faulty' stopped: vCPU 0: stage-2 fault at IPA 0x10000000, pc 0x4",
        "ESR 0x93c0800",  # a data abort with a valid syndrome: a translation fault
        "(no RAM or device there)",
        "steady: hello-guest: tick 10",
        "vmm: guest 'steady' stopped: it powered off (PSCI SYSTEM_OFF)"]),
]
EXAMPLES.append(
    # A guest whose kernel is no arm64 Image is refused by its VMM, one that crashes is
    # stopped with a report; the third one boots.
    ("bad-guest", "tests/system/bad-guest/bad-guest.cleave", [
        "vmm: guest 'bad': not an arm64 Linux Image: magic at offset 56 is 02 00 40 00, "
        "expected 41 52 4d 64",
        "crash: hello-guest: running an undefined instruction",
        "vmm: guest 'crash' stopped: vCPU 0: stage-2 fault at IPA 0x200, pc 0x200",
        "good: hello-guest: done, powering off",
        "vmm: guest 'good' stopped: it powered off (PSCI SYSTEM_OFF)",
        # Its exit report: the kernel counted exactly its two HVCs (PSCI VERSION and
        # SYSTEM_OFF), the VMM each by function; the crashed one's last exit was the
        # fetch outside its RAM. Its four lines took the UART's fast path (docs/vmm.md):
        # of its 356 UART accesses the kernel answered 346 (loads of UARTFR, stores to
        # UARTDR), and 10 stores reached the VMM (the newlines, those that found the
        # kernel's 24 bytes full, and the first character). The kernel also answered
        # the guest's first touches of two RAM frames, where its VMM had put its code
        # and its device tree (the VMM's own first touches had zeroed them:
        # docs/objects.md, "Zero when first touched").
        "vmm: guest 'good' exits at stop: total=",
        " stage2=358 fast=348 sysreg=0 sysreg_kernel=0 hvc=2 smc=0 wfx=0 ", "mmio.uart=10 ",
        "hvc.0x84000008=1", "vmm: guest 'good' exits at stop: end",
        "mmio.none=1", "vmm: guest 'crash' exits at stop: end"]))
EXAMPLES.append(
    # Two bare guests on the console server (no Linux): the PL011's receive path, each
    # typed line reaching the guest with the focus only (GUEST_CONSOLE_TYPING).
    ("guest-console", "tests/system/guest-console/guest-console.cleave", [
        'first: hello-guest: got "one"', "console: input goes to second",
        'second: hello-guest: got "two"',
        "vmm: guest 'first' stopped: it powered off (PSCI SYSTEM_OFF)",
        "vmm: guest 'second' stopped: it powered off (PSCI SYSTEM_OFF)"]))
# The reset guest: its VMM restarts it once, loading it again (a second kernel line).
RESTART_MARKERS = ["GUEST reset: boot 1, asking for a reset",
                   "vmm: guest 'reset' restarts (1 of at most 3): it asked for a reset "
                   "(PSCI SYSTEM_RESET)", "GUEST reset: boot 2"]
# Markers of an example that must come after another one (earlier, later).
ORDERED = {"guest-fault": [("vmm: guest 'faulty' stopped", "steady: hello-guest: tick 10")],
           "guest-reset": [("vmm: guest 'reset' restarts", "GUEST reset: boot 2")],
           "guest-restart": [("vmm: guest 'loop' restarts (1 of", "loop' restarts (2 of"),
                             ("loop' restarts (2 of", "vmm: guest 'loop' stopped")]}
# The test guests (tests/guests) under Cleave, each booted by its own VMM: every case
# that passes on bare QEMU (guest_bare.GUESTS) must pass here too, then the VMM reports
# the power-off. (The fault guest is covered by guest-fault: under Cleave its VMM stops
# it, as it should, instead of the guest taking the abort itself.)
GUEST_SYSTEMS = ("tvm", "mmu", "setway", "psci", "irq", "reset", "smc", "rtc", "ports")
# The set/way guest's exit report names its trapped DC CISW loops (one word each).
# The ports guest's peer (a native component) checks the guest's answer; its VMM served
# two doorbell accesses (the load that reads 0, the store that rings).
GUEST_MARKERS = {"setway": ["vmm: guest 'setway' exits at stop: total=", "sysreg.DC_CISW="],
                 "reset": RESTART_MARKERS,
                 "ports": ["peer: wrote 0xc1ea0001 into the dataport, kicked the guest",
                           "peer: the guest rang its doorbell and answered 0x3e15fffe: "
                           "PORTS PEER PASS", "mmio.doorbell=2"]}
EXAMPLES.extend((f"guest-{g}", f"tests/system/guests/{g}.cleave", GUEST_MARKERS.get(g, []))
                for g in GUEST_SYSTEMS)
# Test guests only run under Cleave (a reset on bare QEMU with -no-reboot ends QEMU).
# smc: the psci guest with `smc refuse` (the default), asked to try an SMC.
CLEAVE_ONLY_GUESTS = {"reset": ["reset/image-reloaded", "reset/registers",
                                "reset/vcpu-identity"],
                      "smc": ["psci/version", "psci/features", "psci/method",
                              "psci/smc-refused"],
                      # ports: a guest's dataport and events need a peer component.
                      "ports": ["ports/found", "ports/kick", "ports/doorbell-reads-zero",
                                "ports/round-trip"]}
# Cases a guest system adds under Cleave to its bare-QEMU ones (its bootargs ask for them).
# psci/method: the device tree names smc under `smc emulate`, hvc under `smc refuse`.
CLEAVE_EXTRA_CASES = {"psci": ["psci/method", "psci/smc-emulated"]}
# Restart policies and their bound: three guests that reset or crash at every boot.
EXAMPLES.append(("guest-restart", "tests/system/guests/restart.cleave", [
    "vmm: guest 'loop' restarts (1 of at most 2): it asked for a reset (PSCI SYSTEM_RESET)",
    "vmm: guest 'loop' restarts (2 of at most 2): it asked for a reset (PSCI SYSTEM_RESET)",
    "vmm: guest 'loop' stopped: it asked for a reset (PSCI SYSTEM_RESET), after 2 restarts: "
    "restart_limit 2 reached",
    "vmm: guest 'nope' stopped: it asked for a reset (PSCI SYSTEM_RESET); on_reset is stop",
    "vmm: guest 'crashy' restarts (1 of at most 1): vCPU 0: stage-2 fault at IPA 0x41000000",
    "vmm: guest 'crashy' stopped: vCPU 0: stage-2 fault at IPA 0x41000000",
    "after 1 restarts: restart_limit 1 reached"]))
CONSOLE_TYPING = (("console: input goes to alpha", b"hi alpha\r"),
                  ("alpha: alpha got: hi alpha", b"\x012"),
                  ("console: input goes to beta", b"yo beta\r"))
GUEST_CONSOLE_TYPING = ((("first: hello-guest: type a line",
                          "second: hello-guest: type a line"), b"one\r"),
                        ('first: hello-guest: got "one"', b"\x012"),
                        ("console: input goes to second", b"two\r"))
TYPING = {"console": CONSOLE_TYPING, "guest-console": GUEST_CONSOLE_TYPING}
# The RTC cases (7), the device-tree case (1), console input (1) and, on GICv2, the 3
# cases that map the virtual CPU interface (device memory).
KTEST_SYSTEM_SKIPS = 12
BUILT = {}  # example name -> (image path, specification, report), by build_examples()


def build_examples(platform, test_names):
    """Build the example systems some of `test_names` boot; (name, error) failures."""
    from . import sysbuild
    errors = []
    for name, description, _ in EXAMPLES:
        wanted = [f"system/{name}/"] + (["system/bad-image/"] if name == "hello" else [])
        if not any(t.startswith(w) for t in test_names for w in wanted):
            continue
        out = ROOT / "build" / "images" / platform.name / f"system-{name}.img"
        try:
            path, _, spec, report = sysbuild.build_system(
                str(ROOT / description), platform.name, out, dump_caps=True, quiet=True)
        except CleaveError as err:
            errors.append((f"system/{name}/build", str(err)))
            continue
        BUILT[name] = (path, spec, report)
        if name == "hello":
            try:
                damaged_images(platform, path, spec)
            except (CleaveError, OSError) as err:
                errors.append(("system/bad-image/setup", str(err)))
    return errors


def damaged_images(platform, path, spec):
    """Copies of the hello image, each damaged in one way the kernel or the loader must
    refuse (BAD_IMAGES)."""
    import struct
    from copy import deepcopy
    from . import build, image
    from .capdump import idl
    data = path.read_bytes()
    at = image.payload_offset(data, alone=False)
    _, entries = image.read(data)
    out = path.parent
    # A byte of the client's program flipped; the checksum no longer matches.
    bad = bytearray(data)
    bad[at + entries[1].offset + 100] ^= 0xFF
    (out / "bad-checksum.img").write_bytes(bad)
    # A payload version this kernel does not read (the version is outside the checksum).
    bad = bytearray(data)
    struct.pack_into("<I", bad, at + 8, 2)
    (out / "bad-version.img").write_bytes(bad)
    # A well-sealed payload whose specification puts a capability outside its CNode.
    _, _, specbin = idl()
    broken = deepcopy(spec)
    broken.holder("client").caps[4].slot = 9999
    elves = {e.name: i for i, e in enumerate(entries) if e.kind == "elf"}
    entries[0].data = specbin.encode(broken, elves)
    kernel = build.image(platform.name, "cleave-loader.bin").read_bytes()
    (out / "bad-spec.img").write_bytes(image.pack(kernel, entries))


# Damaged images (damaged_images()) and the one line that must refuse each; no component
# may run.
BAD_IMAGES = [
    ("checksum", "bad-checksum.img",
     ["LOADER ERROR: image payload: checksum mismatch (the image is damaged)"]),
    ("version", "bad-version.img",
     ["CLEAVE PANIC", "image payload at 0x", "version 2, this kernel reads version 1"]),
    ("spec", "bad-spec.img",
     ["LOADER ERROR: spec holder 'client': slot 9999 outside its", "-slot CNode"]),
]


def example_tests(platform):
    tests = []
    for name, _, markers in EXAMPLES:
        for gic in platform.ktest_matrix.get("gic", [2, 3]):
            tests.append(SysTest(
                f"system/{name}/gic{gic}", image=f"system-{name}.img", gic=gic, smp=2,
                judge=lambda ctx, name=name, markers=markers: system_judge(name, markers),
                typing=TYPING.get(name, ())))
    return tests


def bad_image_tests():
    return [SysTest(f"system/bad-image/{name}", image=file, smp=2,
                    judge=lambda ctx, words=words: LineJudge(words, ["client:", "server:"]))
            for name, file, words in BAD_IMAGES]


def system_judge(name, markers):
    if name not in BUILT:
        raise CleaveError(f"the system {name} was not built")
    _, spec, report = BUILT[name]
    inner = KtestJudge(KTEST_MIN_CASES, KTEST_SYSTEM_SKIPS) if name == "ktest" else None
    if name.startswith("guest-") and name[6:] in GUEST_SYSTEMS:
        from .guest_bare import GUESTS
        guest = name[6:]
        inner = GuestJudge((GUESTS.get(guest) or CLEAVE_ONLY_GUESTS[guest]) +
                           CLEAVE_EXTRA_CASES.get(guest, []),
                           power_off=f"vmm: guest '{guest}' stopped: it powered off")
    return SystemJudge(markers, spec, report, inner, ORDERED.get(name, ()))


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
        config = ctx.platform.configure(test.cpu, test.gic, test.smp, test.memory)
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
    verdict = boot(argv, judge, log, test.timeout or timeout_for(config), ctx.stop,
                   test.typing)
    return Result(test.name, verdict.ok, verdict.reason, None if verdict.ok else log,
                  time.monotonic() - start)


def boot(argv, judge, log_path, timeout, stop=None, typing=()):
    """Run argv, feeding its output to `judge`; kill it once there is a verdict.
    `typing`: (marker, bytes) to write to QEMU's serial input once marker is printed."""
    with open(log_path, "wb") as log:
        log.write(f"# {shlex.join(argv)}\n".encode())
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE if typing else
                                    subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT)
        except OSError as err:
            return failed(f"cannot start {argv[0]}: {err.strerror}")
        try:
            return Watch(proc, judge, log, timeout, stop, typing).run()
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()


class Watch:
    """Reads a running QEMU's output until its judge decides or time runs out."""

    def __init__(self, proc, judge, log, timeout, stop, typing=()):
        self.proc, self.judge, self.log, self.stop = proc, judge, log, stop
        self.typing = list(typing)
        self.typed_seen = set()  # markers of the next input seen so far
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
            line = raw.decode("utf-8", "replace").rstrip("\r")
            verdict = self.judge.feed(line)
            if verdict is not None:
                return verdict
            self._type(line)
        return None

    def _type(self, line):
        """Send the next input once its markers show (the console's input tests)."""
        if not self.typing:
            return
        markers = self.typing[0][0]
        markers = (markers,) if isinstance(markers, str) else tuple(markers)
        self.typed_seen |= {m for m in markers if m in line}
        if self.typed_seen.issuperset(markers):
            _, data = self.typing.pop(0)
            self.typed_seen = set()
            try:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError):
                pass

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
