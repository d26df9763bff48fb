"""The pure renderer: sizes, modes, where crops land, orientation, formats, bad input."""

import pytest
from PIL import Image, ImageCms, JpegImagePlugin

from directus_assets.budget import Limits, OverBudget
from directus_assets.render import RenderError, TransformFailed, render
from directus_assets.spec import TransformSpec
from tests.images import BLUE, GREEN, RED, bands, decode, encode, near, png_claiming


def spec(**fields):
    return TransformSpec(**{"format": "png", **fields})


def out(source: bytes, **fields) -> Image.Image:
    return decode(render(source, spec(**fields)).data)


LANDSCAPE = encode(bands((300, 100)))
PORTRAIT = encode(bands((100, 300), vertical=False))


def test_cover_keeps_the_centre_of_a_landscape():
    image = out(LANDSCAPE, width=100, height=100)
    assert image.size == (100, 100)
    assert near(image.getpixel((50, 50)), GREEN)
    assert near(image.getpixel((2, 50)), GREEN) and near(image.getpixel((97, 50)), GREEN)


def test_cover_keeps_the_centre_of_a_portrait():
    image = out(PORTRAIT, width=100, height=100)
    assert near(image.getpixel((50, 2)), GREEN) and near(image.getpixel((50, 97)), GREEN)


def test_square_sources_fill_every_fit_exactly():
    square = encode(bands((200, 200)))
    for fit in ("cover", "contain", "inside", "outside", "fill"):
        image = out(square, fit=fit, width=50, height=50)
        assert image.size == (50, 50)
        assert near(image.getpixel((5, 25)), RED) and near(image.getpixel((45, 25)), BLUE)


def test_cover_follows_the_focal_point():
    left = out(LANDSCAPE, width=100, height=100, focal_point=(20, 50))
    right = out(LANDSCAPE, width=100, height=100, focal_point=(290, 50))
    assert near(left.getpixel((50, 50)), RED)
    assert near(right.getpixel((50, 50)), BLUE)


def test_contain_letterboxes_with_black_on_opaque_images():
    image = out(LANDSCAPE, fit="contain", width=100, height=100)
    assert (image.size, image.mode) == ((100, 100), "RGB")
    assert image.getpixel((50, 10)) == (0, 0, 0)  # the bar above
    assert near(image.getpixel((50, 50)), GREEN)
    assert near(image.getpixel((5, 50)), RED) and near(image.getpixel((95, 50)), BLUE)


def test_contain_letterboxes_transparently_on_images_with_alpha():
    source = encode(bands((300, 100), mode="RGBA"))
    image = out(source, fit="contain", width=100, height=100)
    assert image.mode == "RGBA"
    assert image.getpixel((50, 10))[3] == 0
    assert image.getpixel((50, 50))[3] == 255
    as_jpeg = decode(
        render(source, spec(fit="contain", width=100, height=100, format="jpeg")).data
    )
    assert as_jpeg.mode == "RGB"
    assert near(as_jpeg.getpixel((50, 10)), (0, 0, 0), 10)


@pytest.mark.parametrize(
    ("fit", "size"), [("inside", (100, 33)), ("outside", (300, 100)), ("fill", (100, 100))]
)
def test_inside_outside_and_fill(fit, size):
    image = out(LANDSCAPE, fit=fit, width=100, height=100)
    assert image.size == size
    if fit == "fill":  # stretched: all three bands are still there
        assert near(image.getpixel((10, 50)), RED) and near(image.getpixel((90, 50)), BLUE)


@pytest.mark.parametrize("fit", ["cover", "contain", "inside", "outside"])
def test_one_dimension_keeps_the_aspect_ratio(fit):
    assert out(LANDSCAPE, fit=fit, width=150).size == (150, 50)
    assert out(PORTRAIT, fit=fit, height=150).size == (50, 150)


def test_without_enlargement_as_sharp():
    small = encode(bands((120, 80)))
    assert out(small, width=200, height=200, without_enlargement=True).size == (120, 80)
    # sharp 0.35: contain pads to the box even when it may not enlarge.
    padded = out(small, fit="contain", width=200, height=200, without_enlargement=True)
    assert padded.size == (200, 200)
    assert padded.getpixel((100, 10)) == (0, 0, 0) and near(padded.getpixel((100, 100)), GREEN)
    wide = encode(bands((1000, 500)))
    image = out(wide, width=1200, height=300, without_enlargement=True)
    assert image.size == (1000, 300)
    assert out(small, width=200, height=200).size == (200, 200)


def test_tiny_sources_scale_up_unless_told_not_to():
    tiny = encode(Image.new("RGB", (1, 1), RED))
    image = out(tiny, width=50, height=20)
    assert image.size == (50, 20)
    assert near(image.getpixel((25, 10)), RED)


