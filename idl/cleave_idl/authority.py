"""The authority report: who can affect whom, read from a capability specification
(spec.py) alone, never from the connections that made it.

A -> B is an edge of kind
  send     A holds a capability with write to an endpoint B holds with read;
  signal   the same for a notification;
  share    A and B both map (or hold) one frame, with write on at least one side
           (an edge both ways);
  control  A holds a capability to B's TCB/vCPU, CNode or address space (the loader).
GICv2's virtual CPU interface, which every GICv2 guest maps, is no shared memory: it is
banked per CPU and shows only the state of the vCPU running there, which the kernel
saves and restores with the vCPU (docs/objects.md, "World switch").
A path of authority is a chain of edges; `assert no_path(a, b);` holds when there is
none from a to b and none from b to a.
"""

from collections import deque
from dataclasses import dataclass, field

KINDS = ("send", "signal", "share", "control")
LETTERS = {"send": "s", "signal": "n", "share": "m", "control": "c"}
CONTROLLED = ("tcb", "vcpu", "cnode", "aspace")


@dataclass
class Report:
    names: list  # holders in the specification's order
    edges: dict = field(default_factory=dict)  # (a, b) -> set of kinds

    def kinds(self, a, b):
        return {k for k in KINDS if k in self.edges.get((a, b), ())}

    def cell(self, a, b):
        return "".join(LETTERS[k] for k in KINDS if k in self.edges.get((a, b), ())) or "."

    def successors(self, a):
        """(b, kind) in a fixed order: holders in order, the first kind of each edge."""
        for b in self.names:
            kinds = self.edges.get((a, b))
            if kinds and b != a:
                yield b, next(k for k in KINDS if k in kinds)

    def path(self, start, goal):
        """A shortest path of authority from start to goal: [(start, None), (x, kind),
        ..., (goal, kind)], or None."""
        before = {start: None}
        queue = deque([start])
        while queue:
            here = queue.popleft()
            if here == goal:
                steps = []
                while before[here] is not None:
                    prev, kind = before[here]
                    steps.append((here, kind))
                    here = prev
                return [(start, None)] + steps[::-1]
            for there, kind in self.successors(here):
                if there not in before:
                    before[there] = (here, kind)
                    queue.append(there)
        return None

    def reaches(self, a, b):
        return self.path(a, b) is not None

    def closure(self):
        """{a: the set of holders a path of authority from a reaches}."""
        return {a: {b for b in self.names if b != a and self.reaches(a, b)}
                for a in self.names}

    def table(self, indent="  "):
        """The matrix as text lines: the row can affect the column."""
        width = max(len(n) for n in self.names)
        cols = [max(len(n), max(len(self.cell(a, n)) for a in self.names))
                for n in self.names]
        lines = [indent + " " * width + "  " + " ".join(
            n.ljust(w) for n, w in zip(self.names, cols)).rstrip()]
        for a in self.names:
            lines.append(indent + a.ljust(width) + "  " + " ".join(
                self.cell(a, b).ljust(w) for b, w in zip(self.names, cols)).rstrip())
        return lines


def path_text(path):
    """`a -> c (send) -> b (share)`."""
    return " -> ".join(name if kind is None else f"{name} ({kind})" for name, kind in path)


def analyse(specification):
    """The Report of a Specification."""
    report = Report([h.name for h in specification.holders])
    objects = {o.name: o for o in specification.objects}

    def add(a, b, kind):
        if a != b:
            report.edges.setdefault((a, b), set()).add(kind)

    readers, writers, mappers = {}, {}, {}
    for holder in specification.holders:
        for cap in holder.caps:
            obj = objects[cap.object]
            if obj.type in ("endpoint", "notification"):
                if "read" in cap.rights:
                    readers.setdefault(obj.name, []).append(holder.name)
                if "write" in cap.rights:
                    writers.setdefault(obj.name, []).append(holder.name)
            elif obj.type == "frame" and obj.gic is not None:
                continue  # GICv2's GICV: banked per CPU, switched with the vCPU (spec.py)
            elif obj.type == "frame":
                mappers.setdefault(obj.name, []).append((holder.name, "write" in cap.rights))
            elif obj.type in CONTROLLED and obj.owner is not None:
                add(holder.name, obj.owner, "control")
        for mapping in holder.mappings:
            if objects[mapping.object].gic is not None:
                continue
            mappers.setdefault(mapping.object, []).append(
                (holder.name, "write" in mapping.rights))
    for name, senders in writers.items():
        kind = "send" if objects[name].type == "endpoint" else "signal"
        for a in senders:
            for b in readers.get(name, ()):
                add(a, b, kind)
    for ends in mappers.values():
        for a, a_writes in ends:
            for b, b_writes in ends:
                if a_writes or b_writes:
                    add(a, b, "share")
    return report


def check_assertions(system, report, diags):
    """Check each `assert no_path(a, b);` of `system` (a model.System) against the
    report's paths of authority, both ways; an error at the assertion names the path.
    Assertions the checks already found malformed are skipped."""
    for assertion in system.assertions:
        if assertion.kind != "no_path" or len(assertion.args) != 2:
            continue
        (a, _), (b, _) = assertion.args
        if a == b or a not in report.names or b not in report.names:
            continue
        path = report.path(a, b) or report.path(b, a)
        if path is not None:
            diags.error(assertion.loc, f"no_path({a}, {b}) does not hold in the "
                        f"capability specification: {path_text(path)}")
