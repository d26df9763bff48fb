"""Animated GIF and WebP sources: every frame resized with the same fit into an animated GIF
or WebP, with the source's frame durations and loop count, as sharp does when it reads the
animation; a still format takes the first frame; the limits count every frame before any is
decoded."""

from __future__ import annotations

import io

import pytest
import pyvips
from PIL import Image, ImageDraw

from tests import sharp_reference
from tests.conftest import body
from tests.images import BLUE, GREEN, RED, encode, near

pytestmark = pytest.mark.django_db

COLOURS = (RED, GREEN, BLUE)
DURATIONS = [100, 200, 300]


def animation(fmt="GIF", size=(300, 200), loop=0, frames=COLOURS, durations=DURATIONS, **options):
    """Frames of one colour each, with a white square in the top-left corner."""
    images = []
    for colour in frames:
        image = Image.new("RGB", size, colour)
        ImageDraw.Draw(image).rectangle((0, 0, size[0] // 4, size[1] // 4), fill=(255, 255, 255))
        images.append(image)
    if loop is not None:
        options["loop"] = loop
    return encode(
        images[0], fmt, save_all=True, append_images=images[1:], duration=durations, **options
    )


def pages(data):
    """The frames of an animation as libvips reads them, with its delays and loop."""
    strip = pyvips.Image.new_from_buffer(data, "")
    count = strip.get("n-pages") if strip.get_typeof("n-pages") else 1
    if count > 1:
        strip = pyvips.Image.new_from_buffer(data, "", n=-1)
    height = strip.height // count
    frames = [
        Image.frombytes(
            "RGBA" if strip.bands == 4 else "RGB",
            (strip.width, height),
            strip.crop(0, i * height, strip.width, height).write_to_memory(),
        )
        for i in range(count)
    ]
    delays = list(strip.get("delay")) if strip.get_typeof("delay") else []
    loop = strip.get("loop") if strip.get_typeof("loop") else None
    return frames, delays, loop


@pytest.fixture(params=["GIF", "WEBP"])
def animated(request, make_file, storage_kind):
    extension = request.param.lower()
    return make_file(animation(request.param), filename=f"spinner.{extension}")


@pytest.mark.parametrize("output", ["gif", "webp"])
def test_every_frame_is_resized_and_keeps_its_duration_and_the_loop(client, animated, output):
    response = client.get(f"/assets/{animated.pk}?width=150&height=150&fit=cover&format={output}")
    assert response.status_code == 200
    assert response["Content-Type"] == f"image/{output}"
    frames, delays, loop = pages(body(response))
    assert [frame.size for frame in frames] == [(150, 150)] * 3
    assert delays == DURATIONS and loop == 0
    for frame, colour in zip(frames, COLOURS, strict=True):
        assert near(frame.convert("RGB").getpixel((140, 140)), colour, 30)


@pytest.mark.parametrize("output", ["jpeg", "png", "avif"])
def test_a_still_format_takes_the_first_frame(client, animated, output):
    response = client.get(f"/assets/{animated.pk}?width=150&format={output}")
    assert response.status_code == 200
    frames, _, _ = pages(body(response))
    assert len(frames) == 1 and frames[0].size == (150, 100)
    assert near(frames[0].convert("RGB").getpixel((140, 90)), RED, 30)


def test_a_gif_without_format_stays_an_animated_gif(client, make_file):
    file = make_file(animation(), filename="spinner.gif")
    response = client.get(f"/assets/{file.pk}?width=60")
    assert response["Content-Type"] == "image/gif"
    assert len(pages(body(response))[0]) == 3


def test_too_many_frames_are_refused_before_decoding(client, make_file, settings):
    file = make_file(animation(frames=COLOURS * 4, durations=[50] * 12), filename="long.gif")
    settings.DIRECTUS_ASSETS = {"MAX_FRAMES": 10}
    response = client.get(f"/assets/{file.pk}?width=60&format=gif")
    assert response.status_code == 400
    assert "12 frames" in response.json()["errors"][0]["message"]
    # A still format decodes the first frame alone: within the limit.
    assert client.get(f"/assets/{file.pk}?width=60&format=png").status_code == 200


def test_frames_times_pixels_count_against_max_pixels(client, make_file, settings):
    file = make_file(animation(), filename="spinner.gif")
    settings.DIRECTUS_ASSETS = {"MAX_PIXELS": 150_000}  # one frame is 60,000 pixels
    response = client.get(f"/assets/{file.pk}?width=60&format=webp")
    assert response.status_code == 400
    assert "MAX_PIXELS" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("accept", "output"),
    [("image/avif,image/webp,*/*", "webp"), ("image/avif,*/*", "gif"), ("*/*", "gif")],
)
def test_auto_keeps_a_gif_animated(client, make_file, accept, output):
    file = make_file(animation(), filename="spinner.gif")
    response = client.get(f"/assets/{file.pk}?width=60&format=auto", headers={"Accept": accept})
    assert response["Content-Type"] == f"image/{output}" and response["Vary"] == "Accept"
    frames, delays, _ = pages(body(response))
    assert len(frames) == 3 and delays == DURATIONS


@pytest.mark.parametrize(
    ("query", "size"),
    [
        ("width=100", (100, 150)),  # turned after the resize, as sharp does
        # extract needs the image upright first: every frame is turned, not the first alone
        ('transforms=[["extract",{"left":0,"top":0,"width":200,"height":150}]]', (200, 150)),
    ],
)
def test_an_oriented_animated_webp_is_turned_upright_in_every_frame(
    client, make_file, query, size
):
    exif = Image.Exif()
    exif[0x0112] = 6  # stored 300x200, shown turned a quarter clockwise: 200x300
    file = make_file(animation("WEBP", exif=exif.tobytes()), filename="turned.webp")
    response = client.get(f"/assets/{file.pk}?{query}&format=webp")
    assert response.status_code == 200
    frames, delays, _ = pages(body(response))
    assert [frame.size for frame in frames] == [size] * 3 and delays == DURATIONS
    for frame, colour in zip(frames, COLOURS, strict=True):
        rgb = frame.convert("RGB")
        assert near(rgb.getpixel((size[0] - 3, 3)), (255, 255, 255), 30)  # the square, turned
        assert near(rgb.getpixel((3, 3)), colour, 30)


def test_the_encoders_time_counts_every_frame(client, make_file, settings):
    file = make_file(animation(frames=COLOURS * 7, durations=[50] * 21), filename="long.gif")
    settings.DIRECTUS_ASSETS = {"RENDER_TIME_LIMIT": 1}  # a palette: ~1 s a megapixel
    response = client.get(f"/assets/{file.pk}?format=gif")  # 21 frames of 300x200: 1.3 MP
    assert response.status_code == 400
    assert "21 frames of 300x200" in response.json()["errors"][0]["message"]
    assert client.get(f"/assets/{file.pk}?format=webp").status_code == 200  # milliseconds


def test_a_steps_work_counts_every_frame(client, make_file):
    file = make_file(animation(size=(1000, 1000)), filename="big.gif")
    query = 'transforms=[["median",15]]'  # 225 cells a pixel: 225 million a frame
    response = client.get(f"/assets/{file.pk}?{query}&format=gif")
    assert response.status_code == 400
    assert "3 frames of 1000x1000" in response.json()["errors"][0]["message"]
    assert client.get(f"/assets/{file.pk}?{query}&format=png").status_code == 200  # one frame


def gradient_animation(fmt, size=(320, 240), count=4):
    """Smooth frames (a gradient turning from frame to frame): resampling shows in them."""
    frames = []
    for index in range(count):
        x = Image.linear_gradient("L").resize(size).rotate(90 * index, expand=False)
        y = x.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        frames.append(Image.merge("RGB", (x, y, Image.new("L", size, 60 * index))))
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=120, loop=0)


