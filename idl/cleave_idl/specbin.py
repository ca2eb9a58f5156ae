"""The binary form of a capability specification, as the loader reads it: the records
of kernel/include/uapi/cleave/spec.h (docs/image.md). Object types and rights take
their numbers from idl/abi.yaml, the same file the kernel's are generated from.

    data = specbin.encode(specification, elf_entries)   # bytes
    fields = specbin.decode(data)                        # dicts, for tests and dumps

`elf_entries` maps each component instance to the index of its program's entry in the
image (tools/cleave/image.py); `entries` maps the image's entry names to their indices,
for the frames the loader fills from an entry (a guest's kernel, initrd and info page).
"""

import struct
from pathlib import Path

import yaml

MAGIC = 0x3130434550534C43  # "CLSPEC01"
NONE = 0xFFFFFFFF
KINDS = {"component": 1, "guest": 2, "loader": 3}
ATTRS = {"normal": 0, "device": 2}
DEVICE_FLAG = 1
GICV2_ONLY_FLAG = 2  # made only when the platform runs GICv2
# What the loader writes into a mapping's frame (by the mapping's fill, else its region).
FILL = {"image": 1, "bootinfo": 2, "payload": 3, "vmm_info": 4}

HEADER = struct.Struct("<QIIIIIIIIIIIIII")
OBJECT = struct.Struct("<IBBBBIIQ")
HOLDER = struct.Struct("<IBBBBIIIIIIIIII")
CAP = struct.Struct("<IIQQ")
MAPPING = struct.Struct("<IBBBBQ")
WINDOW = struct.Struct("<II")
SIZES = {"header": 64, "object": 24, "holder": 48, "cap": 24, "mapping": 16, "window": 8}

ABI = Path(__file__).resolve().parents[1] / "abi.yaml"


class SpecError(Exception):
    """The specification cannot be put in binary form (the message says why)."""


def abi_numbers():
    """({object type name: number}, {right name: bit}) from idl/abi.yaml (read once:
    the capability dump's check asks for every capability it reads)."""
    if not _ABI_NUMBERS:
        abi = yaml.safe_load(ABI.read_text(encoding="utf-8"))
        _ABI_NUMBERS.append(({o["name"]: o["number"] for o in abi["objects"]},
                             {r["name"]: r["bit"] for r in abi["rights"]}))
    types, rights = _ABI_NUMBERS[0]
    return dict(types), dict(rights)


_ABI_NUMBERS = []


class Strings:
    def __init__(self):
        self.data = bytearray()
        self.offsets = {}

    def add(self, text):
        if text not in self.offsets:
            self.offsets[text] = len(self.data)
            self.data += text.encode("utf-8") + b"\0"
        return self.offsets[text]


def fill_of(mapping):
    """A mapping's fill: its own, else by region (a program's image, a bootinfo page)."""
    if mapping.fill:
        return FILL[mapping.fill]
    return FILL[mapping.region] if mapping.region in ("image", "bootinfo") else 0


