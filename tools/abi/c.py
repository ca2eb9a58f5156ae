"""The three C headers: cleave/abi.h, the kernel's tables and the EL0 system-call stubs."""

import textwrap

from .model import MSGINFO_FIELDS

GENERATED = "/* Generated from idl/abi.yaml by tools/gen_abi.py; do not edit. */\n"
COLUMNS = 100
REGS = range(7)  # x0..x6 carry a system call in and out


def _doc(text):
    return " ".join(text.replace("*/", "* /").split())


def _documented(line, doc, indent=""):
    """line with its doc as a trailing comment, or as a comment above it when that is too long."""
    if _col(f"{indent}{line} /* {_doc(doc)} */") <= COLUMNS:
        return f"{indent}{line} /* {_doc(doc)} */\n"
    return f"{_comment(doc, indent)}{indent}{line}\n"


def _comment(text, indent=""):
    """A C comment on its own lines, wrapped to COLUMNS."""
    text = _doc(text)
    if _col(f"{indent}/* {text} */") <= COLUMNS:
        return f"{indent}/* {text} */\n"
    body = "".join(f"{indent} * {line}\n"
                   for line in textwrap.wrap(text, COLUMNS - _col(indent) - 3))
    return f"{indent}/*\n{body}{indent} */\n"


def _col(text):
    return len(text.expandtabs(8))