@pytest.mark.parametrize(
    ("source", "output", "resize"),
    [
        ("GIF", "gif", {"width": 150, "height": 150, "fit": "cover"}),
        ("GIF", "webp", {"width": 150, "height": 150, "fit": "cover"}),
        ("WEBP", "webp", {"width": 120, "fit": "contain"}),
        ("WEBP", "gif", {"width": 200, "height": 100, "fit": "fill"}),
    ],
)
def test_frames_match_sharp_reading_the_animation(client, make_file, source, output, resize):
    data = gradient_animation(source)
    file = make_file(data, filename=f"turning.{source.lower()}")
    query = "&".join(f"{key}={value}" for key, value in resize.items())
    response = client.get(f"/assets/{file.pk}?{query}&format={output}")
    theirs = sharp_reference.render_one(data, resize=resize, format=output, animated=True)
    mine, my_delays, my_loop = pages(body(response))
    expected, delays, loop = pages(theirs.data)
    assert (len(mine), my_delays, my_loop) == (len(expected), delays, loop) == (4, [120] * 4, 0)
    for frame, reference in zip(mine, expected, strict=True):
        # 40-54 dB measured (sharp resizes the frames as one strip); a wrong crop, scale or
        # frame is under 20
        assert sharp_reference.psnr(frame.convert("RGB"), reference.convert("RGB")) >= 35


