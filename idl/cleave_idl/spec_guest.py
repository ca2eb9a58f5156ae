"""The guests' part of the capability specification (spec.py): a guest's further vCPUs,
its exits endpoint and passed-through devices, and its VMM: the VMM's own holder, the
guest's RAM and files it maps (or the RAM its kernel runs in, in place), its info page,
the ports and interrupts it forwards."""

from . import vmminfo
from .spec_model import (
    GICV_PAGES, GUEST_EVENT_SPIS, GUEST_GICC_IPA, GUEST_GICD_IPA, GUEST_GICR_IPA,
    GUEST_PORT_END, GUEST_PORT_IPA, GUEST_RAM_IPA, GUEST_UART_IPA, GUEST_UART_SPI,
    Holder, LARGE, Mapping, Object, PAGE, RW, SLOT_ASPACE, SLOT_CNODE, SLOT_CONSOLE,
    SLOT_TCB, STACK_TOP, VMM_INFO_VADDR,
    VMM_INITRD_VADDR, VMM_KERNEL_VADDR, VMM_RAM_VADDR, VMM_STACK, VMM_SUFFIX,
    dataport_layout, doorbell_layout, event_spis, pages)


class GuestBuilder:
    """spec.Builder's methods for guests and their VMMs (a mixin: they use the
    builder's `spec`, `holders`, `devices`, `target`, `consoles`, `add`, `give`,
    `frames`, `image` and `device`)."""

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
        g = inst.name
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
