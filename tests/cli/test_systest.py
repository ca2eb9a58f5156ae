"""Tests of the system-test machinery: the test list, the judges of serial output,
the QEMU runner (with a stand-in for QEMU), and reading cmocka's TAP output.
"""

import subprocess
import threading
import time

import pytest

from cleave import judge, systest, unit
from cleave.errors import CleaveError


# --- the system-test list -----------------------------------------------------------

def test_system_tests_cover_the_matrix_and_the_failure_cases(virt):
    names = [t.name for t in systest.all_tests(virt)]
    # boot matrix, ktest matrix, 5 others, Linux on bare QEMU (4 boots, 3 refusals) and
    # under Cleave on cortex-a57 (4), the example systems (hello, ktest, console, guest-hello,
    # guest-fault, bad-guest, guest-console and 6 test guests under Cleave: rtc since
    # passthru) on two GICs,
    # 3 damaged
    # system images, the test guests on bare QEMU (7 guests on two GICs, and the tvm
    # mutant), the audit kernel's record, and the audits of real boots (the demo's
    # Linux with 1 and 2 vCPUs a guest and 8 test guests under 2 policies, the VMM
    # builds, and the broken VMM);
    # Linux under Cleave on max (4), two Linux guests of which one stops (2),
    # guest-reset, guest-restart and guest-smc on two GICs (6), the bench guest's round
    # trips, `./cleave run` on a terminal (demo/terminal), and Linux with the board's
    # PL031 passed through (linux/cleave/rtc), the ports guest and its peer component
    # (a guest's dataport and events) on two GICs
    assert len(names) == len(set(names)) == \
        16 + 8 + 5 + 10 + 13 + 13 + 4 + 15 + 1 + 1 + 22 + 4 + 2 + 6 + 1 + 1 + 1 + 2
    for name in ("boot/cortex-a53/gic2/smp1", "boot/max/gic3/smp4", "boot/not-el2",
                 "fault/undef", "fault/data-abort", "dtb/mismatch", "system/hello/gic2",
                 "system/ktest/gic3", "system/bad-image/checksum", "guests/bare/psci/gic2",
                 "guests/bare/mmu/gic3", "guests/bare/tvm-mutant", "system/guest-hello/gic2",
                 "system/guest-fault/gic3", "system/console/gic2", "system/guest-console/gic3",
                 "audit/record",
                 "linux/cleave/cortex-a57/gic3", "linux/cleave/cortex-a57/gic2",
                 "linux/cleave/cortex-a57/gic3/vcpus2", "audit/linux/dc", "audit/linux/clean",
                 "audit/linux/dc/vcpus2", "audit/linux/clean/vcpus2", "demo/terminal",
                 "audit/mmu/dc", "audit/setway/clean", "audit/psci/dc", "audit/break-pou", "audit/reset/clean",
                 "linux/cleave/max/gic3", "linux/cleave/max/gic2",
                 "linux/cleave/max/gic3/vcpus2", "linux/cleave/two-guests/poweroff",
                 "linux/cleave/two-guests/panic", "system/guest-reset/gic2",
                 "system/guest-restart/gic3", "system/guest-smc/gic2", "system/guest-rtc/gic3",
                 "guests/bare/rtc/gic2", "linux/cleave/rtc", "system/guest-ports/gic2",
                 "system/guest-ports/gic3"):
        assert name in names
    not_el2 = next(t for t in systest.all_tests(virt) if t.name == "boot/not-el2")
    assert not_el2.machine == "virt"


# --- judging serial output ----------------------------------------------------------

def good_log(smp):
    lines = ["Cleave booting on qemu-virt"]
    lines += [f"cpu{i}: online" for i in range(smp)]
    lines += [f"cpu{i}: timer ok" for i in range(smp)]
    lines.append(f"CLEAVE BOOT OK cpus={smp}/{smp}")
    lines.append("CLEAVE INIT OK")
    return lines


def judge_lines(the_judge, lines, why="QEMU exited with code 0"):
    for line in lines:
        verdict = the_judge.feed(line)
        if verdict is not None:
            return verdict
    return the_judge.finish(why)


def test_good_boot_passes_at_its_last_marker():
    the_judge = judge.BootJudge(4)
    lines = good_log(4)
    for line in lines[:-1]:
        assert the_judge.feed(line) is None
    assert the_judge.feed(lines[-1]).ok


