"""Tests of the capability specification (idl/cleave_idl/spec.py): the objects a
checked system needs, the capabilities each instance holds (slot, rights, badge), the
frames it maps, and a deterministic JSON form.

Run with `/usr/bin/python3 -m pytest -q tests/idl` (`./cleave test` does).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "idl"))

import cleave_idl  # noqa: E402
from cleave_idl import spec as capspec  # noqa: E402
from cleave_idl import vmminfo  # noqa: E402
from cleave_idl.model import DeviceNode  # noqa: E402
from cleave_idl.target import Target  # noqa: E402

HELLO = ROOT / "examples" / "hello" / "hello.cleave"

BOARD = Target(
    name="board", ram_base=0x40000000, ram_size=1 << 30, cpus_max=4,
    kernel_devices=(("uart", 0x09000000, 0x1000),),
    nodes=[
        DeviceNode("/", ("board",), (), ()),
        DeviceNode("/pl011@9000000", ("arm,pl011",), ((0x09000000, 0x1000),), (33,)),
        DeviceNode("/pl031@9010000", ("arm,pl031",), ((0x09010000, 0x1000),), (34,)),
        DeviceNode("/virtio@a000000", ("virtio,mmio",), ((0x0a000000, 0x200),), (48,)),
    ])


def checked(path, target=BOARD):
    model, diags = cleave_idl.check_file(path, target, shown=path.name)
    assert not diags.errors, diags.render_all()
    return model


def build(tmp_path, text, target=BOARD):
    path = tmp_path / "s.cleave"
    path.write_text(text)
    return capspec.build(checked(path, target), target)


def hello():
    return capspec.build(checked(HELLO), BOARD)


def caps(spec, holder):
    """The holder's capabilities other than the frame capabilities of its mappings."""
    return {c.slot: (c.object, c.rights, c.badge) for c in spec.holder(holder).caps
            if spec.object(c.object).type != "frame"}


def test_hello_object_counts():
    spec = hello()
    counts = {t: spec.count(t) for t in sorted({o.type for o in spec.objects})}
    # client: 16K stack + 64K heap = 20 pages; server: 16K + 128K = 36; one shared page.
    assert counts == {"aspace": 2, "cnode": 2, "console": 1, "endpoint": 1, "frame": 57,
                      "irq_control": 1, "notification": 1, "sched_control": 1, "tcb": 2}
    assert [h.name for h in spec.holders] == ["client", "server", "(loader)"]


def test_hello_slot_layout():
    spec = hello()
    assert caps(spec, "client") == {
        1: ("client.cnode", ["read", "write"], None),
        2: ("client.tcb", ["read", "write"], None),
        3: ("client.aspace", ["read", "write"], None),
        5: ("console", ["write"], None),
        8: ("ep:client.greeter->server.greeter", ["write", "grant"], 1),
        9: ("ntfn:client.ready->server.ready", ["write"], 2),
    }
    assert caps(spec, "server")[8] == ("ep:client.greeter->server.greeter", ["read"], None)
    assert caps(spec, "server")[9] == ("ntfn:client.ready->server.ready", ["read"], None)
    assert spec.holder("server").cap(8).name == "greeter"
    # Slots 4, 6 and 7 (irq_control, bootinfo, sched_control) stay empty without them.
    assert not {4, 6, 7} & {c.slot for c in spec.holder("client").caps}


def test_hello_dataport_is_one_frame_mapped_by_both():
    spec = hello()
    client = {m.object: m for m in spec.holder("client").mappings if m.region == "outbox"}
    server = {m.object: m for m in spec.holder("server").mappings if m.region == "inbox"}
    assert list(client) == list(server) == ["shared:client.outbox<->server.inbox.0"]
    frame = spec.object("shared:client.outbox<->server.inbox.0")
    assert frame.type == "frame" and frame.size_bits == 12 and frame.owner is None
    assert client[frame.name].rights == server[frame.name].rights == ["read", "write"]


def test_stack_and_heap_frames_follow_the_settings():
    spec = hello()
    def region(holder, name):
        return [m for m in spec.holder(holder).mappings if m.region == name]
    assert len(region("client", "stack")) == 4 and len(region("client", "heap")) == 16
    assert len(region("server", "heap")) == 32  # heap 128K
    assert all(spec.object(m.object).owner == "server" for m in region("server", "heap"))


def test_sched_control_only_to_the_loader_console_to_all_write_only():
    spec = hello()
    holding = [h.name for h in spec.holders
               if any(c.object == "sched_control" for c in h.caps)]
    assert holding == ["(loader)"]
    for holder in spec.holders:
        console = [c for c in holder.caps if c.object == "console"]
        assert len(console) == 1 and console[0].rights == ["write"]
        if holder.kind != "loader":
            assert console[0].slot == 5


def test_loader_holds_every_instances_thread_cnode_and_aspace():
    spec = hello()
    held = {c.object for c in spec.holder("(loader)").caps}
    for inst in ("client", "server"):
        assert {f"{inst}.tcb", f"{inst}.cnode", f"{inst}.aspace"} <= held
    # ...and no component holds another's.
    assert not any(c.object.startswith("server.") for c in spec.holder("client").caps)


LIB = """\
procedure Echo { int echo(in int x); }
component Client { uses Echo echo; emits Tick tick; }
component Server { provides Echo echo; consumes Tick tick; }
"""


