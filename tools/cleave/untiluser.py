"""`./cleave run SYSTEM --until-userspace`: boot a system headless, show its console on
this terminal, and exit 0 once every guest has printed `cleave: <guest> reached
userspace` (its /init's line, docs/guests.md), non-zero if time runs out, QEMU ends
first, or the kernel panics.
"""

import time

from . import qemu
from .errors import CleaveError
from .progress import say, step

DEFAULT_TIMEOUT_S = 600
PANIC = "CLEAVE PANIC"


class Waiting:
    """Which guests have reached userspace, from console lines."""

    def __init__(self, guests):
        self.left = {g: f"cleave: {g} reached userspace" for g in guests}

    def feed(self, line):
        """None while waiting; "" when every guest is there; else why it failed."""
        if PANIC in line:
            return f"the kernel panicked: {line.strip()}"
        for guest, marker in list(self.left.items()):
            if marker in line:
                del self.left[guest]
        return "" if not self.left else None


def run(platform, config, image, guests, timeout=DEFAULT_TIMEOUT_S):
    """Boot `image`; returns the exit code (0: every guest reached userspace)."""
    if not guests:
        raise CleaveError("--until-userspace: this system has no guests")
    qemu.require_binary(platform)
    argv = qemu.command(platform, config, image, headless=True)
    step(f"booting {image} until {', '.join(guests)} reach userspace "
         f"(at most {timeout} s)")
    waiting = Waiting(guests)
    start = time.monotonic()
    verdict = qemu.watch_lines(argv, waiting.feed, timeout, echo=True)
    if verdict == qemu.TIMED_OUT:
        verdict = f"timeout after {timeout} s; still waiting for {', '.join(waiting.left)}"
    elif isinstance(verdict, tuple):
        verdict = f"QEMU exited (code {verdict[1]}) before every guest was up"
    if verdict:
        raise CleaveError(f"--until-userspace: {verdict}")
    say(f"every guest reached userspace in {time.monotonic() - start:.1f} s")
    return 0
