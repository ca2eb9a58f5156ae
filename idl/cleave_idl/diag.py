"""Diagnostics: every problem is `FILE:LINE:COL: error: MESSAGE`, the source line, a
caret under the column, and sometimes `hint: ...`.

Checks never raise: they add to a `Diagnostics` so that one run reports every problem.
Only a syntax error stops a file early (`Stop`), because after it the tree is unknown.
"""

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Loc:
    """A place in a source file; line and col count from 1, as editors do."""

    file: str
    line: int
    col: int

    def __str__(self):
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    loc: Loc
    severity: str  # "error" or "warning"
    message: str
    hint: str = None

    def headline(self):
        return f"{self.loc}: {self.severity}: {self.message}"


class Stop(Exception):
    """A file cannot be read further (syntax error, missing import); carries nothing:
    the diagnostic is already recorded."""


class Diagnostics:
    """The problems of one run, in the order found, with the text of every source file
    read so that each can be shown with its line."""

    def __init__(self):
        self.items = []
        self.sources = {}  # shown file name -> text

    def error(self, loc, message, hint=None):
        self.items.append(Diagnostic(loc, "error", message, hint))

    def warning(self, loc, message, hint=None):
        self.items.append(Diagnostic(loc, "warning", message, hint))

    @property
    def errors(self):
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self):
        return [d for d in self.items if d.severity == "warning"]

    def render(self, diagnostic):
        return render(diagnostic, self.sources.get(diagnostic.loc.file))

    def render_all(self):
        return "".join(self.render(d) for d in self.items)


def render(diagnostic, text):
    """The diagnostic as the user reads it, ending in a newline."""
    out = [diagnostic.headline()]
    line = source_line(text, diagnostic.loc.line)
    if line is not None:
        number = str(diagnostic.loc.line)
        gutter = " " * len(number)
        # Keep tabs in the caret's indent so the caret lines up in any tab width.
        indent = "".join(c if c == "\t" else " " for c in line[:diagnostic.loc.col - 1])
        out.append(f" {number} | {line}")
        out.append(f" {gutter} | {indent}^")
    if diagnostic.hint:
        out.append(f"hint: {diagnostic.hint}")
    return "\n".join(out) + "\n"


def source_line(text, number):
    if text is None:
        return None
    lines = text.splitlines()
    if 1 <= number <= len(lines):
        return lines[number - 1]
    return "" if number == len(lines) + 1 else None


def did_you_mean(word, choices, known=None):
    """A hint naming the closest of `choices`, else listing them when `known` is a noun."""
    choices = sorted(set(choices))
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if known and choices:
        shown = ", ".join(choices[:8]) + (", ..." if len(choices) > 8 else "")
        return f"{known}: {shown}"
    return None
