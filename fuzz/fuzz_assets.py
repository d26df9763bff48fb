"""Coverage-guided fuzzing of the endpoint with atheris: query strings and Range headers.

    python fuzz/fuzz_assets.py -runs=20000        # bounded by count
    python fuzz/fuzz_assets.py -max_total_time=60 # bounded by time

It serves one JPEG and one PNG from a scratch SQLite database and storage, and fails on any
5xx response or exception that escapes the view (the endpoint must answer every request
with a 2xx, 3xx or a Directus-shaped 4xx).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# libFuzzer exits from C, past Python's atexit: a caller that wants the scratch folder
# removed passes its own (FUZZ_DIR), as the test does.
SCRATCH = Path(os.environ.get("FUZZ_DIR") or tempfile.mkdtemp(prefix="directus-assets-fuzz-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["BENCH_DIR"] = str(SCRATCH)

# Coverage of our own code guides it: instrumenting Django too took over a minute at start.
with atheris.instrument_imports(include=["directus_assets"]):
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from directus_assets.models import File, ThumbnailPreset
    from directus_assets.spec import TRANSFORM_PARAMETERS
    from tests.images import bands, encode

PARAMETERS = [*TRANSFORM_PARAMETERS, "download", "token", "expires"]


def setup() -> tuple[Client, list[str]]:
    call_command("migrate", verbosity=0)
    ThumbnailPreset.objects.get_or_create(key="card", defaults={"width": 40, "height": 40})
    files = [
        File.objects.create_from(encode(bands((120, 80)), "JPEG"), filename="a.jpg"),
        File.objects.create_from(encode(bands((60, 90), mode="RGBA")), filename="b.png"),
    ]
    return Client(), [str(file.pk) for file in files]


CLIENT, FILE_IDS = setup()


def one_input(data: bytes) -> None:
    fuzz = atheris.FuzzedDataProvider(data)
    file_id = FILE_IDS[fuzz.ConsumeIntInRange(0, len(FILE_IDS) - 1)]
    pairs = []
    for _ in range(fuzz.ConsumeIntInRange(0, 4)):
        name = PARAMETERS[fuzz.ConsumeIntInRange(0, len(PARAMETERS) - 1)]
        pairs.append((name, fuzz.ConsumeUnicodeNoSurrogates(24)))
    headers = {}
    if fuzz.ConsumeBool():
        headers["Range"] = fuzz.ConsumeUnicodeNoSurrogates(20)
    response = CLIENT.get(f"/assets/{file_id}", pairs, headers=headers)
    if response.streaming:
        b"".join(response.streaming_content)
    if response.status_code >= 500:
        raise AssertionError(
            f"{response.status_code} for {pairs} {headers}: {response.content[:300]!r}"
        )


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
