"""`cleave`: build, run and test Cleave. The verbs and their options.

Every error reaches the user as one line, `cleave: error: <message>`, with exit
code 2 for bad usage and 1 for a failure; never a traceback.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

if __name__ == "__main__" and not __package__:
    # Run as a script: import the package from tools/, so that our modules never
    # shadow the standard library's (cleave.platform is not `platform`).
    sys.path[0] = str(Path(__file__).resolve().parents[1])
    import cleave  # noqa: F401  (the parent package must be loaded first)

    __package__ = "cleave"

from . import bench, bench_linux, build, deps, guest_payload, qemu  # noqa: E402
from . import audit, demo, syscheck, sysbuild, testrun, untiluser  # noqa: E402
from . import platform as platforms  # noqa: E402
from .errors import CleaveError, UsageError  # noqa: E402
from .progress import say  # noqa: E402

DEFAULT_PLATFORM = "qemu-virt"
DEFAULT_JOBS = 2


class Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one line instead of usage plus a message."""

    def error(self, message):
        raise UsageError(message)


def number(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None


def positive(text):
    value = number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be 1 or more")
    return value


def make_parser():
    parser = Parser(prog="cleave", description="Build, run and test the Cleave kernel.")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=Parser)
    add_run(verbs)
    add_build(verbs)
    add_test(verbs)
    add_bench(verbs)
    add_check(verbs)
    add_guest(verbs)
    add_audit(verbs)
    return parser


def add_system_and_platform(verb):
    verb.add_argument("system", nargs="?", metavar="SYSTEM",
                      help="system description (a .cleave file, or a folder holding one)")
    verb.add_argument("--platform", default=DEFAULT_PLATFORM, metavar="NAME",
                      help=f"platform in platforms/ (default {DEFAULT_PLATFORM})")


def add_run(verbs):
    run = verbs.add_parser("run", help="build and boot in QEMU, console on this terminal",
                           description="Install what is missing, build, and boot SYSTEM "
                           "(without one: the demo system, two Debian Linux guests) in "
                           "QEMU with its console on this terminal.")
    add_system_and_platform(run)
    run.add_argument("--cpu", metavar="CPU", help="CPU model (default: the platform's)")
    run.add_argument("--smp", type=number, metavar="N", help="number of CPUs")
    run.add_argument("--gic", type=number, metavar="2|3", help="GIC version")
    run.add_argument("--memory", type=number, metavar="MIB", help="RAM in MiB")
    run.add_argument("--dump-caps", action="store_true",
                     help="the loader prints every component's capability table")
    run.add_argument("--kernel-only", action="store_true",
                     help="boot the kernel alone (its boot report and the default root "
                     "component), not the demo system")
    run.add_argument("--until-userspace", action="store_true",
                     help="boot headless; exit 0 once every guest printed its userspace "
                     "line, non-zero on a timeout")
    run.add_argument("--timeout", type=positive, default=untiluser.DEFAULT_TIMEOUT_S,
                     metavar="S", help="seconds --until-userspace waits (default "
                     f"{untiluser.DEFAULT_TIMEOUT_S})")
    run.set_defaults(handler=cmd_run)


def add_build(verbs):
    build_verb = verbs.add_parser("build", help="build and write the bootable image",
                                  description="Build and copy the platform's bootable "
                                  "image to FILE.")
    add_system_and_platform(build_verb)
    build_verb.add_argument("-o", "--output", required=True, metavar="FILE",
                            help="where to write the image")
    build_verb.add_argument("--dump-caps", action="store_true",
                            help="the loader prints every component's capability table")
    build_verb.set_defaults(handler=cmd_build)


def add_test(verbs):
    test = verbs.add_parser("test", help="build and run every test",
                            description="Build, then run the host unit tests, the "
                            "command-line tests and the system tests on QEMU. Ends "
                            "with 'N passed, M failed'.")
    test.add_argument("--jobs", "-j", type=positive, default=DEFAULT_JOBS, metavar="N",
                      help=f"QEMU instances at once (default {DEFAULT_JOBS})")
    test.add_argument("-k", dest="pattern", metavar="PATTERN",
                      help="only tests whose name contains PATTERN or matches it as a glob")
    test.set_defaults(handler=cmd_test)


def add_bench(verbs):
    bench_verb = verbs.add_parser("bench", help="count the instructions of kernel operations",
                                  description="Build, boot the benchmark once in QEMU with "
                                  "-icount (1 CPU), print its figures, measure an HVC and an "
                                  "MMIO-read round trip from a test guest, time Debian's "
                                  "Linux booting to userspace on bare QEMU and under Cleave "
                                  "(alternating), and write build/bench.json.")
    bench_verb.add_argument("--platform", default=DEFAULT_PLATFORM, metavar="NAME",
                            help=f"platform in platforms/ (default {DEFAULT_PLATFORM})")
    bench_verb.add_argument("--cpu", metavar="CPU", help="CPU model (default: the platform's)")
    bench_verb.add_argument("--gic", type=number, metavar="2|3", help="GIC version")
    bench_verb.add_argument("--only", choices=bench.PARTS,
                            help="run one part: the kernel's figures, the test guest's "
                            "round trips or the Linux boot")
    bench_verb.add_argument("--runs", type=positive, default=bench_linux.RUNS, metavar="N",
                            help=f"Linux boots per half (default {bench_linux.RUNS})")
    bench_verb.add_argument("--bare-only", action="store_true",
                            help="bare QEMU only, not under Cleave (round trips, Linux)")
    bench_verb.set_defaults(handler=cmd_bench)


