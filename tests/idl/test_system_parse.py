"""Tests of reading system descriptions (idl/system.lark, idl/cleave_idl/parser.py and
builder.py): good inputs become the model expected, syntax and shape errors are one
diagnostic in the file:line:col format, imports load once and fail cleanly, and the
real QEMU device tree binds devices.

Run with `/usr/bin/python3 -m pytest -q tests/idl` (`./cleave test` does).
"""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "idl"))

import cleave_idl  # noqa: E402
from cleave_idl import target as targets  # noqa: E402
from cleave_idl.diag import Diagnostic, Loc, render  # noqa: E402

EXAMPLE = ROOT / "examples" / "hello" / "hello.cleave"
KiB, MiB = 1 << 10, 1 << 20


def read(tmp_path, text, name="s.cleave", others=None):
    """(Spec, Diagnostics) of `text`, without checks; `others` are files beside it."""
    for other, body in (others or {}).items():
        (tmp_path / other).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / other).write_text(body)
    path = tmp_path / name
    path.write_text(text)
    diags = cleave_idl.Diagnostics()
    return cleave_idl.load(path, diags, shown=name), diags


def headlines(diags):
    return [d.headline() for d in diags.items]


EVERY_CONSTRUCT = """\
/* every construct once */
procedure Store {
    int put(in string<32> key, in uint64[4] value, out bool replaced);
    void clear();
    char first(inout int64 cursor, in uint n, in char c);
}
component Db {
    provides Store store;
    uses Store backup;
    emits Changed changed;
    consumes Tick tick;
    dataport Page cache (8K);
    hardware regs;
    priority 200; cpu 1; partition 1; heap 1M; stack 0x2000;
}
guest Linux {
    kernel "images/Image"; initrd "images/initrd"; cmdline "console=ttyAMA0 quiet";
    memory 128M; vcpus 2; devices { console; rtc; } coherence clean; partition 0;
    priority 50;
    dataport Page cache (8K);
    emits Tick tick;
}
device rtc { path "/pl031@9010000"; irq 34; }
device gpio { compatible "arm,pl061"; }
system Demo {
    component Db a;
    component Db b;
    guest Linux vm;
    connection rpc a.backup -> b.store;
    connection notification vm.tick -> a.tick;
    connection shared vm.cache <-> a.cache;
    connection hardware a.regs -> gpio;
    schedule { frame 30ms; window 0 10ms; window 1 20ms; }
    assert no_path(vm, b);  // a comment at the end of a line
}
"""


def test_every_construct_builds_the_model(tmp_path):
    spec, diags = read(tmp_path, EVERY_CONSTRUCT)
    assert diags.items == []
    (store,) = spec.procedures
    put, clear, first = store.methods
    assert [(p.direction, str(p.type), p.name) for p in put.params] == [
        ("in", "string<32>", "key"), ("in", "uint64[4]", "value"), ("out", "bool", "replaced")]
    assert str(put.returns) == "int" and str(clear.returns) == "void" and clear.params == []
    assert first.params[0].direction == "inout" and put.loc == Loc("s.cleave", 3, 9)
    (db,) = spec.components
    assert [(i.kind, i.type, i.name) for i in db.interfaces] == [
        ("provides", "Store", "store"), ("uses", "Store", "backup"),
        ("emits", "Changed", "changed"), ("consumes", "Tick", "tick"),
        ("dataport", "Page", "cache"), ("hardware", None, "regs")]
    assert db.interface("cache").size == 8 * KiB
    assert (db.priority, db.cpu, db.partition, db.heap, db.stack) == (200, 1, 1, MiB, 8 * KiB)
    assert db.setting_loc("heap") == Loc("s.cleave", 14, 44)
    (vm,) = spec.guests
    assert (vm.kernel, vm.initrd, vm.cmdline) == ("images/Image", "images/initrd",
                                                  "console=ttyAMA0 quiet")
    assert (vm.memory, vm.vcpus, vm.coherence, vm.partition, vm.priority) == (
        128 * MiB, 2, "clean", 0, 50)
    assert [name for name, _ in vm.devices] == ["console", "rtc"]
    assert [i.kind for i in vm.interfaces] == ["dataport", "emits"]
    rtc, gpio = spec.devices
    assert (rtc.path, rtc.compatible, rtc.irq) == ("/pl031@9010000", None, 34)
    assert (gpio.path, gpio.compatible) == (None, "arm,pl061")
    demo = spec.system
    assert [(i.kind, i.type, i.name) for i in demo.instances] == [
        ("component", "Db", "a"), ("component", "Db", "b"), ("guest", "Linux", "vm")]
    assert [(c.kind, str(c.left), c.arrow, str(c.right)) for c in demo.connections] == [
        ("rpc", "a.backup", "->", "b.store"), ("notification", "vm.tick", "->", "a.tick"),
        ("shared", "vm.cache", "<->", "a.cache"), ("hardware", "a.regs", "->", "gpio")]
    assert demo.schedule.frame_us == 30_000
    assert [(w.partition, w.length_us) for w in demo.schedule.windows] == [
        (0, 10_000), (1, 20_000)]
    assert [(a.kind, [n for n, _ in a.args]) for a in demo.assertions] == [
        ("no_path", ["vm", "b"])]