def test_clients_of_one_server_end_share_its_object_with_distinct_badges(tmp_path):
    spec = build(tmp_path, LIB + """
system S {
    component Client a;  component Client b;  component Server srv;
    connection rpc a.echo -> srv.echo;
    connection rpc b.echo -> srv.echo;
    connection notification a.tick -> srv.tick;
    connection notification b.tick -> srv.tick;
}
""")
    badges = [c.badge for h in spec.holders for c in h.caps if c.badge is not None]
    assert sorted(badges) == [1, 2, 3, 4]
    # One endpoint and one notification: the server waits on each in one slot, and
    # the badge tells the clients apart.
    assert spec.count("endpoint") == 1 and spec.count("notification") == 1
    assert [(c.slot, c.object) for c in spec.holder("srv").caps[4:6]] == [
        (8, "ep:a.echo->srv.echo"), (9, "ntfn:a.tick->srv.tick")]
    assert spec.holder("b").cap(8).object == "ep:a.echo->srv.echo"
    assert (spec.holder("a").cap(8).badge, spec.holder("b").cap(8).badge) == (1, 2)
    assert all(c.badge is None for c in spec.holder("srv").caps)


def test_cnode_grows_in_powers_of_two(tmp_path):
    ends = "".join(f"emits E{i} e{i};" for i in range(12))
    takes = "".join(f"consumes E{i} e{i};" for i in range(12))
    conns = "".join(f"connection notification a.e{i} -> b.e{i};\n" for i in range(12))
    spec = build(tmp_path, f"component A {{ {ends} }}\ncomponent B {{ {takes} }}\n"
                 f"system S {{ component A a; component B b;\n{conns}}}\n")
    # 7 fixed slots + 12 ends + 4 stack and 16 heap frames: slot 39 is used, so 32
    # slots are too few.
    assert spec.holder("a").cnode_slots == 64
    assert spec.object("a.cnode").size_bits == 6 + 6
    small = hello()
    assert max(c.slot for c in small.holder("client").caps) == 9 + 4 + 16 + 1
    assert small.holder("client").cnode_slots == 32
    assert small.object("client.cnode").size_bits == 11


def test_hardware_gives_device_frames_and_an_irq_handler(tmp_path):
    spec = build(tmp_path, """
component Clock { hardware regs; }
device rtc { path "/pl031@9010000"; }
system S { component Clock clock; connection hardware clock.regs -> rtc; }
""")
    holder = spec.holder("clock")
    dev = [m for m in holder.mappings if m.attr == "device"]
    assert len(dev) == 1 and dev[0].region == "regs"
    assert spec.object(dev[0].object).paddr == 0x09010000
    assert spec.object(dev[0].object).device is True
    assert [(c.slot, c.object, c.rights) for c in holder.caps[4:6]] == [
        (8, "irq:rtc.34", ["read", "write"]), (9, "irq:rtc", ["read"])]
    assert dev[0].vaddr == capspec.DEVICE_BASE
    handler = spec.object("irq:rtc.34")
    assert handler.type == "irq_handler" and handler.irq == 34
    assert handler.notification == "irq:rtc"


def test_guest_has_vcpus_memory_and_its_connections(tmp_path):
    spec = build(tmp_path, """
component Pinger { emits Kick kick; dataport Page page (8K); }
guest Linux { memory 128M; vcpus 2; consumes Kick kick; dataport Page page (8K);
              devices { console; rtc; } }
device rtc { path "/pl031@9010000"; }
system S {
    component Pinger p;  guest Linux vm;
    connection notification p.kick -> vm.kick;
    connection shared p.page <-> vm.page;
}
""")
    vm = spec.holder("vm")
    assert vm.kind == "guest"
    assert [o.name for o in spec.objects if o.type == "vcpu"] == ["vm.vcpu.0", "vm.vcpu.1"]
    # The component's thread, the guest's two vCPU threads, its VMM's thread.
    assert sorted(o.name for o in spec.objects if o.type == "tcb") == [
        "p.tcb", "vm.tcb.0", "vm.tcb.1", "vm.vmm.tcb"]
    assert spec.object("vm.vcpu.1").thread == "vm.tcb.1" and spec.object("vm.vcpu.1").index == 1
    memory = [m for m in vm.mappings if m.region == "memory"]
    assert len(memory) == 64 and {spec.object(m.object).size_bits for m in memory} == {21}
    assert memory[0].vaddr == capspec.GUEST_RAM_IPA  # at the IPA its device tree says
    assert memory[1].vaddr == capspec.GUEST_RAM_IPA + (2 << 20)
    # An event into the guest is its VMM's notification, which the guest's end names too.
    assert vm.cap(2).object == "vm.vcpu.0" and vm.cap(8).object == "vm.vmm.irq_events"
    # A passed-through device's interrupt is its VMM's to forward: the guest holds none.
    assert vm.cap(9).object == "vm.vcpu.1"
    assert not [c for c in vm.caps if spec.object(c.object).type == "irq_handler"]
    # Its exits endpoint, write only, once per vCPU with the vCPU's number + 1 as badge.
    assert [(c.object, c.rights, c.badge) for c in (vm.cap(10), vm.cap(11))] == [
        ("vm.exits", ["write"], 1), ("vm.exits", ["write"], 2)]
    assert vm.cap(12).object == vm.mappings[0].object  # then the frames of the mappings
    # A passed-through device at its own address (the VMM's device tree describes it).
    rtc = [m for m in vm.mappings if m.attr == "device"]
    assert [(m.vaddr, spec.object(m.object).paddr) for m in rtc] == [(0x09010000, 0x09010000)]
    shared = [m.object for m in vm.mappings if m.region == "page"]
    assert shared == [m.object for m in spec.holder("p").mappings if m.region == "page"]
    assert len(shared) == 2
    # The guest maps its dataport below its RAM, read/write, not executable.
    assert [(m.vaddr, m.rights, m.attr) for m in vm.mappings if m.region == "page"] == [
        (0x20000000, ["read", "write"], "normal"), (0x20001000, ["read", "write"], "normal")]


