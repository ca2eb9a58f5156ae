"""Tests of the per-component C glue (idl/cleave_idl/glue.py and templates/): the
hello example's components (with a Greeter that fits a message, and an `add`) get client
stubs, a server dispatcher, events and dataports that compile with the host gcc against a
shim `cleave/syscalls.h`; linked with the shim, which records every system call and plays
back replies and requests, they marshal exactly as docs/system-language.md says.

Run with `/usr/bin/python3 -m pytest -q tests/idl` (`./cleave test` does).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "idl"))

import cleave_idl  # noqa: E402
from cleave_idl import glue  # noqa: E402
from cleave_idl import spec as capspec  # noqa: E402
from cleave_idl.diag import Diagnostics  # noqa: E402

HELLO = ROOT / "examples" / "hello"
CFLAGS = ["-std=gnu11", "-Wall", "-Wextra", "-Werror"]

# hello's Greeter and two methods more.
INTERFACES = """\
procedure Greeter {
    int greet(in string<32> name, out uint count);
    void reset();
    int add(in int a, in int b);
    bool swap(inout int64 x, in bool[3] flags, out char[5] tag, inout string<8> s);
}
"""

# A stand-in for the generated cleave/syscalls.h (which is AArch64 only): the same types
# and message-info helpers, and system calls that the shim below records and answers.
SYSCALLS_H = r"""
#ifndef CLEAVE_SYSCALLS_H
#define CLEAVE_SYSCALLS_H
#include <stdint.h>
typedef uint64_t cl_cptr_t;
enum cl_error { CL_OK = 0, CL_INVALID_CAP = 1, CL_WRONG_TYPE = 2, CL_NO_RIGHT = 3 };
struct cl_result { uint64_t err, info, mr[4], badge; };
static inline uint64_t cl_msginfo(uint64_t label, uint64_t length, uint64_t cap)
{
	return (label & 0xffff) | (length & 7) << 16 | (cap & 1) << 19;
}
static inline uint64_t cl_msginfo_label(uint64_t info) { return info & 0xffff; }
static inline uint64_t cl_msginfo_length(uint64_t info) { return (info >> 16) & 7; }
#define SHIM(name) struct cl_result name(cl_cptr_t cap, uint64_t info, uint64_t mr0, \
	uint64_t mr1, uint64_t mr2, uint64_t mr3, uint64_t x6)
SHIM(cl_sys_call); SHIM(cl_sys_send); SHIM(cl_sys_recv); SHIM(cl_sys_nb_recv);
SHIM(cl_sys_reply_recv);
#endif
"""

SHIM_C = r"""
#include <stdio.h>
#include <stdlib.h>
#include <cleave/syscalls.h>

struct cl_result shim_answers[16]; /* what each system call returns, in turn */
int shim_next, shim_count;

static struct cl_result record(const char *name, cl_cptr_t cap, uint64_t info,
			       uint64_t mr0, uint64_t mr1, uint64_t mr2, uint64_t mr3)
{
	printf("%s cap=%llu label=%llu len=%llu mr=%llx,%llx,%llx,%llx\n", name,
	       (unsigned long long)cap, (unsigned long long)cl_msginfo_label(info),
	       (unsigned long long)cl_msginfo_length(info), (unsigned long long)mr0,
	       (unsigned long long)mr1, (unsigned long long)mr2, (unsigned long long)mr3);
	if (shim_next == shim_count)
		return (struct cl_result){.err = CL_INVALID_CAP};
	return shim_answers[shim_next++];
}
#define RECORD(name) SHIM(name) { (void)x6; return record(#name, cap, info, mr0, mr1, mr2, mr3); }
RECORD(cl_sys_call)
RECORD(cl_sys_send)
RECORD(cl_sys_recv)
RECORD(cl_sys_nb_recv)
RECORD(cl_sys_reply_recv)
"""

CLIENT_C = r"""
#include <stdio.h>
#include <string.h>
#include "client_glue.h"

extern struct cl_result shim_answers[16];
extern int shim_next, shim_count;
int cl_component_main(void) { return 0; }

