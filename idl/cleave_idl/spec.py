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

The data and the fixed layout are in spec_model.py, the guests' and their VMMs' part of
the builder in spec_guest.py.
"""

from . import vmminfo
from .checks.connections import console_server_ends, resolve
# The data and the fixed layout (spec_model.py) are spec's too: spec.X is the one name.
from .spec_model import *  # noqa: F401,F403
from .spec_guest import GuestBuilder


class Builder(GuestBuilder):
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
