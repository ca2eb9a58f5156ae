#!/usr/bin/python3
"""Check idl/abi.yaml and turn it into the ABI's C headers and its reference page.

    tools/gen_abi.py [ABI_YAML] [--abi-header OUT] [--kernel-tables OUT]
                     [--user-header OUT] [--docs OUT] [--check-docs FILE]

ABI_YAML defaults to idl/abi.yaml. Outputs: cleave/abi.h (enums and macros shared by
the kernel and EL0 programs), the kernel's tables (include after cleave/abi.h),
cleave/syscalls.h (inline system-call stubs for AArch64 EL0 programs) and docs/abi.md.
--check-docs fails when FILE is not what --docs would write. A problem is one line,
`gen_abi: error: ...`, and exit status 1.
"""

import argparse
import os
import sys
from pathlib import Path

from abi import c, docs, model

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_IDL = ROOT / "idl" / "abi.yaml"


class Failure(Exception):
    pass


def shown(path):
    """The path as a person would type it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def write(path, text):
    """Write text to path (making its folder), atomically, so a build never sees half a file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise Failure(f"{shown(path)}: cannot write: {e.strerror or e}") from e


def check_docs(path, text):
    try:
        current = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise Failure(f"{shown(path)}: cannot read: {getattr(e, 'strerror', None) or e}") from e
    if current != text:
        raise Failure(f"{shown(path)} is out of date with idl/abi.yaml; "
                      f"run tools/gen_abi.py --docs {shown(path)}")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="gen_abi", description=__doc__.split("\n")[0])
    parser.add_argument("idl", nargs="?", default=str(DEFAULT_IDL),
                        help="the ABI description (default: idl/abi.yaml)")
    parser.add_argument("--abi-header", metavar="OUT", help="write cleave/abi.h")
    parser.add_argument("--kernel-tables", metavar="OUT", help="write the kernel's tables")
    parser.add_argument("--user-header", metavar="OUT", help="write cleave/syscalls.h")
    parser.add_argument("--docs", metavar="OUT", help="write docs/abi.md")
    parser.add_argument("--check-docs", metavar="FILE",
                        help="fail unless FILE is what --docs would write")
    args = parser.parse_args(argv)
    if not any((args.abi_header, args.kernel_tables, args.user_header, args.docs,
                args.check_docs)):
        parser.error("nothing to do: give --abi-header, --kernel-tables, --user-header, "
                     "--docs or --check-docs")
    return args


def run(args):
    try:
        abi = model.load(args.idl)
    except model.AbiError as e:
        raise Failure(f"{shown(args.idl)}: {e}") from e
    outputs = [(args.abi_header, c.abi_header), (args.kernel_tables, c.kernel_tables),
               (args.user_header, c.user_header), (args.docs, docs.markdown)]
    for path, make in outputs:
        if path:
            write(path, make(abi))
    if args.check_docs:
        check_docs(args.check_docs, docs.markdown(abi))


def main(argv=None):
    args = parse_args(argv)
    try:
        run(args)
    except Failure as e:
        print(f"gen_abi: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
