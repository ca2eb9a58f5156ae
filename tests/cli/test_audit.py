"""Tests of `./cleave audit` and of tools/cleave/audit.py's pure parts: matching the
AUDIT-EXPECT lines of the audit system test against the replay's dump, and knowing
when a boot's record is complete. The replay itself is tested in C
(tests/model/test_audit_replay.c); the kernel's record by the system test
audit/record.
"""

import subprocess
from pathlib import Path

import pytest

from cleave import audit

ROOT = Path(__file__).resolve().parents[2]

DUMPED = "#12 cpu1 CACHE op=unify point=PoU src=aspace vmid=2 pa=0x48001000 size=0x1000 ipa=0x40001000"


def test_an_expectation_matches_its_record_with_wildcards():
    assert audit.expectation_matches(
        "CACHE op=unify point=PoU src=aspace vmid=* pa=0x48001000 size=0x1000 ipa=0x40001000",
        DUMPED)
    assert audit.expectation_matches(
        "CACHE op=unify point=PoU src=aspace vmid=2 pa=0x48001000 size=0x1000 ipa=0x40001000",
        DUMPED)


def test_an_expectation_does_not_match_another_record():
    assert not audit.expectation_matches(
        "CACHE op=clean point=PoC src=aspace vmid=* pa=0x48001000 size=0x1000 ipa=0x40001000",
        DUMPED)
    assert not audit.expectation_matches("CACHE op=unify", DUMPED)
    assert not audit.expectation_matches(
        "CACHE op=unify point=PoU src=aspace vmid=* pa=* size=* ipa=* extra=1", DUMPED)
    # A wildcard stands for a value, not for another field.
    assert not audit.expectation_matches(
        "CACHE op=unify point=PoU src=aspace cpu=* pa=0x48001000 size=0x1000 ipa=0x40001000",
        DUMPED)
    assert not audit.expectation_matches("CACHE", "garbage")


def test_unmatched_expectations_are_listed():
    expected = ["CACHE op=unify point=PoU src=aspace vmid=* pa=* size=* ipa=*",
                "ZERO type=6 pa=0x1000 size=0x1000"]
    assert audit.unmatched_expectations(expected, [DUMPED]) == [expected[1]]


def test_the_record_ends_at_the_first_dump_after_the_marker():
    waiter = audit.RecordWaiter("loader: started")
    assert waiter.feed("AUDIT BEGIN seq=0") is None
    assert waiter.feed("AUDIT END count=0 dropped=0 crc=00000000") is None  # too early
    assert waiter.feed("loader: started 2 components") is None
    assert waiter.feed("AUDIT BEGIN seq=0") is None
    assert waiter.feed("AUDIT END count=3 dropped=0 crc=12345678") == ""
    assert len(waiter.lines) == 5


def test_a_panic_ends_the_wait():
    waiter = audit.RecordWaiter("loader: started")
    assert "panicked" in waiter.feed("CLEAVE PANIC: oops")


