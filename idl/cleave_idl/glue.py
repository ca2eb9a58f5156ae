"""Per-component C glue: for each component instance of a checked system, the C code
that turns its interfaces into functions (docs/system-language.md, "Generated glue").

    files = glue.render(model, specification, diags)   # {file name: text}, or {} on errors
    glue.write(files, directory)

`<instance>_glue.h` and `<instance>_glue.c` per component instance (guests have none):

- `uses` a procedure: a client stub `int <iface>_<method>(...)` per method, which
  marshals the in and inout arguments into the message registers, calls the endpoint
  (cl_sys_call on the instance's slot from the specification), checks the reply's label
  and length and unmarshals the out and inout arguments and the return value (through
  the last parameter, `result`). It returns 0, or a negative error: -CL_<kernel error>
  or -CL_GLUE_E*.
- `provides` a procedure: `void <iface>__run(void)`, the server loop (recv, dispatch,
  reply_recv), and `<iface>__dispatch`, one message in, one reply out (the loop's body,
  public for tests and hand-written loops). The component's author defines the methods,
  `<ret> <iface>_<method>(...)`, declared in the header.
- `emits` an event: `int <iface>_emit(void)`; `consumes`: `int <iface>_wait(void)` and
  `int <iface>_poll(void)` (1 signalled, 0 not).
- a dataport: `void *const <name>` and `const size_t <name>_size`, at the address
  spec.dataport_layout gives.
- `int main(uint64_t)`, which the runtime calls; it calls the author's
  `int cl_component_main(void)`.

Marshalling: one message is at most 4 words (32 bytes) each way. A scalar takes one
word; a `string<N>` N bytes (no terminating NUL on the wire: shorter strings are padded
with NULs) and an array N elements of its size (int/uint 4, int64/uint64 8, bool/char
1), each rounded up to whole words. A method whose request (in and inout arguments) or
reply (return value, out and inout arguments) needs more than 4 words is an error at
the method: large data goes through a dataport. Method numbers (the message label) count
from 1 in declaration order; reply label 0 is success.
"""

from dataclasses import dataclass, field
from pathlib import Path

from . import spec as capspec

WORDS = 4  # message registers per message
WORD = 8

# Reply labels of the dispatcher (0 is success) and the stubs' negative errors beyond the
# kernel's (enum cl_error, 1..12); they are #defined in every header.
REPLY_BAD_METHOD = 0xFFFF
REPLY_BAD_LENGTH = 0xFFFE

C_TYPES = {"int": "int32_t", "uint": "uint32_t", "int64": "int64_t", "uint64": "uint64_t",
           "bool": "bool", "char": "char"}
SIZES = {"int": 4, "uint": 4, "int64": 8, "uint64": 8, "bool": 1, "char": 1}

C_KEYWORDS = set("""auto break case char const continue default do double else enum extern
float for goto if inline int long register restrict return short signed sizeof static struct
switch typedef union unsigned void volatile while _Bool _Complex _Imaginary bool true false
asm typeof main""".split())