def test_exif_orientation_is_applied_first_and_stripped():
    exif = Image.Exif()
    exif[0x0112] = 6  # displayed rotated 90 degrees clockwise
    stored = bands((300, 100))  # red on the left of the stored pixels
    source = encode(stored, "JPEG", quality=95, exif=exif.tobytes())
    image = decode(render(source, spec(format="jpeg", quality=90)).data)
    assert image.size == (100, 300)
    assert near(image.getpixel((50, 10)), RED)  # the stored left edge is now the top
    assert near(image.getpixel((50, 290)), BLUE)
    assert 0x0112 not in image.getexif()
    cover = decode(render(source, spec(format="jpeg", width=50, height=50)).data)
    assert near(cover.getpixel((25, 25)), GREEN)


def test_metadata_is_stripped_but_the_icc_profile_kept():
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera"
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = encode(bands((300, 100)), "JPEG", exif=exif.tobytes(), icc_profile=profile)
    image = decode(render(source, spec(format="jpeg", width=60)).data)
    assert not image.getexif()
    assert image.info.get("icc_profile") == profile


def test_format_and_quality():
    photo = encode(Image.effect_noise((400, 300), 40).convert("RGB"), "JPEG", quality=95)
    low = render(photo, spec(format="jpeg", quality=20)).data
    high = render(photo, spec(format="jpeg", quality=95)).data
    assert len(low) < len(high)
    assert decode(low).size == (400, 300)  # quality alone re-encodes at the original size
    for fmt, pillow in (("webp", "WEBP"), ("png", "PNG"), ("avif", "AVIF"), ("tiff", "TIFF")):
        rendition = render(photo, spec(format=fmt, quality=60, width=40))
        assert (decode(rendition.data).format, rendition.format) == (pillow, fmt)
        assert (rendition.width, rendition.height) == (40, 30)


def test_alpha_survives_into_formats_that_have_it():
    image = bands((90, 30), mode="RGBA")
    image.paste((0, 0, 0, 0), (0, 0, 30, 30))  # the red band becomes transparent
    for fmt in ("png", "webp", "avif"):
        output = decode(render(encode(image), spec(format=fmt, width=45)).data)
        assert output.mode == "RGBA"
        assert output.getpixel((3, 7))[3] < 10 and output.getpixel((40, 7))[3] > 245


@pytest.mark.parametrize(
    ("box", "decoded"),
    [
        ((150, 150), (300, 200)),  # shrink 10.7: 1/8 scale, 1.6% of the pixels
        ((200, 200), (600, 400)),  # shrink exactly 8: sharp goes one step less, 1/4
        ((1000, 600), (2400, 1600)),  # shrink 2.4 (< 3): sharp decodes it whole
    ],
)
def test_large_jpegs_are_decoded_smaller_as_sharp_decides(monkeypatch, box, decoded):
    decoded_sizes = []
    original_draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = original_draft(self, mode, size)
        decoded_sizes.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    source = encode(bands((2400, 1600)), "JPEG")
    image = decode(render(source, spec(format="jpeg", width=box[0], height=box[1])).data)
    assert image.size == box
    assert (decoded_sizes or [(2400, 1600)]) == [decoded]  # no draft() call: decoded whole
    assert near(image.getpixel((box[0] // 2, box[1] // 2)), GREEN)


def test_palette_sixteen_bit_and_cmyk_sources():
    palette = bands((90, 30)).convert("P")
    palette.info["transparency"] = 0
    assert out(encode(palette, transparency=0), width=30).mode == "RGBA"
    deep = Image.new("I;16", (40, 20), 65535)
    deep.paste(Image.new("I;16", (20, 20), 32768), (0, 0))
    grey = out(encode(deep), width=40)
    assert grey.mode == "L"
    assert grey.getpixel((30, 10)) == 255
    assert abs(grey.getpixel((5, 10)) - 128) <= 1  # scaled, not clipped to 255
    cmyk = encode(Image.new("CMYK", (40, 20), (0, 255, 255, 0)), "JPEG")
    rgb = decode(render(cmyk, spec(format="jpeg", width=20)).data)
    assert rgb.mode == "RGB" and near(rgb.getpixel((10, 5)), RED, 60)


def test_extract_runs_before_the_fit_and_fails_cleanly_outside_the_image():
    source = encode(bands((300, 100)))
    image = out(source, width=50, transforms=(("extract", (200, 0, 100, 100)),))
    assert image.size == (50, 50) and near(image.getpixel((25, 25)), BLUE)
    with pytest.raises(TransformFailed):
        render(source, spec(transforms=(("extract", (250, 0, 100, 100)),)))


@pytest.mark.parametrize(
    "source",
    [
        b"",
        b"not an image at all",
        encode(bands((300, 100)), "JPEG")[:200],  # truncated
        encode(bands((30, 10)), "BMP"),  # a format we do not transform
    ],
)
def test_undecodable_sources_raise_render_error(source):
    with pytest.raises(RenderError):
        render(source, spec(width=10))


@pytest.mark.parametrize("size", [(100_000, 100_000), (7000, 10), (5000, 5000)])
def test_oversized_sources_are_refused_before_decoding(size):
    with pytest.raises(OverBudget):
        render(png_claiming(*size), spec(width=10), Limits(6000, 20_000_000))
