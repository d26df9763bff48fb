"""Storage and database failures: 503 with a clear error, nothing half-made, and the next
request after recovery succeeds."""

import pytest
from botocore.config import Config
from django.db import OperationalError, connection

from directus_assets.models import File, Rendition
from tests.conftest import body, s3_storage_settings
from tests.images import bands, decode, encode
from tests.servers import SeaweedFS, stop

pytestmark = pytest.mark.django_db


def get(client, url):
    response = client.get(url)
    return response, body(response)


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"


@pytest.fixture
def own_seaweedfs(tmp_path):
    """A SeaweedFS of this test's own, since the test stops it."""
    server = SeaweedFS.start(tmp_path)
    yield server
    stop(server.process)


def test_s3_going_down_and_coming_back(client, settings, own_seaweedfs):
    storage = s3_storage_settings(own_seaweedfs, "faults")
    # Fail fast instead of retrying for seconds: the point is the answer, not the wait.
    storage["OPTIONS"]["client_config"] = Config(
        retries={"max_attempts": 1}, connect_timeout=1, read_timeout=2
    )
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    photo = File.objects.create_from(encode(bands((300, 100)), "JPEG"), filename="p.jpg")
    assert get(client, f"/assets/{photo.pk}?width=60")[0].status_code == 200

    stop(own_seaweedfs.process)  # the storage goes down mid-test
    for query in ("width=40", "width=60", ""):  # a miss, a cached hit, the original
        response, _ = get(client, f"/assets/{photo.pk}?{query}")
        assert_unavailable(response)
    assert list(Rendition.objects.values_list("width", flat=True)) == [60]  # nothing for 40

    restarted = own_seaweedfs.restart()
    try:
        response, body = get(client, f"/assets/{photo.pk}?width=40")
        assert response.status_code == 200 and decode(body).size == (40, 13)
        assert Rendition.objects.filter(width=40, ready=True).count() == 1
    finally:
        own_seaweedfs.process = restarted.process


def test_database_errors_answer_503_and_recover(client, make_file):
    photo = make_file(encode(bands((300, 100)), "JPEG"), filename="p.jpg")

    def database_down(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(database_down):
        assert_unavailable(get(client, f"/assets/{photo.pk}?width=60")[0])
        assert_unavailable(get(client, f"/assets/{photo.pk}")[0])
    response, body = get(client, f"/assets/{photo.pk}?width=60")
    assert response.status_code == 200 and decode(body).size == (60, 20)
