"""Judging a boot by the kernel's serial markers.

A judge is fed the serial output line by line. `feed()` returns a Verdict as soon
as the outcome is known (so QEMU can be stopped at once) and None while it is not;
`finish(why)` gives the verdict when the output ends (QEMU exited, or the timeout).
`settling` turns true once the decisive marker has been seen and only stragglers are
awaited: the runner then waits a few seconds more at most.

Markers the kernel prints:
    cpu<N>: online
    cpu<N>: timer ok
    CLEAVE BOOT OK cpus=<n>/<m>
    CLEAVE PANIC: <message>
    EXCEPTION: EC=0x<hex> (<name>) ELR=0x<hex> FAR=0x<hex>
A Linux guest prints `cleave: <guest> reached userspace` from its /init (LinuxJudge),
once through the kernel's log with a `[seconds.micros]` stamp and once as is.
A test guest (tests/guests, GuestJudge) prints
    GUEST PASS <name>
    GUEST FAIL <name>: <why>
    GUEST DONE: <n> passed, <m> failed
and then powers itself off with PSCI SYSTEM_OFF.

"""

import re
import time
from dataclasses import dataclass

PANIC = "CLEAVE PANIC"
CPU_RE = re.compile(r"\bcpu(\d+): (online|timer ok)\b")
BOOT_OK_RE = re.compile(r"CLEAVE BOOT OK cpus=(\d+)/(\d+)")
INIT_OK = "CLEAVE INIT OK"
KTEST_CASE_RE = re.compile(r"KTEST (PASS|FAIL|SKIP) (\S+?)(?::\s*(.*))?$")
KTEST_DONE_RE = re.compile(r"KTEST DONE: (\d+) passed, (\d+) failed")
GUEST_CASE_RE = re.compile(r"GUEST (PASS|FAIL) (\S+?)(?::\s*(.*))?$")
GUEST_DONE_RE = re.compile(r"GUEST DONE: (\d+) passed, (\d+) failed")
LINUX_PANIC = "Kernel panic - not syncing"
GUEST_PREFIX_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*: (.*)$")
PRINTK_TIME_RE = re.compile(r"^\[\s*(\d+\.\d+)\] ?(.*)$")
EXCEPTION_RE = re.compile(
    r"EXCEPTION: EC=0x([0-9a-fA-F]+) \((.*)\) ELR=0x([0-9a-fA-F]+) FAR=0x([0-9a-fA-F]+)"
)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""


def passed():
    return Verdict(True)


def failed(reason):
    return Verdict(False, reason)


class BootJudge:
    """A normal boot on `smp` CPUs: every CPU online with its timer, BOOT OK, and
    the root component's INIT OK from user level."""

    def __init__(self, smp):
        self.smp = smp
        self.seen = {"online": set(), "timer ok": set()}
        self.boot_ok = False
        self.init_ok = False
        self.settling = False

    def feed(self, line):
        if PANIC in line:
            return failed(f"kernel panicked: {line.strip()}")
        cpu = CPU_RE.search(line)
        if cpu:
            index = int(cpu.group(1))
            if index >= self.smp:
                return failed(f"cpu{index} reported, but only {self.smp} CPUs exist")
            self.seen[cpu.group(2)].add(index)
        boot = BOOT_OK_RE.search(line)
        if boot:
            if boot.group(1, 2) != (str(self.smp), str(self.smp)):
                return failed(f"{boot.group(0)}, expected cpus={self.smp}/{self.smp}")
            self.boot_ok = self.settling = True
        if INIT_OK in line:
            self.init_ok = True
        if self.boot_ok and self.init_ok and not self.missing():
            return passed()
        return None

    def missing(self):
        return [f"cpu{i}: {what}" for what in ("online", "timer ok")
                for i in range(self.smp) if i not in self.seen[what]]

    def finish(self, why):
        if not self.boot_ok:
            return failed(f"no 'CLEAVE BOOT OK' ({why})")
        if not self.init_ok:
            return failed(f"no '{INIT_OK}': the root component did not report ({why})")
        return failed(f"missing {', '.join(self.missing())} ({why})")