def encode(specification, elf_entries=None, entries=None):
    elf_entries, entries = elf_entries or {}, entries or {}
    types, bits = abi_numbers()
    strings = Strings()
    index = {o.name: n for n, o in enumerate(specification.objects)}

    def rights(names):
        return sum(1 << bits[r] for r in names)

    objects = []
    for obj in specification.objects:
        if obj.type not in types:
            raise SpecError(f"object '{obj.name}' is a {obj.type}, which this kernel "
                            f"does not have (idl/abi.yaml lists no '{obj.type}' objects)")
        # irq and notification: an IRQ handler's line and notification (paddr: the
        # badge it signals with); a vCPU's number and thread; a frame filled from the
        # image: the entry (paddr: the offset).
        irq, other, paddr = obj.irq or 0, NONE, obj.paddr or 0
        if obj.notification:
            other = index[obj.notification]
            paddr = obj.badge or 0  # an IRQ handler's: the badge its signals carry
        if obj.thread:
            irq, other = obj.index, index[obj.thread]
        if obj.source:
            if obj.source[0] not in entries:
                raise SpecError(f"object '{obj.name}' is filled from '{obj.source[0]}', "
                                "which the image does not hold")
            irq, paddr = entries[obj.source[0]], obj.source[1]
        flags = (DEVICE_FLAG if obj.device else 0) | (GICV2_ONLY_FLAG if obj.gic == 2 else 0)
        objects.append(OBJECT.pack(strings.add(obj.name), types[obj.type], obj.size_bits or 0,
                                   flags, 0, irq, other, paddr))

    holders, caps, mappings = [], [], []
    for holder in specification.holders:
        loader = holder.kind == "loader"
        own = (lambda suffix: NONE if loader else index[f"{holder.name}.{suffix}"])
        thread = "tcb" if holder.kind == "component" else "vcpu.0"
        first_cap, first_mapping = len(caps), len(mappings)
        for cap in holder.caps:
            caps.append(CAP.pack(cap.slot, index[cap.object], rights(cap.rights),
                                 cap.badge or 0))
        for mapping in holder.mappings:
            mappings.append(MAPPING.pack(
                index[mapping.object], rights(mapping.rights), ATTRS[mapping.attr],
                fill_of(mapping), 0,
                0xFFFFFFFFFFFFFFFF if mapping.vaddr is None else mapping.vaddr))
        holders.append(HOLDER.pack(
            strings.add(holder.name), KINDS[holder.kind], holder.priority or 0,
            holder.cpu or 0, holder.partition or 0, own("cnode"),
            holder.cnode_slots or 0, own(thread) if not loader else NONE, own("aspace"),
            elf_entries.get(holder.name, NONE), first_cap, len(holder.caps), first_mapping,
            len(holder.mappings), 0))

    windows = [WINDOW.pack(p, us) for p, us in specification.windows]
    name = strings.add(specification.system)
    tables = [objects, holders, caps, mappings, windows]
    offsets, at = [], HEADER.size
    for table in tables:
        offsets.append(at)
        at += sum(len(r) for r in table)
    strings_at = at
    size = strings_at + len(strings.data)
    header = HEADER.pack(MAGIC, size, len(objects), len(holders), len(caps), len(mappings),
                         len(windows), *offsets, strings_at, len(strings.data), name)
    return header + b"".join(b"".join(t) for t in tables) + bytes(strings.data)


def decode(data):
    """The specification's records as dicts (names resolved): for tests and dumps."""
    if len(data) < HEADER.size:
        raise SpecError("specification shorter than its header")
    (magic, size, n_obj, n_hold, n_cap, n_map, n_win, o_obj, o_hold, o_cap, o_map, o_win,
     o_str, n_str, name) = HEADER.unpack_from(data)
    if magic != MAGIC or size != len(data):
        raise SpecError("not a specification (bad magic or size)")

    def string(offset):
        end = data.index(b"\0", o_str + offset)
        return data[o_str + offset:end].decode("utf-8")

    def table(record, at, count):
        return [record.unpack_from(data, at + i * record.size) for i in range(count)]

    objects = [dict(name=string(r[0]), type=r[1], size_bits=r[2], flags=r[3], irq=r[5],
                    notification=r[6], paddr=r[7]) for r in table(OBJECT, o_obj, n_obj)]
    caps = [dict(slot=r[0], object=objects[r[1]]["name"], rights=r[2], badge=r[3])
            for r in table(CAP, o_cap, n_cap)]
    mappings = [dict(object=objects[r[0]]["name"], rights=r[1], attr=r[2], image=r[3],
                     vaddr=r[5]) for r in table(MAPPING, o_map, n_map)]
    holders = []
    for r in table(HOLDER, o_hold, n_hold):
        holders.append(dict(name=string(r[0]), kind=r[1], priority=r[2], cpu=r[3],
                            partition=r[4], cnode_slots=r[6], elf=r[9],
                            caps=caps[r[10]:r[10] + r[11]],
                            mappings=mappings[r[12]:r[12] + r[13]]))
    return dict(system=string(name), objects=objects, holders=holders,
                windows=table(WINDOW, o_win, n_win))
