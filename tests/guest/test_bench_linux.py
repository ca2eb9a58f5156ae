"""Tests of the Linux boot benchmark (tools/cleave/bench_linux.py), of the judge that
waits for a guest's marker, and of the bare-QEMU system tests' list; one real run."""

import json
import subprocess
import time

import pytest

from builders import ROOT
from cleave import bench, bench_linux, guest_tests, judge, systest
from cleave import platform as platforms
from cleave.errors import CleaveError

MARKER = "cleave: g reached userspace"


def feed(lines, the_judge=None):
    the_judge = the_judge or judge.LinuxJudge(MARKER)
    for line in lines:
        verdict = the_judge.feed(line)
        if verdict is not None:
            return verdict, the_judge
    return the_judge.finish("QEMU exited with code 0"), the_judge


def test_marker_with_printk_stamp_passes_keeping_the_stamp():
    verdict, the_judge = feed(["Booting Linux", "[    0.809921] cleave: g reached userspace",
                               MARKER])
    assert verdict.ok and the_judge.stamp == pytest.approx(0.809921)
    assert the_judge.seen_at is not None


def test_plain_marker_passes_without_a_stamp():
    verdict, the_judge = feed(["\r", MARKER + "\r"])
    assert verdict.ok and the_judge.stamp is None


@pytest.mark.parametrize("line", [
    "cleave: g2 reached userspace", "echo cleave: g reached userspace",
    "cleave: g reached userspace!", "[    1.0] cleave: other reached userspace",
])
def test_other_lines_are_not_the_marker(line):
    verdict, _ = feed([line])
    assert not verdict.ok and MARKER in verdict.reason


def test_guest_kernel_panic_fails_at_once():
    verdict, _ = feed(["[ 1.2] Kernel panic - not syncing: No working init found.", MARKER])
    assert not verdict.ok and "No working init found" in verdict.reason


def test_bare_linux_tests_cover_both_cpus_and_gics(virt):
    tests = {t.name: t for t in systest.all_tests(virt)}
    for cpu in ("cortex-a57", "max"):
        for gic in (2, 3):
            test = tests[f"linux/bare/{cpu}/gic{gic}"]
            assert (test.cpu, test.gic, test.smp) == (cpu, gic, 1)
            assert test.machine == "virt" and "console=ttyAMA0" in test.append
            assert test.payload is not None
    refusals = [name for name in tests if name.startswith("linux/refuse/")]
    assert len(refusals) == 3 and all(tests[n].check for n in refusals)


def fake_boot(samples):
    """A boot function returning `samples` in turn and noting each command."""
    seen = []

    def boot(argv, marker, log_path, timeout=None, exits_of=None):
        seen.append((argv, log_path.name, exits_of))
        return samples.pop(0)
    return boot, seen


def test_measure_alternates_halves_and_takes_medians(tmp_path):
    walls = [bench_linux.Sample(w) for w in (3.0, 6.0, 1.0, 5.0, 2.0, 4.0)]
    stamps = [bench_linux.Sample(9.0, s) for s in (0.81, 0.95, 0.81, 0.95)]
    boot, seen = fake_boot(walls + stamps)
    result = bench_linux.measure({"bare": ["qemu", "b"], "cleave": ["qemu", "c"]}, MARKER,
                                 runs=3, icount_runs=2, logs=tmp_path, boot=boot)
    assert [argv[1] for argv, _, _ in seen[:6]] == ["b", "c"] * 3
    assert result["bare"]["wall_s"] == [3.0, 1.0, 2.0] and result["bare"]["median_s"] == 2.0
    assert result["cleave"]["median_s"] == 5.0
    assert result["bare"]["icount_marker_s"] == [0.81, 0.81]
    assert result["cleave"]["icount_marker_s"] == [0.95, 0.95]
    for argv, log, _ in seen[6:]:
        assert argv[-2:] == ["-icount", "shift=0,sleep=off,align=off"]
        assert "icount" in log


def test_icount_spread_is_reported_per_half(tmp_path):
    samples = [bench_linux.Sample(w) for w in (1.0, 2.0)] + [
        bench_linux.Sample(9.0, s) for s in (0.80990, 0.814009, 0.80995, 0.814309)]
    boot, _ = fake_boot(samples)
    result = bench_linux.measure({"bare": ["b"], "cleave": ["c"]}, MARKER, runs=1,
                                 icount_runs=2, logs=tmp_path, boot=boot)
    assert result["bare"]["icount_spread_s"] == 0.00005
    assert result["bare"]["icount_reproducible"]
    assert result["cleave"]["icount_spread_s"] == 0.0003
    assert not result["cleave"]["icount_reproducible"]


def test_icount_boot_without_a_stamp_is_an_error(tmp_path):
    boot, _ = fake_boot([bench_linux.Sample(1.0), bench_linux.Sample(1.0, None)])
    with pytest.raises(CleaveError, match="no kernel time stamp"):
        bench_linux.measure({"bare": ["q"]}, MARKER, runs=1, icount_runs=1, logs=tmp_path,
                            boot=boot)


