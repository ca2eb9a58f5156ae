"""Configuring (CMake) and building (Ninja) the whole tree into build/.

The output of each tool goes to build/<tool>.log; the user sees it only when the tool
fails (its last lines), or ninja's `[n/m]` progress live on a terminal.
"""

import subprocess

from .errors import CleaveError
from .paths import BUILD, ROOT, images_dir, shown
from .progress import LiveLine, step, tail

TAIL_LINES = 40


def configure():
    """Run CMake once; later builds let ninja re-run it when CMakeLists.txt change."""
    if (BUILD / "build.ninja").is_file():
        return
    step("configuring")
    _run("cmake", ["cmake", "-S", str(ROOT), "-B", str(BUILD), "-G", "Ninja",
                   "-DCMAKE_BUILD_TYPE=Debug"])


def build():
    """Configure if needed, then build everything."""
    configure()
    step("building")
    _run("ninja", ["ninja", "-C", str(BUILD)])


def image(platform_name, filename="cleave.bin"):
    """Path of a built image; fails if the build did not make it."""
    path = images_dir(platform_name) / filename
    if not path.is_file():
        raise CleaveError(f"the build made no {shown(path)}")
    return path


def _run(tool, argv):
    BUILD.mkdir(parents=True, exist_ok=True)
    log_path = BUILD / f"{tool}.log"
    live = LiveLine()
    try:
        lines, code = _stream(argv, log_path, live)
    except FileNotFoundError:
        raise CleaveError(f"{argv[0]} not found; is the {tool} package installed?") from None
    finally:
        live.clear()
    if code != 0:
        tail(lines, TAIL_LINES)
        raise CleaveError(f"{tool} failed (exit {code}); full output in {shown(log_path)}")


def _stream(argv, log_path, live):
    """Run argv, copying its output to log_path; show `[n/m]` lines on the live line."""
    lines = []
    with open(log_path, "w", encoding="utf-8") as log, subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        text=True, errors="replace",
    ) as proc:
        for line in proc.stdout:
            log.write(line)
            line = line.rstrip("\n")
            lines.append(line)
            if line.startswith("["):
                live.update(line)
        return lines, proc.wait()
