"""Originals over a real HTTP server on loopback: streaming, HEAD and ranges on the wire."""

from urllib.parse import urlsplit

import pytest

from directus_assets.models import File
from tests.conftest import image_bytes
from tests.servers import http_request

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def request(live_server, method, path, headers=None):
    return http_request(live_server.url, method, path, headers)


def test_originals_on_the_wire(live_server):
    assert urlsplit(live_server.url).hostname in ("localhost", "127.0.0.1")
    content = image_bytes((900, 700), "PNG", mode="RGB", color=(1, 2, 3)) + bytes(range(256)) * 400
    file = File.objects.create_from(content, filename="big.png")
    path = f"/assets/{file.pk}"

    status, headers, body = request(live_server, "GET", path)
    assert status == 200
    assert body == content
    assert int(headers["Content-Length"]) == len(content)

    status, head_headers, body = request(live_server, "HEAD", path)
    assert (status, body) == (200, b"")
    assert head_headers["Content-Length"] == str(len(content))
    assert head_headers["ETag"] == headers["ETag"]

    status, headers, body = request(live_server, "GET", path, {"Range": "bytes=1000-1999"})
    assert status == 206
    assert body == content[1000:2000]
    assert headers["Content-Range"] == f"bytes 1000-1999/{len(content)}"

    status, _, body = request(live_server, "GET", path, {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
