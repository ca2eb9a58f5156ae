"""Shared set-up of the `cleave` command's tests: the package on sys.path, a platform."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from cleave import platform as platforms  # noqa: E402

# The qemu-virt description as the design fixes it; tests use their own copy so
# that they do not move when the real file gains fields.
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
  test_matrix: {cpu: [cortex-a53, cortex-a57, cortex-a72, max], gic: [2, 3], smp: [1, 4]}
  ktest_matrix: {cpu: [cortex-a57, max], gic: [2, 3], smp: [1, 4]}
"""


@pytest.fixture
def platforms_root(tmp_path):
    folder = tmp_path / "platforms" / "qemu-virt"
    folder.mkdir(parents=True)
    (folder / "platform.yaml").write_text(QEMU_VIRT_YAML)
    return tmp_path / "platforms"


@pytest.fixture
def virt(platforms_root):
    return platforms.load("qemu-virt", root=platforms_root)