def add_check(verbs):
    check = verbs.add_parser("check", help="check a system description",
                             description="Parse SYSTEM and its imports and check them "
                             "against the platform; print every problem, or a summary.")
    check.add_argument("system", metavar="SYSTEM", help="system description (.cleave)")
    check.add_argument("--platform", default=DEFAULT_PLATFORM, metavar="NAME",
                       help=f"platform in platforms/ (default {DEFAULT_PLATFORM})")
    check.add_argument("--spec", metavar="FILE",
                       help="write the capability specification (JSON) to FILE")
    check.add_argument("--glue", metavar="DIR",
                       help="write each component instance's C glue into DIR "
                       "(a build folder, not the source tree)")
    check.set_defaults(handler=cmd_check)


def add_guest(verbs):
    guest = verbs.add_parser("guest", help="fetch Debian's kernel and build a guest's initramfs",
                             description="Fetch Debian's arm64 kernel and busybox into the "
                             "cache (when missing), build NAME's initramfs, and print "
                             "their paths (docs/guests.md).")
    guest.add_argument("name", nargs="?", default=bench_linux.GUEST, metavar="NAME",
                       help=f"the guest's name, printed by its /init (default "
                       f"{bench_linux.GUEST})")
    guest.add_argument("--refresh", action="store_true",
                       help="update apt's lists, fetch the current versions and remove "
                       "older ones from the cache")
    guest.set_defaults(handler=cmd_guest)


def add_audit(verbs):
    audit_verb = verbs.add_parser(
        "audit", help="boot SYSTEM on the audit kernel and check its cache maintenance",
        description="Build SYSTEM on the audit kernel, boot it on QEMU headless until "
                    "its record ends, replay the record through the cache model and "
                    "report per guest whether a caches-off read could see stale data "
                    "(docs/coherence.md). Exit 0 clean, 1 stale, 2 not judged.")
    add_system_and_platform(audit_verb)
    audit_verb.add_argument("--timeout", type=positive, default=audit.DEFAULT_TIMEOUT_S,
                            metavar="S", help="give up after S seconds "
                            f"(default {audit.DEFAULT_TIMEOUT_S})")
    audit_verb.add_argument("--after", action="append", metavar="TEXT",
                            help="the record ends at the first dump after a console line "
                                 f"holding TEXT (default '{audit.DEFAULT_AFTER}'); given "
                                 "more than once, after a line holding each")
    audit_verb.add_argument("--coherence", metavar="POLICY",
                            help="run every guest under this coherence policy instead of "
                                 f"its own ({' or '.join(audit.COHERENCE)})")
    audit_verb.add_argument("--break", dest="brk", metavar="NAME",
                            help="for tests only: give every guest a deliberately broken "
                                 f"VMM ({', '.join(sorted(audit.BREAKS))}: the loaded "
                                 "image cleaned to the PoU only), which the audit must "
                                 "catch")
    audit_verb.set_defaults(handler=cmd_audit)


def system_file(system):
    """SYSTEM as a file: a .cleave file, or a folder with exactly one system in it
    (examples/hello holds hello.cleave and the interfaces it imports)."""
    path = Path(system)
    if path.is_file():
        return str(path)
    if not path.is_dir():
        raise UsageError(f"SYSTEM {system}: no such file or folder")
    named = path / f"{path.resolve().name}.cleave"
    if named.is_file():
        return str(named)
    files = sorted(path.glob("*.cleave"))
    if len(files) == 1:
        return str(files[0])
    raise UsageError(f"SYSTEM {system}: a folder, but no {named.name} in it; "
                     "name the .cleave file")


