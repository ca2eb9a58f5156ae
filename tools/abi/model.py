"""idl/abi.yaml, read and checked: every rule the generated C and docs rely on.

`load(path)` returns an `Abi` or raises `AbiError` with a one-line message naming the
entry and key at fault (the caller adds the file name).
"""

import re
from dataclasses import dataclass, field

import yaml

MAX_ARGS = 4  # MR0..MR3
MAX_MRS = 4
SVC_IMM_MAX = 0xFFFF  # the SVC instruction's 16-bit immediate
MSGINFO_FIELDS = ("label", "length", "cap")  # cl_msginfo() takes them in this order
KINDS = {  # what docs/abi.md says of each argument kind
    "word": "a plain value",
    "slot": "a slot index: in the invoked CNode for CNode invocations, in the caller's root "
            "CNode for all others",
    "cptr": "a capability pointer: names a capability in the caller's root CNode (0 means "
            "none where the invocation allows it)",
}
LOWER = re.compile(r"[a-z][a-z0-9_]*\Z")
UPPER = re.compile(r"[A-Z][A-Z0-9_]*\Z")
C_KEYWORDS = set("""auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed sizeof static
    struct switch typedef union unsigned void volatile while asm typeof obj""".split())


class AbiError(Exception):
    pass


@dataclass
class Field:
    name: str
    hi: int
    lo: int
    doc: str

    @property
    def width(self):
        return self.hi - self.lo + 1


@dataclass
class Named:  # an error, a syscall or a right
    name: str
    value: int
    doc: str
    c: str = ""


@dataclass
class Obj:
    name: str
    number: int
    size: object  # an int (fixed log2 size), "arg" or "none"
    min: int
    max: int
    doc: str
    c: str = ""


@dataclass
class Arg:
    name: str
    kind: str
    c: str = ""


@dataclass
class Invocation:
    obj: Obj
    name: str
    label: int
    args: list
    errors: list  # of Named
    doc: str

    @property
    def full(self):
        return f"{self.obj.name}_{self.name}"

    @property
    def c(self):
        return f"CL_LABEL_{self.full.upper()}"

    @property
    def c_nargs(self):
        return f"CL_NARGS_{self.full.upper()}"


@dataclass
class Fault:
    name: str
    label: int
    mrs: list  # of (name, C macro)
    doc: str
    c: str = ""


@dataclass
class Abi:
    version: int
    svc_base: int
    msginfo: dict  # field name -> Field
    errors: list = field(default_factory=list)
    syscalls: list = field(default_factory=list)
    rights: list = field(default_factory=list)
    objects: list = field(default_factory=list)
    invocations: list = field(default_factory=list)
    faults: list = field(default_factory=list)

    @property
    def num_labels(self):
        return max(i.label for i in self.invocations) + 1


def _num(value):
    return f"{value:#x}" if value >= 0x100 else str(value)


