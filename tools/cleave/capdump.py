"""The loader's capability dump compared with the capability specification, and the
authority those capabilities give compared with the report `./cleave build` printed.

The loader (servers/loader/dump.c), in an image built with --dump-caps, prints for
every component the capabilities its CNode holds, read back from the kernel:

    CAPS BEGIN built gic=<2 or 3>
    CAP <holder> <slot> <type> <rights> <badge> <object>
    CAPS END built

`compare(observed, spec, gic)` lists every difference from the specification (spec.json)
as the loader builds it on that GIC version (GICv2's virtual CPU interface, which a
guest's device tree points at, is made only on GICv2);
`observed_authority(observed, spec)` is the authority report of those capabilities
alone, for comparing with the build's (the loader gives all of its own up).
"""

import re
import sys
from copy import deepcopy

from .paths import ROOT

CAP_RE = re.compile(r"^CAP (\S+) (\d+) (\d+) (\d+) (\d+) (\S+)$")
BEGIN, END = "CAPS BEGIN", "CAPS END"


def idl():
    path = str(ROOT / "idl")
    if path not in sys.path:
        sys.path.insert(0, path)
    from cleave_idl import authority, spec as capspec, specbin
    return authority, capspec, specbin


class Dump:
    """Collects the dump from serial lines."""

    def __init__(self):
        self.caps = {}  # holder -> {slot: (type, rights, badge, object)}
        self.state = "before"  # before, inside, done
        self.gic = None  # the GIC version the loader says the boot runs

    def feed(self, line):
        line = line.strip()
        if line.startswith(BEGIN):
            self.state = "inside"
            match = re.search(r"\bgic=(\d+)", line)
            self.gic = int(match.group(1)) if match else None
        elif line.startswith(END) and self.state == "inside":
            self.state = "done"
        elif self.state == "inside":
            match = CAP_RE.match(line)
            if match:
                holder, slot, type_, rights, badge, obj = match.groups()
                self.caps.setdefault(holder, {})[int(slot)] = (
                    int(type_), int(rights), int(badge), obj)

    @property
    def done(self):
        return self.state == "done"


def expected(spec, gic=None):
    """{holder: {slot: (type, rights, badge, object)}} of a Specification's components
    and guests, in the dump's terms (without what is made only on another GIC)."""
    _, _, specbin = idl()
    types, bits = specbin.abi_numbers()
    objects = {o.name: o for o in spec.objects}
    table = {}
    for holder in spec.holders:
        if holder.kind == "loader":
            continue
        table[holder.name] = {
            c.slot: (types[objects[c.object].type], sum(1 << bits[r] for r in c.rights),
                     c.badge or 0, c.object)
            for c in holder.caps
            if objects[c.object].gic is None or objects[c.object].gic == gic}
    return table


def compare(observed, spec, gic=None):
    """Differences between the dump and the specification, as lines (none: equal)."""
    want = expected(spec, gic)
    problems = []
    for holder in sorted(set(want) | set(observed)):
        got, need = observed.get(holder, {}), want.get(holder, {})
        if holder not in observed:
            problems.append(f"{holder}: not in the dump")
            continue
        if holder not in want:
            problems.append(f"{holder}: in the dump, not in the specification")
            continue
        for slot in sorted(set(got) | set(need)):
            if got.get(slot) != need.get(slot):
                problems.append(f"{holder} slot {slot}: specification {need.get(slot)}, "
                                f"kernel {got.get(slot)}")
    return problems


def observed_authority(observed, spec):
    """The authority report of the dumped capabilities alone: a copy of the
    specification whose holders hold exactly what was dumped, with no mappings beyond
    their frame capabilities and nothing left with the loader."""
    authority, capspec, _ = idl()
    seen = deepcopy(spec)
    names = {v: k for k, v in specbin_types().items()}
    known = {o.name for o in seen.objects}
    for holder in seen.holders:
        holder.mappings = []
        if holder.kind == "loader":
            holder.caps = []
            continue
        holder.caps = [capspec.Cap(slot, obj, rights_names(rights), badge or None,
                                   names.get(type_, "?"))
                       for slot, (type_, rights, badge, obj) in
                       sorted(observed.get(holder.name, {}).items()) if obj in known]
    return authority.analyse(seen)


def specbin_types():
    _, _, specbin = idl()
    return specbin.abi_numbers()[0]


def rights_names(mask):
    _, _, specbin = idl()
    bits = specbin.abi_numbers()[1]
    return [name for name, bit in sorted(bits.items(), key=lambda kv: kv[1])
            if mask & (1 << bit)]


def authority_differences(observed_report, build_report):
    """Cells where the run-time report differs from the build's, for every pair of
    holders but the loader (which gives all of its authority up before it ends)."""
    names = [n for n in build_report.names if n != "(loader)"]
    return [f"{a} -> {b}: build says '{build_report.cell(a, b)}', the kernel's "
            f"capabilities give '{observed_report.cell(a, b)}'"
            for a in names for b in names
            if observed_report.cell(a, b) != build_report.cell(a, b)]
