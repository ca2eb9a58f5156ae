"""Time and priority: the numbers the kernel's scheduler accepts (docs/objects.md,
"Scheduling and separation"), so that the loader's invocations cannot fail."""

PARTITIONS = 4  # SCHED_PARTITIONS in kernel/include/cleave/sched.h
WINDOWS_MAX = 6  # SCHED_WINDOWS_MAX
TICK_US = 10_000  # TIMER_HZ 100: windows are whole ticks
# The kernel's highest, which the loader runs at too: a component at 255 can start
# running while the loader gives up its capabilities (on CPU 0: round robin), which
# does no harm, since it has started everything by then.
PRIORITY_MAX = 255


def ms(us):
    return f"{us / 1000:g} ms"


def check_priorities(spec, diags, target=None):
    for decl in spec.components + spec.guests:
        if not 0 <= decl.priority <= PRIORITY_MAX:
            diags.error(decl.setting_loc("priority"), f"priority {decl.priority} is outside "
                        f"0..{PRIORITY_MAX}", "the kernel has 256 priorities")


def check_partitions(spec, diags, target=None):
    for decl in spec.components + spec.guests:
        if not 0 <= decl.partition < PARTITIONS:
            diags.error(decl.setting_loc("partition"), f"partition {decl.partition} is "
                        f"outside 0..{PARTITIONS - 1}")
    for system in spec.systems:
        for schedule in system.schedules:
            for window in schedule.windows:
                if window.partition is not None and not 0 <= window.partition < PARTITIONS:
                    diags.error(window.partition_loc, f"partition {window.partition} is "
                                f"outside 0..{PARTITIONS - 1}")


def check_schedule(spec, diags, target=None):
    """At most six windows, each a whole number of ticks (at least one), adding up to
    the major frame when one is given: the kernel repeats the windows back to back."""
    for system in spec.systems:
        for schedule in system.schedules:
            windows = schedule.windows
            if not windows:
                diags.error(schedule.loc, "a schedule needs at least one window",
                            "for example: window 0 10ms;")
                continue
            for extra in windows[WINDOWS_MAX:WINDOWS_MAX + 1]:
                diags.error(extra.loc, f"more than {WINDOWS_MAX} windows",
                            f"the kernel's major frame holds at most {WINDOWS_MAX}")
            lengths = [w.length_us for w in windows]
            for window in windows:
                if window.length_us is None:
                    continue
                if window.length_us == 0:
                    diags.error(window.length_loc, "a window of zero length",
                                f"a window lasts at least one tick ({ms(TICK_US)})")
                elif window.length_us % TICK_US:
                    diags.error(window.length_loc, f"{ms(window.length_us)} is not a whole "
                                f"number of {ms(TICK_US)} ticks")
            if schedule.frame_us is None or None in lengths:
                continue
            total = sum(lengths)
            frame_loc = schedule.frames[0][1]
            if total > schedule.frame_us:
                diags.error(frame_loc, f"the windows take {ms(total)}, more than the "
                            f"{ms(schedule.frame_us)} major frame")
            elif total < schedule.frame_us:
                diags.error(frame_loc, f"the windows take {ms(total)}, less than the "
                            f"{ms(schedule.frame_us)} major frame",
                            "the kernel has no idle gap: add a window or shorten the frame")


def check_partition_windows(spec, diags, target=None):
    """An instance whose partition never gets a window would never run."""
    for system in spec.systems:
        schedule = system.schedule
        running = ({w.partition for w in schedule.windows} if schedule else {0})
        for inst in system.instances:
            part = getattr(inst.decl, "partition", 0)
            if inst.decl is None or part in running or not 0 <= part < PARTITIONS:
                continue
            hint = (f"add: window {part} 10ms;" if schedule else
                    "without a schedule only partition 0 runs; add one: "
                    f"schedule {{ window 0 10ms; window {part} 10ms; }}")
            diags.error(inst.loc, f"'{inst.name}' is in partition {part}, which has no "
                        "window: it would never run", hint)