def _wrap(head, items, tail):
    """head + items joined by ", " + tail, broken after commas past COLUMNS; continuation
    lines line up under the first item, as clang-format lays out the kernel's code."""
    align = _col(head)
    pad = "\t" * (align // 8) + " " * (align % 8)
    lines, line = [], head
    for i, item in enumerate(items):
        piece = item + (", " if i < len(items) - 1 else tail)
        if line not in (head, pad) and _col(line + piece.rstrip()) > COLUMNS:
            lines.append(line.rstrip())
            line = pad
        line += piece
    if not items:
        line += tail
    return "\n".join(lines + [line])


def _enum(tag, what, rows):
    body = "".join(_documented(f"{c} = {value},", doc, "\t") for c, value, doc in rows)
    return f"/* {what} */\nenum {tag} {{\n{body}}};\n"


def _msginfo(abi):
    fields = [abi.msginfo[name] for name in MSGINFO_FIELDS]
    layout = ", ".join(f"{f.name} {f.hi}:{f.lo}" if f.width > 1 else f"{f.name} {f.lo}"
                       for f in fields)
    out = [f"/* Message info (x1): {layout}. */"]
    for f in fields:
        out.append(f"#define CL_MSGINFO_{f.name.upper()}_SHIFT {f.lo}")
        out.append(f"#define CL_MSGINFO_{f.name.upper()}_MASK UINT64_C({(1 << f.width) - 1:#x})")
    parts = [f"(({f.name} & CL_MSGINFO_{f.name.upper()}_MASK) << "
             f"CL_MSGINFO_{f.name.upper()}_SHIFT)" for f in fields]
    out.append("\nstatic inline uint64_t cl_msginfo(uint64_t label, uint64_t length, uint64_t cap)")
    out.append("{\n\treturn " + " |\n\t       ".join(parts) + ";\n}")
    for f in fields:
        up = f.name.upper()
        out.append(f"\n/* {_doc(f.doc)} */")
        out.append(f"static inline uint64_t cl_msginfo_{f.name}(uint64_t info)\n{{")
        out.append(f"\treturn (info >> CL_MSGINFO_{up}_SHIFT) & CL_MSGINFO_{up}_MASK;\n}}")
    return "\n".join(out) + "\n"


def _objects(abi):
    rows = [(o.c, o.number, o.doc) for o in abi.objects]
    out = [_enum("cl_obj_type", "Object types (retype's type argument).", rows)
           + f"#define CL_NUM_OBJ_TYPES {max(o.number for o in abi.objects) + 1}\n",
           "/* log2 of object sizes in bytes: fixed, or the range retype's size_bits takes. */"]
    for o in abi.objects:
        if o.size == "arg":
            out.append(f"#define {o.c}_MIN_BITS {o.min}\n#define {o.c}_MAX_BITS {o.max}")
        elif o.size != "none":
            out.append(f"#define {o.c}_BITS {o.size}")
    return "\n".join(out) + "\n"


def _invocation_macros(abi):
    out = []
    for v in abi.invocations:
        out += [f"#define {a.c} {i} /* MR{i}: {a.kind} */" for i, a in enumerate(v.args)]
        out.append(f"#define {v.c_nargs} {len(v.args)}")
    return "/* Invocation arguments: the MR each one travels in, and how many there are. */\n" \
        + "\n".join(out) + "\n"


def _faults(abi):
    out = ["/* Fault messages: the label, then the index of each message register. */"]
    for f in abi.faults:
        out.append(_documented(f"#define {f.c} {f.label:#x}", f.doc).rstrip("\n"))
        out += [f"#define {c} {i}" for i, (_, c) in enumerate(f.mrs)]
    return "\n".join(out) + "\n"


def abi_header(abi):
    rights = "".join(_documented(f"#define {r.c} (1U << {r.value})", r.doc) for r in abi.rights)
    mask = sum(1 << r.value for r in abi.rights)
    sections = [
        GENERATED + "/*\n * The system-call ABI, shared by the kernel and EL0 programs; docs/abi.md"
        " explains it.\n */\n#ifndef CLEAVE_ABI_H\n#define CLEAVE_ABI_H\n\n#include <stdint.h>\n",
        f"#define CL_ABI_VERSION {abi.version}\n"
        f"#define CL_SVC_BASE {abi.svc_base:#x} /* system call n is svc #(CL_SVC_BASE + n) */\n",
        _msginfo(abi),
        _enum("cl_error", "Error codes, returned in x0.", [(e.c, e.value, e.doc)
                                                          for e in abi.errors])
        + f"#define CL_NUM_ERRORS {max(e.value for e in abi.errors) + 1}\n",
        _enum("cl_syscall", "System calls.", [(s.c, s.value, s.doc) for s in abi.syscalls])
        + f"#define CL_NUM_SYSCALLS {max(s.value for s in abi.syscalls) + 1}\n",
        f"/* Capability rights. */\n{rights}#define CL_RIGHTS_ALL {mask:#x}U\n",
        _objects(abi),
        _enum("cl_label", "Invocation labels (msginfo label of a call on an object).",
              [(v.c, v.label, v.doc) for v in abi.invocations])
        + f"#define CL_NUM_LABELS {abi.num_labels}\n",
        _invocation_macros(abi),
        _faults(abi),
        "#endif\n",
    ]
    return "\n".join(sections)


def kernel_tables(abi):
    invs = "".join(_wrap(f"\t[{v.c}] = {{", [v.c, v.obj.c, v.c_nargs, f'"{v.full}"'], "},")
                   + "\n" for v in abi.invocations)
    objs = "".join(f"\t[{o.c}] = {{\"{o.name}\", {o.size if isinstance(o.size, int) else 0}, "
                   f"{o.min}, {o.max}}},\n" for o in abi.objects)
    errs = "".join(f"\t[{e.c}] = \"{e.name}\",\n" for e in abi.errors)
    unused = "__attribute__((unused)) static const"
    return f"""{GENERATED}/*
 * The kernel's tables of the ABI: include after <cleave/abi.h>. Entries for numbers
 * the ABI does not use are all zero (name 0).
 */
#ifndef CLEAVE_ABI_GEN_H
#define CLEAVE_ABI_GEN_H

#include <stdint.h>
#include <cleave/abi.h>

struct abi_invocation {{
	uint16_t label;
	uint8_t object; /* enum cl_obj_type */
	uint8_t nargs;
	const char *name;
}};

struct abi_object {{
	const char *name;
	uint8_t fixed_bits; /* log2 size of a fixed-size object, else 0 */
	uint8_t min_bits;   /* the range retype's size_bits may take, else 0 */
	uint8_t max_bits;
}};

/* Indexed by label. */
{unused} struct abi_invocation abi_invocations[CL_NUM_LABELS] = {{
{invs}}};

/* Indexed by enum cl_obj_type. */
{unused} struct abi_object abi_objects[CL_NUM_OBJ_TYPES] = {{
{objs}}};

/* Indexed by enum cl_error. */
{unused} char *const abi_error_names[CL_NUM_ERRORS] = {{
{errs}}};

/* The invocation with this label, or 0 for none. */
static inline const struct abi_invocation *abi_invocation_of(uint64_t label)
{{
	if (label >= CL_NUM_LABELS || !abi_invocations[label].name)
		return 0;
	return &abi_invocations[label];
}}

#endif
"""


def _syscall(abi, s):
    params = ["cl_cptr_t cap", "uint64_t info"] + [f"uint64_t mr{i}" for i in range(4)] \
        + ["uint64_t x6"]
    sources = ["cap", "info", "mr0", "mr1", "mr2", "mr3", "x6"]
    regs = "".join(f"\tregister uint64_t r{i} __asm__(\"x{i}\") = {src};\n"
                   for i, src in zip(REGS, sources))
    ops = ", ".join(f'"+r"(r{i})' for i in REGS)
    imm = abi.svc_base + s.value
    head = _wrap(f"static inline struct cl_result cl_sys_{s.name}(", params, ")")
    return f"""{_comment(f"{s.name}: {s.doc}")}{head}
{{
{regs}	__asm__ volatile("svc #{imm:#x}" /* CL_SVC_BASE + {s.c} */
			 : {ops}
			 :
			 : "memory");
	return (struct cl_result){{.err = r0, .info = r1, .mr = {{r2, r3, r4, r5}}, .badge = r6}};
}}
"""


def _stub(v):
    params = ["cl_cptr_t obj"] + [f"uint64_t {a.name}" for a in v.args]
    mrs = [a.name for a in v.args] + ["0"] * (4 - len(v.args))
    call = ["obj", f"cl_msginfo({v.c}, {v.c_nargs}, 0)"] + mrs + ["0"]
    errors = ", ".join(e.name for e in v.errors) or "none besides the capability's own"
    head = _wrap(f"static inline struct cl_result cl_{v.full}(", params, ")")
    return f"""{_comment(f"{v.full}: {v.doc} Errors: {errors}.")}{head}
{{
{_wrap("	return cl_sys_call(", call, ");")}
}}
"""


def user_header(abi):
    calls = "\n".join(_syscall(abi, s) for s in abi.syscalls)
    stubs = "\n".join(_stub(v) for v in abi.invocations)
    return f"""{GENERATED}/*
 * System calls and invocations for EL0 programs (AArch64, GNU C inline assembly).
 *
 * In: x0 a capability pointer, x1 the message info, x2..x5 MR0..MR3, x6 a capability
 * pointer (the cap to transfer on send, the receive slot on receive). Out: x0 an error
 * code, x1 the message info, x2..x5 MR0..MR3, x6 the badge. The kernel preserves every
 * register it does not return in, so x7..x18 (and x19..x30, sp, the FP/SIMD registers
 * and the condition flags) are not clobbered: only x0..x6 and memory are.
 */
#ifndef CLEAVE_SYSCALLS_H
#define CLEAVE_SYSCALLS_H

#ifndef __aarch64__
#error "cleave/syscalls.h is for AArch64 EL0 programs"
#endif

#include <stdint.h>
#include <cleave/abi.h>

typedef uint64_t cl_cptr_t;

struct cl_result {{
	uint64_t err;   /* x0: enum cl_error */
	uint64_t info;  /* x1: message info */
	uint64_t mr[4]; /* x2..x5: MR0..MR3 */
	uint64_t badge; /* x6 */
}};

{calls}
/* Invocations: a call on a capability to the object, with the arguments in MR0..MR3. */

{stubs}
#endif
"""
