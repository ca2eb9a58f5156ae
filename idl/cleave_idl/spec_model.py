"""The capability specification's data (spec.py builds it): objects, capabilities,
mappings, holders and the specification itself; the fixed slots and addresses they use;
where a component's dataports and a guest's ports and events go."""

import json
from dataclasses import asdict, dataclass, field

PAGE = 4096
LARGE = 2 << 20  # a 2 MiB frame
LOADER = "(loader)"  # not an identifier, so no instance can be called this

# Rights in bit order (idl/abi.yaml `rights`).
RIGHTS = ("read", "write", "grant", "exec")
RW = ("read", "write")

# The fixed slots, the same as the root component's (kernel/include/uapi/cleave/
# bootinfo.h): a component granted irq_control or sched_control, or given untyped
# memory (and so a bootinfo page), finds them where the root would. Empty otherwise.
SLOT_CNODE, SLOT_TCB, SLOT_ASPACE, SLOT_IRQ_CONTROL, SLOT_CONSOLE = 1, 2, 3, 4, 5
SLOT_BOOTINFO, SLOT_SCHED_CONTROL = 6, 7
FIRST_CONNECTION_SLOT = 8
BOOTINFO_VADDR = 0x10000000  # CL_BOOTINFO_VADDR: a component with untyped memory
UNTYPED_CNODE_SLOTS = 4096  # such a component makes objects: a root-sized CNode
UNTYPED_FIRST_SLOT = 16  # and, as the root, has slots 8..15 empty for its own use
MIN_CNODE_SLOTS = 16
CNODE_SLOT_BITS = 6  # 64-byte slots
ASPACE_MIN_BITS, ASPACE_MAX_BITS = 13, 22
DATAPORT_BASE = 0x40000000  # a component's first dataport
DATAPORT_ALIGN = LARGE  # each dataport starts on a 2 MiB boundary
STACK_TOP = 0x10000000  # a component's stack ends here (as the root's does)
HEAP_BASE = 0x50000000  # a component's heap starts here (clear of what the kernel test suite uses)
DEVICE_BASE = 0x60000000  # a component's device registers, each region page-aligned

# A guest and its VMM (docs/system-language.md, "Guests and their VMMs"). The guest's
# physical address map (IPAs) is QEMU virt's, which the VMM's device tree describes;
# the VMM's own view of the guest is at fixed addresses of its address space
# (kernel/include/uapi/cleave/vmm_info.h has the same numbers).
GUEST_RAM_IPA = 0x40000000
GUEST_GICD_IPA = 0x08000000
GUEST_GICC_IPA = 0x08010000  # GICv2: the kernel's GICV pages are mapped here
GUEST_GICR_IPA = 0x080A0000
GUEST_UART_IPA = 0x09000000
GUEST_UART_SPI = 1  # INTID 33
GICV_PAGES = 2  # GICC_DIR is in the second page
VMM_PROGRAM = "vmm"  # the per-guest VMM (personalities/vmm/server), a cleave_program
VMM_SUFFIX = ".vmm"  # "<guest>.vmm" is no identifier: it cannot clash with an instance
VMM_STACK = 64 << 10
VMM_INFO_VADDR = 0x30000000  # its info page (struct cl_vmm_info), read only
VMM_RAM_VADDR = 0x80000000  # the guest's RAM, as the VMM maps it
VMM_KERNEL_VADDR = 0x100000000  # the guest's kernel file, read only
VMM_INITRD_VADDR = 0x200000000  # the guest's initrd file, read only
COHERENCE = {"dc": 0, "clean": 1}
# A guest's dataports and doorbells (docs/vmm.md, "A guest's events and dataports"):
# from GUEST_PORT_IPA up, below its RAM, where QEMU virt's guest map has nothing (the
# board's PCIe window is there, which no guest sees): each dataport at the next 2 MiB
# boundary, then one 4 KiB doorbell page per emitted event from the next 2 MiB boundary.
GUEST_PORT_IPA = 0x20000000
GUEST_PORT_END = GUEST_RAM_IPA
# The SPIs a guest's consumed events are raised as: the top 8 of the vGIC's first 32
# (INTIDs 56..63, so the vGIC keeps its 64 INTIDs), less any its devices use.
GUEST_EVENT_SPIS = range(24, 32)