EVENTS = """
component Pinger { emits Kick kick; emits Kick kick2; consumes Done done;
                   dataport Page page (8K); dataport Big big (4M); }
guest Linux { memory 16M; consumes Kick kick; consumes Kick other; emits Done done;
              emits Spare spare; dataport Page page (8K); dataport Big big (4M);
              devices { console; rtc; } }
device rtc { path "/pl031@9010000"; }
system S {
    component Pinger p;  guest Linux vm;
    connection notification p.kick -> vm.kick;
    connection notification p.kick2 -> vm.other;
    connection notification vm.done -> p.done;
    connection shared p.page <-> vm.page;
    connection shared p.big <-> vm.big;
}
"""


def test_guest_events_and_dataports_reach_its_vmm(tmp_path):
    spec = build(tmp_path, EVENTS)
    vm, vmm, p = spec.holder("vm"), spec.holder("vm.vmm"), spec.holder("p")
    vmm_caps = {c.name: c for c in vmm.caps}
    # An event into the guest: the emitter signals the VMM's own notification (no
    # console), badged with the event's bit above the devices' interrupts.
    kick = next(c for c in p.caps if c.name == "kick")
    assert (kick.object, kick.rights, kick.badge) == (
        "vm.vmm.irq_events", ["write"], 1 << 48) and vmminfo.event_in_badge(0) == 1 << 48
    assert vmm_caps["irq_events"].object == "vm.vmm.irq_events"
    # An event out: the VMM holds the component's notification, write, badged as the
    # connection says (its number), as the guest's own end is.
    done = vmm_caps["event.done"]
    guest_done = next(c for c in vm.caps if c.name == "done")
    assert (done.object, done.rights, done.badge) == ("ntfn:vm.done->p.done", ["write"], 3)
    assert (guest_done.object, guest_done.badge) == (done.object, done.badge)
    # The VMM maps nothing of the dataports: only the guest and the component do.
    assert not [m for m in vmm.mappings if m.region in ("page", "big")]
    big = [m.vaddr for m in vm.mappings if m.region == "big"]
    assert big[0] == 0x20200000 and len(big) == 1024  # the next 2 MiB boundary
    info = spec.guests["vm"]
    assert info["dataports"] == [dict(name="page", ipa=0x20000000, size=0x2000),
                                 dict(name="big", ipa=0x20200000, size=4 << 20)]
    # SPIs from 24 up (rtc has SPI 2, the PL011 1), a badge bit each.
    kick2 = next(c for c in p.caps if c.name == "kick2")
    assert kick2.badge == vmminfo.event_in_badge(1)
    assert info["events_in"] == [dict(name="kick", spi=24), dict(name="other", spi=25)]
    # Doorbells after the dataports, one page each; an unconnected one has none.
    assert info["events_out"] == [dict(name="done", ipa=0x20600000, slot=done.slot)]
    assert info["slot_irq_events"] == vmm_caps["irq_events"].slot
    data = vmminfo.pack(info, "vm")
    assert len(data) == vmminfo.SIZE == 3824
    at = vmminfo.HEAD.size + vmminfo.MAX_DEVICES * vmminfo.DEVICE.size
    assert vmminfo.COUNTS.unpack_from(data, at) == (2, 2, 1, 0)
    at += vmminfo.COUNTS.size
    port = vmminfo.DATAPORT.unpack_from(data, at + vmminfo.DATAPORT.size)
    assert (port[0].rstrip(b"\0"), port[1], port[2]) == (b"big", 0x20200000, 4 << 20)
    at += vmminfo.MAX_DATAPORTS * vmminfo.DATAPORT.size
    assert vmminfo.EVENT_IN.unpack_from(data, at)[1] == 24
    at += vmminfo.MAX_EVENTS * vmminfo.EVENT_IN.size
    out = vmminfo.EVENT_OUT.unpack_from(data, at)
    assert (out[0].rstrip(b"\0"), out[1], out[2]) == (b"done", 0x20600000, done.slot)


def test_guest_event_with_console_shares_its_input(tmp_path):
    console = (ROOT / "servers" / "console" / "console.cleave").resolve()
    for order in ("connection notification p.kick -> vm.kick; connection console vm -> c;",
                  "connection console vm -> c; connection notification p.kick -> vm.kick;"):
        spec = build(tmp_path, f"""
import "{console}";
component Pinger {{ emits Kick kick; }}
guest Linux {{ memory 4M; consumes Kick kick; }}
system S {{ component ConsoleServer c; component Pinger p; guest Linux vm; {order} }}
""")
        vmm = {c.name: c for c in spec.holder("vm.vmm").caps}
        kick = next(c for c in spec.holder("p").caps if c.name == "kick")
        assert "irq_events" not in vmm and kick.object == vmm["console_input"].object
        info = spec.guests["vm"]
        assert info["slot_irq_events"] == info["slot_console_input"]


