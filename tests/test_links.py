"""asset_url / asset_size / asset_srcset / asset_img / asset_picture: every URL they make is
fetched through the endpoint, and the sizes they promise are the sizes served."""

from html.parser import HTMLParser

import pytest

from directus_assets.links import asset_img, asset_picture, asset_size, asset_srcset, asset_url
from directus_assets.models import ThumbnailPreset
from tests.conftest import body
from tests.images import bands, decode, encode

pytestmark = pytest.mark.django_db


class Tags(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def served(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:200])
    return response, decode(body(response))


def candidates(srcset):
    return [entry.rsplit(" ", 1) for entry in srcset.split(", ")]


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((600, 400)), "JPEG"), filename="photo.jpg")


def test_asset_url_takes_a_file_or_its_id(photo, django_assert_num_queries):
    url = asset_url(photo, width=100, fit="inside", without_enlargement=True, download=True)
    assert url.startswith(f"/assets/{photo.pk}?width=100&fit=inside&withoutEnlargement=true")
    assert "&download=&v=" in url
    with django_assert_num_queries(1):
        assert (
            asset_url(
                str(photo.pk), width=100, fit="inside", withoutEnlargement=True, download=True
            )
            == url
        )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"width": 100},
        {"height": 50},
        {"width": 100, "height": 100, "fit": "cover"},
        {"width": 100, "height": 100, "fit": "contain"},
        {"width": 100, "height": 100, "fit": "inside"},
        {"width": 100, "height": 100, "fit": "outside"},
        {"width": 900, "withoutEnlargement": True},
        {"key": "system-small-cover"},
        {"key": "card"},
    ],
)
def test_the_promised_size_is_the_served_size(client, photo, params):
    ThumbnailPreset.objects.create(key="card", width=120, height=90, fit="cover")
    _, image = served(client, asset_url(photo, **params))
    assert asset_size(photo, **params) == image.size


def test_transforms_are_in_the_promised_size_and_non_images_have_none(client, photo, make_file):
    promised = asset_size(photo, width=50, transforms=[["rotate", 90], ["extend", 5]])
    served = client.get(asset_url(photo, width=50, transforms=[["rotate", 90], ["extend", 5]]))
    assert promised == decode(body(served)).size
    assert asset_size(make_file(b"just text", filename="a.txt")) is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"fit": "sideways"}, "fit"),
        ({"width": -3}, "width"),
        ({"key": "nope"}, 'Key "nope" isn\'t configured.'),
        ({"colour": "red"}, '"colour" is not an asset parameter.'),
    ],
)
def test_bad_parameters_fail_where_the_url_is_built(photo, params, message):
    with pytest.raises(ValueError, match=message):
        asset_url(photo, **params)


def test_density_srcset_doubles_the_box(client, photo):
    entries = candidates(asset_srcset(photo, width=200, height=100, fit="cover"))
    assert [descriptor for _, descriptor in entries] == ["1x", "2x"]
    sizes = [served(client, url)[1].size for url, _ in entries]
    assert sizes == [(200, 100), (400, 200)]


def test_density_srcset_drops_candidates_the_source_cannot_fill(photo):
    entries = candidates(
        asset_srcset(photo, width=400, withoutEnlargement=True, densities="1,2,3")
    )
    assert [descriptor for _, descriptor in entries] == ["1x", "2x"]  # 600 wide: 800 -> 600


def test_width_srcset_describes_real_widths_and_keeps_the_aspect(client, photo):
    srcset = asset_srcset(
        photo, widths="150,300,800", width=300, height=150, fit="cover", withoutEnlargement=True
    )
    entries = candidates(srcset)
    assert [descriptor for _, descriptor in entries] == ["150w", "300w", "600w"]
    for url, descriptor in entries:
        image = served(client, url)[1]
        assert f"{image.width}w" == descriptor
        assert image.width == 2 * image.height


def test_asset_img_has_its_real_size_lazy_loading_and_escaped_attributes(client, photo):
    html = asset_img(photo, width=150, fit="inside", alt='A "quoted" <alt>', class_="hero")
    [(tag, attrs)] = Tags(html).found
    assert tag == "img"
    image = served(client, attrs["src"])[1]
    assert (int(attrs["width"]), int(attrs["height"])) == image.size == (150, 100)
    assert attrs["alt"] == 'A "quoted" <alt>' and "&quot;" in html
    assert (attrs["loading"], attrs["decoding"], attrs["class"]) == ("lazy", "async", "hero")
    assert "srcset" not in attrs


def test_asset_img_with_a_srcset(photo):
    [(_, attrs)] = Tags(asset_img(photo, width=150, srcset="1x,2x", sizes="150px")).found
    assert [d for _, d in candidates(attrs["srcset"])] == ["1x", "2x"]
    assert attrs["sizes"] == "150px"


def test_asset_picture_offers_each_format_in_order(client, photo):
    html = asset_picture(photo, width=120, formats="avif,webp", alt="")
    tags = Tags(html).found
    assert [tag for tag, _ in tags] == ["picture", "source", "source", "img"]
    for (_, source), expected in zip(tags[1:3], ["image/avif", "image/webp"], strict=True):
        assert source["type"] == expected
        response, image = served(client, source["srcset"])
        assert response["Content-Type"] == expected and image.width == 120
    response, image = served(client, tags[3][1]["src"])
    assert response["Content-Type"] == "image/jpeg" and image.width == 120


def test_a_tag_reads_its_preset_once(photo, django_assert_num_queries):
    ThumbnailPreset.objects.create(key="card", width=120, height=90, fit="cover")
    with django_assert_num_queries(1):
        asset_picture(photo, key="card", formats="avif,webp", srcset="1x,2x")


@pytest.mark.parametrize("formats", ["auto", "bmp", "webp,heic"])
def test_picture_formats_must_be_output_formats(photo, formats):
    with pytest.raises(ValueError, match="is not an output format"):
        asset_picture(photo, width=100, formats=formats)