def test_audit_needs_a_system():
    result = subprocess.run([str(ROOT / "cleave"), "audit"], capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr.startswith("cleave: error: audit needs a SYSTEM")


def test_audit_refuses_a_missing_system():
    result = subprocess.run([str(ROOT / "cleave"), "audit", "no/such/system"],
                            capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert "no/such/system: no such file or folder" in result.stderr


def test_the_record_ends_after_every_marker():
    waiter = audit.RecordWaiter(["vmm: guest 'a' stopped", "vmm: guest 'b' stopped"])
    assert waiter.feed("vmm: guest 'b' stopped: it powered off") is None
    assert waiter.feed("AUDIT END count=1 dropped=0 crc=00000000") is None  # 'a' runs on
    assert waiter.feed("vmm: guest 'a' stopped: it powered off") is None
    assert waiter.feed("AUDIT END count=2 dropped=0 crc=12345678") == ""


# --- bad options of `./cleave audit` --------------------------------------------------

def run_cleave(*args):
    return subprocess.run([str(ROOT / "cleave"), *args], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def test_audit_refuses_an_unknown_coherence_policy():
    result = run_cleave("audit", "examples/guest-hello", "--coherence", "wb")
    assert result.returncode == 2
    assert result.stderr.strip() == "cleave: error: --coherence wb: the policies are dc, clean"


def test_audit_refuses_an_unknown_broken_vmm():
    result = run_cleave("audit", "examples/guest-hello", "--break", "inval")
    assert result.returncode == 2
    assert result.stderr.strip() == \
        "cleave: error: --break inval: the test-only broken VMMs are pou"


def test_audit_refuses_an_empty_marker():
    result = run_cleave("audit", "examples/guest-hello", "--after", "")
    assert result.returncode == 2
    assert "--after: an empty TEXT matches every line" in result.stderr


def test_audit_says_the_break_option_is_for_tests():
    result = run_cleave("audit", "--help")
    assert result.returncode == 0
    assert "for tests only" in " ".join(result.stdout.split())


class Inst:
    def __init__(self, name, kind):
        self.name, self.kind = name, kind


class Model:
    def __init__(self, *instances):
        self.system = type("System", (), {"name": "s", "instances": list(instances)})


def test_coherence_and_break_need_a_guest():
    from cleave.errors import UsageError
    guests = Model(Inst("client", "component"), Inst("linux", "guest"))
    assert audit.check_options(guests, "clean", "pou") == ["linux"]
    none = Model(Inst("client", "component"))
    assert audit.check_options(none, None, None) == []
    with pytest.raises(UsageError, match=r"--coherence dc: system 's' has no guest"):
        audit.check_options(none, "dc", None)
    with pytest.raises(UsageError, match=r"--break pou: system 's' has no guest"):
        audit.check_options(none, None, "pou")
    with pytest.raises(UsageError, match=r"--coherence off: the policies are dc, clean"):
        audit.check_options(guests, "off", None)


def test_a_normal_image_never_gets_an_audit_vmm():
    from cleave import sysbuild
    from cleave.errors import CleaveError
    for name in ("vmm-audit", "vmm-audit-break-pou", "vmm-whatever"):
        with pytest.raises(CleaveError, match="only into images on the audit kernel"):
            sysbuild.vmm_program("qemu-virt", name, "cleave-loader.bin")
    with pytest.raises(CleaveError, match="only into images on the audit kernel"):
        sysbuild.vmm_program("qemu-virt", "vmm-whatever", sysbuild.AUDIT_KERNEL)


# --- judging an audited boot -----------------------------------------------------------

CLEAN = """audit: 40 records in 1 dumps
guest VMID 2: clean
audit: 1 guest, 0 stale, 0 relying on the guest (117 segments)
"""
BROKEN = """audit: 437 records in 1 dumps
guest VMID 2 STALE IPA 0x40080000-0x400853c0 (PA 0x48280000): written by the VMM into guest memory at #428 (Normal-WB, CPU 0), cleaned only to the PoU at #432: needs clean to PoC; a caches-off read at the first run of vCPU 0x12044a (#434) may see stale data
audit: 1 guest, 1 stale, 0 relying on the guest (117 segments)
"""
BOOT = ["vmm: guest 'mmu': kernel at 0x40080000, 20 KiB; device tree at 0x41ff0000",
        "mmu: GUEST PASS mmu/one", "mmu: GUEST DONE: 1 passed, 0 failed",
        "vmm: guest 'mmu' stopped: it powered off (PSCI SYSTEM_OFF)",
        "AUDIT BEGIN seq=0", "AUDIT END count=1 dropped=0 crc=00000000"]
BROKEN_LINE = "vmm: guest 'mmu': TEST-ONLY BROKEN VMM (VMM_TEST_BREAK=pou): what it loads"


def judged(monkeypatch, tmp_path, lines, code, report, broken=None, guests=1):
    monkeypatch.setattr(audit, "run_replay", lambda log: (code, report, ""))
    judge = audit.AuditBootJudge(tmp_path / "r.log", audit.guest_markers("mmu"), guests,
                                 broken)
    for line in lines:
        verdict = judge.feed(line)
        if verdict is not None:
            return verdict
    return judge.finish("QEMU exited with code 0")


def test_a_clean_audit_passes(monkeypatch, tmp_path):
    assert judged(monkeypatch, tmp_path, BOOT, 0, CLEAN).ok
    assert (tmp_path / "r.log").read_text().startswith("vmm: guest 'mmu': kernel at")


def test_a_stale_audit_fails_with_its_line(monkeypatch, tmp_path):
    verdict = judged(monkeypatch, tmp_path, BOOT, 1, BROKEN)
    assert not verdict.ok
    assert "STALE IPA 0x40080000-0x400853c0" in verdict.reason


def test_every_guest_must_be_judged(monkeypatch, tmp_path):
    verdict = judged(monkeypatch, tmp_path, BOOT, 0, CLEAN, guests=2)
    assert not verdict.ok and "judged 1 guests, the system has 2" in verdict.reason


def test_an_unjudged_record_fails(monkeypatch, tmp_path):
    verdict = judged(monkeypatch, tmp_path, BOOT, 2, "")
    assert not verdict.ok and "could not be judged" in verdict.reason


def test_the_record_must_follow_the_guests_end(monkeypatch, tmp_path):
    verdict = judged(monkeypatch, tmp_path, BOOT[:2] + BOOT[4:], 0, CLEAN)
    assert not verdict.ok and "still waiting for 'mmu: GUEST DONE: '" in verdict.reason
    verdict = judged(monkeypatch, tmp_path, BOOT[:2] + ["mmu: GUEST FAIL mmu/two: no"], 0,
                     CLEAN)
    assert not verdict.ok and "mmu/two" in verdict.reason


def test_the_broken_vmm_must_be_caught_where_it_loaded(monkeypatch, tmp_path):
    boot = [BROKEN_LINE] + BOOT
    assert judged(monkeypatch, tmp_path, boot, 1, BROKEN, broken="pou").ok
    # The test fails when the audit passes the broken VMM...
    verdict = judged(monkeypatch, tmp_path, boot, 0, CLEAN, broken="pou")
    assert not verdict.ok and "the audit passed the broken VMM (pou)" in verdict.reason
    # ... when the VMM is not the broken build ...
    verdict = judged(monkeypatch, tmp_path, BOOT, 1, BROKEN, broken="pou")
    assert not verdict.ok and "did not say it is the broken build" in verdict.reason
    # ... and when the stale range or the missing operation is another one.
    elsewhere = BROKEN.replace("0x40080000-", "0x40100000-")
    verdict = judged(monkeypatch, tmp_path, boot, 1, elsewhere, broken="pou")
    assert not verdict.ok and "no STALE line names the kernel's range" in verdict.reason
    other = BROKEN.replace("cleaned only to the PoU at #432: needs clean to PoC",
                           "never cleaned to PoC after it")
    verdict = judged(monkeypatch, tmp_path, boot, 1, other, broken="pou")
    assert not verdict.ok and "no STALE line names" in verdict.reason
