"""The info page of a guest's VMM (kernel/include/uapi/cleave/vmm_info.h): what
`./cleave build` knows about a guest, packed in the C layout as the image entry
"<guest>.info"; the loader copies it into the frame the VMM maps at VMM_INFO_VADDR and
fills in the GIC version and the CPU count of the boot.

    data = vmminfo.pack(specification.guests["vm"], "vm")
"""

import struct

MAGIC = 0x314F464E494D4D56  # "VMMINFO1"
VERSION = 3
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
SIZE = 2912
assert DEVICE.size == 208 and HEAD.size + MAX_DEVICES * DEVICE.size + CMDLINE_MAX == SIZE
EDGE_RISING, LEVEL_HIGH = 1, 4  # the interrupt flags a passed-through SPI may have
SPI_MAX = 224  # the vGIC's 256 INTIDs less the 32 private ones


def irq_badge(device, irq):
    """CL_VMM_IRQ_BADGE: the badge of device `device`'s interrupt `irq` on the VMM's
    notification (bits 32 and up; the console's input has the low half)."""
    return 1 << (32 + device * DEVICE_IRQS + irq)
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
    """The guest cannot be described in an info page (the message says why)."""


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
    return head + packed + struct.pack(f"{CMDLINE_MAX}s", cmdline)


def pack_device(device, guest):
    """One struct cl_vmm_device: `device` has name (the node's), compatible (its
    strings), regs [(base, size)] and irqs [(spi, flags, slot of its handler)]."""
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
    reg_words = [w for base, size in regs for w in (base, size)]
    reg_words += [0] * (2 * DEVICE_REGS - len(reg_words))
    irq_words = [w for spi, flags, slot in irqs for w in (spi, flags, slot, 0)]
    irq_words += [0] * (4 * DEVICE_IRQS - len(irq_words))
    return DEVICE.pack(name, compatible, len(compatible), len(regs), *reg_words, len(irqs),
                       0, *irq_words)
