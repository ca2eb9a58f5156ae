"""docs/abi.md, the ABI reference, from the same model as the headers."""

import textwrap

from .model import KINDS, MAX_ARGS, MSGINFO_FIELDS


WIDTH = 90


def _reflow(md):
    """Paragraphs and list items rewrapped to WIDTH; headings, tables and comments kept."""
    blocks = []
    for block in md.split("\n\n"):
        if block.startswith(("#", "|", "<!--")):
            blocks.append(block)
        elif block.startswith("- "):
            items = ("\n" + block).split("\n- ")[1:]
            blocks.append("\n".join(textwrap.fill(" ".join(i.split()), WIDTH, initial_indent="- ",
                                                   subsequent_indent="  ", break_long_words=False,
                                                   break_on_hyphens=False) for i in items))
        else:
            blocks.append(textwrap.fill(" ".join(block.split()), WIDTH, break_long_words=False,
                                        break_on_hyphens=False))
    return "\n\n".join(blocks)


def _cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _bytes(bits):
    for unit, shift in (("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if bits >= shift:
            return f"{1 << (bits - shift)} {unit}"
    return f"{1 << bits} B"


def _size(o):
    if o.size == "arg":
        return f"2^size_bits bytes, size_bits {o.min}..{o.max} ({_bytes(o.min)} to {_bytes(o.max)})"
    if o.size == "none":
        return "none: not made by retype"
    return f"2^{o.size} bytes ({_bytes(o.size)})"


def _unknown_syscall_fault(abi):
    for f in abi.faults:
        if f.name == "unknown_syscall":
            return f" (fault label `{f.label:#x}`, see [Fault messages](#fault-messages))"
    return ""


def _convention(abi):
    last = max(s.value for s in abi.syscalls)
    return f"""## Register convention

A thread at EL0 makes a system call with `svc #imm`, where `imm` is `{abi.svc_base:#x}`
(`CL_SVC_BASE`) plus the system call's number, so `{abi.svc_base:#x}` to
`{abi.svc_base + last:#x}` today. Any other SVC immediate is an unknown system call: the
kernel delivers it to the thread's fault handler{_unknown_syscall_fault(abi)}. That is how a
program written for another system, such as a musl `svc #0`, reaches a handler that can
emulate it.

On entry, x0 holds a capability pointer: the index of a slot in the caller's root CNode,
naming the endpoint, notification or kernel object the call is for. x1 holds the message
info (below), x2 to x5 the message registers MR0 to MR3, and x6 a second capability
pointer: on a send, the capability to transfer; on a receive, the empty slot where a
received capability lands.

On return, x0 holds an error code (`CL_OK` is 0), x1 the message info of what arrived,
x2 to x5 MR0 to MR3, and x6 the badge of the capability the message came through. The
kernel preserves every register it does not return in: x7 to x30, sp, the FP/SIMD
registers and the condition flags are as the thread left them, so the stubs in
`cleave/syscalls.h` name only x0 to x6 (and memory) in their inline assembly. (Native
components may not use FP/SIMD yet: the first such instruction is delivered to the
fault handler as a fault.)

TPIDRRO_EL0, read-only at EL0, holds the logical index of the CPU the thread is running
on.

{_table(["Register", "On entry", "On return"], [
        ["x0", "capability pointer", "error code (`enum cl_error`)"],
        ["x1", "message info", "message info"],
        ["x2..x5", "MR0..MR3", "MR0..MR3"],
        ["x6", "capability pointer: the cap to send, or the slot to receive one into",
         "badge"],
        ["x7..x30, sp, FP/SIMD, NZCV", "-", "preserved"],
    ])}"""


def _msginfo(abi):
    rows = [[f"{f.hi}:{f.lo}" if f.width > 1 else str(f.lo), f.name, f.doc]
            for f in sorted(abi.msginfo.values(), key=lambda f: f.lo)]
    args = ", ".join(MSGINFO_FIELDS)
    return f"""## Message info

x1 carries the message info in both directions. Build it with
`cl_msginfo({args})` and take it apart with `cl_msginfo_label(info)`,
`cl_msginfo_length(info)` and `cl_msginfo_cap(info)`; bits not listed are zero.

{_table(["Bits", "Field", "Meaning"], rows)}"""


def _invocation(v):
    call = ", ".join(["obj"] + [a.name for a in v.args])
    out = [f"#### {v.full}", "", f"Label {v.label} (`{v.c}`). {v.doc}", "",
           f"`cl_{v.full}({call})`", ""]
    if v.args:
        out.append(_table(["MR", "Argument", "Kind", "C index"],
                          [[f"MR{i}", a.name, a.kind, f"`{a.c}`"]
                           for i, a in enumerate(v.args)]))
    else:
        out += ["No arguments.", ""]
    errors = ", ".join(f"`{e.name}`" for e in v.errors) or "none beyond the common ones"
    out += [f"Errors: {errors}.", ""]
    return "\n".join(out)


def _invocations(abi):
    kinds = "\n".join(f"- `{name}`: {what}." for name, what in KINDS.items())
    common = ", ".join(f"`{n}`" for n in ("INVALID_CAP", "WRONG_TYPE", "UNKNOWN_LABEL")
                       if any(e.name == n for e in abi.errors))
    first = abi.invocations[0]
    example = f"cl_{first.full}({', '.join(['obj'] + [a.name for a in first.args])})"
    out = [f"""## Invocations

An invocation is a `call` on a capability to a kernel object, with the invocation's
label and argument count in the message info and the arguments in MR0 to MR{MAX_ARGS - 1},
in order. Results come back in MR0 to MR{MAX_ARGS - 1}. Each argument is one of:

{kinds}

Besides the errors listed with each invocation, any invocation can return {common} for
the invoked capability itself. `cleave/syscalls.h` has a stub for each, such as
`{example}`, which fills in the message info.
"""]
    summary = [[v.label, f"[{v.full}](#{v.full})", ", ".join(a.name for a in v.args) or "-"]
               for v in abi.invocations]
    out.append(_table(["Label", "Invocation", "Arguments"], summary))
    for o in abi.objects:
        invs = [v for v in abi.invocations if v.obj is o]
        if invs:
            out.append(f"### {o.name}\n")
            out += [_invocation(v) for v in invs]
    return "\n".join(out)


def _faults(abi):
    if not abi.faults:
        return "## Fault messages\n\nThe ABI defines none.\n"
    example = next((c for f in abi.faults for _, c in f.mrs), abi.faults[0].c)
    rows = [[f"`{f.label:#x}`", f.name, f"`{f.c}`"]
            + [m for m, _ in f.mrs] + ["-"] * (MAX_ARGS - len(f.mrs)) + [f.doc]
            for f in abi.faults]
    return f"""## Fault messages

When a thread faults, the kernel sends its fault endpoint a message with one of these
labels and the values below in MR0 to MR3; `CL_FAULT_<NAME>_<MR>` gives each value's
index (for example `{example}`).

{_table(["Label", "Fault", "C name", "MR0", "MR1", "MR2", "MR3", "Meaning"], rows)}"""


def markdown(abi):
    sections = [f"""# The system-call ABI

<!-- Generated from idl/abi.yaml by tools/gen_abi.py. Do not edit by hand. -->

This page is generated from `idl/abi.yaml` by `tools/gen_abi.py`; do not edit it by
hand. Change the YAML, then run `tools/gen_abi.py --docs docs/abi.md`; the tests fail
while this page is out of date.

ABI version {abi.version} (`CL_ABI_VERSION`). The C names come from `cleave/abi.h`,
shared by the kernel and EL0 programs, and the stubs from `cleave/syscalls.h`; both
are generated from the same file.
""",
        _convention(abi),
        _msginfo(abi),
        "## Errors\n\nReturned in x0.\n\n" + _table(
            ["Value", "Name", "C name", "Meaning"],
            [[e.value, e.name, f"`{e.c}`", e.doc] for e in abi.errors]),
        "## System calls\n\n" + _table(
            ["Number", "SVC", "Name", "C stub", "Meaning"],
            [[s.value, f"`svc #{abi.svc_base + s.value:#x}`", s.name, f"`cl_sys_{s.name}`",
              s.doc] for s in abi.syscalls]),
        "## Rights\n\nA capability's rights are a mask of these bits (`CL_RIGHTS_ALL`: all).\n\n"
        + _table(["Bit", "Name", "C name", "Allows"],
                 [[r.value, r.name, f"`{r.c}`", r.doc] for r in abi.rights]),
        "## Object types\n\nThe number is retype's `type` argument.\n\n" + _table(
            ["Number", "Name", "C name", "Size", "Meaning"],
            [[o.number, o.name, f"`{o.c}`", _size(o), o.doc] for o in abi.objects]),
        _invocations(abi),
        _faults(abi),
    ]
    return _reflow("\n".join(s.rstrip("\n") + "\n" for s in sections).rstrip("\n")) + "\n"
