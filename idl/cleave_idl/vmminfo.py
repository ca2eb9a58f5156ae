"""The info page of a guest's VMM (kernel/include/uapi/cleave/vmm_info.h): what
`./cleave build` knows about a guest, packed in the C layout as the image entry
"<guest>.info"; the loader copies it into the frame the VMM maps at VMM_INFO_VADDR and
fills in the GIC version and the CPU count of the boot.

    data = vmminfo.pack(specification.guests["vm"], "vm")
"""

import struct

MAGIC = 0x314F464E494D4D56  # "VMMINFO1"
VERSION = 2
NAME_MAX = 40
CMDLINE_MAX = 1024
MAX_VCPUS = 4
LAYOUT = struct.Struct(f"<QII{NAME_MAX}s7Q4I{MAX_VCPUS}I{MAX_VCPUS}I4Q6I{CMDLINE_MAX}s")
SIZE = 1240
assert LAYOUT.size == SIZE
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
    return LAYOUT.pack(
        MAGIC, VERSION, SIZE, encoded_name,
        guest["ram_ipa"], guest["ram_size"], guest["ram_vaddr"], guest["kernel_vaddr"],
        guest["kernel_size"], guest["initrd_vaddr"], guest["initrd_size"],
        guest["vcpus"], COHERENCE[guest["coherence"]], guest["slot_exits"],
        guest["slot_guest_aspace"], *guest["slot_vcpus"], *pad, *guest["slot_tcbs"], *pad,
        guest["gicd_ipa"], guest["gicc_ipa"], guest["gicr_ipa"], guest["uart_ipa"],
        guest["uart_spi"], 0, 0, policy_word(guest), guest.get("slot_console", 0),
        guest.get("slot_console_input", 0), cmdline)
