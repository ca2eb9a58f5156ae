"""The lark tree of one file -> model objects, checking what the grammar leaves loose:
which settings a block takes and of what kind, units, type shapes, connection kinds.

Cross-references (does that procedure exist? is that end connected?) are the checks'
business (checks/); this module only looks at one construct at a time.
"""

import re
from dataclasses import dataclass, field

from .diag import Loc, did_you_mean
from .model import (DEFAULT_DATAPORT, Assertion, Component, Connection, Device, End, Guest,
                    Instance, Interface, Method, Param, Procedure, Schedule, Setting, System,
                    TypeRef, Window)

SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
TIME_UNITS = {"us": 1, "ms": 1000, "s": 1000_000}
NUMBER_RE = re.compile(r"(0x[0-9a-fA-F]+|[0-9]+)([A-Za-z]*)$")

# What each block's settings take: "int" (a plain number), "size" (K/M/G), "string",
# "list" (`{ a; b; }`), or a tuple of the names allowed.
SETTINGS = {
    "component": {"priority": "int", "cpu": "int", "partition": "int", "heap": "size",
                  "stack": "size", "source": "string", "program": "string",
                  "untyped": "size", "authority": "list"},
    "guest": {"kernel": "string", "initrd": "string", "cmdline": "string", "memory": "size",
              "vcpus": "int", "devices": "list", "coherence": ("dc", "clean"),
              "partition": "int", "priority": "int", "on_reset": ("restart", "stop"),
              "on_crash": ("stop", "restart"), "restart_limit": "int",
              "smc": ("refuse", "emulate")},
    "device": {"path": "string", "compatible": "string", "irq": "int"},
}
# Interfaces each block may declare: a guest reaches the system through its VMM, which
# can map a dataport and turn events into virtual interrupts, but serves no procedures.
INTERFACES = {
    "component": ("provides", "uses", "emits", "consumes", "dataport", "hardware"),
    "guest": ("emits", "consumes", "dataport"),
    "device": (),
}
CONNECTION_KINDS = ("rpc", "notification", "shared", "hardware", "console")
ASSERTION_KINDS = ("no_path",)
KINDS_OF_VALUE = {"NUMBER": "a number", "STRING": "a string", "NAME": "a name",
                  "list": "a list"}
WANTED = {"int": "a number", "size": "a size", "string": "a string", "list": "a list "
          "like '{ a; b; }'"}


@dataclass
class FileDecls:
    """What one file declares, before it joins the Spec."""

    imports: list = field(default_factory=list)  # (relative path, Loc)
    items: list = field(default_factory=list)

    def add_to(self, spec):
        tables = {Procedure: spec.procedures, Component: spec.components,
                  Guest: spec.guests, Device: spec.devices, System: spec.systems}
        for item in self.items:
            tables[type(item)].append(item)


def build_file(tree, shown, diags):
    return Builder(shown, diags).file(tree)


