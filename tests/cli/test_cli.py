"""Tests of the `cleave` command line: its errors, platforms, QEMU command lines, packages.

Run with `/usr/bin/python3 -m pytest -q tests/cli` (`./cleave test` does).
"""

import subprocess
from pathlib import Path

import pytest

from cleave import deps, qemu, testrun
from cleave import main as cleave_main
from cleave import platform as platforms
from cleave.errors import CleaveError, UsageError

ROOT = Path(__file__).resolve().parents[2]


def cleave(*args, cwd=None):
    return subprocess.run([str(ROOT / "cleave"), *args], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, cwd=cwd)


def assert_one_error(result, code, *words):
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cleave: error: "), lines[0]
    assert result.returncode == code, lines[0]
    assert result.stdout == ""
    for word in words:
        assert word in lines[0]


# --- the command line ---------------------------------------------------------------

@pytest.mark.parametrize("args, code, words", [
    ([], 2, ["--help"]),
    (["frob"], 2, ["frob"]),
    (["run", "--platform", "nope"], 2, ["nope", "qemu-virt"]),
    (["run", "--cpu", "bogus"], 2, ["bogus", "cortex-a53", "cortex-a57", "max"]),
    (["run", "--cpu"], 2, ["--cpu"]),
    (["run", "--gic", "4"], 2, ["--gic 4", "2, 3"]),
    (["run", "--gic", "x"], 2, ["--gic", "'x'"]),
    (["run", "--smp", "0"], 2, ["--smp 0", "1 to 8"]),
    (["run", "--smp", "9"], 2, ["--smp 9", "1 to 8"]),
    (["run", "--smp", "x"], 2, ["--smp", "'x'"]),
    (["run", "--memory", "0"], 2, ["--memory 0"]),
    (["run", "--memory", "4096"], 2, ["--memory 4096"]),
    (["run", "no-such-system.camkes"], 2, ["no-such-system.camkes"]),
    (["build"], 2, ["-o"]),
    (["build", "-o", "image.bin", "--platform", "nope"], 2, ["nope"]),
    (["build", "-o", "no-such-folder/image.bin"], 2, ["no-such-folder"]),
    (["test", "--jobs", "0"], 2, ["--jobs"]),
    (["test", "--bogus"], 2, ["--bogus"]),
])
def test_bad_usage_is_one_line(tmp_path, args, code, words):
    assert_one_error(cleave(*args, cwd=tmp_path), code, *words)
    assert not (tmp_path / "image.bin").exists()


def test_a_system_that_does_not_parse_is_refused_at_its_line(tmp_path):
    system = tmp_path / "demo.camkes"
    system.write_text("assembly {}\n")
    for args in (["run", str(system)], ["build", str(system), "-o", str(tmp_path / "x.bin")]):
        result = cleave(*args)
        assert result.returncode == 1
        assert "demo.camkes:1:1: error:" in result.stderr
        assert result.stderr.splitlines()[-1].startswith("cleave: error: ")
    assert not (tmp_path / "x.bin").exists()


def test_build_refuses_a_directory_as_output(tmp_path):
    assert_one_error(cleave("build", "-o", str(tmp_path)), 2, "directory")


