"""``transforms`` calls become sharp's pipeline: last call wins, sharp's fixed order, the
resize where sharp puts it; and README's table names every method."""

from pathlib import Path

import pytest

from directus_assets.operations import ALIASES, METHODS, in_sharp_order, parse
from directus_assets.spec import InvalidQuery, parse_transforms

README = (Path(__file__).parent.parent / "README.md").read_text()


def steps(calls, resize_expected=True):
    return in_sharp_order([parse(name, list(args)) for name, *args in calls], resize_expected)


def names(calls, resize_expected=True):
    return [name for name, _ in steps(calls, resize_expected)]


def test_a_later_call_replaces_an_earlier_one():
    assert steps([["blur", 5], ["blur", 2]]) == (("blur", (2.0, "integer", 0.2)),)
    assert steps([["rotate", 90], ["rotate", 180]]) == (("rotate", (180.0, (0, 0, 0, 255))),)


def test_steps_run_in_sharps_order_not_the_calls():
    assert names([["negate"], ["blur", 1], ["greyscale"]]) == ["greyscale", "blur", "negate"]
    assert names([["greyscale"], ["blur", 1], ["negate"]]) == ["greyscale", "blur", "negate"]


def test_calls_that_turn_a_step_off_drop_it():
    assert steps([["flip"], ["flip", False], ["greyscale", False], ["blur", False]]) == ()
    assert steps([["threshold", 0], ["rotate", 0], ["rotate"]]) == ()


def test_rotation_runs_before_the_resize_when_there_is_one():
    assert names([["rotate", 90], ["flip"]]) == ["flip", "rotate"]
    # Without a resize, sharp mirrors and turns after its (absent) resize.
    after = names([["rotate", 90], ["flip"]], resize_expected=False)
    assert after == ["post-flip", "post-rotate"]


def test_extract_then_rotate_without_a_resize_extracts_first():
    region = {"left": 0, "top": 0, "width": 5, "height": 5}
    assert names([["extract", region], ["rotate", 90]], False) == ["extract", "post-rotate"]
    assert names([["rotate", 90], ["extract", region]], False) == ["rotate", "extract"]


def test_a_second_extract_runs_after_the_resize():
    region = {"left": 0, "top": 0, "width": 5, "height": 5}
    assert names([["extract", region], ["extract", region]]) == ["extract", "post-extract"]


def test_gamma_splits_around_the_resize():
    assert steps([["gamma", 2.0, 1.5]]) == (("gamma", (2.0,)), ("gammaOut", (1.5,)))


@pytest.mark.parametrize(
    "transforms",
    [
        '[["convolve",{"width":103,"height":3,"kernel":[]}]]',
        '[["toColourspace","lab"]]',
        '[["extend",0]]',
        '[["jpeg",{"quality":500}]]',
        '[["png",{"colours":1}]]',
        '[["webp",{"unknown":true}]]',
        '[["sharpen",{"sigma":11}]]',
    ],
)
def test_what_sharp_or_our_limits_refuse_is_a_400(transforms):
    with pytest.raises(InvalidQuery):
        parse_transforms(transforms)


def test_readme_documents_every_method():
    table = README[README.index("### `transforms` methods") :]
    for name in [*METHODS, *ALIASES, "jpeg", "png", "webp", "avif", "tiff", "gif"]:
        assert f"`{name}`" in table, name