static void answer(uint64_t err, uint64_t label, uint64_t len, uint64_t mr0, uint64_t mr1,
		   uint64_t mr2, uint64_t mr3)
{
	shim_next = 0;
	shim_count = 1;
	shim_answers[0] = (struct cl_result){.err = err, .info = cl_msginfo(label, len, 0),
					     .mr = {mr0, mr1, mr2, mr3}};
}

int main(void)
{
	int32_t sum = 0;
	uint32_t count = 0;
	int64_t x = 7;
	bool flags[3] = {true, false, true}, ok = false;
	char tag[6] = "?????", s[9] = "ab";
	char long_name[40];
	int rc;

	answer(0, 0, 1, 5, 0, 0, 0);
	rc = greeter_add(2, 3, &sum);
	printf("add rc=%d sum=%d\n", rc, sum);
	answer(0, 0, 1, (uint64_t)-4, 0, 0, 0);
	rc = greeter_add(-7, 1, &sum);
	printf("add rc=%d sum=%d\n", rc, sum);
	answer(0, 0, 2, 5, 0, 0, 0);
	printf("bad reply length rc=%d\n", greeter_add(2, 3, &sum));
	answer(0, 9, 1, 5, 0, 0, 0);
	printf("bad reply label rc=%d\n", greeter_add(2, 3, &sum));
	answer(0, CL_GLUE_REPLY_BAD_METHOD, 0, 0, 0, 0, 0);
	printf("server: bad method rc=%d\n", greeter_add(2, 3, &sum));
	answer(0, CL_GLUE_REPLY_BAD_LENGTH, 0, 0, 0, 0, 0);
	printf("server: bad length rc=%d\n", greeter_add(2, 3, &sum));
	answer(CL_NO_RIGHT, 0, 0, 0, 0, 0, 0);
	printf("kernel error rc=%d\n", greeter_add(2, 3, &sum));
	answer(0, 0, 2, 1, 42, 0, 0);
	rc = greeter_greet("bob", &count, &sum);
	printf("greet rc=%d result=%d count=%u\n", rc, sum, count);
	memset(long_name, 'x', 33);
	long_name[33] = '\0';
	answer(0, 0, 2, 1, 42, 0, 0);
	printf("greet 33 bytes rc=%d\n", greeter_greet(long_name, &count, &sum));
	answer(0, 0, 0, 0, 0, 0, 0);
	printf("reset rc=%d\n", greeter_reset());
	answer(0, 0, 4, 1, 8, 0x6867666564ULL, 0x7a79ULL);
	rc = greeter_swap(&x, flags, tag, s, &ok);
	printf("swap rc=%d ok=%d x=%lld tag=%.5s s=%s\n", rc, ok, (long long)x, tag, s);
	answer(0, 0, 0, 0, 0, 0, 0);
	printf("emit rc=%d\n", ready_emit());
	printf("outbox %p %zu\n", outbox, outbox_size);
	return 0;
}
"""

SERVER_C = r"""
#include <stdio.h>
#include <string.h>
#include "server_glue.h"

extern struct cl_result shim_answers[16];
extern int shim_next, shim_count;
int cl_component_main(void) { return 0; }

static uint32_t greetings;

int32_t greeter_greet(const char *name, uint32_t *count)
{
	printf("impl greet '%s'\n", name);
	*count = ++greetings;
	return (int32_t)strlen(name);
}

void greeter_reset(void) { greetings = 0; }

int32_t greeter_add(int32_t a, int32_t b)
{
	printf("impl add %d %d\n", a, b);
	return a + b;
}

bool greeter_swap(int64_t *x, const bool flags[3], char tag[5], char *s)
{
	printf("impl swap %lld %d%d%d '%s'\n", (long long)*x, flags[0], flags[1], flags[2], s);
	*x = -*x;
	memcpy(tag, "hello", 5);
	strcpy(s, "yz");
	return true;
}

static void show(const char *what, uint64_t info, const uint64_t r[4])
{
	printf("%s label=%llu len=%llu mr=%llx,%llx,%llx,%llx\n", what,
	       (unsigned long long)cl_msginfo_label(info),
	       (unsigned long long)cl_msginfo_length(info), (unsigned long long)r[0],
	       (unsigned long long)r[1], (unsigned long long)r[2], (unsigned long long)r[3]);
}

