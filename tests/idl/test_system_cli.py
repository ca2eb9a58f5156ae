"""Tests of `./cleave check SYSTEM`, end to end: a good description prints its summary
and exits 0; a bad one prints each problem (file:line:col, the line, a caret, a hint)
and one closing `cleave: error:` line, and exits 1; bad usage is one line, exit 2.

Run with `/usr/bin/python3 -m pytest -q tests/idl` (`./cleave test` does).
"""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cleave(*args, cwd=ROOT):
    return subprocess.run([str(ROOT / "cleave"), *map(str, args)], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL, cwd=cwd)


def test_the_example_checks():
    result = cleave("check", "examples/hello/hello.cleave")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "examples/hello/hello.cleave: system 'hello' passes every check on qemu-virt",
        "  components:  2: client (Client), server (Server)",
        "  guests:      0",
        "  connections: 3 (1 notification, 1 rpc, 1 shared)",
        "  devices:     0",
        "  partitions:  0; no schedule: partition 0 always runs",
        "  memory:      228 KiB of 1 GiB",
        "  authority:   row can affect column (s send, n signal, m shared memory, "
        "c control, . none)",
        "              client server (loader)",
        "    client    .      snm    .",
        "    server    m      .      .",
        "    (loader)  c      c      .",
    ]


def test_a_bad_description_shows_where(tmp_path):
    (tmp_path / "bad.cleave").write_text(
        "component Client {\n    uses Echo echo;\n}\nsystem S { }\n")
    result = cleave("check", "bad.cleave", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "bad.cleave:2:10: error: procedure 'Echo' is not declared",
        " 2 |     uses Echo echo;",
        "   |          ^",
        "cleave: error: bad.cleave: 1 error",
    ]


def test_a_syntax_error_shows_where(tmp_path):
    (tmp_path / "bad.cleave").write_text("system S {\n    component C c\n}\n")
    result = cleave("check", "bad.cleave", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "bad.cleave:3:1: error: expected ';' before '}'",
        " 3 | }",
        "   | ^",
        "cleave: error: bad.cleave: 1 error",
    ]


def test_warnings_and_a_device_on_the_real_tree(tmp_path):
    (tmp_path / "s.cleave").write_text(
        'procedure P { void f(); }\n'
        'component Server { provides P p; }\n'
        'component Clock { hardware regs; }\n'
        'device rtc { compatible "arm,pl031"; }\n'
        'system S {\n'
        '    component Server s;\n'
        '    component Clock c;\n'
        '    connection hardware c.regs -> rtc;\n'
        '    schedule { window 0 10ms; }\n'
        '}\n')
    result = cleave("check", tmp_path / "s.cleave")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0].endswith(
        "s.cleave:6:22: warning: 's.p' (provides P) is not connected; nothing calls it")
    assert "  devices:     1: rtc (/pl031@9010000)" in result.stdout.splitlines()
    assert "  partitions:  0; windows 0:10ms" in result.stdout.splitlines()


def test_bad_usage_is_one_line(tmp_path):
    for args, code, word in [(["check"], 2, "SYSTEM"),
                             (["check", "nothing.cleave"], 2, "nothing.cleave"),
                             (["check", ROOT / "examples/hello/hello.cleave", "--platform",
                               "nope"], 2, "qemu-virt")]:
        result = cleave(*args, cwd=tmp_path)
        lines = result.stderr.splitlines()
        assert result.returncode == code and len(lines) == 1, result.stderr
        assert lines[0].startswith("cleave: error: ") and word in lines[0]
