"""The template tags are the links functions, an unset or unknown file renders nothing, and
parameters the endpoint would refuse never take the page down."""

import pytest
from django.template import Context, Template

from directus_assets.links import asset_img, asset_picture, asset_srcset, asset_url
from tests.images import bands, encode

pytestmark = pytest.mark.django_db


def render(source, **context):
    return Template("{% load directus_assets %}" + source).render(Context(context))


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((600, 400)), "JPEG"), filename="photo.jpg")


def test_asset_url_and_srcset_are_escaped_for_html(photo):
    assert render('{% asset_url f key="system-small-cover" %}', f=photo) == asset_url(
        photo, key="system-small-cover"
    ).replace("&", "&amp;")
    assert render("{% asset_srcset f width=100 %}", f=photo) == asset_srcset(
        photo, width=100
    ).replace("&", "&amp;")


def test_asset_url_as_a_variable_and_by_id(photo):
    html = render('{% asset_url f width=80 as link %}<a href="{{ link }}">x</a>', f=str(photo.pk))
    assert html == f'<a href="{asset_url(photo, width=80).replace("&", "&amp;")}">x</a>'


def test_asset_img_and_picture(photo):
    assert render('{% asset_img f width=80 alt="Hi" class="c" %}', f=photo) == asset_img(
        photo, width=80, alt="Hi", class_="c"
    )
    tag = '{% asset_img f width=80 placeholder="blur" %}'
    assert render(tag, f=photo) == asset_img(photo, width=80, placeholder="blur")
    assert "url(data:image/png;base64," in render(tag, f=photo)
    assert render('{% asset_picture f width=80 formats="webp" %}', f=photo) == asset_picture(
        photo, width=80, formats="webp"
    )


@pytest.mark.parametrize("value", [None, "", "00000000-0000-0000-0000-000000000000"])
def test_an_unset_or_unknown_file_renders_nothing(value):
    assert render("[{% asset_url f %}][{% asset_img f width=10 %}]", f=value) == "[][]"


@pytest.mark.parametrize(
    "tag",
    [
        '{% asset_img f key="card" %}',  # a fresh deploy: nobody has made the preset yet
        "{% asset_url f width=0 %}",
        '{% asset_picture f width=80 formats="bmp" %}',
        '{% asset_srcset f key="card" %}',
        '{% asset_img f placeholder="shimmer" %}',
    ],
)
def test_what_the_endpoint_would_refuse_renders_nothing_and_warns(photo, tag, caplog, settings):
    settings.DEBUG = False
    with caplog.at_level("WARNING", logger="directus_assets.templatetags.directus_assets"):
        assert render(f"[{tag}]", f=photo) == "[]"
    assert str(photo.pk) in caplog.text and "rendered nothing" in caplog.text


def test_with_debug_on_a_refused_parameter_raises(photo, settings):
    settings.DEBUG = True
    with pytest.raises(ValueError, match="card"):
        render('{% asset_img f key="card" %}', f=photo)
