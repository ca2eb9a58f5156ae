"""Test results: one `PASS name` / `FAIL name (reason)` line each, and the tally."""

from dataclasses import dataclass
from pathlib import Path

from .paths import shown
from .progress import say, tail

LOG_TAIL_LINES = 30


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    reason: str = ""
    log: Path = None
    seconds: float = None


class Tally:
    """Counts results and prints each as it arrives."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def add(self, result):
        took = f" ({result.seconds:.1f} s)" if result.seconds is not None else ""
        if result.ok:
            self.passed += 1
            say(f"PASS {result.name}{took}")
            return
        self.failed += 1
        say(f"FAIL {result.name} ({result.reason})")
        if result.log is not None:
            self._show_log(Path(result.log))

    def add_counts(self, passed, failed):
        """Counts from a runner that printed its own details (pytest)."""
        self.passed += passed
        self.failed += failed

    def total(self):
        return self.passed + self.failed

    def line(self):
        return f"{self.passed} passed, {self.failed} failed"

    @staticmethod
    def _show_log(path):
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        if lines:
            say(f"    last {min(len(lines), LOG_TAIL_LINES)} lines of the log:")
            tail(lines, LOG_TAIL_LINES, indent="    | ")
        say(f"    log: {shown(path)}")
