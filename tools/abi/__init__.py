"""The ABI generator's parts: model (read and check idl/abi.yaml), c (the headers), docs."""
