"""`./cleave build SYSTEM`: the image format (tools/cleave/image.py), the binary
specification (idl/cleave_idl/specbin.py), and the command's errors.

The image itself is booted by the system tests (system/hello/*, system/bad-image/*).
"""

import struct
import subprocess
import sys
from pathlib import Path

import pytest

from cleave import image, sysbuild
from cleave.errors import CleaveError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "idl"))

import cleave_idl  # noqa: E402
from cleave_idl import spec as capspec, specbin  # noqa: E402

HELLO = ROOT / "examples" / "hello" / "hello.cleave"


def kernel(image_size=0x30000, file_size=0x20000):
    """A fake arm64 Image: the header fields pack() reads, then zeros."""
    data = bytearray(file_size)
    struct.pack_into("<QQ", data, 8, 0x80000, image_size)
    data[56:60] = b"ARM\x64"
    return bytes(data)


def entries():
    return [image.Entry("spec", "spec", b"S" * 100), image.Entry("a", "elf", b"A" * 5000),
            image.Entry("b", "elf", b"B" * 10)]


def cleave(*args, cwd=None):
    return subprocess.run([str(ROOT / "cleave"), *args], capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL, cwd=cwd)


# --- the image format ------------------------------------------------------------------

def test_pack_then_read_gives_the_entries_back():
    data = image.pack(kernel(), entries(), image.FLAG_DUMP_CAPS)
    flags, got = image.read(data)
    assert flags == image.FLAG_DUMP_CAPS
    assert [(e.name, e.kind, e.data) for e in got] == [
        (e.name, e.kind, e.data) for e in entries()]
    assert all(e.offset % image.ALIGN == 0 for e in got)


def test_payload_starts_on_a_2mib_boundary_after_the_bss():
    data = image.pack(kernel(image_size=0x250000), entries())
    at = image.payload_offset(data, alone=False)
    assert (0x80000 + at) % (2 << 20) == 0 and at >= 0x250000
    assert struct.unpack_from("<Q", data, at)[0] == image.MAGIC


def test_identical_contents_are_stored_once():
    same = [image.Entry("k1", "guest-kernel", b"K" * 9000),
            image.Entry("k2", "guest-kernel", b"K" * 9000)]
    _, got = image.read(image.pack(kernel(), same))
    assert got[0].offset == got[1].offset
    assert "same data as above" in "\n".join(image.describe(image.pack(kernel(), same)))


def test_a_kernel_run_in_place_is_stored_alone():
    """A kernel its guest runs in place becomes that guest's RAM (docs/image.md, "In
    place"): no other entry may share its bytes, not even an identical kernel."""
    mib = 1 << 20
    same = [image.Entry("a.kernel", "guest-kernel", b"K" * (2 * mib)),
            image.Entry("b.kernel", "guest-kernel", b"K" * (2 * mib), alone=True),
            image.Entry("c.kernel", "guest-kernel", b"K" * (2 * mib))]
    _, got = image.read(image.pack(kernel(), same))
    assert got[0].offset == got[2].offset != got[1].offset
    assert got[1].data == same[1].data


def test_kernels_run_in_place_are_shared_again_when_the_image_is_too_large(monkeypatch):
    """Each kernel run in place stored alone would pass QEMU's limit: the image stores
    them once after all (the loader copies them into RAM), rather than failing."""
    mib = 1 << 20
    items = [image.Entry(f"{g}.kernel", "guest-kernel", b"K" * (2 * mib), alone=True)
             for g in "abc"]
    monkeypatch.setattr(image, "QEMU_IMAGE_MAX", 8 * mib)
    with pytest.raises(image.ImageError):
        image.pack(kernel(), items)
    _, got = image.read(sysbuild.pack(kernel(), items, 0))
    assert got[0].offset == got[1].offset == got[2].offset
    assert not any(e.alone for e in items)
    # One that fits keeps its own copy.
    items = [image.Entry("a.kernel", "guest-kernel", b"K" * (2 * mib), alone=True),
             image.Entry("b.kernel", "guest-kernel", b"K" * (2 * mib))]
    _, got = image.read(sysbuild.pack(kernel(), items, 0))
    assert got[0].offset != got[1].offset