class KtestJudge:
    """The kernel test suite: `KTEST PASS name` / `KTEST FAIL name: why` per case,
    then `KTEST DONE: N passed, M failed`. Passes when every case passed, the
    counts agree with the case lines, and at least `min_cases` ran."""

    def __init__(self, min_cases, max_skips=0):
        self.min_cases = min_cases
        self.max_skips = max_skips
        self.skips = []
        self.passes = 0
        self.failures = []
        self.settling = False

    def feed(self, line):
        if PANIC in line:
            return failed(f"kernel panicked: {line.strip()}")
        case = KTEST_CASE_RE.search(line.strip())
        if case:
            if case.group(1) == "PASS":
                self.passes += 1
            elif case.group(1) == "SKIP":
                self.skips.append(f"{case.group(2)}: {case.group(3) or '?'}")
                if len(self.skips) > self.max_skips:
                    return failed(f"{len(self.skips)} cases skipped, at most "
                                  f"{self.max_skips} may be: {self.skips[-1]}")
            else:
                self.failures.append(f"{case.group(2)}: {case.group(3) or '?'}")
            return None
        done = KTEST_DONE_RE.search(line)
        if not done:
            return None
        n_pass, n_fail = int(done.group(1)), int(done.group(2))
        if self.failures or n_fail:
            shown = "; ".join(self.failures[:3])
            return failed(f"{n_fail} of {n_pass + n_fail} cases failed: {shown}")
        if n_pass != self.passes:
            return failed(f"DONE says {n_pass} passed but {self.passes} PASS lines were seen")
        if n_pass < self.min_cases:
            return failed(f"only {n_pass} cases ran, expected at least {self.min_cases}")
        return passed()

    def finish(self, why):
        return failed(f"no 'KTEST DONE' after {self.passes} passed, "
                      f"{len(self.failures)} failed ({why})")


class GuestJudge:
    """A test guest: its case lines, `GUEST DONE: N passed, M failed` agreeing with them,
    then its power-off (QEMU exits by itself). Every name in `expected` must pass; every
    name in `must_fail` must fail (a mutated run that proves the check can fail), and
    then nothing else may fail. Without `must_fail`, any failure fails the test."""

    def __init__(self, expected, must_fail=(), power_off=None):
        self.expected = list(expected)
        self.must_fail = list(must_fail)
        # Under Cleave QEMU goes on after a guest powers off: its VMM's line says so.
        self.power_off = power_off
        self.passes, self.failures = [], []
        self.done = None
        self.settling = False

    def feed(self, line):
        if PANIC in line:
            return failed(f"kernel panicked: {line.strip()}")
        if self.done is not None:
            if self.power_off is not None and self.power_off in line:
                return passed()
            if "GUEST" in line:
                return failed(f"output after DONE: {line.strip()}")
            return None
        case = GUEST_CASE_RE.search(line.strip())
        if case:
            if case.group(1) == "PASS":
                self.passes.append(case.group(2))
            else:
                self.failures.append((case.group(2), case.group(3) or "?"))
                if case.group(2) not in self.must_fail:
                    return failed(f"{case.group(2)}: {case.group(3) or '?'}")
            return None
        done = GUEST_DONE_RE.search(line)
        if done:
            self.done = (int(done.group(1)), int(done.group(2)))
            self.settling = True
            return self._check_done()
        return None

    def _check_done(self):
        n_pass, n_fail = self.done
        if (n_pass, n_fail) != (len(self.passes), len(self.failures)):
            return failed(f"DONE says {n_pass} passed, {n_fail} failed, but the lines say "
                          f"{len(self.passes)} and {len(self.failures)}")
        missing = [name for name in self.expected if name not in self.passes]
        if missing:
            return failed(f"{len(missing)} expected cases did not pass: {', '.join(missing[:4])}")
        failed_names = {name for name, _ in self.failures}
        unfailed = [name for name in self.must_fail if name not in failed_names]
        if unfailed:
            return failed(f"the mutation went unnoticed: {', '.join(unfailed[:4])} passed")
        return None

    def finish(self, why):
        if self.done is None:
            return failed(f"no 'GUEST DONE' after {len(self.passes)} passed, "
                          f"{len(self.failures)} failed ({why})")
        if self.power_off is not None:
            return failed(f"no '{self.power_off}' after DONE ({why})")
        if not why.startswith("QEMU exited"):
            return failed(f"the guest did not power off after DONE ({why})")
        return passed()


