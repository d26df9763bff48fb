"""The optional DRF field: URLs out (absolute with a request), a file id in; and the app
works, and says what to install, without DRF."""

import subprocess
import sys
import textwrap
from pathlib import Path

import blurhash
import pytest
from PIL import Image
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from directus_assets.drf import AssetField
from directus_assets.links import asset_url
from example_project.demo.models import Article
from tests.images import bands, decode, encode, near

pytestmark = pytest.mark.django_db


class ArticleSerializer(serializers.ModelSerializer):
    cover = AssetField(presets=["system-small-cover"], allow_null=True, required=False)

    class Meta:
        model = Article
        fields = ("title", "cover")


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((60, 40)), "JPEG"), filename="photo.jpg")


def test_a_file_becomes_its_urls_absolute_with_the_request(client, photo):
    request = APIRequestFactory().get("/api/articles/", HTTP_HOST="testserver")
    data = ArticleSerializer(Article(title="t", cover=photo), context={"request": request}).data[
        "cover"
    ]
    assert data["url"] == f"http://testserver{asset_url(photo)}"
    assert data["presets"] == {
        "system-small-cover": f"http://testserver{asset_url(photo, key='system-small-cover')}"
    }
    assert (data["id"], data["type"], data["width"], data["height"], data["filename"]) == (
        str(photo.pk),
        "image/jpeg",
        60,
        40,
        "photo.jpg",
    )
    preset_path = data["presets"]["system-small-cover"].removeprefix("http://testserver")
    response = client.get(preset_path)
    assert decode(b"".join(response.streaming_content)).size == (64, 64)


def test_without_a_request_urls_are_relative_and_no_file_is_null(photo):
    assert (
        ArticleSerializer(Article(title="t", cover=photo))
        .data["cover"]["url"]
        .startswith(f"/assets/{photo.pk}?v=")
    )
    assert ArticleSerializer(Article(title="t")).data["cover"] is None


def test_the_placeholder_is_in_the_output_and_null_when_there_is_none(make_file):
    red = make_file(encode(Image.new("RGB", (40, 30), (200, 20, 20)), "PNG"))
    data = ArticleSerializer(Article(title="t", cover=red)).data["cover"]
    assert data["dominant_color"] == red.dominant_color and near(
        tuple(int(data["dominant_color"][i : i + 2], 16) for i in (1, 3, 5)), (200, 20, 20), 8
    )
    assert data["blurhash"] == red.blurhash and blurhash.components(data["blurhash"]) == (4, 3)
    text = make_file(b"plain\n", filename="notes.txt")
    data = ArticleSerializer(Article(title="t", cover=text)).data["cover"]
    assert (data["blurhash"], data["dominant_color"]) == (None, None)


def test_writing_takes_a_file_id(photo):
    serializer = ArticleSerializer(data={"title": "New", "cover": str(photo.pk)})
    assert serializer.is_valid(), serializer.errors
    assert serializer.save().cover == photo


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("00000000-0000-0000-0000-000000000000", "No file you may use has the id"),
        ("not-a-uuid", "Expected a file id"),
        (42, "Expected a file id"),
    ],
)
def test_bad_ids_are_field_errors(value, message):
    serializer = ArticleSerializer(data={"title": "New", "cover": value})
    assert not serializer.is_valid()
    assert message in str(serializer.errors["cover"][0])


def test_the_app_needs_no_drf():
    script = textwrap.dedent(
        """
        import sys
        sys.modules["rest_framework"] = None  # as if DRF were not installed
        import django
        django.setup()
        import directus_assets.links, directus_assets.views, directus_assets.admin
        import directus_assets.fields, directus_assets.templatetags.directus_assets
        try:
            import directus_assets.drf
        except ImportError as error:
            print(error)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={"DJANGO_SETTINGS_MODULE": "example_project.settings", "PATH": "/usr/bin"},
        check=True,
    )
    assert result.stdout.strip() == (
        "directus_assets.drf needs Django REST Framework: pip install djangorestframework"
    )
