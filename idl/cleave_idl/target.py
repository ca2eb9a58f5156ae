"""The platform a description is checked against: RAM, CPUs, the kernel's own devices
(platforms/<name>/platform.yaml) and the devices of its device tree.

The device tree is the one QEMU gives the board: QEMU dumps it once (`dumpdtb=`), as the
unit tests' build does, and the dump is kept under build/ keyed by the command that made
it, so only the first check on a machine pays the ~0.2 s.
"""

import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .model import DeviceNode

GIC_SPI_BASE = 32
GIC_PPI_BASE = 16


class TargetError(Exception):
    """The platform cannot be read; the message is one line."""


@dataclass
class Target:
    name: str
    ram_base: int
    ram_size: int
    cpus_max: int
    kernel_devices: tuple = ()  # (name, base, size) the kernel maps for itself
    gicv: int = None  # GICv2's virtual CPU interface (GICV), which guests' VMMs map
    nodes: list = field(default=None)  # DeviceNodes; None: no tree, device checks skip

    def node_at(self, path):
        return next((n for n in self.nodes if n.path == path), None)

    def compatible_with(self, compatible):
        return [n for n in self.nodes if compatible in n.compatible]

    def kernel_device_irqs(self, name):
        """The interrupt IDs of the kernel's own device `name` in the device tree (the
        console UART's, for `authority { console_input; }`); () when not known."""
        for node in self.nodes or ():
            if self.kernel_device_at(node) == name and node.irqs:
                return tuple(node.irqs)
        return ()

    def kernel_device_at(self, node):
        """The name of the kernel's device whose window holds one of `node`'s regs."""
        for name, base, size in self.kernel_devices:
            if any(base <= reg_base < base + size for reg_base, _ in node.regs):
                return name
        return None