class PanicJudge:
    """A boot that must panic, naming its cause, and never finish booting.

    `words` must appear (case-insensitively) in the panic line, or anywhere in the
    output so far when `anywhere` is set.
    """

    def __init__(self, words, anywhere=False):
        self.words = tuple(words)
        self.anywhere = anywhere
        self.text = []
        self.settling = False

    def feed(self, line):
        self.text.append(line.lower())
        if BOOT_OK_RE.search(line):
            return failed(f"booted ({line.strip()}) but should have panicked")
        if PANIC not in line:
            return None
        where = "\n".join(self.text) if self.anywhere else line.lower()
        absent = [word for word in self.words if word.lower() not in where]
        if absent:
            return failed(f"panic does not mention {', '.join(absent)}: {line.strip()}")
        return passed()

    def finish(self, why):
        return failed(f"no '{PANIC}' ({why})")


@dataclass(frozen=True)
class ExpectedException:
    ec: int
    name_word: str
    elr: int
    far: int = None


class FaultJudge:
    """A deliberate exception: the dump must match `expected`, then the kernel panics."""

    def __init__(self, expected):
        self.expected = expected
        self.dumped = False
        self.settling = False

    def feed(self, line):
        match = EXCEPTION_RE.search(line)
        if match and not self.dumped:
            wrong = self._mismatches(match)
            if wrong:
                return failed("; ".join(wrong))
            self.dumped = self.settling = True
        if PANIC in line:
            if self.dumped:
                return passed()
            return failed(f"panicked without an EXCEPTION line: {line.strip()}")
        return None

    def _mismatches(self, match):
        want = self.expected
        ec, name, elr, far = match.group(1), match.group(2), match.group(3), match.group(4)
        wrong = []
        if int(ec, 16) != want.ec:
            wrong.append(f"EC=0x{ec}, expected 0x{want.ec:x}")
        if want.name_word.lower() not in name.lower():
            wrong.append(f"class name '{name}' does not contain '{want.name_word}'")
        if int(elr, 16) != want.elr:
            wrong.append(f"ELR=0x{elr}, expected 0x{want.elr:x}")
        if want.far is not None and int(far, 16) != want.far:
            wrong.append(f"FAR=0x{far}, expected 0x{want.far:x}")
        return wrong

    def finish(self, why):
        if not self.dumped:
            return failed(f"no EXCEPTION line ({why})")
        return failed(f"no '{PANIC}' after the exception ({why})")


class MarkersJudge:
    """A boot that must print every one of `markers` (substrings, in order) and not panic."""

    def __init__(self, markers):
        self.markers = list(markers)
        self.next = 0
        self.settling = False

    def feed(self, line):
        if PANIC in line:
            return failed(f"kernel panicked: {line.strip()}")
        if self.next < len(self.markers) and self.markers[self.next] in line:
            self.next += 1
            if self.next == len(self.markers):
                return passed()
        return None

    def finish(self, why):
        return failed(f"no '{self.markers[self.next]}' ({why})")


class SystemJudge:
    """A system image built with --dump-caps: the loader's capability dump must equal
    the specification, the authority those capabilities give must equal the build's
    report, no LOADER ERROR, and every one of `markers` (in any order: components on
    different CPUs print concurrently)."""

    def __init__(self, markers, specification, report, inner=None, ordered=()):
        from .capdump import Dump
        self.inner = inner  # a judge of what the components print (KtestJudge), or None
        self.markers = set(markers)
        self.ordered = list(ordered)  # (earlier, later): later may not come first
        self.seen = set()
        self.dump = Dump()
        self.spec, self.report = specification, report
        self.checked = False
        self.settling = False
        self.inner_passed = None  # the inner judge's pass, while markers are still missing

    def feed(self, line):
        if PANIC in line:
            return failed(f"kernel panicked: {line.strip()}")
        if "LOADER ERROR" in line:
            return failed(line.strip())
        self.dump.feed(line)
        if self.dump.done and not self.checked:
            self.checked = True
            verdict = self.check_caps()
            if verdict is not None:
                return verdict
        self.markers = {m for m in self.markers if m not in line}
        if self.inner is not None and self.inner_passed is None:
            verdict = self.inner.feed(line)
            if verdict is not None and not verdict.ok:
                return verdict
            if verdict is not None and not self.checked:
                return failed("the components finished before the capability dump")
            # The markers too, which may come after (a VMM's exit report at the stop).
            self.inner_passed = verdict
            self.settling = verdict is not None
        if self.inner_passed is not None and not self.markers:
            return self.inner_passed
        for earlier, later in self.ordered:
            if earlier in line:
                self.seen.add(earlier)
            if later in line and earlier not in self.seen:
                return failed(f"'{later}' came before '{earlier}'")
        if not self.markers and self.checked and self.inner is None:
            return passed()
        return None

    def check_caps(self):
        from .capdump import authority_differences, compare, observed_authority
        problems = compare(self.dump.caps, self.spec, self.dump.gic)
        if problems:
            return failed(f"capabilities differ from the specification: {problems[0]} "
                          f"({len(problems)} differences)")
        diffs = authority_differences(observed_authority(self.dump.caps, self.spec),
                                      self.report)
        if diffs:
            return failed(f"authority at run time differs from the build's report: "
                          f"{diffs[0]}")
        return None

    def finish(self, why):
        if not self.checked:
            return failed(f"no complete capability dump ({why})")
        if self.inner is not None and self.inner_passed is None:
            return self.inner.finish(why)
        return failed(f"missing {sorted(self.markers)} ({why})")


