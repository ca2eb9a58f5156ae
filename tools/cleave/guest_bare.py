"""System tests of the test guests (tests/guests, docs/guests.md) on bare QEMU.

`guests/bare/<guest>/gic<v>` boots one test guest Image straight on QEMU's virt board
without EL2 (`-M virt`, cortex-a57, 2 CPUs): it enters at EL1 with QEMU's own PSCI and a
real GIC, as a guest enters under a hypervisor. The judge (GuestJudge) wants every
case below to pass, `GUEST DONE: N passed, 0 failed`, and the guest's power-off.

`guests/bare/tvm-mutant` boots the tvm guest with `mutate=tvm`, which makes it
compare each register with a value other than the one it wrote: every exact
register check must then fail, which shows the checks can.
"""

from .errors import CleaveError
from .judge import GuestJudge
from .paths import guests_dir, shown
from .systest import SysTest, without_virtualization

CPU = "cortex-a57"
SMP = 2
TVM_REGS = ("sctlr_el1", "ttbr0_el1", "ttbr1_el1", "tcr_el1", "mair_el1", "amair_el1",
            "contextidr_el1", "esr_el1", "far_el1", "afsr0_el1", "afsr1_el1")
# Registers whose contents are IMPLEMENTATION DEFINED: the guest accepts RAZ/WI there,
# so the mutation cannot make them fail on QEMU.
TVM_IMPDEF = ("amair_el1", "afsr0_el1", "afsr1_el1")
MMU_ORDERS = ("M-then-C", "C-then-M", "MC-together")

# guest -> the cases it must pass (at least; a guest may report more).
GUESTS = {
    "psci": ["psci/version", "psci/features", "psci/migrate-info-type", "smccc/version",
             "smccc/arch-features", "psci/unknown-function", "psci/cpu-on", "psci/cpu-off",
             "psci/cpu-on-self", "psci/cpu-on-bad-mpidr", "psci/affinity-info"],
    "tvm": [f"tvm/{reg}" for reg in TVM_REGS] + ["tvm/all-at-once"],
    "mmu": [f"mmu/on-{on}/off-{off}" for on in MMU_ORDERS for off in MMU_ORDERS],
    "setway": ["setway/geometry", "setway/caches-off", "setway/caches-on",
               "setway/power-down"],
    "irq": ["irq/sgi-self", "irq/timer-ppi", "irq/spi", "irq/sgi-cpus", "irq/timer-ppi-cpu1"],
    "fault": ["fault/outside-ram"],
    "rtc": ["rtc/found", "rtc/counts", "rtc/alarm-1", "rtc/held-while-disabled",
            "rtc/alarm-2"],
}


def guest_image(platform, name):
    """A Context -> (kernel, extra QEMU args) payload for the test guest `name`."""

    def payload(ctx):
        path = guests_dir(platform.name) / f"{name}.bin"
        if not path.is_file():
            raise CleaveError(f"the build made no {shown(path)}")
        return path, []

    return payload


def bare_guest_tests(platform):
    machine = without_virtualization(platform.machine)
    tests = [
        SysTest(f"guests/bare/{name}/gic{gic}", cpu=CPU, gic=gic, smp=SMP, machine=machine,
                payload=guest_image(platform, name),
                judge=lambda ctx, cases=cases: GuestJudge(cases))
        for name, cases in GUESTS.items() for gic in (2, 3) if gic in platform.gics
    ]
    mutated = [f"tvm/{reg}" for reg in TVM_REGS if reg not in TVM_IMPDEF] + ["tvm/all-at-once"]
    tests.append(SysTest("guests/bare/tvm-mutant", cpu=CPU, gic=3, smp=SMP, machine=machine,
                         append="mutate=tvm", payload=guest_image(platform, "tvm"),
                         judge=lambda ctx: GuestJudge([], must_fail=mutated)))
    return tests
