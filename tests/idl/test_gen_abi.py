"""Tests of tools/gen_abi.py: the headers it makes compile and mean what idl/abi.yaml says,
the stubs make the right SVC, every broken description is one line, and docs/abi.md is fresh.

Run with `/usr/bin/python3 -m pytest -q tests/idl` (`./cleave test` does).
"""

import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT / "tools" / "gen_abi.py"
IDL = ROOT / "idl" / "abi.yaml"
DOCS = ROOT / "docs" / "abi.md"
WARNINGS = ["-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wmissing-prototypes",
            "-Wstrict-prototypes", "-Wvla", "-Wpointer-arith", "-Wundef", "-Wformat=2",
            "-Wimplicit-fallthrough"]
CROSS_GCC = "aarch64-linux-gnu-gcc"
CROSS_OBJDUMP = "aarch64-linux-gnu-objdump"


def gen(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(GEN), *map(str, args)], capture_output=True,
                          text=True, timeout=60, cwd=cwd, stdin=subprocess.DEVNULL)


def run(argv, cwd):
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=cwd,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 0, f"{' '.join(map(str, argv))}:\n{out.stdout}{out.stderr}"
    return out.stdout


def needs(tool):
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing (./cleave test installs it)")


@pytest.fixture(scope="module")
def abi():
    return yaml.safe_load(IDL.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Every output, generated from the real idl/abi.yaml into a fresh folder."""
    out = tmp_path_factory.mktemp("gen")
    result = gen("--abi-header", out / "cleave" / "abi.h", "--kernel-tables",
                 out / "abi_gen.h", "--user-header", out / "cleave" / "syscalls.h",
                 "--docs", out / "abi.md")
    assert result.returncode == 0, result.stderr
    assert result.stdout == result.stderr == ""
    return out


# --- the real description -------------------------------------------------------------

HOST_MAIN = r"""
#include <assert.h>
#include <stdio.h>
#include <cleave/abi.h>
#include "abi_gen.h"

const char *error_name(uint64_t err);

int main(void)
{
	uint64_t info = cl_msginfo(CL_LABEL_CNODE_MINT, 4, 1);

	assert(CL_INVALID_CAP == 1);
	assert(abi_invocations[CL_LABEL_CNODE_MINT].nargs == 4);
	assert(abi_invocations[16].object == CL_OBJ_FRAME);
	assert(cl_msginfo_label(info) == CL_LABEL_CNODE_MINT);
	assert(cl_msginfo_length(info) == 4 && cl_msginfo_cap(info) == 1);
	assert(cl_msginfo(0, 0, 0) == 0 && cl_msginfo(0, 0, 2) == 0);
	assert(abi_invocation_of(0) == 0 && abi_invocation_of(CL_NUM_LABELS) == 0);
	assert(abi_invocation_of(CL_LABEL_CNODE_MINT) == &abi_invocations[CL_LABEL_CNODE_MINT]);
	assert(abi_objects[CL_OBJ_TCB].fixed_bits == CL_OBJ_TCB_BITS);
	assert(abi_objects[CL_OBJ_CNODE].min_bits == CL_OBJ_CNODE_MIN_BITS);
	assert(abi_objects[CL_OBJ_CNODE].max_bits == CL_OBJ_CNODE_MAX_BITS);
	printf("info %#llx\n", (unsigned long long)info);
	printf("rights_all %#x\n", CL_RIGHTS_ALL);
	for (unsigned i = 0; i < CL_NUM_LABELS; i++) {
		const struct abi_invocation *inv = abi_invocation_of(i);
		if (inv)
			printf("label %u %u %u %s\n", inv->label, inv->object, inv->nargs, inv->name);
	}
	for (unsigned i = 0; i < CL_NUM_OBJ_TYPES; i++)
		printf("object %u %s %u %u %u\n", i, abi_objects[i].name, abi_objects[i].fixed_bits,
		       abi_objects[i].min_bits, abi_objects[i].max_bits);
	for (unsigned i = 0; i < CL_NUM_ERRORS; i++)
		printf("error %u %s\n", i, error_name(i));
	return 0;
}
"""

HOST_OTHER = r"""
#include <cleave/abi.h>
#include "abi_gen.h"

const char *error_name(uint64_t err);

const char *error_name(uint64_t err)
{
	return err < CL_NUM_ERRORS ? abi_error_names[err] : "?";
}
"""


def expected_host_output(abi):
    objects = {o["name"]: o for o in abi["objects"]}
    mint = entry(abi, "invocations", "cnode.mint")["label"]
    info = mint | 4 << 16 | 1 << 19  # as msginfo's bits say
    for f in abi["msginfo"]:
        assert f["bits"] == {"label": [15, 0], "length": [18, 16], "cap": [19, 19]}[f["name"]]
    lines = [f"info {info:#x}", f"rights_all {sum(1 << r['bit'] for r in abi['rights']):#x}"]
    for inv in sorted(abi["invocations"], key=lambda v: v["label"]):
        lines.append(f"label {inv['label']} {objects[inv['object']]['number']} "
                     f"{len(inv['args'])} {inv['object']}_{inv['name']}")
    for o in sorted(abi["objects"], key=lambda o: o["number"]):
        fixed = o["size_bits"] if isinstance(o["size_bits"], int) else 0
        lines.append(f"object {o['number']} {o['name']} {fixed} {o.get('min', 0)} "
                     f"{o.get('max', 0)}")
    lines += [f"error {e['value']} {e['name']}" for e in abi["errors"]]
    return lines


@pytest.mark.parametrize("std", [["-std=gnu11"], ["-std=c11", "-Wpedantic"]])
def test_kernel_headers_build_and_run_on_the_host(generated, abi, tmp_path, std):
    needs("gcc")
    (tmp_path / "main.c").write_text(HOST_MAIN)
    (tmp_path / "other.c").write_text(HOST_OTHER)
    cflags = [*std, *WARNINGS, "-I", str(generated)]
    for name in ("main", "other"):
        run(["gcc", *cflags, "-c", f"{name}.c", "-o", f"{name}.o"], tmp_path)
    run(["gcc", "main.o", "other.o", "-o", "abi_test"], tmp_path)
    assert run([str(tmp_path / "abi_test")], tmp_path).splitlines() == \
        expected_host_output(abi)


def test_kernel_headers_build_freestanding_for_aarch64(generated, tmp_path):
    needs(CROSS_GCC)
    (tmp_path / "k.c").write_text('#include <cleave/abi.h>\n#include "abi_gen.h"\n'
                                  'const char *name_of(unsigned label);\n'
                                  'const char *name_of(unsigned label)\n{\n'
                                  '\treturn abi_invocation_of(label) ? '
                                  'abi_invocations[label].name : abi_error_names[0];\n}\n')
    run([CROSS_GCC, "-std=gnu11", "-ffreestanding", "-O2", *WARNINGS, "-I", str(generated),
         "-c", "k.c", "-o", "k.o"], tmp_path)


USER_C = r"""
#include <cleave/syscalls.h>

struct cl_result make_tcb(cl_cptr_t untyped, uint64_t dest);

struct cl_result make_tcb(cl_cptr_t untyped, uint64_t dest)
{
	return cl_untyped_retype(untyped, CL_OBJ_TCB, 0, dest, 1);
}
"""


def functions(disassembly):
    """{function name: its instructions} from objdump -d."""
    found, current = {}, None
    for line in disassembly.splitlines():
        head = re.match(r"^[0-9a-f]+ <(\w+)>:$", line)
        if head:
            current = found.setdefault(head.group(1), [])
        elif current is not None and "\t" in line:
            current.append(line.split("\t", 2)[-1].strip())
    return found


def test_user_stubs_make_the_svc_of_each_system_call(generated, abi, tmp_path):
    needs(CROSS_GCC)
    needs(CROSS_OBJDUMP)
    wrappers = "".join(
        f"struct cl_result do_{s['name']}(uint64_t c);\n"
        f"struct cl_result do_{s['name']}(uint64_t c)\n{{\n"
        f"\treturn cl_sys_{s['name']}(c, 1, 2, 3, 4, 5, 6);\n}}\n" for s in abi["syscalls"])
    (tmp_path / "user.c").write_text(USER_C + wrappers)
    run([CROSS_GCC, "-std=gnu11", "-ffreestanding", "-O2", *WARNINGS, "-I", str(generated),
         "-c", "user.c", "-o", "user.o"], tmp_path)
    disassembly = run([CROSS_OBJDUMP, "-d", "user.o"], tmp_path)
    assert "svc\t#0xc100" in disassembly
    code = functions(disassembly)
    assert "svc\t#0xc100" in code["make_tcb"]
    assert not any(f.startswith("bl\t") for f in code["make_tcb"]), "the stub was not inlined"
    for s in abi["syscalls"]:
        svcs = [i for i in code[f"do_{s['name']}"] if i.startswith("svc")]
        assert svcs == [f"svc\t#{abi['svc_base'] + s['number']:#x}"], s["name"]


def test_user_header_refuses_other_architectures(generated, tmp_path):
    needs("gcc")
    (tmp_path / "x.c").write_text("#include <cleave/syscalls.h>\n")
    out = subprocess.run(["gcc", "-I", str(generated), "-c", "x.c", "-o", "x.o"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "for AArch64" in out.stderr


def test_docs_in_the_tree_are_fresh():
    result = gen("--check-docs", DOCS)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_stale_docs_are_one_line(tmp_path):
    stale = tmp_path / "abi.md"
    stale.write_text(DOCS.read_text(encoding="utf-8").replace("MR0", "MR9", 1))
    result = gen("--check-docs", stale)
    assert_one_error(result, str(stale), "out of date", "--docs")
    result = gen("--check-docs", tmp_path / "missing.md")
    assert_one_error(result, "missing.md", "cannot read")


def test_nothing_to_do_is_a_usage_error():
    result = gen()
    assert result.returncode == 2 and "nothing to do" in result.stderr


# --- broken descriptions ---------------------------------------------------------------

def assert_one_error(result, *words):
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("gen_abi: error: "), lines[0]
    assert result.returncode == 1, lines[0]
    assert result.stdout == ""
    for word in words:
        assert word in lines[0], lines[0]


def entry(data, section, name):
    """The entry of data[section] with this name (invocations: "object.name")."""
    for item in data[section]:
        full = f"{item['object']}.{item['name']}" if section == "invocations" else item["name"]
        if full == name:
            return item
    raise KeyError(name)


def set_in(section, name, key, value):
    def mutate(data):
        entry(data, section, name)[key] = value
    return mutate


def copy_from(section, name, other, key):
    def mutate(data):
        entry(data, section, name)[key] = entry(data, section, other)[key]
    return mutate


def drop(key):
    def mutate(data):
        del data[key]
    return mutate


def drop_from(section, name, key):
    def mutate(data):
        del entry(data, section, name)[key]
    return mutate


def replace(key, value):
    def mutate(data):
        data[key] = value
    return mutate


def five_args(data):
    entry(data, "invocations", "cnode.mint")["args"].append({"name": "extra", "kind": "word"})


def bits(name, value):
    def mutate(data):
        entry(data, "msginfo", name)["bits"] = value
    return mutate


def add_error_named(name):
    def mutate(data):
        data["errors"].append({"name": name, "value": 200, "doc": "A clash."})
    return mutate


BROKEN = [
    # missing and ill-typed keys
    ("no-svc-base", drop("svc_base"), ["missing key 'svc_base'"]),
    ("no-error-value", drop_from("errors", "INVALID_CAP", "value"),
     ["errors[1]", "missing key 'value'"]),
    ("no-doc", drop_from("objects", "tcb", "doc"), ["objects[2]", "missing key 'doc'"]),
    ("error-value-text", set_in("errors", "NO_RIGHT", "value", "three"),
     ["'NO_RIGHT'", "'value' must be an integer"]),
    ("objects-not-list", replace("objects", {"tcb": 2}), ["'objects' must be a non-empty list"]),
    ("version-text", replace("version", "one"), ["'version' must be an integer"]),
    ("label-bool", set_in("invocations", "tcb.resume", "label", True),
     ["'tcb_resume'", "'label' must be an integer"]),
    ("unknown-key", set_in("objects", "tcb", "sizebits", 11), ["unknown key 'sizebits'"]),
    ("args-not-list", set_in("invocations", "tcb.resume", "args", "none"),
     ["'args' must be a list"]),
    # duplicates
    ("dup-error-name", copy_from("errors", "NO_RIGHT", "INVALID_CAP", "name"),
     ["errors: duplicate name 'INVALID_CAP'"]),
    ("dup-error-value", copy_from("errors", "NO_RIGHT", "INVALID_CAP", "value"),
     ["errors: duplicate value 1", "INVALID_CAP", "NO_RIGHT"]),
    ("dup-syscall-name", copy_from("syscalls", "send", "call", "name"),
     ["syscalls: duplicate name 'call'"]),
    ("dup-syscall-number", copy_from("syscalls", "recv", "send", "number"),
     ["syscalls: duplicate number 1"]),
    ("dup-object-name", copy_from("objects", "frame", "tcb", "name"),
     ["objects: duplicate name 'tcb'"]),
    ("dup-object-number", copy_from("objects", "frame", "tcb", "number"),
     ["objects: duplicate number 2"]),
    ("dup-label", copy_from("invocations", "frame.map", "cnode.copy", "label"),
     ["invocations: duplicate label", "cnode_copy", "frame_map"]),
    ("dup-invocation", copy_from("invocations", "cnode.move", "cnode.copy", "name"),
     ["invocations: duplicate object and name 'cnode_copy'"]),
    ("dup-fault-name", copy_from("faults", "other", "stage2", "name"),
     ["faults: duplicate name 'stage2'"]),
    ("dup-fault-label", copy_from("faults", "other", "stage2", "label"),
     ["faults: duplicate label 0x100"]),
    ("fault-label-is-invocation", set_in("faults", "other", "label", 3),
     ["'other'", "label 3 is also invocation 'cnode_mint'"]),
    ("dup-right-bit", copy_from("rights", "exec", "read", "bit"), ["rights: duplicate bit 0"]),
    ("c-name-clash", add_error_named("SYS_CALL"), ["C name CL_SYS_CALL"]),
    # invocations
    ("unknown-object", set_in("invocations", "frame.map", "object", "gizmo"),
     ["'gizmo_map'", "unknown object 'gizmo'"]),
    ("unknown-error", set_in("invocations", "frame.map", "errors", ["IN_USE", "NO_SUCH"]),
     ["'frame_map'", "unknown error 'NO_SUCH'"]),
    ("five-args", five_args, ["'cnode_mint'", "5 args, at most 4"]),
    ("bad-kind", set_in("invocations", "tcb.set_priority", "args",
                        [{"name": "priority", "kind": "float"}]),
     ["args[0]", "kind 'float' is not one of word, slot, cptr"]),
    ("keyword-arg", set_in("invocations", "tcb.set_priority", "args",
                           [{"name": "int", "kind": "word"}]), ["'int' cannot name"]),
    # msginfo
    ("msginfo-overlap", bits("length", [18, 15]), ["'length'", "overlap 'label'"]),
    ("msginfo-above-63", bits("cap", [64, 64]), ["'cap'", "0..63"]),
    ("msginfo-reversed", bits("cap", [19, 20]), ["'cap'", "high >= low"]),
    ("msginfo-negative", bits("label", [15, -1]), ["'label'", "0..63"]),
    ("msginfo-narrow-label", bits("label", [7, 0]), ["does not fit the 8-bit msginfo label"]),
    # syscalls and objects
    ("no-call", set_in("syscalls", "call", "name", "invoke"), ["there must be a 'call'"]),
    ("svc-too-big", set_in("syscalls", "yield", "number", 0x3F00),
     ["'yield'", "svc immediate", "exceeds 0xffff"]),
    ("size-bits-word", set_in("objects", "tcb", "size_bits", "big"),
     ["'tcb'", "'size_bits' must be an integer, \"arg\" or \"none\""]),
    ("size-bits-float", set_in("objects", "tcb", "size_bits", 11.5), ["'size_bits'"]),
    ("arg-without-min", drop_from("objects", "cnode", "min"), ["'cnode'", "needs 'min'"]),
    ("arg-without-max", drop_from("objects", "cnode", "max"), ["'cnode'", "needs 'max'"]),
    ("min-above-max", set_in("objects", "frame", "min", 30), ["'frame'", "min 30 is above max"]),
]


@pytest.mark.parametrize("mutate, words", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_description_is_one_line(abi, tmp_path, mutate, words):
    data = copy.deepcopy(abi)
    mutate(data)
    bad = tmp_path / "abi.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False))
    out = tmp_path / "out" / "abi.h"
    result = gen(bad, "--abi-header", out, "--docs", tmp_path / "out" / "abi.md")
    assert_one_error(result, f"{bad}: ", *words)
    assert not out.exists()


@pytest.mark.parametrize("text, words", [
    ("- just\n- a list\n", ["must be a mapping"]),
    ("version: [1\n", ["while parsing"]),
    ("", ["must be a mapping"]),
])
def test_unreadable_description_is_one_line(tmp_path, text, words):
    bad = tmp_path / "abi.yaml"
    bad.write_text(text)
    assert_one_error(gen(bad, "--abi-header", tmp_path / "abi.h"), str(bad), *words)


def test_missing_description_is_one_line(tmp_path):
    assert_one_error(gen(tmp_path / "nope.yaml", "--abi-header", tmp_path / "abi.h"),
                     "nope.yaml", "No such file")