def test_a_bug_in_cleave_is_still_one_line(monkeypatch, capsys):
    def broken(jobs, pattern):
        raise ValueError("boom")
    monkeypatch.setattr(cleave_main.testrun, "run", broken)
    monkeypatch.delenv("CLEAVE_DEBUG", raising=False)
    assert cleave_main.main(["test"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cleave: error: internal error: ValueError: boom")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("verb", ["run", "build", "test", "bench"])
def test_help_works_for_every_verb(verb):
    result = cleave(verb, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: cleave {verb}")
    assert result.stderr == ""


def test_top_level_help_lists_the_verbs():
    result = cleave("--help")
    assert result.returncode == 0
    for verb in ("run", "build", "test", "bench"):
        assert f"    {verb} " in result.stdout


# --- platforms ----------------------------------------------------------------------

def test_platform_defaults(virt):
    assert virt.configure() == platforms.Config("cortex-a57", 3, 4, 256)
    assert virt.memory_max_mib == 1024


def test_real_platforms_include_qemu_virt():
    assert "qemu-virt" in platforms.known()


def test_unknown_platform_lists_the_known_ones(platforms_root):
    with pytest.raises(UsageError, match="known platforms: qemu-virt"):
        platforms.load("zcu", root=platforms_root)


@pytest.mark.parametrize("old, new, words", [
    (None, "qemu: [1, 2]\n", "qemu"),
    ("  gics: [2, 3]\n", "", "gics"),
    ("smp: [1, 8]", "smp: [8, 1]", "smp"),
    ("default: {cpu: cortex-a57", "default: {cpu: a99", "default"),
    (None, "name: [unclosed\n", "YAML"),
])
def test_broken_platform_file_is_a_failure(platforms_root, old, new, words):
    path = platforms_root / "qemu-virt" / "platform.yaml"
    text = path.read_text()
    assert old is None or old in text
    path.write_text(new if old is None else text.replace(old, new))
    with pytest.raises(CleaveError, match=words) as caught:
        platforms.load("qemu-virt", root=platforms_root)
    assert caught.value.exit_code == 1


# --- QEMU command lines -------------------------------------------------------------

def test_qemu_command_for_cortex_a57_gic3_smp4(virt):
    config = virt.configure("cortex-a57", 3, 4)
    assert qemu.command(virt, config, "IMAGE") == [
        "qemu-system-aarch64", "-M", "virt,virtualization=on,gic-version=3",
        "-cpu", "cortex-a57", "-smp", "4", "-m", "256", "-nographic", "-kernel", "IMAGE",
    ]


def test_qemu_command_for_max_uses_impdef_pauth(virt):
    argv = qemu.command(virt, virt.configure("max", 2, 1, 512), "IMAGE")
    assert argv[argv.index("-cpu") + 1] == "max,pauth-impdef=on"
    assert argv[argv.index("-M") + 1] == "virt,virtualization=on,gic-version=2"
    assert argv[argv.index("-smp") + 1] == "1"
    assert argv[argv.index("-m") + 1] == "512"


def test_headless_qemu_command_for_tests(virt):
    argv = qemu.command(virt, virt.configure(), "fault.bin", headless=True, machine="virt",
                        machine_extra=["dumpdtb=x.dtb"], append="fault=undef", dtb="a.dtb")
    assert argv[argv.index("-M") + 1] == "virt,gic-version=3,dumpdtb=x.dtb"
    assert "-nographic" not in argv
    text = " ".join(argv)
    for part in ("-display none", "-serial stdio", "-monitor none", "-no-reboot",
                 "-kernel fault.bin", "-append fault=undef", "-dtb a.dtb"):
        assert part in text


# --- the test verb ------------------------------------------------------------------

@pytest.mark.parametrize("name, pattern, chosen", [
    ("boot/max/gic2/smp1", None, True),
    ("boot/max/gic2/smp1", "max", True),
    ("boot/max/gic2/smp1", "boot/*/gic2/*", True),
    ("boot/max/gic3/smp1", "boot/*/gic2/*", False),
    ("fault/undef", "boot", False),
])
def test_pattern_selects_tests(name, pattern, chosen):
    assert testrun.selected(name, pattern) is chosen


@pytest.mark.parametrize("output, counts", [
    ("....\n4 passed in 0.12s\n", (4, 0)),
    ("F.\nFAILED x.py::t - boom\n1 failed, 2 passed, 1 error in 1.02s\n", (2, 2)),
    ("===== 5 passed, 1 warning in 2.10s =====\n", (5, 0)),
    ("no tests ran in 0.01s\n", (0, 0)),
    ("ImportError: no module named pytest\n", None),
])
def test_pytest_closing_line_is_counted(output, counts):
    assert testrun.pytest_counts(output) == counts


def test_pytest_failures_name_the_suite_and_test():
    output = ("FAILED tests/idl/test_gen_abi.py::test_docs[a-b] - AssertionError: stale\n"
              "FAILED tests/cli/test_cli.py::test_x\n"
              "ERROR tests/idl/test_gen_abi.py - ImportError: no yaml\n"
              "2 failed, 1 error in 0.5s\n")
    assert testrun.pytest_failures(output) == [
        ("python/idl/test_docs[a-b]", "AssertionError: stale"),
        ("python/cli/test_x", "failed"),
        ("python/idl/test_gen_abi.py", "ImportError: no yaml"),
    ]


@pytest.mark.parametrize("pattern, chosen", [
    (None, True), ("cli", True), ("idl", True), ("python", True), ("boot", False),
])
def test_python_tests_answer_to_their_names(pattern, chosen):
    assert testrun.python_selected(pattern) is chosen


# --- packages -----------------------------------------------------------------------

def test_missing_packages_are_found():
    table = [("dpkg", "always there"), ("cleave-no-such-package", "a test")]
    assert deps.missing(table) == [("cleave-no-such-package", "a test")]


def test_without_root_or_sudo_the_error_gives_the_command(monkeypatch):
    monkeypatch.setattr(deps.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(deps.shutil, "which", lambda name: None)
    with pytest.raises(CleaveError) as caught:
        deps.privilege_prefix(["libfdt-dev:arm64"], ["arm64"])
    message = str(caught.value)
    assert "dpkg --add-architecture arm64 && apt-get update && " \
           "apt-get install -y --no-install-recommends libfdt-dev:arm64" in message


def test_cache_dir_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert deps.cache_dir() == tmp_path / "cleave"
    assert (tmp_path / "cleave").is_dir()
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert deps.cache_dir() == tmp_path / "home" / ".cache" / "cleave"


def test_check_refuses_a_guest_with_more_events_than_free_spis(tmp_path):
    """A limit the capability specification finds (a guest's consumed events need free
    SPIs) is a diagnostic at the guest, not a traceback."""
    n = 9
    emits = " ".join(f"emits Kick k{i};" for i in range(n))
    consumes = " ".join(f"consumes Kick k{i};" for i in range(n))
    conns = " ".join(f"connection notification p.k{i} -> vm.k{i};" for i in range(n))
    path = tmp_path / "many.cleave"
    path.write_text(f"component P {{ {emits} }}\nguest G {{ memory 4M; {consumes} }}\n"
                    f"system S {{ component P p;\n guest G vm; {conns} }}\n")
    result = cleave("check", str(path))
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode != 0
    assert "many.cleave:4:10: error: guest vm: it consumes 9 events, but only 8 SPIs are " \
           "free for them (SPIs 24 to 31, less the PL011's and its devices')" in result.stderr
