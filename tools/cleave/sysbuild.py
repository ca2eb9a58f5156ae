"""`./cleave build SYSTEM`: from a system description to one bootable image.

1. check the description (syscheck.load), generate each component's C glue;
2. compile each component instance (its C file and its glue) with the compiler, flags
   and runtime the CMake build uses for native programs (component_build.json);
3. build the capability specification with the programs' segments, check the authority
   assertions on it again, encode it (cleave_idl/specbin.py);
4. pack the kernel-and-loader image, the specification, the programs and the guests'
   payloads into one file (image.py), print what it holds and the authority report.

Everything generated goes to build/systems/<system>/<platform>/.
"""

import json
import sys
import struct
import subprocess
from pathlib import Path

from . import build, image, syscheck
from .errors import CleaveError
from .paths import BUILD, shown
from .progress import say, step

PT_LOAD = 1
COHERENCE = ("dc", "clean")  # the guests' coherence policies (docs/vmm.md)
PF_X, PF_W, PF_R = 1, 2, 4


def elf_segments(data, name):
    """[(vaddr, memsz, rights)] of a 64-bit little-endian ELF's loadable segments."""
    if len(data) < 64 or data[:6] != b"\x7fELF\x02\x01":
        raise CleaveError(f"{name}: not a 64-bit little-endian ELF")
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    segments = []
    for n in range(phnum):
        ptype, flags, _, vaddr, _, _, memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + n * phentsize)
        if ptype == PT_LOAD and memsz:
            rights = [r for r, bit in (("read", PF_R), ("write", PF_W), ("exec", PF_X))
                      if flags & bit]
            segments.append((vaddr, memsz, rights))
    return segments


def loc_text(loc):
    return f"{loc.file}:{loc.line}:{loc.col}"


def component_source(inst):
    """The C file of a component instance: its `source` setting, or <type>.c, next to
    the file that declares the component."""
    decl = inst.decl
    folder = Path(decl.loc.file).parent
    name = decl.source or f"{decl.name.lower()}.c"
    path = folder / name
    if not path.is_file():
        where = decl.setting_loc("source") or decl.loc
        hint = "" if decl.source else " (say where it is with: source \"FILE.c\";)"
        raise CleaveError(f"{loc_text(where)}: component {decl.name}: its C file {path} "
                          f"does not exist{hint}")
    return path


def prebuilt(inst, platform_name):
    """`program "NAME";`: a program the CMake build makes with cleave_program (its own
    sources, no glue: it uses the fixed slots), e.g. the kernel test suite."""
    decl = inst.decl
    path = BUILD / "aarch64" / platform_name / "programs" / f"{decl.program}.elf"
    if not path.is_file():
        raise CleaveError(f"{loc_text(decl.setting_loc('program'))}: component {decl.name}: "
                          f"the build makes no program '{decl.program}' ({shown(path)})")
    return path.read_bytes()


# The VMM programs the CMake build makes (personalities/vmm/server/CMakeLists.txt): the
# one every normal image holds, its audit build, and the test-only broken audit builds
# (the audit's system test audit/break-pou), which only an audit image may hold.
VMM = "vmm"
AUDIT_KERNEL = "cleave-loader-audit.bin"
AUDIT_VMMS = ("vmm-audit", "vmm-audit-break-pou")


def vmm_program(platform_name, name=VMM, kernel="cleave-loader.bin"):
    """The per-guest VMM (personalities/vmm/server) `name`, as the CMake build made it."""
    if name != VMM and (name not in AUDIT_VMMS or kernel != AUDIT_KERNEL):
        raise CleaveError(f"the VMM program {name} goes only into images on the audit "
                          f"kernel ({AUDIT_KERNEL}), not on {kernel}")
    path = BUILD / "aarch64" / platform_name / "programs" / f"{name}.elf"
    if not path.is_file():
        raise CleaveError(f"the build made no VMM ({shown(path)}); a guest needs one")
    return path.read_bytes()


