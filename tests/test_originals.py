"""GET and HEAD of /assets/<file-id>: the original with Directus's HTTP semantics."""

import json
import uuid
from email.utils import parsedate_to_datetime

import pytest
from django.core.files.storage import storages
from django.utils.http import http_date

from tests.conftest import body, image_bytes, stored
from tests.expected import FORBIDDEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(make_file):
    return make_file(image_bytes((300, 200), "JPEG"), filename="Holiday photo.jpg")


def url(file, suffix=""):
    return f"/assets/{file.pk}{suffix}"


def test_get_streams_the_exact_imported_bytes_with_headers(client, photo):
    response = client.get(url(photo))
    assert response.status_code == 200
    assert response.streaming
    assert body(response) == stored(photo.filename_disk)
    assert body(client.get(url(photo))) == image_bytes((300, 200), "JPEG")
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(photo.filesize)
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{photo.checksum[:32]}"'
    assert parsedate_to_datetime(response["Last-Modified"]) == photo.modified_on.replace(
        microsecond=0
    )
    assert response["Cache-Control"] == "public, max-age=2592000"
    assert response["Content-Disposition"] == 'inline; filename="Holiday photo.jpg"'
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_trailing_filename_does_not_change_the_file(client, photo):
    response = client.get(url(photo, "/any-name-at-all.png"))
    assert response.status_code == 200
    assert body(response) == image_bytes((300, 200), "JPEG")


@pytest.mark.parametrize("query", ["?download", "?download=", "?download=false", "?download=1"])
def test_download_in_any_form_makes_an_attachment(client, photo, query):
    response = client.get(url(photo, query))
    assert response["Content-Disposition"] == 'attachment; filename="Holiday photo.jpg"'


@pytest.mark.parametrize(
    ("name", "header"),
    [
        (
            "naïve café.jpg",
            "inline; filename=\"naive cafe.jpg\"; filename*=UTF-8''na%C3%AFve%20caf%C3%A9.jpg",
        ),
        ('say "cheese".jpg', 'inline; filename="say \\"cheese\\".jpg"'),
        (
            "evil\r\nSet-Cookie: a=b.jpg",
            "inline; filename*=utf-8''evil%0D%0ASet-Cookie%3A%20a%3Db.jpg",
        ),
    ],
)
def test_filenames_are_encoded_so_they_cannot_break_the_header(client, photo, name, header):
    photo.filename_download = name
    photo.save()
    response = client.get(url(photo))
    assert response["Content-Disposition"] == header
    assert "\n" not in response["Content-Disposition"]


def test_head_sends_the_same_headers_and_no_body(client, photo):
    get = client.get(url(photo))
    head = client.head(url(photo))
    assert head.status_code == 200
    assert head.content == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified", "Cache-Control"):
        assert head[name] == get[name]