def test_boot_to_marker_times_a_real_process(tmp_path):
    script = tmp_path / "fake-qemu.sh"
    script.write_text(f"sleep 0.3\necho '[    0.500000] {MARKER}'\nexec sleep 30\n")
    sample = bench_linux.boot_to_marker(["sh", str(script)], MARKER, tmp_path / "b.log")
    assert 0.3 <= sample.wall_s < 5 and sample.stamp_s == 0.5
    assert sample.cpu_s is not None and 0 <= sample.cpu_s < 0.3  # it slept


def test_children_cpu_counts_a_busy_child():
    busy = subprocess.Popen(["/usr/bin/python3", "-c",
                             "import time\nt = time.process_time()\n"
                             "while time.process_time() - t < 0.4: pass\n"
                             "time.sleep(30)"])
    try:
        deadline = time.monotonic() + 20
        while (bench_linux.children_cpu_s() or 0) < 0.3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert bench_linux.children_cpu_s() >= 0.3
    finally:
        busy.kill()
        busy.wait()


def test_medians_of_cpu_time(tmp_path):
    samples = [bench_linux.Sample(1.0, None, None, c) for c in (2.0, 1.0, 3.0)]
    boot, _ = fake_boot(samples + [bench_linux.Sample(1.0, 0.8)])
    result = bench_linux.measure({"bare": ["b"]}, MARKER, runs=3, icount_runs=1,
                                 logs=tmp_path, boot=boot)
    assert result["bare"]["cpu_s"] == [2.0, 1.0, 3.0]
    assert result["bare"]["median_cpu_s"] == 2.0
    assert "CPU s" in bench_linux.table(result)[0] and "2.00" in bench_linux.table(result)[1]


def test_boot_to_marker_failure_names_the_log(tmp_path):
    with pytest.raises(CleaveError) as caught:
        bench_linux.boot_to_marker(["sh", "-c", "echo nothing"], MARKER, tmp_path / "b.log")
    assert "b.log" in str(caught.value) and MARKER in str(caught.value)


CLEAVE_LINES = [
    "Cleave: EL2 separation kernel for platform qemu-virt, entered at EL2",
    "CLEAVE BOOT OK cpus=1/1",
    "loader: system 'bench_linux': 448 objects, 3 holders, 588 capabilities",
    "loader: started 2 components (265410 KiB of objects, 32768 KiB of guest files in "
    "place); now holding only its own CNode, thread, address space and memory",
    "vmm: guest 'g': kernel at 0x40000000, 32183 KiB; device tree at 0x4fff0000",
]


def test_phase_clock_notes_each_part_once_and_passes_lines_on():
    ticks = iter(range(1, 100))
    clock = bench_linux.PhaseClock(judge.LinuxJudge(MARKER), clock=lambda: next(ticks))
    for line in CLEAVE_LINES + ["CLEAVE BOOT OK cpus=1/1"]:
        assert clock.feed(line) is None
    assert list(clock.seen.values()) == [1, 2, 3, 4, 5]  # the second BOOT OK is not noted
    assert clock.feed(f"g: [    1.25] {MARKER}").ok
    assert not clock.settling


def test_phase_times_need_every_part():
    seen = {name: 10.0 + i for i, (name, _) in enumerate(bench_linux.PHASES)}
    times = bench_linux.phase_times(seen, 10.0, 20.0)
    assert list(times.values()) == [0.0, 1.0, 2.0, 3.0, 4.0, 10.0]
    del seen["objects made"]
    assert bench_linux.phase_times(seen, 10.0, 20.0) is None  # bare QEMU prints none


def test_phase_durations_are_differences_of_median_ends():
    names = [name for name, _ in bench_linux.PHASES] + [bench_linux.MARKER_PHASE]
    runs = [dict(zip(names, ends)) for ends in ([0.2, 0.23, 0.25, 0.37, 0.47, 1.9],
                                                  [0.1, 0.13, 0.15, 0.27, 0.37, 2.0],
                                                  [0.3, 0.33, 0.35, 0.47, 0.57, 1.95])]
    parts = dict(bench_linux.phase_durations(runs + [None]))
    assert list(parts) == names
    assert parts["QEMU start, image load"] == 0.2 and parts["objects made"] == 0.12
    assert parts[bench_linux.MARKER_PHASE] == 1.48
    assert bench_linux.phase_durations([None, None]) == []


