"""The `test` verb: build, then host unit tests, the CLI tests and system tests.

Every test prints `PASS name` or `FAIL name (reason)`; the last line is always
`N passed, M failed`. A build failure is itself a failed test; the CLI tests, which
need no build, still run.
"""

import fnmatch
import re
import subprocess
import sys
import threading

from . import build, deps, qemu, style, systest, unit
from . import platform as platforms
from .errors import CleaveError
from .paths import ROOT, TEST_LOGS, images_dir, shown
from .progress import say, step
from .results import Result, Tally

SYSTEM_TEST_PLATFORM = "qemu-virt"
PYTEST = ["/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/cli"]
PYTEST_COUNT_RE = re.compile(r"(\d+) (passed|failed|errors?)\b")
PYTEST_CLOSING_RE = re.compile(r"\bin [\d.]+s\b")
PYTEST_FAILED_RE = re.compile(r"^(FAILED|ERROR) \S*?::(\S+)(?: - (.*))?$")
CLI_TIMEOUT_S = 600


def selected(name, pattern):
    """True when `pattern` (a glob or a plain substring) picks the test `name`."""
    return pattern is None or pattern in name or fnmatch.fnmatchcase(name, pattern)


def run(jobs, pattern):
    """Run the tests `pattern` selects; the exit code."""
    deps.ensure()
    platform = platforms.load(SYSTEM_TEST_PLATFORM)
    tally = Tally()
    built = build_for_tests(tally)
    if built:
        unit_tests(tally, pattern)
    cli_tests(tally, pattern)
    if selected(style.TEST_NAME, pattern):
        tally.add(style.check_format())
    if built:
        system_tests(tally, platform, jobs, pattern)
    if tally.total() == 0:
        why = "no test ran" if pattern is None else f"no test matches '{pattern}'"
        print(f"cleave: error: {why}", file=sys.stderr, flush=True)
    say(tally.line())
    return 1 if tally.failed or tally.total() == 0 else 0


def build_for_tests(tally):
    try:
        build.build()
    except CleaveError as err:
        tally.add(Result("build", False, str(err)))
        return False
    return True


def unit_tests(tally, pattern):
    step("unit tests")
    paths = unit.binaries()
    if paths is None:
        tally.add(Result("unit", False, f"the build wrote no {shown(unit.LIST_FILE)}"))
        return
    if not paths:
        tally.add(Result("unit", False, f"{shown(unit.LIST_FILE)} lists no tests"))
        return
    for path in paths:
        for result in unit.run_binary(path):
            if selected(result.name, pattern):
                tally.add(result)


def cli_tests(tally, pattern):
    if not selected("cli", pattern):
        return
    step("command-line tests")
    log = TEST_LOGS / "cli.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    try:
        out = subprocess.run(PYTEST, cwd=ROOT, capture_output=True, text=True, errors="replace",
                             timeout=CLI_TIMEOUT_S, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        tally.add(Result("cli", False, f"pytest did not finish in {CLI_TIMEOUT_S} s"))
        return
    log.write_text(out.stdout + out.stderr, encoding="utf-8")
    counts = pytest_counts(out.stdout)
    if counts is None:
        tally.add(Result("cli", False, f"pytest exited {out.returncode} without a summary", log))
        return
    report_pytest(tally, out.stdout, counts, log)


def pytest_counts(output):
    """(passed, failed) from pytest's closing line; errors count as failures."""
    for line in reversed(output.splitlines()):
        if PYTEST_CLOSING_RE.search(line):
            got = {kind: int(n) for n, kind in PYTEST_COUNT_RE.findall(line)}
            failed = got.get("failed", 0) + got.get("error", 0) + got.get("errors", 0)
            return got.get("passed", 0), failed
    return None


def report_pytest(tally, output, counts, log):
    passed, failed = counts
    if passed:
        say(f"PASS cli ({passed} tests)")
    for line in output.splitlines():
        match = PYTEST_FAILED_RE.match(line)
        if match:
            say(f"FAIL cli/{match.group(2)} ({match.group(3) or match.group(1).lower()})")
    if failed:
        say(f"    log: {shown(log)}")
    if passed + failed == 0:
        tally.add(Result("cli", False, "pytest ran no tests", log))
    tally.add_counts(passed, failed)


def system_tests(tally, platform, jobs, pattern):
    tests = [t for t in systest.all_tests(platform) if selected(t.name, pattern)]
    if not tests:
        return
    step(f"system tests ({len(tests)} boots, {min(jobs, len(tests))} at a time)")
    try:
        qemu.require_binary(platform)
    except CleaveError as err:
        tally.add(Result("system", False, str(err)))
        return
    ctx = systest.Context(platform, images_dir(platform.name), TEST_LOGS, threading.Event())
    systest.run_all(tests, ctx, jobs, tally.add)
