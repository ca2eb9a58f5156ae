"""Tests of `./cleave audit` and of tools/cleave/audit.py's pure parts: matching the
AUDIT-EXPECT lines of the audit system test against the replay's dump, and knowing
when a boot's record is complete. The replay itself is tested in C
(tests/model/test_audit_replay.c); the kernel's record by the system test
audit/record.
"""

import subprocess
from pathlib import Path

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
