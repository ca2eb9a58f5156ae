"""Tests of the authority report (idl/cleave_idl/authority.py): the who-can-affect-whom
matrix read from the capability specification alone, paths of authority through third
components, `assert no_path` checked on them, and `./cleave check`'s report and --spec.

Run with `/usr/bin/python3 -m pytest -q tests/idl` (`./cleave test` does).
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "idl"))

import cleave_idl  # noqa: E402
from cleave_idl import authority, spec as capspec  # noqa: E402
from cleave_idl.diag import Diagnostics  # noqa: E402
from cleave_idl.model import DeviceNode  # noqa: E402
from cleave_idl.target import Target  # noqa: E402

BOARD = Target(
    name="board", ram_base=0x40000000, ram_size=1 << 30, cpus_max=4,
    nodes=[
        DeviceNode("/", ("board",), (), ()),
        DeviceNode("/pl031@9010000", ("arm,pl031",), ((0x09010000, 0x1000),), (34,)),
        DeviceNode("/pl061@9030000", ("arm,pl061",), ((0x09030000, 0x1000),), (39,)),
    ])

LIB = """\
procedure Echo { int echo(in int x); }
component Client { uses Echo echo; }
component Server { provides Echo echo; }
component Relay { provides Echo echo; uses Echo onward; }
component Sender { emits Tick tick; }
component Receiver { consumes Tick tick; }
component Sharer { dataport Buf buf (4K); }
component Driver { hardware regs; }
device rtc { path "/pl031@9010000"; }
device gpio { path "/pl061@9030000"; }
"""


def load(tmp_path, text):
    """(model, Diagnostics) of LIB's import followed by `text` (line 2 onwards)."""
    (tmp_path / "lib.cleave").write_text(LIB)
    path = tmp_path / "s.cleave"
    path.write_text('import "lib.cleave";\n' + text)
    return cleave_idl.check_file(path, BOARD, shown="s.cleave")


def report_of(tmp_path, text):
    model, diags = load(tmp_path, text)
    assert not diags.errors, diags.render_all()
    return authority.analyse(capspec.build(model, BOARD))


def system(*lines):
    """A system block from its inner lines: line 2 is `system S {`, the first inner line
    is line 3."""
    return "system S {\n" + "".join(f"    {line}\n" for line in lines) + "}\n"


def cells(report, *names):
    return {(a, b): report.cell(a, b) for a in names for b in names if a != b}


def test_rpc_is_send_one_way(tmp_path):
    report = report_of(tmp_path, system("component Client c;", "component Server s;",
                                        "connection rpc c.echo -> s.echo;"))
    assert cells(report, "c", "s") == {("c", "s"): "s", ("s", "c"): "."}


def test_notification_is_signal_one_way(tmp_path):
    report = report_of(tmp_path, system("component Sender a;", "component Receiver b;",
                                        "connection notification a.tick -> b.tick;"))
    assert cells(report, "a", "b") == {("a", "b"): "n", ("b", "a"): "."}


def test_shared_memory_goes_both_ways(tmp_path):
    report = report_of(tmp_path, system("component Sharer a;", "component Sharer b;",
                                        "connection shared a.buf <-> b.buf;"))
    assert cells(report, "a", "b") == {("a", "b"): "m", ("b", "a"): "m"}


def test_hardware_gives_no_edge_between_components(tmp_path):
    report = report_of(tmp_path, system(
        "component Driver d1;", "component Driver d2;",
        "connection hardware d1.regs -> rtc;", "connection hardware d2.regs -> gpio;"))
    assert cells(report, "d1", "d2") == {("d1", "d2"): ".", ("d2", "d1"): "."}
    assert report.closure()["d1"] == set()


def test_loader_controls_every_instance_and_nothing_controls_it(tmp_path):
    report = report_of(tmp_path, system("component Client c;", "component Server s;",
                                        "connection rpc c.echo -> s.echo;"))
    assert report.cell("(loader)", "c") == report.cell("(loader)", "s") == "c"
    assert report.cell("c", "(loader)") == report.cell("s", "(loader)") == "."
    assert report.closure()["c"] == {"s"}
    assert report.closure()["(loader)"] == {"c", "s"}


def test_transitive_path_through_a_third_component(tmp_path):
    report = report_of(tmp_path, system(
        "component Client a;", "component Relay r;", "component Server b;",
        "connection rpc a.echo -> r.echo;", "connection rpc r.onward -> b.echo;"))
    assert report.cell("a", "b") == "."
    assert authority.path_text(report.path("a", "b")) == "a -> r (send) -> b (send)"
    assert report.path("b", "a") is None
    assert report.closure()["a"] == {"r", "b"}


def test_share_is_walked_against_the_send_direction(tmp_path):
    text = LIB.replace("component Sharer", "component Sharer2 { uses Echo echo; dataport "
                       "Buf buf (4K); }\ncomponent Sharer")
    (tmp_path / "lib.cleave").write_text(text)
    path = tmp_path / "s.cleave"
    path.write_text('import "lib.cleave";\n' + system(
        "component Server b;", "component Sharer a;", "component Sharer2 c;",
        "connection shared a.buf <-> c.buf;", "connection rpc c.echo -> b.echo;"))
    model, diags = cleave_idl.check_file(path, BOARD, shown="s.cleave")
    assert not diags.errors, diags.render_all()
    report = authority.analyse(capspec.build(model, BOARD))
    assert authority.path_text(report.path("a", "b")) == "a -> c (share) -> b (send)"