def _show(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _keys(entry, where, required, optional=()):
    if not isinstance(entry, dict):
        raise AbiError(f"{where}: must be a mapping, got {_show(entry)}")
    for key in required:
        if key not in entry:
            raise AbiError(f"{where}: missing key '{key}'")
    for key in entry:
        if key not in required and key not in optional:
            raise AbiError(f"{where}: unknown key '{key}'")
    return entry


def _int(entry, key, where, lo, hi):
    value = entry[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise AbiError(f"{where}: '{key}' must be an integer, got {_show(value)}")
    if not lo <= value <= hi:
        raise AbiError(f"{where}: '{key}' is {_num(value)}, outside {_num(lo)}..{_num(hi)}")
    return value


def _str(entry, key, where):
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise AbiError(f"{where}: '{key}' must be a non-empty string, got {_show(value)}")
    return value.strip()


def _name(entry, where, pattern=LOWER, key="name"):
    value = entry[key]
    if not isinstance(value, str) or not pattern.match(value):
        case = "upper" if pattern is UPPER else "lower"
        raise AbiError(f"{where}: '{key}' must be {case}-case letters, digits and '_', "
                       f"got {_show(value)}")
    return value


def _list(data, key, where, allow_empty=False):
    value = data[key]
    if not isinstance(value, list) or (not value and not allow_empty):
        what = "a list" if allow_empty else "a non-empty list"
        raise AbiError(f"{where}'{key}' must be {what}, got {_show(value)}")
    return value


def _unique(items, key, what, section, name=lambda item: item.name):
    seen = {}
    for i, item in enumerate(items):
        value = key(item)
        if value in seen:
            j, other = seen[value]
            shown = _num(value) if isinstance(value, int) else repr(value)
            which = (f"{section}[{j}] and {section}[{i}]" if other == name(item)
                     else f"'{other}' and '{name(item)}'")
            raise AbiError(f"{section}: duplicate {what} {shown} ({which})")
        seen[value] = (i, name(item))


def _msginfo(entries):
    fields = {}
    for i, entry in enumerate(entries):
        where = f"msginfo[{i}]"
        _keys(entry, where, ("name", "bits", "doc"))
        name = _name(entry, where)
        where = f"msginfo[{i}] '{name}'"
        bits = entry["bits"]
        if (not isinstance(bits, list) or len(bits) != 2
                or any(not isinstance(b, int) or isinstance(b, bool) for b in bits)):
            raise AbiError(f"{where}: 'bits' must be [high, low], got {_show(bits)}")
        hi, lo = bits
        if not 0 <= lo <= hi <= 63:
            raise AbiError(f"{where}: bits [{hi}, {lo}] are not high >= low within 0..63")
        if name in fields:
            raise AbiError(f"msginfo: duplicate name '{name}'")
        for other in fields.values():
            if lo <= other.hi and other.lo <= hi:
                raise AbiError(f"{where}: bits [{hi}, {lo}] overlap '{other.name}' "
                               f"[{other.hi}, {other.lo}]")
        fields[name] = Field(name, hi, lo, _str(entry, "doc", where))
    if sorted(fields) != sorted(MSGINFO_FIELDS):
        raise AbiError(f"msginfo: the fields must be {', '.join(MSGINFO_FIELDS)}; "
                       f"got {', '.join(fields) or 'none'}")
    return fields


def _named(entries, section, key, lo, hi, pattern=LOWER):
    items = []
    for i, entry in enumerate(entries):
        where = f"{section}[{i}]"
        _keys(entry, where, ("name", key, "doc"))
        name = _name(entry, where, pattern)
        where = f"{section}[{i}] '{name}'"
        items.append(Named(name, _int(entry, key, where, lo, hi), _str(entry, "doc", where)))
    _unique(items, lambda n: n.name, "name", section)
    _unique(items, lambda n: n.value, key, section)
    return items


def _objects(entries):
    objects = []
    for i, entry in enumerate(entries):
        where = f"objects[{i}]"
        _keys(entry, where, ("name", "number", "size_bits", "doc"), ("min", "max"))
        name = _name(entry, where)
        where = f"objects[{i}] '{name}'"
        size = entry["size_bits"]
        lo = hi = 0
        if size == "arg":
            for key in ("min", "max"):
                if key not in entry:
                    raise AbiError(f"{where}: size_bits 'arg' needs '{key}'")
            lo, hi = _int(entry, "min", where, 0, 63), _int(entry, "max", where, 0, 63)
            if lo > hi:
                raise AbiError(f"{where}: min {lo} is above max {hi}")
        else:
            if size != "none" and (not isinstance(size, int) or isinstance(size, bool)):
                raise AbiError(f"{where}: 'size_bits' must be an integer, \"arg\" or "
                               f"\"none\", got {_show(size)}")
            if size != "none":
                _int(entry, "size_bits", where, 0, 63)
            for key in ("min", "max"):
                if key in entry:
                    raise AbiError(f"{where}: '{key}' needs size_bits 'arg'")
        objects.append(Obj(name, _int(entry, "number", where, 0, 255), size, lo, hi,
                           _str(entry, "doc", where)))
    _unique(objects, lambda o: o.name, "name", "objects")
    _unique(objects, lambda o: o.number, "number", "objects")
    return objects


def _invocations(entries, objects, errors):
    by_obj = {o.name: o for o in objects}
    by_err = {e.name: e for e in errors}
    invs = []
    for i, entry in enumerate(entries):
        where = f"invocations[{i}]"
        _keys(entry, where, ("object", "name", "label", "args", "errors", "doc"))
        name = _name(entry, where)
        obj = entry["object"]
        where = f"invocations[{i}] '{obj}_{name}'" if isinstance(obj, str) else where
        if not isinstance(obj, str) or obj not in by_obj:
            raise AbiError(f"{where}: unknown object {_show(obj)}")
        args = _list(entry, "args", f"{where}: ", allow_empty=True)
        if len(args) > MAX_ARGS:
            raise AbiError(f"{where}: {len(args)} args, at most {MAX_ARGS} fit "
                           f"MR0..MR{MAX_ARGS - 1}")
        parsed = []
        for j, arg in enumerate(args):
            arg_where = f"{where} args[{j}]"
            _keys(arg, arg_where, ("name", "kind"))
            arg_name = _name(arg, arg_where)
            if arg_name in C_KEYWORDS:
                raise AbiError(f"{arg_where}: '{arg_name}' cannot name a C parameter")
            if not isinstance(arg["kind"], str) or arg["kind"] not in KINDS:
                raise AbiError(f"{arg_where}: kind {_show(arg['kind'])} is not one of "
                               f"{', '.join(KINDS)}")
            parsed.append(Arg(arg_name, arg["kind"]))
        _unique(parsed, lambda a: a.name, "arg name", where)
        errs = _list(entry, "errors", f"{where}: ", allow_empty=True)
        for err in errs:
            if not isinstance(err, str) or err not in by_err:
                raise AbiError(f"{where}: unknown error {_show(err)}")
        if len(set(errs)) != len(errs):
            raise AbiError(f"{where}: an error is listed twice in 'errors'")
        inv = Invocation(by_obj[obj], name, _int(entry, "label", where, 1, 0xFFFF), parsed,
                         [by_err[e] for e in errs], _str(entry, "doc", where))
        for arg in parsed:
            arg.c = f"CL_ARG_{inv.full.upper()}_{arg.name.upper()}"
        invs.append(inv)
    _unique(invs, lambda v: v.full, "object and name", "invocations")
    _unique(invs, lambda v: v.label, "label", "invocations", lambda v: v.full)
    return invs


def _faults(entries, invocations):
    faults = []
    labels = {v.label: v.full for v in invocations}
    for i, entry in enumerate(entries):
        where = f"faults[{i}]"
        _keys(entry, where, ("name", "label", "mrs", "doc"))
        name = _name(entry, where)
        where = f"faults[{i}] '{name}'"
        label = _int(entry, "label", where, 1, 0xFFFF)
        if label in labels:
            raise AbiError(f"{where}: label {_num(label)} is also invocation '{labels[label]}'")
        mrs = _list(entry, "mrs", f"{where}: ", allow_empty=True)
        if len(mrs) > MAX_MRS:
            raise AbiError(f"{where}: {len(mrs)} mrs, at most {MAX_MRS}")
        for j, mr in enumerate(mrs):
            if not isinstance(mr, str) or not LOWER.match(mr):
                raise AbiError(f"{where}: mrs[{j}] must be lower-case letters, digits and "
                               f"'_', got {_show(mr)}")
        if len(set(mrs)) != len(mrs):
            raise AbiError(f"{where}: an MR name is listed twice")
        c = f"CL_FAULT_{name.upper()}"
        faults.append(Fault(name, label, [(m, f"{c}_{m.upper()}") for m in mrs],
                            _str(entry, "doc", where), c))
    _unique(faults, lambda f: f.name, "name", "faults")
    _unique(faults, lambda f: f.label, "label", "faults")
    return faults


def _check_fits(abi):
    """Labels and lengths must fit their msginfo fields."""
    width = abi.msginfo["label"].width
    labelled = ([(f"invocation '{v.full}'", v.label) for v in abi.invocations] +
                [(f"fault '{f.name}'", f.label) for f in abi.faults])
    for what, label in labelled:
        if label >> width:
            raise AbiError(f"{what}: label {_num(label)} does not fit the {width}-bit "
                           "msginfo label field")
    if max(MAX_ARGS, MAX_MRS) >> abi.msginfo["length"].width:
        raise AbiError(f"msginfo: 'length' is too narrow for {MAX_ARGS} message registers")


def _check_c_names(abi):
    """Every C name the headers define must be unique, or the headers will not compile."""
    names = {}

    def add(c, origin):
        if c in names and names[c] != origin:
            raise AbiError(f"{origin} and {names[c]} both make the C name {c}")
        names[c] = origin

    for fixed in ("CL_ABI_VERSION", "CL_SVC_BASE", "CL_NUM_ERRORS", "CL_NUM_SYSCALLS",
                  "CL_NUM_OBJ_TYPES", "CL_NUM_LABELS", "CL_RIGHTS_ALL", "cl_msginfo",
                  "cl_cptr_t", "cl_result"):
        add(fixed, "the generator")
    for f in abi.msginfo.values():
        for c in (f"CL_MSGINFO_{f.name.upper()}_SHIFT", f"CL_MSGINFO_{f.name.upper()}_MASK",
                  f"cl_msginfo_{f.name}"):
            add(c, "the generator")
    for e in abi.errors:
        add(e.c, f"error '{e.name}'")
    for s in abi.syscalls:
        add(s.c, f"syscall '{s.name}'")
        add(f"cl_sys_{s.name}", f"syscall '{s.name}'")
    for r in abi.rights:
        add(r.c, f"right '{r.name}'")
    for o in abi.objects:
        add(o.c, f"object '{o.name}'")
        for suffix in (["_BITS"] if isinstance(o.size, int) else
                       ["_MIN_BITS", "_MAX_BITS"] if o.size == "arg" else []):
            add(o.c + suffix, f"object '{o.name}'")
    for v in abi.invocations:
        for c in [v.c, v.c_nargs, f"cl_{v.full}"] + [a.c for a in v.args]:
            add(c, f"invocation '{v.full}'")
    for f in abi.faults:
        for c in [f.c] + [c for _, c in f.mrs]:
            add(c, f"fault '{f.name}'")


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except OSError as e:
        raise AbiError(e.strerror or str(e)) from e
    except yaml.YAMLError as e:
        raise AbiError(" ".join(str(e).split())) from e
    return check(data)


def check(data):
    top = ("version", "svc_base", "msginfo", "errors", "syscalls", "rights", "objects",
           "invocations", "faults")
    _keys(data, "top level", top)
    abi = Abi(_int(data, "version", "top level", 1, 0xFFFF),
              _int(data, "svc_base", "top level", 0, SVC_IMM_MAX),
              _msginfo(_list(data, "msginfo", "")))
    abi.errors = _named(_list(data, "errors", ""), "errors", "value", 0, 255, UPPER)
    if not any(e.name == "OK" and e.value == 0 for e in abi.errors):
        raise AbiError("errors: there must be an OK with value 0")
    abi.syscalls = _named(_list(data, "syscalls", ""), "syscalls", "number", 0, SVC_IMM_MAX)
    for i, s in enumerate(abi.syscalls):
        if abi.svc_base + s.value > SVC_IMM_MAX:
            raise AbiError(f"syscalls[{i}] '{s.name}': svc immediate {abi.svc_base:#x} + "
                           f"{s.value:#x} = {abi.svc_base + s.value:#x} exceeds {SVC_IMM_MAX:#x}")
    if not any(s.name == "call" for s in abi.syscalls):
        raise AbiError("syscalls: there must be a 'call' (every invocation is one)")
    abi.rights = _named(_list(data, "rights", ""), "rights", "bit", 0, 31)
    abi.objects = _objects(_list(data, "objects", ""))
    abi.invocations = _invocations(_list(data, "invocations", ""), abi.objects, abi.errors)
    abi.faults = _faults(_list(data, "faults", "", allow_empty=True), abi.invocations)
    for e in abi.errors:
        e.c = f"CL_{e.name}"
    for s in abi.syscalls:
        s.c = f"CL_SYS_{s.name.upper()}"
    for r in abi.rights:
        r.c = f"CL_RIGHT_{r.name.upper()}"
    for o in abi.objects:
        o.c = f"CL_OBJ_{o.name.upper()}"
    _check_fits(abi)
    _check_c_names(abi)
    return abi
