"""The in-memory model of a system description: what the parser builds, the checks
read and the generator (next step) turns into an image.

Every node keeps the `Loc` of its name (and of each setting) so that any later stage
can still point at the source. Sizes are bytes, times are microseconds; defaults are
filled in by the builder, so the generator never needs to know the language's defaults.
"""

from dataclasses import dataclass, field

from .diag import Loc

# Defaults of settings a declaration leaves out (docs/system-language.md lists them).
DEFAULT_PRIORITY = 100
DEFAULT_HEAP = 64 * 1024
DEFAULT_STACK = 16 * 1024
DEFAULT_DATAPORT = 4096
DEFAULT_GUEST_MEMORY = 64 * 1024 * 1024


@dataclass
class TypeRef:
    """`int`, `string<64>`, `uint[16]`: a base name, a string's max length, an array's."""

    name: str
    loc: Loc
    max_length: int = None  # string<N>
    array: int = None  # T[N]

    def __str__(self):
        text = self.name
        if self.max_length is not None:
            text += f"<{self.max_length}>"
        if self.array is not None:
            text += f"[{self.array}]"
        return text


@dataclass
class Param:
    direction: str  # in, out, inout
    type: TypeRef
    name: str
    loc: Loc


@dataclass
class Method:
    name: str
    loc: Loc
    returns: TypeRef  # name "void" for none
    params: list


@dataclass
class Procedure:
    name: str
    loc: Loc
    methods: list


@dataclass
class Interface:
    """One end a component or guest offers: provides/uses a procedure, emits/consumes
    an event, a dataport, or a hardware slot for a device."""

    kind: str  # provides, uses, emits, consumes, dataport, hardware
    type: str  # the procedure, event or dataport type; None for hardware
    name: str
    loc: Loc  # of the name
    type_loc: Loc = None
    size: int = None  # dataports only, bytes
    size_loc: Loc = None


@dataclass
class Setting:
    """`name value;` or `name { a; b; }` as written; the builder also stores the value
    in the declaration's own field."""

    name: str
    value: object
    loc: Loc  # of the name
    value_loc: Loc


@dataclass
class Declared:
    """What components, guests and devices share: a name, settings, a file."""

    name: str
    loc: Loc
    settings: list = field(default_factory=list)  # every Setting, duplicates included

    def setting_loc(self, name):
        """Where `name` was set (its value), or the declaration's name if it was not."""
        for setting in self.settings:
            if setting.name == name:
                return setting.value_loc
        return self.loc


@dataclass
class Component(Declared):
    interfaces: list = field(default_factory=list)
    priority: int = DEFAULT_PRIORITY
    cpu: int = 0
    partition: int = 0
    heap: int = DEFAULT_HEAP
    stack: int = DEFAULT_STACK
    source: str = None  # its C file, relative to loc.file's folder; None: <name>.c lowercased
    program: str = None  # instead of source: a program the CMake build makes (cleave_program)
    untyped: int = 0  # bytes of untyped memory it gets to make objects with
    authority: list = field(default_factory=list)  # (name, Loc): irq_control, sched_control

    def interface(self, name):
        return next((i for i in self.interfaces if i.name == name), None)


@dataclass
class Guest(Declared):
    interfaces: list = field(default_factory=list)  # emits, consumes, dataport only
    kernel: str = None  # as written; resolve against loc.file's folder
    initrd: str = None
    cmdline: str = ""
    memory: int = DEFAULT_GUEST_MEMORY
    vcpus: int = 1
    devices: list = field(default_factory=list)  # (name, Loc) pairs
    coherence: str = "dc"  # dc: HCR_EL2.DC-style cacheable; clean: VMM cleans to PoC
    on_reset: str = "restart"  # PSCI SYSTEM_RESET: restart (reload and boot) or stop
    on_crash: str = "stop"  # an exit its VMM cannot handle: stop or restart
    restart_limit: int = 3  # restarts in all before the VMM stops the guest
    smc: str = "refuse"  # an SMC from the guest: refuse (NOT_SUPPORTED) or emulate (PSCI)
    partition: int = 0
    priority: int = DEFAULT_PRIORITY

    def interface(self, name):
        return next((i for i in self.interfaces if i.name == name), None)