int main(void)
{
	uint64_t reply[4], info;
	uint64_t add[4] = {2, 3, 0, 0}, neg[4] = {(uint64_t)-7, 1, 0, 0};
	uint64_t name[4] = {0x626f62 /* "bob" */, 0, 0, 0};
	uint64_t swap[4] = {5, 0x010001 /* flags 1,0,1 */, 0x6261 /* "ab" */, 0};
	uint64_t flags2[4] = {5, 0x000200 /* a 2 in a bool: true */, 0, 0};

	info = greeter__dispatch(cl_msginfo(3, 2, 0), add, reply);
	show("add", info, reply);
	info = greeter__dispatch(cl_msginfo(3, 2, 0), neg, reply);
	show("add negative", info, reply);
	info = greeter__dispatch(cl_msginfo(9, 2, 0), add, reply);
	show("bad label", info, reply);
	info = greeter__dispatch(cl_msginfo(0, 0, 0), add, reply);
	show("label 0", info, reply);
	info = greeter__dispatch(cl_msginfo(3, 3, 0), add, reply);
	show("bad length", info, reply);
	info = greeter__dispatch(cl_msginfo(1, 4, 0), name, reply);
	show("greet", info, reply);
	info = greeter__dispatch(cl_msginfo(4, 3, 0), swap, reply);
	show("swap", info, reply);
	info = greeter__dispatch(cl_msginfo(4, 3, 0), flags2, reply);
	show("swap flags", info, reply);

	/* The loop: recv add(2,3); reply_recv -> a bad label; reply_recv -> an error; the
	 * retried recv fails too, so it returns. */
	shim_next = 0;
	shim_count = 2;
	shim_answers[0] = (struct cl_result){.info = cl_msginfo(3, 2, 0), .mr = {2, 3}, .badge = 1};
	shim_answers[1] = (struct cl_result){.info = cl_msginfo(77, 0, 0), .badge = 1};
	greeter__run();
	printf("run returned, badge %llu\n", (unsigned long long)greeter__badge);

	shim_next = 0;
	shim_count = 2;
	shim_answers[0] = (struct cl_result){.badge = 2};
	shim_answers[1] = (struct cl_result){.badge = 0};
	printf("wait %d\n", ready_wait());
	printf("poll %d\n", ready_poll());
	printf("poll %d\n", ready_poll());
	printf("inbox %p %zu\n", inbox, inbox_size);
	return 0;
}
"""


def hello_copy(folder, interfaces=INTERFACES):
    """hello.cleave as it is, with `interfaces` as its interfaces.cleave."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HELLO / "hello.cleave", folder / "hello.cleave")
    (folder / "interfaces.cleave").write_text(interfaces)
    return folder / "hello.cleave"


def generate(path):
    model, diags = cleave_idl.check_file(path, shown=path.name)
    assert not diags.errors, diags.render_all()
    specification = capspec.build(model)
    files = glue.render(model, specification, diags)
    return files, diags


