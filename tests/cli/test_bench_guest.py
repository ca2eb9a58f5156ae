"""Tests of the exit round trips of `cleave bench` (tools/cleave/bench_guest.py): reading
the bench guest's lines, the sanity checks, the table and bench.json; one real run of
both halves on QEMU."""

import json
import subprocess
from pathlib import Path

import pytest

from cleave import bench, bench_guest, systest
from cleave.bench_guest import Trip

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
GUEST bench: start, device tree at 0x41ff0000
GUEST PASS bench/setup
GUEST BENCH bench/hvc iters=1000 ns=2117008 empty_ns=4000
GUEST PASS bench/hvc
GUEST BENCH bench/mmio-uartfr iters=1000 ns=1721008 empty_ns=3008
GUEST PASS bench/mmio-uartfr
GUEST BENCH bench/mmio-gicd iters=1000 ns=1697008 empty_ns=3008
GUEST PASS bench/mmio-gicd
GUEST DONE: 4 passed, 0 failed
""".splitlines()


def judge_lines(lines, power_off=None, why="QEMU exited with code 0"):
    the_judge = bench_guest.TripJudge(power_off)
    for line in lines:
        verdict = the_judge.feed(line)
        if verdict is not None:
            return verdict, the_judge
    return the_judge.finish(why), the_judge


def trips(hvc=2113.0, uart=1718.0, gicd=1694.0):
    return {"bench/hvc": Trip(1000, int(hvc * 1000) + 4000, 4000),
            "bench/mmio-uartfr": Trip(1000, int(uart * 1000) + 3008, 3008),
            "bench/mmio-gicd": Trip(1000, int(gicd * 1000) + 3008, 3008)}


# --- reading the guest's lines ------------------------------------------------------

def test_good_output_gives_every_figure():
    verdict, the_judge = judge_lines(GOOD)
    assert verdict.ok, verdict.reason
    assert list(the_judge.trips) == list(bench_guest.FIGURES)
    assert the_judge.trips["bench/hvc"] == Trip(1000, 2117008, 4000)
    assert the_judge.trips["bench/hvc"].insns == 2113.01


def test_lines_a_vmm_prefixes_are_read_and_its_power_off_ends_it():
    lines = [f"bench: {line}" for line in GOOD]
    power_off = "vmm: guest 'bench' stopped: it powered off"
    the_judge = bench_guest.TripJudge(power_off)
    verdicts = [the_judge.feed(line) for line in lines]
    assert all(v is None for v in verdicts)
    assert the_judge.feed(power_off + " (PSCI SYSTEM_OFF) (18912 exits served)").ok
    assert the_judge.trips["bench/mmio-gicd"].insns == 1694.0


def test_missing_figure_fails_naming_it():
    verdict, _ = judge_lines([line for line in GOOD if "mmio-gicd iters" not in line])
    assert not verdict.ok and "bench/mmio-gicd" in verdict.reason


@pytest.mark.parametrize("old, new", [
    ("ns=2117008", "ns=lots"), ("iters=1000 ns=2117008", "ns=2117008"),
    ("empty_ns=4000", "empty_ns=-4"),
])
def test_malformed_figure_fails(old, new):
    lines = [line.replace(old, new) for line in GOOD]
    verdict, _ = judge_lines(lines)
    assert not verdict.ok and "malformed" in verdict.reason


def test_zero_iterations_fail():
    verdict, _ = judge_lines([line.replace("iters=1000 ns=2117008", "iters=0 ns=2117008")
                              for line in GOOD])
    assert not verdict.ok and "iters=0" in verdict.reason


def test_figure_reported_twice_fails():
    verdict, _ = judge_lines(GOOD[:3] + GOOD[2:])
    assert not verdict.ok and "twice" in verdict.reason


def test_guest_failure_fails():
    lines = [line.replace("GUEST PASS bench/hvc", "GUEST FAIL bench/hvc: the counter did not "
                          "move") for line in GOOD]
    verdict, _ = judge_lines(lines)
    assert not verdict.ok and "counter did not move" in verdict.reason


# --- the checks, the table and the JSON ---------------------------------------------

def test_sane_figures_have_no_problems():
    assert bench_guest.problems({"bare": [trips(0, 0, 0)] * 2,
                                 "cleave": [trips(), trips()]}) == []


def test_runs_that_differ_are_a_problem():
    found = bench_guest.problems({"cleave": [trips(), trips(hvc=2114.0)]})
    assert len(found) == 1 and "run 2 differs" in found[0] and "-icount" in found[0]


def test_a_cleave_round_trip_too_cheap_to_be_an_exit_is_a_problem():
    found = bench_guest.problems({"cleave": [trips(uart=3.0)]})
    assert len(found) == 1 and "bench/mmio-uartfr" in found[0]


def test_bare_qemu_running_instructions_is_a_problem():
    found = bench_guest.problems({"bare": [trips(hvc=50.0, uart=0, gicd=0)]})
    assert len(found) == 1 and "bare: bench/hvc" in found[0]


def test_table_has_a_row_per_figure_and_a_column_per_half():
    lines = bench_guest.table({"bare": [trips(0, 0, 0)], "cleave": [trips()]})
    assert lines[0].split()[-2:] == ["bare", "cleave"]
    rows = {line[:30].strip(): line.split()[-2:] for line in lines[1:]}
    assert rows["hvc (PSCI_VERSION)"] == ["0.00", "2113.00"]
    assert rows["mmio read (PL011 UARTFR)"] == ["0.00", "1718.00"]
    assert len({len(line) for line in lines}) == 1  # columns line up


def test_summary_says_whether_runs_were_identical():
    out = bench_guest.summary({"bare": [trips(0, 0, 0)] * 2, "cleave": [trips(), trips(1.0)]})
    assert out["bare"]["identical_runs"] and not out["cleave"]["identical_runs"]
    assert out["cleave"]["figures"]["bench/hvc"] == {
        "iters": 1000, "ns": 2117000, "empty_ns": 4000, "insns_per_round_trip": 2113.0}


def test_json_holds_the_round_trips(tmp_path, virt):
    path = tmp_path / "bench.json"
    bench.write_json(path, "qemu-virt", virt.configure(), None, trips={"guest": "bench"})
    assert json.loads(path.read_text())["guest_round_trips"] == {"guest": "bench"}


def test_measure_alternates_the_halves(tmp_path):
    seen = []

    def boot(argv, half, log_path):
        seen.append((argv[0], log_path.name))
        return trips()
    results = bench_guest.measure({"bare": ["b"], "cleave": ["c"]}, runs=2, logs=tmp_path,
                                  boot_fn=boot)
    assert seen == [("b", "bare-1.log"), ("c", "cleave-1.log"), ("b", "bare-2.log"),
                    ("c", "cleave-2.log")]
    assert len(results["cleave"]) == 2


def test_the_system_test_is_listed(virt):
    tests = {t.name: t for t in systest.all_tests(virt)}
    assert tests["bench/round-trips"].check is not None


def test_bare_command_runs_the_guest_at_el1_under_icount(virt):
    argv = bench_guest.bare_command(virt, virt.configure("cortex-a57", 3, 1))
    assert argv[argv.index("-M") + 1] == "virt,gic-version=3"
    assert argv[argv.index("-kernel") + 1].endswith("guests/bench.bin")
    assert argv[-2:] == ["-icount", "shift=0,sleep=off,align=off"]


# --- for real, on QEMU --------------------------------------------------------------

def test_real_round_trips_are_written_and_sane():
    """`./cleave bench --only roundtrip`: both halves twice under -icount (seconds)."""
    result = subprocess.run([str(ROOT / "cleave"), "bench", "--only", "roundtrip"],
                            capture_output=True, text=True, timeout=900, cwd=ROOT,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    data = json.loads((ROOT / "build" / "bench.json").read_text())["guest_round_trips"]
    for half in ("bare", "cleave"):
        assert data["halves"][half]["identical_runs"], half
    cleave = data["halves"]["cleave"]["figures"]
    assert cleave["bench/hvc"]["insns_per_round_trip"] > bench_guest.CLEAVE_MIN_INSNS
    assert "hvc (PSCI_VERSION)" in result.stdout and "warning" not in result.stdout