class LineJudge:
    """A boot that must print one line containing every one of `words` (a panic line
    included: for images the kernel or the loader must refuse), and nothing after
    which a component ran (`forbidden`)."""

    def __init__(self, words, forbidden=()):
        self.words = tuple(words)
        self.forbidden = tuple(forbidden)
        self.settling = False

    def feed(self, line):
        bad = [f for f in self.forbidden if f in line]
        if bad:
            return failed(f"'{bad[0]}' printed: {line.strip()}")
        if all(w in line for w in self.words):
            return passed()
        return None

    def finish(self, why):
        return failed(f"no line with {' and '.join(repr(w) for w in self.words)} ({why})")


def split_printk_time(line):
    """(seconds or None, text) of a console line: Linux stamps its log lines
    `[    1.234567] text` when printk.time is on."""
    match = PRINTK_TIME_RE.match(line)
    if match:
        return float(match.group(1)), match.group(2)
    return None, line


class LinuxJudge:
    """A Linux guest that must reach its /init's `marker` line (the whole line, after
    any printk stamp) and not panic. Passes at the first such line, keeping the
    kernel's stamp on it (`stamp`, seconds, None when the line had none) and the host
    time it was read at (`seen_at`, time.monotonic()), and `cpu_at`, what `cpu_clock`
    (a function, when given) said then. With `exits_of` (a guest's name) it goes on
    reading until that guest's VMM printed its exit report at the marker
    (exitreport.py), kept in `exits`."""

    def __init__(self, marker, exits_of=None, cpu_clock=None):
        self.marker = marker
        self.stamp = None
        self.seen_at = None
        self.cpu_clock = cpu_clock
        self.cpu_at = None
        self.settling = False
        self.exits_of = exits_of
        self.exits = None
        self.reports = None
        if exits_of is not None:
            from .exitreport import ReportReader
            self.reports = ReportReader()

    def feed(self, line):
        if LINUX_PANIC in line:
            return failed(f"the guest kernel panicked: {line.strip()}")
        if self.reports is not None:
            from .exitreport import ReportError
            try:
                report = self.reports.feed(line)
            except ReportError as err:
                return failed(f"a bad exit report: {err} (in '{line.strip()}')")
            if report is not None and report.guest == self.exits_of and \
                    report.when == "at userspace":
                self.exits = report
                return passed() if self.seen_at is not None else None
        line = line.strip()
        if self.seen_at is not None:
            return None
        # Under Cleave the VMM prefixes each line of the guest's with its name.
        guest = GUEST_PREFIX_RE.match(line)
        for candidate in (line, guest.group(1)) if guest else (line,):
            stamp, text = split_printk_time(candidate)
            if text == self.marker:
                self.seen_at = time.monotonic()
                self.cpu_at = self.cpu_clock() if self.cpu_clock else None
                self.stamp = stamp
                return passed() if self.exits_of is None or self.exits else None
        return None

    def finish(self, why):
        if self.seen_at is not None:
            return failed(f"no exit report of '{self.exits_of}' after '{self.marker}' "
                          f"({why})")
        return failed(f"no '{self.marker}' ({why})")
