"""The two ways a `cleave` command ends early: bad usage (exit 2), or a failure (exit 1).

Both are shown to the user as one line, `cleave: error: <message>`, by main.py.
"""


class CleaveError(Exception):
    """Something the user asked for could not be done."""

    exit_code = 1


class UsageError(CleaveError):
    """The command line itself is wrong."""

    exit_code = 2
