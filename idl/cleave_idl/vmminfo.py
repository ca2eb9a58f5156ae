"""The info page of a guest's VMM (kernel/include/uapi/cleave/vmm_info.h): what
`./cleave build` knows about a guest, packed in the C layout as the image entry
"<guest>.info"; the loader copies it into the frame the VMM maps at VMM_INFO_VADDR and
fills in the GIC version and the CPU count of the boot.

    data = vmminfo.pack(specification.guests["vm"], "vm")
"""

import struct

MAGIC = 0x314F464E494D4D56  # "VMMINFO1"
VERSION = 4
NAME_MAX = 40
CMDLINE_MAX = 1024
MAX_VCPUS = 4
MAX_DEVICES, DEVICE_REGS, DEVICE_IRQS = 8, 2, 2
DEVICE_NAME_MAX, COMPATIBLE_MAX = 32, 96
# Everything up to the passed-through devices: ... slot_console, slot_console_input,
# slot_irq_events, nr_devices.
HEAD = struct.Struct(f"<QII{NAME_MAX}s7Q4I{MAX_VCPUS}I{MAX_VCPUS}I4Q8I")
# struct cl_vmm_device: name, compatible, its length, nr_regs, regs, nr_irqs, pad,
# irqs (spi, flags, slot_handler, pad).
DEVICE = struct.Struct(f"<{DEVICE_NAME_MAX}s{COMPATIBLE_MAX}sII{2 * DEVICE_REGS}QII"
                       f"{4 * DEVICE_IRQS}I")
MAX_DATAPORTS, MAX_EVENTS, IFACE_NAME_MAX = 4, 8, 32
# nr_dataports, nr_events_in, nr_events_out, pad; then the three arrays.
COUNTS = struct.Struct("<4I")
DATAPORT = struct.Struct(f"<{IFACE_NAME_MAX}s2Q")  # name, ipa, size
EVENT_IN = struct.Struct(f"<{IFACE_NAME_MAX}s2I")  # name, spi, pad
EVENT_OUT = struct.Struct(f"<{IFACE_NAME_MAX}sQ2I")  # name, ipa, slot_signal, pad
SIZE = 3824
assert DEVICE.size == 208 and (DATAPORT.size, EVENT_IN.size, EVENT_OUT.size) == (48, 40, 48)
assert HEAD.size + MAX_DEVICES * DEVICE.size + COUNTS.size + MAX_DATAPORTS * DATAPORT.size + \
    MAX_EVENTS * (EVENT_IN.size + EVENT_OUT.size) + CMDLINE_MAX == SIZE
EDGE_RISING, LEVEL_HIGH = 1, 4  # the interrupt flags a passed-through SPI may have
SPI_MAX = 224  # the vGIC's 256 INTIDs less the 32 private ones


def irq_badge(device, irq):
    """CL_VMM_IRQ_BADGE: the badge of device `device`'s interrupt `irq` on the VMM's
    notification (bits 32 and up; the console's input has the low half)."""
    return 1 << (32 + device * DEVICE_IRQS + irq)


def event_in_badge(event):
    """CL_VMM_EVENT_IN_BADGE: the badge of the guest's consumed event `event` on its
    VMM's notification (bits 48 and up, above the devices' interrupts)."""
    return 1 << (48 + event)

COHERENCE = {"dc": 0, "clean": 1}
# The policy word (cleave/vmm_info.h): what a reset request and a crash do (CL_VMM_RESTART_*),
# whether an SMC is emulated (CL_VMM_SMC_EMULATE: `smc emulate`), and the restart limit.
RESTART_ON_RESET, RESTART_ON_CRASH, SMC_EMULATE = 0x1, 0x2, 0x4
RESTART_LIMIT_MAX = 1000


def policy_word(guest):
    """The info page's policy word of `guest` (Specification.guests[name])."""
    flags = (RESTART_ON_RESET if guest.get("on_reset", "restart") == "restart" else 0) | \
        (RESTART_ON_CRASH if guest.get("on_crash", "stop") == "restart" else 0) | \
        (SMC_EMULATE if guest.get("smc", "refuse") == "emulate" else 0)
    return flags | guest.get("restart_limit", 3) << 16


class InfoError(Exception):
    """The guest cannot be described in an info page (the message says why; `loc`, when
    known, is the guest's instance in the description)."""

    def __init__(self, message, loc=None):
        super().__init__(message)
        self.loc = loc


def pack(guest, name):
    """The info page of guest `name` (`guest`: Specification.guests[name])."""
    encoded_name, cmdline = name.encode(), guest["cmdline"].encode()
    if len(encoded_name) >= NAME_MAX:
        raise InfoError(f"guest {name}: its name is longer than {NAME_MAX - 1} bytes")
    if len(cmdline) >= CMDLINE_MAX:
        raise InfoError(f"guest {name}: its cmdline is {len(cmdline)} bytes, more than "
                        f"the {CMDLINE_MAX - 1} a VMM takes")
    if not 1 <= guest["vcpus"] <= MAX_VCPUS:
        raise InfoError(f"guest {name}: {guest['vcpus']} vCPUs; a VMM runs 1 to {MAX_VCPUS}")
    pad = [0] * (MAX_VCPUS - guest["vcpus"])
    devices = guest.get("devices", [])
    if len(devices) > MAX_DEVICES:
        raise InfoError(f"guest {name}: {len(devices)} passed-through devices; a VMM takes "
                        f"at most {MAX_DEVICES}")
    head = HEAD.pack(
        MAGIC, VERSION, SIZE, encoded_name,
        guest["ram_ipa"], guest["ram_size"], guest["ram_vaddr"], guest["kernel_vaddr"],
        guest["kernel_size"], guest["initrd_vaddr"], guest["initrd_size"],
        guest["vcpus"], COHERENCE[guest["coherence"]], guest["slot_exits"],
        guest["slot_guest_aspace"], *guest["slot_vcpus"], *pad, *guest["slot_tcbs"], *pad,
        guest["gicd_ipa"], guest["gicc_ipa"], guest["gicr_ipa"], guest["uart_ipa"],
        guest["uart_spi"], 0, 0, policy_word(guest), guest.get("slot_console", 0),
        guest.get("slot_console_input", 0), guest.get("slot_irq_events", 0), len(devices))
    packed = b"".join(pack_device(d, name) for d in devices)
    packed += bytes(DEVICE.size * (MAX_DEVICES - len(devices)))
    return head + packed + pack_ports(guest, name) + struct.pack(f"{CMDLINE_MAX}s", cmdline)


