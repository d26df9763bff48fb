"""A fast path for what most asset requests are: a stored thumbnail or an original of a public
file. First in ``MIDDLEWARE`` (as WhiteNoise's), it answers those before the rest of the
stack (sessions, CSRF, authentication, messages, the URL resolver) has run, through the
view's own :func:`~directus_assets.views.answer`, and passes everything else down unchanged:
private files and tokens (they need the user), signed URLs, misses (a render), and anything
it does not fully understand, errors included. Works under WSGI and ASGI.

The later middleware never sees a response answered here: ``ADD_HEADERS_FUNCTION`` (a dotted
path to ``(request, response) -> None``) adds what they would have (CORS, for example).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.module_loading import import_string

from . import credentials, signing, versions, views
from .access import allow_all, default_access
from .conf import app_settings
from .errors import OUTAGES, AssetError

GetResponse = Callable[[HttpRequest], Any]
# Errors are the view's to answer: after the rest of the stack, with the same response.
_LEFT_TO_THE_VIEW: tuple[type[BaseException], ...] = (AssetError, versions.StaleVersion, *OUTAGES)
# Access hooks that decide on a public file without looking at the user, who is not known
# yet this early: with any other hook every request goes down to the view.
_USERLESS_HOOKS = {
    f"{hook.__module__}.{hook.__qualname__}" for hook in (default_access, allow_all)
}


class AssetsMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        return fast_answer(request) or self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        # The database and the storage are reached from a thread, as Django runs a view.
        response = await sync_to_async(fast_answer)(request)
        if response is None:
            later: Awaitable[HttpResponseBase] = self.get_response(request)
            response = await later
        return response


def fast_answer(request: HttpRequest) -> HttpResponseBase | None:
    """The view's answer to ``request`` if it is a public stored thumbnail or original,
    else ``None`` (the request goes on to the rest of the stack and the view)."""
    target = _asset_target(request)
    if target is None or not _needs_no_user(request):
        return None
    try:
        response = views.answer(request, *target, fast_path=True)
    except _LEFT_TO_THE_VIEW:
        return None
    if response is not None and app_settings.ADD_HEADERS_FUNCTION:
        _headers_hook(app_settings.ADD_HEADERS_FUNCTION)(request, response)
    return response


def _asset_target(request: HttpRequest) -> tuple[str, str | None] | None:
    """The file id and download name a GET or HEAD of an asset asks for."""
    if request.method not in ("GET", "HEAD"):
        return None
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    prefix = _assets_prefix(get_script_prefix(), urlconf)
    if prefix is None or not request.path.startswith(prefix):
        return None
    file_id, _, filename = request.path[len(prefix) :].partition("/")
    return (file_id, filename or None) if file_id else None


@lru_cache(maxsize=8)
def _assets_prefix(script_prefix: str, urlconf: str) -> str | None:
    """Where the site included the endpoint's URLs (``/assets/``), or ``None`` if it did not
    (the script prefix is part of the answer, hence of the cache's key)."""
    try:
        return reverse("directus_assets:asset", urlconf=urlconf, args=["-"])[:-1]
    except NoReverseMatch:
        return None


def _needs_no_user(request: HttpRequest) -> bool:
    return (
        app_settings.ACCESS_CHECK in _USERLESS_HOOKS
        and credentials.token_of(request) is None
        and not signing.is_signed(request.GET)
    )


@lru_cache(maxsize=4)
def _headers_hook(path: str) -> Callable[[HttpRequest, HttpResponseBase], None]:
    hook: Callable[[HttpRequest, HttpResponseBase], None] = import_string(path)
    return hook