@pytest.mark.parametrize(("source", "loop"), [("GIF", None), ("GIF", 2), ("WEBP", 2)])
@pytest.mark.parametrize("output", ["gif", "webp"])
def test_a_finite_loop_plays_as_often_as_sharp_plays_it(client, make_file, source, loop, output):
    # A GIF's loop count says how many times it repeats; WebP's how many times it plays.
    data = animation(source, loop=loop)
    file = make_file(data, filename=f"spinner.{source.lower()}")
    response = client.get(f"/assets/{file.pk}?width=60&format={output}")
    theirs = sharp_reference.render_one(data, resize={"width": 60}, format=output, animated=True)
    assert pages(body(response))[2] == pages(theirs.data)[2]


@pytest.mark.parametrize("output", ["gif", "webp"])
def test_transparent_frames_stay_transparent(client, make_file, output):
    frames = []
    for colour in (RED, BLUE):  # a disc on nothing, the frame before it disposed of
        frame = Image.new("RGBA", (100, 80), (0, 0, 0, 0))
        ImageDraw.Draw(frame).ellipse((20, 10, 80, 70), fill=colour)
        frames.append(frame)
    options = {"save_all": True, "append_images": frames[1:], "duration": 100, "disposal": 2}
    file = make_file(encode(frames[0], "GIF", loop=0, **options), filename="discs.gif")
    response = client.get(f"/assets/{file.pk}?width=50&format={output}")
    for frame, colour in zip(pages(body(response))[0], (RED, BLUE), strict=True):
        assert frame.mode == "RGBA" and frame.getpixel((1, 1))[3] == 0
        assert near(frame.getpixel((25, 20))[:3], colour, 4) and frame.getpixel((25, 20))[3] == 255


def frame_table_is_cut(data):
    """Whether Pillow fails counting the frames (a frame's header is cut short)."""
    try:
        Image.open(io.BytesIO(data)).n_frames  # noqa: B018
    except Exception:
        return True
    return False


def test_an_animation_cut_short_is_a_clear_422(client, make_file, caplog):
    data = gradient_animation("GIF", size=(64, 48))
    ends = range(len(data) // 3, len(data))
    cut = [data[:end] for end in ends if frame_table_is_cut(data[:end])]
    assert cut  # the cuts that end inside a frame's header
    for source in cut[:: max(1, len(cut) // 8)]:
        file = make_file(source, filename="cut.gif")
        for output in ("gif", "png"):
            response = client.get(f"/assets/{file.pk}?width=30&format={output}")
            assert response.status_code == 422
            assert "cannot be decoded" in response.json()["errors"][0]["message"]
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
