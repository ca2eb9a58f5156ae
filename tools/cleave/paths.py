"""Where things live in the repository and its build tree."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
PLATFORMS = ROOT / "platforms"
TEST_LOGS = BUILD / "test-logs"


def images_dir(platform_name):
    """The folder where the build puts the bootable images of one platform."""
    return BUILD / "images" / platform_name


def shown(path):
    """A path as the user should read it: relative to the repository when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def guests_dir(platform_name):
    """The folder where the build puts the test guests (tests/guests) of one platform."""
    return BUILD / "aarch64" / platform_name / "guests"