def test_every_construct_passes_the_checks_on_qemu_virt(tmp_path, virt):
    path = tmp_path / "s.cleave"
    path.write_text(EVERY_CONSTRUCT)
    spec, diags = cleave_idl.check_file(path, virt, shown="s.cleave")
    # Two instances of one type: b's own `uses`, `consumes` and `hardware` stay loose
    # (a's `provides` only warns), and vm reaches b through a.
    assert [d.headline() for d in diags.errors] == [
        "s.cleave:27:18: error: 'b.backup' (uses Store) is not connected",
        "s.cleave:27:18: error: 'b.tick' (consumes Tick) is not connected",
        "s.cleave:27:18: error: 'b.regs' (hardware) is not connected",
        "s.cleave:34:12: error: no_path(vm, b) does not hold"]
    assert [d.headline() for d in diags.warnings] == [
        "s.cleave:26:18: warning: 'a.store' (provides Store) is not connected; nothing calls it"]
    assert diags.errors[-1].hint == "connected through vm -notification- a, a -rpc- b"
    assert spec.find("device", "gpio").node.path == "/pl061@9030000"
    assert spec.find("device", "gpio").irqs() == (39,)


def test_defaults(tmp_path):
    spec, diags = read(tmp_path, "component C { dataport D d; }\nguest G { }\n")
    assert diags.items == []
    comp, guest = spec.components[0], spec.guests[0]
    assert (comp.priority, comp.cpu, comp.partition, comp.heap, comp.stack) == (
        100, 0, 0, 64 * KiB, 16 * KiB)
    assert comp.interface("d").size == 4 * KiB
    assert (guest.memory, guest.vcpus, guest.coherence, guest.kernel) == (
        64 * MiB, 1, "dc", None)


def test_units(tmp_path):
    spec, diags = read(tmp_path, "component C { heap 3K; stack 0x1000; }\n"
                                 "guest G { memory 1G; }\n"
                                 "system S { schedule { frame 1s; window 0 500000us;"
                                 " window 1 500ms; } }\n")
    assert diags.items == []
    assert (spec.components[0].heap, spec.components[0].stack) == (3 * KiB, 4096)
    assert spec.guests[0].memory == 1 << 30
    schedule = spec.system.schedule
    assert schedule.frame_us == 1_000_000
    assert [w.length_us for w in schedule.windows] == [500_000, 500_000]


def test_the_example_checks_on_qemu_virt(virt):
    spec, diags = cleave_idl.check_file(EXAMPLE, virt, shown="hello.cleave")
    assert diags.items == [], diags.render_all()
    assert spec.files == ["interfaces.cleave", "hello.cleave"]
    assert [p.name for p in spec.procedures] == ["Greeter"]
    assert [c.name for c in spec.components] == ["Client", "Server"]
    hello = spec.system
    assert [(i.name, i.decl.name) for i in hello.instances] == [
        ("client", "Client"), ("server", "Server")]
    assert {c.kind for c in hello.connections} == {"rpc", "notification", "shared"}
    assert spec.components[1].cpu == 1 and spec.components[1].heap == 128 * KiB


# --- imports -----------------------------------------------------------------------

def test_imports_are_relative_and_load_once(tmp_path):
    spec, diags = read(
        tmp_path, 'import "lib/a.cleave";\nimport "lib/b.cleave";\nsystem S { }\n',
        others={"lib/a.cleave": 'import "common.cleave";\ncomponent A { }\n',
                "lib/b.cleave": ('import "common.cleave";\nimport "../lib/common.cleave";\n'
                                 "component B { }\n"),
                "lib/common.cleave": "procedure P { void f(); }\n"})
    assert diags.items == []
    assert spec.files == ["lib/common.cleave", "lib/a.cleave", "lib/b.cleave", "s.cleave"]
    assert [p.name for p in spec.procedures] == ["P"]
    assert spec.procedures[0].loc == Loc("lib/common.cleave", 1, 11)


