"""What the system takes from the platform: memory, devices (each with one owner),
interrupts, CPUs. The checks that need the platform skip when `target` is None, so the
language can be checked on its own (tests, editors)."""

from ..diag import did_you_mean
from .connections import resolve

PAGE = 4096
MIB = 1 << 20


def instance_memory(inst):
    """Bytes one instance needs: a component's heap, stack and dataports; a guest's RAM
    and dataports. (Images and kernel objects come with the generator.)"""
    decl = inst.decl
    ports = sum(i.size or 0 for i in decl.interfaces if i.kind == "dataport")
    if inst.kind == "guest":
        return decl.memory + ports
    return decl.heap + decl.stack + ports + (decl.untyped or 0)


GRANTS = ("irq_control", "sched_control", "console_input")


def check_grants(spec, diags, target=None):
    """`authority { ... }` names only what the kernel has once and the loader can pass
    on; `program` and `source` exclude each other; `untyped` is at least a page."""
    for decl in spec.components:
        for name, loc in decl.authority:
            if name not in GRANTS:
                diags.error(loc, f"'{name}' is not an authority a component can be given",
                            f"a component can be given {', '.join(GRANTS)}")
    for system in spec.systems:
        # The console's input has one reader: the UART's interrupt line has one owner.
        readers = [i for i in system.instances if i.kind == "component" and i.decl is not None
                   and "console_input" in [g for g, _ in i.decl.authority]]
        for inst in readers[1:]:
            diags.error(inst.loc, f"'{inst.name}' is given console_input, which "
                        f"'{readers[0].name}' has already", "one component reads the console")
    for decl in spec.components:
        if decl.program and decl.source:
            diags.error(decl.setting_loc("program"), f"component {decl.name} has both "
                        "'program' and 'source'", "a prebuilt program or a C file, not both")
        if decl.untyped and decl.untyped < 4096:
            diags.error(decl.setting_loc("untyped"), f"'untyped {decl.untyped}' is less "
                        "than a page", "give at least 4K")


def system_memory(system):
    """Total bytes; a shared connection's two dataports are one region, counted once."""
    total = sum(instance_memory(i) for i in system.instances if i.decl is not None)
    for conn in system.connections:
        if conn.kind == "shared" and conn.arrow == "<->":
            found = resolve(system, conn.right)
            if found and found[1].kind == "dataport" and resolve(system, conn.left):
                total -= found[1].size or 0
    return total


def size_text(size):
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift:
            value = size / (1 << shift)
            return f"{value:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"


def check_memory(spec, diags, target=None):
    if target is None:
        return
    for system in spec.systems:
        total = system_memory(system)
        if total > target.ram_size:
            biggest = sorted(((instance_memory(i), i.name) for i in system.instances
                              if i.decl is not None), reverse=True)[:3]
            listed = ", ".join(f"{name} {size_text(size)}" for size, name in biggest)
            diags.error(system.loc, f"system '{system.name}' needs {size_text(total)} of "
                        f"memory; {target.name} has {size_text(target.ram_size)}",
                        f"the largest: {listed}")


def check_dataport_sizes(spec, diags, target=None):
    """Dataports are mapped in whole 4 KiB pages, shared page for page."""
    for decl in spec.components + spec.guests:
        for iface in decl.interfaces:
            if iface.kind != "dataport" or iface.size is None:
                continue
            if iface.size == 0 or iface.size % PAGE:
                diags.error(iface.size_loc or iface.loc, f"dataport '{iface.name}' is "
                            f"{iface.size} bytes; a dataport is a whole number of 4K pages",
                            "for example (4K) or (8192)")


def check_devices_exist(spec, diags, target=None):
    """Bind each device to a node of the platform's device tree (sets `device.node`)."""
    for device in spec.devices:
        if device.path is None and device.compatible is None:
            diags.error(device.loc, f"device '{device.name}' needs a path or a compatible",
                        'for example: path "/pl031@9010000"; or compatible "arm,pl031";')
            continue
        if target is None or target.nodes is None:
            continue
        node = bind(device, target, diags)
        if node is None:
            continue
        owner = target.kernel_device_at(node)
        if owner is not None:
            diags.error(device.loc, f"device '{device.name}' ({node.path}) is the kernel's "
                        f"own {owner}", "the kernel keeps it; pick another device")
            continue
        device.node = node


