"""Tests of `cleave bench`: reading the benchmark's BENCH lines, the table and
build/bench.json, the runner with a stand-in for QEMU, and one real run on QEMU.
"""

import json
import subprocess
from pathlib import Path

import pytest

from cleave import bench, build
from cleave import platform as platforms
from cleave.errors import CleaveError

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
CLEAVE BOOT OK cpus=1/1
CLEAVE INIT OK
bench: 1000 iterations per round, best of 5 rounds, less an empty loop
BENCH null_syscall insns=614 cycles=614 iters=1000 kernel_insns=614
BENCH ipc_call_replyrecv insns=1658 cycles=1660 iters=1000 kernel_insns=1649
BENCH fault_resume insns=1604 cycles=1604 iters=1000
BENCH irq_to_user insns=1559 cycles=1559 iters=1000 kernel_insns=1551
BENCH DONE
exit 0
""".splitlines()


def judge_lines(lines, why="QEMU exited with code 0"):
    the_judge = bench.BenchJudge()
    for line in lines:
        verdict = the_judge.feed(line)
        if verdict is not None:
            return verdict, the_judge
    return the_judge.finish(why), the_judge


def without(lines, word):
    return [line for line in lines if word not in line]


def replaced(lines, old, new):
    assert any(old in line for line in lines)
    return [line.replace(old, new) for line in lines]


# --- reading the BENCH lines --------------------------------------------------------

def test_good_output_gives_every_figure_in_order():
    verdict, the_judge = judge_lines(GOOD)
    assert verdict.ok, verdict.reason
    assert list(the_judge.figures) == list(bench.FIGURES)
    ipc = the_judge.figures["ipc_call_replyrecv"]
    assert (ipc.insns, ipc.cycles, ipc.iters, ipc.kernel_insns) == (1658, 1660, 1000, 1649)
    assert the_judge.figures["fault_resume"].kernel_insns is None


def test_verdict_comes_at_done_not_before():
    the_judge = bench.BenchJudge()
    done = GOOD.index("BENCH DONE")
    for line in GOOD[:done]:
        assert the_judge.feed(line) is None
    assert the_judge.feed("BENCH DONE").ok


def test_missing_figure_fails_naming_it():
    verdict, _ = judge_lines(without(GOOD, "fault_resume"))
    assert not verdict.ok
    assert "fault_resume" in verdict.reason and "DONE" in verdict.reason


def test_output_ending_early_names_the_missing_figures():
    lines = GOOD[:GOOD.index("BENCH DONE") - 1]
    verdict, _ = judge_lines(lines, why="timeout after 120 s")
    assert not verdict.ok
    assert "irq_to_user" in verdict.reason and "timeout after 120 s" in verdict.reason


def test_output_without_done_fails():
    verdict, _ = judge_lines(without(GOOD, "BENCH DONE"), why="QEMU exited with code 0")
    assert not verdict.ok and "BENCH DONE" in verdict.reason


def test_panic_fails_at_once():
    lines = GOOD[:4] + ["CLEAVE PANIC: root component: frame map failed (error 7)"] + GOOD[4:]
    verdict, the_judge = judge_lines(lines)
    assert not verdict.ok and "panicked" in verdict.reason and "frame map" in verdict.reason
    assert list(the_judge.figures) == ["null_syscall"]


def test_benchmark_error_is_reported():
    lines = GOOD[:4] + ["BENCH ERROR retype (7)", "exit 1"]
    verdict, _ = judge_lines(lines)
    assert not verdict.ok and "retype (7)" in verdict.reason


@pytest.mark.parametrize("old, new, words", [
    ("insns=1658", "insns=abc", ["insns=abc", "not a number"]),
    ("insns=1658", "insns=-5", ["insns=-5"]),
    ("insns=1658", "insns=", ["insns="]),
    ("insns=1658", "insns=0", ["insns is 0"]),
    ("insns=1658", "insns=1.5", ["insns=1.5"]),
    ("insns=1658", "insns=\u0661\u0662", ["not a number"]),  # Arabic-Indic digits
    ("cycles=1660 ", "", ["no cycles"]),
    ("iters=1000 kernel_insns=1649", "kernel_insns=1649", ["no iters"]),
    ("kernel_insns=1649", "kernel_insns=1649 kernel_insns=1", ["twice"]),
    ("kernel_insns=1649", "kernel_insns=1649 bogus=3", ["unknown field 'bogus'"]),
    ("kernel_insns=1649", "kernel_insns=1649 garbage", ["'garbage'"]),
])
def test_garbage_numbers_fail_naming_the_figure(old, new, words):
    verdict, _ = judge_lines(replaced(GOOD, old, new))
    assert not verdict.ok
    assert "ipc_call_replyrecv" in verdict.reason
    for word in words:
        assert word in verdict.reason


def test_figure_reported_twice_fails():
    lines = GOOD[:5] + [GOOD[4]] + GOOD[5:]
    verdict, _ = judge_lines(lines)
    assert not verdict.ok and "twice" in verdict.reason


def test_bench_lines_without_numbers_fail():
    verdict, _ = judge_lines(GOOD[:3] + ["BENCH null_syscall"] + GOOD[4:])
    assert not verdict.ok and "null_syscall" in verdict.reason


def test_other_lines_are_ignored():
    lines = ["[wake 0x40 prio 255]", "BENCHMARK is not a figure", "cpu0: timer ok"] + GOOD
    verdict, _ = judge_lines(lines)
    assert verdict.ok, verdict.reason


# --- the table and bench.json -------------------------------------------------------

def good_figures():
    verdict, the_judge = judge_lines(GOOD)
    assert verdict.ok
    return the_judge.figures


def test_table_has_a_row_per_figure_with_its_numbers():
    lines = bench.table(good_figures())
    assert lines[0].split() == ["figure", "instructions", "kernel", "cycles", "iterations"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert rows == {
        "null_syscall": ["614", "614", "614", "1000"],
        "ipc_call_replyrecv": ["1658", "1649", "1660", "1000"],
        "fault_resume": ["1604", "-", "1604", "1000"],
        "irq_to_user": ["1559", "1551", "1559", "1000"],
    }
    assert len({len(line) for line in lines}) == 1  # columns line up


def test_json_says_where_it_ran_and_every_figure(tmp_path, virt):
    config = virt.configure("cortex-a53", 2, bench.SMP)
    path = tmp_path / "out" / "bench.json"
    bench.write_json(path, "qemu-virt", config, good_figures())
    data = json.loads(path.read_text())
    assert data["platform"] == "qemu-virt"
    assert (data["cpu"], data["gic"], data["smp"], data["icount"]) == ("cortex-a53", 2, 1, True)
    assert data["figures"]["ipc_call_replyrecv"] == {
        "insns": 1658, "cycles": 1660, "iters": 1000, "kernel_insns": 1649}
    assert data["figures"]["fault_resume"] == {"insns": 1604, "cycles": 1604, "iters": 1000}
    assert list(data["figures"]) == list(bench.FIGURES)


def test_unwritable_json_is_one_error(tmp_path, virt):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(CleaveError, match="cannot write"):
        bench.write_json(blocker / "bench.json", "qemu-virt", virt.configure(), good_figures())


# --- the runner, with a stand-in for QEMU -------------------------------------------

def test_qemu_runs_with_icount_on_one_cpu(tmp_path, virt, monkeypatch):
    seen = []
    monkeypatch.setattr(bench.systest, "boot",
                        lambda argv, judge, log, timeout: seen.append(argv) or judge.finish("x"))
    monkeypatch.setattr(bench.qemu, "require_binary", lambda platform: None)
    config = virt.configure(None, None, bench.SMP)
    with pytest.raises(CleaveError):
        bench.measure(virt, config, "bench.bin", log_path=tmp_path / "bench.log")
    argv = seen[0]
    assert argv[argv.index("-icount") + 1] == "shift=0,sleep=off"
    assert argv[argv.index("-smp") + 1] == "1"
    assert argv[argv.index("-kernel") + 1] == "bench.bin"
    assert "-serial" in argv and "-nographic" not in argv


def fake_measure(tmp_path, monkeypatch, virt, script, timeout=20):
    fake = tmp_path / "fake-qemu.sh"
    fake.write_text(script)
    monkeypatch.setattr(bench.qemu, "command", lambda *args, **kwargs: ["sh", str(fake)])
    monkeypatch.setattr(bench.qemu, "require_binary", lambda platform: None)
    return bench.measure(virt, virt.configure(None, None, 1), "bench.bin",
                         log_path=tmp_path / "bench.log", timeout=timeout)


def test_runner_returns_the_figures_and_stops_qemu(tmp_path, monkeypatch, virt):
    script = "".join(f"echo '{line}'\n" for line in GOOD) + "exec sleep 30\n"
    figures = fake_measure(tmp_path, monkeypatch, virt, script)
    assert list(figures) == list(bench.FIGURES)
    assert "BENCH DONE" in (tmp_path / "bench.log").read_text()


def test_runner_timeout_is_one_error_naming_the_log(tmp_path, monkeypatch, virt):
    script = f"echo '{GOOD[3]}'\nexec sleep 30\n"
    with pytest.raises(CleaveError) as caught:
        fake_measure(tmp_path, monkeypatch, virt, script, timeout=1)
    message = str(caught.value)
    assert "timeout after 1 s" in message and "ipc_call_replyrecv" in message
    assert "bench.log" in message and "\n" not in message


def test_runner_panic_is_one_error(tmp_path, monkeypatch, virt):
    script = "echo 'CLEAVE PANIC: out of memory'\nexec sleep 30\n"
    with pytest.raises(CleaveError, match="panicked: CLEAVE PANIC: out of memory"):
        fake_measure(tmp_path, monkeypatch, virt, script)


# --- the command line ---------------------------------------------------------------

def cleave(*args, timeout=300):
    return subprocess.run([str(ROOT / "cleave"), *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, cwd=ROOT)


@pytest.mark.parametrize("args, words", [
    (["--cpu", "bogus"], ["--cpu bogus", "cortex-a57"]),
    (["--gic", "4"], ["--gic 4"]),
    (["--smp", "2"], ["--smp"]),
])
def test_bad_bench_options_are_one_line(args, words):
    result = cleave("bench", *args)
    lines = result.stderr.splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith("cleave: error: ")
    for word in words:
        assert word in lines[0]


def test_bench_help_names_its_options():
    result = cleave("bench", "--help")
    assert result.returncode == 0
    for option in ("--cpu", "--gic", "--platform", "--only", "--runs"):
        assert option in result.stdout


# --- for real, on QEMU --------------------------------------------------------------

def test_real_bench_prints_and_writes_every_figure():
    """`./cleave bench --only kernel` end to end: about a second after the build (one boot
    under -icount). The Linux part has its own test (tests/guest/test_bench_linux.py)."""
    result = cleave("bench", "--only", "kernel")
    assert result.returncode == 0, result.stderr
    data = json.loads((ROOT / "build" / "bench.json").read_text())
    assert data["icount"] is True and data["platform"] == "qemu-virt"
    figures = data["figures"]
    assert set(bench.FIGURES) <= set(figures)
    for name in bench.FIGURES:
        f = figures[name]
        assert f["insns"] > 0 and f["cycles"] > 0 and f["iters"] > 0, name
        assert 0 < f["kernel_insns"] <= f["insns"], name
        row = next(line for line in result.stdout.splitlines() if line.startswith(name + " "))
        assert row.split()[1] == str(f["insns"])
        # Under -icount shift=0 a cycle is an instruction, and none of these paths idles.
        assert f["cycles"] == f["insns"], name
    # The empty loop cancels everything at EL0 but the svc, which its nop matches.
    assert figures["null_syscall"]["insns"] == figures["null_syscall"]["kernel_insns"]
    # A round trip enters the kernel twice; a yield with nothing to switch to, once.
    assert figures["ipc_call_replyrecv"]["insns"] > figures["null_syscall"]["insns"]
    assert "seL4" in result.stdout


def test_real_bench_is_deterministic():
    """Under -icount shift=0,sleep=off the same image gives the same figures every run."""
    platform = platforms.load("qemu-virt")
    config = platform.configure(None, None, bench.SMP)
    image = build.image(platform.name, bench.IMAGE)
    logs = ROOT / "build" / "test-logs"
    first = bench.measure(platform, config, image, log_path=logs / "bench-1.log")
    second = bench.measure(platform, config, image, log_path=logs / "bench-2.log")
    assert first == second
