"""Connections: both ends fit together, and every end that needs a partner has one.

Ends that do not resolve were reported by check_undefined; these checks skip them so
that one typo gives one error.
"""

# kind: (arrow, what the left end is, what the right end is)
SHAPES = {
    "rpc": ("->", "uses", "provides"),
    "notification": ("->", "emits", "consumes"),
    "shared": ("<->", "dataport", "dataport"),
    "hardware": ("->", "hardware", None),  # right: a device
}
# Ends that may take part in one connection only: a `uses` calls one server, a dataport
# is one shared region, a hardware slot holds one device.
ONCE = ("uses", "dataport", "hardware")
# Ends that mean nothing unconnected (error) or may wait for later use (warning).
MUST_CONNECT = ("uses", "consumes", "hardware")
SHOULD_CONNECT = ("provides",)
SUGGEST = {"uses": "connection rpc {end} -> SERVER.INTERFACE;",
           "consumes": "connection notification SENDER.INTERFACE -> {end};",
           "hardware": "connection hardware {end} -> DEVICE;"}


def resolve(system, end):
    """(instance, interface) of an `inst.iface` end, or None if either is unknown."""
    inst = system.instance(end.instance)
    if inst is None or inst.decl is None or end.interface is None:
        return None
    iface = inst.decl.interface(end.interface)
    return None if iface is None else (inst, iface)


def spelled(iface):
    """An interface as declared, without its name: `uses Echo`, `hardware`."""
    return iface.kind + (f" {iface.type}" if iface.type else "")


def describe(end, iface):
    return f"'{end}' ({spelled(iface)})"


def check_connection_types(spec, diags, target=None):
    for system in spec.systems:
        used = {}  # (instance, interface) -> Loc of its first connection
        for conn in system.connections:
            if conn.kind in SHAPES:
                check_connection(system, conn, used, diags)
            elif conn.kind == "console":
                check_console(system, conn, used, diags)


def check_connection(system, conn, used, diags):
    arrow, left_kind, right_kind = SHAPES[conn.kind]
    if conn.arrow != arrow:
        diags.error(conn.arrow_loc, f"a {conn.kind} connection is written with '{arrow}'")
        return
    ends = [(conn.left, left_kind), (conn.right, right_kind)]
    resolved = []
    for end, kind in ends:
        if kind is None:  # the device of a hardware connection
            if end.interface is not None:
                diags.error(end.loc, f"a hardware connection ends at a device, not '{end}'",
                            "write: connection hardware INSTANCE.SLOT -> DEVICE;")
                return
            continue
        if end.interface is None:
            if system.instance(end.instance) is not None:
                diags.error(end.loc, f"'{end}' is an instance; a {conn.kind} connection "
                            "joins interfaces", f"write {end}.INTERFACE")
            return
        found = resolve(system, end)
        if found is None:
            return
        inst, iface = found
        if iface.kind != kind:
            opposite = right_kind if end is conn.left else left_kind
            swap = "swap the two ends" if iface.kind == opposite else None
            shape = (f"go from '{left_kind}' to '{right_kind}'" if right_kind
                     else f"go from '{left_kind}' to a device")
            if left_kind == right_kind:
                shape = f"join '{left_kind}' to '{right_kind}'"
            diags.error(end.iface_loc, f"{conn.kind} connections {shape}; "
                        f"'{end}' is '{spelled(iface)}'", swap)
            return
        resolved.append((end, inst, iface))
    if conn.kind == "hardware" or len(resolved) < 2:
        once(resolved, used, diags)
        return
    (lend, _, left), (rend, _, right) = resolved
    if lend.instance == rend.instance and left is right:
        diags.error(rend.loc, f"a connection from '{lend}' to itself")
        return
    noun = {"rpc": "procedure", "notification": "event type", "shared": "dataport type"}
    if left.type != right.type:
        diags.error(conn.loc, f"{conn.kind} connection joins {describe(lend, left)} and "
                    f"{describe(rend, right)}: the {noun[conn.kind]}s differ",
                    f"both ends need the same {noun[conn.kind]}")
        return
    if conn.kind == "shared" and left.size != right.size:
        diags.error(conn.loc, f"shared connection joins dataports of {left.size} and "
                    f"{right.size} bytes ('{lend}', '{rend}')",
                    "give both dataports the same size")
        return
    once(resolved, used, diags)


