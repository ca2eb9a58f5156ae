"""The `check` verb: read a system description, run every check against a platform,
print the problems (idl/cleave_idl's format: FILE:LINE:COL, the line, a caret, a hint)
or a short summary.

The language lives in idl/cleave_idl so that the generator can use it without the
command; this module only adapts it to the command's ways (exit codes, one closing
`cleave: error:` line).
"""

import os
import sys
from collections import Counter
from pathlib import Path

from . import platform as platforms
from .errors import CleaveError, UsageError
from .paths import BUILD, PLATFORMS, ROOT

IDL = ROOT / "idl"
DTB_CACHE = BUILD / "dtb"  # QEMU's device-tree dumps, one per platform and QEMU command


def idl():
    if str(IDL) not in sys.path:
        sys.path.insert(0, str(IDL))
    try:
        import cleave_idl
    except ImportError as err:
        raise CleaveError(f"python module {err.name} is missing "
                          "(python3-lark; ./cleave test installs it)") from None
    return cleave_idl


def load(system, platform_name, images=None, payloads=None, text_offsets=None):
    """Read and check `system` on `platform_name`: (model, target, specification,
    report, diags). Problems in the description are printed and raised as one
    CleaveError; `images` (instance: ELF segments), `payloads` (a guest's kernel
    and initrd entry: size) and `text_offsets` (a guest kernel's entry: its Image's
    text_offset) complete the specification."""
    path = Path(system)
    if not path.is_file():
        raise UsageError(f"SYSTEM {system}: no such file")
    platforms.load(platform_name)  # a UsageError that names the known platforms
    cleave_idl = idl()
    try:
        target = cleave_idl.target.load(PLATFORMS / platform_name / "platform.yaml",
                                        DTB_CACHE)
        spec, diags = cleave_idl.check_file(path, target, shown=os.path.normpath(system))
    except cleave_idl.TargetError as err:
        raise CleaveError(str(err)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise CleaveError(f"cannot read {system}: {getattr(err, 'strerror', None) or err}"
                          ) from None
    specification = report = None
    if not diags.errors:
        # The capability specification, and the assertions checked again on it: what
        # the loader will hand out must honour them too (cleave_idl/authority.py).
        from cleave_idl import authority, vmminfo, spec as capspec
        try:
            specification = capspec.build(spec, target, images, payloads, text_offsets)
        except vmminfo.InfoError as err:
            if err.loc is None:
                raise CleaveError(f"{os.path.normpath(system)}: {err}") from None
            diags.error(err.loc, str(err))
            return spec, target, None, None, diags
        report = authority.analyse(specification)
        authority.check_assertions(spec.system, report, diags)
    return spec, target, specification, report, diags


def raise_on_errors(system, diags):
    """Print the diagnostics; one CleaveError line when there are errors."""
    sys.stdout.flush()
    sys.stderr.write(diags.render_all())
    sys.stderr.flush()
    if diags.errors:
        raise CleaveError(f"{os.path.normpath(system)}: {counted(len(diags.errors), 'error')}"
                          f"{', ' + counted(len(diags.warnings), 'warning') if diags.warnings else ''}")


def run(system, platform_name, spec_file=None, glue_dir=None):
    """Check `system` on `platform_name`; prints the summary and the authority report,
    raises on errors. With `spec_file`, writes the capability specification (JSON); with
    `glue_dir`, every component instance's C glue (cleave_idl/glue.py)."""
    if glue_dir is not None:
        if not Path(system).is_file():
            raise UsageError(f"SYSTEM {system}: no such file")
        check_glue_dir(glue_dir)
    spec, target, specification, report, diags = load(system, platform_name)
    cleave_idl = idl()
    glue_files = None
    if glue_dir is not None and not diags.errors:
        from cleave_idl import glue
        glue_files = glue.render(spec, specification, diags)
    raise_on_errors(system, diags)
    if spec_file is not None:
        try:
            Path(spec_file).write_text(specification.to_json())
        except OSError as err:
            raise CleaveError(f"cannot write {spec_file}: {err.strerror}") from None
    if glue_files is not None:
        try:
            from cleave_idl import glue
            glue.write(glue_files, glue_dir)
        except OSError as err:
            raise CleaveError(f"cannot write {glue_dir}: {err.strerror}") from None
    print("\n".join(summary(spec, target, cleave_idl) + authority_lines(report)))
    if glue_files is not None:
        print(f"  glue:        {len(glue_files)} files in {glue_dir}")


def check_glue_dir(glue_dir):
    """Generated code goes to a build folder: not into the source tree (build/ is fine,
    and so is any folder outside the tree)."""
    where = Path(glue_dir).resolve()
    root, build = ROOT.resolve(), BUILD.resolve()
    inside = where == root or root in where.parents
    if inside and not (where == build or build in where.parents):
        raise UsageError(f"--glue {glue_dir}: generated code does not go into the source "
                         "tree; use a folder under build/ or outside the tree")


def counted(n, noun):
    return f"{n} {noun}{'' if n == 1 else 's'}"


def summary(spec, target, cleave_idl):
    from cleave_idl.checks.resources import size_text, system_memory

    system = spec.system
    comps = [i for i in system.instances if i.kind == "component"]
    guests = [i for i in system.instances if i.kind == "guest"]
    kinds = Counter(c.kind for c in system.connections)
    parts = sorted({getattr(i.decl, "partition", 0) for i in system.instances} |
                   {w.partition for s in system.schedules for w in s.windows})
    devices = [f"{d.name} ({d.node.path})" if d.node else d.name for d in spec.devices]
    schedule = system.schedule
    frame = (f"; windows {', '.join(f'{w.partition}:{w.length_us // 1000}ms' for w in schedule.windows)}"
             if schedule else "; no schedule: partition 0 always runs")
    return [
        f"{spec.root}: system '{system.name}' passes every check on {target.name}",
        "  components:  " + listing(comps, lambda i: f"{i.name} ({i.type})"),
        "  guests:      " + listing(guests, lambda i: f"{i.name} ({i.type})"),
        "  connections: " + (f"{len(system.connections)} (" + ", ".join(
            f"{n} {k}" for k, n in sorted(kinds.items())) + ")" if kinds else "0"),
        "  devices:     " + listing(devices, str),
        "  partitions:  " + ", ".join(map(str, parts)) + frame,
        f"  memory:      {size_text(system_memory(system))} of "
        f"{size_text(target.ram_size)}",
    ]


def authority_lines(report):
    """The matrix of authority.Report: the row can affect the column."""
    return (["  authority:   row can affect column (s send, n signal, m shared memory, "
             "c control, . none)"] + report.table(indent="    "))


def listing(items, show):
    return f"{len(items)}" + (": " + ", ".join(show(i) for i in items) if items else "")