def test_guest_events_and_dataports_that_do_not_fit(tmp_path):
    import pytest

    def consuming(n, device=""):
        emits = " ".join(f"emits Kick k{i};" for i in range(n))
        consumes = " ".join(f"consumes Kick k{i};" for i in range(n))
        conns = " ".join(f"connection notification p.k{i} -> vm.k{i};" for i in range(n))
        return build(tmp_path, f"""component P {{ {emits} }}
guest Linux {{ memory 4M; {consumes} {device} }}
device virtio {{ compatible "virtio,mmio"; irq 56; }}
system S {{ component P p; guest Linux vm; {conns} }}""")
    with pytest.raises(vmminfo.InfoError, match=r"guest vm: it consumes 9 events, but only "
                       r"8 SPIs are free for them \(SPIs 24 to 31, less the PL011's and its "
                       r"devices'\)"):
        consuming(9)
    assert [e["spi"] for e in consuming(8).guests["vm"]["events_in"]] == list(range(24, 32))
    # A device on one of the event SPIs (INTID 56: SPI 24) leaves one fewer.
    with pytest.raises(vmminfo.InfoError, match="it consumes 8 events, but only 7 SPIs"):
        consuming(8, "devices { virtio; }")
    assert [e["spi"] for e in consuming(2, "devices { virtio; }").guests["vm"]["events_in"]
            ] == [25, 26]
    with pytest.raises(vmminfo.InfoError, match=r"guest vm: its dataports and doorbells do "
                       r"not fit: b ends at 0x40400000, beyond the 512 MiB from 0x20000000 "
                       r"below its RAM at 0x40000000"):
        build(tmp_path, """guest Linux { memory 4M; dataport A a (256M); dataport B b (260M); }
system S { guest Linux vm; }""")
    info = build(tmp_path, EVENTS).guests["vm"]
    with pytest.raises(vmminfo.InfoError, match="6 shared dataports; a VMM takes at most 4"):
        vmminfo.pack(dict(info, dataports=info["dataports"] * 3), "vm")
    with pytest.raises(vmminfo.InfoError, match="9 emitted events; a VMM takes at most 8"):
        vmminfo.pack(dict(info, events_out=info["events_out"] * 9), "vm")
    with pytest.raises(vmminfo.InfoError, match="dataport x+: its name is longer than 31"):
        vmminfo.pack(dict(info, dataports=[dict(name="x" * 32, ipa=0, size=4096)]), "vm")


def test_guest_event_into_another_guest_goes_vmm_to_vmm(tmp_path):
    spec = build(tmp_path, """
guest A { memory 4M; emits Kick kick; }
guest B { memory 4M; consumes Kick kick; }
system S { guest A a; guest B b; connection notification a.kick -> b.kick; }
""")
    # a's VMM signals b's VMM's notification with b's event bit, as a's end does.
    out = next(c for c in spec.holder("a.vmm").caps if c.name == "event.kick")
    end = next(c for c in spec.holder("a").caps if c.name == "kick")
    assert (out.object, out.badge) == (end.object, end.badge) == (
        "b.vmm.irq_events", vmminfo.event_in_badge(0))
    assert spec.guests["b"]["events_in"] == [dict(name="kick", spi=24)]


def test_guest_event_connected_twice_is_refused(tmp_path):
    import pytest
    with pytest.raises(vmminfo.InfoError, match="guest vm: its event done is connected 2 "
                       "times; a guest's doorbell signals one consumer"):
        build(tmp_path, """
component P { consumes Done done; }
guest Linux { memory 4M; emits Done done; }
system S { component P a; component P b; guest Linux vm;
    connection notification vm.done -> a.done; connection notification vm.done -> b.done; }
""")


