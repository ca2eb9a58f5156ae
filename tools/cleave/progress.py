"""Messages that tell the user what `cleave` is doing.

A step is a line `==> what`. A live line shows a changing status (ninja's
`[12/40] ...`) in place, on a terminal only: in a log it would be noise.
"""

import shutil
import sys


def step(message):
    """Announce the next step."""
    print(f"==> {message}", flush=True)


def say(message):
    """A plain line of output."""
    print(message, flush=True)


def tail(lines, count, indent="    "):
    """Print the last `count` of `lines`, indented so they stand apart."""
    for line in lines[-count:]:
        print(f"{indent}{line}")
    sys.stdout.flush()


class LiveLine:
    """One line redrawn in place while a long command runs; silent when not a tty."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self.enabled = self.stream.isatty()
        self.width = shutil.get_terminal_size((80, 24)).columns - 1
        self.shown = False

    def update(self, text):
        if not self.enabled:
            return
        text = text.replace("\t", " ")[: self.width]
        self.stream.write("\r\033[K" + text)
        self.stream.flush()
        self.shown = True

    def clear(self):
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False
