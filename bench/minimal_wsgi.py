"""The ceiling for Python: serve the same stored bytes with no Django at all.

``/<name>`` answers the stored object ``<name>`` from the benchmark's media folder, or from
its S3 bucket when ``BENCH_S3_ENDPOINT`` is set.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

MEDIA = Path(os.environ.get("BENCH_DIR", "/tmp/directus-assets-bench")) / "media"
S3_ENDPOINT = os.environ.get("BENCH_S3_ENDPOINT")
_client: Any = None


def _s3() -> Any:
    global _client
    if _client is None:
        import boto3

        _client = boto3.client(
            "s3",
            endpoint_url=S3_ENDPOINT,
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
            region_name="us-east-1",
        )
    return _client


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    name = environ["PATH_INFO"].lstrip("/")
    if not name:  # the readiness probe
        start_response("404 Not Found", [("Content-Length", "0")])
        return [b""]
    if S3_ENDPOINT:
        body = _s3().get_object(Bucket="assets", Key=name)["Body"].read()
        start_response(
            "200 OK", [("Content-Type", "image/jpeg"), ("Content-Length", str(len(body)))]
        )
        return [body]
    path = MEDIA / name
    handle = path.open("rb")
    size = os.fstat(handle.fileno()).st_size
    start_response("200 OK", [("Content-Type", "image/jpeg"), ("Content-Length", str(size))])
    return environ["wsgi.file_wrapper"](handle, 65536)