def test_hello_matrix_table():
    model, diags = cleave_idl.check_file(ROOT / "examples/hello/hello.cleave", None,
                                         shown="hello.cleave")
    report = authority.analyse(capspec.build(model))
    assert report.table() == [
        "            client server (loader)",
        "  client    .      snm    .",
        "  server    m      .      .",
        "  (loader)  c      c      .",
    ]


def test_report_reads_the_specification_not_the_connections(tmp_path):
    model, _ = load(tmp_path, system("component Client c;", "component Server s;",
                                     "connection rpc c.echo -> s.echo;"))
    spec = capspec.build(model, BOARD)
    # Take the client's write right away: the send edge goes although the connection stays.
    spec.holder("c").caps[4].rights = ["grant"]
    assert authority.analyse(spec).cell("c", "s") == "."
    # A read-only frame shared read-only carries nothing.
    spec2 = capspec.build(model, BOARD)
    spec2.holder("s").mappings.append(capspec.Mapping("c.heap.0", ["read"], "peek"))
    assert authority.analyse(spec2).cell("s", "c") == "m"  # c writes its own heap
    spec2.holder("c").mappings = [m for m in spec2.holder("c").mappings
                                  if m.object != "c.heap.0"]
    spec2.holder("c").caps = [c for c in spec2.holder("c").caps if c.object != "c.heap.0"]
    assert authority.analyse(spec2).cell("s", "c") == "."


def test_control_edge_from_a_held_tcb(tmp_path):
    model, _ = load(tmp_path, system("component Client c;", "component Server s;",
                                     "connection rpc c.echo -> s.echo;"))
    spec = capspec.build(model, BOARD)
    spec.holder("s").caps.append(capspec.Cap(7, "c.tcb", ["read", "write"], None, "x"))
    report = authority.analyse(spec)
    assert report.cell("s", "c") == "c" and report.cell("c", "s") == "s"


def assertion_errors(tmp_path, text):
    """The authority check's diagnostics alone (the connection-level check in checks/
    may report the same assertion; the specification must hold it too)."""
    model, diags = load(tmp_path, text)
    report = authority.analyse(capspec.build(model, BOARD))
    found = Diagnostics()
    found.sources = diags.sources
    authority.check_assertions(model.system, report, found)
    return found


def test_an_assertion_that_holds(tmp_path):
    found = assertion_errors(tmp_path, system(
        "component Client a;", "component Server b;", "component Sharer x;",
        "component Sharer y;", "connection rpc a.echo -> b.echo;",
        "connection shared x.buf <-> y.buf;", "assert no_path(a, x);",
        "assert no_path(y, b);"))
    assert found.items == []


def test_an_assertion_that_fails_names_the_path(tmp_path):
    found = assertion_errors(tmp_path, system(
        "component Client a;", "component Relay r;", "component Server b;",
        "connection rpc a.echo -> r.echo;", "connection rpc r.onward -> b.echo;",
        "assert no_path(a, b);"))
    assert [d.headline() for d in found.errors] == [
        "s.cleave:8:12: error: no_path(a, b) does not hold in the capability "
        "specification: a -> r (send) -> b (send)"]
    assert found.render_all().splitlines()[1:] == [" 8 |     assert no_path(a, b);",
                                                    "   |            ^"]


def test_an_assertion_fails_in_the_other_direction_too(tmp_path):
    found = assertion_errors(tmp_path, system(
        "component Client a;", "component Server b;", "connection rpc a.echo -> b.echo;",
        "assert no_path(b, a);"))
    assert [d.headline() for d in found.errors] == [
        "s.cleave:6:12: error: no_path(b, a) does not hold in the capability "
        "specification: a -> b (send)"]


def cleave(*args, cwd=ROOT):
    return subprocess.run([str(ROOT / "cleave"), *map(str, args)], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL, cwd=cwd)


def test_check_prints_the_matrix_and_writes_the_spec(tmp_path):
    out = tmp_path / "hello.json"
    result = cleave("check", "examples/hello/hello.cleave", "--spec", out)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-5:] == [
        "  authority:   row can affect column (s send, n signal, m shared memory, "
        "c control, . none)",
        "              client server (loader)",
        "    client    .      snm    .",
        "    server    m      .      .",
        "    (loader)  c      c      .",
    ]
    data = json.loads(out.read_text())
    assert data["system"] == "hello"
    assert [h["name"] for h in data["holders"]] == ["client", "server", "(loader)"]


def test_check_fails_on_an_assertion_and_writes_no_spec(tmp_path):
    (tmp_path / "lib.cleave").write_text(LIB)
    (tmp_path / "s.cleave").write_text('import "lib.cleave";\n' + system(
        "component Client a;", "component Server b;", "connection rpc a.echo -> b.echo;",
        "assert no_path(a, b);"))
    out = tmp_path / "s.json"
    result = cleave("check", "s.cleave", "--spec", out, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == "s.cleave:6:12: error: no_path(a, b) does not hold"
    assert result.stderr.splitlines()[-1].startswith("cleave: error: s.cleave: ")
    assert not out.exists()