def test_timer_lines_may_follow_boot_ok():
    lines = good_log(2)
    lines = lines[:3] + lines[-2:] + lines[3:5]
    assert judge_lines(judge.BootJudge(2), lines).ok


def test_boot_without_init_ok_fails():
    verdict = judge_lines(judge.BootJudge(2), good_log(2)[:-1], why="timeout after 60 s")
    assert not verdict.ok and "CLEAVE INIT OK" in verdict.reason


def test_boot_missing_one_cpu_fails():
    lines = [line for line in good_log(4) if line != "cpu2: online"]
    lines[-2] = "CLEAVE BOOT OK cpus=3/4"
    verdict = judge_lines(judge.BootJudge(4), lines)
    assert not verdict.ok and "cpus=3/4" in verdict.reason


def test_boot_missing_one_timer_fails_naming_it():
    lines = [line for line in good_log(4) if line != "cpu3: timer ok"]
    verdict = judge_lines(judge.BootJudge(4), lines, why="timeout after 60 s")
    assert not verdict.ok and "cpu3: timer ok" in verdict.reason


def test_boot_with_panic_fails():
    lines = good_log(1)[:2] + ["CLEAVE PANIC: gic: no redistributor"] + good_log(1)[2:]
    verdict = judge_lines(judge.BootJudge(1), lines)
    assert not verdict.ok and "no redistributor" in verdict.reason


def test_boot_that_times_out_fails():
    verdict = judge_lines(judge.BootJudge(4), good_log(4)[:-2], why="timeout after 60 s")
    assert not verdict.ok
    assert "CLEAVE BOOT OK" in verdict.reason and "timeout after 60 s" in verdict.reason


def test_boot_reporting_more_cpus_than_exist_fails():
    verdict = judge_lines(judge.BootJudge(1), ["cpu0: online", "cpu1: online"])
    assert not verdict.ok and "cpu1" in verdict.reason


@pytest.mark.parametrize("lines, ok", [
    (["boot", "CLEAVE PANIC: entered at EL1; Cleave needs EL2"], True),
    (["current EL is EL1, not EL2", "CLEAVE PANIC: wrong exception level"], True),
    (["CLEAVE PANIC: something else"], False),
    (["CLEAVE BOOT OK cpus=4/4", "CLEAVE PANIC: EL2"], False),
    (["cpu0: online"], False),
])
def test_not_el2_judge(lines, ok):
    assert judge_lines(judge.PanicJudge(["EL2"], anywhere=True), lines).ok is ok


@pytest.mark.parametrize("lines, ok", [
    (["CLEAVE PANIC: dtb: UART at 0x9100000, platform has 0x9000000"], True),
    (["uart probe", "CLEAVE PANIC: device tree mismatch"], False),
    (["CLEAVE BOOT OK cpus=4/4"], False),
])
def test_dtb_mismatch_judge(lines, ok):
    assert judge_lines(judge.PanicJudge(["uart"]), lines).ok is ok


UNDEF = judge.ExpectedException(0x0, "unknown", 0x40201234)
ABORT = judge.ExpectedException(0x25, "data abort", 0x40205678, far=0x4000000000)


@pytest.mark.parametrize("expected, lines, ok", [
    (UNDEF, ["EXCEPTION: EC=0x0 (unknown reason) ELR=0x40201234 FAR=0x0",
             "CLEAVE PANIC: unhandled exception"], True),
    (UNDEF, ["EXCEPTION: EC=0x0 (unknown reason (undefined instruction)) ELR=0x40201234 "
             "FAR=0x0", "  taken: synchronous, EL2 on cpu0",
             "CLEAVE PANIC: cpu0: unexpected exception (synchronous, EL2)"], True),
    (UNDEF, ["EXCEPTION: EC=0x0 (unknown reason) ELR=0x40201238 FAR=0x0",
             "CLEAVE PANIC: unhandled exception"], False),
    (UNDEF, ["EXCEPTION: EC=0x0 (unknown reason) ELR=0x40201234 FAR=0x0"], False),
    (UNDEF, ["CLEAVE PANIC: unhandled exception"], False),
    (ABORT, ["EXCEPTION: EC=0x25 (data abort, same EL) ELR=0x40205678 FAR=0x4000000000",
             "CLEAVE PANIC: unhandled exception"], True),
    (ABORT, ["EXCEPTION: EC=0x25 (data abort, same EL) ELR=0x40205678 FAR=0x0",
             "CLEAVE PANIC: unhandled exception"], False),
    (ABORT, ["EXCEPTION: EC=0x24 (data abort, lower EL) ELR=0x40205678 FAR=0x4000000000",
             "CLEAVE PANIC: unhandled exception"], False),
])
def test_fault_judge(expected, lines, ok):
    assert judge_lines(judge.FaultJudge(expected), lines).ok is ok