def bind(device, target, diags):
    if device.path is not None:
        node = target.node_at(device.path)
        loc = device.setting_loc("path")
        if node is None:
            diags.error(loc, f"{target.name} has no device at '{device.path}'",
                        did_you_mean(device.path, [n.path for n in target.nodes]))
            return None
        if device.compatible is not None and device.compatible not in node.compatible:
            diags.error(device.setting_loc("compatible"), f"{node.path} is not compatible "
                        f"with '{device.compatible}'", f"it is {', '.join(node.compatible)}")
            return None
        return node
    nodes = target.compatible_with(device.compatible)
    loc = device.setting_loc("compatible")
    if not nodes:
        every = {c for n in target.nodes for c in n.compatible}
        diags.error(loc, f"{target.name} has no device compatible with "
                    f"'{device.compatible}'", did_you_mean(device.compatible, every))
        return None
    if len(nodes) > 1:
        paths = ", ".join(n.path for n in nodes[:3]) + (", ..." if len(nodes) > 3 else "")
        diags.error(loc, f"'{device.compatible}' matches {len(nodes)} devices on "
                    f"{target.name}", f"name one by path: {paths}")
        return None
    return nodes[0]


def owners(spec, system):
    """(instance name, device, Loc) for every claim on a device, in source order: a
    hardware connection's component, a guest's `devices` list."""
    devices = {d.name: d for d in spec.devices}
    claims = []
    for inst in system.instances:
        if inst.kind == "guest" and inst.decl is not None:
            for name, loc in inst.decl.devices:
                if name in devices:
                    claims.append((inst.name, devices[name], inst.loc))
    for conn in system.connections:
        if conn.kind == "hardware" and conn.right.instance in devices:
            claims.append((conn.left.instance, devices[conn.right.instance], conn.right.loc))
    return sorted(claims, key=lambda claim: (claim[2].line, claim[2].col))


def check_device_owners(spec, diags, target=None):
    """A device, and an interrupt, belongs to one instance."""
    for system in spec.systems:
        by_device, by_node, by_irq = {}, {}, {}
        for owner, device, loc in owners(spec, system):
            first = by_device.setdefault(device.name, (owner, loc))
            if first[0] != owner:
                diags.error(loc, f"device '{device.name}' already belongs to '{first[0]}'",
                            f"claimed at {first[1]}; a device has one owner")
                continue
            if device.node is not None:
                first = by_node.setdefault(device.node.path, (owner, device.name))
                if first[0] != owner:
                    diags.error(loc, f"device '{device.name}' is {device.node.path}, which "
                                f"'{first[0]}' owns as '{first[1]}'")
                    continue
            for irq in device.irqs():
                first = by_irq.setdefault(irq, (owner, device.name))
                if first[0] != owner:
                    diags.error(loc, f"interrupt {irq} of device '{device.name}' already "
                                f"belongs to '{first[0]}' (device '{first[1]}')",
                                "an interrupt has one owner")
                    break


# The most restarts a guest's VMM makes (CL_VMM_RESTART_LIMIT_MAX in vmm_info.h).
RESTART_LIMIT_MAX = 1000


def check_restarts(spec, diags, target=None):
    """A guest's restart_limit fits its VMM's info page; a limit with nothing that
    restarts is a mistake the description should not hide."""
    for guest in spec.guests:
        if not 0 <= guest.restart_limit <= RESTART_LIMIT_MAX:
            diags.error(guest.setting_loc("restart_limit"), f"restart_limit "
                        f"{guest.restart_limit} is outside 0..{RESTART_LIMIT_MAX}")
        elif any(s.name == "restart_limit" for s in guest.settings) and \
                guest.on_reset == "stop" and guest.on_crash == "stop":
            diags.error(guest.setting_loc("restart_limit"), f"guest {guest.name} has a "
                        f"restart_limit but never restarts (on_reset and on_crash are "
                        f"stop)")


def check_cpus(spec, diags, target=None):
    if target is None:
        return
    for comp in spec.components:
        if not 0 <= comp.cpu < target.cpus_max:
            diags.error(comp.setting_loc("cpu"), f"cpu {comp.cpu} is outside "
                        f"{target.name}'s CPUs 0..{target.cpus_max - 1}")
    for guest in spec.guests:
        if not 1 <= guest.vcpus <= target.cpus_max:
            diags.error(guest.setting_loc("vcpus"), f"vcpus {guest.vcpus}: {target.name} "
                        f"has 1 to {target.cpus_max} CPUs")
