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


def test_a_name_never_makes_content_active_or_an_image():
    assert sniff_type(b"just words", "page.html") == "text/plain"
    assert sniff_type(b"just words", "photo.jpg") == "text/plain"
    assert sniff_type(b"\x00\x01\x02binary", "photo.jpg") == "application/octet-stream"


def test_unrecognised_content_keeps_a_harmless_type_from_its_name():
    assert sniff_type(b"a,b\n1,2\n", "table.csv") == "text/csv"


def test_text_cut_inside_a_multibyte_character_is_still_text():
    assert sniff_type("déjà vu ".encode() * 63 + "é".encode()[:1], "") == "text/plain"
