"""Nothing private or hostile leaks: which ids exist, private files through the DRF field and
the preset preview, source metadata in thumbnails, oversized ICC profiles, hostile chunks
that used to break uploads, types taken from names, redirects steered by the client."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import ImageCms, PngImagePlugin, TiffImagePlugin
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from directus_assets.drf import AssetField
from directus_assets.models import File, ThumbnailPreset
from directus_assets.versions import content_version
from tests.conftest import body, stored
from tests.images import bands, decode, encode

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((90, 60)), "JPEG"), filename="photo.jpg")


@pytest.fixture
def secret(make_file):
    return make_file(
        encode(bands((90, 60)), "JPEG"), filename="s.jpg", title="Q3 layoffs", private=True
    )


class CoverSerializer(serializers.Serializer):  # type: ignore[type-arg]
    cover = AssetField()


def written(file_id, user=None):
    request = APIRequestFactory().post("/")
    request.user = user or AnonymousUser()
    serializer = CoverSerializer(data={"cover": str(file_id)}, context={"request": request})
    return serializer.is_valid(), serializer.errors


def test_the_drf_field_takes_a_private_file_only_from_who_may_see_it(secret, photo):
    unknown = "00000000-0000-0000-0000-000000000000"
    denied, unknown_error = written(secret.pk), written(unknown)[1]
    assert denied[0] is False
    # The same words for "private" and "no such id", apart from the id itself.
    assert str(denied[1]["cover"][0]).replace(str(secret.pk), "?") == str(
        unknown_error["cover"][0]
    ).replace(unknown, "?")
    allowed = User.objects.create_user("reader")
    allowed.user_permissions.add(Permission.objects.get(codename="view_file"))
    assert written(secret.pk, User.objects.get(pk=allowed.pk))[0] is True
    assert written(photo.pk)[0] is True
    assert CoverSerializer(data={"cover": str(secret.pk)}).is_valid() is False  # no request


def test_every_403_varies_on_the_cookie_alike(client, secret):
    private = client.get(f"/assets/{secret.pk}")
    unknown = client.get("/assets/00000000-0000-0000-0000-000000000000")
    malformed = client.get("/assets/not-an-id")
    assert private.status_code == unknown.status_code == malformed.status_code == 403
    assert "Cookie" in private["Vary"] and "Cookie" in unknown["Vary"]
    assert private["Vary"] == unknown["Vary"] == malformed["Vary"]
    assert body(private) == body(unknown) == body(malformed)


def test_thumbnails_carry_no_source_metadata(client, make_file):
    jpeg = make_file(encode(bands((90, 60)), "JPEG", comment=b"secret"), filename="c.jpg")
    assert decode(body(client.get(f"/assets/{jpeg.pk}?width=40"))).info.get("comment") is None

    tags = TiffImagePlugin.ImageFileDirectory_v2()
    tags[270] = "the description"  # ImageDescription
    tags[700] = b"<x:xmpmeta>secret</x:xmpmeta>"  # XMP
    tags[33723] = b"\x1c\x02\x05secret"  # IPTC
    tiff = make_file(encode(bands((90, 60)), "TIFF", tiffinfo=tags), filename="t.tif")
    out = body(client.get(f"/assets/{tiff.pk}?width=40"))
    assert b"secret" not in out and b"the description" not in out
    assert decode(out).size == (40, 27)


def test_a_huge_icc_profile_is_applied_not_copied(client, make_file):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    padded = bytearray(srgb + b"\0" * (8 * 1024 * 1024))
    padded[0:4] = len(padded).to_bytes(4, "big")  # the profile's own size field
    source = make_file(
        encode(bands((300, 200)), "JPEG", icc_profile=bytes(padded)), filename="icc.jpg"
    )
    out = body(client.get(f"/assets/{source.pk}?width=32"))
    assert len(out) < 20_000
    thumbnail = decode(out)
    assert not thumbnail.info.get("icc_profile")
    assert thumbnail.getpixel((2, 10))[0] > 200  # still red: the colours were kept


def hostile_png():
    """A PNG whose zTXt chunk decompresses past Pillow's limit (it refuses to open it)."""
    info = PngImagePlugin.PngInfo()
    info.add_text("bomb", "x" * (3 * 1024 * 1024), zip=True)
    return encode(bands((40, 30)), "PNG", pnginfo=info)


def test_a_hostile_png_is_stored_as_a_file_not_a_500(admin_client, client):
    upload = SimpleUploadedFile("bomb.png", hostile_png())
    response = admin_client.post("/admin/directus_assets/file/add/", {"upload": upload})
    assert response.status_code == 302
    file = File.objects.get()
    assert (file.type, file.width) == ("image/png", None)
    thumbnail = client.get(f"/assets/{file.pk}?width=20")
    assert thumbnail.status_code == 422  # cannot be transformed: said clearly


def test_a_hostile_png_does_not_stop_an_import(tmp_path):
    (tmp_path / "bomb.png").write_bytes(hostile_png())
    (tmp_path / "good.png").write_bytes(encode(bands((40, 30)), "PNG"))
    out = io.StringIO()
    call_command("import_assets", str(tmp_path), "--json", stdout=out)
    imported = json.loads(out.getvalue())
    assert sorted(item["filename_download"] for item in imported) == ["bomb.png", "good.png"]


@pytest.mark.parametrize("name", ["page.xhtml", "feed.xml", "app.js", "style.xsl"])
def test_active_types_are_never_taken_from_a_name(make_file, name):
    assert make_file(b"plain words, nothing else", filename=name).type == "text/plain"


def test_redirect_mode_streams_from_storages_without_expiring_urls(
    client, photo, secret, settings
):
    settings.DIRECTUS_ASSETS = {"SERVE": "redirect"}
    public = client.get(f"/assets/{photo.pk}")
    assert public.status_code == 200
    assert public["Content-Security-Policy"] == "default-src 'none'"
    assert body(public) == stored(photo.filename_disk)
    assert client.get(f"/assets/{secret.pk}").status_code == 403


def test_a_stale_version_redirects_to_the_file_never_to_the_clients_path(client, photo):
    response = client.get(f"/assets/{photo.pk}/..%2F..%2Fadmin?v=stale")
    assert response.status_code == 302
    version = content_version(photo)
    assert response["Location"] == f"/assets/{photo.pk}?v={version}"


def test_the_preset_preview_lists_only_files_the_viewer_may_see(client, photo, secret):
    viewer = User.objects.create_user("presets", is_staff=True, password="pw")
    viewer.user_permissions.add(Permission.objects.get(codename="view_thumbnailpreset"))
    preset = ThumbnailPreset.objects.create(key="card", width=40)
    client.force_login(viewer)
    page = client.get(f"/admin/directus_assets/thumbnailpreset/{preset.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert str(photo) in html and "Q3 layoffs" not in html and str(secret.pk) not in html


def test_a_nul_in_a_preset_key_is_a_bad_query(client, photo):
    response = client.get(f"/assets/{photo.pk}?key=card%00")
    assert response.status_code == 400
    assert json.loads(body(response))["errors"][0]["extensions"]["code"] == "INVALID_QUERY"
