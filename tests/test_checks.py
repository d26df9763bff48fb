import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured


def errors(settings, value):
    settings.DIRECTUS_ASSETS = value
    return [
        (m.id, m.msg)
        for m in run_checks(tags=["directus_assets"])
        if m.id and m.id.startswith("directus_assets")
    ]


def test_the_defaults_pass(settings):
    assert errors(settings, {}) == []


def test_not_a_dict(settings):
    assert errors(settings, ["STORAGE"]) == [
        ("directus_assets.E001", "DIRECTUS_ASSETS must be a dict, not list.")
    ]


def test_unknown_key(settings):
    assert errors(settings, {"CACHE_MAXAGE": 5})[0][0] == "directus_assets.E002"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"STORAGE": "nowhere"}, "'nowhere', which is not in settings.STORAGES"),
        ({"CACHE_MAX_AGE": -1}, "non-negative integer"),
        ({"CACHE_MAX_AGE": True}, "non-negative integer"),
        ({"STREAM_CHUNK_SIZE": 0}, "must be positive"),
        ({"ACCESS_CHECK": "no.such.module.hook"}, "dotted path of a callable"),
        ({"ACCESS_CHECK": "directus_assets.conf.DEFAULTS"}, "not callable"),
        ({"CONTENT_SECURITY_POLICY": None}, "must be a string"),
        ({"TRANSFORM_MODE": "some"}, 'must be "all", "presets" or "none"'),
        ({"MAX_DIMENSION": 0}, "must be positive"),
        ({"MAX_OPERATIONS": "5"}, "non-negative integer"),
        ({"THUMBNAIL_STORAGE": "cache"}, "'cache', which is not in settings.STORAGES"),
        ({"SERVE": "sendfile"}, "must be one of stream, x-accel-redirect, x-sendfile, redirect"),
        ({"RENDER_TIMEOUT": 0}, "positive number of seconds"),
        ({"MAX_RENDER_MEMORY": 0}, "must be positive"),
        ({"FAILED_RENDER_TTL": -1}, "non-negative number of seconds"),
        ({"RENDER_RATE_LIMIT": "lots"}, 'a rate such as "60/m"'),
        ({"RENDER_RATE_LIMIT": "0/m"}, 'a rate such as "60/m"'),
        ({"MAX_ADHOC_RENDITIONS_PER_FILE": -1}, "non-negative integer"),
        ({"CACHE": "elsewhere"}, "'elsewhere', which is not in settings.CACHES"),
        ({"AVIF_SPEED": 14}, "['AVIF_SPEED'] speed must be an integer from 0 to 13, not 14."),
        ({"AVIF_SPEED": "fast"}, "speed must be an integer from 0 to 13, not 'fast'."),
        ({"WEBP_EFFORT": "fast"}, "effort must be an integer from 0 to 6, not 'fast'."),
    ],
)
def test_bad_values_are_reported(settings, value, fragment):
    reported = errors(settings, value)
    assert len(reported) == 1
    assert reported[0][0] == "directus_assets.E003"
    assert fragment in reported[0][1]


@pytest.mark.parametrize(
    "layout",
    [
        {"ORIGINALS_PATH": "uploads/originals", "THUMBNAILS_PATH": "uploads"},
        {"ORIGINALS_PATH": "uploads", "THUMBNAILS_PATH": "uploads/thumbs"},
        {"ORIGINALS_PATH": "media/", "THUMBNAILS_PATH": "/media"},
        {"THUMBNAILS_PATH": ""},
        {"ORIGINALS_PATH": "/"},
    ],
)
def test_overlapping_or_empty_folders_are_refused(settings, layout):
    reported = errors(settings, layout)
    assert [code for code, _ in reported] == ["directus_assets.E004"], reported


def test_the_same_folder_names_in_different_storages_are_fine(settings):
    settings.STORAGES = {**settings.STORAGES, "thumbs": settings.STORAGES["default"]}
    layout = {"ORIGINALS_PATH": "files", "THUMBNAILS_PATH": "files", "THUMBNAIL_STORAGE": "thumbs"}
    assert errors(settings, layout) == []


def test_a_storage_rooted_at_the_working_directory_is_a_warning(settings):
    # startproject's defaults: MEDIA_ROOT = "" and FileSystemStorage without a location.
    settings.MEDIA_ROOT = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "relative": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": "media"},
        },
    }
    reported = errors(settings, {"THUMBNAIL_STORAGE": "relative"})
    assert [code for code, _ in reported] == ["directus_assets.W001"] * 2
    assert "'default'" in reported[0][1] and "relative to the working directory" in reported[0][1]
    settings.MEDIA_ROOT = "/srv/media"
    assert [code for code, _ in errors(settings, {})] == []


def test_x_sendfile_needs_storages_on_local_disk(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "s3": {
            "BACKEND": "directus_assets.storage.S3Storage",
            "OPTIONS": {"bucket_name": "assets", "region_name": "us-east-1"},
        },
    }
    assert errors(settings, {"SERVE": "x-sendfile"}) == []
    reported = errors(settings, {"SERVE": "x-sendfile", "THUMBNAIL_STORAGE": "s3"})
    assert [code for code, _ in reported] == ["directus_assets.E005"]
    assert "THUMBNAIL_STORAGE 's3' is not on local disk" in reported[0][1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        {"TRANSFORM_MODE": "everything"},  # would have failed open to "all"
        {"ORIGINALS_PATH": "media", "THUMBNAILS_PATH": "media/thumbs"},
        {"MAX_DIMENSION": 0},
    ],
)
def test_the_endpoint_refuses_to_serve_with_settings_that_cannot_work(client, settings, value):
    settings.DIRECTUS_ASSETS = value
    with pytest.raises(ImproperlyConfigured, match="directus_assets will not serve"):
        client.get("/assets/00000000-0000-0000-0000-000000000000?width=10")
    settings.DIRECTUS_ASSETS = {}
    assert client.get("/assets/00000000-0000-0000-0000-000000000000").status_code == 403


def test_check_deploy_warns_of_what_security_advises(settings):
    deploy = [m.id for m in run_checks(tags=["directus_assets"], include_deployment_checks=True)]
    assert {"directus_assets.W002", "directus_assets.W004"} <= set(deploy)
    settings.DIRECTUS_ASSETS = {"TRANSFORM_MODE": "presets", "RENDER_RATE_LIMIT": None}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache"}}
    deploy = [m.id for m in run_checks(tags=["directus_assets"], include_deployment_checks=True)]
    assert deploy == ["directus_assets.W003"]