@pytest.mark.parametrize("files, expected", [
    ({"s.cleave": 'import "gone.cleave";\nsystem S { }\n'},
     's.cleave:1:8: error: cannot import "gone.cleave": no such file'),
    ({"s.cleave": 'import "a.cleave";\nsystem S { }\n', "a.cleave": 'import "b.cleave";\n',
      "b.cleave": 'import "a.cleave";\n'},
     "b.cleave:1:8: error: import cycle: a.cleave -> b.cleave -> a.cleave"),
    ({"s.cleave": 'import "s.cleave";\nsystem S { }\n'},
     "s.cleave:1:8: error: import cycle: s.cleave -> s.cleave"),
    ({"s.cleave": 'import "a.cleave";\nsystem S { }\n', "a.cleave": "component A { uses }\n"},
     "a.cleave:1:20: error: unexpected '}'; expected a name"),
])
def test_import_errors(tmp_path, files, expected):
    for name, body in files.items():
        (tmp_path / name).write_text(body)
    spec, diags = cleave_idl.check_file(tmp_path / "s.cleave", shown="s.cleave")
    assert headlines(diags) == [expected], diags.render_all()
    assert not spec.complete  # so the checks did not pile undefined names on top


# --- syntax and shape errors: one line each, with the place -------------------------

BAD = [
    ("missing-semicolon", "component C {\n    uses P q\n}\n",
     "s.cleave:3:1: error: unexpected '}'; expected '(' or ';'"),
    ("missing-semicolon-setting", "component C {\n    priority 3\n}\n",
     "s.cleave:3:1: error: expected ';' before '}'"),
    ("unclosed-block", "component C {\n    uses P q;\n",
     "s.cleave:2:14: error: unexpected end of file; expected 'consumes', 'dataport', "
     "'emits', 'hardware', 'provides', 'uses', '}' or a name"),
    ("unterminated-string", 'guest G {\n    kernel "Image;\n}\n',
     "s.cleave:2:12: error: unterminated string"),
    ("unterminated-comment", "/* no end\ncomponent C { }\n",
     "s.cleave:1:1: error: unterminated comment"),
    ("stray-character", "component C { priority 3; @ }\n",
     "s.cleave:1:27: error: unexpected character '@'"),
    ("no-direction", "procedure P { void f(int a); }\n",
     "s.cleave:1:22: error: unexpected 'int'; expected ')', 'in', 'inout' or 'out'"),
    ("unknown-declaration", "service X { }\n",
     "s.cleave:1:1: error: unexpected 'service'; expected 'component', 'device', 'guest', "
     "'import', 'procedure', 'system' or the end of the file"),
    ("reserved-word-as-name", "component C { emits E out; }\n",
     "s.cleave:1:23: error: unexpected 'out'; expected a name"),
    ("import-needs-string", "import lib;\n",
     "s.cleave:1:8: error: unexpected 'lib'; expected a string"),
    ("instance-needs-name", "system S { component C; }\n",
     "s.cleave:1:23: error: unexpected ';'; expected a name"),
    ("connection-end-missing", "system S { connection rpc a.b -> ; }\n",
     "s.cleave:1:34: error: unexpected ';'; expected a name"),
    ("unknown-setting", "component C { prioirty 3; }\n",
     "s.cleave:1:15: error: unknown setting 'prioirty' in a component"),
    ("unknown-unit", "component C { heap 64Q; }\n",
     "s.cleave:1:20: error: unknown unit 'Q' in '64Q'"),
    ("unit-on-plain-number", "component C { priority 10ms; }\n",
     "s.cleave:1:24: error: 'priority' takes a plain number, not '10ms'"),
    ("string-for-size", 'component C { heap "big"; }\n',
     "s.cleave:1:20: error: 'heap' takes a size, not a string"),
    ("list-for-string", "guest G { kernel { a; } }\n",
     "s.cleave:1:11: error: 'kernel' takes a string, not a list"),
    ("bad-coherence", "guest G { coherence wb; }\n",
     "s.cleave:1:21: error: 'coherence' is dc or clean, not 'wb'"),
    ("bad-on-reset", "guest G { on_reset reboot; }\n",
     "s.cleave:1:20: error: 'on_reset' is restart or stop, not 'reboot'"),
    ("bad-on-crash", 'guest G { on_crash "restart"; }\n',
     "s.cleave:1:20: error: 'on_crash' is stop or restart, not '\"restart\"'"),
    ("bad-smc", "guest G { smc forward; }\n",
     "s.cleave:1:15: error: 'smc' is refuse or emulate, not 'forward'"),
    ("smc-as-string", 'guest G { smc "emulate"; }\n',
     "s.cleave:1:15: error: 'smc' is refuse or emulate, not '\"emulate\"'"),
    ("restart-limit-not-a-number", "guest G { restart_limit many; }\n",
     "s.cleave:1:25: error: 'restart_limit' takes a number, not a name"),
    ("string-without-length", "procedure P { void f(in string s); }\n",
     "s.cleave:1:25: error: string needs a maximum length"),
    ("length-on-int", "procedure P { void f(in int<4> s); }\n",
     "s.cleave:1:29: error: only string takes a maximum length, not int"),
    ("void-parameter", "procedure P { void f(in void v); }\n",
     "s.cleave:1:25: error: 'void' is only a return type"),
    ("empty-array", "procedure P { void f(in int[0] v); }\n",
     "s.cleave:1:29: error: an array needs at least one element"),
    ("size-on-uses", "component C { uses P p (4K); }\n",
     "s.cleave:1:25: error: only a dataport takes a size, not 'uses'"),
    ("guest-uses", "guest G { uses P p; }\n",
     "s.cleave:1:11: error: a guest cannot have 'uses' interfaces"),
    ("device-provides", "device D { provides P p; }\n",
     "s.cleave:1:12: error: a device cannot have 'provides' interfaces"),
    ("device-hardware", "device D { hardware r; }\n",
     "s.cleave:1:12: error: a device cannot have 'hardware' interfaces"),
    ("unknown-connection-kind", "system S { connection rcp a.b -> c.d; }\n",
     "s.cleave:1:23: error: unknown connection kind 'rcp'"),
    ("unknown-assertion", "system S { assert no_paht(a, b); }\n",
     "s.cleave:1:19: error: unknown assertion 'no_paht'"),
    ("time-without-unit", "system S { schedule { window 0 10; } }\n",
     "s.cleave:1:32: error: a window's length needs a unit: '10ms'?"),
    ("time-with-size-unit", "system S { schedule { frame 10K; } }\n",
     "s.cleave:1:29: error: unknown unit 'K' in '10K'"),
]


