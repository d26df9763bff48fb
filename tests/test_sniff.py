import pytest

from directus_assets.sniff import sniff_type
from tests.conftest import image_bytes


@pytest.mark.parametrize(
    ("format", "expected"),
    [
        ("JPEG", "image/jpeg"),
        ("PNG", "image/png"),
        ("WEBP", "image/webp"),
        ("GIF", "image/gif"),
        ("TIFF", "image/tiff"),
        ("BMP", "image/bmp"),
    ],
)
def test_image_types_come_from_the_bytes_not_the_name(format, expected):
    assert sniff_type(image_bytes(format=format)[:512], "innocent.txt") == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">', "image/svg+xml"),
        (b"<!DOCTYPE html><html><script>alert(1)</script>", "text/html"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00", "image/avif"),
    ],
)
def test_documents_and_markup_are_recognised(head, expected):
    assert sniff_type(head, "picture.jpg") == expected


def test_a_name_never_makes_content_active_an_image_or_a_binary_format():
    assert sniff_type(b"just words", "page.html") == "text/plain"
    assert sniff_type(b"just words", "photo.jpg") == "text/plain"
    assert sniff_type(b"just words", "report.pdf") == "text/plain"
    assert sniff_type(b"\x00\x01\x02binary", "photo.jpg") == "application/octet-stream"
    assert sniff_type(b"\x00\x01\x02binary", "report.pdf") == "application/octet-stream"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"PK\x03\x04" + b"\x00" * 60, "application/zip"),
        (b"\x1f\x8b\x08" + b"\x00" * 60, "application/gzip"),
        (b"ID3\x03\x00" + b"\x00" * 60, "audio/mpeg"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 60, "video/mp4"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 60, "image/heic"),
    ],
)
def test_other_binary_formats_come_from_their_signature(head, expected):
    assert sniff_type(head, "file.bin") == expected


@pytest.mark.parametrize(
    ("brands", "expected"),
    [
        (b"heix" + b"\x00" * 4 + b"mif1heix", "image/heic"),
        (b"mif1" + b"\x00" * 4 + b"mif1heic", "image/heic"),
        (b"mif1" + b"\x00" * 4 + b"mif1avif", "image/avif"),  # AVIF under HEIF's brand
        (b"mif1" + b"\x00" * 4 + b"mif1hevc", "image/heif"),
        (b"msf1" + b"\x00" * 4 + b"msf1", "image/heif"),
    ],
)
def test_heif_files_by_their_brands(brands, expected):
    box = (8 + len(brands)).to_bytes(4, "big") + b"ftyp" + brands
    assert sniff_type(box + b"\x00\x00\x00\x08mdat", "photo.jpg") == expected


def test_text_takes_a_harmless_text_type_from_its_name():
    assert sniff_type(b"a,b\n1,2\n", "table.csv") == "text/csv"
    assert sniff_type(b'{"a": 1}', "data.json") == "application/json"
    assert sniff_type(b"alert(1)", "app.js") == "text/plain"  # script: never by name


def test_text_cut_inside_a_multibyte_character_is_still_text():
    assert sniff_type("déjà vu ".encode() * 63 + "é".encode()[:1], "") == "text/plain"