class Builder:
    def __init__(self, shown, diags):
        self.shown = shown
        self.diags = diags

    def loc(self, token):
        return Loc(self.shown, token.line, token.column)

    def file(self, tree):
        decls = FileDecls()
        for node in tree.children:
            if node.data == "import_decl":
                decls.imports.append((unquote(node.children[0]), self.loc(node.children[0])))
            else:
                decls.items.append(getattr(self, node.data)(node))
        return decls

    # --- numbers ----------------------------------------------------------------------
    def number(self, token, units, what):
        """The value of NUMBER `token` in base units; `units` maps suffix -> factor."""
        match = NUMBER_RE.match(str(token))
        digits, unit = match.group(1), match.group(2)
        value = int(digits, 0) if digits.startswith("0x") else int(digits)
        if unit not in units:
            if units is PLAIN:
                self.diags.error(self.loc(token), f"{what} takes a plain number, not '{token}'")
            elif units is TIME_UNITS and unit == "":
                self.diags.error(self.loc(token), f"{what} needs a unit: '{token}ms'?",
                                 "times take us, ms or s")
            else:
                names = "K, M or G" if units is SIZE_UNITS else "us, ms or s"
                self.diags.error(self.loc(token), f"unknown unit '{unit}' in '{token}'",
                                 f"{what} takes {names}")
            return None
        return value * units[unit]

    # --- procedures -------------------------------------------------------------------
    def procedure(self, node):
        name, *methods = node.children
        return Procedure(str(name), self.loc(name), [self.method(m) for m in methods])

    def method(self, node):
        returns, name, *params = node.children
        result = Method(str(name), self.loc(name), self.type(returns, void_ok=True), [])
        for param in filter(None, params):
            direction, ptype, pname = param.children
            result.params.append(Param(str(direction.children[0]), self.type(ptype),
                                       str(pname), self.loc(pname)))
        return result

    def type(self, node, void_ok=False):
        name, length, array = node.children
        ref = TypeRef(str(name), self.loc(name))
        if name == "void" and not void_ok:
            self.diags.error(ref.loc, "'void' is only a return type",
                             "a parameter needs a type such as int")
        if length is not None:
            ref.max_length = self.number(length, PLAIN, "a string's maximum length")
            if name != "string":
                self.diags.error(self.loc(length), f"only string takes a maximum length, "
                                 f"not {name}")
        elif name == "string":
            self.diags.error(ref.loc, "string needs a maximum length",
                             "write string<N>, for example string<64>")
        if array is not None:
            ref.array = self.number(array, PLAIN, "an array's length")
            if ref.array == 0:
                self.diags.error(self.loc(array), "an array needs at least one element")
        return ref

    # --- components, guests, devices ------------------------------------------------------
    def component(self, node):
        return self.declared(node, Component("", None), "component")

    def guest(self, node):
        return self.declared(node, Guest("", None), "guest")

    def device(self, node):
        return self.declared(node, Device("", None), "device")

    def declared(self, node, decl, block):
        name, *items = node.children
        decl.name, decl.loc = str(name), self.loc(name)
        for item in items:
            if item.data in ("interface", "hardware"):
                self.interface(item, decl, block)
            else:
                self.setting(item, decl, block)
        return decl

    def interface(self, node, decl, block):
        if node.data == "hardware":
            name = node.children[0]
            iface = Interface("hardware", None, str(name), self.loc(name))
            kind_loc = Loc(self.shown, node.meta.line, node.meta.column)
        else:
            kind_tree, type_name, name, size = node.children
            kind_token = kind_tree.children[0]
            kind_loc = self.loc(kind_token)
            iface = Interface(str(kind_token), str(type_name), str(name), self.loc(name),
                              self.loc(type_name))
            if size is not None:
                iface.size_loc = self.loc(size)
                iface.size = self.number(size, SIZE_UNITS, "a dataport")
                if iface.kind != "dataport":
                    self.diags.error(iface.size_loc, f"only a dataport takes a size, "
                                     f"not '{iface.kind}'")
            elif iface.kind == "dataport":
                iface.size = DEFAULT_DATAPORT
        allowed = INTERFACES[block]
        if iface.kind not in allowed:
            hint = (f"a {block} takes {', '.join(allowed)}" if allowed
                    else "a device is bound to a component with 'connection hardware'")
            self.diags.error(kind_loc, f"a {block} cannot have '{iface.kind}' interfaces",
                             hint)
            return
        decl.interfaces.append(iface)

    def setting(self, node, decl, block):
        name, *values = node.children
        loc = self.loc(name)
        schema = SETTINGS[block]
        if node.data == "list_setting":
            value, kind, value_loc = [(str(v), self.loc(v)) for v in values], "list", loc
        else:
            value, kind, value_loc = values[0], values[0].type, self.loc(values[0])
        decl.settings.append(Setting(str(name), value, loc, value_loc))
        want = schema.get(str(name))
        if want is None:
            hint = did_you_mean(str(name), schema, f"a {block} takes")
            self.diags.error(loc, f"unknown setting '{name}' in a {block}", hint)
            return
        if any(s.name == name for s in decl.settings[:-1]):
            return  # the duplicate check reports it; the first one counts
        converted = self.convert(str(name), want, value, kind, value_loc)
        if converted is not None:
            setattr(decl, str(name), converted)

    def convert(self, name, want, value, kind, loc):
        if isinstance(want, tuple):
            if kind == "NAME" and str(value) in want:
                return str(value)
            self.diags.error(loc, f"'{name}' is {' or '.join(want)}, not '{short(value)}'")
            return None
        expected = {"int": "NUMBER", "size": "NUMBER", "string": "STRING", "list": "list"}
        if kind != expected[want]:
            self.diags.error(loc, f"'{name}' takes {WANTED[want]}, not {KINDS_OF_VALUE[kind]}")
            return None
        if want == "int":
            return self.number(value, PLAIN, f"'{name}'")
        if want == "size":
            return self.number(value, SIZE_UNITS, f"'{name}'")
        if want == "string":
            return unquote(value)
        return value

    # --- the system -------------------------------------------------------------------
    def system(self, node):
        name, *items = node.children
        system = System(str(name), self.loc(name))
        for item in items:
            if item.data == "instance":
                kind, type_name, inst = item.children
                system.instances.append(Instance(str(kind.children[0]), str(type_name),
                                                 str(inst), self.loc(inst),
                                                 self.loc(type_name)))
            elif item.data == "connection":
                system.connections.append(self.connection(item))
            elif item.data == "schedule":
                system.schedules.append(self.schedule(item))
            else:
                system.assertions.append(self.assertion(item))
        return system

    def connection(self, node):
        kind_tree, left, arrow, right = node.children
        kind = kind_tree.children[0]
        if kind not in CONNECTION_KINDS:
            self.diags.error(self.loc(kind), f"unknown connection kind '{kind}'",
                             did_you_mean(str(kind), CONNECTION_KINDS, "connections are"))
        return Connection(str(kind), self.end(left), str(arrow), self.end(right),
                          self.loc(kind), self.loc(arrow))

    def end(self, node):
        inst, iface = node.children
        return End(str(inst), None if iface is None else str(iface), self.loc(inst),
                   None if iface is None else self.loc(iface))

    def schedule(self, node):
        schedule = Schedule(Loc(self.shown, node.meta.line, node.meta.column))
        for item in node.children:
            if item.data == "frame":
                token = item.children[0]
                value = self.number(token, TIME_UNITS, "a major frame")
                schedule.frames.append((value, self.loc(token)))
                if schedule.frame_us is None:
                    schedule.frame_us = value
            else:
                part, length = item.children
                loc = Loc(self.shown, item.meta.line, item.meta.column)
                schedule.windows.append(Window(
                    self.number(part, PLAIN, "a window's partition"),
                    self.number(length, TIME_UNITS, "a window's length"),
                    loc, self.loc(part), self.loc(length)))
        return schedule

    def assertion(self, node):
        kind, *args = node.children
        if kind not in ASSERTION_KINDS:
            self.diags.error(self.loc(kind), f"unknown assertion '{kind}'",
                             did_you_mean(str(kind), ASSERTION_KINDS, "assertions are"))
        return Assertion(str(kind), [(str(a), self.loc(a)) for a in args if a is not None],
                         self.loc(kind))


PLAIN = {"": 1}


def unquote(token):
    r"""A STRING token's text: the quotes gone, \" and \\ undone."""
    return re.sub(r"\\(.)", r"\1", str(token)[1:-1])


def short(value):
    text = str(value)
    return text if len(text) <= 20 else text[:17] + "..."

