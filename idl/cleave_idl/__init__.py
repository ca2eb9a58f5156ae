"""cleave_idl: the front end of the Cleave system description language.

    spec, diags = cleave_idl.check_file("examples/hello/hello.cleave", target)

reads a description and its imports (parser.py, builder.py -> model.py), then runs
every check (checks/) against a platform (target.py; None checks the language alone).
`diags.render_all()` is what a user reads; `diags.errors` empty means the spec is
fit for the generator. The grammar is ../system.lark; the language reference is
docs/system-language.md.
"""

from . import checks, target
from .diag import Diagnostic, Diagnostics, Loc
from .parser import load
from .target import Target, TargetError

__all__ = ["check_file", "load", "checks", "target", "Diagnostic", "Diagnostics", "Loc",
           "Target", "TargetError"]


def check_file(path, target=None, shown=None):
    """(Spec, Diagnostics) of the description in `path`; OSError if it cannot be read."""
    diags = Diagnostics()
    spec = load(path, diags, shown)
    if spec.complete:
        checks.run(spec, diags, target)
    return spec, diags