def load(platform_yaml, cache_dir, with_tree=True):
    """The Target described by `platform_yaml`; the device tree is dumped into (or read
    from) `cache_dir` when `with_tree`."""
    data = read_yaml(platform_yaml)
    try:
        memory = data["memory"]
        target = Target(
            name=data["name"], ram_base=int(memory["base"]), ram_size=int(memory["size"]),
            cpus_max=int(data["cpus_max"]),
            kernel_devices=tuple((d["name"], int(d["base"]), int(d["size"]))
                                 for d in data.get("devices") or ()),
            gicv=((data.get("gic") or {}).get("v2") or {}).get("vcpu"),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise TargetError(f"{platform_yaml}: missing or bad field {err}") from None
    if with_tree:
        target.nodes = read_nodes(dump_dtb(data, Path(cache_dir)).read_bytes())
    return target


def read_yaml(path):
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise TargetError(f"cannot read {path}: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise TargetError(f"{path}: not valid YAML: {' '.join(str(err).split())}") from None
    if not isinstance(data, dict):
        raise TargetError(f"{path}: expected a mapping at the top")
    return data


def qemu_dump_command(data, out):
    """QEMU's command that writes the board's device tree to `out`: the platform's
    machine with its newest GIC (the device set does not depend on the CPU model)."""
    qemu = data.get("qemu") or {}
    machine = qemu.get("machine", "virt,virtualization=on")
    gic = max(qemu.get("gics") or [3])
    cpu_name = (qemu.get("default") or {}).get("cpu", "cortex-a57")
    cpu = (qemu.get("cpus") or {}).get(cpu_name, cpu_name)
    return [qemu.get("binary", "qemu-system-aarch64"),
            "-M", f"{machine},{qemu.get('gic_option', 'gic-version')}={gic},dumpdtb={out}",
            "-cpu", cpu, "-m", str(qemu.get("memory_mib", 256)),
            "-display", "none", "-monitor", "none", "-serial", "none"]


def dump_dtb(data, cache_dir):
    """The cached dump for this platform, making it first if needed."""
    key = hashlib.sha256(" ".join(qemu_dump_command(data, "")).encode()).hexdigest()[:12]
    path = cache_dir / f"{data.get('name', 'platform')}-{key}.dtb"
    if path.is_file():
        return path
    command = qemu_dump_command(data, "")
    if shutil.which(command[0]) is None:
        raise TargetError(f"{command[0]} is missing: it gives {data.get('name')}'s device "
                          "tree (./cleave test installs it)")
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Dump to a private name, then rename: two checks at once never read half a file.
    fd, tmp = tempfile.mkstemp(suffix=".dtb", dir=cache_dir)
    os.close(fd)
    try:
        result = subprocess.run(qemu_dump_command(data, tmp), capture_output=True, text=True,
                                timeout=60, stdin=subprocess.DEVNULL, check=False)
        if result.returncode != 0 or os.path.getsize(tmp) == 0:
            why = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise TargetError(f"QEMU could not dump {data.get('name')}'s device tree: {why}")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def read_nodes(blob):
    """Every node of a flattened device tree as a DeviceNode (path, compatible strings,
    reg windows, GIC interrupt IDs)."""
    try:
        import libfdt
    except ImportError:
        raise TargetError("python3-libfdt is missing (./cleave test installs it)") from None
    fdt = libfdt.Fdt(blob)
    nodes, stack = [], []  # stack: (name, address_cells, size_cells) of the ancestors
    offset, depth = 0, 0
    while True:
        name = fdt.get_name(offset)
        props = properties(fdt, offset)
        del stack[depth:]
        parent_cells = stack[-1][1:] if stack else (2, 1)
        path = "/" + "/".join([s[0] for s in stack[1:]] + [name]) if depth else "/"
        stack.append((name, cells(props, "#address-cells", 2), cells(props, "#size-cells", 1)))
        compatible = props.get("compatible", b"").decode(errors="replace")
        specs = tuple(parse_interrupts(props.get("interrupts", b"")))
        nodes.append(DeviceNode(
            path=path,
            compatible=tuple(s for s in compatible.split("\0") if s),
            regs=tuple(parse_reg(props.get("reg", b""), *parent_cells)),
            irqs=tuple(irq for irq, _ in specs),
            irq_flags=tuple(flags for _, flags in specs),
        ))
        result = fdt.next_node(offset, depth, (libfdt.NOTFOUND,))
        if isinstance(result, int):  # an error code
            break
        offset, depth = result
        if depth <= 0:  # the walk left the root: that was the last node
            break
    return nodes


def properties(fdt, offset):
    """A node's properties by name. (Not getprop: in Debian 12's binding, getprop on a
    missing property drops a reference to None and Python aborts at exit.)"""
    import libfdt

    found = {}
    offset = fdt.first_property_offset(offset, (libfdt.NOTFOUND,))
    while offset >= 0:
        prop = fdt.get_property_by_offset(offset)
        found[prop.name] = bytes(prop)
        offset = fdt.next_property_offset(offset, (libfdt.NOTFOUND,))
    return found


def cells(props, name, default):
    raw = props.get(name, b"")
    return struct.unpack(">I", raw)[0] if len(raw) == 4 else default


def parse_reg(raw, address_cells, size_cells):
    words = struct.unpack(f">{len(raw) // 4}I", raw)
    step = address_cells + size_cells
    for i in range(0, len(words) - step + 1, step):
        yield (join_cells(words[i:i + address_cells]),
               join_cells(words[i + address_cells:i + step]))


def join_cells(words):
    value = 0
    for word in words:
        value = (value << 32) | word
    return value


def parse_interrupts(raw):
    """(GIC interrupt ID, flags) of each interrupt of an `interrupts` property. Every
    interrupt on the boards we know goes to the GIC, whose specifier is three cells:
    type (0 SPI, 1 PPI), number, flags (trigger type in bits 3:0)."""
    words = struct.unpack(f">{len(raw) // 4}I", raw)
    if len(words) % 3:
        return
    for i in range(0, len(words), 3):
        kind, number, flags = words[i], words[i + 1], words[i + 2]
        yield number + (GIC_SPI_BASE if kind == 0 else GIC_PPI_BASE), flags