def test_guest_vmm_forwards_passed_through_interrupts(tmp_path):
    spec = build(tmp_path, """
guest Linux { memory 4M; devices { console; rtc; virtio; } }
device rtc { path "/pl031@9010000"; }
device virtio { compatible "virtio,mmio"; irq 50; }
system S { guest Linux vm; }
""")
    vmm = spec.holder("vm.vmm")
    caps_ = {c.name: c for c in vmm.caps}
    # One notification of the VMM's own (no console), bound to its thread.
    events = caps_["irq_events"]
    assert events.object == "vm.vmm.irq_events" and events.rights == ["read"]
    assert spec.object(events.object).type == "notification"
    # An IRQ handler per interrupt, each signalling it with a badge bit of its own.
    for d, (name, irq) in enumerate((("rtc", 34), ("virtio", 50))):
        cap = caps_[f"dev{d}.irq0"]
        handler = spec.object(cap.object)
        assert (handler.type, handler.irq, cap.rights) == ("irq_handler", irq, ["read", "write"])
        assert handler.notification == "vm.vmm.irq_events"
        assert handler.badge == 1 << (32 + 2 * d) == vmminfo.irq_badge(d, 0)
    info = spec.guests["vm"]
    assert info["slot_irq_events"] == events.slot
    assert info["devices"] == [
        dict(name="pl031@9010000", compatible=("arm,pl031",), regs=[(0x09010000, 0x1000)],
             irqs=[(2, 4, caps_["dev0.irq0"].slot)]),
        dict(name="virtio@a000000", compatible=("virtio,mmio",), regs=[(0x0a000000, 0x200)],
             irqs=[(18, 4, caps_["dev1.irq0"].slot)])]  # an `irq` override: level-high
    data = vmminfo.pack(info, "vm")
    assert len(data) == vmminfo.SIZE == 3824
    head = vmminfo.HEAD.unpack_from(data)
    assert head[-2:] == (events.slot, 2)  # slot_irq_events, nr_devices
    dev = vmminfo.DEVICE.unpack_from(data, vmminfo.HEAD.size)
    assert dev[0].rstrip(b"\0") == b"pl031@9010000" and dev[1].rstrip(b"\0") == b"arm,pl031"
    assert dev[2:8] == (10, 1, 0x09010000, 0x1000, 0, 0)
    assert dev[8:14] == (1, 0, 2, 4, caps_["dev0.irq0"].slot, 0)
    # The binary specification carries each handler's badge for the loader.
    from cleave_idl import specbin
    decoded = specbin.decode(specbin.encode(spec, entries={"vm.info": 0}))
    names = [o.name for o in spec.objects]
    rtc = decoded["objects"][names.index("irq:rtc.34")]
    assert rtc["paddr"] == 1 << 32 and rtc["notification"] == names.index("vm.vmm.irq_events")


def test_guest_with_console_forwards_interrupts_on_its_input(tmp_path):
    console = (ROOT / "servers" / "console" / "console.cleave").resolve()
    spec = build(tmp_path, f"""
import "{console}";
guest Linux {{ memory 4M; devices {{ console; rtc; }} }}
device rtc {{ path "/pl031@9010000"; }}
system S {{
    component ConsoleServer console;
    guest Linux vm;
    connection console vm -> console;
}}
""")
    vmm = {c.name: c for c in spec.holder("vm.vmm").caps}
    # The VMM's thread waits on one notification: the console's input carries both.
    assert "irq_events" not in vmm
    assert spec.object(vmm["dev0.irq0"].object).notification == vmm["console_input"].object
    info = spec.guests["vm"]
    assert info["slot_irq_events"] == info["slot_console_input"] == vmm["console_input"].slot


def test_guest_device_the_info_page_cannot_hold(tmp_path):
    spec = build(tmp_path, """
guest Linux { memory 4M; devices { rtc; } }
device rtc { path "/pl031@9010000"; }
system S { guest Linux vm; }
""")
    info = spec.guests["vm"]
    import pytest
    for change, message in (
        (dict(name="x" * 32), "its node name is longer than 31 bytes"),
        (dict(compatible=("c" * 96,)), "its compatible strings take 97 bytes; a VMM takes "
                                        "1 to 96"),
        (dict(regs=[(0, 1)] * 3), "3 register windows; a VMM takes 1 to 2"),
        (dict(irqs=[(2, 4, 9)] * 3), "3 interrupts; a VMM takes at most 2"),
        (dict(irqs=[(224, 4, 9)]), "interrupt 256 is no SPI a VMM forwards"),
        (dict(irqs=[(2, 8, 9)]), "interrupt 34 has trigger flags 8; an SPI is edge-rising "
                                 "(1) or level-high (4)")):
        bad = dict(info, devices=[dict(info["devices"][0], **change)])
        with pytest.raises(vmminfo.InfoError, match=message.replace("(", r"\(")
                           .replace(")", r"\)")):
            vmminfo.pack(bad, "vm")
    with pytest.raises(vmminfo.InfoError, match="9 passed-through devices; a VMM takes at "
                                                "most 8"):
        vmminfo.pack(dict(info, devices=info["devices"] * 9), "vm")


def test_guest_devices_the_info_page_cannot_hold_are_refused_at_the_guest(tmp_path):
    """`./cleave check` (the specification's build) refuses what the VMM's info page could
    not list, at the guest's instance, before any interrupt gets a badge: nine devices,
    a device with three interrupts."""
    import pytest
    nodes = [DeviceNode(f"/virtio@a{n:03x}00", ("virtio,mmio",), ((0x0a000000 + n * 0x100,
                                                                  0x100),), (48 + n,))
             for n in range(9)]
    nodes.append(DeviceNode("/many@b000000", ("many",), ((0x0b000000, 0x1000),),
                            (60, 61, 62)))
    board = Target(name="board", ram_base=0x40000000, ram_size=1 << 30, cpus_max=4,
                   kernel_devices=BOARD.kernel_devices, nodes=BOARD.nodes + nodes)
    nine = "".join(f'device v{n} {{ path "/virtio@a{n:03x}00"; }}\n' for n in range(9))
    path = tmp_path / "s.cleave"
    path.write_text(f"""
guest Linux {{ memory 4M; devices {{ {' '.join(f'v{n};' for n in range(9))} }} }}
{nine}system S {{ guest Linux vm; }}
""")
    with pytest.raises(vmminfo.InfoError, match="guest vm: 9 passed-through devices; a VMM "
                                                "takes at most 8") as caught:
        capspec.build(checked(path, board), board)
    assert caught.value.loc is not None
    path.write_text("""
guest Linux { memory 4M; devices { many; } }
device many { path "/many@b000000"; }
system S { guest Linux vm; }
""")
    with pytest.raises(vmminfo.InfoError, match="device many@b000000: 3 interrupts; a VMM "
                                                "takes at most 2") as caught:
        capspec.build(checked(path, board), board)
    assert caught.value.loc is not None


