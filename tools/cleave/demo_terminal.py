"""`demo/terminal`: `./cleave run` as a user runs it, on a terminal (a pseudo-terminal
here), and the keys the README gives: the two guests reach userspace, Ctrl-A Ctrl-A 2
moves the keyboard to linux2 (QEMU takes the first Ctrl-A and passes the second one on
to the console server), a command typed then is answered by linux2 alone, and Ctrl-A X
quits QEMU. The demo test (demo.py) types into QEMU's serial port directly; this one
goes through QEMU's own terminal handling (`-nographic`, serial and monitor on one
terminal), which is what the keys depend on.
"""

import os
import pty
import select
import signal
import subprocess
import time

from . import demo, guest_payload
from .judge import failed, passed
from .paths import ROOT

TEST = "demo/terminal"
TIMEOUT_S = 300
CTRL_A = b"\x01"
COMMAND = b"echo cleave-tty-$((8*9))\r"  # only the shell's answer holds "72"
ANSWER = "linux2: cleave-tty-72"
WRONG = "linux1: cleave-tty-72"


class Terminal:
    """A command on a pseudo-terminal: what it printed so far, keys to type."""

    def __init__(self, argv, log):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True, cwd=ROOT)
        os.close(slave)
        self.text = ""
        self.log = log

    def read(self, seconds):
        """Whatever arrives within `seconds`; False once the command's output ended."""
        ready, _, _ = select.select([self.master], [], [], seconds)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the other end closed: the command and its children ended
            return False
        if not chunk:
            return False
        self.log.write(chunk)
        self.log.flush()
        self.text += chunk.decode(errors="replace").replace("\r", "")
        return True

    def wait_for(self, wanted, deadline):
        """None once every string in `wanted` was printed, else why not."""
        while not all(w in self.text for w in wanted):
            if WRONG in self.text:
                return f"the guest without the focus answered: {WRONG!r}"
            if time.monotonic() > deadline:
                missing = [w for w in wanted if w not in self.text]
                return f"no {missing[0]!r} within {TIMEOUT_S} s"
            if not self.read(1.0):
                return f"the output ended before {wanted[0]!r}"
        return None

    def type(self, keys):
        os.write(self.master, keys)

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)


def check(ctx, stem):
    """Boot the demo with `./cleave run` on a pseudo-terminal and use its keys."""
    userspace = [f"{g}: {guest_payload.marker(g)}" for g in demo.GUESTS]
    deadline = time.monotonic() + TIMEOUT_S
    with open(f"{stem}.log", "wb") as log:
        # The build writes what demo/two-linux-guests builds too: not both at once.
        demo.BUILD_LOCK.acquire()
        locked = True
        term = Terminal([str(ROOT / "cleave"), "run"], log)
        try:
            why = term.wait_for(["==> booting"], deadline)
            demo.BUILD_LOCK.release()
            locked = False
            why = why or term.wait_for(userspace, deadline)
            if why is None:
                term.type(CTRL_A + CTRL_A + b"2")
                why = term.wait_for(["console: input goes to linux2"], deadline)
            if why is None:
                term.type(COMMAND)
                why = term.wait_for([ANSWER], deadline)
            if why is None:
                term.type(CTRL_A + b"x")
                why = term.wait_for(["QEMU: Terminated"], deadline)
            if why is None and term.proc.wait(timeout=30) != 0:
                why = f"./cleave run exited {term.proc.returncode} after Ctrl-A X"
        except subprocess.TimeoutExpired:
            why = "QEMU did not end within 30 s of Ctrl-A X"
        finally:
            if locked:
                demo.BUILD_LOCK.release()
            term.close()
    return failed(f"{why} (log: {stem}.log)") if why else passed()
