"""Platform descriptions: `platforms/<name>/platform.yaml`.

The command line reads the `qemu` part (how QEMU runs the platform, which CPU
models, GIC versions and CPU counts it offers) and checks the user's options
against it. A broken file is a failure (exit 1); a bad option is bad usage (exit 2).
"""

from dataclasses import dataclass
from pathlib import Path

from .errors import CleaveError, UsageError
from .paths import PLATFORMS

MIB = 1024 * 1024


@dataclass(frozen=True)
class Config:
    """The machine a run boots: CPU model, GIC version, CPU count, RAM."""

    cpu: str
    gic: int
    smp: int
    memory_mib: int

    def describe(self):
        return f"{self.cpu}, GICv{self.gic}, {self.smp} CPUs, {self.memory_mib} MiB"


@dataclass(frozen=True)
class Platform:
    name: str
    path: Path
    binary: str
    machine: str
    gic_option: str
    cpus: dict
    gics: tuple
    smp_range: tuple
    memory_mib: int
    memory_max_mib: int
    default: dict
    test_matrix: dict
    ktest_matrix: dict

    def configure(self, cpu=None, gic=None, smp=None, memory_mib=None):
        """The Config for these options (None picks the default); UsageError if bad."""
        config = Config(
            cpu=self.default["cpu"] if cpu is None else cpu,
            gic=self.default["gic"] if gic is None else gic,
            smp=self.default["smp"] if smp is None else smp,
            memory_mib=self.memory_mib if memory_mib is None else memory_mib,
        )
        self.check(config)
        return config

    def check(self, config):
        if config.cpu not in self.cpus:
            raise UsageError(f"--cpu {config.cpu}: {self.name} offers {', '.join(self.cpus)}")
        if config.gic not in self.gics:
            versions = ", ".join(str(v) for v in self.gics)
            raise UsageError(f"--gic {config.gic}: {self.name} offers GIC versions {versions}")
        low, high = self.smp_range
        if not low <= config.smp <= high:
            raise UsageError(f"--smp {config.smp}: {self.name} runs {low} to {high} CPUs")
        if not 1 <= config.memory_mib <= self.memory_max_mib:
            raise UsageError(
                f"--memory {config.memory_mib}: {self.name} takes 1 to "
                f"{self.memory_max_mib} MiB"
            )


def known(root=PLATFORMS):
    """Names of the platforms: folders of `root` that hold a platform.yaml."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "platform.yaml").is_file())


def load(name, root=PLATFORMS):
    """The platform called `name`; UsageError naming the known ones if there is none."""
    names = known(root)
    if name not in names:
        listed = ", ".join(names) if names else f"none in {root}"
        raise UsageError(f"unknown platform '{name}'; known platforms: {listed}")
    return load_file(Path(root) / name / "platform.yaml")


def load_file(path):
    """Read and check one platform.yaml."""
    data = _read_yaml(path)
    where = str(path)
    qemu = _field(data, "qemu", dict, where)
    low, high = _int_pair(_field(qemu, "smp", list, where + ": qemu"), where + ": qemu.smp")
    platform = Platform(
        name=_field(data, "name", str, where),
        path=Path(path),
        binary=_field(qemu, "binary", str, where + ": qemu"),
        machine=_field(qemu, "machine", str, where + ": qemu"),
        gic_option=_field(qemu, "gic_option", str, where + ": qemu"),
        cpus=_str_map(_field(qemu, "cpus", dict, where + ": qemu"), where + ": qemu.cpus"),
        gics=tuple(_ints(_field(qemu, "gics", list, where + ": qemu"), where + ": qemu.gics")),
        smp_range=(low, high),
        memory_mib=_field(qemu, "memory_mib", int, where + ": qemu"),
        memory_max_mib=_field(_field(data, "memory", dict, where), "size", int,
                              where + ": memory") // MIB,
        default=_field(qemu, "default", dict, where + ": qemu"),
        test_matrix=qemu.get("test_matrix") or {},
        ktest_matrix=qemu.get("ktest_matrix") or {},
    )
    _check_defaults(platform, where)
    return platform


def _read_yaml(path):
    try:
        import yaml
    except ImportError:
        raise CleaveError("python3-yaml is missing: run `apt-get install python3-yaml`") from None
    try:
        with open(path, encoding="utf-8") as stream:
            data = yaml.safe_load(stream)
    except OSError as err:
        raise CleaveError(f"cannot read {path}: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise CleaveError(f"{path}: not valid YAML: {' '.join(str(err).split())}") from None
    if not isinstance(data, dict):
        raise CleaveError(f"{path}: expected a mapping at the top")
    return data


def _field(mapping, key, kind, where):
    value = mapping.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CleaveError(f"{where}: '{key}' must be a {kind.__name__}, found {value!r}")
    return value


def _ints(values, where):
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise CleaveError(f"{where}: expected a list of integers, found {values!r}")
    return values


def _int_pair(values, where):
    _ints(values, where)
    if len(values) != 2 or values[0] > values[1]:
        raise CleaveError(f"{where}: expected [lowest, highest], found {values!r}")
    return values[0], values[1]


def _str_map(mapping, where):
    if not mapping or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise CleaveError(f"{where}: expected names mapped to QEMU -cpu values")
    return dict(mapping)


def _check_defaults(platform, where):
    try:
        platform.configure()
    except (UsageError, KeyError) as err:
        raise CleaveError(f"{where}: qemu.default is not valid: {err}") from None