@pytest.mark.parametrize("text, expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_syntax_is_one_error(tmp_path, text, expected):
    _, diags = read(tmp_path, text)
    assert headlines(diags) == [expected], diags.render_all()


def test_syntax_hints(tmp_path):
    _, diags = read(tmp_path, "component C { prioirty 3; heap 64Q; }\n")
    assert [d.hint for d in diags.items] == ["did you mean 'priority'?",
                                             "'heap' takes K, M or G"]
    _, diags = read(tmp_path, "component C { emits E out; }\n")
    assert [d.hint for d in diags.items] == ["'out' is a reserved word; choose another name"]


# --- the format -----------------------------------------------------------------------

def test_render_shows_the_line_and_a_caret():
    text = "component C {\n\tuses P q\n}\n"
    diagnostic = Diagnostic(Loc("s.cleave", 2, 9), "error", "expected ';'", "add one")
    assert render(diagnostic, text) == (
        "s.cleave:2:9: error: expected ';'\n"
        " 2 | \tuses P q\n"
        "   | \t       ^\n"
        "hint: add one\n")


def test_render_without_source_is_the_headline():
    diagnostic = Diagnostic(Loc("gone.cleave", 3, 1), "warning", "w")
    assert render(diagnostic, None) == "gone.cleave:3:1: warning: w\n"


# --- the platform -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def virt():
    """qemu-virt with its real device tree (QEMU dumps it once into build/dtb)."""
    return targets.load(ROOT / "platforms" / "qemu-virt" / "platform.yaml",
                        ROOT / "build" / "dtb")


def test_qemu_virt_target(virt):
    assert (virt.name, virt.ram_size, virt.cpus_max) == ("qemu-virt", 1 << 30, 8)
    rtc = virt.node_at("/pl031@9010000")
    assert rtc.compatible == ("arm,pl031", "arm,primecell")
    assert rtc.regs == ((0x09010000, 0x1000),) and rtc.irqs == (34,)  # platform.yaml's rtc
    assert rtc.irq_flags == (4,)  # level high: what a guest's device tree passes on
    virtio = virt.compatible_with("virtio,mmio")[0]
    assert virtio.irq_flags == (1,)  # edge rising
    assert virt.kernel_device_at(virt.node_at("/pl011@9000000")) == "uart"
    assert virt.kernel_device_at(rtc) is None
    assert len(virt.compatible_with("virtio,mmio")) == 32


def test_bad_platform_file_is_one_line(tmp_path):
    (tmp_path / "p.yaml").write_text("name: x\nmemory: {base: 0}\n")
    with pytest.raises(targets.TargetError, match="missing or bad field 'size'"):
        targets.load(tmp_path / "p.yaml", tmp_path, with_tree=False)
    with pytest.raises(targets.TargetError, match="cannot read"):
        targets.load(tmp_path / "none.yaml", tmp_path)
