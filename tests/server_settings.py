"""The example site as the HTTP parity tests serve it: the benchmark's scratch-folder settings
with no rate limit on renders, since those tests ask one client's questions hundreds of times
and compare the answers (a 429 would be a different answer, decided by the clock)."""

from bench.settings import *  # noqa: F403

DIRECTUS_ASSETS = {"RENDER_RATE_LIMIT": None}
