"""Errors the endpoint answers with, in Directus's ``{"errors": [...]}`` shape."""

from __future__ import annotations

from django.db import DatabaseError
from django.http import JsonResponse


def _outage_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [DatabaseError, OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # S3 support is optional
        return tuple(errors)
    return (*errors, BotoCoreError, ClientError)


# What a storage or database that is down, slow or refusing raises: answered with 503.
OUTAGES = _outage_errors()


class AssetError(Exception):
    """An error that becomes a JSON response; raise it from any stage of the pipeline."""

    status = 400
    code = "INVALID_QUERY"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}

    def response(self) -> JsonResponse:
        return error_response(self.status, self.code, self.message, self.headers)


class InvalidQuery(AssetError):
    pass


class InvalidCredentials(AssetError):
    status = 401
    code = "INVALID_CREDENTIALS"


class Forbidden(AssetError):
    status = 403
    code = "FORBIDDEN"

    def __init__(self) -> None:
        # One answer for unknown, malformed and denied ids so nothing reveals which exist:
        # a denied private file was decided by the session, so every 403 says it may vary.
        super().__init__("You don't have permission to access this.", headers={"Vary": "Cookie"})


class RangeNotSatisfiable(AssetError):
    status = 416
    code = "RANGE_NOT_SATISFIABLE"

    def __init__(self, size: int) -> None:
        super().__init__(
            "Requested range is not satisfiable.",
            headers={"Content-Range": f"bytes */{size}"},
        )


class PreconditionFailed(AssetError):
    status = 412
    code = "PRECONDITION_FAILED"


class MethodNotAllowed(AssetError):
    status = 405
    code = "METHOD_NOT_ALLOWED"


class UnprocessableImage(AssetError):
    status = 422
    code = "UNPROCESSABLE_CONTENT"


class ServiceUnavailable(AssetError):
    status = 503
    code = "SERVICE_UNAVAILABLE"


class RenderTimedOut(ServiceUnavailable):
    """A render did not finish within RENDER_TIME_LIMIT and was stopped."""

    def __init__(self) -> None:
        super().__init__("Making this thumbnail took too long.", headers={"Retry-After": "5"})


class TooManyRequests(AssetError):
    status = 429
    code = "REQUESTS_EXCEEDED"


class RouteNotFound(AssetError):
    status = 404
    code = "ROUTE_NOT_FOUND"


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JsonResponse:
    response = JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
