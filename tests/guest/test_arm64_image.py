"""Tests of the arm64 Image checks and the gzip handling (tools/cleave/arm64_image.py)
and of load_kernel(), which turns their refusals into one clear error."""

import gzip

import pytest

from builders import gz, make_image
from cleave import arm64_image, guest_payload
from cleave.arm64_image import ImageError, parse_header, to_image
from cleave.errors import CleaveError


def test_good_image_header_is_read():
    data = make_image(text_offset=0x80000, image_size=0x200000, flags=0x2 | 0x8)
    header = parse_header(data, "k")
    assert (header.text_offset, header.image_size, header.file_size) == \
        (0x80000, 0x200000, len(data))
    assert header.page_size == "4K" and header.pe_extent == len(data)


def test_image_without_pe_header_is_taken():
    data = make_image(pe=False)
    assert parse_header(data, "k").pe_extent is None


def test_appended_signature_is_allowed():
    """Debian's signed kernels carry their signature after the last section."""
    data = make_image() + b"S" * 1472
    assert parse_header(data, "k").file_size == len(data)


@pytest.mark.parametrize("data, words", [
    (b"", ["0 bytes", "too small"]),
    (make_image()[:63], ["63 bytes", "too small", "64 bytes"]),
    (make_image(magic=b"ARMd"[:3] + b"\x65"), ["not an arm64 Image", "offset 56"]),
    (b"\x7fELF" + bytes(200), ["not an arm64 Image", "ELF", "vmlinux"]),
    (b"070701" + bytes(200), ["cpio archive"]),
    (make_image()[:2000], ["truncated", "2000 bytes", "PE section table"]),
    (make_image()[:0x50], ["truncated", "PE header"]),
    (make_image()[:0x100], ["truncated", "section table"]),
    (make_image(image_size=1000), ["image_size (1000 bytes)", "smaller than the file"]),
    (make_image(flags=0x3), ["big-endian"]),
])
def test_bad_images_are_refused_naming_the_file(data, words):
    with pytest.raises(ImageError) as caught:
        parse_header(data, "guest.img")
    message = str(caught.value)
    assert message.startswith("guest.img: ")
    for word in words:
        assert word in message


def test_pe_pointer_to_nothing_is_corrupt():
    data = bytearray(make_image())
    data[0x40:0x44] = b"XX\0\0"
    with pytest.raises(ImageError, match="no PE header|there is none"):
        parse_header(bytes(data), "k")


def test_pe_for_another_machine_is_refused():
    data = bytearray(make_image())
    data[0x44:0x46] = (0x8664).to_bytes(2, "little")
    with pytest.raises(ImageError, match="machine 0x8664"):
        parse_header(bytes(data), "k")


def test_gzip_image_is_decompressed():
    plain = make_image()
    image, header = to_image(gz(plain), "vmlinuz")
    assert image == plain and header.file_size == len(plain)


def test_plain_image_passes_through():
    plain = make_image()
    assert to_image(plain, "vmlinuz")[0] == plain


def test_cut_gzip_is_truncated():
    data = gz(make_image(body=100000))
    with pytest.raises(ImageError, match=r"vmlinuz: truncated: the gzip stream"):
        to_image(data[:len(data) // 2], "vmlinuz")


def test_corrupt_gzip_is_refused():
    data = bytearray(gz(make_image(body=100000)))
    data[len(data) // 2] ^= 0xFF
    data[len(data) // 2 + 1] ^= 0xFF
    with pytest.raises(ImageError, match="vmlinuz: corrupt gzip data"):
        to_image(bytes(data), "vmlinuz")


def test_wrong_crc_is_refused():
    data = bytearray(gz(make_image()))
    data[-8] ^= 1  # the CRC-32 in the trailer
    with pytest.raises(ImageError, match="corrupt gzip data"):
        to_image(bytes(data), "vmlinuz")


def test_gzip_of_something_else_is_not_an_image():
    with pytest.raises(ImageError, match=r"vmlinuz \(decompressed\): not an arm64 Image"):
        to_image(gzip.compress(b"hello" * 100), "vmlinuz")


def test_zboot_image_is_refused_clearly():
    data = bytearray(make_image())
    data[4:8] = arm64_image.ZBOOT_MAGIC
    data[24:32] = b"zstd\0\0\0\0"
    with pytest.raises(ImageError, match="EFI zboot image .zstd compressed."):
        to_image(bytes(data), "vmlinuz")


def test_load_kernel_names_the_file(tmp_path):
    bad = tmp_path / "kernel.bin"
    bad.write_bytes(make_image()[:3000])
    with pytest.raises(CleaveError) as caught:
        guest_payload.load_kernel(bad)
    message = str(caught.value)
    assert "refusing the guest kernel" in message and "kernel.bin" in message
    assert "truncated" in message


def test_load_kernel_of_a_missing_file(tmp_path):
    with pytest.raises(CleaveError, match="cannot read the kernel"):
        guest_payload.load_kernel(tmp_path / "nothing")