class Compiler:
    def __init__(self, platform_name):
        path = BUILD / "aarch64" / platform_name / "component_build.json"
        try:
            self.conf = json.loads(path.read_text())
        except (OSError, ValueError) as err:
            raise CleaveError(f"cannot read {shown(path)} ({err}); the build made no "
                              "component settings") from None

    def program(self, name, sources, include, out):
        c = self.conf
        objs = []
        for src in sources:
            obj = out.parent / f"{name}-{Path(src).stem}.o"
            # CL_GLUE_H and CL_INSTANCE let one C file serve several instances of its
            # component: `#include CL_GLUE_H`.
            self.run([c["cc"], *c["cflags"], *[f"-I{i}" for i in [include, *c["includes"]]],
                      f'-DCL_GLUE_H="{name}_glue.h"', f'-DCL_INSTANCE="{name}"',
                      "-c", str(src), "-o", str(obj)], name)
            objs.append(str(obj))
        self.run([c["cc"], *c["ldflags"], f"-Wl,-T,{c['linker_script']}", *objs,
                  c["runtime"], "-lgcc", "-o", str(out)], name)
        return out.read_bytes()

    @staticmethod
    def run(argv, name):
        proc = subprocess.run(argv, capture_output=True, text=True, errors="replace")
        if proc.returncode != 0:
            # The compiler's own lines first (file:line:col, as it prints them), then
            # the one closing line.
            sys.stdout.flush()
            sys.stderr.write(proc.stderr)
            sys.stderr.flush()
            first = next((line for line in proc.stderr.splitlines() if "error" in line),
                         "see above")
            raise CleaveError(f"compiling component {name} failed: {first.strip()}")


def guest_payloads(model):
    """Image entries of the guests' kernels and initrds (files named in the
    description, relative to the file that declares the guest)."""
    entries = []
    for inst in model.system.instances:
        if inst.kind != "guest":
            continue
        decl = inst.decl
        if not decl.kernel:
            raise CleaveError(f"{loc_text(decl.loc)}: guest {decl.name}: no kernel to boot "
                              "(say which with: kernel \"FILE\";)")
        for setting, kind in (("kernel", "guest-kernel"), ("initrd", "guest-initrd")):
            value = getattr(decl, setting)
            if not value:
                continue
            path = Path(decl.loc.file).parent / value
            where = decl.setting_loc(setting) or decl.loc
            try:
                data = path.read_bytes()
            except OSError as err:
                raise CleaveError(f"{loc_text(where)}: guest {inst.name}: cannot read its "
                                  f"{setting} {path}: {err.strerror}") from None
            entries.append(image.Entry(f"{inst.name}.{setting}", kind, data))
    return entries


def pack(kernel_data, entries, flags, quiet=True):
    """image.pack, and when the image is too large with a copy of its own for each
    kernel run in place (`alone`), again with those kernels stored once: the loader
    then copies each into its guest's RAM, which stays correct, only slower to boot."""
    try:
        return image.pack(kernel_data, entries, flags)
    except image.ImageError:
        alone = [e for e in entries if e.alone]
        if not alone:
            raise
    for entry in alone:
        entry.alone = False
    data = image.pack(kernel_data, entries, flags)
    if not quiet:
        say(f"the image holds {', '.join(e.name for e in alone)} once with the guests of "
            "the same kernel, too large otherwise; their loader copies them into RAM")
    return data


def text_offsets(payloads):
    """{entry: text_offset} of the guest kernels whose arm64 Image header reads (a guest
    whose kernel has none is refused by its VMM, with the reason)."""
    offsets = {}
    for entry in payloads:
        if entry.kind == "guest-kernel":
            try:
                offsets[entry.name] = image.kernel_layout(entry.data, alone=False)[0]
            except image.ImageError:
                pass
    return offsets


