"""What a Directus client sees, over HTTP from a real server (gunicorn, and uvicorn for the
ASGI application) running the example site's default middleware, CSRF checks included: the
answers Directus gives; and nothing in the server's log (no warning, no traceback)."""

from __future__ import annotations

import io
import json
import sys
from urllib.parse import quote

import pytest
from PIL import Image

from bench import http_bench
from tests.conftest import NO_DATABASE
from tests.servers import SERVERS, http_request, run_for_json

pytestmark = [pytest.mark.slow, NO_DATABASE]


@pytest.fixture(scope="module", params=SERVERS)
def site(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp("parity-site")
    env = {"BENCH_DIR": str(directory), "DJANGO_SETTINGS_MODULE": "tests.server_settings"}
    corpus = run_for_json([sys.executable, "-m", "tests.corpus"], env)
    attack = run_for_json([sys.executable, "-m", "tests.attack_files"], env)["ids"]
    server = http_bench.serve(request.param, env, directory / "server.log")
    try:
        yield server.url, {**corpus, **attack}
    finally:
        server.stop_with_a_clean_log()


def request(site, method, path, headers=None):
    return http_request(site[0], method, path, headers)


def get(site, path, headers=None):
    return request(site, "GET", path, headers)


def error_code(body):
    return json.loads(body)["errors"][0]["extensions"]["code"]


def asset(site, name):
    return f"/assets/{site[1][name]}"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_get_the_json_405_even_with_csrf_checks_on(site, method):
    status, headers, body = request(site, method, asset(site, "jpeg"))
    assert status == 405, body[:200]
    assert headers["Allow"] == "GET, HEAD"
    assert error_code(body) == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize("width", ["100", "100.0", "1e2", "%2B100", "%20100", "0x64"])
def test_numbers_are_read_as_directus_reads_them(site, width):
    status, _, body = get(site, f"{asset(site, 'jpeg')}?width={width}&format=png")
    assert status == 200
    assert Image.open(io.BytesIO(body)).size[0] == 100


@pytest.mark.parametrize("width", ["1.5", "abc", "0", "-3", "1e400"])
def test_fractions_and_nonsense_stay_bad_queries(site, width):
    status, _, body = get(site, f"{asset(site, 'jpeg')}?width={width}")
    assert (status, error_code(body)) == (400, "INVALID_QUERY")


def test_a_focal_point_outside_the_image_is_clamped(site):
    query = "width=50&height=50&focal_point_x=-1&focal_point_y=99999&format=png"
    status, _, body = get(site, f"{asset(site, 'jpeg')}?{query}")
    assert status == 200 and Image.open(io.BytesIO(body)).size == (50, 50)


@pytest.mark.parametrize(
    ("given", "content_type"),
    [
        ("JPG", "image/jpeg"),
        ("jpe", "image/jpeg"),
        ("TIF", "image/tiff"),
        ("Png", "image/png"),
        ("gif", "image/gif"),
    ],
)
def test_format_names_as_sharp_takes_them(site, given, content_type):
    status, headers, _ = get(site, f"{asset(site, 'jpeg')}?width=30&format={given}")
    assert (status, headers["Content-Type"]) == (200, content_type)


@pytest.mark.parametrize(
    ("source", "content_type"),
    [
        ("jpeg", "image/jpeg"),
        ("png-alpha", "image/png"),
        ("webp", "image/png"),
        ("avif", "image/png"),
        ("tiff", "image/png"),
    ],
)
def test_auto_format_without_avif_or_webp_gives_jpeg_or_png(site, source, content_type):
    path = f"{asset(site, source)}?width=30&format=auto"
    status, headers, _ = get(site, path, {"Accept": "image/jpeg,image/png,*/*"})
    assert (status, headers["Content-Type"]) == (200, content_type)
    assert "Accept" in headers["Vary"]


def test_transform_arguments_as_sharp_takes_them(site):
    status, _, _ = get(site, f'{asset(site, "jpeg")}?transforms=[["flip",true],["flop",false]]')
    assert status == 200


@pytest.mark.parametrize(
    ("transforms", "content_type", "image_format"),
    [
        ('[["webp",{"lossless":true}]]', "image/webp", "WEBP"),
        ('[["png",{"colours":16}]]', "image/png", "PNG"),
        ('[["gif"]]', "image/gif", "GIF"),
        (
            '[["toColourspace","b-w"],["clahe",{"width":8,"height":8}],["tint","#8040c0"]]',
            "image/jpeg",
            "JPEG",
        ),
    ],
)
def test_every_sharp_method_directus_allows_is_served(
    site, transforms, content_type, image_format
):
    path = f"{asset(site, 'jpeg')}?width=40&transforms={quote(transforms)}"
    status, headers, body = get(site, path)
    assert (status, headers["Content-Type"]) == (200, content_type)
    assert Image.open(io.BytesIO(body)).format == image_format


@pytest.mark.parametrize(
    ("transforms", "code"),
    [
        ('[["toColourspace","lab"]]', "INVALID_QUERY"),
        ('[["clahe"]]', "INVALID_QUERY"),
        ('[["extractChannel",3]]', "ILLEGAL_ASSET_TRANSFORMATION"),  # a JPEG has no alpha
        (
            '[["extract",{"left":900,"top":0,"width":10,"height":10}]]',
            "ILLEGAL_ASSET_TRANSFORMATION",
        ),
    ],
)
def test_what_sharp_refuses_is_a_directus_shaped_400(site, transforms, code):
    status, _, body = get(site, f"{asset(site, 'jpeg')}?transforms={quote(transforms)}")
    assert (status, error_code(body)) == (400, code)


def test_too_many_transforms_is_a_bad_query_in_directus_words(site):
    steps = quote(json.dumps([["flip"]] * 6))
    status, _, body = get(site, f"{asset(site, 'jpeg')}?transforms={steps}")
    assert (status, error_code(body)) == (400, "INVALID_QUERY")
    message = json.loads(body)["errors"][0]["message"]
    assert message == '"transforms" Parameter is only allowed 5 transformations.'


@pytest.mark.parametrize(
    ("query", "source"),
    [
        ("height=6000", "photo"),  # 9000x6000
        ("fit=outside&width=6000&height=6000", "photo"),
        ("height=1200", "wide"),  # 24000x1200
        ("height=6000", "banner"),
        ("width=100", "strip"),
    ],
)
def test_outputs_over_the_limits_are_illegal_transformations(site, query, source):
    status, _, body = get(site, f"{asset(site, source)}?{query}")
    assert (status, error_code(body)) == (400, "ILLEGAL_ASSET_TRANSFORMATION")


@pytest.mark.parametrize("suffix", ["/", ".jpg", ".anything-for-cache-busting"])
def test_directus_url_forms_serve_the_file(site, suffix):
    status, headers, _ = get(site, asset(site, "jpeg") + suffix)
    assert (status, headers["Content-Type"]) == (200, "image/jpeg")


def test_the_trailing_name_is_the_download_name(site):
    inline = get(site, f"{asset(site, 'jpeg')}/holiday.jpg")[1]["Content-Disposition"]
    assert inline == 'inline; filename="holiday.jpg"'
    attached = get(site, f"{asset(site, 'jpeg')}/holiday.jpg?download&width=20")[1]
    assert attached["Content-Disposition"] == 'attachment; filename="holiday.jpg"'


def test_a_non_ascii_name_has_an_ascii_fallback_too(site):
    name = quote("été à Paris.jpg")
    disposition = get(site, f"{asset(site, 'jpeg')}/{name}?download")[1]["Content-Disposition"]
    assert disposition == (
        'attachment; filename="ete a Paris.jpg"; '
        "filename*=UTF-8''%C3%A9t%C3%A9%20%C3%A0%20Paris.jpg"
    )


def test_a_directus_clients_token_opens_a_private_file(site):
    private, token = asset(site, "private"), site[1]["token"]
    assert get(site, private)[0] == 403
    by_parameter = get(site, f"{private}?access_token={token}")
    by_header = get(site, private, {"Authorization": f"Bearer {token}"})
    assert by_parameter[0] == by_header[0] == 200
    assert by_parameter[2] == by_header[2]
    assert Image.open(io.BytesIO(by_parameter[2])).size == (120, 80)
    thumbnail = get(site, f"{private}?width=60&format=png&access_token={token}")
    assert thumbnail[0] == 200 and Image.open(io.BytesIO(thumbnail[2])).size == (60, 40)


@pytest.mark.parametrize("name", ["private", "jpeg"])
def test_a_token_the_site_rejects_is_401_invalid_credentials(site, name):
    for headers, query in (({}, "?access_token=not-a-token"), ({"Authorization": "Bearer x"}, "")):
        status, _, body = get(site, f"{asset(site, name)}{query}", headers)
        assert (status, error_code(body)) == (401, "INVALID_CREDENTIALS")


@pytest.mark.parametrize("name", ["jpeg", "pdf"])
def test_originals_head_ranges_and_revalidation_on_the_wire(site, name):
    path = asset(site, name)
    status, headers, whole = get(site, path)
    assert (status, int(headers["Content-Length"])) == (200, len(whole))
    status, head, body = request(site, "HEAD", path)
    assert (status, body, head["Content-Length"], head["ETag"]) == (
        200,
        b"",
        str(len(whole)),
        headers["ETag"],
    )
    status, ranged, part = get(site, path, {"Range": "bytes=10-19"})
    assert (status, part) == (206, whole[10:20])
    assert ranged["Content-Range"] == f"bytes 10-19/{len(whole)}"
    assert get(site, path, {"Range": f"bytes={len(whole)}-"})[0] == 416
    assert get(site, path, {"If-None-Match": headers["ETag"]})[:3:2] == (304, b"")


def test_a_thumbnail_made_then_served_revalidated_and_ranged(site):
    path = f"{asset(site, 'jpeg')}?width=60&format=png"
    made = get(site, path)
    served = get(site, path)
    assert made[0] == served[0] == 200 and made[2] == served[2]
    assert Image.open(io.BytesIO(served[2])).size == (60, 40)
    assert get(site, path, {"If-None-Match": served[1]["ETag"]})[:3:2] == (304, b"")
    assert get(site, path, {"Range": "bytes=0-9"})[2] == served[2][:10]


def test_a_private_file_is_forbidden_without_credentials(site):
    for query in ("", "?width=60"):
        status, headers, body = get(site, f"{asset(site, 'private')}{query}")
        assert (status, error_code(body)) == (403, "FORBIDDEN")
        assert headers["Content-Type"].startswith("application/json")