# --- booting: the runner, with a stand-in for QEMU ----------------------------------

def fake_qemu(tmp_path, script):
    path = tmp_path / "fake-qemu.sh"
    path.write_text(script)
    return ["sh", str(path)]


def boot(tmp_path, script, the_judge, timeout=20):
    """Boot the stand-in; a runner that hangs fails here instead of hanging pytest."""
    start = time.monotonic()
    log = tmp_path / "serial.log"
    verdicts = []
    worker = threading.Thread(daemon=True, target=lambda: verdicts.append(
        systest.boot(fake_qemu(tmp_path, script), the_judge, log, timeout)))
    worker.start()
    worker.join(timeout + 15)
    assert verdicts, "the runner did not return"
    return verdicts[0], time.monotonic() - start, log.read_text()


def test_runner_stops_qemu_once_the_boot_passed(tmp_path):
    script = "".join(f"echo '{line}'\n" for line in good_log(2)) + "exec sleep 30\n"
    verdict, took, log = boot(tmp_path, script, judge.BootJudge(2))
    assert verdict.ok and took < 10
    assert "CLEAVE BOOT OK cpus=2/2" in log


def test_runner_kills_qemu_at_the_timeout(tmp_path):
    verdict, took, _ = boot(tmp_path, "echo 'cpu0: online'\nexec sleep 30\n",
                            judge.BootJudge(1), timeout=1)
    assert not verdict.ok and "timeout after 1 s" in verdict.reason
    assert took < 10


def test_runner_waits_briefly_for_stragglers(tmp_path, monkeypatch):
    monkeypatch.setattr(systest, "SETTLE_S", 0.5)
    script = ("echo 'cpu0: online'\necho 'CLEAVE BOOT OK cpus=1/1'\necho 'CLEAVE INIT OK'\n"
              "exec sleep 30\n")
    verdict, took, _ = boot(tmp_path, script, judge.BootJudge(1), timeout=20)
    assert not verdict.ok and "cpu0: timer ok" in verdict.reason
    assert took < 10


def test_runner_judges_an_unterminated_last_line(tmp_path):
    verdict, _, _ = boot(tmp_path, "printf 'CLEAVE PANIC: EL2 required'\nexit 3\n",
                         judge.PanicJudge(["EL2"]))
    assert verdict.ok


def test_runner_reports_qemu_exiting_early(tmp_path):
    verdict, _, _ = boot(tmp_path, "echo 'qemu: bad option' >&2\nexit 3\n",
                         judge.BootJudge(1))
    assert not verdict.ok and "exited with code 3" in verdict.reason


def test_missing_image_fails_the_test(tmp_path, virt):
    ctx = systest.Context(virt, tmp_path / "images", tmp_path / "logs", threading.Event())
    result = systest.run_one(systest.all_tests(virt)[0], ctx)
    assert not result.ok and "cleave.bin" in result.reason


def test_symbol_address_reads_the_elf(tmp_path):
    source = tmp_path / "f.S"
    source.write_text(".text\n.global first\nfirst: nop\nnop\n"
                      ".global selftest_fault_insn_load\nselftest_fault_insn_load: ldr x0, [x1]\n")
    obj = tmp_path / "f.o"
    subprocess.run(["aarch64-linux-gnu-gcc", "-c", str(source), "-o", str(obj)], check=True)
    assert systest.symbol_address(obj, "selftest_fault_insn_load") == 8
    with pytest.raises(CleaveError, match="not found"):
        systest.symbol_address(obj, "selftest_fault_insn_undef")


