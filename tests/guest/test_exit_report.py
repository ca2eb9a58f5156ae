"""The VMM's exit report as the benchmark reads it (tools/cleave/exitreport.py), the
Linux judge that waits for it after the marker, and the benchmark keeping one per boot."""

import pytest

from cleave import bench_linux, exitreport, judge
from cleave.errors import CleaveError

MARKER = "cleave: g reached userspace"
REPORT = [
    "vmm: guest 'g' exits at userspace: total=28 irq=6 vtimer=3 maintenance=2 stage2=14 "
    "fast=5 sysreg=5 sysreg_kernel=3 hvc=3 smc=0 wfx=0 fpsimd=0 other=0",
    "vmm: guest 'g' exits at userspace by cause: mmio.gicd=4 mmio.uart=5 "
    "sysreg.SCTLR_EL1=2 hvc.0x84000000=1",
    "vmm: guest 'g' exits at userspace by cause: hvc.0xc4000003=2",
    "vmm: guest 'g' exits at userspace: end",
]


def read(lines):
    reader = exitreport.ReportReader()
    done = [r for r in (reader.feed(line) for line in lines) if r is not None]
    return done


def test_a_report_is_read_whole_and_adds_up():
    [report] = read(["g: noise"] + REPORT)
    assert (report.guest, report.when, report.total) == ("g", "at userspace", 28)
    assert report.kinds["irq"] == 6 and report.kinds["hvc"] == 3
    assert report.causes == {"mmio.gicd": 4, "mmio.uart": 5, "sysreg.SCTLR_EL1": 2,
                             "hvc.0x84000000": 1, "hvc.0xc4000003": 2}
    exitreport.check(report)
    lines = exitreport.table(report)
    assert "28" in lines[0] and "irq=6" in lines[1] and lines[2].startswith("  mmio.uart=5")


@pytest.mark.parametrize("bad, why", [
    (REPORT[0].replace("total=28", "total=29"), "kinds add up to 28"),
    (REPORT[0].replace("stage2=14", "stage2=13").replace("total=28", "total=27"),
     "stage2 - fast=8 but the VMM served 9 mmio exits"),
    # The kernel answered one MMIO access more than the VMM was spared.
    (REPORT[0].replace("fast=5", "fast=6"), "stage2 - fast=8 but the VMM served 9"),
    (REPORT[0].replace("fast=5", "fast=15"), r"fast \(15\) > stage2"),
    (REPORT[0].replace("hvc=3", "hvc=4").replace("total=28", "total=29"), "hvc=4"),
    (REPORT[0].replace("irq=6", "irq=4").replace("total=28", "total=26"), "> irq"),
    # The kernel answered one system register fewer: the VMM should have served 3.
    (REPORT[0].replace("sysreg_kernel=3", "sysreg_kernel=2"),
     "sysreg - sysreg_kernel=3 but the VMM served 2"),
    (REPORT[0].replace("sysreg_kernel=3", "sysreg_kernel=6"), r"sysreg_kernel \(6\) > sysreg"),
])
def test_counts_that_do_not_add_up_are_named(bad, why):
    [report] = read([bad] + REPORT[1:])
    with pytest.raises(exitreport.ReportError, match=why):
        exitreport.check(report)


@pytest.mark.parametrize("line, why", [
    ("vmm: guest 'g' exits at userspace: total=1 irq=x", "'irq=x' is not name=count"),
    ("vmm: guest 'g' exits at userspace: total=1 irq=1", "lacks vtimer"),
])
def test_malformed_lines_are_refused(line, why):
    with pytest.raises(exitreport.ReportError, match=why):
        read([line])


def test_an_end_without_counts_is_refused():
    with pytest.raises(exitreport.ReportError, match="has no counts"):
        read(REPORT[1:])


def feed(the_judge, lines):
    for line in lines:
        verdict = the_judge.feed(line)
        if verdict is not None:
            return verdict
    return the_judge.finish("QEMU exited")


def test_judge_waits_for_the_report_after_the_marker():
    the_judge = judge.LinuxJudge(MARKER, exits_of="g")
    assert the_judge.feed(f"g: [    1.500000] {MARKER}") is None
    assert the_judge.seen_at is not None and the_judge.stamp == 1.5
    verdict = feed(the_judge, REPORT)
    assert verdict.ok and the_judge.exits.total == 28


def test_judge_without_the_report_fails_naming_it():
    verdict = feed(judge.LinuxJudge(MARKER, exits_of="g"), [MARKER, "g: $ "])
    assert not verdict.ok and "no exit report of 'g'" in verdict.reason


def test_judge_fails_on_a_malformed_report():
    verdict = feed(judge.LinuxJudge(MARKER, exits_of="g"),
                   [MARKER, "vmm: guest 'g' exits at userspace: total=x"])
    assert not verdict.ok and "a bad exit report" in verdict.reason


def test_measure_keeps_each_boots_report(tmp_path):
    [report] = read(REPORT)
    samples = [bench_linux.Sample(1.0), bench_linux.Sample(3.0, None, report),
               bench_linux.Sample(9.0, 0.8), bench_linux.Sample(9.0, 0.9, report)]
    kinds = []

    def boot(argv, marker, log_path, timeout=None, exits_of=None):
        kinds.append(exits_of)
        return samples.pop(0)
    result = bench_linux.measure({"bare": ["b"], "cleave": ["c"]}, MARKER, runs=1,
                                 icount_runs=1, logs=tmp_path, boot=boot,
                                 exits_of={"cleave": "g"})
    assert kinds == [None, "g", None, "g"]
    assert "exits" not in result["bare"]
    assert result["cleave"]["exits"][0]["total"] == 28
    assert result["cleave"]["exits_icount"][0]["kinds"]["hvc"] == 3
    lines = bench_linux.exits_table(result["cleave"])
    assert "-icount boot" in lines[0]


def test_measure_without_a_report_is_an_error(tmp_path):
    def boot(argv, marker, log_path, timeout=None, exits_of=None):
        return bench_linux.Sample(1.0)
    with pytest.raises(CleaveError, match="gave no exit report"):
        bench_linux.measure({"cleave": ["c"]}, MARKER, runs=1, icount_runs=0,
                            logs=tmp_path, boot=boot, exits_of={"cleave": "g"})
