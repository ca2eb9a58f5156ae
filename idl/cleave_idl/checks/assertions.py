"""Authority assertions: `assert no_path(a, b);` holds when no chain of connections
joins a and b. Every connection counts both ways: a call carries data in its reply, a
shared dataport both ways, and even a one-way event leaks timing back."""

from collections import deque

ARITY = {"no_path": 2}


def graph(system):
    """Instance -> {neighbour: the first connection joining them}. Hardware
    connections join an instance to a device only (a device has one owner)."""
    edges = {i.name: {} for i in system.instances}
    for conn in system.connections:
        if conn.kind == "hardware":
            continue
        a, b = conn.left.instance, conn.right.instance
        if a in edges and b in edges and a != b:
            edges[a].setdefault(b, conn)
            edges[b].setdefault(a, conn)
    return edges


def path_between(system, start, goal):
    """The instances on a shortest path from start to goal, or None."""
    edges = graph(system)
    before = {start: None}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if here == goal:
            path = []
            while here is not None:
                path.append(here)
                here = before[here]
            return path[::-1]
        for there in edges.get(here, {}):
            if there not in before:
                before[there] = here
                queue.append(there)
    return None


def check_assertions(spec, diags, target=None):
    for system in spec.systems:
        for assertion in system.assertions:
            arity = ARITY.get(assertion.kind)
            if arity is None:
                continue  # the builder reported the unknown name
            if len(assertion.args) != arity:
                diags.error(assertion.loc, f"{assertion.kind} takes {arity} instances, not "
                            f"{len(assertion.args)}")
                continue
            (a, a_loc), (b, b_loc) = assertion.args
            if system.instance(a) is None or system.instance(b) is None:
                continue
            if a == b:
                diags.error(b_loc, f"no_path({a}, {b}) names one instance twice")
                continue
            path = path_between(system, a, b)
            if path is not None:
                edges = graph(system)
                steps = [f"{x} -{edges[x][y].kind}- {y}" for x, y in zip(path, path[1:])]
                diags.error(assertion.loc, f"no_path({a}, {b}) does not hold",
                            "connected through " + ", ".join(steps))
