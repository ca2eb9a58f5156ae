"""Fixtures of the guest-payload tests: a platform like qemu-virt (from tests/cli)."""

import builders  # noqa: F401  (puts the cleave package on sys.path)
import pytest

from cleave import platform as platforms

QEMU_VIRT_YAML = """\
name: qemu-virt
memory: {base: 0x40000000, size: 0x40000000}
cpus_max: 8
uart: {base: 0x09000000, size: 0x1000}
gic:
  v2: {dist: 0x08000000, cpu: 0x08010000}
  v3: {dist: 0x08000000, redist: 0x080a0000}
qemu:
  binary: qemu-system-aarch64
  machine: virt,virtualization=on
  gic_option: gic-version
  cpus: {cortex-a53: cortex-a53, cortex-a57: cortex-a57, cortex-a72: cortex-a72, max: "max,pauth-impdef=on"}
  gics: [2, 3]
  smp: [1, 8]
  memory_mib: 256
  default: {cpu: cortex-a57, gic: 3, smp: 4}
  test_matrix: {cpu: [cortex-a57], gic: [3], smp: [1]}
  ktest_matrix: {cpu: [cortex-a57], gic: [3], smp: [1]}
"""


@pytest.fixture
def virt(tmp_path):
    folder = tmp_path / "platforms" / "qemu-virt"
    folder.mkdir(parents=True)
    (folder / "platform.yaml").write_text(QEMU_VIRT_YAML)
    return platforms.load("qemu-virt", root=tmp_path / "platforms")
