"""Every check, in the order they run. Each is `check(spec, diags, target)`: it reads
the model, adds diagnostics and never raises; `target` (a target.Target) is None when
the platform is not known, and the checks that need it then do nothing.

The order matters twice: check_undefined links instances to their declarations, which
later checks read, and check_devices_exist binds devices to the device tree before
check_device_owners compares interrupts.
"""

from .assertions import check_assertions
from .connections import check_connection_types, check_unconnected
from .names import check_duplicates, check_system_count, check_undefined
from .resources import (check_cpus, check_dataport_sizes, check_device_owners,
                        check_devices_exist, check_grants, check_memory, check_restarts)
from .schedule import check_partition_windows, check_partitions, check_priorities, check_schedule

CHECKS = (
    check_system_count,
    check_duplicates,
    check_undefined,
    check_connection_types,
    check_unconnected,
    check_dataport_sizes,
    check_memory,
    check_grants,
    check_devices_exist,
    check_device_owners,
    check_priorities,
    check_cpus,
    check_restarts,
    check_partitions,
    check_schedule,
    check_partition_windows,
    check_assertions,
)


def run(spec, diags, target=None):
    for check in CHECKS:
        check(spec, diags, target)
