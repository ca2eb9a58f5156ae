"""The formatting gate: every C source and header is as .clang-format says."""

import subprocess

from .paths import ROOT
from .results import Result

TEST_NAME = "style/clang-format"
SOURCE_DIRS = ("kernel", "tests", "personalities", "servers", "idl", "platforms")
SUFFIXES = (".c", ".h")


def c_sources():
    """The project's C files, sorted, without anything under build/."""
    files = []
    for top in SOURCE_DIRS:
        base = ROOT / top
        if base.is_dir():
            files += [p for p in base.rglob("*") if p.suffix in SUFFIXES and p.is_file()]
    return sorted(files)


def check_format():
    """A Result naming the first files clang-format would change."""
    files = c_sources()
    if not files:
        return Result(TEST_NAME, False, "no C files found")
    out = subprocess.run(["clang-format", "--dry-run", "--Werror", *map(str, files)],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode == 0:
        return Result(TEST_NAME, True)
    bad = sorted({line.split(":", 1)[0] for line in out.stderr.splitlines()
                  if ": error:" in line})
    names = ", ".join(str(p).replace(str(ROOT) + "/", "") for p in bad[:5])
    return Result(TEST_NAME, False, f"not formatted: {names}; run clang-format -i on them")
