"""Tests of the system description's checks (idl/cleave_idl/checks/): each bad input
gives exactly the one error expected, at its exact file:line:col.

Every case's main file starts with `import "lib.cleave";` (LIB below), so the cases
stay short and their line numbers are those of the case itself. The platform is a fake
Target (a 4-CPU, 256 MiB board with a few devices); test_system_parse.py checks the real
QEMU device tree.

Run with `/usr/bin/python3 -m pytest -q tests/idl` (`./cleave test` does).
"""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "idl"))

import cleave_idl  # noqa: E402
from cleave_idl.model import DeviceNode  # noqa: E402
from cleave_idl.target import Target  # noqa: E402

LIB = """\
procedure Echo { int echo(in int x); }
procedure Log { void log(in string<64> msg); }
component Client { uses Echo echo; }
component Server { provides Echo echo; }
component Logger { provides Log echo; }
component Sender { emits Tick tick; }
component Receiver { consumes Tick tick; }
component TockReceiver { consumes Tock tick; }
component Sharer { dataport Buf buf (4K); }
component BigSharer { dataport Buf buf (8K); }
component PageSharer { dataport Page buf (4K); }
component Driver { hardware regs; }
component Idle { }
guest Linux { memory 128M; devices { console; } }
guest Tiny { memory 16M; }
procedure Console { void hello(in string<24> name); }
component ConsoleServer { provides Console console; emits Input input; }
device rtc { path "/pl031@9010000"; }
device rtc_too { compatible "arm,pl031"; }
device net0 { path "/virtio@a000000"; }
"""

BOARD = Target(
    name="board", ram_base=0x40000000, ram_size=256 << 20, cpus_max=4,
    kernel_devices=(("uart", 0x09000000, 0x1000),),
    nodes=[
        DeviceNode("/", ("board",), (), ()),
        DeviceNode("/pl011@9000000", ("arm,pl011",), ((0x09000000, 0x1000),), (33,)),
        DeviceNode("/pl031@9010000", ("arm,pl031", "arm,primecell"),
                   ((0x09010000, 0x1000),), (34,)),
        DeviceNode("/virtio@a000000", ("virtio,mmio",), ((0x0a000000, 0x200),), (48,)),
        DeviceNode("/virtio@a000200", ("virtio,mmio",), ((0x0a000200, 0x200),), (49,)),
    ])


def check(tmp_path, text, target=BOARD):
    (tmp_path / "lib.cleave").write_text(LIB)
    path = tmp_path / "s.cleave"
    path.write_text('import "lib.cleave";\n' + text)
    return cleave_idl.check_file(path, target, shown="s.cleave")


def errors(diags):
    return [d.headline() for d in diags.errors]


def system(*lines):
    """A system block from its inner lines: line 2 is `system S {`, the first inner
    line is line 3."""
    return "system S {\n" + "".join(f"    {line}\n" for line in lines) + "}\n"


