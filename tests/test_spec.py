"""Parsing query parameters and presets into one frozen spec, with Directus's errors."""

import pytest
from django.http import QueryDict

from directus_assets.errors import InvalidQuery
from directus_assets.spec import IllegalTransformation, TransformSpec, parse_query

CARD = {"fit": "cover", "width": 200, "height": 200, "quality": 80, "format": ""}


def presets(key):
    return {"card": CARD}.get(key)


def parse(query):
    return parse_query(QueryDict(query), presets)


def error(query):
    with pytest.raises((InvalidQuery, IllegalTransformation)) as raised:
        parse(query)
    return raised.value.code, raised.value.message


def test_parameters_become_a_frozen_hashable_spec():
    spec = parse("fit=inside&width=300&height=200&quality=70&withoutEnlargement&format=jpg")
    assert spec == TransformSpec(
        fit="inside", width=300, height=200, quality=70, without_enlargement=True, format="jpeg"
    )
    assert hash(spec) == hash(
        parse("format=jpg&quality=70&withoutEnlargement=true&height=200&width=300&fit=inside")
    )
    with pytest.raises(AttributeError):
        spec.width = 1


def test_no_parameters_change_nothing():
    assert not parse("").changes_image
    assert not parse("download").changes_image
    assert not parse("fit=contain").changes_image  # a fit alone resizes nothing
    assert parse("quality=50").changes_image


def test_a_preset_gives_defaults_that_parameters_override():
    assert parse("key=card") == TransformSpec(fit="cover", width=200, height=200, quality=80)
    assert parse("key=card&width=10").width == 10
    assert parse("key=card&width=10").height == 200


def test_system_presets_exist():
    spec = parse("key=system-medium-contain")
    assert (spec.fit, spec.width, spec.height, spec.format) == ("contain", 300, None, "auto")


def test_an_equal_preset_and_ad_hoc_request_have_one_cache_key():
    resolved = [
        parse(query).resolved("image/jpeg", "", None)
        for query in (
            "key=card",
            "fit=cover&width=200&height=200",
            "width=200&height=200&quality=80",
        )
    ]
    assert len({spec.cache_key() for spec in resolved}) == 1


def test_resolving_fills_defaults_and_negotiates_auto():
    auto = parse("width=10&format=auto")
    assert auto.resolved("image/png", "image/avif,image/webp,*/*", None).format == "avif"
    assert auto.resolved("image/png", "image/webp,*/*", None).format == "webp"
    assert auto.resolved("image/png", "*/*", None).format == "png"
    assert parse("width=10").resolved("image/webp", "", None).quality == 80
    assert parse("width=10&height=10").resolved("image/jpeg", "", (3, 4)).focal_point == (3, 4)
    assert parse("width=10").resolved("image/jpeg", "", (3, 4)).focal_point is None
    query_focus = parse("width=10&height=10&focal_point_x=1&focal_point_y=2")
    assert query_focus.resolved("image/jpeg", "", (3, 4)).focal_point == (1, 2)


def test_webp_effort_fills_webp_unless_transforms_names_one(settings):
    settings.DIRECTUS_ASSETS = {"WEBP_EFFORT": 5}
    webp = parse("width=10&format=auto").resolved("image/png", "image/webp", None)
    assert webp.options_for("webp") == (("effort", 5),)
    named = parse('transforms=[["webp",{"effort":2}]]').resolved("image/png", "", None)
    assert named.options_for("webp") == (("effort", 2),)
    assert parse("width=10&format=jpeg").resolved("image/png", "", None).encoder_options == ()
    settings.DIRECTUS_ASSETS = {"WEBP_EFFORT": 3}
    again = parse("width=10&format=auto").resolved("image/png", "image/webp", None)
    assert again.cache_key() != webp.cache_key()  # a changed setting makes new thumbnails


@pytest.mark.parametrize(
    ("transforms", "options"),
    [
        ("[]", (("speed", 7),)),
        (
            '[["avif",{"quality":60,"chromaSubsampling":"4:2:0"}]]',
            (("chromaSubsampling", "4:2:0"), ("quality", 60), ("speed", 7)),
        ),
        # What SVT-AV1 cannot do stays libaom's, as sharp: no speed is added.
        ('[["avif",{"effort":4}]]', (("effort", 4),)),
        ('[["avif",{"chromaSubsampling":"4:4:4"}]]', (("chromaSubsampling", "4:4:4"),)),
        ('[["avif",{"lossless":true}]]', (("lossless", True),)),
        ('[["avif",{"bitdepth":10}]]', (("bitdepth", 10),)),
    ],
)
def test_avif_speed_chooses_svt_for_what_it_can_write(settings, transforms, options):
    settings.DIRECTUS_ASSETS = {"AVIF_SPEED": 7}
    spec = parse(f"width=10&format=avif&transforms={transforms}").resolved("image/png", "", None)
    assert spec.options_for("avif") == options