@dataclass
class Arg:
    """A parameter (or the return value, `name` None) and where it goes in a message."""

    name: str  # the C name in prototypes
    local: str  # the C name inside definitions
    direction: str  # in, out, inout, return
    type: object  # model.TypeRef
    offset: int = 0  # first word in its message
    request_offset: int = None  # inout: its word in the request
    reply_offset: int = None  # out, inout, return: its word in the reply

    @property
    def is_string(self):
        return self.type.max_length is not None and self.type.array is None

    @property
    def is_array(self):
        return self.type.array is not None

    @property
    def is_bytes(self):
        return self.is_string or self.is_array

    @property
    def elem(self):
        return "char" if self.type.name == "string" else C_TYPES[self.type.name]

    @property
    def nbytes(self):
        if self.is_string:
            return self.type.max_length
        if self.is_array:
            return self.type.array * SIZES[self.type.name]
        return WORD

    @property
    def words(self):
        return -(-self.nbytes // WORD)

    @property
    def count(self):
        return self.type.max_length if self.is_string else self.type.array

    def decl(self, name, server=False):
        """The parameter as declared in a prototype."""
        out = self.direction in ("out", "inout")
        if self.is_string:
            return f"{'char' if out else 'const char'} *{name}"
        if self.is_array:
            return f"{'' if out else 'const '}{self.elem} {name}[{self.count}]"
        return f"{self.elem} {'*' if out else ''}{name}"

    def storage(self):
        """The server's local for it."""
        if self.is_string:
            return f"char {self.local}[{self.count} + 1]"
        if self.is_array:
            return f"{self.elem} {self.local}[{self.count}]"
        return f"{self.elem} {self.local}"

    def to_word(self, expr):
        if self.type.name == "char":
            return f"(uint64_t)(unsigned char){expr}"
        return f"(uint64_t){expr}"

    def from_word(self, expr):
        if self.type.name == "bool":
            return f"({expr} != 0)"
        return f"({self.elem}){expr}"


@dataclass
class MethodGlue:
    name: str
    number: int
    returns: object  # TypeRef, name "void" for none
    params: list  # Arg, in declaration order
    request: list = field(default_factory=list)  # in and inout, in order
    reply: list = field(default_factory=list)  # the return value, then out and inout
    request_words: int = 0
    reply_words: int = 0
    result: Arg = None  # the return value

    @property
    def c_return(self):
        return "void" if self.returns.name == "void" else C_TYPES[self.returns.name]


def c_name(name):
    return f"{name}_" if name in C_KEYWORDS else name


def method_glue(method, number, diags):
    """The layout of one method, or None (with an error) when it does not fit."""
    params = [Arg(c_name(p.name), f"a_{p.name}", p.direction, p.type) for p in method.params]
    glue = MethodGlue(method.name, number, method.returns, params)
    words = 0
    for arg in params:
        if arg.direction in ("in", "inout"):
            arg.request_offset = words
            words += arg.words
            glue.request.append(arg)
    glue.request_words = words
    words = 0
    if method.returns.name != "void":
        taken = {a.name for a in params}
        name = "result"
        while name in taken:
            name += "_"
        glue.result = Arg(name, "r_result", "return", method.returns, reply_offset=0)
        glue.reply.append(glue.result)
        words = 1
    for arg in params:
        if arg.direction in ("out", "inout"):
            arg.reply_offset = words
            words += arg.words
            glue.reply.append(arg)
    glue.reply_words = words
    ok = True
    for what, n in (("its in and inout arguments", glue.request_words),
                     ("its return value and out and inout arguments", glue.reply_words)):
        if n > WORDS:
            diags.error(method.loc, f"method '{method.name}': {what} need {n * WORD} bytes, "
                        f"more than the {WORDS * WORD} bytes ({WORDS} words) of a message",
                        hint="pass large data through a dataport and its offset or length "
                        "as an argument")
            ok = False
    return glue if ok else None


def procedures_glue(model, diags):
    """{procedure name: [MethodGlue]} for every procedure an instance uses or provides;
    a procedure that does not fit a message gets errors and is left out."""
    used = set()
    for inst in model.system.instances:
        if inst.kind == "component" and inst.decl is not None:
            used |= {i.type for i in inst.decl.interfaces if i.kind in ("uses", "provides")}
    out = {}
    for proc in model.procedures:
        if proc.name in used:
            methods = [method_glue(m, n, diags) for n, m in enumerate(proc.methods, 1)]
            if all(methods):
                out[proc.name] = methods
    return out


def instance_glue(inst, holder, procedures, diags):
    """The template's view of one component instance, or None after errors."""
    slots = {}
    for cap in holder.caps:
        slots.setdefault(cap.name, []).append(cap.slot)
    ok = True
    rpc_uses, rpc_provides, emits, consumes = [], [], [], []
    for iface in inst.decl.interfaces:
        caps = slots.get(iface.name, []) if iface.kind != "dataport" else []
        if iface.kind in ("provides", "consumes") and len(caps) > 1:
            kind = "provides" if iface.kind == "provides" else "consumes"
            diags.error(iface.loc, f"'{inst.name}.{iface.name}' ({kind} {iface.type}) is in "
                        f"{len(caps)} connections; its glue waits on one endpoint or "
                        "notification", hint="connect it once (one thread waits on one "
                        "object; serving several is not generated yet)")
            ok = False
            continue
        if iface.kind == "uses" and iface.type in procedures:
            rpc_uses.append(dict(name=iface.name, type=iface.type, slot=caps[0],
                                 methods=procedures[iface.type]))
        elif iface.kind == "provides" and iface.type in procedures:
            rpc_provides.append(dict(name=iface.name, type=iface.type,
                                     slot=caps[0] if caps else None,
                                     methods=procedures[iface.type]))
        elif iface.kind == "emits":
            emits.append(dict(name=iface.name, type=iface.type, slots=caps))
        elif iface.kind == "consumes":
            consumes.append(dict(name=iface.name, type=iface.type,
                                 slot=caps[0] if caps else None))
    layout = capspec.dataport_layout(inst.decl)
    dataports = [dict(name=name, vaddr=vaddr, size=size)
                 for name, (vaddr, size) in layout.items()]
    if not ok:
        return None
    return dict(instance=inst.name, component=inst.type, guard=f"{inst.name.upper()}_GLUE_H",
                uses=rpc_uses, provides=rpc_provides, emits=emits, consumes=consumes,
                dataports=dataports, console_slot=capspec.SLOT_CONSOLE,
                console_input_irq=slot_named(holder, "kernel.console_input.irq"),
                console_input=slot_named(holder, "kernel.console_input"),
                reply_bad_method=REPLY_BAD_METHOD, reply_bad_length=REPLY_BAD_LENGTH)


def slot_named(holder, name):
    """The slot of the holder's capability called `name`, or None."""
    return next((c.slot for c in holder.caps if c.name == name), None)


def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["hex"] = lambda n: f"0x{n:x}"
    env.filters["client_params"] = client_params
    env.filters["server_params"] = server_params
    env.filters["server_args"] = server_args
    return env


def client_params(method, definition=False):
    """A client stub's parameters: the method's, then a pointer to the return value."""
    args = method.params + ([method.result] if method.result else [])
    parts = []
    for a in args:
        name = a.local if definition else a.name
        parts.append(f"{a.elem} *{name}" if a.direction == "return" else a.decl(name))
    return ", ".join(parts) or "void"


def server_params(method):
    return ", ".join(a.decl(a.name) for a in method.params) or "void"


def server_args(method):
    return ", ".join(a.local if a.is_bytes or a.direction == "in" else f"&{a.local}"
                     for a in method.params)


def render(model, specification, diags):
    """{file name: text} of every component instance's glue; {} (and errors in diags)
    when a method does not fit a message or an interface cannot be served."""
    before = len(diags.errors)
    procedures = procedures_glue(model, diags)
    views = []
    for inst in model.system.instances:
        if inst.kind != "component":
            continue
        view = instance_glue(inst, specification.holder(inst.name), procedures, diags)
        if view is not None:
            views.append(view)
    if len(diags.errors) > before:
        return {}
    env = environment()
    files = {}
    for view in views:
        files[f"{view['instance']}_glue.h"] = env.get_template("glue.h.j2").render(**view)
        files[f"{view['instance']}_glue.c"] = env.get_template("glue.c.j2").render(**view)
    return files


def write(files, directory):
    """Write `files` into `directory` (made if missing); the same bytes for the same
    system, and a file is rewritten only when its text changed."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(files.items()):
        path = directory / name
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
