"""QEMU command lines for a platform, and running QEMU on the terminal."""

import os
import selectors
import shutil
import subprocess
import sys
import time

from .errors import CleaveError
from .paths import shown
from .progress import say, step


def command(platform, config, image=None, *, headless=False, machine=None,
            machine_extra=(), append=None, dtb=None, extra=()):
    """The argv that boots `image` on `platform` configured as `config`.

    `machine` replaces the platform's `-M` value (the GIC option is still added),
    `machine_extra` adds `-M` options such as `dumpdtb=FILE`. Interactive runs put the
    console on the terminal (`-nographic`); headless runs send the serial port to
    standard output and never reboot, so a test can read it and see QEMU end.
    """
    options = [machine or platform.machine, f"{platform.gic_option}={config.gic}"]
    options.extend(machine_extra)
    argv = [
        platform.binary,
        "-M", ",".join(options),
        "-cpu", platform.cpus[config.cpu],
        "-smp", str(config.smp),
        "-m", str(config.memory_mib),
    ]
    if headless:
        argv += ["-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot"]
    else:
        argv += ["-nographic"]
    if image is not None:
        argv += ["-kernel", str(image)]
    if append:
        argv += ["-append", append]
    if dtb is not None:
        argv += ["-dtb", str(dtb)]
    argv += list(extra)
    return argv


def require_binary(platform):
    """Fail with one line when the platform's QEMU is not installed."""
    if shutil.which(platform.binary) is None:
        raise CleaveError(f"{platform.binary} not found; install the qemu-system-arm package")


def run_interactive(platform, config, image, console_guests=()):
    """Replace this process with QEMU, its console on the terminal. `console_guests`:
    the guests on the console server, in its numbering (docs/console.md)."""
    require_binary(platform)
    argv = command(platform, config, image)
    step(f"booting {shown(image)} on {platform.name} ({config.describe()})")
    say("    the console is this terminal; press Ctrl-A then X to quit QEMU")
    if console_guests:
        # QEMU takes the first Ctrl-A and passes on a second one to the console server.
        keys = ", ".join(f"Ctrl-A Ctrl-A {n} {g}" for n, g in enumerate(console_guests, 1))
        say(f"    the keyboard goes to {console_guests[0]} first; {keys}")
    sys.stdout.flush()
    os.execvp(argv[0], argv)


TIMED_OUT = "timeout"


def watch_lines(argv, feed, timeout, echo=False):
    """Run `argv` (a headless QEMU), giving each line of its output to `feed(line)` until
    feed returns something other than None; kill QEMU then. Returns feed's answer,
    TIMED_OUT when `timeout` seconds pass first, or ("exited", code) when QEMU ends
    first. With `echo` the output is copied to this terminal as it comes."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    pending = b""
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            while True:
                left = timeout - (time.monotonic() - start)
                if left <= 0:
                    return TIMED_OUT
                if not sel.select(min(left, 0.5)):
                    continue
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    return ("exited", proc.wait())
                if echo:
                    sys.stdout.buffer.write(chunk)
                    sys.stdout.flush()
                *lines, pending = (pending + chunk).split(b"\n")
                for raw in lines:
                    answer = feed(raw.decode("utf-8", "replace").rstrip("\r"))
                    if answer is not None:
                        return answer
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