def test_large_guest_files_sit_on_their_own_2mib_frames():
    """A guest kernel or initrd of 2 MiB or more starts and ends on a 2 MiB boundary,
    zero padded, and the payload ends on one: the loader maps those frames in place
    (docs/image.md, "In place"). Smaller files and programs stay 4 KiB aligned."""
    mib = 1 << 20
    items = [image.Entry("spec", "spec", b"S" * 100),
             image.Entry("g.kernel", "guest-kernel", b"K" * (3 * mib + 5)),
             image.Entry("g.info", "vmm-info", b"I" * 4096),
             image.Entry("g.initrd", "guest-initrd", b"R" * (2 * mib)),
             image.Entry("small.initrd", "guest-initrd", b"r" * 5000),
             image.Entry("prog", "elf", b"E" * (mib + 77))]
    data = image.pack(kernel(), items)
    payload = data[image.payload_offset(data, alone=False):]
    _, got = image.read(data)
    assert [e.name for e in got] == [e.name for e in items]  # the table keeps its order
    at = {e.name: e.offset for e in got}
    # The small entries fill the first 2 MiB; the large ones follow, each on its own
    # 2 MiB frames, zero past its end.
    assert max(at["spec"], at["g.info"], at["small.initrd"], at["prog"]) < 2 * mib
    assert at["prog"] % image.ALIGN == 0 and at["small.initrd"] % image.ALIGN == 0
    assert at["g.kernel"] == 2 * mib and at["g.initrd"] == 6 * mib
    assert payload[at["g.kernel"] + 3 * mib + 5:at["g.initrd"]] == bytes(mib - 5)
    assert len(payload) == 8 * mib


def test_small_guest_files_leave_the_payload_unpadded():
    items = [image.Entry("spec", "spec", b"S" * 100),
             image.Entry("g.kernel", "guest-kernel", b"K" * 9000)]
    data = image.pack(kernel(), items)
    # the table, the specification, three pages of kernel
    assert len(data) - image.payload_offset(data, alone=False) == 5 * image.ALIGN


def test_describe_lists_every_part_and_the_total():
    lines = image.describe(image.pack(kernel(), entries()))
    text = "\n".join(lines)
    for name in ("kernel + loader", "spec", "a", "b", "total"):
        assert name in text


@pytest.mark.parametrize("mutate, words", [
    (lambda d, at: d[:at + 20], "no payload"),
    (lambda d, at: d[:at + 5000], "truncated"),
    (lambda d, at: d[:at + 4096 + 7] + bytes([d[at + 4096 + 7] ^ 1]) + d[at + 4096 + 8:],
     "checksum mismatch"),
    (lambda d, at: d[:at] + b"X" * 8 + d[at + 8:], "no payload"),
    (lambda d, at: d[:at + 8] + struct.pack("<I", 9) + d[at + 12:], "payload version 9"),
])
def test_damaged_images_are_refused(mutate, words):
    data = image.pack(kernel(), entries())
    at = image.payload_offset(data, alone=False)
    with pytest.raises(image.ImageError, match=words):
        image.read(mutate(data, at))


@pytest.mark.parametrize("kern, items, words", [
    (b"not a kernel" * 10, entries(), "not an arm64 Image"),
    (kernel(image_size=0x100, file_size=0x200), entries(), "header says 256 bytes"),
    (kernel(), [image.Entry("x" * 60, "elf", b"")], "longer than 47 bytes"),
    (kernel(), [image.Entry("x", "firmware", b"")], "unknown kind 'firmware'"),
    (kernel(), [image.Entry("big", "guest-kernel", bytes(130 << 20))], "must stay below"),
])
def test_images_that_cannot_be_made(kern, items, words):
    with pytest.raises(image.ImageError, match=words):
        image.pack(kern, items)


# --- the binary specification -------------------------------------------------------------

def hello_spec(images=None):
    model, diags = cleave_idl.check_file(HELLO, shown="hello.cleave")
    assert not diags.errors
    return capspec.build(model, None, images)


def test_specification_round_trips_through_its_binary_form():
    spec = hello_spec({"client": [(0x400000, 0x3000, ["read", "exec"])],
                       "server": [(0x400000, 0x1000, ["read", "exec"]),
                                  (0x401000, 0x2000, ["read", "write"])]})
    got = specbin.decode(specbin.encode(spec, {"client": 1, "server": 2}))
    assert got["system"] == "hello"
    assert [h["name"] for h in got["holders"]] == ["client", "server", "(loader)"]
    client = got["holders"][0]
    assert client["elf"] == 1 and client["cnode_slots"] == spec.holder("client").cnode_slots
    assert [(c["slot"], c["object"], c["badge"]) for c in client["caps"]] == [
        (c.slot, c.object, c.badge or 0) for c in spec.holder("client").caps]
    # The greeter end: write (bit 1) and grant (bit 2), badge 1.
    assert client["caps"][4]["rights"] == 0b110 and client["caps"][4]["badge"] == 1
    images = [m for m in client["mappings"] if m["image"]]
    assert [m["vaddr"] for m in images] == [0x400000, 0x401000, 0x402000]
    assert all(m["rights"] == 0b1001 for m in images)  # read + exec
    server_images = [m for m in got["holders"][1]["mappings"] if m["image"]]
    assert [m["rights"] for m in server_images] == [0b1001, 0b0011, 0b0011]