def build_system(system, platform_name, output=None, dump_caps=False, quiet=False,
                 kernel="cleave-loader.bin", out_suffix="", vmm=VMM, coherence=None):
    """Build SYSTEM's image for the platform; returns (path, model, specification,
    report). `quiet` prints nothing but errors (the test runner's builds). `kernel`
    is the kernel and loader image the payload is appended to (the audit's is
    cleave-loader-audit.bin; its image is then NAME`out_suffix`.img), `vmm` the VMM
    program every guest gets (an audit one only on the audit kernel). `coherence`
    ("dc" or "clean") replaces every guest's coherence policy (the audit's runs)."""
    tell = (lambda *_: None) if quiet else say
    if coherence is not None and coherence not in COHERENCE:
        raise CleaveError(f"coherence {coherence}: the policies are {', '.join(COHERENCE)}")
    if not quiet:
        build.build()
    model, target, specification, report, diags = syscheck.load(system, platform_name)
    syscheck.raise_on_errors(system, diags)
    name = model.system.name
    out_dir = BUILD / "systems" / name / platform_name
    glue_dir = out_dir / "glue"
    out_dir.mkdir(parents=True, exist_ok=True)
    from cleave_idl import glue, specbin, vmminfo
    from cleave_idl import spec as capspec
    files = glue.render(model, specification, diags)
    syscheck.raise_on_errors(system, diags)
    glue.write(files, glue_dir)

    compiler = Compiler(platform_name)
    programs, images = {}, {}
    for inst in model.system.instances:
        if inst.kind == "guest":
            # Each guest's VMM runs the program the CMake build makes from
            # personalities/vmm (the same bytes, stored once in the image).
            data = vmm_program(platform_name, vmm, kernel)
            programs[inst.name + capspec.VMM_SUFFIX] = data
            images[inst.name + capspec.VMM_SUFFIX] = elf_segments(data, "vmm")
        if inst.kind != "component":
            continue
        if inst.decl.program:
            data = prebuilt(inst, platform_name)
        else:
            if not quiet:
                step(f"compiling component {inst.name} ({inst.type})")
            data = compiler.program(inst.name, [component_source(inst),
                                                glue_dir / f"{inst.name}_glue.c"],
                                    glue_dir, out_dir / f"{inst.name}.elf")
        programs[inst.name] = data
        images[inst.name] = elf_segments(data, inst.name)

    payloads = guest_payloads(model)
    model, target, specification, report, diags = syscheck.load(
        system, platform_name, images, {e.name: len(e.data) for e in payloads},
        text_offsets(payloads))
    syscheck.raise_on_errors(system, diags)
    # A kernel its guest runs in place is its RAM: stored for that guest alone.
    alone = {f"{g}.kernel" for g, info in specification.guests.items()
             if info.get("kernel_in_place")}
    for entry in payloads:
        entry.alone = entry.name in alone
    if coherence is not None:
        for info in specification.guests.values():
            info["coherence"] = coherence
    entries = [image.Entry("spec", "spec", b"")]
    elf_entries = {}
    for inst_name, data in programs.items():
        elf_entries[inst_name] = len(entries)
        entries.append(image.Entry(inst_name, "elf", data))
    entries += payloads
    for guest, info in specification.guests.items():
        try:
            entries.append(image.Entry(f"{guest}.info", "vmm-info", vmminfo.pack(info, guest)))
        except vmminfo.InfoError as err:
            raise CleaveError(f"{system}: {err}") from None
    try:
        entries[0].data = specbin.encode(specification, elf_entries,
                                         {e.name: n for n, e in enumerate(entries)})
    except specbin.SpecError as err:
        raise CleaveError(f"{system}: {err}") from None
    (out_dir / "spec.json").write_text(specification.to_json())
    kernel_data = build.image(platform_name, kernel).read_bytes()
    try:
        data = pack(kernel_data, entries, image.FLAG_DUMP_CAPS if dump_caps else 0, quiet)
    except image.ImageError as err:
        raise CleaveError(f"{system}: {err}") from None
    path = Path(output) if output else out_dir / f"{name}{out_suffix}.img"
    try:
        path.write_bytes(data)
    except OSError as err:
        raise CleaveError(f"cannot write {path}: {err.strerror}") from None
    tell(f"wrote {shown(path)}: system '{name}' for {platform_name}, "
         f"{image.size_text(len(data))}")
    for line in image.describe(data):
        tell(line)
    for entry in entries:
        if entry.alone:
            tell(f"  {entry.name} runs in place, as its guest's RAM (it never restarts; "
                 "docs/image.md)")
    tell("\n".join(syscheck.authority_lines(report)))
    return path, model, specification, report


def smp_needed(model):
    """CPUs a system needs: one more than the highest `cpu` any component asks for."""
    cpus = [getattr(i.decl, "cpu", 0) or 0 for i in model.system.instances]
    return max(cpus, default=0) + 1


def memory_mib_needed(model, image_size):
    """MiB of RAM a system needs: its image (once as loaded, once more for the guest
    files the loader copies into frames), every guest's RAM, and room for the kernel,
    the loader and the components' objects; in 64 MiB steps."""
    guests = sum(i.decl.memory for i in model.system.instances if i.kind == "guest")
    need = 2 * image_size + guests + (96 << 20)
    return -(-need // (64 << 20)) * 64
