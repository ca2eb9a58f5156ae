"""The capability specification of a checked system: every kernel object the system
needs and every capability each instance (and the loader) holds, with rights and
badges, as plain data. It is capDL-like: the loader (next step) makes exactly these
objects, fills each CNode slot for slot, and maps each frame; `authority.py` reads
it alone to say who can affect whom.

    specification = spec.build(model, target)    # model: a checked model.Spec
    text = specification.to_json()               # deterministic

Slot layout of every instance's CNode (docs/system-language.md, "The specification"):

    1 its own CNode, 2 its own TCB (a guest: its first vCPU), 3 its own address space,
    4 the console (write only), then one slot per connection end in source order
    (hardware: two, the IRQ handler(s) then the notification they signal), then a
    guest's passed-through devices' IRQ handlers, then a guest's further vCPUs and its
    exits endpoint once per vCPU (badge: the vCPU's number + 1), then one frame
    capability per mapping, in the order of `mappings` (image, stack, heap, dataports,
    device registers; a guest's RAM). A guest's VMM, "<guest>.vmm", is a holder of its
    own (`Builder.vmm`; docs/system-language.md has its slots).

Every frame is mapped through a capability the instance holds: a mapping lives as long
as its capability, so once the loader has given up its own, the instance's frame
capabilities are what keeps its memory. (They give it no authority over anyone else:
a shared frame is shared either way.)

Every mapping has a fixed virtual address (`vaddr`): the image where its ELF says
(`images`), the stack below STACK_TOP, the heap from HEAP_BASE, dataports from
DATAPORT_BASE, device registers from DEVICE_BASE. A guest's RAM is at GUEST_RAM_IPA in
its own address space and at VMM_RAM_VADDR in its VMM's.

Dataports of a component have fixed virtual addresses, which the generated glue
(glue.py) compiles in and the loader maps at: from DATAPORT_BASE (1 GiB) upwards, in the
order the component declares its dataports, each at the next 2 MiB boundary after the
one before (`dataport_layout`). The component's image is linked at 4 MiB
(servers/runtime/user.ld), well below. Each dataport frame's `Mapping.vaddr` says where
it goes; other mappings leave vaddr None (the loader places stack, heap and registers).
"""

import json
from dataclasses import asdict, dataclass, field

from . import vmminfo
from .checks.connections import console_server_ends, resolve

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