def test_a_kind_of_object_the_kernel_lacks_is_refused():
    spec = hello_spec()
    spec.objects[0].type = "hypercall_gate"
    with pytest.raises(specbin.SpecError, match="does not have"):
        specbin.encode(spec, {})


def test_decode_refuses_what_is_not_a_specification():
    with pytest.raises(specbin.SpecError):
        specbin.decode(b"\0" * 100)
    with pytest.raises(specbin.SpecError):
        specbin.decode(b"\0" * 10)


# --- the command -------------------------------------------------------------------------

def write_system(folder, components, system, sources=None):
    (folder / "s.cleave").write_text(
        "procedure P { int f(in int x); }\n" + components + system)
    for name, text in (sources or {}).items():
        (folder / name).write_text(text)
    return folder / "s.cleave"


GOOD_C = '#include "a_glue.h"\nint cl_component_main(void) { return 0; }\n'


def test_build_writes_the_image_and_shows_its_parts_and_authority(tmp_path):
    out = tmp_path / "hello.img"
    result = cleave("build", str(ROOT / "examples" / "hello"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    for words in ("kernel + loader", "spec", "client", "server", "authority:",
                  "client    .      snm"):
        assert words in result.stdout
    _, got = image.read(out.read_bytes())
    assert [e.name for e in got] == ["spec", "client", "server"]
    assert specbin.decode(got[0].data)["system"] == "hello"


def test_missing_component_source_is_an_error_at_the_component(tmp_path):
    path = write_system(tmp_path, "component Lonely { }\n",
                        "system s { component Lonely a; }\n")
    result = cleave("build", str(path), "-o", str(tmp_path / "x.img"))
    assert result.returncode == 1
    assert "s.cleave:2:11: component Lonely: its C file" in result.stderr
    assert "lonely.c does not exist" in result.stderr
    assert not (tmp_path / "x.img").exists()


def test_a_component_that_does_not_compile_names_itself(tmp_path):
    path = write_system(tmp_path, 'component Broken { source "b.c"; }\n',
                        "system s { component Broken a; }\n",
                        {"b.c": "int cl_component_main(void) { return nope; }\n"})
    result = cleave("build", str(path), "-o", str(tmp_path / "x.img"))
    assert result.returncode == 1
    assert "compiling component a failed" in result.stderr
    assert "nope" in result.stderr


def test_an_authority_assertion_that_does_not_hold_stops_the_build(tmp_path):
    path = write_system(
        tmp_path,
        'component A { uses P p; source "a.c"; }\ncomponent B { provides P p; source "b.c"; }\n',
        "system s { component A a; component B b;\n"
        "  connection rpc a.p -> b.p;\n  assert no_path(a, b); }\n",
        {"a.c": GOOD_C, "b.c": GOOD_C.replace("a_glue", "b_glue")})
    result = cleave("build", str(path), "-o", str(tmp_path / "x.img"))
    assert result.returncode == 1
    assert "no_path(a, b) does not hold" in result.stderr
    assert "s.cleave:6:10: error: no_path(a, b) does not hold" in result.stderr
    assert not (tmp_path / "x.img").exists()


def test_a_folder_without_a_system_is_a_usage_error(tmp_path):
    (tmp_path / "one.cleave").write_text("")
    (tmp_path / "two.cleave").write_text("")
    result = cleave("build", str(tmp_path), "-o", str(tmp_path / "x.img"))
    assert result.returncode == 2
    assert "name the .cleave file" in result.stderr


# --- ./cleave run --until-userspace ------------------------------------------------------

def test_until_userspace_waits_for_every_guest():
    from cleave import untiluser
    w = untiluser.Waiting(["linux1", "linux2"])
    assert w.feed("linux1: [    1.2] booting") is None
    assert w.feed("linux2: cleave: linux2 reached userspace") is None
    assert w.left == {"linux1": "cleave: linux1 reached userspace"}
    assert w.feed("linux1: cleave: linux1 reached userspace") == ""
    assert "panicked" in untiluser.Waiting(["g"]).feed("CLEAVE PANIC: cpu0: oops")


def test_until_userspace_needs_guests(tmp_path):
    result = cleave("run", "--kernel-only", "--until-userspace")
    assert result.returncode == 2 and "--kernel-only boots the kernel alone" in result.stderr
    result = cleave("run", str(ROOT / "examples" / "hello"), "--until-userspace")
    assert result.returncode == 1 and "this system has no guests" in result.stderr


def test_memory_needed_covers_the_image_twice_and_the_guests_ram():
    from types import SimpleNamespace as NS
    guest = NS(kind="guest", decl=NS(memory=256 << 20))
    component = NS(kind="component", decl=NS(memory=None))
    model = NS(system=NS(instances=[guest, component]))
    # 2 x 34 MiB + 256 MiB + 96 MiB = 420 MiB, rounded up to 448.
    assert sysbuild.memory_mib_needed(model, 34 << 20) == 448
    assert sysbuild.memory_mib_needed(NS(system=NS(instances=[component])), 0) == 128


def test_the_demo_has_two_isolated_linux_guests(tmp_path, monkeypatch):
    from types import SimpleNamespace as NS
    from cleave import demo, guest_payload
    monkeypatch.setattr(guest_payload, "payload", lambda name: NS(
        kernel=NS(image=f"/cache/Image-{name}"), initramfs=f"/cache/{name}.cpio.gz"))
    text = demo.description(tmp_path).read_text()
    assert 'guest Linux1 linux1;' in text and 'guest Linux2 linux2;' in text
    assert 'initrd "/cache/linux2.cpio.gz";' in text
    assert "component ConsoleServer console;" in text
    assert text.index("connection console linux1 -> console;") < \
        text.index("connection console linux2 -> console;")  # Ctrl-A 1 is linux1


def test_only_the_console_server_joins_the_demo_guests():
    from cleave import demo
    from cleave_idl.authority import Report
    names = ["linux1", "linux1.vmm", "console", "linux2.vmm", "linux2"]
    chain = [("linux1", "linux1.vmm"), ("linux1.vmm", "console"), ("console", "linux2.vmm"),
             ("linux2.vmm", "linux2")]
    edges = {}
    for a, b in chain:
        edges[(a, b)] = {"send"}
        edges[(b, a)] = {"control"}
    assert demo.only_the_console_joins(Report(names, dict(edges))) is None
    edges[("linux1.vmm", "linux2.vmm")] = {"share"}
    assert demo.only_the_console_joins(Report(names, edges)) == \
        "linux1 -> linux1.vmm (send) -> linux2.vmm (share) -> linux2 (send)"


def test_run_names_the_console_clients_in_their_order(tmp_path):
    from cleave import main
    path = tmp_path / "s.cleave"
    path.write_text(f"""import "{ROOT / 'servers' / 'console' / 'console.cleave'}";
component Echo {{ uses Console console; consumes Input input; }}
guest Vm {{ memory 4M; }}
system S {{
    component ConsoleServer console;
    guest Vm b;
    component Echo a;
    guest Vm c;
    connection console b -> console;
    connection rpc a.console -> console.console;
    connection notification console.input -> a.input;
    connection console c -> console;
}}
""")
    model, diags = cleave_idl.check_file(path, None)
    assert not diags.errors, diags.render_all()
    assert main.console_clients(model) == ["b", "a", "c"]


def test_the_audits_demo_is_a_variant_whose_guests_power_off(tmp_path, monkeypatch):
    from types import SimpleNamespace as NS
    from cleave import demo, guest_payload
    monkeypatch.setattr(guest_payload, "payload", lambda name: NS(
        kernel=NS(image=f"/cache/Image-{name}"), initramfs=f"/cache/{name}.cpio.gz"))
    path = demo.description(tmp_path, name="demo_audit",
                            append=f"{demo.APPEND} {guest_payload.POWEROFF_ARG}")
    text = path.read_text()
    assert path.name == "demo_audit.cleave" and "system demo_audit {" in text
    assert text.count(f'cmdline "{demo.APPEND} cleave.then=poweroff";') == 2
    assert "system demo {" in demo.description(tmp_path / "plain").read_text()


def test_the_coherence_override_must_be_a_policy():
    with pytest.raises(CleaveError, match="coherence wb: the policies are dc, clean"):
        sysbuild.build_system(str(ROOT / "examples/guest-hello/guest-hello.cleave"),
                              "qemu-virt", quiet=True, coherence="wb")
