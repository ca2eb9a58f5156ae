"""Host unit tests: the cmocka executables the build lists in build/unit-tests.txt.

Each runs with CMOCKA_MESSAGE_OUTPUT=TAP; every `ok N - name` / `not ok N - name`
line is one test, reported as `unit/<binary>/<name>`. A binary that crashes, hangs
or fails without a `not ok` line counts as one failure of its own.
"""

import os
import re
import signal
import subprocess
from pathlib import Path

from .paths import BUILD, TEST_LOGS
from .results import Result

LIST_FILE = BUILD / "unit-tests.txt"
TAP_RE = re.compile(r"^(not ok|ok) \d+ - (.+?)\s*$")
GROUP_RE = re.compile(r"^# (not )?ok - ")
TIMEOUT_S = 120
REASON_LINES = 3


def binaries(list_file=LIST_FILE):
    """The executables the build listed; None when it wrote no list."""
    try:
        text = Path(list_file).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return [Path(line.strip()) for line in text.splitlines() if line.strip()]


def parse_tap(binary, text, exit_code):
    """The Results one binary's TAP output and exit code stand for."""
    results, current = [], None
    for line in text.splitlines():
        match = TAP_RE.match(line)
        if match:
            ok = match.group(1) == "ok"
            current = {"name": f"unit/{binary}/{match.group(2)}", "ok": ok, "why": []}
            results.append(current)
        elif current and not current["ok"] and line.startswith("# ") \
                and not GROUP_RE.match(line) and len(current["why"]) < REASON_LINES:
            current["why"].append(line[2:].strip())
    found = [Result(r["name"], r["ok"], "; ".join(r["why"]) or "failed") for r in results]
    if exit_code != 0 and all(r.ok for r in found):
        found.append(Result(f"unit/{binary}", False, describe_exit(exit_code)))
    elif not found:
        found.append(Result(f"unit/{binary}", False, "reported no tests"))
    return found


def describe_exit(code):
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code} without a failing test"


def run_binary(path):
    """Run one cmocka binary; its Results, with its output kept in the test logs."""
    log = TEST_LOGS / "unit" / f"{path.name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
    try:
        out = subprocess.run([str(path)], env=env, cwd=BUILD, capture_output=True, text=True,
                             errors="replace", timeout=TIMEOUT_S, stdin=subprocess.DEVNULL,
                             check=False)
    except subprocess.TimeoutExpired as err:
        log.write_text(_text(err.stdout) + _text(err.stderr), encoding="utf-8")
        return [Result(f"unit/{path.name}", False, f"timeout after {TIMEOUT_S} s", log)]
    except OSError as err:
        return [Result(f"unit/{path.name}", False, f"cannot run {path}: {err.strerror}")]
    log.write_text(out.stdout + out.stderr, encoding="utf-8")
    return [r if r.ok else Result(r.name, False, r.reason, log)
            for r in parse_tap(path.name, out.stdout, out.returncode)]


def _text(data):
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")
