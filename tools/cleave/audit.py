"""The audit of real boots (docs/coherence.md, "The audit of real boots").

`./cleave audit SYSTEM` builds SYSTEM on the audit kernel (cleave-loader-audit.bin),
boots it on QEMU headless until the kernel has printed its record (an `AUDIT END`
line after the system's marker), replays the record through the cache model with the
host tool build/tests/model/audit_replay and prints its report: per guest `clean`,
or each address a read could see stale with the operation that is missing. Exit
status: 0 clean, 1 stale data possible, 2 the record could not be judged.

The system test `audit/record` boots audit-test.bin (tests/ktest/audit_record.c):
every `AUDIT-EXPECT <record>` line its cases print must match a record of the
kernel's dump, as audit_replay --dump words it (`*` matches any value).

The audits of real boots (`audit_tests()`): the demo's two Debian Linux guests and
test guests, each under both coherence policies, must be judged clean; and
`audit/break-pou` boots a test guest with the test-only broken VMM
(vmm-audit-break-pou: the loaded image cleaned to the PoU only) and requires the audit
to fail, naming the image's address range and the missing clean to PoC.
"""

import os
import re
import subprocess
import threading

from . import qemu
from .errors import CleaveError, UsageError
from .judge import KtestJudge, failed, passed
from .paths import BUILD, shown
from .progress import say, step

REPLAY = BUILD / "tests" / "model" / "audit_replay"
AUDIT_KERNEL = "cleave-loader-audit.bin"  # sysbuild.AUDIT_KERNEL
AUDIT_VMM = "vmm-audit"
# `--break NAME`: test-only VMM builds with one deliberate coherence mistake
# (personalities/vmm/include/vmm/test_break.h), which the audit must catch.
BREAKS = {"pou": "vmm-audit-break-pou"}
COHERENCE = ("dc", "clean")  # sysbuild.COHERENCE
DEFAULT_TIMEOUT_S = 300
# The loader's last line once every component is started: after it, the next quiet
# moment of the system ends the record worth judging.
DEFAULT_AFTER = "loader: started"
EXPECT = "AUDIT-EXPECT "
END = "AUDIT END "
PANIC = "CLEAVE PANIC"


class NotJudged(CleaveError):
    """The record could not be judged (damaged, incomplete, overflowed)."""

    exit_code = 2


def expectation_matches(expected, record_line):
    """Whether an AUDIT-EXPECT body matches a record as `audit_replay --dump` words it
    ("#<seq> cpu<n> KIND field=value..."); `field=*` matches any value."""
    words = record_line.split()
    if len(words) < 3:
        return False
    want = expected.split()
    got = words[2:]
    if len(want) != len(got):
        return False
    for w, g in zip(want, got):
        if w == g:
            continue
        key, sep, value = w.partition("=")
        if not (sep and value == "*" and g.startswith(key + "=")):
            return False
    return True


def unmatched_expectations(expectations, record_lines):
    """The expectations no record matches (each record may match several)."""
    return [e for e in expectations
            if not any(expectation_matches(e, r) for r in record_lines)]


def run_replay(log_path, dump=False, names=()):
    """Run audit_replay on a console log; (exit code, stdout, stderr)."""
    if not REPLAY.is_file():
        raise CleaveError(f"{shown(REPLAY)} is missing: the host build did not make it")
    argv = [str(REPLAY)] + (["--dump"] if dump else [])
    for vmid, name in names:
        argv += ["--name", f"{vmid}={name}"]
    argv.append(str(log_path))
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    return proc.returncode, proc.stdout, proc.stderr


class RecordWaiter:
    """Console lines in; done once an AUDIT END line follows the `after` marker (a
    string, or a list of them: the END must follow the last of them to show)."""

    def __init__(self, after):
        self.waiting = [] if after is None else \
            [after] if isinstance(after, str) else list(after)
        self.lines = []

    @property
    def seen_after(self):
        return not self.waiting

    def feed(self, line):
        """None while waiting; "" when the record is complete; else why it failed."""
        self.lines.append(line)
        if PANIC in line:
            return f"the kernel panicked: {line.strip()}"
        if self.waiting:
            self.waiting = [m for m in self.waiting if m not in line]
        elif line.startswith(END):
            return ""
        return None


