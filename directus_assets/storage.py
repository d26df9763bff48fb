"""A django-storages S3 backend whose reads cost one GET.

django-storages' ``S3File`` sends a HEAD when a file is opened, another HEAD inside
boto3's download manager, then downloads the whole object into a temporary file before the
first byte can be sent. Serving thumbnails and originals needs none of that: this backend's
``open()`` for reading returns a file that streams the object's body from one GET, and a
``seek()`` before the first read turns into a ``Range`` request, so byte ranges of a large
original cost one ranged GET. Writes, URLs and everything else are django-storages' own.

Use it as ``"BACKEND": "directus_assets.storage.S3Storage"`` with the usual ``OPTIONS``.
"""

from __future__ import annotations

import io
from typing import Any

from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage as BaseS3Storage
from storages.utils import clean_name

_MISSING = ("NoSuchKey", "404", "NotFound")


class S3StreamFile(io.RawIOBase):
    """Read-only, forward-streaming view of one S3 object."""

    def __init__(self, obj: Any, name: str) -> None:
        self.obj = obj
        self.name = name
        self._position = 0
        self._body: Any = None
        self._request()  # an early, single round trip: FileNotFoundError now, not mid-stream

    def _request(self) -> None:
        if self._body is not None:
            self._body.close()
        extra = {"Range": f"bytes={self._position}-"} if self._position else {}
        try:
            response = self.obj.get(**extra)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                raise FileNotFoundError(f"No such object: {self.name}") from error
            raise
        self.size = int(response["ContentLength"]) + self._position
        self._body = response["Body"]
        self._consumed = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        # Only before the first read; say no so nothing seeks to the end to measure us.
        return False

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence != io.SEEK_SET or self._consumed:
            raise io.UnsupportedOperation("S3StreamFile seeks only before reading")
        if offset != self._position:
            self._position = offset
            self._request()
        return offset

    def tell(self) -> int:
        return self._position

    def read(self, size: int = -1) -> bytes:
        self._consumed = True
        data: bytes = self._body.read() if size is None or size < 0 else self._body.read(size)
        self._position += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self._body is not None:
            self._body.close()
        super().close()


class S3Storage(BaseS3Storage):  # type: ignore[misc]  # django-storages has no types
    """django-storages' S3 backend, with reads that stream from one GET."""

    def _open(self, name: str, mode: str = "rb") -> Any:
        if "w" in mode or "+" in mode:
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        return S3StreamFile(self.bucket.Object(key), name)
