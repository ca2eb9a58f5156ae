"""A VMM's exit report (docs/bench.md, "Exit counts"), read from the console.

The VMM prints, when its guest stops and when the guest's console shows the userspace
marker line (personalities/vmm/server/stats.c):

    vmm: guest 'NAME' exits WHEN: total=T irq=.. vtimer=.. ... other=..
    vmm: guest 'NAME' exits WHEN by cause: mmio.uart=.. sysreg.SCTLR_EL1=.. ...
    vmm: guest 'NAME' exits WHEN: end

The first line holds the kernel's counts of every entry to EL2 by kind (summed over
the vCPUs), the "by cause" lines the VMM's own counts of the exits it served.
"""

import re
from dataclasses import dataclass, field

KINDS = ("irq", "vtimer", "maintenance", "stage2", "fast", "sysreg", "sysreg_kernel", "hvc",
         "smc", "wfx", "fpsimd", "other")
# Kinds that count a part of another kind's entries, not entries of their own.
PARTS = {"vtimer": "irq", "maintenance": "irq", "fast": "stage2", "sysreg_kernel": "sysreg"}
LINE_RE = re.compile(r"^vmm: guest '([^']+)' exits (.+?)( by cause)?: (.*)$")
WORD_RE = re.compile(r"^([A-Za-z0-9_.]+)=(\d+)$")


class ReportError(ValueError):
    pass


@dataclass
class ExitReport:
    guest: str
    when: str
    total: int = None
    kinds: dict = field(default_factory=dict)  # kind -> count (the kernel's)
    causes: dict = field(default_factory=dict)  # cause -> count (the VMM's)
    complete: bool = False

    def as_json(self):
        return {"when": self.when, "total": self.total, "kinds": self.kinds,
                "causes": self.causes}


def words(text):
    """{name: count} of `a=1 b=2`; ReportError naming a malformed word."""
    out = {}
    for word in text.split():
        match = WORD_RE.match(word)
        if not match:
            raise ReportError(f"'{word}' is not name=count")
        out[match.group(1)] = int(match.group(2))
    return out


class ReportReader:
    """Collects reports line by line: `feed(line)` returns the report that line completed
    (its `end` line), else None. Raises ReportError on a malformed report line."""

    def __init__(self):
        self.open = {}

    def feed(self, line):
        match = LINE_RE.match(line.strip())
        if not match:
            return None
        guest, when, by_cause, rest = match.groups()
        report = self.open.setdefault((guest, when), ExitReport(guest, when))
        if by_cause:
            report.causes.update(words(rest))
            return None
        if rest == "end":
            del self.open[(guest, when)]
            if report.total is None:
                raise ReportError(f"the exit report of '{guest}' {when} has no counts")
            report.complete = True
            return report
        counts = words(rest)
        missing = [k for k in ("total",) + KINDS if k not in counts]
        if missing:
            raise ReportError(f"the exit report of '{guest}' {when} lacks {', '.join(missing)}")
        report.total = counts.pop("total")
        report.kinds = counts
        return None


def check(report):
    """Consistency of a report; ReportError saying what does not add up. Every entry is
    an interrupt or one synchronous kind (PARTS count some of another kind's entries:
    the timer's and maintenance interrupts among the interrupts, the aborts and system
    registers the kernel answered among stage2 and sysreg), and the VMM served each
    MMIO, system-register and call exit the kernel sent it: the kind less its part."""
    k = report.kinds
    total = sum(v for name, v in k.items() if name not in PARTS)
    if total != report.total:
        raise ReportError(f"total={report.total} but the kinds add up to {total}")
    if k["vtimer"] + k["maintenance"] > k["irq"]:
        raise ReportError(f"vtimer + maintenance ({k['vtimer'] + k['maintenance']}) > "
                          f"irq ({k['irq']})")
    for kind, cause in (("stage2", "mmio"), ("sysreg", "sysreg"), ("hvc", "hvc"),
                        ("smc", "smc")):
        part = next((p for p, whole in PARTS.items() if whole == kind), None)
        if part is not None and k[part] > k[kind]:
            raise ReportError(f"{part} ({k[part]}) > {kind} ({k[kind]})")
        sent = k[kind] - (k[part] if part else 0)
        served = sum(v for name, v in report.causes.items() if name.startswith(cause + "."))
        if served != sent:
            what = f"{kind} - {part}" if part else kind
            raise ReportError(f"{what}={sent} but the VMM served {served} {cause} exits")


def table(report):
    """Text lines: the kernel's counts by kind, then the VMM's causes, largest first."""
    lines = [f"exits to EL2 ({report.guest}, {report.when}): {report.total}"]
    lines.append("  " + "  ".join(f"{kind}={report.kinds[kind]}" for kind in KINDS))
    causes = sorted(report.causes.items(), key=lambda item: (-item[1], item[0]))
    for at in range(0, len(causes), 4):
        lines.append("  " + "  ".join(f"{name}={count}" for name, count in causes[at:at + 4]))
    return lines