def boot_for_record(platform, config, image, after, timeout, log_path):
    """Boot `image` headless until RecordWaiter says the record is complete; the
    console output goes to log_path."""
    qemu.require_binary(platform)
    argv = qemu.command(platform, config, image, headless=True)
    waiting = RecordWaiter(after)
    try:
        verdict = qemu.watch_lines(argv, waiting.feed, timeout)
    finally:
        log_path.write_text("\n".join(waiting.lines) + "\n")
    if verdict == qemu.TIMED_OUT:
        shown_after = "', '".join([after] if isinstance(after, str) else after)
        verdict = (f"timeout after {timeout} s without a complete record after "
                   f"'{shown_after}'")
    elif isinstance(verdict, tuple):
        verdict = f"QEMU exited (code {verdict[1]}) before the record ended"
    if verdict:
        raise CleaveError(f"audit: {verdict} (console output in {shown(log_path)})")


def check_options(model, coherence, brk):
    """`--coherence` and `--break` act on a system's guests: refuse them (UsageError)
    for a system that has none, and a --break name that is not one."""
    if brk is not None and brk not in BREAKS:
        raise UsageError(f"--break {brk}: the test-only broken VMMs are "
                         f"{', '.join(sorted(BREAKS))}")
    if coherence is not None and coherence not in COHERENCE:
        raise UsageError(f"--coherence {coherence}: the policies are {', '.join(COHERENCE)}")
    guests = [i.name for i in model.system.instances if i.kind == "guest"]
    for option, value in (("--coherence", coherence), ("--break", brk)):
        if value is not None and not guests:
            raise UsageError(f"{option} {value}: system '{model.system.name}' has no guest "
                             "for it to act on")
    return guests


def build_image(system, platform_name, coherence=None, brk=None, quiet=False,
                output=None):
    """SYSTEM on the audit kernel, every guest's VMM the audit build (or the broken
    one `brk`), with coherence policy `coherence` if given: (path, model)."""
    from . import sysbuild
    vmm = BREAKS[brk] if brk is not None else AUDIT_VMM
    suffix = "-audit" + (f"-{coherence}" if coherence else "") + (f"-break-{brk}" if brk
                                                                    else "")
    path, model, _, _ = sysbuild.build_system(system, platform_name, kernel=AUDIT_KERNEL,
                                              output=output, out_suffix=suffix, vmm=vmm,
                                              coherence=coherence, quiet=quiet)
    return path, model


def run(system, platform, timeout, after, coherence=None, brk=None):
    """`./cleave audit SYSTEM`: the exit code (0 clean, 1 stale, 2 not judged)."""
    from . import build, sysbuild, syscheck
    model, _, _, _, diags = syscheck.load(system, platform.name)
    syscheck.raise_on_errors(system, diags)
    check_options(model, coherence, brk)
    build.build()
    out = BUILD / "images" / platform.name / "audit"
    out.mkdir(parents=True, exist_ok=True)
    path, model = build_image(system, platform.name, coherence, brk)
    smp = max(sysbuild.smp_needed(model), platform.default["smp"])
    memory = min(max(platform.memory_mib,
                     sysbuild.memory_mib_needed(model, path.stat().st_size)),
                 platform.memory_max_mib)
    config = platform.configure(smp=smp, memory_mib=memory)
    log_path = out / f"{path.stem}.log"
    step(f"booting {shown(path)} until its audit record ends (at most {timeout} s)")
    boot_for_record(platform, config, path, after, timeout, log_path)
    code, report, err = run_replay(log_path)
    print(report, end="")
    if err:
        print(err, end="")
    if code not in (0, 1):
        raise NotJudged(f"audit: the record could not be judged (console output in "
                        f"{shown(log_path)})")
    say("audit: clean" if code == 0 else "audit: a guest may read stale data")
    return code