def test_if_none_match_gives_304(client, photo):
    etag = client.get(url(photo))["ETag"]
    response = client.get(url(photo), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert client.get(url(photo), headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(url(photo), headers={"If-None-Match": "*"}).status_code == 304


def test_if_modified_since_gives_304_unless_modified_later(client, photo):
    modified = photo.modified_on.timestamp()
    assert (
        client.get(url(photo), headers={"If-Modified-Since": http_date(modified)}).status_code
        == 304
    )
    earlier = http_date(modified - 60)
    assert client.get(url(photo), headers={"If-Modified-Since": earlier}).status_code == 200


def test_if_none_match_takes_precedence_over_if_modified_since(client, photo):
    headers = {
        "If-None-Match": '"stale"',
        "If-Modified-Since": http_date(photo.modified_on.timestamp() + 60),
    }
    assert client.get(url(photo), headers=headers).status_code == 200


def test_if_match_failure_is_a_json_412(client, photo):
    response = client.get(url(photo), headers={"If-Match": '"nope"'})
    assert response.status_code == 412
    assert response.json()["errors"][0]["extensions"]["code"] == "PRECONDITION_FAILED"


@pytest.mark.parametrize(
    ("range_header", "first", "last"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", None, None)],
)
def test_ranges_give_206_with_exactly_those_bytes(client, photo, range_header, first, last):
    content = image_bytes((300, 200), "JPEG")
    size = len(content)
    if first is None:
        first, last = size - 50, size - 1
    last = size - 1 if last is None else last
    response = client.get(url(photo), headers={"Range": range_header})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{size}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body(response) == content[first : last + 1]


def test_head_with_a_range_gives_206_headers(client, photo):
    response = client.head(url(photo), headers={"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert response["Content-Length"] == "10"
    assert response.content == b""


@pytest.mark.parametrize("range_header", ["bytes=999999-", "bytes=20-10"])
def test_unsatisfiable_range_gives_416(client, photo, range_header):
    response = client.get(url(photo), headers={"Range": range_header})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{photo.filesize}"
    assert response.json()["errors"][0]["extensions"]["code"] == "RANGE_NOT_SATISFIABLE"


def test_a_range_in_another_unit_is_ignored(client, photo):
    response = client.get(url(photo), headers={"Range": "items=0-1"})
    assert response.status_code == 200
    assert len(body(response)) == photo.filesize


def test_if_range_honours_the_range_only_while_the_etag_matches(client, photo):
    etag = f'"{photo.checksum[:32]}"'
    matching = client.get(url(photo), headers={"Range": "bytes=0-9", "If-Range": etag})
    stale = client.get(url(photo), headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    weak = client.get(url(photo), headers={"Range": "bytes=0-9", "If-Range": f"W/{etag}"})
    dated = client.get(
        url(photo),
        headers={"Range": "bytes=0-9", "If-Range": http_date(photo.modified_on.timestamp())},
    )
    assert (matching.status_code, stale.status_code) == (206, 200)
    assert (weak.status_code, dated.status_code) == (200, 206)


@pytest.mark.parametrize(
    "path", [f"/assets/{uuid.uuid4()}", "/assets/not-a-uuid", "/assets/../../etc/passwd"]
)
def test_unknown_or_malformed_ids_are_forbidden(client, path):
    response = client.get(path)
    assert response.status_code == 403
    assert json.loads(response.content) == FORBIDDEN


def test_a_file_whose_bytes_are_missing_is_forbidden_and_logged(client, photo, caplog):
    storages["default"].delete(photo.filename_disk)
    with caplog.at_level("WARNING", logger="directus_assets.models"):
        assert client.get(url(photo)).json() == FORBIDDEN
    # The client learns nothing; the log says which file, where, and under which name.
    assert str(photo.pk) in caplog.text and photo.filename_disk in caplog.text
    assert "'default'" in caplog.text
    assert client.head(url(photo)).status_code == 403


def test_the_access_hook_decides(client, photo, settings):
    settings.DIRECTUS_ASSETS = {"ACCESS_CHECK": "tests.hooks.deny_titled_secret"}
    assert client.get(url(photo)).status_code == 200
    photo.title = "secret"
    photo.save()
    response = client.get(url(photo))
    assert (response.status_code, response.json()) == (403, FORBIDDEN)


def test_settings_change_cache_lifetime_and_csp(client, photo, settings):
    settings.DIRECTUS_ASSETS = {
        "CACHE_MAX_AGE": 60,
        "CONTENT_SECURITY_POLICY": "default-src 'none'; sandbox",
    }
    response = client.get(url(photo))
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    ("content", "type"),
    [
        (b"<html><script>alert(1)</script></html>", "text/html"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)'
            b"</script></svg>",
            "image/svg+xml",
        ),
    ],
)
@pytest.mark.parametrize("query", ["", "?download"])
def test_uploaded_pages_and_svg_are_served_inert(client, make_file, content, type, query):
    page = make_file(content, filename="x.html")
    response = client.get(url(page) + query)
    assert response["Content-Type"] == type
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_are_refused_in_json(client, photo, method):
    response = getattr(client, method)(url(photo))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


def test_the_bare_endpoint_is_a_json_404(client):
    response = client.get("/assets/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["extensions"]["code"] == "ROUTE_NOT_FOUND"