def test_guest_vmm_holds_the_guest(tmp_path):
    spec = build(tmp_path, """
guest Linux { memory 4M; vcpus 2; cmdline "quiet"; coherence clean; }
system S { guest Linux vm; }
""")
    vmm = spec.holder("vm.vmm")
    assert [h.name for h in spec.holders] == ["vm", "vm.vmm", "(loader)"]
    assert vmm.kind == "component" and vmm.priority == 101  # above its guest's vCPUs
    caps = {c.name: (c.slot, c.object, c.rights) for c in vmm.caps}
    assert caps["exits"] == (8, "vm.exits", ["read"])
    assert caps["guest_aspace"] == (9, "vm.aspace", ["read", "write"])
    assert caps["vcpu0"][:2] == (10, "vm.vcpu.0") and caps["vcpu1"][:2] == (11, "vm.vcpu.1")
    assert caps["tcb0"][:2] == (12, "vm.tcb.0") and caps["tcb1"][:2] == (13, "vm.tcb.1")
    ram = [m for m in vmm.mappings if m.region == "guest_ram"]
    assert [m.object for m in ram] == ["vm.memory.0", "vm.memory.1"]
    assert ram[1].vaddr == capspec.VMM_RAM_VADDR + (2 << 20)
    info = [m for m in vmm.mappings if m.region == "info"]
    assert info[0].vaddr == capspec.VMM_INFO_VADDR and info[0].rights == ["read"]
    assert spec.object(info[0].object).source == ("vm.info", 0)
    guest = spec.guests["vm"]
    assert guest["slot_vcpus"] == [10, 11] and guest["slot_tcbs"] == [12, 13]
    assert guest["coherence"] == "clean" and guest["cmdline"] == "quiet"
    assert guest["kernel_size"] == 0  # no payload sizes given: no kernel frames
    # The defaults: a reset request restarts, a crash stops, at most 3 restarts.
    assert (guest["on_reset"], guest["on_crash"], guest["restart_limit"]) == \
        ("restart", "stop", 3)
    assert guest["smc"] == "refuse"  # an SMC answers NOT_SUPPORTED unless asked


def test_guest_restart_policy_reaches_the_info_page(tmp_path):
    import struct
    from cleave_idl import vmminfo
    spec = build(tmp_path, """
guest Linux { memory 4M; on_reset stop; on_crash restart; restart_limit 7; }
guest Other { memory 4M; }
system S { guest Linux vm; guest Other vm2; }
""")
    guest = spec.guests["vm"]
    assert (guest["on_reset"], guest["on_crash"], guest["restart_limit"]) == \
        ("stop", "restart", 7)
    # The policy word: after uart_spi, gic_version and num_cpus, before the console slots.
    at = vmminfo.HEAD.size - 20  # the policy word
    word = struct.unpack_from("<I", vmminfo.pack(guest, "vm"), at)[0]
    assert word == vmminfo.RESTART_ON_CRASH | 7 << 16
    word = struct.unpack_from("<I", vmminfo.pack(spec.guests["vm2"], "vm2"), at)[0]
    assert word == vmminfo.RESTART_ON_RESET | 3 << 16


def in_place_spec(tmp_path, settings, kernel_mib=5, text_offset=0, memory="16M"):
    """A guest `vm` whose kernel file (kernel_mib MiB) has the given Image text_offset."""
    path = tmp_path / "s.cleave"
    path.write_text(f"""
guest Linux {{ kernel "Image"; memory {memory}; {settings} }}
system S {{ guest Linux vm; }}
""")
    return capspec.build(checked(path), BOARD, None, {"vm.kernel": kernel_mib << 20},
                         {"vm.kernel": text_offset})


def test_guest_that_never_restarts_runs_its_kernel_in_place(tmp_path):
    """docs/image.md, "In place": the RAM frames at the kernel's place are filled from
    its file, the VMM reads the kernel there, and it maps no file frames of its own."""
    spec = in_place_spec(tmp_path, "on_reset stop;", text_offset=4 << 20)
    guest = spec.guests["vm"]
    assert guest["kernel_in_place"]
    assert guest["kernel_vaddr"] == capspec.VMM_RAM_VADDR + (4 << 20)
    # 5 MiB from 4 MiB up: RAM frames 2, 3 and 4, from the file's 0, 2 and 4 MiB.
    filled = {o.name: o.source for o in spec.objects if o.name.startswith("vm.memory.")}
    assert filled == {"vm.memory.0": None, "vm.memory.1": None,
                      "vm.memory.2": ("vm.kernel", 0), "vm.memory.3": ("vm.kernel", 2 << 20),
                      "vm.memory.4": ("vm.kernel", 4 << 20), "vm.memory.5": None,
                      "vm.memory.6": None, "vm.memory.7": None}
    vmm = spec.holder("vm.vmm")
    fills = {m.object: m.fill for m in vmm.mappings if m.region == "guest_ram"}
    assert [o for o, fill in fills.items() if fill] == ["vm.memory.2", "vm.memory.3",
                                                         "vm.memory.4"]
    assert not [m for m in vmm.mappings if m.region == "kernel"]
    # The guest maps those frames as the rest of its RAM: read, write and execute.
    ram = {m.object: m.rights for m in spec.holder("vm").mappings if m.region == "memory"}
    assert ram["vm.memory.2"] == ["read", "write", "exec"]