@dataclass
class DeviceNode:
    """A device-tree node a `device` declaration resolved to (see target.py)."""

    path: str
    compatible: tuple
    regs: tuple  # (base, size) pairs
    irqs: tuple  # GIC interrupt IDs (SPI n is 32 + n)
    irq_flags: tuple = ()  # the specifier's flags cell of each (1 edge rising, 4 level high)


LEVEL_HIGH = 4  # an interrupt specifier's level-high flags (arm,gic.yaml)


@dataclass
class Device(Declared):
    path: str = None
    compatible: str = None
    irq: int = None  # overrides the device tree's interrupts
    node: DeviceNode = None  # set by checks.platform.check_devices_exist

    def irqs(self):
        if self.irq is not None:
            return (self.irq,)
        return self.node.irqs if self.node else ()

    def irq_specs(self):
        """(interrupt ID, flags) of each interrupt: the tree's flags (trigger type, the
        low 4 bits of the specifier's third cell), level-high for an `irq` override or
        a tree that gives none."""
        if self.irq is not None or self.node is None:
            return tuple((irq, LEVEL_HIGH) for irq in self.irqs())
        flags = self.node.irq_flags or (LEVEL_HIGH,) * len(self.node.irqs)
        return tuple((irq, f & 0xF) for irq, f in zip(self.node.irqs, flags))


@dataclass
class Instance:
    kind: str  # component or guest
    type: str
    name: str
    loc: Loc  # of the name
    type_loc: Loc
    decl: object = None  # the Component or Guest, once names are resolved


@dataclass
class End:
    """`inst.iface`, or a bare name (a device, for the far end of hardware)."""

    instance: str
    interface: str  # None when bare
    loc: Loc
    iface_loc: Loc = None

    def __str__(self):
        return self.instance if self.interface is None else f"{self.instance}.{self.interface}"


@dataclass
class Connection:
    kind: str  # rpc, notification, shared, hardware
    left: End
    arrow: str  # -> or <->
    right: End
    loc: Loc  # of the kind
    arrow_loc: Loc = None


@dataclass
class Window:
    partition: int
    length_us: int
    loc: Loc
    partition_loc: Loc
    length_loc: Loc


@dataclass
class Schedule:
    loc: Loc
    windows: list = field(default_factory=list)
    frame_us: int = None  # None: the sum of the windows
    frames: list = field(default_factory=list)  # (frame_us, Loc) as written


@dataclass
class Assertion:
    kind: str
    args: list  # (name, Loc) pairs
    loc: Loc


@dataclass
class System:
    name: str
    loc: Loc
    instances: list = field(default_factory=list)
    connections: list = field(default_factory=list)
    schedules: list = field(default_factory=list)  # more than one is an error
    assertions: list = field(default_factory=list)

    def instance(self, name):
        return next((i for i in self.instances if i.name == name), None)

    @property
    def schedule(self):
        return self.schedules[0] if self.schedules else None


@dataclass
class Spec:
    """A whole description: the main file and everything it imports, in one namespace."""

    root: str  # the main file as shown
    files: list = field(default_factory=list)  # every file read, shown names
    procedures: list = field(default_factory=list)
    components: list = field(default_factory=list)
    guests: list = field(default_factory=list)
    devices: list = field(default_factory=list)
    systems: list = field(default_factory=list)
    # False when a file did not parse or an import failed: the checks would then only
    # repeat that error as a string of undefined names, so they do not run.
    complete: bool = True

    def declarations(self):
        """Every top-level declaration, in source order per file."""
        items = self.procedures + self.components + self.guests + self.devices + self.systems
        order = {name: i for i, name in enumerate(self.files)}
        return sorted(items, key=lambda d: (order.get(d.loc.file, 0), d.loc.line, d.loc.col))

    def find(self, kind, name):
        table = {"procedure": self.procedures, "component": self.components,
                 "guest": self.guests, "device": self.devices}[kind]
        return next((d for d in table if d.name == name), None)

    @property
    def system(self):
        return self.systems[0] if self.systems else None
