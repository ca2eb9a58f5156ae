"""The `test` verb: build, then host unit tests, the Python tests and system tests.

Every test prints `PASS name` or `FAIL name (reason)`; the last line is always
`N passed, M failed`. A build failure is itself a failed test; the Python tests (the
`cleave` command's and the generators'), which need no build, still run.
"""

import fnmatch
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from . import build, deps, qemu, style, systest, unit
from . import platform as platforms
from .errors import CleaveError
from .paths import ROOT, TEST_LOGS, images_dir, shown
from .progress import say, step
from .results import Result, Tally

SYSTEM_TEST_PLATFORM = "qemu-virt"
# The pytest suites run as one test run named PYTEST_NAME; `-k` picks it by that name or
# by any suite's folder name.
PYTEST_NAME = "python"
PYTEST_SUITES = ("tests/cli", "tests/idl", "tests/guest")
PYTEST = ["/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", *PYTEST_SUITES]
PYTEST_COUNT_RE = re.compile(r"(\d+) (passed|failed|errors?)\b")
PYTEST_CLOSING_RE = re.compile(r"\bin [\d.]+s\b")
PYTEST_FAILED_RE = re.compile(r"^(FAILED|ERROR) (\S+?)(?:::(\S+))?(?: - (.*))?$")
PYTEST_TIMEOUT_S = 600
PYTEST_COLUMNS = "160"  # pytest cuts FAILED reasons at the terminal width


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
    python_tests(tally, pattern)
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


def python_selected(pattern):
    names = [PYTEST_NAME] + [Path(suite).name for suite in PYTEST_SUITES]
    return any(selected(name, pattern) for name in names)


def python_tests(tally, pattern):
    if not python_selected(pattern):
        return
    step(f"python tests ({', '.join(PYTEST_SUITES)})")
    log = TEST_LOGS / f"{PYTEST_NAME}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    try:
        out = subprocess.run(PYTEST, cwd=ROOT, capture_output=True, text=True, errors="replace",
                             timeout=PYTEST_TIMEOUT_S, stdin=subprocess.DEVNULL, check=False,
                             env={**os.environ, "COLUMNS": PYTEST_COLUMNS})
    except subprocess.TimeoutExpired:
        tally.add(Result(PYTEST_NAME, False, f"pytest did not finish in {PYTEST_TIMEOUT_S} s"))
        return
    log.write_text(out.stdout + out.stderr, encoding="utf-8")
    counts = pytest_counts(out.stdout)
    if counts is None:
        tally.add(Result(PYTEST_NAME, False,
                         f"pytest exited {out.returncode} without a summary", log))
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


def pytest_failures(output):
    """(name, reason) of each test pytest's summary says failed or errored; the name is
    PYTEST_NAME/<suite folder>/<test>, or .../<file> for an error outside any test."""
    found = []
    for line in output.splitlines():
        match = PYTEST_FAILED_RE.match(line)
        if match:
            kind, path, test, reason = match.groups()
            where = Path(path)
            found.append((f"{PYTEST_NAME}/{where.parent.name}/{test or where.name}",
                          reason or kind.lower()))
    return found


def report_pytest(tally, output, counts, log):
    passed, failed = counts
    if passed:
        say(f"PASS {PYTEST_NAME} ({passed} tests)")
    for name, reason in pytest_failures(output):
        say(f"FAIL {name} ({reason})")
    if failed:
        say(f"    log: {shown(log)}")
    if passed + failed == 0:
        tally.add(Result(PYTEST_NAME, False, "pytest ran no tests", log))
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
    for name, error in systest.build_examples(platform, [t.name for t in tests]):
        tally.add(Result(name, False, error))
    ctx = systest.Context(platform, images_dir(platform.name), TEST_LOGS, threading.Event())
    systest.run_all(tests, ctx, jobs, tally.add)
