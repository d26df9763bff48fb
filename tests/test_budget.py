"""The cost budget: every transformation whose output, any image made on the way, a step's
work or its memory would exceed a limit is refused with 400 ILLEGAL_ASSET_TRANSFORMATION,
naming the limit, before the original is read or decoded; the render checks again from the
real header."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from directus_assets.budget import Header, Limits, OverBudget, check
from directus_assets.models import File, Rendition
from directus_assets.spec import TransformSpec, build_spec
from tests.conftest import body
from tests.images import encode

pytestmark = pytest.mark.django_db


def picture(size, format="JPEG"):
    return encode(Image.new("RGB", size, (120, 140, 160)), format)


def refused(response, limit):
    payload = json.loads(body(response))
    assert response.status_code == 400, payload
    [error] = payload["errors"]
    assert error["extensions"]["code"] == "ILLEGAL_ASSET_TRANSFORMATION"
    assert limit in error["message"], error["message"]


@pytest.mark.parametrize(
    ("size", "format", "query", "limit"),
    [
        ((1800, 1200), "JPEG", "height=6000", "MAX_DIMENSION"),  # 9000x6000
        ((6000, 300), "JPEG", "height=1200", "MAX_DIMENSION"),  # 24000x1200
        ((1800, 1200), "JPEG", "fit=outside&width=6000&height=6000", "MAX_DIMENSION"),
        ((3000, 100), "JPEG", "height=6000", "MAX_DIMENSION"),  # 180000x6000
        ((1, 6000), "PNG", "width=100", "MAX_DIMENSION"),  # 100x600000
        (
            (1800, 1200),
            "JPEG",
            'width=6000&height=6000&transforms=[["extend",10000]]',
            "MAX_DIMENSION",
        ),  # 26000x26000
        ((600, 400), "JPEG", 'transforms=[["extend",{"left":5990}]]', "MAX_DIMENSION"),
        ((3000, 3000), "PNG", 'width=3000&height=3000&transforms=[["median",99]]', "median"),
    ],
)
def test_outputs_and_steps_over_the_limits_are_refused_before_reading(
    client, make_file, renders, size, format, query, limit
):
    file = make_file(picture(size, format), filename=f"source.{format.lower()}")
    refused(client.get(f"/assets/{file.pk}?{query}"), limit)
    assert renders == []  # nothing was read or decoded
    assert not Rendition.objects.exists()


def test_pixels_in_all_are_limited_as_well_as_sides(client, make_file, renders, settings):
    settings.DIRECTUS_ASSETS = {"MAX_DIMENSION": 20_000}
    file = make_file(picture((1800, 1200)), filename="wide.jpg")
    refused(client.get(f"/assets/{file.pk}?width=9000"), "MAX_PIXELS")  # 9000x6000
    assert renders == []


def test_memory_over_the_limit_is_refused(client, make_file, renders, settings):
    settings.DIRECTUS_ASSETS = {"MAX_RENDER_MEMORY": 64 * 1024 * 1024}
    file = make_file(picture((2000, 1500), "PNG"), filename="big.png")
    refused(client.get(f"/assets/{file.pk}?width=2000&format=avif"), "MAX_RENDER_MEMORY")
    assert renders == []
    assert client.get(f"/assets/{file.pk}?width=200&format=avif").status_code == 200


def test_the_render_checks_the_real_header_too(client, make_file):
    # A file recorded without its size (as a damaged upload is) is still bounded.
    file = make_file(picture((1800, 1200)), filename="unknown.jpg")
    File.objects.filter(pk=file.pk).update(width=None, height=None)
    refused(client.get(f"/assets/{file.pk}?height=6000"), "MAX_DIMENSION")
    assert not Rendition.objects.exists()


@pytest.mark.parametrize(
    ("output", "width", "limit"),
    [("webp", 16_384, "WEBP images can be at most 16383"), ("jpeg", 65_501, "JPEG")],
)
def test_outputs_an_encoder_cannot_write_are_refused_not_500(
    client, make_file, settings, output, width, limit
):
    settings.DIRECTUS_ASSETS = {"MAX_DIMENSION": 100_000, "MAX_PIXELS": 10**9}
    file = make_file(picture((2000, 10), "PNG"), filename="strip.png")
    refused(client.get(f"/assets/{file.pk}?width={width}&format={output}"), limit)


def test_avif_wider_than_its_encoder_allows_is_over_budget():
    limits = Limits(max_dimension=10**6, max_pixels=10**9, max_memory=10**12)
    spec = TransformSpec(width=65_537, format="avif")
    with pytest.raises(OverBudget, match="AVIF images can be at most 65536"):
        check(Header((2000, 10), "PNG"), spec, limits)


def test_deeply_nested_transforms_are_a_bad_query_not_a_500(client, make_file):
    file = make_file(picture((60, 40)), filename="small.jpg")
    response = client.get(f"/assets/{file.pk}?transforms=" + "[" * 1500)
    assert response.status_code == 400
    assert json.loads(body(response))["errors"][0]["extensions"]["code"] == "INVALID_QUERY"


def test_a_jpeg_decodes_at_the_scale_the_budget_planned(make_file):
    # The budget's memory bound relies on the scaled decode: 4000x3000 -> width 400 decodes
    # at 1/8 (500x375), so it costs a fraction of the full decode.
    header = Header((4000, 3000), "JPEG")
    small = check(header, build_spec({"width": 400, "format": "jpeg"}), Limits())
    full = check(header, build_spec({"width": 4000, "format": "jpeg"}), Limits())
    assert small.memory * 8 < full.memory
