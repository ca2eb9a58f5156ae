"""The `cleave` command: build, run and test Cleave on QEMU."""