def test_avif_speed_is_part_of_the_thumbnail_and_none_is_sharps_encoder(settings):
    settings.DIRECTUS_ASSETS = {"AVIF_SPEED": 7}
    seven = parse("width=10&format=avif").resolved("image/png", "", None)
    settings.DIRECTUS_ASSETS = {"AVIF_SPEED": 9}
    nine = parse("width=10&format=avif").resolved("image/png", "", None)
    assert nine.options_for("avif") == (("speed", 9),)
    assert nine.cache_key() != seven.cache_key()
    settings.DIRECTUS_ASSETS = {"AVIF_SPEED": None}
    sharps = parse("width=10&format=avif").resolved("image/png", "", None)
    assert sharps.options_for("avif") == ()
    assert len({sharps.cache_key(), seven.cache_key(), nine.cache_key()}) == 3


def test_speed_is_not_an_option_a_request_can_give():
    with pytest.raises(InvalidQuery, match="speed"):
        parse('transforms=[["avif",{"speed":0}]]')


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("quality=0", 'Expected integer between 1 and 100 for quality but received "0"'),
        ("quality=101", 'Expected integer between 1 and 100 for quality but received "101"'),
        ("width=abc", 'Expected positive integer for width but received "abc"'),
        ("width=0", 'Expected positive integer for width but received "0"'),
        ("height=-5", 'Expected positive integer for height but received "-5"'),
        ("width=1.5", 'Expected positive integer for width but received "1.5"'),
        ("fit=stretch", "Expected one of cover, contain, inside, outside, fill for fit"),
        ("format=bmp", "Expected one of jpg, jpeg, png, webp, avif, tiff, gif, auto for format"),
        ("withoutEnlargement=maybe", "Expected true, false, 1 or 0 for withoutEnlargement"),
        ("width=1&width=2", 'Parameter "width" was given 2 times'),
        ("key=nope", 'Key "nope" isn\'t configured.'),
        (
            "transforms=nope",
            '"transforms" Parameter needs to be a JSON array of allowed transformations',
        ),
        ('transforms={"a":1}', '"transforms" Parameter needs to be a JSON array'),
        ('transforms=[["explode"]]', 'Transformation "explode" is not allowed'),
        ('transforms=[["blur","x"]]', 'Invalid arguments for transformation "blur"'),
        ("focal_point_x=1.5", "Expected integer for focal_point_x"),
    ],
)
def test_invalid_values_name_the_parameter(query, message):
    code, text = error(query)
    assert code == "INVALID_QUERY"
    assert message in text


def test_empty_values_are_ignored():
    assert parse("width=&height=&quality=") == TransformSpec()
    assert parse("withoutEnlargement=").without_enlargement


@pytest.mark.parametrize(
    "query", ["width=6001", "height=99999", 'transforms=[["resize",{"width":7000}]]']
)
def test_dimensions_above_the_limit_are_illegal(query):
    assert error(query)[0] == "ILLEGAL_ASSET_TRANSFORMATION"


def test_the_limits_are_settings(settings):
    settings.DIRECTUS_ASSETS = {"MAX_DIMENSION": 100, "MAX_OPERATIONS": 1}
    assert error("width=101")[0] == "ILLEGAL_ASSET_TRANSFORMATION"
    # As Directus: a bad query, in Directus's words.
    assert error('transforms=[["flip"],["flop"]]') == (
        "INVALID_QUERY",
        '"transforms" Parameter is only allowed 1 transformations.',
    )


def test_transforms_are_normalised_and_resize_and_to_format_lifted():
    spec = parse(
        'transforms=[["blur",2],["resize",{"width":50,"fit":"inside"}],["toFormat","webp",{"quality":40}]]'
    )
    assert spec.transforms == (("blur", (2.0, "integer", 0.2)),)
    assert (spec.width, spec.fit, spec.format, spec.quality) == (50, "inside", "webp", 40)
    # Explicit parameters win over the transforms' resize, as in Directus.
    assert parse('width=70&transforms=[["resize",{"width":50}]]').width == 70


@pytest.mark.parametrize(
    ("mode", "allowed", "refused"),
    [
        ("presets", ["key=card", "key=system-small-cover", ""], ["width=10", "key=card&width=10"]),
        ("none", ["key=system-small-cover", "download"], ["key=card", "width=10"]),
    ],
)
def test_transform_modes(settings, mode, allowed, refused):
    settings.DIRECTUS_ASSETS = {"TRANSFORM_MODE": mode}
    for query in allowed:
        parse(query)
    messages = {
        "presets": "Only configured presets can be used in asset generation",
        "none": "Dynamic asset generation has been disabled for this project",
    }
    for query in refused:
        assert error(query) == ("INVALID_QUERY", messages[mode])