def once(resolved, used, diags):
    for end, inst, iface in resolved:
        if iface.kind not in ONCE:
            continue
        key = (inst.name, iface.name)
        if key in used:
            diags.error(end.loc, f"{describe(end, iface)} is already connected",
                        f"its connection is at {used[key]}")
        else:
            used[key] = end.loc


def check_unconnected(spec, diags, target=None):
    for system in spec.systems:
        connected = set()
        for conn in system.connections:
            for end in (conn.left, conn.right):
                connected.add((end.instance, end.interface))
            server = system.instance(conn.right.instance)
            if conn.kind == "console" and server is not None and server.decl is not None:
                # A guest's console uses the server's Console procedure and input event.
                for iface in console_server_ends(server.decl):
                    if iface is not None:
                        connected.add((server.name, iface.name))
        for inst in system.instances:
            if inst.decl is None:
                continue
            for iface in inst.decl.interfaces:
                if (inst.name, iface.name) in connected:
                    continue
                end = f"{inst.name}.{iface.name}"
                label = f"'{end}' ({spelled(iface)})"
                if iface.kind in MUST_CONNECT:
                    diags.error(inst.loc, f"{label} is not connected",
                                "add: " + SUGGEST[iface.kind].format(end=end))
                elif iface.kind in SHOULD_CONNECT:
                    diags.warning(inst.loc, f"{label} is not connected; nothing calls it")


# A guest's console: its VMM's PL011 is a client of the console server
# (servers/console/console.cleave), whose `Console` procedure it calls and whose input
# event it hears. `connection console GUEST -> SERVER;` (docs/system-language.md).
CONSOLE_PROCEDURE = "Console"


def console_server_ends(decl):
    """(the provides Console interface, the emits interface) of a console server's
    component, either None when it has none."""
    provides = next((i for i in decl.interfaces
                     if i.kind == "provides" and i.type == CONSOLE_PROCEDURE), None)
    emits = next((i for i in decl.interfaces if i.kind == "emits"), None)
    return provides, emits


def check_console(system, conn, used, diags):
    if conn.arrow != "->":
        diags.error(conn.arrow_loc, "a console connection is written with '->'")
        return
    for end in (conn.left, conn.right):
        if end.interface is not None:
            if resolve(system, end) is None:
                return  # check_undefined said so
            diags.error(end.iface_loc, f"a console connection joins a guest to the console "
                        f"server, not '{end}'", "write: connection console GUEST -> SERVER;")
            return
    guest, server = system.instance(conn.left.instance), system.instance(conn.right.instance)
    if guest is None or server is None or guest.decl is None or server.decl is None:
        return  # check_undefined said so
    if guest.kind != "guest":
        diags.error(conn.left.loc, f"a console connection starts at a guest; "
                    f"'{guest.name}' is a component",
                    "a component uses the Console procedure with connection rpc")
        return
    if server.kind != "component":
        diags.error(conn.right.loc, f"a console connection ends at the console server; "
                    f"'{server.name}' is a guest")
        return
    provides, emits = console_server_ends(server.decl)
    if provides is None or emits is None:
        diags.error(conn.right.loc, f"'{server.name}' is not a console server: component "
                    f"{server.type} has no 'provides {CONSOLE_PROCEDURE}' or no 'emits'",
                    'import "servers/console/console.cleave" and connect to its '
                    "ConsoleServer")
        return
    key = (guest.name, "(console)")
    if key in used:
        diags.error(conn.left.loc, f"guest '{guest.name}' already has a console",
                    f"its connection is at {used[key]}")
        return
    used[key] = conn.left.loc
