"""The fit arithmetic on plain numbers, including the cases the issue observed on Directus."""

import pytest
import pyvips
from hypothesis import given
from hypothesis import strategies as st

from directus_assets.geometry import Window, plan_fit, shrinks


def output(plan):
    return plan.canvas


@pytest.mark.parametrize(
    ("source", "width", "height", "fit", "expected"),
    [
        ((1800, 1200), 200, 200, "cover", (200, 200)),
        ((1800, 1200), 200, 200, "contain", (200, 200)),
        ((1800, 1200), 200, 200, "inside", (200, 133)),
        ((1800, 1200), 200, 200, "outside", (300, 200)),
        ((1800, 1200), 200, 200, "fill", (200, 200)),
        ((1200, 1800), 200, 200, "inside", (133, 200)),
        ((1200, 1800), 200, 200, "outside", (200, 300)),
        ((1800, 1200), 300, None, "cover", (300, 200)),
        ((1800, 1200), None, 300, "contain", (450, 300)),
        ((1800, 1200), 300, None, "fill", (300, 1200)),  # sharp: fill stretches one side
        ((120, 80), 200, 200, "cover", (200, 200)),  # enlargement is allowed by default
        ((3, 1000), 100, 100, "inside", (1, 100)),  # never a zero-pixel side
    ],
)
def test_output_sizes(source, width, height, fit, expected):
    assert output(plan_fit(source, width, height, fit)) == expected


def test_cover_crops_the_centre_of_the_scaled_image():
    plan = plan_fit((1800, 1200), 200, 200, "cover")
    assert plan.scaled == (300, 200)
    assert plan.window == Window(50, 0, 200, 200)


def test_contain_letterboxes_centred():
    plan = plan_fit((1800, 1200), 200, 200, "contain")
    assert plan.window == Window(0, 0, 200, 133)
    assert plan.offset == (0, 33)
    assert not plan.is_identity


@pytest.mark.parametrize(
    ("source", "width", "height", "fit", "expected"),
    [
        ((1000, 500), 1200, 300, "cover", (1000, 300)),
        ((120, 80), 200, 200, "cover", (120, 80)),
        ((120, 80), 200, 200, "inside", (120, 80)),
        ((120, 80), 200, 200, "outside", (120, 80)),
        ((120, 80), 300, None, "cover", (120, 80)),
        ((1800, 1200), 200, 200, "cover", (200, 200)),  # shrinking is unaffected
    ],
)
def test_without_enlargement_never_grows(source, width, height, fit, expected):
    # (contain pads to the box, unscaled: the test below)
    plan = plan_fit(source, width, height, fit, without_enlargement=True)
    assert output(plan) == expected
    assert plan.is_identity


def test_focal_point_moves_the_crop_and_stays_inside():
    left = plan_fit((1800, 1200), 200, 200, "cover", focal_point=(0, 600))
    middle = plan_fit((1800, 1200), 200, 200, "cover", focal_point=(600, 600))
    right = plan_fit((1800, 1200), 200, 200, "cover", focal_point=(1790, 600))
    assert left.window.left == 0  # clamped at the left edge
    assert middle.window.left == 0  # 600px -> 100px scaled, minus half the window
    assert right.window.left == 100  # clamped at the right edge (300 - 200)
    centred = plan_fit((1800, 1200), 200, 200, "cover", focal_point=(1050, 600))
    assert centred.window.left == 75  # 1050/6 = 175, minus 100


def test_window_maps_onto_a_draft_decoded_source():
    assert Window(50, 0, 200, 200).scaled_box(4.5, 6.0) == (225.0, 0.0, 1125.0, 1200.0)


def test_contain_without_enlargement_pads_to_the_box_unscaled():
    plan = plan_fit((120, 80), 200, 200, "contain", without_enlargement=True)
    assert (plan.scaled, plan.canvas, plan.offset) == ((120, 80), (200, 200), (40, 60))
    one_side = plan_fit((120, 80), None, 200, "contain", without_enlargement=True)
    assert (one_side.scaled, one_side.canvas) == ((120, 80), (120, 200))


odd = st.integers(0, 40).map(lambda n: 2 * n + 1)


@given(x=st.integers(1, 60), y=st.integers(1, 60), side_factor=odd, target_factor=odd)
def test_scaled_sides_are_the_sides_libvips_resize_makes(x, y, side_factor, target_factor):
    # A side scaled to exactly a half (side_factor * target_factor / 2) is where rounding
    # decides: 1200 at a width of 439 of 800 is 658 in libvips, not 659; 7 of 1600 is 11.
    side, target, other = side_factor * x, target_factor * y, 2 * x * y
    plan = plan_fit((other, side), target, None, "cover")
    scale = 1.0 / shrinks((other, side), target, None, "cover")[1]
    resized = pyvips.Image.black(1, side).resize(1.0, vscale=scale, kernel="lanczos3")
    assert plan.scaled[1] == resized.height