# (id, text after the import line, the one error expected)
CASES = [
    # --- one system ---
    ("no-system", "component X { }\n",
     "s.cleave:1:1: error: the description declares no system"),
    ("two-systems", system("component Idle i;") + "system T { }\n",
     "s.cleave:5:8: error: a second system 'T'; a description has one"),
    # --- duplicates, per scope ---
    ("dup-top-level-across-import", "component Client { }\n" + system(),
     "s.cleave:2:11: error: 'Client' is already declared"),
    ("dup-method", "procedure P { void f(); int f(); }\n" + system(),
     "s.cleave:2:29: error: method 'f' appears twice in procedure 'P'"),
    ("dup-param", "procedure P { void f(in int a, out int a); }\n" + system(),
     "s.cleave:2:40: error: parameter 'a' appears twice in method 'f'"),
    ("dup-interface", "component X { emits E e; consumes E e; }\n" + system(),
     "s.cleave:2:37: error: interface 'e' appears twice in 'X'"),
    ("dup-setting", "component X { heap 4K; heap 8K; }\n" + system(),
     "s.cleave:2:24: error: setting 'heap' appears twice in 'X'"),
    ("dup-guest-smc", "guest G { smc emulate; smc refuse; }\n" + system("guest G g;"),
     "s.cleave:2:24: error: setting 'smc' appears twice in 'G'"),
    ("dup-instance", system("component Idle a;", "component Idle a;"),
     "s.cleave:4:20: error: instance 'a' appears twice in system 'S'"),
    ("dup-guest-device", "guest G { devices { rtc; rtc; } }\n" + system("guest G g;"),
     "s.cleave:2:26: error: device 'rtc' appears twice in guest 'G'"),
    ("dup-schedule", system("schedule { window 0 10ms; }", "schedule { window 0 10ms; }"),
     "s.cleave:4:5: error: a second schedule in system 'S'"),
    ("dup-frame", system("schedule { frame 10ms; frame 10ms; window 0 10ms; }"),
     "s.cleave:3:34: error: a second frame in the schedule"),
    # --- undefined names ---
    ("undefined-type", "procedure P { void f(in flaot a); }\n" + system(),
     "s.cleave:2:25: error: unknown type 'flaot'"),
    ("undefined-procedure", "component X { uses Ehco e; }\n" + system(),
     "s.cleave:2:20: error: procedure 'Ehco' is not declared"),
    ("undefined-component", system("component Clinet c;"),
     "s.cleave:3:15: error: component 'Clinet' is not declared"),
    ("guest-as-component", system("component Linux vm;"),
     "s.cleave:3:15: error: 'Linux' is a guest, not a component"),
    ("undefined-instance", system("component Client c;", "connection rpc c.echo -> srv.echo;"),
     "s.cleave:4:30: error: no instance 'srv' in system 'S'"),
    ("undefined-interface", system("component Client c;", "component Server s;",
                                   "connection rpc c.echo -> s.ecko;"),
     "s.cleave:5:32: error: component 'Server' has no interface 'ecko'"),
    ("undefined-device", system("component Driver d;", "connection hardware d.regs -> rtcc;"),
     "s.cleave:4:35: error: device 'rtcc' is not declared"),
    ("undefined-guest-device", "guest G { devices { rct; } }\n" + system("guest G g;"),
     "s.cleave:2:21: error: device 'rct' is not declared"),
    ("undefined-assert-instance", system("component Idle a;", "assert no_path(a, b);"),
     "s.cleave:4:23: error: no instance 'b' in system 'S'"),
    # --- connection types ---
    ("rpc-reversed", system("component Client c;", "component Server s;",
                            "connection rpc s.echo -> c.echo;"),
     "s.cleave:5:22: error: rpc connections go from 'uses' to 'provides'; "
     "'s.echo' is 'provides Echo'"),
    ("rpc-procedures-differ", system("component Client c;", "component Logger l;",
                                     "connection rpc c.echo -> l.echo;"),
     "s.cleave:5:16: error: rpc connection joins 'c.echo' (uses Echo) and 'l.echo' "
     "(provides Log): the procedures differ"),
    ("notification-wrong-kind", system("component Client c;", "component Receiver r;",
                                       "connection notification c.echo -> r.tick;"),
     "s.cleave:5:31: error: notification connections go from 'emits' to 'consumes'; "
     "'c.echo' is 'uses Echo'"),
    ("notification-events-differ", system("component Sender a;", "component TockReceiver b;",
                                          "connection notification a.tick -> b.tick;"),
     "s.cleave:5:16: error: notification connection joins 'a.tick' (emits Tick) and "
     "'b.tick' (consumes Tock): the event types differ"),
    ("shared-sizes-differ", system("component Sharer a;", "component BigSharer b;",
                                   "connection shared a.buf <-> b.buf;"),
     "s.cleave:5:16: error: shared connection joins dataports of 4096 and 8192 bytes "
     "('a.buf', 'b.buf')"),
    ("shared-types-differ", system("component Sharer a;", "component PageSharer b;",
                                   "connection shared a.buf <-> b.buf;"),
     "s.cleave:5:16: error: shared connection joins 'a.buf' (dataport Buf) and 'b.buf' "
     "(dataport Page): the dataport types differ"),
    ("shared-wrong-arrow", system("component Sharer a;", "component Sharer b;",
                                  "connection shared a.buf -> b.buf;"),
     "s.cleave:5:29: error: a shared connection is written with '<->'"),
    ("shared-itself", system("component Sharer a;", "connection shared a.buf <-> a.buf;"),
     "s.cleave:4:33: error: a connection from 'a.buf' to itself"),
    ("hardware-to-interface", system("component Driver d;", "component Idle i;",
                                     "connection hardware d.regs -> i.x;"),
     "s.cleave:5:35: error: a hardware connection ends at a device, not 'i.x'"),
    ("rpc-bare-instance", system("component Client c;", "component Server s;",
                                 "connection rpc c.echo -> s;"),
     "s.cleave:5:30: error: 's' is an instance; a rpc connection joins interfaces"),
    ("uses-twice", system("component Client c;", "component Server s;", "component Server t;",
                          "connection rpc c.echo -> s.echo;",
                          "connection rpc c.echo -> t.echo;"),
     "s.cleave:7:20: error: 'c.echo' (uses Echo) is already connected"),
    # --- unconnected ends ---
    ("uses-unconnected", system("component Client c;"),
     "s.cleave:3:22: error: 'c.echo' (uses Echo) is not connected"),
    ("consumes-unconnected", system("component Receiver r;"),
     "s.cleave:3:24: error: 'r.tick' (consumes Tick) is not connected"),
    ("hardware-unconnected", system("component Driver d;"),
     "s.cleave:3:22: error: 'd.regs' (hardware) is not connected"),
    # --- memory ---
    ("memory-too-big", "guest Big { memory 200M; }\n" + system("guest Big a;", "guest Big b;"),
     "s.cleave:3:8: error: system 'S' needs 400 MiB of memory; board has 256 MiB"),
    ("dataport-not-pages", "component X { dataport Buf b (100); }\n" + system(),
     "s.cleave:2:31: error: dataport 'b' is 100 bytes; a dataport is a whole number of 4K "
     "pages"),
    # --- devices on the platform ---
    ("device-no-path", "device d { irq 40; }\n" + system(),
     "s.cleave:2:8: error: device 'd' needs a path or a compatible"),
    ("device-bad-path", 'device d { path "/pl031@9010001"; }\n' + system(),
     "s.cleave:2:17: error: board has no device at '/pl031@9010001'"),
    ("device-bad-compatible", 'device d { compatible "arm,pl032"; }\n' + system(),
     "s.cleave:2:23: error: board has no device compatible with 'arm,pl032'"),
    ("device-ambiguous", 'device d { compatible "virtio,mmio"; }\n' + system(),
     "s.cleave:2:23: error: 'virtio,mmio' matches 2 devices on board"),
    ("device-path-not-compatible",
     'device d { path "/pl031@9010000"; compatible "arm,pl011"; }\n' + system(),
     "s.cleave:2:46: error: /pl031@9010000 is not compatible with 'arm,pl011'"),
    ("device-kernels-own", 'device d { path "/pl011@9000000"; }\n' + system(),
     "s.cleave:2:8: error: device 'd' (/pl011@9000000) is the kernel's own uart"),
    # --- owners ---
    ("device-two-owners", system("component Driver a;", "component Driver b;",
                                 "connection hardware a.regs -> rtc;",
                                 "connection hardware b.regs -> rtc;"),
     "s.cleave:6:35: error: device 'rtc' already belongs to 'a'"),
    ("node-two-owners", system("component Driver a;", "component Driver b;",
                               "connection hardware a.regs -> rtc;",
                               "connection hardware b.regs -> rtc_too;"),
     "s.cleave:6:35: error: device 'rtc_too' is /pl031@9010000, which 'a' owns as 'rtc'"),
    ("irq-two-owners", 'device v { path "/virtio@a000200"; irq 34; }\n' +
     system("component Driver a;", "component Driver b;",
            "connection hardware a.regs -> rtc;", "connection hardware b.regs -> v;"),
     "s.cleave:7:35: error: interrupt 34 of device 'v' already belongs to 'a' (device "
     "'rtc')"),
    ("guest-and-component-own", "guest G { devices { rtc; } }\n" +
     system("guest G g;", "component Driver d;", "connection hardware d.regs -> rtc;"),
     "s.cleave:6:35: error: device 'rtc' already belongs to 'g'"),
    ("two-guests-own", "guest G { devices { rtc; } }\n" + system("guest G g1;", "guest G g2;"),
     "s.cleave:5:13: error: device 'rtc' already belongs to 'g1'"),
    ("two-guests-own-one-node", "guest G { devices { rtc; } }\nguest H { devices { rtc_too; } }\n"
     + system("guest G g1;", "guest H g2;"),
     "s.cleave:6:13: error: device 'rtc_too' is /pl031@9010000, which 'g1' owns as 'rtc'"),
    # --- what a component can be given ---
    ("authority-unknown", "component X { authority { irq_control; root; } }\n" + system(),
     "s.cleave:2:40: error: 'root' is not an authority a component can be given"),
    ("program-and-source", 'component X { program "p"; source "x.c"; }\n' + system(),
     "s.cleave:2:23: error: component X has both 'program' and 'source'"),
    ("untyped-below-a-page", "component X { untyped 100; }\n" + system(),
     "s.cleave:2:23: error: 'untyped 100' is less than a page"),
    ("untyped-not-a-size", 'component X { untyped "big"; }\n' + system(),
     "s.cleave:2:23: error: 'untyped' takes a size, not a string"),
    # --- numbers the kernel accepts ---
    ("priority-256", "component X { priority 256; }\n" + system(),
     "s.cleave:2:24: error: priority 256 is outside 0..255"),
    ("cpu-beyond-board", "component X { cpu 4; }\n" + system(),
     "s.cleave:2:19: error: cpu 4 is outside board's CPUs 0..3"),
    ("vcpus-zero", "guest G { vcpus 0; }\n" + system(),
     "s.cleave:2:17: error: vcpus 0: board has 1 to 4 CPUs"),
    ("restart-limit-too-big", "guest G { restart_limit 1001; }\n" + system(),
     "s.cleave:2:25: error: restart_limit 1001 is outside 0..1000"),
    ("restart-limit-never-used", "guest G { on_reset stop; restart_limit 2; }\n" + system(),
     "s.cleave:2:40: error: guest G has a restart_limit but never restarts (on_reset and "
     "on_crash are stop)"),
    ("component-partition-4", "component X { partition 4; }\n" + system(),
     "s.cleave:2:25: error: partition 4 is outside 0..3"),
    ("window-partition-4", system("schedule { window 4 10ms; }"),
     "s.cleave:3:23: error: partition 4 is outside 0..3"),
    ("seven-windows", system("schedule {", *["  window 0 10ms;"] * 7, "}"),
     "s.cleave:10:7: error: more than 6 windows"),
    ("zero-window", system("schedule { window 0 0ms; }"),
     "s.cleave:3:25: error: a window of zero length"),
    ("window-not-ticks", system("schedule { window 0 15ms; }"),
     "s.cleave:3:25: error: 15 ms is not a whole number of 10 ms ticks"),
    ("windows-exceed-frame", system("schedule { frame 20ms; window 0 10ms; window 1 20ms; }"),
     "s.cleave:3:22: error: the windows take 30 ms, more than the 20 ms major frame"),
    ("windows-short-of-frame", system("schedule { frame 40ms; window 0 10ms; }"),
     "s.cleave:3:22: error: the windows take 10 ms, less than the 40 ms major frame"),
    ("empty-schedule", system("schedule { }"),
     "s.cleave:3:5: error: a schedule needs at least one window"),
    ("partition-without-window", "component X { partition 2; }\n" +
     system("component X x;", "schedule { window 0 10ms; window 1 10ms; }"),
     "s.cleave:4:17: error: 'x' is in partition 2, which has no window: it would never run"),
    ("partition-without-schedule", "component X { partition 1; }\n" +
     system("component X x;"),
     "s.cleave:4:17: error: 'x' is in partition 1, which has no window: it would never run"),
    # --- a guest's console ---
    ("console-from-component", system("component Idle i;", "component ConsoleServer c;",
                                      "connection console i -> c;"),
     "s.cleave:5:24: error: a console connection starts at a guest; 'i' is a component"),
    ("console-to-guest", system("guest Tiny g;", "guest Tiny h;",
                                "connection console g -> h;"),
     "s.cleave:5:29: error: a console connection ends at the console server; 'h' is a guest"),
    ("console-to-no-server", system("guest Tiny g;", "component Idle i;",
                                    "connection console g -> i;"),
     "s.cleave:5:29: error: 'i' is not a console server: component Idle has no "
     "'provides Console' or no 'emits'"),
    ("console-to-interface", system("guest Tiny g;", "component ConsoleServer c;",
                                    "connection console g -> c.console;"),
     "s.cleave:5:31: error: a console connection joins a guest to the console server, "
     "not 'c.console'"),
    ("console-twice", system("guest Tiny g;", "component ConsoleServer c;",
                             "connection console g -> c;", "connection console g -> c;"),
     "s.cleave:6:24: error: guest 'g' already has a console"),
    ("console-arrow", system("guest Tiny g;", "component ConsoleServer c;",
                             "connection console g <-> c;"),
     "s.cleave:5:26: error: a console connection is written with '->'"),
    ("console-unknown-server", system("guest Tiny g;", "connection console g -> cons;"),
     "s.cleave:4:29: error: no instance 'cons' in system 'S'"),
    # --- assertions ---
    ("no-path-fails", system("component Client c;", "component Server s;",
                             "connection rpc c.echo -> s.echo;", "assert no_path(c, s);"),
     "s.cleave:6:12: error: no_path(c, s) does not hold"),
    ("no-path-arity", system("component Idle a;", "assert no_path(a);"),
     "s.cleave:4:12: error: no_path takes 2 instances, not 1"),
    ("no-path-same", system("component Idle a;", "assert no_path(a, a);"),
     "s.cleave:4:23: error: no_path(a, a) names one instance twice"),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_error(tmp_path, text, expected):
    _, diags = check(tmp_path, text)
    assert errors(diags) == [expected], diags.render_all()


def test_enough_bad_cases():
    assert len(CASES) >= 40


def test_hints(tmp_path):
    """The hints that point the way: a swap, a spelling, the connection to add."""
    cases = {
        system("component Client c;", "component Server s;", "connection rpc s.echo -> c.echo;"):
            "swap the two ends",
        "component X { uses Ech e; }\n" + system(): "did you mean 'Echo'?",
        system("component Client c;"): "add: connection rpc c.echo -> SERVER.INTERFACE;",
        system("component Client c;", "component Server s;",
               "connection rpc c.echo -> s.echo;", "assert no_path(c, s);"):
            "connected through c -rpc- s",
        system("component Idle i;", "schedule { window 0 10ms; }", "schedule { window 0 10ms; }"):
            "put every window in one schedule",
    }
    for text, hint in cases.items():
        _, diags = check(tmp_path, text)
        assert [d.hint for d in diags.errors] == [hint], diags.render_all()


def test_provides_unconnected_is_a_warning(tmp_path):
    _, diags = check(tmp_path, system("component Server s;"))
    assert errors(diags) == []
    assert [d.headline() for d in diags.warnings] == [
        "s.cleave:3:22: warning: 's.echo' (provides Echo) is not connected; nothing calls it"]


def test_guest_console_checks_clean(tmp_path):
    """Two guests on one console server: no error, and the server joins them."""
    _, diags = check(tmp_path, system(
        "guest Tiny g;", "guest Tiny h;", "component ConsoleServer c;",
        "connection console g -> c;", "connection console h -> c;", "assert no_path(g, h);"))
    assert errors(diags) == ["s.cleave:8:12: error: no_path(g, h) does not hold"]
    assert diags.warnings == []  # the server's Console and event are in use
    assert [d.hint for d in diags.errors] == ["connected through g -console- c, c -console- h"]


def test_no_path_holds_without_a_chain(tmp_path):
    _, diags = check(tmp_path, system(
        "component Client c;", "component Server s;", "component Idle i;",
        "connection rpc c.echo -> s.echo;", "assert no_path(c, i);"))
    assert diags.items == []


def test_chain_through_a_third_instance(tmp_path):
    text = system("component Sender a;", "component Receiver b;", "component Sharer x;",
                  "component Sharer y;", "guest Linux g;",
                  "connection notification a.tick -> b.tick;",
                  "connection shared x.buf <-> y.buf;", "assert no_path(a, b);",
                  "assert no_path(a, x);")
    _, diags = check(tmp_path, text)
    assert errors(diags) == ["s.cleave:10:12: error: no_path(a, b) does not hold"]


def test_platform_checks_skip_without_a_platform(tmp_path):
    text = ('device d { path "/nowhere"; }\n'
            "component X { cpu 99; heap 2G; }\n" + system("component X x;"))
    _, diags = check(tmp_path, text, target=None)
    assert diags.items == []
    _, diags = check(tmp_path, text)
    assert len(diags.errors) == 3


def test_shared_memory_counts_once(tmp_path):
    from cleave_idl.checks.resources import system_memory

    spec, diags = check(tmp_path, system("component Sharer a;", "component Sharer b;",
                                         "connection shared a.buf <-> b.buf;"))
    assert diags.items == []
    # two heaps (64K) and stacks (16K), one shared 4K page
    assert system_memory(spec.system) == 2 * (64 + 16) * 1024 + 4096


def test_devices_bind_and_irqs(tmp_path):
    spec, diags = check(tmp_path, 'device v { path "/virtio@a000200"; irq 40; }\n' + system(
        "component Driver a;", "connection hardware a.regs -> rtc_too;"))
    assert diags.items == []
    rtc_too = spec.find("device", "rtc_too")
    assert rtc_too.node.path == "/pl031@9010000" and rtc_too.irqs() == (34,)
    assert spec.find("device", "v").irqs() == (40,)


def test_every_check_runs_in_order():
    names = [c.__name__ for c in cleave_idl.checks.CHECKS]
    assert names.index("check_undefined") < names.index("check_connection_types")
    assert names.index("check_devices_exist") < names.index("check_device_owners")
    assert len(names) == len(set(names)) == 17