def iface_name(iface, what):
    encoded = iface.encode()
    if not encoded or len(encoded) >= IFACE_NAME_MAX:
        raise InfoError(f"{what}: its name is longer than {IFACE_NAME_MAX - 1} bytes")
    return encoded


def pack_ports(guest, name):
    """The counts and arrays of the guest's dataports (name, ipa, size), events in (name,
    spi) and events out (name, ipa, slot of the notification it signals)."""
    dataports = guest.get("dataports", [])
    events_in, events_out = guest.get("events_in", []), guest.get("events_out", [])
    for what, items, most in (("shared dataports", dataports, MAX_DATAPORTS),
                              ("consumed events", events_in, MAX_EVENTS),
                              ("emitted events", events_out, MAX_EVENTS)):
        if len(items) > most:
            raise InfoError(f"guest {name}: {len(items)} {what}; a VMM takes at most {most}")
    out = COUNTS.pack(len(dataports), len(events_in), len(events_out), 0)
    out += b"".join(DATAPORT.pack(iface_name(d["name"], f"guest {name}: dataport {d['name']}"),
                                  d["ipa"], d["size"]) for d in dataports)
    out += bytes(DATAPORT.size * (MAX_DATAPORTS - len(dataports)))
    out += b"".join(EVENT_IN.pack(iface_name(e["name"], f"guest {name}: event {e['name']}"),
                                  e["spi"], 0) for e in events_in)
    out += bytes(EVENT_IN.size * (MAX_EVENTS - len(events_in)))
    out += b"".join(EVENT_OUT.pack(iface_name(e["name"], f"guest {name}: event {e['name']}"),
                                   e["ipa"], e["slot"], 0) for e in events_out)
    out += bytes(EVENT_OUT.size * (MAX_EVENTS - len(events_out)))
    return out


def check_devices(devices, guest, loc=None):
    """Refuses (InfoError at `loc`) passed-through devices an info page cannot list:
    more than MAX_DEVICES, or one that check_device refuses. `./cleave check` runs it
    (spec.py), so the description's problem shows before anything is built."""
    if len(devices) > MAX_DEVICES:
        raise InfoError(f"guest {guest}: {len(devices)} passed-through devices; a VMM takes "
                        f"at most {MAX_DEVICES}", loc)
    for device in devices:
        try:
            check_device(device, guest)
        except InfoError as err:
            raise InfoError(str(err), loc) from None


def check_device(device, guest):
    """Refuses (InfoError) a device whose node name, compatible strings, register
    windows or interrupts do not fit a struct cl_vmm_device."""
    name = device["name"].encode()
    compatible = b"".join(c.encode() + b"\0" for c in device["compatible"])
    regs, irqs = device["regs"], device["irqs"]
    what = f"guest {guest}: passed-through device {device['name']}"
    if not name or len(name) >= DEVICE_NAME_MAX:
        raise InfoError(f"{what}: its node name is longer than {DEVICE_NAME_MAX - 1} bytes")
    if not compatible or len(compatible) > COMPATIBLE_MAX:
        raise InfoError(f"{what}: its compatible strings take {len(compatible)} bytes; a "
                        f"VMM takes 1 to {COMPATIBLE_MAX}")
    if not 1 <= len(regs) <= DEVICE_REGS:
        raise InfoError(f"{what}: {len(regs)} register windows; a VMM takes 1 to "
                        f"{DEVICE_REGS}")
    if len(irqs) > DEVICE_IRQS:
        raise InfoError(f"{what}: {len(irqs)} interrupts; a VMM takes at most {DEVICE_IRQS}")
    for spi, flags, _ in irqs:
        if not 0 <= spi < SPI_MAX:
            raise InfoError(f"{what}: interrupt {spi + 32} is no SPI a VMM forwards "
                            f"(SPIs 0 to {SPI_MAX - 1}, interrupts 32 to {SPI_MAX + 31})")
        if flags not in (EDGE_RISING, LEVEL_HIGH):
            raise InfoError(f"{what}: interrupt {spi + 32} has trigger flags {flags}; an "
                            "SPI is edge-rising (1) or level-high (4)")


def pack_device(device, guest):
    """One struct cl_vmm_device: `device` has name (the node's), compatible (its
    strings), regs [(base, size)] and irqs [(spi, flags, slot of its handler)]."""
    check_device(device, guest)
    name = device["name"].encode()
    compatible = b"".join(c.encode() + b"\0" for c in device["compatible"])
    regs, irqs = device["regs"], device["irqs"]
    reg_words = [w for base, size in regs for w in (base, size)]
    reg_words += [0] * (2 * DEVICE_REGS - len(reg_words))
    irq_words = [w for spi, flags, slot in irqs for w in (spi, flags, slot, 0)]
    irq_words += [0] * (4 * DEVICE_IRQS - len(irq_words))
    return DEVICE.pack(name, compatible, len(compatible), len(regs), *reg_words, len(irqs),
                       0, *irq_words)
