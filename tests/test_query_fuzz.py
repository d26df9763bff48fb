"""Random query strings and headers never make the endpoint answer 500."""

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from directus_assets.spec import TRANSFORM_PARAMETERS
from tests.images import bands, encode

PARAMETERS = [*TRANSFORM_PARAMETERS, "download", "other"]
VALUES = st.one_of(
    st.sampled_from(["", "0", "1", "-1", "80", "6001", "1e3", "cover", "auto", "webp", "true"]),
    st.sampled_from(['[["blur",2]]', '[["rotate",45]]', '[["extract",{}]]', "[[]]", "[1]", "{"]),
    st.integers(-10, 10_000).map(str),
    st.text(max_size=20),
)
QUERIES = st.lists(st.tuples(st.sampled_from(PARAMETERS), VALUES), max_size=6)
BOUNDS = st.one_of(st.just(""), st.integers(0, 4000).map(str))
RANGES = st.one_of(
    st.none(),
    st.builds("bytes={}-{}".format, BOUNDS, BOUNDS),
    st.builds("{}={}-{}".format, st.sampled_from(["bytes", "items", "BYTES"]), BOUNDS, BOUNDS),
    st.from_regex(r"bytes=\d{0,4}-\d{0,4}", fullmatch=True),  # Unicode digits, too
    st.text(max_size=12),
)


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((120, 90)), "JPEG"), filename="p.jpg")


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=QUERIES, range_header=RANGES)
def test_no_query_string_or_range_makes_a_500(client, photo, query, range_header):
    headers = {"Range": range_header} if range_header else {}
    response = client.get(f"/assets/{photo.pk}", query, headers=headers)
    event(f"status {response.status_code}")
    assert response.status_code in (200, 206, 304, 400, 403, 416, 422), response.content
    if response.status_code >= 400:
        assert response.json()["errors"][0]["extensions"]["code"]


@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(range_header=RANGES, query=st.sampled_from(["", "width=50", "width=50&format=png"]))
def test_no_range_header_makes_a_500(client, photo, range_header, query):
    headers = {"Range": range_header} if range_header else {}
    response = client.get(f"/assets/{photo.pk}?{query}", headers=headers)
    event(f"status {response.status_code}")
    assert response.status_code in (200, 206, 416)
    if response.status_code == 206:
        assert int(response["Content-Length"]) == len(b"".join(response.streaming_content))
