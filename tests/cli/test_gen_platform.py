"""tools/gen_platform.py: the platform's C description, here its stage2_blocks choice
(docs/vmm.md, "Stage 2 on QEMU"): the real qemu-virt says false, a platform that says
nothing gets blocks, and a value that is no boolean is refused."""

from pathlib import Path

import pytest

import gen_platform  # tools/ is on sys.path (conftest.py)

REAL = Path(__file__).resolve().parents[2] / "platforms" / "qemu-virt" / "platform.yaml"


def variant(tmp_path, line):
    """The real qemu-virt description with its stage2_blocks line replaced by `line`."""
    text = REAL.read_text()
    assert "\nstage2_blocks: false\n" in text
    path = tmp_path / "platform.yaml"
    path.write_text(text.replace("\nstage2_blocks: false\n", f"\n{line}\n"))
    return path


def test_qemu_virt_maps_stage_2_with_pages():
    p = gen_platform.load(REAL)
    assert p["stage2_blocks"] is False
    assert "#define PLAT_STAGE2_BLOCKS 0\n" in gen_platform.config_h(p)


def test_blocks_are_the_default_and_can_be_asked_for(tmp_path):
    for line in ("", "stage2_blocks: true"):
        p = gen_platform.load(variant(tmp_path, line))
        assert p["stage2_blocks"] is True
        assert "#define PLAT_STAGE2_BLOCKS 1\n" in gen_platform.config_h(p)


@pytest.mark.parametrize("value", ["1", "yes please", "0x0"])
def test_a_value_that_is_no_boolean_is_refused(tmp_path, value):
    with pytest.raises(gen_platform.PlatformError, match="'stage2_blocks' must be bool"):
        gen_platform.load(variant(tmp_path, f"stage2_blocks: {value}"))


def test_integers_are_still_no_booleans(tmp_path):
    """The check that now lets booleans through where one is asked for still refuses
    one where a number is."""
    text = REAL.read_text().replace("cpus_max: 8", "cpus_max: true")
    path = tmp_path / "platform.yaml"
    path.write_text(text)
    with pytest.raises(gen_platform.PlatformError, match="'cpus_max' must be int"):
        gen_platform.load(path)