class AuditRecordJudge:
    """The audit kernel's system test: the suite's cases pass (KtestJudge), then the
    dump after `KTEST DONE` ends; every AUDIT-EXPECT line matches a record of the
    whole record, which must parse and replay clean."""

    def __init__(self, log_dir, name):
        self.ktest = KtestJudge(min_cases=4)
        self.log = log_dir / f"{name.replace('/', '-')}.record.log"
        self.lines = []
        self.expect = []
        self.done = False
        self.settling = False

    def feed(self, line):
        line = line.rstrip("\r")
        self.lines.append(line)
        if line.startswith(EXPECT):
            self.expect.append(line[len(EXPECT):].strip())
        if not self.done:
            verdict = self.ktest.feed(line)
            if verdict is not None and not verdict.ok:
                return verdict
            self.done = verdict is not None
            self.settling = self.done
            return None
        if PANIC in line:
            return failed(f"kernel panicked: {line.strip()}")
        if line.startswith(END):
            return self.judge()
        return None

    def judge(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.write_text("\n".join(self.lines) + "\n")
        code, out, err = run_replay(self.log, dump=True)
        if code != 0:
            return failed(f"audit_replay exit {code}: {(err or out).strip()[:300]}")
        records = [ln for ln in out.splitlines() if ln.startswith("#")]
        if len(self.expect) < 15:
            return failed(f"only {len(self.expect)} AUDIT-EXPECT lines were printed")
        missing = unmatched_expectations(self.expect, records)
        if missing:
            return failed(f"{len(missing)} expected records are not in the dump, first: "
                          f"{missing[0]} ({len(records)} records in {shown(self.log)})")
        if "guest VMID" not in out or "audit: 2 guests, 0 stale" not in out:
            return failed(f"the replay's report is not the expected one: {out[-300:]}")
        return passed()

    def finish(self, why):
        if not self.done:
            return self.ktest.finish(why)
        return failed(f"no AUDIT END after KTEST DONE ({why})")


# --- the audits of real boots, as system tests ------------------------------------------

# Test guests (tests/system/guests/<name>.cleave) audited under each policy: tvm writes
# every TVM-trapped register, mmu starts with its caches off and turns them on (and off
# again), setway runs set/way loops the VMM traps, psci starts a second vCPU (caches off)
# with PSCI CPU_ON, irq takes interrupts, reset is loaded again by its VMM after a
# PSCI SYSTEM_RESET (which the VMM must clean again), rtc takes a passed-through
# device's interrupts, and ports shares a dataport and events with a component (the
# record covers guest RAM, not the dataport: docs/coherence.md).
AUDITED_GUESTS = ("tvm", "mmu", "setway", "psci", "irq", "reset", "rtc", "ports")
IN_PLACE_GUEST = "linux2"  # in the audited demo: it runs its kernel in place
BREAK_GUEST = "mmu"  # booted with vmm-audit-break-pou by audit/break-pou, under clean
BREAK_POLICY = "clean"  # the policy whose image cleaning the `pou` build breaks
LINUX_MEMORY_MIB = 1024  # two guests of 256 MiB, the image and its files in frames
TIMEOUT_S = 300  # Linux's two boots take ~60 s under Cleave on a busy machine
BUILD_LOCK = threading.Lock()  # two tests may build the same system's glue at once
STALE_RE = re.compile(r"STALE IPA (0x[0-9a-f]+)-(0x[0-9a-f]+) ")
SUMMARY_RE = re.compile(r"^audit: (\d+) guests?, (\d+) stale, ")
KERNEL_AT_RE = re.compile(r"vmm: guest '([^']+)': kernel at (0x[0-9a-f]+)")
BROKEN_VMM = "TEST-ONLY BROKEN VMM (VMM_TEST_BREAK="
POU_ONLY = "cleaned only to the PoU at #"
NEEDS_POC = "needs clean to PoC"


def linux_markers(guests):
    """Each guest's marker and power-off; IN_PLACE_GUEST's VMM saying its kernel is in
    place, and the loader counting two kernels' frames in place: linux1's file (which
    its VMM copies) and linux2's RAM, a copy of its own in the image."""
    from .guest_payload import kernel, marker
    frames = -(-kernel().image.stat().st_size // (2 << 20))
    return [f"{g}: {marker(g)}" for g in guests] + \
        [f"vmm: guest '{g}' stopped: it powered off" for g in guests] + \
        [" KiB in place; device tree at",  # only IN_PLACE_GUEST's VMM prints it
         f", {2 * frames * 2048} KiB of guest files in place)"]


def guest_markers(guest):
    return [f"{guest}: GUEST DONE: ", f"vmm: guest '{guest}' stopped: it powered off"]


def audit_tests(platform):
    """The audits `./cleave test` runs: the demo's Linux boot and the test guests under
    each policy, judged clean; a test guest on the broken VMM, judged stale."""
    from . import demo
    from .systest import SysTest
    tests = []
    for policy in COHERENCE:
        # The demo's two guests with 1 vCPU each, and with 2 (the second started with
        # its caches off by PSCI CPU_ON while the first runs with them on).
        for vcpus, suffix in ((1, ""), (2, "/vcpus2")):
            tests.append(SysTest(
                f"audit/linux/{policy}{suffix}", smp=2, memory=LINUX_MEMORY_MIB,
                timeout=TIMEOUT_S,
                payload=lambda ctx, p=policy, n=vcpus: _linux_image(ctx, p, n),
                judge=lambda ctx, p=policy, n=vcpus: AuditBootJudge(
                    ctx.logs / f"audit-linux-{p}-{n}.record.log",
                    linux_markers(demo.GUESTS), len(demo.GUESTS))))
        for guest in AUDITED_GUESTS:
            tests.append(SysTest(
                f"audit/{guest}/{policy}", smp=2, timeout=TIMEOUT_S,
                payload=lambda ctx, g=guest, p=policy: _guest_image(ctx, g, p),
                judge=lambda ctx, g=guest, p=policy: AuditBootJudge(
                    ctx.logs / f"audit-{g}-{p}.record.log", guest_markers(g), 1)))
    tests.append(SysTest("audit/vmm-builds", judge=None,
                         check=lambda ctx, stem: check_vmm_builds(ctx.platform.name)))
    tests.append(SysTest(
        "audit/break-pou", smp=2, timeout=TIMEOUT_S,
        payload=lambda ctx: _guest_image(ctx, BREAK_GUEST, BREAK_POLICY, "pou"),
        judge=lambda ctx: AuditBootJudge(ctx.logs / "audit-break-pou.record.log",
                                         guest_markers(BREAK_GUEST), 1, broken="pou")))
    return tests


def check_vmm_builds(platform_name):
    """The three VMM programs are what they claim: the normal one has no audit hook
    (they are empty inline functions there, so they cost nothing) and is not the
    broken build; the audit one has the hooks; only the broken one says it is."""
    import subprocess as sp
    from . import sysbuild
    from .judge import failed as fail
    programs = BUILD / "aarch64" / platform_name / "programs"
    want = {sysbuild.VMM: (False, False), AUDIT_VMM: (True, False),
            BREAKS["pou"]: (True, True)}
    for name, (hooks, broken) in want.items():
        path = programs / f"{name}.elf"
        if not path.is_file():
            return fail(f"the build made no {shown(path)}")
        out = sp.run(["aarch64-linux-gnu-nm", str(path)], capture_output=True, text=True,
                     check=False)
        if out.returncode != 0:
            return fail(f"nm {shown(path)} failed: {out.stderr.strip()[:200]}")
        has_hooks = "vmm_audit_guest_write" in out.stdout
        says_broken = BROKEN_VMM.encode() in path.read_bytes()
        if (has_hooks, says_broken) != (hooks, broken):
            return fail(f"{name}: audit hooks {'present' if has_hooks else 'absent'}, "
                        f"{'says' if says_broken else 'does not say'} it is broken; "
                        f"expected hooks {'present' if hooks else 'absent'}, "
                        f"{'broken' if broken else 'not broken'}")
    return passed()


def _build(ctx, system, name, coherence, brk=None):
    out = ctx.images / f"audit-{name}.img"
    with BUILD_LOCK:
        build_image(str(system), ctx.platform.name, coherence, brk, quiet=True, output=out)
    return out, []


def _linux_image(ctx, policy, vcpus=1):
    """The demo (demo.py) with `vcpus` vCPUs per guest, its guests powering off once in
    userspace so the system goes quiet and the kernel prints its record. linux1's VMM
    copies its kernel into its RAM; linux2 runs its kernel in place (docs/image.md), so
    the audit covers both ways a kernel gets into guest RAM."""
    from . import demo, guest_payload
    name = "demo_audit" if vcpus == 1 else f"demo_audit_v{vcpus}"
    with BUILD_LOCK:
        system = demo.description(name=name, vcpus=vcpus,
                                  append=f"{demo.APPEND} {guest_payload.POWEROFF_ARG}",
                                  in_place=(IN_PLACE_GUEST,))
    return _build(ctx, system, f"linux-{policy}" + ("" if vcpus == 1 else f"-v{vcpus}"),
                  policy)


def _guest_image(ctx, guest, policy, brk=None):
    from .paths import ROOT
    system = ROOT / "tests" / "system" / "guests" / f"{guest}.cleave"
    return _build(ctx, system, f"{guest}-{policy}" + (f"-break-{brk}" if brk else ""),
                  policy, brk)


class AuditBootJudge:
    """An audited boot: every marker shows (the guests ran to their end), then the
    kernel's record ends (an AUDIT END line); the whole console is replayed. Without
    `broken`, every one of `guests` must be judged clean (exit 0; relying on the guest
    is clean). With `broken` (a --break name), the VMM must say it is the broken build
    and the audit must fail: a STALE line for the range where the guest's kernel was
    loaded, naming a clean only to the PoU and the missing clean to PoC."""

    def __init__(self, log, markers, guests, broken=None):
        self.log = log
        self.waiter = RecordWaiter(markers)
        self.guests = guests
        self.broken = broken
        self.kernels = []  # the IPAs where the VMMs loaded their guests' kernels
        self.said_broken = False
        self.settling = False

    def feed(self, line):
        line = line.rstrip("\r")
        if "GUEST FAIL" in line:
            return failed(f"a test guest's case failed: {line.strip()}")
        kernel = KERNEL_AT_RE.search(line)
        if kernel:
            self.kernels.append(int(kernel.group(2), 16))
        self.said_broken = self.said_broken or BROKEN_VMM in line
        why = self.waiter.feed(line)
        if why is None:
            return None
        if why:
            return failed(why)
        return self.judge()

    def judge(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.write_text("\n".join(self.waiter.lines) + "\n")
        code, out, err = run_replay(self.log)
        where = f"(report: {shown(self.log)})"
        if code not in (0, 1):
            return failed(f"the record could not be judged, audit_replay exit {code}: "
                          f"{(err or out).strip()[:300]} {where}")
        summary = next((SUMMARY_RE.match(ln) for ln in out.splitlines()
                        if SUMMARY_RE.match(ln)), None)
        if summary is None:
            return failed(f"the replay printed no summary: {out[-300:]} {where}")
        if int(summary.group(1)) != self.guests:
            return failed(f"the replay judged {summary.group(1)} guests, the system has "
                          f"{self.guests} {where}")
        stale = [ln for ln in out.splitlines() if STALE_RE.search(ln)]
        if self.broken is None:
            if code != 0 or stale:
                return failed(f"the audit found stale data: {(stale or [out])[0][:400]}")
            return passed()
        return self.judge_broken(code, stale, where)

    def judge_broken(self, code, stale, where):
        if not self.said_broken:
            return failed(f"the VMM did not say it is the broken build ({BROKEN_VMM}"
                          f"{self.broken})")
        if code == 0 or not stale:
            return failed(f"the audit passed the broken VMM ({self.broken}) {where}")
        if not self.kernels:
            return failed("no VMM said where it loaded its guest's kernel")
        for line in stale:
            low = int(STALE_RE.search(line).group(1), 16)
            if low in self.kernels and POU_ONLY in line and NEEDS_POC in line:
                return passed()
        return failed(f"no STALE line names the kernel's range (from "
                      f"{', '.join(hex(k) for k in self.kernels)}) as '{POU_ONLY}n: "
                      f"{NEEDS_POC}'; first: {stale[0][:300]} {where}")

    def finish(self, why):
        if not self.waiter.seen_after:
            return failed(f"still waiting for '{self.waiter.waiting[0]}' ({why})")
        return failed(f"no AUDIT END after the guests ended ({why})")