def cmd_run(args):
    system = system_file(args.system) if args.system else None
    if args.kernel_only and (system is not None or args.until_userspace):
        raise UsageError("--kernel-only boots the kernel alone: no SYSTEM, no "
                         "--until-userspace")
    platform = platforms.load(args.platform)
    # Bad options stop here, before anything is installed, fetched or built.
    platform.configure(args.cpu, args.gic, args.smp, args.memory)
    deps.ensure()
    if system is None and not args.kernel_only:
        system = str(demo.description())  # two Debian Linux guests (tools/cleave/demo.py)
    if system is None:
        config = platform.configure(args.cpu, args.gic, args.smp, args.memory)
        build.build()
        qemu.run_interactive(platform, config, build.image(platform.name))
        return
    path, model, _, _ = sysbuild.build_system(system, platform.name, dump_caps=args.dump_caps)
    smp = args.smp if args.smp is not None else max(sysbuild.smp_needed(model),
                                                    platform.default["smp"])
    memory = args.memory if args.memory is not None else min(
        max(platform.memory_mib, sysbuild.memory_mib_needed(model, path.stat().st_size)),
        platform.memory_max_mib)
    config = platform.configure(args.cpu, args.gic, smp, memory)
    if args.until_userspace:
        guests = [i.name for i in model.system.instances if i.kind == "guest"]
        return untiluser.run(platform, config, path, guests, args.timeout)
    qemu.run_interactive(platform, config, path, console_clients(model))


def console_clients(model):
    """The console server's clients, in its numbering (their connections' order), when
    guests are among them; [] otherwise."""
    conns = model.system.connections
    servers = {c.right.instance for c in conns if c.kind == "console"}
    return [c.left.instance for c in conns
            if c.kind in ("console", "rpc") and c.right.instance in servers] if servers else []


def cmd_build(args):
    output = Path(args.output)
    if output.is_dir():
        raise UsageError(f"-o {output}: is a directory; give a file name")
    if not output.parent.is_dir():
        raise UsageError(f"-o {output}: no folder {output.parent}")
    system = system_file(args.system) if args.system else None
    deps.ensure()
    platform = platforms.load(args.platform)
    if system is not None:
        sysbuild.build_system(system, platform.name, output, dump_caps=args.dump_caps)
        return
    build.build()
    image = build.image(platform.name)
    try:
        shutil.copyfile(image, output)
    except OSError as err:
        raise CleaveError(f"cannot write {output}: {err.strerror}") from None
    size = output.stat().st_size
    say(f"wrote {output} ({size} bytes, {size / 1024:.1f} KiB)")


def cmd_audit(args):
    if args.system is None:
        raise UsageError("audit needs a SYSTEM (a .cleave file or a folder holding one)")
    if args.coherence is not None and args.coherence not in audit.COHERENCE:
        raise UsageError(f"--coherence {args.coherence}: the policies are "
                         f"{', '.join(audit.COHERENCE)}")
    if args.brk is not None and args.brk not in audit.BREAKS:
        raise UsageError(f"--break {args.brk}: the test-only broken VMMs are "
                         f"{', '.join(sorted(audit.BREAKS))}")
    if args.after is not None and not all(args.after):
        raise UsageError("--after: an empty TEXT matches every line; give the text of "
                         "the line the record must follow")
    system = system_file(args.system)
    deps.ensure()
    platform = platforms.load(args.platform)
    return audit.run(system, platform, args.timeout, args.after or audit.DEFAULT_AFTER,
                     args.coherence, args.brk)


def cmd_test(args):
    return testrun.run(args.jobs, args.pattern)


def cmd_bench(args):
    deps.ensure()
    platform = platforms.load(args.platform)
    config = platform.configure(args.cpu, args.gic, bench.SMP)
    parts = bench.PARTS if args.only is None else (args.only,)
    image = None
    halves = ("bare",) if args.bare_only else bench_linux.HALVES
    if parts != ("linux",) or "cleave" in halves:
        build.build()  # the kernel's bench, the test guest, the loader and the VMM
    if "kernel" in parts:
        image = build.image(platform.name, bench.IMAGE)
    bench.run(platform, config, image, parts=parts, linux_runs=args.runs,
              linux_halves=halves)


def cmd_check(args):
    deps.ensure()
    syscheck.run(args.system, args.platform, args.spec, args.glue)


def cmd_guest(args):
    try:
        guest_payload.check_guest_name(args.name)
    except CleaveError as err:
        raise UsageError(str(err)) from None
    deps.ensure()
    if args.refresh:
        _, _, removed = guest_payload.refresh()
        for path in removed:
            say(f"removed {path}")
    payload = guest_payload.payload(args.name)
    kernel = payload.kernel
    say(f"kernel:    {kernel.image} (Debian {kernel.package.describe()}, Linux "
        f"{kernel.release})")
    say(f"initramfs: {payload.initramfs}")
    say(f"marker:    {payload.marker}")


def main(argv=None):
    try:
        args = make_parser().parse_args(argv)
        if args.verb is None:
            raise UsageError("no verb given; try: cleave --help")
        return args.handler(args) or 0
    except CleaveError as err:
        return fail(str(err), err.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except Exception as err:  # a bug in cleave itself: still one line
        if os.environ.get("CLEAVE_DEBUG"):
            raise
        return fail(f"internal error: {type(err).__name__}: {err} "
                    "(CLEAVE_DEBUG=1 shows the traceback)", 1)


def fail(message, code):
    sys.stdout.flush()
    print("cleave: error: " + " ".join(message.split()), file=sys.stderr, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
