"""The example site as the HTTP parity tests serve it: the benchmark's scratch-folder settings
with no rate limit on renders, since those tests ask one client's questions hundreds of times
and compare the answers (a 429 would be a different answer, decided by the clock). Directus
clients' tokens are checked with DRF's token authentication."""

from bench.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework", "rest_framework.authtoken"]  # noqa: F405
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ]
}
DIRECTUS_ASSETS = {
    "RENDER_RATE_LIMIT": None,
    "AUTHENTICATE_TOKEN": "directus_assets.drf.authenticate_token",
}