def test_guest_kernel_is_copied_unless_it_can_run_in_place(tmp_path):
    """A guest that may restart needs its kernel as the image holds it; a text_offset
    off a 2 MiB boundary, a kernel under 2 MiB or RAM made of 4 KiB frames cannot."""
    for settings, kw in (("", {}), ("on_reset stop; on_crash restart;", {}),
                         ("on_reset stop;", {"text_offset": 0x80000}),
                         ("on_reset stop;", {"kernel_mib": 1}),
                         ("on_reset stop;", {"memory": "15M"}),
                         ("on_reset stop;", {"text_offset": 12 << 20})):
        spec = in_place_spec(tmp_path, settings, **kw)
        guest = spec.guests["vm"]
        assert not guest["kernel_in_place"], (settings, kw)
        assert guest["kernel_vaddr"] == capspec.VMM_KERNEL_VADDR
        assert not [o for o in spec.objects if o.name.startswith("vm.memory.") and o.source]
        assert [m for m in spec.holder("vm.vmm").mappings if m.region == "kernel"]


def test_guest_smc_emulate_reaches_the_info_page(tmp_path):
    """`smc emulate;` sets CL_VMM_SMC_EMULATE in the policy word; the default leaves it 0."""
    import struct
    from cleave_idl import vmminfo
    spec = build(tmp_path, """
guest Linux { memory 4M; smc emulate; on_reset stop; }
guest Other { memory 4M; smc refuse; }
system S { guest Linux vm; guest Other vm2; }
""")
    assert (spec.guests["vm"]["smc"], spec.guests["vm2"]["smc"]) == ("emulate", "refuse")
    at = vmminfo.HEAD.size - 20  # the policy word
    word = struct.unpack_from("<I", vmminfo.pack(spec.guests["vm"], "vm"), at)[0]
    assert word == vmminfo.SMC_EMULATE | 3 << 16
    word = struct.unpack_from("<I", vmminfo.pack(spec.guests["vm2"], "vm2"), at)[0]
    assert word == vmminfo.RESTART_ON_RESET | 3 << 16


def test_guest_console_connects_its_vmm_to_the_console_server(tmp_path):
    """`connection console g -> server;`: the guest's VMM calls the server's one Console
    endpoint (badged with the connection's number, as an rpc client's) and hears the
    server's input event on a notification of its own; its info page has both slots."""
    console = ROOT / "servers" / "console" / "console.cleave"
    spec = build(tmp_path, f"""
import "{console}";
component Echo {{ uses Console console; consumes Input input; }}
guest Linux {{ memory 4M; }}
system S {{
    component ConsoleServer console;
    component Echo alpha;
    guest Linux vm1;
    guest Linux vm2;
    connection rpc alpha.console -> console.console;
    connection notification console.input -> alpha.input;
    connection console vm1 -> console;
    connection console vm2 -> console;
}}
""")
    server = spec.holder("console")
    endpoint = [c for c in server.caps if c.name == "console"]
    assert len(endpoint) == 1 and endpoint[0].rights == ["read"]  # one endpoint for all
    inputs = [c for c in server.caps if c.name == "input"]
    assert [(c.rights, c.badge) for c in inputs] == [(["write"], 2), (["write"], 3),
                                                     (["write"], 4)]
    for n, vm in ((3, "vm1"), (4, "vm2")):
        vmm = {c.name: c for c in spec.holder(f"{vm}.vmm").caps}
        assert vmm["console"].object == endpoint[0].object
        assert (vmm["console"].rights, vmm["console"].badge) == (["write", "grant"], n)
        ntfn = vmm["console_input"]
        assert ntfn.rights == ["read"] and ntfn.object == inputs[n - 2].object
        assert spec.guests[vm]["slot_console"] == vmm["console"].slot
        assert spec.guests[vm]["slot_console_input"] == ntfn.slot
    from cleave_idl import authority
    report = authority.analyse(spec)
    assert "send" in report.kinds("vm1.vmm", "console")
    assert "signal" in report.kinds("console", "vm1.vmm")
    assert report.reaches("vm1", "vm2")  # through the console server


def test_guest_without_console_has_no_console_slots(tmp_path):
    spec = build(tmp_path, "guest Linux { memory 4M; }\nsystem S { guest Linux vm; }\n")
    assert spec.guests["vm"]["slot_console"] == 0
    assert spec.guests["vm"]["slot_console_input"] == 0
    guest = dict(spec.guests["vm"], slot_console=14, slot_console_input=15)
    data = vmminfo.pack(guest, "vm")
    assert len(data) == vmminfo.SIZE == 3824
    # struct cl_vmm_info: uart_spi, gic_version, num_cpus, policy, slot_console,
    # slot_console_input, slot_irq_events, nr_devices, then the devices.
    at = vmminfo.HEAD.size - 32
    assert data[at + 16:at + 24] == (14).to_bytes(4, "little") + (15).to_bytes(4, "little")


