"""``planned_size`` (used for <img width height> before anything is rendered) agrees with the
size ``render`` really produces, for every fit, with and without enlargement and EXIF
rotation, and with the transforms that change the size (the budget works it out the same
way, so this checks the sizes the budget limits too)."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image

from directus_assets.budget import OverBudget, planned_size
from directus_assets.render import render
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
    after=st.lists(
        st.one_of(
            st.tuples(
                st.just("rotate"),
                st.sampled_from([90, 180, 270, 33, 45, 301.5]) | st.floats(-720, 720),
            ),
            st.tuples(st.just("extend"), st.integers(1, 40)),
            st.tuples(st.just("flip")),
        ),
        max_size=2,
    ),
    extract=st.booleans(),
)
def test_planned_size_is_the_rendered_size(
    source, width, height, fit, without_enlargement, rotated, after, extract
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
        "transforms": [list(step) for step in after],
    }
    if extract:
        # A square fits whether sharp turns the image before it extracts or after.
        side = min(source)
        region = {"left": side // 3, "top": 0, "width": side - side // 3, "height": side}
        values["transforms"].insert(0, ["extract", region])
    spec = build_spec({**values, "format": "png"}).resolved("image/jpeg", "", None)

    planned = planned_size(spec, source, "JPEG")

    try:
        rendered = render(data, spec)
    except OverBudget:  # e.g. 1x76 at width 79: 79x6004, over MAX_DIMENSION
        assume(False)
    assert planned == decode(rendered.data).size
