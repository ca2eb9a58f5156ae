"""Names: one system, no name declared twice in a scope, every name used is declared.

check_undefined also links each Instance to its declaration (`instance.decl`), which
the later checks and the generator rely on.
"""

from ..diag import Loc, did_you_mean

BASE_TYPES = ("int", "uint", "int64", "uint64", "bool", "char", "string")
BUILTIN_GUEST_DEVICES = ("console",)  # the VMM's virtual UART


def check_system_count(spec, diags, target=None):
    if not spec.systems:
        diags.error(Loc(spec.root, 1, 1), "the description declares no system",
                    "add one: system Name { component Type name; ... }")
    for extra in spec.systems[1:]:
        first = spec.systems[0]
        diags.error(extra.loc, f"a second system '{extra.name}'; a description has one",
                    f"the first is '{first.name}' at {first.loc}")


def check_duplicates(spec, diags, target=None):
    """Per scope: top-level declarations (all files), a procedure's methods, a method's
    parameters, a block's interfaces and settings, a system's instances, a guest's
    devices, a system's schedules and a schedule's frames."""
    seen = {}
    kinds = {"Procedure": "a procedure", "Component": "a component", "Guest": "a guest",
             "Device": "a device", "System": "a system"}
    for decl in spec.declarations():
        first = seen.setdefault(decl.name, decl)
        if first is not decl:
            diags.error(decl.loc, f"'{decl.name}' is already declared",
                        f"{kinds[type(first).__name__]} of that name is at {first.loc}")
    for proc in spec.procedures:
        unique(diags, [(m.name, m.loc) for m in proc.methods], f"procedure '{proc.name}'",
               "method")
        for method in proc.methods:
            unique(diags, [(p.name, p.loc) for p in method.params],
                   f"method '{method.name}'", "parameter")
    for decl in spec.components + spec.guests + spec.devices:
        unique(diags, [(i.name, i.loc) for i in getattr(decl, "interfaces", ())],
               f"'{decl.name}'", "interface")
        unique(diags, [(s.name, s.loc) for s in decl.settings], f"'{decl.name}'", "setting",
               "the first one counts; remove the other")
    for guest in spec.guests:
        unique(diags, guest.devices, f"guest '{guest.name}'", "device")
    for system in spec.systems:
        unique(diags, [(i.name, i.loc) for i in system.instances], f"system '{system.name}'",
               "instance")
        for extra in system.schedules[1:]:
            diags.error(extra.loc, f"a second schedule in system '{system.name}'",
                        "put every window in one schedule")
        for schedule in system.schedules:
            for _, loc in schedule.frames[1:]:
                diags.error(loc, "a second frame in the schedule",
                            f"the first is at {schedule.frames[0][1]}")


def unique(diags, named, scope, what, hint=None):
    first = {}
    for name, loc in named:
        if name in first:
            diags.error(loc, f"{what} '{name}' appears twice in {scope}",
                        hint or f"the first is at {first[name]}")
        else:
            first[name] = loc


def check_undefined(spec, diags, target=None):
    procedures = {p.name for p in spec.procedures}
    for proc in spec.procedures:
        for method in proc.methods:
            check_type(diags, method.returns, void_ok=True)
            for param in method.params:
                check_type(diags, param.type)
    for comp in spec.components:
        for iface in comp.interfaces:
            if iface.kind in ("provides", "uses") and iface.type not in procedures:
                diags.error(iface.type_loc, f"procedure '{iface.type}' is not declared",
                            did_you_mean(iface.type, procedures, "procedures"))
    devices = {d.name for d in spec.devices}
    for guest in spec.guests:
        for name, loc in guest.devices:
            if name not in devices and name not in BUILTIN_GUEST_DEVICES:
                diags.error(loc, f"device '{name}' is not declared",
                            did_you_mean(name, devices | set(BUILTIN_GUEST_DEVICES),
                                         "devices (console is the VMM's own)"))
    for system in spec.systems:
        check_system_names(spec, system, diags)


def check_type(diags, ref, void_ok=False):
    known = BASE_TYPES + (("void",) if void_ok else ())
    if ref.name not in known:
        diags.error(ref.loc, f"unknown type '{ref.name}'",
                    did_you_mean(ref.name, known, "types are"))


def check_system_names(spec, system, diags):
    for inst in system.instances:
        table = spec.components if inst.kind == "component" else spec.guests
        inst.decl = next((d for d in table if d.name == inst.type), None)
        if inst.decl is None:
            other = spec.guests if inst.kind == "component" else spec.components
            if any(d.name == inst.type for d in other):
                other_kind = "guest" if inst.kind == "component" else "component"
                diags.error(inst.type_loc, f"'{inst.type}' is a {other_kind}, not a "
                            f"{inst.kind}", f"write: {other_kind} {inst.type} {inst.name};")
            else:
                diags.error(inst.type_loc, f"{inst.kind} '{inst.type}' is not declared",
                            did_you_mean(inst.type, [d.name for d in table],
                                         f"{inst.kind}s"))
    names = [i.name for i in system.instances]
    devices = [d.name for d in spec.devices]
    for conn in system.connections:
        for end in (conn.left, conn.right):
            if conn.kind == "hardware" and end is conn.right:
                # A device; a dotted end here is the connection check's to report.
                if end.interface is None and end.instance not in devices:
                    diags.error(end.loc, f"device '{end.instance}' is not declared",
                                did_you_mean(end.instance, devices, "devices"))
                continue
            check_end(system, end, names, diags)
    for assertion in system.assertions:
        for name, loc in assertion.args:
            if system.instance(name) is None:
                diags.error(loc, f"no instance '{name}' in system '{system.name}'",
                            did_you_mean(name, names, "instances"))


def check_end(system, end, names, diags):
    inst = system.instance(end.instance)
    if inst is None:
        diags.error(end.loc, f"no instance '{end.instance}' in system '{system.name}'",
                    did_you_mean(end.instance, names, "instances"))
        return
    if inst.decl is None or end.interface is None:
        return  # reported above, or the connection check says an interface is needed
    if inst.decl.interface(end.interface) is None:
        ifaces = [i.name for i in inst.decl.interfaces]
        diags.error(end.iface_loc, f"{inst.kind} '{inst.type}' has no interface "
                    f"'{end.interface}'", did_you_mean(end.interface, ifaces, "it has"))