def test_measure_reports_where_the_time_goes_under_cleave(tmp_path):
    names = [name for name, _ in bench_linux.PHASES] + [bench_linux.MARKER_PHASE]
    phases = dict(zip(names, [0.2, 0.23, 0.25, 0.37, 0.47, 1.9]))
    boot, _ = fake_boot([bench_linux.Sample(1.5), bench_linux.Sample(1.9, phases=phases),
                         bench_linux.Sample(1.5, 1.0), bench_linux.Sample(1.9, 1.0)])
    result = bench_linux.measure({"bare": ["b"], "cleave": ["c"]}, MARKER, runs=1,
                                 icount_runs=1, logs=tmp_path, boot=boot)
    assert result["bare"]["phase_medians_s"] == {}
    assert result["cleave"]["phase_medians_s"]["guest loaded"] == 0.1
    lines = bench_linux.phases_table(result["cleave"])
    assert lines[0].startswith("where a boot under Cleave spends its time")
    assert any("Linux to the marker" in line and "1.430 s" in line for line in lines)
    assert bench_linux.phases_table(result["bare"]) == []


def test_boot_to_marker_times_each_part_of_a_real_process(tmp_path):
    script = tmp_path / "fake-cleave.sh"
    body = "".join(f"echo \"{line}\"\nsleep 0.05\n" for line in CLEAVE_LINES)
    script.write_text(body + f"echo 'g: [    0.500000] {MARKER}'\nexec sleep 30\n")
    sample = bench_linux.boot_to_marker(["sh", str(script)], MARKER, tmp_path / "b.log")
    ends = list(sample.phases.values())
    assert list(sample.phases)[-1] == bench_linux.MARKER_PHASE
    assert ends == sorted(ends) and ends[-1] - ends[0] >= 0.2


def test_bare_command_boots_the_payload_at_el1(virt, tmp_path):
    from cleave.guest_payload import Kernel, Package, Payload
    payload = Payload("g", Kernel(Package("k", "1"), "r", tmp_path / "Image", "Image"),
                      tmp_path / "i.cpio.gz")
    argv = bench_linux.bare_command(virt, virt.configure("cortex-a57", 2, 1), payload)
    assert argv[argv.index("-M") + 1] == "virt,gic-version=2"
    assert argv[argv.index("-kernel") + 1] == str(tmp_path / "Image")
    assert argv[argv.index("-initrd") + 1] == str(tmp_path / "i.cpio.gz")
    assert argv[argv.index("-m") + 1] == "256" and argv[argv.index("-smp") + 1] == "1"
    assert "printk.time=1" in argv[argv.index("-append") + 1]


def test_json_holds_the_linux_part_alone(tmp_path, virt):
    config = virt.configure("cortex-a57", 3, 1)
    path = tmp_path / "bench.json"
    bench.write_json(path, "qemu-virt", config, None, {"runs": 5})
    data = json.loads(path.read_text())
    assert data["linux_boot"] == {"runs": 5} and "figures" not in data


# --- for real, on QEMU --------------------------------------------------------------

def test_real_linux_bench_writes_the_bare_half():
    """`./cleave bench --only linux --runs 1`: one boot, then the -icount boots."""
    result = subprocess.run([str(ROOT / "cleave"), "bench", "--only", "linux", "--runs", "1",
                             "--bare-only"],
                            capture_output=True, text=True, timeout=600, cwd=ROOT,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    data = json.loads((ROOT / "build" / "bench.json").read_text())
    linux = data["linux_boot"]
    assert linux["runs"] == 1 and linux["cpu"] == "cortex-a57" and linux["memory_mib"] == 256
    assert linux["kernel"]["package"].startswith("linux-image-")
    bare = linux["halves"]["bare"]
    assert len(bare["wall_s"]) == 1 and bare["median_s"] == bare["wall_s"][0] > 0
    stamps = bare["icount_marker_s"]
    assert len(stamps) == bench_linux.ICOUNT_RUNS and 0 < stamps[0] < 10
    assert max(stamps) - min(stamps) < 0.0001  # reproducible to 0.1 ms
    assert "bare" in result.stdout and "kernel s (icount)" in result.stdout


@pytest.mark.parametrize("args", [["--only", "nothing"], ["--runs", "0"]])
def test_bad_linux_bench_options_are_one_line(args):
    result = subprocess.run([str(ROOT / "cleave"), "bench", *args], capture_output=True,
                            text=True, timeout=60, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr


def test_real_linux_bench_under_cleave_is_reproducible():
    """`./cleave bench --only linux --runs 1`: the Cleave half's -icount boots now take
    seconds, and the guest kernel's stamp at the marker repeats to 0.1 ms."""
    result = subprocess.run([str(ROOT / "cleave"), "bench", "--only", "linux", "--runs", "1"],
                            capture_output=True, text=True, timeout=1200, cwd=ROOT,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    halves = json.loads((ROOT / "build" / "bench.json").read_text())["linux_boot"]["halves"]
    for half in ("bare", "cleave"):
        stamps = halves[half]["icount_marker_s"]
        assert len(stamps) == bench_linux.ICOUNT_RUNS and 0 < stamps[0] < 10, half
        assert halves[half]["icount_reproducible"], (half, stamps)
    assert "under Cleave - bare QEMU (guest kernel's clock" in result.stdout