@dataclass
class Object:
    """One kernel object. `owner` is the instance the object belongs to (its TCB,
    CNode, address space, private frames); None for objects of a connection."""

    name: str
    type: str  # tcb, vcpu, cnode, aspace, frame, endpoint, notification, irq_handler,
    #            console, sched_control, irq_control
    size_bits: int = None
    owner: str = None
    paddr: int = None  # device frames
    device: bool = False  # device memory (mapped with the device attribute)
    irq: int = None  # irq_handler: its interrupt ID
    notification: str = None  # irq_handler: the notification it signals
    badge: int = None  # irq_handler: the badge its signals carry (None: unbadged)
    connection: str = None  # the connection (as written) that made it
    thread: str = None  # vcpu: the guest's thread (tcb) the loader binds it to
    index: int = None  # vcpu: its number in the guest (its exits are badged index + 1)
    source: tuple = None  # a frame the loader fills from the image: (entry name, offset)
    gic: int = None  # made only when the platform runs this GIC version (GICv2's GICV)


@dataclass
class Cap:
    """A capability in one slot of a holder's CNode."""

    slot: int
    object: str
    rights: list
    badge: int = None
    name: str = ""  # what the slot is for: cnode, tcb, console, the interface's name


@dataclass
class Mapping:
    """A frame mapped into a holder's address space."""

    object: str
    rights: list
    region: str  # stack, heap, the dataport's or device's name, memory
    attr: str = "normal"  # normal or device
    vaddr: int = None  # a component's dataport frames: where it is mapped
    fill: str = None  # payload or vmm_info: what the loader writes first (else by region)


@dataclass
class Holder:
    """An instance (or the loader) and what it holds."""

    name: str
    kind: str  # component, guest, loader
    type: str = None  # the component or guest declaration
    cnode: str = None  # its CNode object (None for the loader: the kernel gives it one)
    cnode_slots: int = None
    priority: int = None  # components and guests: where their threads run
    cpu: int = None
    partition: int = None
    caps: list = field(default_factory=list)
    mappings: list = field(default_factory=list)

    def cap(self, slot):
        return next((c for c in self.caps if c.slot == slot), None)

    def caps_named(self, name):
        return [c for c in self.caps if c.name == name]


@dataclass
class Specification:
    system: str
    windows: list = field(default_factory=list)  # the schedule: [partition, microseconds]
    guests: dict = field(default_factory=dict)  # guest name -> what its VMM's info page says
    objects: list = field(default_factory=list)
    holders: list = field(default_factory=list)  # instances in source order, loader last

    def object(self, name):
        return self._objects().get(name)

    def _objects(self):
        return {o.name: o for o in self.objects}

    def holder(self, name):
        return next((h for h in self.holders if h.name == name), None)

    def count(self, type_name):
        return sum(1 for o in self.objects if o.type == type_name)

    def to_dict(self):
        return asdict(self)

    def to_json(self):
        """The same text for the same system, byte for byte."""
        return json.dumps(self.to_dict(), indent=1, sort_keys=True) + "\n"


def pages(size, frame=PAGE):
    return -(-size // frame)


def dataport_layout(decl):
    """{dataport name: (vaddr, size)} of a component's dataports, in declaration order
    from DATAPORT_BASE, each 2 MiB aligned; a guest's from GUEST_PORT_IPA (IPAs)."""
    layout = {}
    vaddr = DATAPORT_BASE if hasattr(decl, "stack") else GUEST_PORT_IPA
    for iface in decl.interfaces:
        if iface.kind == "dataport":
            layout[iface.name] = (vaddr, iface.size)
            vaddr += -(-iface.size // DATAPORT_ALIGN) * DATAPORT_ALIGN
    return layout


def doorbell_layout(decl):
    """{event name: IPA} of a guest's emitted events: one page each, in declaration
    order, from the first 2 MiB boundary after its dataports."""
    ipa = GUEST_PORT_IPA
    for vaddr, size in dataport_layout(decl).values():
        ipa = vaddr + -(-size // DATAPORT_ALIGN) * DATAPORT_ALIGN
    emits = [i.name for i in decl.interfaces if i.kind == "emits"]
    return {name: ipa + n * PAGE for n, name in enumerate(emits)}


def event_spis(decl, taken):
    """{event name: SPI} of a guest's consumed events: the lowest of GUEST_EVENT_SPIS
    not in `taken` (the PL011's and its devices' SPIs), in declaration order."""
    free = [s for s in GUEST_EVENT_SPIS if s not in taken]
    consumes = [i.name for i in decl.interfaces if i.kind == "consumes"]
    return dict(zip(consumes, free)), len(consumes) - len(free)


def dataport_vaddr(inst, name, n):
    """The virtual address of frame n of dataport `name` of instance `inst`, or None."""
    place = dataport_layout(inst.decl).get(name)
    return None if place is None else place[0] + n * PAGE


def rights(*names):
    return [r for r in RIGHTS if r in names]


def connection_text(conn):
    return f"{conn.kind} {conn.left} {conn.arrow} {conn.right}"