class Builder:
    def __init__(self, model, target, images=None, payloads=None, text_offsets=None):
        self.images = images or {}
        self.payloads = payloads  # image entry name -> size; None: payload frames left out
        self.text_offsets = text_offsets or {}  # "<guest>.kernel" -> its Image's text_offset
        self.model = model
        self.system = model.system
        self.target = target
        self.spec = Specification(self.system.name)
        self.holders = {}
        self.decls = {i.name: i.decl for i in self.system.instances}
        self.shared_ends = {}  # (instance, interface) of a provides/consumes end -> object
        self.devices = {d.name: d for d in model.devices}
        self.consoles = {}  # guest -> (endpoint, notification, badge) of its console
        self.guest_emits = {}  # guest -> {event: [(notification, badge)]}

    def add(self, obj):
        self.spec.objects.append(obj)
        return obj.name

    def give(self, holder, obj, rights_, name, badge=None, slot=None):
        """A capability in `slot`, or in the next slot after the fixed ones (after 15
        for a component with untyped memory: slots 8..15 are its own, as the root's)."""
        if slot is None:
            decl = self.decls.get(holder.name)
            first = (UNTYPED_FIRST_SLOT if getattr(decl, "untyped", 0)
                     else FIRST_CONNECTION_SLOT)
            slot = max([first - 1] + [c.slot for c in holder.caps]) + 1
        holder.caps.append(Cap(slot, obj, list(rights_), badge, name))

    def frames(self, owner, region, size, holder_rights, holders, dataport_of=None,
               vaddr=None):
        """Frames for `size` bytes (2 MiB frames when it is a multiple of 2 MiB), mapped
        into every holder in `holders` from `vaddr` on (at the dataport's addresses when
        `dataport_of` is the instance whose dataport they are)."""
        frame, bits = (LARGE, 21) if size and size % LARGE == 0 else (PAGE, 12)
        prefix = f"{owner}.{region}" if owner else region
        base = vaddr
        for n in range(pages(size, frame)):
            name = self.add(Object(f"{prefix}.{n}", "frame", bits, owner=owner))
            vaddr = None if base is None else base + n * frame
            if dataport_of is not None:
                vaddr = dataport_vaddr(dataport_of, region, n * frame // PAGE)
            for holder in holders:
                holder.mappings.append(Mapping(name, list(holder_rights), region,
                                               vaddr=vaddr))

    def build(self):
        schedule = self.system.schedule
        if schedule is not None:
            self.spec.windows = [[w.partition, w.length_us] for w in schedule.windows]
        for inst in self.system.instances:
            self.instance(inst)
        for number, conn in enumerate(self.system.connections, 1):
            self.connection(number, conn)
        for inst in self.system.instances:
            if inst.kind == "guest":
                self.guest_extras(inst)
            elif "console_input" in [g for g, _ in getattr(inst.decl, "authority", [])]:
                self.console_input(inst)
        for inst in self.system.instances:
            if inst.kind == "guest":
                self.vmm(inst)
        for inst in self.system.instances:
            self.private_dataports(inst)
            self.untyped(inst)
        for holder in self.spec.holders:
            self.device_vaddrs(holder)
            self.frame_caps(holder)
        self.loader()
        for holder in self.spec.holders:
            self.size(holder)
        return self.spec

    # --- per instance -------------------------------------------------------------
    def instance(self, inst):
        decl = inst.decl
        holder = Holder(inst.name, inst.kind, inst.type, priority=decl.priority,
                        cpu=getattr(decl, "cpu", 0), partition=decl.partition)
        self.holders[inst.name] = holder
        self.spec.holders.append(holder)
        holder.cnode = self.add(Object(f"{inst.name}.cnode", "cnode", None, inst.name))
        thread = "tcb" if inst.kind == "component" else "vcpu"
        first = f"{inst.name}.{thread}" + ("" if inst.kind == "component" else ".0")
        self.add(Object(first, thread, 11, inst.name))
        self.add(Object(f"{inst.name}.aspace", "aspace", None, inst.name))
        # The names of the fixed and generated slots have a dot, so that no interface
        # (an identifier) can be confused with them by the glue.
        self.give(holder, holder.cnode, RW, "self.cnode", slot=SLOT_CNODE)
        self.give(holder, first, RW, f"self.{thread}", slot=SLOT_TCB)
        self.give(holder, f"{inst.name}.aspace", RW, "self.aspace", slot=SLOT_ASPACE)
        grants = [g for g, _ in getattr(decl, "authority", [])]
        # The console server reads input too (console read needs the read right).
        self.give(holder, "console", RW if "console_input" in grants else ("write",),
                  "kernel.console", slot=SLOT_CONSOLE)
        if "irq_control" in grants:
            self.give(holder, "irq_control", RW, "kernel.irq_control", slot=SLOT_IRQ_CONTROL)
        if "sched_control" in grants:
            self.give(holder, "sched_control", RW, "kernel.sched_control",
                      slot=SLOT_SCHED_CONTROL)
        if inst.kind == "component":
            self.image(inst.name, holder)
            self.frames(inst.name, "stack", decl.stack, RW, [holder],
                        vaddr=STACK_TOP - pages(decl.stack) * PAGE)
            self.frames(inst.name, "heap", decl.heap, RW, [holder], vaddr=HEAP_BASE)
        else:
            self.frames(inst.name, "memory", decl.memory, RW + ("exec",), [holder],
                        vaddr=GUEST_RAM_IPA)

    def image(self, name, holder):
        """The frames of a component's program: one per page its ELF's loadable
        segments touch (`images[name]`: (vaddr, memsz, rights) per segment), mapped with
        the union of the rights of the segments in that page. The loader copies the
        ELF's bytes into them."""
        touched = {}
        for vaddr, memsz, seg_rights in self.images.get(name, ()):
            for page in range(vaddr // PAGE, pages(vaddr + memsz)):
                touched.setdefault(page, set()).update(seg_rights)
        for n, page in enumerate(sorted(touched)):
            obj = self.add(Object(f"{name}.image.{n}", "frame", 12, owner=name))
            holder.mappings.append(Mapping(obj, rights(*touched[page]), "image",
                                           vaddr=page * PAGE))

    def console_input(self, inst):
        """`authority { console_input; }`: a handler of the console UART's interrupt
        line, signalling a notification the component waits on, so that it hears of
        input (which it takes with console read)."""
        holder = self.holders[inst.name]
        irqs = self.target.kernel_device_irqs("uart") if self.target else ()
        if not irqs:
            return  # no device tree (./cleave check without a platform): nothing to bind
        ntfn = self.add(Object("ntfn:console_input", "notification", 6))
        for irq in irqs:
            name = self.add(Object(f"irq:console_input.{irq}", "irq_handler", irq=irq,
                                   notification=ntfn))
            self.give(holder, name, RW, "kernel.console_input.irq")
        self.give(holder, ntfn, ("read",), "kernel.console_input")

    def untyped(self, inst):
        """`untyped SIZE;`: untyped memory in power-of-two blocks (largest first), and
        a bootinfo page at BOOTINFO_VADDR that lists them as the kernel's does for
        the root component (slot 6), so such a component can make its own objects."""
        holder = self.holders[inst.name]
        size = getattr(inst.decl, "untyped", 0) or 0
        if not size:
            return
        name = self.add(Object(f"{inst.name}.bootinfo", "frame", 12, owner=inst.name))
        holder.mappings.append(Mapping(name, ["read"], "bootinfo", vaddr=BOOTINFO_VADDR))
        self.give(holder, name, ["read"], "self.bootinfo", slot=SLOT_BOOTINFO)
        n = 0
        for bit in range(size.bit_length() - 1, 11, -1):
            if size & (1 << bit):
                obj = self.add(Object(f"{inst.name}.untyped.{n}", "untyped", bit,
                                      owner=inst.name))
                # Moved, not copied (untyped has one owner): with all its rights.
                self.give(holder, obj, RIGHTS, f"self.untyped{n}")
                n += 1

    def frame_caps(self, holder):
        """One capability per mapping, after every other slot: it keeps the mapping
        (the bootinfo page's is in its fixed slot already)."""
        held = {c.object for c in holder.caps}
        for n, mapping in enumerate(holder.mappings):
            if mapping.object not in held:
                # A program's own frames: every right, as the root's (the kernel test
                # suite maps them again with rights of its choosing); the mapping the
                # loader makes still has the segment's rights.
                rights_ = RIGHTS[:2] + RIGHTS[3:] if mapping.region == "image" else \
                    mapping.rights
                self.give(holder, mapping.object, list(rights_), f"{mapping.region}.frame{n}")

    def device_vaddrs(self, holder):
        """Device registers of a component from DEVICE_BASE, in mapping order; a guest's
        passed-through devices where the platform has them (identity IPAs)."""
        vaddr = DEVICE_BASE
        for mapping in holder.mappings:
            if mapping.attr == "device" and holder.kind == "component":
                mapping.vaddr = vaddr
                vaddr += PAGE
            elif mapping.attr == "device" and mapping.vaddr is None:
                mapping.vaddr = self.spec.object(mapping.object).paddr

    def guest_extras(self, inst):
        holder = self.holders[inst.name]
        # A passed-through device's registers are mapped into the guest; its interrupts
        # go to the guest's VMM (`vmm`), which forwards them (the guest makes no calls).
        for name, _ in inst.decl.devices:
            device = self.devices.get(name)
            if device is not None:
                self.device(holder, device, None, irqs=False)
        for n in range(1, inst.decl.vcpus):
            name = self.add(Object(f"{inst.name}.vcpu.{n}", "vcpu", 11, inst.name))
            self.give(holder, name, RW, f"self.vcpu{n}")
        # Each vCPU runs on a thread of the guest's own, whose fault endpoint is the
        # guest's exits endpoint, badged with the vCPU's number + 1 so that the VMM
        # tells its vCPUs apart. The guest's CNode holds those badged capabilities
        # (the kernel copies one into each thread): the guest can send its exits to its
        # VMM, nothing more (a guest makes no system calls).
        exits = self.add(Object(f"{inst.name}.exits", "endpoint", 6, inst.name))
        for n in range(inst.decl.vcpus):
            tcb = self.add(Object(f"{inst.name}.tcb.{n}", "tcb", 11, inst.name))
            vcpu = self.spec.object(f"{inst.name}.vcpu.{n}")
            vcpu.thread, vcpu.index = tcb, n
            self.give(holder, exits, ("write",), f"exits{n}", badge=n + 1)
        # GICv2: the kernel's virtual CPU interface (GICV) where the guest's device
        # tree puts its GICC. Made only when the platform runs GICv2 (`gic`). One set
        # of frames for every guest: the interface is banked per CPU and shows the
        # state of the vCPU the CPU runs, which the kernel switches (authority.py).
        gicv = getattr(self.target, "gicv", None) if self.target else None
        if gicv is not None:
            for n in range(GICV_PAGES):
                name = f"gicv.{n}"
                if self.spec.object(name) is None:
                    self.add(Object(name, "frame", 12, paddr=gicv + n * PAGE, device=True,
                                    gic=2))
                holder.mappings.append(Mapping(name, list(RW), "gicv", "device",
                                               vaddr=GUEST_GICC_IPA + n * PAGE))

    def vmm(self, inst):
        """The guest's VMM: a native component running the program "vmm", holding the
        guest's exits (read), vCPUs, vCPU threads and address space (control), its RAM
        mapped (the VMM writes the kernel, initrd and device tree there), the guest's
        kernel and initrd files (read only) and its info page."""
        decl, g = inst.decl, inst.name
        name = g + VMM_SUFFIX
        holder = Holder(name, "component", "vmm", priority=min(decl.priority + 1, 254),
                        cpu=0, partition=decl.partition)
        self.holders[name] = holder
        self.spec.holders.insert(self.spec.holders.index(self.holders[g]) + 1, holder)
        holder.cnode = self.add(Object(f"{name}.cnode", "cnode", None, name))
        self.add(Object(f"{name}.tcb", "tcb", 11, name))
        self.add(Object(f"{name}.aspace", "aspace", None, name))
        self.give(holder, holder.cnode, RW, "self.cnode", slot=SLOT_CNODE)
        self.give(holder, f"{name}.tcb", RW, "self.tcb", slot=SLOT_TCB)
        self.give(holder, f"{name}.aspace", RW, "self.aspace", slot=SLOT_ASPACE)
        self.give(holder, "console", ("write",), "kernel.console", slot=SLOT_CONSOLE)
        self.give(holder, f"{g}.exits", ("read",), "exits")
        self.give(holder, f"{g}.aspace", RW, "guest_aspace")
        for n in range(decl.vcpus):
            self.give(holder, f"{g}.vcpu.{n}", RW, f"vcpu{n}")
        for n in range(decl.vcpus):
            self.give(holder, f"{g}.tcb.{n}", RW, f"tcb{n}")
        if g in self.consoles:
            ep, ntfn, badge = self.consoles[g]
            self.give(holder, ep, ("write", "grant"), "console", badge=badge)
            self.give(holder, ntfn, ("read",), "console_input")
        devices = self.passed_through(inst, holder)
        ports = self.guest_ports(inst, holder, devices)
        self.image(name, holder)
        self.frames(name, "stack", VMM_STACK, RW, [holder],
                    vaddr=STACK_TOP - pages(VMM_STACK) * PAGE)
        info = self.add(Object(f"{name}.info", "frame", 12, owner=name,
                               source=(f"{g}.info", 0)))
        holder.mappings.append(Mapping(info, ["read"], "info", vaddr=VMM_INFO_VADDR,
                                       fill="vmm_info"))
        frame = LARGE if decl.memory % LARGE == 0 else PAGE
        for n in range(pages(decl.memory, frame)):
            holder.mappings.append(Mapping(f"{g}.memory.{n}", list(RW), "guest_ram",
                                           vaddr=VMM_RAM_VADDR + n * frame))
        sizes = {}
        kernel_vaddr = VMM_KERNEL_VADDR
        for what, vaddr in (("kernel", VMM_KERNEL_VADDR), ("initrd", VMM_INITRD_VADDR)):
            entry = f"{g}.{what}"
            size = (self.payloads or {}).get(entry, 0) if getattr(decl, what) else 0
            sizes[what] = size
            if what == "kernel" and self.kernel_in_place(decl, entry, size):
                kernel_vaddr = self.run_in_place(g, holder, entry, size)
                continue
            frame, bits = (LARGE, 21) if size >= LARGE else (PAGE, 12)
            for n in range(pages(size, frame)):
                obj = self.add(Object(f"{name}.{what}.{n}", "frame", bits, owner=name,
                                      source=(entry, n * frame)))
                holder.mappings.append(Mapping(obj, ["read"], what, vaddr=vaddr + n * frame,
                                               fill="payload"))
        caps = {c.name: c.slot for c in holder.caps}
        self.spec.guests[g] = dict(
            vmm=name, ram_ipa=GUEST_RAM_IPA, ram_size=decl.memory, ram_vaddr=VMM_RAM_VADDR,
            kernel_vaddr=kernel_vaddr, kernel_size=sizes["kernel"],
            kernel_in_place=kernel_vaddr != VMM_KERNEL_VADDR,
            initrd_vaddr=VMM_INITRD_VADDR, initrd_size=sizes["initrd"], vcpus=decl.vcpus,
            coherence=decl.coherence, cmdline=decl.cmdline or "",
            on_reset=decl.on_reset, on_crash=decl.on_crash, restart_limit=decl.restart_limit,
            smc=decl.smc,
            slot_exits=caps["exits"], slot_guest_aspace=caps["guest_aspace"],
            slot_vcpus=[caps[f"vcpu{n}"] for n in range(decl.vcpus)],
            slot_tcbs=[caps[f"tcb{n}"] for n in range(decl.vcpus)],
            gicd_ipa=GUEST_GICD_IPA, gicc_ipa=GUEST_GICC_IPA, gicr_ipa=GUEST_GICR_IPA,
            uart_ipa=GUEST_UART_IPA, uart_spi=GUEST_UART_SPI,
            slot_console=caps.get("console", 0), slot_console_input=caps.get("console_input", 0),
            slot_irq_events=caps.get("irq_events", caps.get("console_input", 0)) if any(
                d["irqs"] for d in devices) or ports["events_in"] else 0,
            devices=[dict(d, irqs=[(spi, flags, caps[slot]) for spi, flags, slot in d["irqs"]])
                     for d in devices],
            dataports=ports["dataports"], events_in=ports["events_in"],
            events_out=[dict(e, slot=caps[e["slot"]]) for e in ports["events_out"]])

    def kernel_in_place(self, decl, entry, size):
        """Whether guest `decl` runs its kernel where the image holds it, as its RAM
        (docs/image.md, "In place"): only a guest that never restarts (a restart loads
        the kernel again, so it needs a copy nobody wrote), whose RAM is made of 2 MiB
        frames, whose kernel is 2 MiB or more (the image puts it on 2 MiB boundaries)
        and whose Image header asks for a text_offset on a 2 MiB boundary, inside RAM:
        the VMM places it at that offset from the start of RAM (booting.rst)."""
        offset = self.text_offsets.get(entry)
        return (decl.on_reset == "stop" and decl.on_crash == "stop" and offset is not None
                and decl.memory % LARGE == 0 and size >= LARGE and offset % LARGE == 0
                and offset + size <= decl.memory)

    def run_in_place(self, g, holder, entry, size):
        """The guest's RAM frames that hold its kernel are filled from the image (the
        loader gives the image's own frames when it can, else copies); the VMM reads
        the kernel there: its address in the VMM."""
        first = self.text_offsets[entry] // LARGE
        for n in range(pages(size, LARGE)):
            name = f"{g}.memory.{first + n}"
            self.spec.object(name).source = (entry, n * LARGE)
            for mapping in holder.mappings:
                if mapping.object == name:
                    mapping.fill = "payload"
        return VMM_RAM_VADDR + first * LARGE

    def vmm_events(self, g):
        """The notification the VMM of guest `g` waits on besides its exits: the console's
        input when the guest has a console connection, else `<guest>.vmm.irq_events`."""
        if g in self.consoles:
            return self.consoles[g][1]
        name = f"{g}{VMM_SUFFIX}.irq_events"
        if self.spec.object(name) is None:
            self.add(Object(name, "notification", 6, owner=g + VMM_SUFFIX))
        return name

    def guest_ports(self, inst, holder, devices):
        """A guest's dataports, consumed and emitted events as its VMM's info page lists
        them, giving the VMM the capability of each emitted event (write, badged as its
        connection says). Refuses (vmminfo.InfoError, at the guest) dataports and
        doorbells that do not fit below its RAM or meet one of its devices, and more
        consumed events than free SPIs."""
        g, decl = inst.name, inst.decl
        where = f"guest {g}"
        dataports = [dict(name=n, ipa=ipa, size=size)
                     for n, (ipa, size) in dataport_layout(decl).items()]
        doorbells = doorbell_layout(decl)
        windows = [(d["name"], d["ipa"], d["size"]) for d in dataports] + \
            [(n, ipa, PAGE) for n, ipa in doorbells.items()]
        for name, ipa, size in windows:
            if ipa + size > GUEST_PORT_END:
                raise vmminfo.InfoError(
                    f"{where}: its dataports and doorbells do not fit: {name} ends at "
                    f"{ipa + size:#x}, beyond the {(GUEST_PORT_END - GUEST_PORT_IPA) >> 20} "
                    f"MiB from {GUEST_PORT_IPA:#x} below its RAM at {GUEST_PORT_END:#x}",
                    inst.loc)
            for device in devices:
                for base, dsize in device["regs"]:
                    if base < ipa + size and ipa < base + dsize:
                        raise vmminfo.InfoError(
                            f"{where}: {name} at {ipa:#x} overlaps its device "
                            f"{device['name']} at {base:#x}", inst.loc)
        taken = {GUEST_UART_SPI} | {spi for d in devices for spi, _, _ in d["irqs"]}
        spis, missing = event_spis(decl, taken)
        if missing > 0:
            raise vmminfo.InfoError(
                f"{where}: it consumes {len(spis) + missing} events, but only {len(spis)} "
                f"SPIs are free for them (SPIs {GUEST_EVENT_SPIS[0]} to "
                f"{GUEST_EVENT_SPIS[-1]}, less the PL011's and its devices')", inst.loc)
        events_out = []
        emitted = self.guest_emits.get(g, {})
        for name, ipa in doorbells.items():
            ends = emitted.get(name, [])
            if len(ends) > 1:
                raise vmminfo.InfoError(
                    f"{where}: its event {name} is connected {len(ends)} times; a guest's "
                    "doorbell signals one consumer", inst.loc)
            if ends:
                ntfn, badge = ends[0]
                self.give(holder, ntfn, ("write",), f"event.{name}", badge=badge)
                events_out.append(dict(name=name, ipa=ipa, slot=f"event.{name}"))
        return dict(dataports=dataports,
                    events_in=[dict(name=n, spi=spi) for n, spi in spis.items()],
                    events_out=events_out)

    def passed_through(self, inst, holder):
        """A guest's passed-through devices as its VMM's info page lists them (node name,
        compatible, register windows, interrupts), giving the VMM an IRQ handler per
        interrupt. Every handler signals one notification the VMM's thread is bound to:
        the console's input when the guest has a console, else one of the VMM's own;
        device d's interrupt i with badge bit 32 + 2d + i (vmminfo.irq_badge), so the
        VMM knows which line fired."""
        g, vmm = inst.name, holder.name
        devices = [self.devices[name] for name, _ in inst.decl.devices
                   if name in self.devices and self.devices[name].node is not None]
        # What the info page cannot list is refused here, at the guest, before any
        # badge is given (device d's bits must stay below the events').
        vmminfo.check_devices([dict(name=d.node.path.rsplit("/", 1)[-1],
                                    compatible=d.node.compatible, regs=list(d.node.regs),
                                    irqs=[(irq - 32, flags, None)
                                          for irq, flags in d.irq_specs()])
                               for d in devices], g, inst.loc)
        consumes = any(i.kind == "consumes" for i in inst.decl.interfaces)
        if not any(d.irqs() for d in devices) and not consumes:
            return [(dict(name=d.node.path.rsplit("/", 1)[-1], compatible=d.node.compatible,
                          regs=list(d.node.regs), irqs=[])) for d in devices]
        events = self.vmm_events(g)
        if g not in self.consoles:
            self.give(holder, events, ("read",), "irq_events")
        out = []
        for d, device in enumerate(devices):
            irqs = []
            for i, (irq, flags) in enumerate(device.irq_specs()):
                name = self.add(Object(f"irq:{device.name}.{irq}", "irq_handler", irq=irq,
                                       notification=events, badge=vmminfo.irq_badge(d, i)))
                self.give(holder, name, RW, f"dev{d}.irq{i}")
                irqs.append((irq - 32, flags, f"dev{d}.irq{i}"))
            out.append(dict(name=device.node.path.rsplit("/", 1)[-1],
                            compatible=device.node.compatible, regs=list(device.node.regs),
                            irqs=irqs))
        return out

    def private_dataports(self, inst):
        """A dataport in no shared connection is memory of its own instance."""
        shared = {(end.instance, end.interface) for conn in self.system.connections
                  if conn.kind == "shared" for end in (conn.left, conn.right)}
        for iface in inst.decl.interfaces:
            if iface.kind == "dataport" and (inst.name, iface.name) not in shared:
                self.frames(inst.name, iface.name, iface.size, RW, [self.holders[inst.name]],
                            inst)

    # --- per connection -----------------------------------------------------------
    def connection(self, number, conn):
        text = connection_text(conn)
        left = self.holders.get(conn.left.instance)
        if conn.kind == "hardware":
            self.device(left, self.devices[conn.right.instance], conn.left.interface, text)
            return
        right = self.holders.get(conn.right.instance)
        insts = {i.name: i for i in self.system.instances}
        if conn.kind in ("rpc", "notification"):
            # Every connection to one provides (consumes) end shares its endpoint
            # (notification): the server's one thread waits on one object, and each
            # client's badge says who called (signalled). The object is named after
            # the first connection to that end.
            kind, prefix = (("endpoint", "ep") if conn.kind == "rpc"
                            else ("notification", "ntfn"))
            end = (conn.right.instance, conn.right.interface)
            obj = self.shared_ends.get(end)
            badge = number
            if conn.kind == "notification" and insts[conn.right.instance].kind == "guest":
                # An event into a guest is its VMM's to raise: it signals the notification
                # the VMM's thread is bound to, with the event's bit as the badge.
                decl = insts[conn.right.instance].decl
                consumes = [i.name for i in decl.interfaces if i.kind == "consumes"]
                badge = vmminfo.event_in_badge(consumes.index(conn.right.interface))
                if obj is None:
                    obj = self.vmm_events(conn.right.instance)
                    self.shared_ends[end] = obj
                    self.give(right, obj, ("read",), conn.right.interface)
            if conn.kind == "notification" and insts[conn.left.instance].kind == "guest":
                # An event out of a guest: its VMM signals it when the guest rings the
                # event's doorbell (the VMM's capability is given in `vmm`).
                events = self.guest_emits.setdefault(conn.left.instance, {})
                events.setdefault(conn.left.interface, []).append(
                    (obj or f"ntfn:{conn.left}->{conn.right}", badge))
            if obj is None:
                obj = self.add(Object(f"{prefix}:{conn.left}->{conn.right}", kind, 6,
                                      connection=text))
                self.shared_ends[end] = obj
                self.give(right, obj, ("read",), conn.right.interface)
            rights_ = ("write", "grant") if conn.kind == "rpc" else ("write",)
            self.give(left, obj, rights_, conn.left.interface, badge=badge)
        elif conn.kind == "console":
            self.console(number, conn, text)
        elif conn.kind == "shared":
            _, iface = resolve(self.system, conn.left)
            frame, bits = PAGE, 12
            for n in range(pages(iface.size, frame)):
                name = self.add(Object(f"shared:{conn.left}<->{conn.right}.{n}", "frame",
                                       bits, connection=text))
                for holder, end in ((left, conn.left), (right, conn.right)):
                    vaddr = dataport_vaddr(insts[end.instance], end.interface, n)
                    holder.mappings.append(Mapping(name, list(RW), end.interface,
                                                   vaddr=vaddr))

    def console(self, number, conn, text):
        """`connection console GUEST -> SERVER;`: the guest's VMM is a client of the
        console server. It calls the server's Console endpoint (shared with every other
        client, badged with the connection's number) and hears the server's input event
        on a notification of its own; the VMM's caps are given in `vmm` (its holder does
        not exist yet), the server's here in connection order."""
        server = self.holders[conn.right.instance]
        provides, emits = console_server_ends(self.decls[conn.right.instance])
        end = (conn.right.instance, provides.name)
        ep = self.shared_ends.get(end)
        if ep is None:
            ep = self.add(Object(f"ep:{conn.left}->{conn.right}.{provides.name}", "endpoint",
                                 6, connection=text))
            self.shared_ends[end] = ep
            self.give(server, ep, ("read",), provides.name)
        vmm = conn.left.instance + VMM_SUFFIX
        ntfn = f"{vmm}.irq_events"  # made already for an event into the guest: that one
        if self.spec.object(ntfn) is None:
            ntfn = self.add(Object(f"ntfn:{conn.right}.{emits.name}->{vmm}", "notification",
                                   6, connection=text))
        self.give(server, ntfn, ("write",), emits.name, badge=number)
        self.consoles[conn.left.instance] = (ep, ntfn, number)

    def device(self, holder, device, slot_name, text=None, irqs=True):
        """A device's register frames (mapped) and, with `irqs`, one IRQ handler per
        interrupt, which signals a notification the holder waits on."""
        region = slot_name or device.name
        node = device.node
        for r, (base, size) in enumerate(node.regs if node else ()):
            start = base - base % PAGE
            for n in range(pages(base + size - start)):
                name = self.add(Object(f"dev:{device.name}.{r}.{n}", "frame", 12,
                                       paddr=start + n * PAGE, device=True, connection=text))
                holder.mappings.append(Mapping(name, list(RW), region, "device"))
        ntfn = f"irq:{device.name}"
        irqs = device.irqs() if irqs else ()
        for irq in irqs:
            name = self.add(Object(f"irq:{device.name}.{irq}", "irq_handler", irq=irq,
                                   notification=ntfn, connection=text))
            self.give(holder, name, ("read", "write"), f"{region}.irq{irq}")
        if irqs:
            self.add(Object(ntfn, "notification", 6, connection=text))
            self.give(holder, ntfn, ("read",), f"{region}.irq")

    # --- the loader ---------------------------------------------------------------
    def loader(self):
        """The loader builds everything: it holds sched_control (which no component
        gets), irq_control, and every instance's CNode, threads and address space."""
        holder = Holder(LOADER, "loader")
        self.spec.objects[:0] = [Object("console", "console"),
                                 Object("sched_control", "sched_control"),
                                 Object("irq_control", "irq_control")]
        self.give(holder, "console", ("write",), "console")
        self.give(holder, "sched_control", RW, "sched_control")
        self.give(holder, "irq_control", RW, "irq_control")
        for obj in self.spec.objects:
            if obj.owner is not None and obj.type in ("cnode", "tcb", "vcpu", "aspace"):
                self.give(holder, obj.name, RW + ("grant",), obj.name)
        self.spec.holders.append(holder)

    def size(self, holder):
        """CNode: a power of two of at least 16 slots, above the highest slot used.
        Address space: enough translation tables for its mappings (an estimate: a root,
        per region a level-1 and a level-2 table, per 512 pages a level-3 table). A 2 MiB
        frame counts as 512 pages: a platform without stage-2 blocks (qemu-virt,
        docs/vmm.md "Stage 2 on QEMU") maps it so; elsewhere its tables go unused."""
        if holder.kind == "loader":
            return
        slots = UNTYPED_CNODE_SLOTS if any(
            self.spec._objects()[c.object].type == "untyped" for c in holder.caps
        ) else MIN_CNODE_SLOTS
        while slots <= max(c.slot for c in holder.caps):
            slots *= 2
        holder.cnode_slots = slots
        objects = self.spec._objects()
        objects[holder.cnode].size_bits = slots.bit_length() - 1 + CNODE_SLOT_BITS
        regions = {m.region for m in holder.mappings}
        small = sum(1 << (objects[m.object].size_bits - 12) for m in holder.mappings)
        tables = 1 + 2 * len(regions) + pages(small, 512) + 2  # +2: the image (glue)
        bits = ASPACE_MIN_BITS
        while (1 << (bits - 12)) - 1 < tables and bits < ASPACE_MAX_BITS:
            bits += 1
        objects[f"{holder.name}.aspace"].size_bits = bits


def build(model, target=None, images=None, payloads=None, text_offsets=None):
    """The Specification of `model` (a model.Spec that passed every check; `target`
    gives the devices' registers, None leaves device frames out; `images` gives each
    component's ELF segments, {instance: [(vaddr, memsz, rights)]} (a guest's VMM as
    "<guest>.vmm"), None leaves the image frames out, as `./cleave check` does before
    anything is compiled; `payloads` gives the size of each guest's kernel and initrd,
    {"<guest>.kernel": bytes}, None leaves their frames out; `text_offsets` gives each
    guest kernel's Image text_offset, {"<guest>.kernel": offset}, which a guest that runs
    its kernel in place needs)."""
    return Builder(model, target, images, payloads, text_offsets).build()