def test_dtb_with_moved_uart(tmp_path, virt):
    ctx = systest.Context(virt, tmp_path, tmp_path, threading.Event())
    args = systest.moved_uart_dtb(ctx, virt.configure(smp=1), tmp_path / "mismatch")
    assert args == ["-dtb", str(tmp_path / "mismatch.dtb")]
    reg = subprocess.run(["fdtget", "-t", "x", args[1], "/pl011@9000000", "reg"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert reg == ["0", "9100000", "0", "1000"]


# --- cmocka TAP output -------------------------------------------------------------

CMOCKA_TAP = """1..2
ok 1 - a_ok
not ok 2 - b_bad
# 0x1 != 0x2
# t.c:7: error: Failure!
# not ok - g1
1..1
ok 1 - c_ok
# ok - g2
"""


def test_tap_output_gives_one_result_per_test():
    results = unit.parse_tap("t", CMOCKA_TAP, 1)
    assert [(r.name, r.ok) for r in results] == [
        ("unit/t/a_ok", True), ("unit/t/b_bad", False), ("unit/t/c_ok", True)]
    assert "0x1 != 0x2" in results[1].reason and "g1" not in results[1].reason


def test_crashing_binary_counts_as_a_failure():
    results = unit.parse_tap("t", "1..2\nok 1 - a_ok\n", -11)
    assert [r.ok for r in results] == [True, False]
    assert results[1].name == "unit/t" and "SIGSEGV" in results[1].reason


def test_binary_reporting_nothing_fails():
    results = unit.parse_tap("t", "", 0)
    assert len(results) == 1 and not results[0].ok


# --- the kernel test suite ------------------------------------------------------------

def ktest_log(passes, fails=()):
    lines = ["CLEAVE INIT OK"] + [f"KTEST PASS case{i}" for i in range(passes)]
    lines += [f"KTEST FAIL {name}: see above" for name in fails]
    lines.append(f"KTEST DONE: {passes} passed, {len(fails)} failed")
    return lines


def test_ktest_all_passed():
    assert judge_lines(judge.KtestJudge(3), ktest_log(3)).ok


def test_ktest_failure_is_named():
    verdict = judge_lines(judge.KtestJudge(1), ktest_log(2, ["revoke_frees_memory"]))
    assert not verdict.ok and "revoke_frees_memory" in verdict.reason


def test_ktest_too_few_cases():
    verdict = judge_lines(judge.KtestJudge(10), ktest_log(3))
    assert not verdict.ok and "at least 10" in verdict.reason


def test_ktest_counts_must_match_lines():
    lines = ktest_log(3)
    lines[-1] = "KTEST DONE: 4 passed, 0 failed"
    assert not judge_lines(judge.KtestJudge(1), lines).ok


def test_ktest_without_done_fails():
    verdict = judge_lines(judge.KtestJudge(1), ktest_log(3)[:-1], why="timeout after 60 s")
    assert not verdict.ok and "no 'KTEST DONE'" in verdict.reason


def test_ktest_matrix_comes_from_the_platform(virt):
    ktests = [t for t in systest.all_tests(virt) if t.name.startswith("ktest/")]
    assert len(ktests) == 8
    assert "ktest/max/gic3/smp4" in [t.name for t in ktests]
    assert all(t.image == "ktest.bin" for t in ktests)


def test_markers_judge_needs_every_marker_in_order():
    lines = ["a one", "b two", "c three"]
    assert judge_lines(judge.MarkersJudge(["one", "three"]), lines).ok
    verdict = judge_lines(judge.MarkersJudge(["three", "one"]), lines)
    assert not verdict.ok and "'one'" in verdict.reason
    verdict = judge_lines(judge.MarkersJudge(["one"]), ["CLEAVE PANIC: x", "one"])
    assert not verdict.ok and "panicked" in verdict.reason


def test_a_system_judge_needs_the_dump_to_match_the_specification():
    import sys
    from cleave.paths import ROOT
    sys.path.insert(0, str(ROOT / "idl"))
    import cleave_idl
    from cleave_idl import authority, spec as capspec
    model, _ = cleave_idl.check_file(ROOT / "examples/hello/hello.cleave", shown="h")
    spec = capspec.build(model)
    report = authority.analyse(spec)
    lines = ["CAPS BEGIN built"]
    for holder in spec.holders:
        if holder.kind == "loader":
            continue
        for c in holder.caps:
            obj = spec.object(c.object)
            types = {"cnode": 1, "tcb": 2, "endpoint": 3, "notification": 4, "aspace": 5,
                     "frame": 6, "console": 9}
            rights = sum(1 << ("read", "write", "grant", "exec").index(r) for r in c.rights)
            lines.append(f"CAP {holder.name} {c.slot} {types[obj.type]} {rights} "
                         f"{c.badge or 0} {c.object}")
    lines.append("CAPS END built")

    def run(dump):
        j = judge.SystemJudge(["DONE"], spec, report)
        for line in dump + ["DONE"]:
            verdict = j.feed(line)
            if verdict is not None:
                return verdict
        return j.finish("end")

    assert run(lines).ok
    # One right more on the client's endpoint: a difference at that slot.
    bad = [line.replace(" 6 1 ep:", " 7 1 ep:") for line in lines]
    verdict = run(bad)
    assert not verdict.ok and "client slot 8" in verdict.reason
    # A frame the server does not map shared with the client: more authority.
    extra = lines[:-1] + ["CAP server 999 6 3 0 client.heap.0", lines[-1]]
    assert not run(extra).ok
    # No dump at all.
    assert "no complete capability dump" in run(["DONE"]).reason


# --- test guests (tests/guests) -------------------------------------------------------

def test_the_psci_systems_under_cleave_want_their_smc_case(monkeypatch):
    """guest-psci (`smc emulate`) wants psci/smc-emulated on top of its bare-QEMU cases;
    guest-smc (the default, refuse) wants psci/smc-refused: a guest that skipped its
    SMC check, or got the other answer, fails."""
    from cleave.guest_bare import GUESTS
    monkeypatch.setitem(systest.BUILT, "guest-psci", (None, None, None))
    monkeypatch.setitem(systest.BUILT, "guest-smc", (None, None, None))
    for name, case in (("guest-psci", "psci/smc-emulated"), ("guest-smc", "psci/smc-refused")):
        inner = systest.system_judge(name, []).inner
        assert case in inner.expected
        assert "psci/smc-emulated" not in GUESTS["psci"]  # bare QEMU: no SMC case
        cases = [c for c in inner.expected if c != case]
        for line in guest_log(cases):
            verdict = inner.feed(line)
        assert verdict is not None and not verdict.ok and case in verdict.reason


def guest_log(passes, fails=()):
    lines = ["GUEST psci: start, device tree at 0x48000000"]
    lines += [f"GUEST PASS {name}" for name in passes]
    lines += [f"GUEST FAIL {name}: {why}" for name, why in fails]
    lines.append(f"GUEST DONE: {len(passes)} passed, {len(fails)} failed")
    return lines


def test_guest_judge_passes_once_the_guest_powers_off():
    the_judge = judge.GuestJudge(["a/one", "a/two"])
    for line in guest_log(["a/one", "a/two", "a/extra"]):
        assert the_judge.feed(line) is None
    assert the_judge.settling
    assert the_judge.finish("QEMU exited with code 0").ok


def test_guest_judge_needs_the_power_off():
    verdict = judge_lines(judge.GuestJudge(["a/one"]), guest_log(["a/one"]),
                          why="nothing more within 10 s")
    assert not verdict.ok and "did not power off" in verdict.reason


def test_guest_judge_fails_at_the_first_failed_case_naming_it():
    verdict = judge_lines(judge.GuestJudge(["a/one"]),
                          guest_log(["a/one"], [("a/two", "wrote 0x1, read back 0x2")]))
    assert not verdict.ok
    assert verdict.reason == "a/two: wrote 0x1, read back 0x2"


def test_guest_judge_needs_every_expected_case():
    verdict = judge_lines(judge.GuestJudge(["a/one", "a/two"]), guest_log(["a/one"]))
    assert not verdict.ok and "a/two" in verdict.reason


@pytest.mark.parametrize("done", ["GUEST DONE: 3 passed, 0 failed",
                                  "GUEST DONE: 1 passed, 1 failed"])
def test_guest_judge_counts_must_match_the_lines(done):
    verdict = judge_lines(judge.GuestJudge([]), ["GUEST PASS a/one", done])
    assert not verdict.ok and "DONE says" in verdict.reason


def test_guest_judge_without_done_fails():
    verdict = judge_lines(judge.GuestJudge([]), ["GUEST PASS a/one"], why="timeout after 70 s")
    assert not verdict.ok and "no 'GUEST DONE'" in verdict.reason


def test_guest_judge_refuses_output_after_done():
    verdict = judge_lines(judge.GuestJudge([]), guest_log([]) + ["GUEST PASS late"])
    assert not verdict.ok and "after DONE" in verdict.reason


def test_mutant_judge_needs_the_mutated_checks_to_fail():
    mutant = judge.GuestJudge([], must_fail=["tvm/a", "tvm/b"])
    good = guest_log(["tvm/impdef"], [("tvm/a", "x"), ("tvm/b", "y")])
    assert judge_lines(mutant, good).ok
    unnoticed = guest_log(["tvm/b"], [("tvm/a", "x")])
    verdict = judge_lines(judge.GuestJudge([], must_fail=["tvm/a", "tvm/b"]), unnoticed)
    assert not verdict.ok and "unnoticed: tvm/b" in verdict.reason
    other = guest_log([], [("tvm/a", "x"), ("tvm/c", "z")])
    verdict = judge_lines(judge.GuestJudge([], must_fail=["tvm/a"]), other)
    assert not verdict.ok and verdict.reason == "tvm/c: z"


def test_guest_tests_boot_the_built_images_at_el1(virt):
    tests = {t.name: t for t in systest.all_tests(virt)}
    psci = tests["guests/bare/psci/gic2"]
    assert (psci.machine, psci.gic, psci.smp, psci.cpu) == ("virt", 2, 2, "cortex-a57")
    assert tests["guests/bare/tvm-mutant"].append == "mutate=tvm"
    with pytest.raises(CleaveError, match="the build made no .*guests/nosuch.bin"):
        from cleave import guest_bare
        guest_bare.guest_image(virt, "nosuch")(None)


def test_a_system_judge_keeps_ordered_markers_in_order():
    import sys
    from cleave.paths import ROOT
    sys.path.insert(0, str(ROOT / "idl"))
    from cleave_idl import authority, spec as capspec
    spec = capspec.Specification("empty")
    report = authority.analyse(spec)

    def run(lines):
        j = judge.SystemJudge(["first", "second"], spec, report,
                              ordered=[("first", "second")])
        for line in ["CAPS BEGIN built gic=3", "CAPS END built"] + lines:
            verdict = j.feed(line)
            if verdict is not None:
                return verdict
        return j.finish("end")

    assert run(["first", "second"]).ok
    verdict = run(["second", "first"])
    assert not verdict.ok and "'second' came before 'first'" in verdict.reason


def test_a_system_judge_with_an_inner_judge_still_wants_its_markers():
    """A test guest's DONE ends the inner judge, but the system's markers (a peer
    component's line, the VMM's exit report after the stop) are still required."""
    import sys
    from cleave.paths import ROOT
    sys.path.insert(0, str(ROOT / "idl"))
    from cleave_idl import authority, spec as capspec
    spec = capspec.Specification("empty")
    report = authority.analyse(spec)

    def run(lines):
        inner = judge.GuestJudge(["a/one"], power_off="stopped: it powered off")
        j = judge.SystemJudge(["PEER PASS", "mmio.doorbell=2"], spec, report, inner)
        for line in ["CAPS BEGIN built gic=3", "CAPS END built"] + lines:
            verdict = j.feed(line)
            if verdict is not None:
                return verdict
        return j.finish("end")

    guest = ["GUEST PASS a/one", "GUEST DONE: 1 passed, 0 failed", "stopped: it powered off"]
    assert run(["PEER PASS"] + guest + ["by cause: mmio.doorbell=2"]).ok
    verdict = run(guest + ["by cause: mmio.doorbell=2"])
    assert not verdict.ok and "missing ['PEER PASS']" in verdict.reason
    verdict = run(["PEER PASS", "GUEST FAIL a/one: no", "GUEST DONE: 0 passed, 1 failed"])
    assert not verdict.ok


def test_the_dump_expects_gicv2_only_capabilities_only_on_gicv2():
    import sys
    from cleave.paths import ROOT
    sys.path.insert(0, str(ROOT / "idl"))
    import cleave_idl
    from cleave_idl import spec as capspec
    from cleave import capdump
    model, _ = cleave_idl.check_file(ROOT / "examples/guest-hello/guest-hello.cleave",
                                     shown="g")
    target = cleave_idl.target.Target("board", 0x40000000, 1 << 30, 4, gicv=0x08040000,
                                      nodes=[])
    spec = capspec.build(model, target)
    on2 = capdump.expected(spec, 2)["hello"]
    on3 = capdump.expected(spec, 3)["hello"]
    assert sorted(set(on2) - set(on3)) == [s for s, v in on2.items() if v[3].startswith("gicv.")]
    assert len(on2) == len(on3) + 2
    dump = capdump.Dump()
    dump.feed("CAPS BEGIN built gic=2")
    assert dump.gic == 2