def test_guest_kernel_frames_cover_the_file(tmp_path):
    path = tmp_path / "s.cleave"
    path.write_text('guest Linux { kernel "Image"; memory 4M; }\nsystem S { guest Linux vm; }\n')
    spec = capspec.build(checked(path), None, None, {"vm.kernel": (2 << 20) + 5})
    kernel = [m for m in spec.holder("vm.vmm").mappings if m.region == "kernel"]
    assert [spec.object(m.object).source for m in kernel] == [
        ("vm.kernel", 0), ("vm.kernel", 2 << 20)]
    assert {spec.object(m.object).size_bits for m in kernel} == {21}
    assert kernel[0].vaddr == capspec.VMM_KERNEL_VADDR and kernel[0].fill == "payload"
    assert spec.guests["vm"]["kernel_size"] == (2 << 20) + 5


def test_gicv2_interface_is_mapped_into_every_guest_but_joins_none(tmp_path):
    from dataclasses import replace
    from cleave_idl import authority
    board = replace(BOARD, gicv=0x08040000)
    spec = build(tmp_path, """
guest G { memory 2M; }
system S { guest G a; guest G b; assert no_path(a, b); }
""", board)
    frames = [o for o in spec.objects if o.name.startswith("gicv.")]
    assert [(o.paddr, o.device, o.gic) for o in frames] == [
        (0x08040000, True, 2), (0x08041000, True, 2)]
    for guest in ("a", "b"):
        gicv = [m for m in spec.holder(guest).mappings if m.region == "gicv"]
        assert [(m.object, m.vaddr, m.attr) for m in gicv] == [
            ("gicv.0", capspec.GUEST_GICC_IPA, "device"),
            ("gicv.1", capspec.GUEST_GICC_IPA + 0x1000, "device")]
    # Banked per CPU: no shared memory between the guests.
    report = authority.analyse(spec)
    assert not report.reaches("a", "b") and not report.reaches("b", "a")
    assert report.cell("a", "a.vmm") == "sm" and report.cell("a.vmm", "a") == "mc"


def test_unconnected_dataport_is_private_memory(tmp_path):
    spec = build(tmp_path, "component A { dataport Buf scratch (8K); }\n"
                 "system S { component A a; }\n")
    frames = [m.object for m in spec.holder("a").mappings if m.region == "scratch"]
    assert frames == ["a.scratch.0", "a.scratch.1"]
    assert spec.object("a.scratch.0").owner == "a"


def test_json_is_deterministic_and_complete():
    one, two = hello().to_json(), hello().to_json()
    assert one == two
    data = json.loads(one)
    assert data["system"] == "hello"
    assert list(data) == sorted(data)
    assert len(data["objects"]) == len(hello().objects)
    client = data["holders"][0]
    assert client["name"] == "client" and client["caps"][4]["badge"] == 1


def test_json_does_not_depend_on_hash_seed():
    code = ("import sys; sys.path.insert(0, 'idl'); import cleave_idl; "
            "from cleave_idl import spec; "
            "m, d = cleave_idl.check_file('examples/hello/hello.cleave', None, "
            "shown='hello.cleave'); sys.stdout.write(spec.build(m).to_json())")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=ROOT, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2", "3")}
    assert len(outs) == 1 and outs.pop().startswith("{")


def test_untyped_and_authority_give_the_roots_slots(tmp_path):
    spec = build(tmp_path, """
component Tests { untyped 96M; authority { irq_control; sched_control; } }
system S { component Tests t; }
""")
    t = spec.holder("t")
    assert t.cap(4).object == "irq_control" and t.cap(7).object == "sched_control"
    assert t.cap(5).object == "console"
    assert t.cap(6).object == "t.bootinfo" and t.cap(6).rights == ["read"]
    boot = [m for m in t.mappings if m.region == "bootinfo"]
    assert [(m.vaddr, m.rights) for m in boot] == [(capspec.BOOTINFO_VADDR, ["read"])]
    # 96M = 64M + 32M, largest first, from slot 16 (8..15 are the component's own).
    untyped = [(c.slot, spec.object(c.object).size_bits) for c in t.caps
               if spec.object(c.object).type == "untyped"]
    assert untyped == [(16, 26), (17, 25)]
    assert not {c.slot for c in t.caps} & set(range(8, 16))
    assert t.cnode_slots == capspec.UNTYPED_CNODE_SLOTS
    # The authority report gives t no edge to anyone for these.
    assert [h.name for h in spec.holders if "sched_control" in
            {c.object for c in h.caps}] == ["t", "(loader)"]


def test_image_frames_follow_the_elf_segments(tmp_path):
    path = tmp_path / "s.cleave"
    path.write_text("component A { }\nsystem S { component A a; }\n")
    model, _ = cleave_idl.check_file(path, BOARD, shown="s.cleave")
    spec = capspec.build(model, BOARD, {"a": [(0x400000, 0x1800, ["read", "exec"]),
                                               (0x401800, 0x1000, ["read", "write"])]})
    images = [m for m in spec.holder("a").mappings if m.region == "image"]
    # Three pages; the middle one holds both segments: the union of their rights.
    assert [(m.vaddr, m.rights) for m in images] == [
        (0x400000, ["read", "exec"]), (0x401000, ["read", "write", "exec"]),
        (0x402000, ["read", "write"])]
    caps = {c.object: c.rights for c in spec.holder("a").caps}
    assert all(caps[m.object] == ["read", "write", "exec"] for m in images)
