"""Placeholders: made when content is stored (from the real pixels, through the render
process and the budget), cleared when the content stops being an image, never costing an
upload; painted by the tags; filled for older files by ``make_placeholders``."""

import base64
import hashlib
import io
from pathlib import Path

import blurhash
import pytest
from django.core.management import call_command
from django.utils.html import escape
from PIL import Image, ImageDraw

from directus_assets import placeholders
from directus_assets.links import PLACEHOLDER_HANDLER, asset_img, asset_picture
from directus_assets.models import File
from tests.images import BLUE, GREEN, RED, bands, decode, encode, near

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parent.parent / "README.md"


def red_left_blue_right(size=(300, 200), mode="RGB"):
    image = Image.new(mode, size, RED)
    ImageDraw.Draw(image).rectangle((size[0] // 2, 0, size[0], size[1]), fill=BLUE)
    return image


def painted_colours(hash_, size=(30, 20)):
    """The BlurHash decoded: its left and right edge colours, halfway down."""
    rows = blurhash.decode(hash_, *size)
    middle = rows[size[1] // 2]
    return tuple(middle[0]), tuple(middle[-1])


def red_then_blue(left, right):
    """Left much redder than right, right much bluer than left (a BlurHash's dozen
    components blur the edge between them into both)."""
    return left[0] > right[0] + 80 and right[2] > left[2] + 80 and left[0] > left[2]


def rgb(color):
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def test_a_stored_photo_gets_the_blurhash_and_dominant_colour_of_its_pixels(make_file):
    image = red_left_blue_right()
    ImageDraw.Draw(image).rectangle((150, 0, 300, 200), fill=GREEN)  # green on the right
    ImageDraw.Draw(image).rectangle((100, 0, 150, 200), fill=GREEN)  # and more of it
    file = make_file(encode(image, "JPEG", quality=95), filename="photo.jpg")
    left, right = painted_colours(file.blurhash)
    assert near(left, RED, 90) and near(right, GREEN, 90), (left, right)
    assert near(rgb(file.dominant_color), GREEN, 20), file.dominant_color
    file.refresh_from_db()
    assert len(file.blurhash) == 28  # 4 x 3 components: landscape


def test_the_admin_shows_them(make_file, admin_client):
    file = make_file(encode(red_left_blue_right(), "PNG"))
    page = admin_client.get(f"/admin/directus_assets/file/{file.pk}/change/").content.decode()
    assert file.blurhash in page and file.dominant_color in page


def test_a_portrait_gets_three_by_four_components(make_file):
    file = make_file(encode(bands((200, 300)), "PNG"))
    assert blurhash.components(file.blurhash) == (3, 4)


def test_transparency_is_painted_on_white_and_ignored_by_the_colour(make_file):
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((0, 0, 59, 199), fill=(*BLUE, 255))  # 30% opaque blue
    file = make_file(encode(image, "PNG"))
    left, right = painted_colours(file.blurhash)
    assert near(left, BLUE, 90) and near(right, (255, 255, 255), 40), (left, right)
    assert near(rgb(file.dominant_color), BLUE, 10), file.dominant_color


def test_a_heic_photo_gets_one(make_file):
    file = make_file(encode(red_left_blue_right(), "HEIF", quality=90), filename="phone.heic")
    assert file.type == "image/heic"
    assert red_then_blue(*painted_colours(file.blurhash)), painted_colours(file.blurhash)


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "doc.pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "logo.svg"),
        (encode(bands((60, 40)), "JPEG")[:300], "truncated.jpg"),
    ],
)
def test_what_cannot_be_rendered_has_none_and_is_stored_all_the_same(
    make_file, client, content, filename
):
    file = make_file(content, filename=filename)
    assert (file.blurhash, file.dominant_color) == ("", "")
    response = client.get(f"/assets/{file.pk}")
    assert response.status_code == 200 and b"".join(response.streaming_content) == content


def test_over_the_budget_none_is_made_and_the_reason_is_logged(make_file, settings, caplog):
    settings.DIRECTUS_ASSETS = {**settings.DIRECTUS_ASSETS, "MAX_PIXELS": 10_000}
    with caplog.at_level("WARNING", logger="directus_assets.placeholders"):
        file = make_file(encode(bands((300, 200)), "PNG"))
    assert (file.blurhash, file.dominant_color) == ("", "")
    assert "No placeholder for this image/png file" in caplog.text and "MAX_PIXELS" in caplog.text
    assert file.width == 300  # the upload itself is whole


def test_replaced_content_replaces_the_placeholder(make_file):
    file = make_file(encode(Image.new("RGB", (40, 40), RED), "PNG"))
    assert near(rgb(file.dominant_color), RED, 10)
    file.save_content(encode(Image.new("RGB", (40, 40), BLUE), "PNG"))
    file.refresh_from_db()
    assert near(rgb(file.dominant_color), BLUE, 10)
    file.save_content(b"just text\n", filename="notes.txt")
    file.refresh_from_db()
    assert (file.blurhash, file.dominant_color) == ("", "")


def test_the_command_fills_older_files_and_leaves_others(make_file):
    older = make_file(encode(red_left_blue_right(), "JPEG"), filename="older.jpg")
    made = (older.blurhash, older.dominant_color)
    text = make_file(b"plain\n", filename="notes.txt")
    File.objects.filter(pk=older.pk).update(blurhash="", dominant_color="")
    out = io.StringIO()
    call_command("make_placeholders", stdout=out)
    older.refresh_from_db()
    assert (older.blurhash, older.dominant_color) == made
    assert "made 1 placeholders; 0 images have none" in out.getvalue()
    text.refresh_from_db()
    assert text.blurhash == ""
    # Only the missing ones, unless --all: a hand-set value shows which were read again.
    File.objects.filter(pk=older.pk).update(dominant_color="#000000")
    call_command("make_placeholders", stdout=io.StringIO())
    assert File.objects.get(pk=older.pk).dominant_color == "#000000"
    call_command("make_placeholders", "--all", stdout=io.StringIO())
    assert File.objects.get(pk=older.pk).dominant_color == made[1]


def test_the_command_counts_an_image_whose_bytes_are_gone(make_file):
    file = make_file(encode(bands((60, 40)), "PNG"))
    File.objects.filter(pk=file.pk).update(blurhash="")
    file.get_storage().delete(file.filename_disk)
    out = io.StringIO()
    call_command("make_placeholders", stdout=out)
    assert "made 0 placeholders; 1 images have none" in out.getvalue()


# --- painted by the tags ---------------------------------------------------------------


def inline_png(html):
    encoded = html.split("url(data:image/png;base64,", 1)[1].split(")", 1)[0]
    return decode(base64.b64decode(encoded))


def test_blur_paints_the_blurhash_at_the_files_aspect_ratio_behind_the_image(make_file):
    file = make_file(encode(red_left_blue_right(), "JPEG", quality=95), filename="photo.jpg")
    html = asset_img(file, width=300, placeholder="blur")
    assert f'style="background:{file.dominant_color} url(data:image/png;base64,' in html
    assert "center/cover no-repeat" in html
    assert f'onload="{escape(PLACEHOLDER_HANDLER)}"' in html
    painted = inline_png(html).convert("RGB")
    assert painted.size == (16, 11)
    assert red_then_blue(painted.getpixel((0, 5)), painted.getpixel((15, 5)))


def test_color_paints_the_dominant_colour_and_the_callers_style_and_onload_follow(make_file):
    file = make_file(encode(Image.new("RGB", (40, 40), RED), "PNG"))
    html = asset_img(file, placeholder="color", style="border:0", onload="go()")
    assert f'style="background:{file.dominant_color};border:0"' in html
    assert f'onload="{escape(PLACEHOLDER_HANDLER)};go()"' in html
    picture = asset_picture(file, width=20, formats="webp", placeholder="color")
    assert picture.count("background:") == 1 and "<source" in picture


def test_a_file_without_a_placeholder_gets_no_background(make_file):
    text = make_file(b"plain\n", filename="notes.txt")
    assert "style=" not in asset_img(text, placeholder="blur")
    photo = make_file(encode(bands((60, 40)), "PNG"))
    File.objects.filter(pk=photo.pk).update(blurhash="not a blurhash")
    photo.refresh_from_db()
    html = asset_img(photo, placeholder="blur")  # a damaged hash: the colour alone
    assert f'style="background:{photo.dominant_color}"' in html


def test_an_unknown_placeholder_is_refused(make_file):
    with pytest.raises(ValueError, match="blur"):
        asset_img(make_file(), placeholder="shimmer")


def test_readme_gives_the_handlers_csp_hash():
    digest = hashlib.sha256(PLACEHOLDER_HANDLER.encode()).digest()
    assert f"'sha256-{base64.b64encode(digest).decode()}'" in README.read_text()


def test_the_painted_png_is_small_and_the_same_cold_and_warm(make_file):
    photo = make_file(encode(red_left_blue_right((1800, 1200)), "JPEG"), filename="p.jpg")
    placeholders.painted.cache_clear()
    cold = placeholders.painted(photo.blurhash, photo.width, photo.height)
    warm = placeholders.painted(photo.blurhash, photo.width, photo.height)
    assert placeholders.painted.cache_info().hits == 1
    assert warm == cold and len(cold) < 600