def gcc(*args, cwd):
    result = subprocess.run(["gcc", *map(str, args)], capture_output=True, text=True,
                            cwd=cwd, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The glue of hello (fitting Greeter), the shim, and two linked test programs."""
    if shutil.which("gcc") is None:
        pytest.skip("no host gcc")
    top = tmp_path_factory.mktemp("glue")
    files, diags = generate(hello_copy(top / "src"))
    assert diags.items == [], diags.render_all()
    out = top / "glue"
    glue.write(files, out)
    (top / "include" / "cleave").mkdir(parents=True)
    (top / "include" / "cleave" / "syscalls.h").write_text(SYSCALLS_H)
    # The runtime's console slot, which the generated main() sets.
    (top / "include" / "cleave" / "console_write.h").write_text(
        "#include <cleave/syscalls.h>\nextern cl_cptr_t cl_console;\n")
    (top / "shim.c").write_text(SHIM_C)
    (top / "client_test.c").write_text(CLIENT_C)
    (top / "server_test.c").write_text(SERVER_C)
    inc = ["-I", top / "include", "-I", out]
    runs = {}
    for who in ("client", "server"):
        gcc(*CFLAGS, "-DCL_GLUE_NO_MAIN", *inc, "-o", top / who, top / "shim.c",
            out / f"{who}_glue.c", top / f"{who}_test.c", cwd=top)
        result = subprocess.run([str(top / who)], capture_output=True, text=True,
                                timeout=30)
        assert result.returncode == 0, result.stderr
        runs[who] = result.stdout.splitlines()
    return dict(top=top, out=out, files=files, inc=inc, **runs)


def after(lines, marker):
    """The lines from the one that starts with `marker` on."""
    for n, line in enumerate(lines):
        if line.startswith(marker):
            return lines[n:]
    raise AssertionError(f"no line starts with {marker!r}: {lines}")


def test_one_header_and_one_source_per_component(built):
    assert sorted(built["files"]) == ["client_glue.c", "client_glue.h",
                                      "server_glue.c", "server_glue.h"]
    assert sorted(p.name for p in built["out"].iterdir()) == sorted(built["files"])


def test_every_file_compiles_with_the_host_gcc(built):
    for name in sorted(built["files"]):
        if name.endswith(".c"):
            # -ffreestanding as components are built: main(uint64_t) is the runtime's.
            gcc(*CFLAGS, "-ffreestanding", *built["inc"], "-c", built["out"] / name,
                "-o", built["top"] / (name + ".o"), cwd=built["top"])
        else:
            probe = built["top"] / f"probe_{name}.c"
            probe.write_text(f'#include "{name}"\n#include "{name}"\n')
            gcc(*CFLAGS, *built["inc"], "-c", probe, "-o", str(probe) + ".o",
                cwd=built["top"])


def test_header_prototypes(built):
    client = built["files"]["client_glue.h"]
    server = built["files"]["server_glue.h"]
    assert "int greeter_add(int32_t a, int32_t b, int32_t *result);" in client
    assert "int greeter_greet(const char *name, uint32_t *count, int32_t *result);" in client
    assert "int greeter_reset(void);" in client
    assert "int ready_emit(void);" in client
    assert "extern void *const outbox;\nextern const size_t outbox_size;" in client
    assert "int32_t greeter_add(int32_t a, int32_t b);" in server
    assert "void greeter_reset(void);" in server
    assert "void greeter__run(void);" in server
    assert "int ready_wait(void);\nint ready_poll(void);" in server
    assert "int cl_component_main(void);" in client and "int cl_component_main(void);" in server


def test_client_add_marshals_and_returns_the_reply(built):
    # Slot 5: the client's first connection end (the rpc); label 3: add is method 3.
    lines = built["client"]
    assert lines[:2] == ["cl_sys_call cap=8 label=3 len=2 mr=2,3,0,0", "add rc=0 sum=5"]
    assert lines[2:4] == ["cl_sys_call cap=8 label=3 len=2 mr=fffffffffffffff9,1,0,0",
                          "add rc=0 sum=-4"]


def test_client_rejects_bad_replies(built):
    lines = [line for line in built["client"] if not line.startswith("cl_sys")]
    assert "bad reply length rc=-64" in lines
    assert "bad reply label rc=-64" in lines
    assert "server: bad method rc=-65" in lines
    assert "server: bad length rc=-66" in lines
    assert "kernel error rc=-3" in lines


def test_client_strings(built):
    lines = after(built["client"], "cl_sys_call cap=8 label=1")
    assert lines[:2] == ["cl_sys_call cap=8 label=1 len=4 mr=626f62,0,0,0",
                         "greet rc=0 result=1 count=42"]
    # 33 bytes do not fit a string<32>: refused before any system call.
    assert lines[2] == "greet 33 bytes rc=-67"
    assert lines[3:5] == ["cl_sys_call cap=8 label=2 len=0 mr=0,0,0,0", "reset rc=0"]


def test_client_arrays_and_inout(built):
    lines = after(built["client"], "cl_sys_call cap=8 label=4")
    # x=7 in word 0, bool[3] {1,0,1} packed in word 1, "ab" in word 2.
    assert lines[:2] == ["cl_sys_call cap=8 label=4 len=3 mr=7,10001,6261,0",
                         "swap rc=0 ok=1 x=8 tag=defgh s=yz"]


def test_client_event_and_dataport(built):
    lines = after(built["client"], "cl_sys_send")
    assert lines[:2] == ["cl_sys_send cap=9 label=0 len=0 mr=0,0,0,0", "emit rc=0"]
    assert lines[2] == "outbox 0x40000000 4096"


def test_server_dispatches_by_label(built):
    lines = built["server"]
    assert lines[:4] == ["impl add 2 3", "add label=0 len=1 mr=5,0,0,0",
                         "impl add -7 1", "add negative label=0 len=1 mr=fffffffffffffffa,0,0,0"]


def test_server_replies_an_error_label_for_a_bad_method_or_length(built):
    lines = built["server"]
    assert "bad label label=65535 len=0 mr=0,0,0,0" in lines
    assert "label 0 label=65535 len=0 mr=0,0,0,0" in lines
    assert "bad length label=65534 len=0 mr=0,0,0,0" in lines
    # The implementation was not called for them: add ran exactly twice.
    assert sum(1 for line in lines if line.startswith("impl add")) == 2 + 1  # + the loop


def test_server_strings_arrays_and_inout(built):
    lines = after(built["server"], "impl greet")
    assert lines[:2] == ["impl greet 'bob'", "greet label=0 len=2 mr=3,1,0,0"]
    lines = after(lines, "impl swap")
    assert lines[:2] == ["impl swap 5 101 'ab'",
                         "swap label=0 len=4 mr=1,fffffffffffffffb,6f6c6c6568,7a79"]
    assert lines[2] == "impl swap 5 010 ''"  # a 2 in a bool arrives as true


def test_server_loop_receives_replies_and_stops_when_the_endpoint_fails(built):
    lines = after(built["server"], "cl_sys_recv cap=8")
    assert lines[:6] == [
        "cl_sys_recv cap=8 label=0 len=0 mr=0,0,0,0",
        "impl add 2 3",
        "cl_sys_reply_recv cap=8 label=0 len=1 mr=5,0,0,0",
        "cl_sys_reply_recv cap=8 label=65535 len=0 mr=0,0,0,0",
        "cl_sys_recv cap=8 label=0 len=0 mr=0,0,0,0",
        "run returned, badge 1",
    ]


def test_server_events_and_dataport(built):
    lines = after(built["server"], "cl_sys_recv cap=9")
    assert lines == ["cl_sys_recv cap=9 label=0 len=0 mr=0,0,0,0", "wait 0",
                     "cl_sys_nb_recv cap=9 label=0 len=0 mr=0,0,0,0", "poll 0",
                     "cl_sys_nb_recv cap=9 label=0 len=0 mr=0,0,0,0", "poll -1",
                     "inbox 0x40000000 4096"]


def test_arguments_too_big_for_a_message_name_the_method(tmp_path):
    """A string<64> argument is 64 bytes: more than the 4 words of a message."""
    path = hello_copy(tmp_path, INTERFACES.replace("string<32> name", "string<64> name"))
    files, diags = generate(path)
    assert files == {}
    assert diags.render_all().splitlines()[0].endswith(
        "error: method 'greet': its in and inout arguments need 64 bytes, "
        "more than the 32 bytes (4 words) of a message")
    assert "hint: pass large data through a dataport and its offset or length as an argument" \
        in diags.render_all().splitlines()


def test_the_example_generates_glue(tmp_path):
    model, diags = cleave_idl.check_file(HELLO / "hello.cleave", shown="hello.cleave")
    assert not diags.errors
    files = glue.render(model, capspec.build(model), diags)
    assert not diags.errors
    assert sorted(files) == ["client_glue.c", "client_glue.h", "server_glue.c", "server_glue.h"]


def test_a_reply_too_big_is_an_error_too(tmp_path):
    path = hello_copy(tmp_path, INTERFACES.replace(
        "void reset();", "int64 stats(in int which, out uint64[4] values);"))
    files, diags = generate(path)
    assert files == {}
    assert [d.headline() for d in diags.items] == [
        "interfaces.cleave:3:11: error: method 'stats': its return value and out and "
        "inout arguments need 40 bytes, more than the 32 bytes (4 words) of a message"]


def test_a_provides_in_two_connections_serves_both_on_one_endpoint(tmp_path):
    text = (HELLO / "hello.cleave").read_text().replace(
        "    component Server server;",
        "    component Server server;\n    component Client other;").replace(
        "    connection shared", "    connection rpc other.greeter -> server.greeter;\n"
        "    connection notification other.ready -> server.ready2;\n"
        "    connection shared").replace("consumes Ready ready;",
                                         "consumes Ready ready;\n    consumes Ready ready2;")
    hello_copy(tmp_path)
    (tmp_path / "hello.cleave").write_text(text)
    files, diags = generate(tmp_path / "hello.cleave")
    assert not diags.errors, diags.render_all()
    # The server's loop waits on the one endpoint both clients call (slot 8).
    assert "cl_sys_recv(8, 0, 0, 0, 0, 0, 0)" in files["server_glue.c"]
    assert "#define greeter__slot 8" in files["server_glue.h"]
    assert "cl_sys_call(8," in files["other_glue.c"]


def test_dataport_layout_in_the_specification(tmp_path):
    path = hello_copy(tmp_path)
    text = path.read_text().replace("dataport Message outbox (4K);",
                                    "dataport Big big (3M);\n    dataport Message outbox (4K);")
    path.write_text(text)
    files, diags = generate(path)
    assert not diags.errors
    assert "void *const big = (void *)0x40000000UL;" in files["client_glue.c"]
    assert "const size_t big_size = 3145728;" in files["client_glue.c"]
    assert "void *const outbox = (void *)0x40400000UL;" in files["client_glue.c"]
    model, _ = cleave_idl.check_file(path, shown=path.name)
    spec = capspec.build(model)
    outbox = [m.vaddr for m in spec.holder("client").mappings if m.region == "outbox"]
    inbox = [m.vaddr for m in spec.holder("server").mappings if m.region == "inbox"]
    big = [m.vaddr for m in spec.holder("client").mappings if m.region == "big"]
    assert outbox == [0x40400000] and inbox == [0x40000000]
    assert big == [0x40000000 + n * 4096 for n in range(768)]
    stack = [m.vaddr for m in spec.holder("client").mappings if m.region == "stack"]
    heap = [m.vaddr for m in spec.holder("client").mappings if m.region == "heap"]
    assert stack[-1] + 4096 == capspec.STACK_TOP and heap[0] == capspec.HEAP_BASE


def test_the_same_system_gives_the_same_files(tmp_path):
    path = hello_copy(tmp_path)
    one, _ = generate(path)
    two, _ = generate(path)
    assert one == two
    glue.write(one, tmp_path / "a")
    glue.write(two, tmp_path / "b")
    for name in one:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def cleave(*args, cwd=ROOT):
    return subprocess.run([str(ROOT / "cleave"), *map(str, args)], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL, cwd=cwd)


def test_check_glue_writes_every_instance(tmp_path):
    path = hello_copy(tmp_path / "src")
    result = cleave("check", path, "--glue", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"  glue:        4 files in {tmp_path / 'out'}"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "client_glue.c", "client_glue.h", "server_glue.c", "server_glue.h"]
    first = (tmp_path / "out" / "server_glue.c").read_bytes()
    assert cleave("check", path, "--glue", tmp_path / "out").returncode == 0
    assert (tmp_path / "out" / "server_glue.c").read_bytes() == first


def test_check_glue_reports_a_method_too_big_and_writes_nothing(tmp_path):
    path = hello_copy(tmp_path / "src", INTERFACES.replace("string<32> name", "string<64> name"))
    result = cleave("check", path, "--glue", tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].endswith(
        "interfaces.cleave:2:9: error: method 'greet': its in and inout "
        "arguments need 64 bytes, more than the 32 bytes (4 words) of a message")
    assert result.stderr.splitlines()[-1].endswith("hello.cleave: 1 error")
    assert not (tmp_path / "out").exists()


def test_check_glue_on_the_example(tmp_path):
    result = cleave("check", "examples/hello/hello.cleave", "--glue", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "client_glue.c", "client_glue.h", "server_glue.c", "server_glue.h"]


def test_check_glue_refuses_the_source_tree():
    result = cleave("check", "examples/hello/hello.cleave", "--glue", "examples/glue")
    assert result.returncode == 2
    assert "generated code does not go into the source tree" in result.stderr
    assert not (ROOT / "examples" / "glue").exists()
