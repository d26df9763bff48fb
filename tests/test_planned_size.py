"""``planned_size`` (used for <img width height> before anything is rendered) agrees with the
size ``render`` really produces, for every fit, with and without enlargement and EXIF
rotation; transforms make it unknown."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from directus_assets.render import planned_size, render
from directus_assets.spec import FITS, build_spec
from tests.images import decode, encode

sides = st.integers(min_value=1, max_value=300)


@settings(max_examples=80, deadline=None)
@given(
    source=st.tuples(sides, sides),
    width=st.none() | sides,
    height=st.none() | sides,
    fit=st.sampled_from(FITS),
    without_enlargement=st.booleans(),
    rotated=st.booleans(),
)
def test_planned_size_is_the_rendered_size(
    source, width, height, fit, without_enlargement, rotated
):
    stored = (source[1], source[0]) if rotated else source
    exif = Image.Exif()
    exif[0x0112] = 6 if rotated else 1
    data = encode(Image.new("RGB", stored, (90, 120, 200)), "JPEG", exif=exif.tobytes())
    values = {
        "width": width,
        "height": height,
        "fit": fit,
        "without_enlargement": without_enlargement,
    }
    spec = build_spec({**values, "format": "png"}).resolved("image/jpeg", "", None)

    planned = planned_size(spec, source)

    assert planned == decode(render(data, spec).data).size


def test_transforms_make_the_size_unknown():
    spec = build_spec({"width": 10, "transforms": [["rotate", 90]]})
    assert planned_size(spec, (40, 20)) is None
